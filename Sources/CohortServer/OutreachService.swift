import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Projections

/// `cohort.v1.OutreachService`: validation experiments and their attempts. One experiment is one
/// stream; its id and its attempts' ids are derived from the request ids, so retries meet them.
struct OutreachService: Cohort_V1_OutreachService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity
  let reads: ReadConsistency

  private static let experimentNamespace = UUID(uuidString: "8d2c4b6a-1e3f-4a5b-9c7d-0e1f2a3b4c05")!
  private static let attemptNamespace = UUID(uuidString: "3f5a7c9e-2b4d-4f6a-8c0e-1a2b3c4d5e06")!

  // MARK: Commands

  func startExperiment(
    request: Cohort_V1_StartExperimentRequest, context: ServerContext
  ) async throws -> Cohort_V1_ExperimentCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    guard request.hasPrice else {
      throw DomainError(.invalidArgument(field: "price"), "price is required: what the offer costs")
    }
    let start = StartExperiment(
      hypothesis: request.hypothesis, offer: request.offer, price: try Money(request.price, field: "price"),
      budget: Int(request.budget), founder: request.founder.isEmpty ? principal.label : request.founder,
      startsOn: request.hasStartsOn ? try CalendarDate(request.startsOn, field: "starts_on") : today)
    let experimentID = UUID(
      namespace: Self.experimentNamespace, name: "\(principal.tenantID.lowercased)/\(fingerprint.requestID.lowercased)")
    let outcome = try await run(.start(start), experimentID: experimentID, request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.experimentID = experimentID.lowercased
    }
  }

  func concludeExperiment(
    request: Cohort_V1_ConcludeExperimentRequest, context: ServerContext
  ) async throws -> Cohort_V1_ExperimentCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let experimentID = try UUID(field: "experiment_id", request.experimentID)
    let outcome = try await run(
      .conclude(try ExperimentResult(request.result, field: "result"), learning: request.learning),
      experimentID: experimentID, request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.experimentID = experimentID.lowercased
    }
  }

  func logAttempt(
    request: Cohort_V1_LogAttemptRequest, context: ServerContext
  ) async throws -> Cohort_V1_AttemptCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let experimentID = try UUID(field: "experiment_id", request.experimentID)
    let attemptID = UUID(
      namespace: Self.attemptNamespace, name: "\(experimentID.lowercased)/\(fingerprint.requestID.lowercased)")
    let attempt = LogAttempt(
      attemptID: attemptID, target: try target(request.target, tenantID: principal.tenantID),
      channel: try OutreachChannel(request.channel, field: "channel"), pitch: request.pitch,
      outcome: try outcome(request.outcome, field: "outcome", tenantID: principal.tenantID),
      complimentsOnly: request.complimentsOnly,
      nextStep: request.hasNextStep ? try NextStep(request.nextStep, field: "next_step") : nil,
      on: request.hasOn ? try CalendarDate(request.on, field: "on") : today)
    let outcome = try await run(
      .logAttempt(attempt), experimentID: experimentID, request: fingerprint, principal: principal)
    return try await reply(outcome, experimentID: experimentID, attemptID: attemptID, tenantID: principal.tenantID)
  }

  func updateAttempt(
    request: Cohort_V1_UpdateAttemptRequest, context: ServerContext
  ) async throws -> Cohort_V1_AttemptCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let experimentID = try UUID(field: "experiment_id", request.experimentID)
    let attemptID = try UUID(field: "attempt_id", request.attemptID)
    let update = UpdateAttempt(
      attemptID: attemptID, outcome: try outcome(request.outcome, field: "outcome", tenantID: principal.tenantID),
      complimentsOnly: request.complimentsOnly,
      nextStep: request.hasNextStep ? try NextStep(request.nextStep, field: "next_step") : nil)
    let outcome = try await run(
      .updateAttempt(update), experimentID: experimentID, request: fingerprint, principal: principal)
    return try await reply(outcome, experimentID: experimentID, attemptID: attemptID, tenantID: principal.tenantID)
  }

  private func run(
    _ command: OutreachCommand, experimentID: UUID, request: RequestFingerprint, principal: Principal
  ) async throws -> CommandHandler.Outcome<OutreachEvent> {
    try await core.commands.handle(
      command, on: OutreachEventCodec.aggregate,
      stream: OutreachEventCodec.stream(tenantID: principal.tenantID, experimentID: experimentID),
      subjectID: experimentID, request: request, principal: principal)
  }

  private func reply(
    _ outcome: CommandHandler.Outcome<OutreachEvent>, experimentID: UUID, attemptID: UUID, tenantID: UUID
  ) async throws -> Cohort_V1_AttemptCommandReply {
    _ = await core.readModel.waitUntil(position: outcome.position, timeout: reads.limit)
    let attempt = core.readModel.read { model in
      model.outreach.experiment(tenantID: tenantID, id: experimentID)?.attempts.first {
        $0.attemptID == attemptID
      }
    }
    return .with {
      $0.reply = outcome.reply
      $0.experimentID = experimentID.lowercased
      $0.attemptID = attemptID.lowercased
      $0.overBudget = attempt?.overBudget ?? false
    }
  }

  /// Today in Korea, by the pipeline's clock.
  private var today: CalendarDate { CalendarDate.inKorea(core.commands.now()) }

  private func target(_ target: Cohort_V1_AttemptTarget, tenantID: UUID) throws(DomainError) -> AttemptTarget {
    switch target.target {
    case .person(let reference):
      let personID = try identity.personID(of: reference, field: "target.person", tenantID: tenantID)
      let known = core.readModel.read { $0.people.person(tenantID: tenantID, personID: personID) != nil }
      guard known else {
        throw DomainError(
          .notFound, "no person with this e-mail or id is registered: register them first (cohort people add)")
      }
      return .person(personID)
    case .organisation(let organisation):
      return .organisation(name: organisation.name, contactRole: organisation.contactRole)
    case nil:
      throw DomainError(.invalidArgument(field: "target"), "name the target: a person or an organisation")
    }
  }

  private func outcome(
    _ outcome: Cohort_V1_AttemptOutcome, field: String, tenantID: UUID
  ) throws(DomainError) -> AttemptOutcome {
    let directory = core.readModel.read { $0.people }
    return try AttemptOutcome(outcome, field: field) { name in
      PaymentNames.payment(named: name, tenantID: tenantID, in: directory)
    }
  }

  // MARK: Queries

  func listExperiments(
    request: Cohort_V1_ListExperimentsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListExperimentsReply {
    let principal = try Authorization.caller()
    try await reads.wait(for: request.consistency, in: core.readModel)
    let today = today
    return core.readModel.snapshot { model, position in
      let view = OutreachProjection(model: model, tenantID: principal.tenantID, today: today)
      let experiments = model.outreach.experiments(tenantID: principal.tenantID)
      let reports = experiments.map { ($0, view.report($0)) }
      return .with {
        $0.experiments = reports.map { view.proto($0.0, report: $0.1) }
        $0.founders = Dictionary(grouping: reports, by: \.0.started.founder).sorted { $0.key < $1.key }.map {
          founder, reports in
          .with {
            $0.founder = founder
            $0.experiments = Int32(reports.count)
            $0.attemptsUsed = Int32(reports.reduce(0) { $0 + $1.1.attemptsUsed })
            $0.budget = Int32(reports.reduce(0) { $0 + $1.1.budget })
            $0.rejections = Int32(reports.reduce(0) { $0 + ($1.1.outcomes[.rejected] ?? 0) })
            $0.validatedCustomers = Int32(reports.reduce(0) { $0 + $1.1.validatedCustomers })
          }
        }
        $0.position = position
      }
    }
  }

  func getExperiment(
    request: Cohort_V1_GetExperimentRequest, context: ServerContext
  ) async throws -> Cohort_V1_GetExperimentReply {
    let principal = try Authorization.caller()
    let experimentID = try UUID(field: "experiment_id", request.experimentID)
    try await reads.wait(for: request.consistency, in: core.readModel)
    let today = today
    let found = core.readModel.snapshot { model, position in
      model.outreach.experiment(tenantID: principal.tenantID, id: experimentID).map { experiment in
        let view = OutreachProjection(model: model, tenantID: principal.tenantID, today: today)
        return Cohort_V1_GetExperimentReply.with {
          $0.experiment = view.proto(experiment, report: view.report(experiment))
          $0.position = position
        }
      }
    }
    guard let found else { throw DomainError(.notFound, "no experiment \(experimentID.lowercased) was started") }
    return found
  }

  func listAttempts(
    request: Cohort_V1_ListAttemptsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListAttemptsReply {
    let principal = try Authorization.caller()
    let experimentID = try UUID(field: "experiment_id", request.experimentID)
    let paging = try PageToken.Request(
      pageSize: request.pageSize, pageToken: request.pageToken, default: PageToken.maximumPageSize)
    try await reads.wait(for: request.consistency, in: core.readModel)
    let found = core.readModel.snapshot { model, position in
      model.outreach.experiment(tenantID: principal.tenantID, id: experimentID).map { experiment in
        let view = OutreachProjection(model: model, tenantID: principal.tenantID, today: today)
        let page = paging.page(of: experiment.attempts)
        return Cohort_V1_ListAttemptsReply.with {
          $0.attempts = page.rows.map(view.proto)
          $0.position = position
          $0.nextPageToken = page.next
        }
      }
    }
    guard let found else { throw DomainError(.notFound, "no experiment \(experimentID.lowercased) was started") }
    return found
  }

  func listFollowups(
    request: Cohort_V1_ListFollowupsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListFollowupsReply {
    let principal = try Authorization.caller()
    let paging = try PageToken.Request(
      pageSize: request.pageSize, pageToken: request.pageToken, default: PageToken.maximumPageSize)
    try await reads.wait(for: request.consistency, in: core.readModel)
    let today = today
    return core.readModel.snapshot { model, position in
      let view = OutreachProjection(model: model, tenantID: principal.tenantID, today: today)
      let book = model.outreach
      let page = paging.page(of: book.followups(tenantID: principal.tenantID))
      return .with {
        $0.nextPageToken = page.next
        $0.followups = page.rows.map { attempt in
          .with {
            $0.attempt = view.proto(attempt)
            $0.offer = book.experiment(tenantID: principal.tenantID, id: attempt.experimentID)?.started.offer ?? ""
            $0.overdue = attempt.nextStep.map { $0.due < today } ?? false
          }
        }
        $0.position = position
      }
    }
  }
}
