import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Projections
import SwiftProtobuf

/// `cohort.v1.EnrollmentService`: commands go through ``CommandHandler`` to the log; queries
/// read the in-memory read model, after waiting for the caller's position if they gave one.
///
/// Members are people: a member's id is their person id (``PersonIdentity``), and enrolling
/// somebody who is not registered yet registers them first.
struct EnrollmentService: Cohort_V1_EnrollmentService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity
  let queryWaitLimit: Duration

  private var readModel: ProjectionRunner<CohortReadModel> { core.readModel }

  // MARK: Commands

  func scheduleCohort(
    request: Cohort_V1_ScheduleCohortRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.number, field: "number")
    guard request.hasPrice else {
      throw DomainError(.invalidArgument(field: "price"), "price is required (use amount 0 for a free cohort)")
    }
    let schedule = ScheduleCohort(
      number: number, title: request.title, price: try Money(request.price, field: "price"),
      capacity: Int(request.capacity), startsOn: try CalendarDate(request.startsOn, field: "starts_on"),
      endsOn: try CalendarDate(request.endsOn, field: "ends_on"))
    return try await run(.schedule(schedule), number: number, request: fingerprint, principal: principal).reply
  }

  func openEnrollment(
    request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    return try await run(.openEnrollment, number: number, request: fingerprint, principal: principal).reply
  }

  func closeEnrollment(
    request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    return try await run(.closeEnrollment, number: number, request: fingerprint, principal: principal).reply
  }

  func enroll(request: Cohort_V1_EnrollRequest, context: ServerContext) async throws -> Cohort_V1_EnrollReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    let email = try PersonFields.email(request.email)
    let memberID = identity.personID(tenantID: principal.tenantID, email: email)
    try await registerIfNew(memberID, name: request.name, email: email, for: request, principal: principal)
    let outcome = try await run(
      .enroll(Enroll(memberID: memberID, name: request.name, email: email)), number: number,
      request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.memberID = memberID.lowercased
      $0.outcome =
        outcome.events.contains { if case .memberWaitlisted = $0 { true } else { false } }
        ? .waitlisted : .enrolled
    }
  }

  func withdraw(request: Cohort_V1_WithdrawRequest, context: ServerContext) async throws -> Cohort_V1_WithdrawReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    let memberID: UUID
    switch request.member {
    case .memberID(let text): memberID = try UUID(field: "member_id", text)
    case .email(let email): memberID = try member(email: email, cohort: number, tenantID: principal.tenantID)
    case nil:
      throw DomainError(.invalidArgument(field: "member"), "name the member by member_id or email")
    }
    let outcome = try await run(
      .withdraw(Withdraw(memberID: memberID, reason: request.reason)), number: number, request: fingerprint,
      principal: principal)
    return .with {
      $0.reply = outcome.reply
      for case .memberPromoted(let promoted) in outcome.events { $0.promotedMemberID = promoted.memberID.lowercased }
    }
  }

  private func run(
    _ command: EnrollmentCommand, number: Int, request: RequestFingerprint, principal: Principal
  ) async throws -> CommandHandler.Outcome<EnrollmentEvent> {
    let cohortID = CohortStreams.cohortID(tenantID: principal.tenantID, number: number)
    let stream = CohortStreams.stream(tenantID: principal.tenantID, cohortID: cohortID)
    return try await core.commands.handle(
      command, on: Aggregate<Enrollment>(codec: core.codecs.enrollment), stream: stream, subjectID: cohortID,
      request: request,
      principal: principal)
  }

  /// Registers the person about to enroll unless they are registered (and not forgotten), under a
  /// request id derived from the Enroll's, so that a retried Enroll does not register twice. Their
  /// key is ready afterwards either way: the enrollment's events seal their contact with it.
  private func registerIfNew(
    _ personID: UUID, name: String, email: String, for request: Cohort_V1_EnrollRequest, principal: Principal
  ) async throws {
    let known = readModel.read { $0.people.directory.person(tenantID: principal.tenantID, personID: personID) }
    guard known == nil || known?.erased == true else {
      _ = try await core.keys.key(for: personID, tenantID: principal.tenantID)
      return
    }
    let requestID = try UUID(field: "request_id", request.requestID)
    let registration = try RequestFingerprint(
      requestID: UUID(namespace: Self.registrationNamespace, name: requestID.lowercased),
      method: "cohort.v1.EnrollmentService/Enroll (registration)", request: request)
    do {
      _ = try await core.register(
        NewPerson(name: name, email: email, source: "enrollment"), personID: personID, request: registration,
        principal: principal)
    } catch let refusal as DomainError where refusal.kind == .alreadyExists {
      // Registered meanwhile (through another server, or by a request this read model has not seen).
    }
  }

  private static let registrationNamespace = UUID(uuidString: "2b5f8c9e-4a7d-4e21-9c3b-7d1e0f6a8b03")!

  /// The member an e-mail names in a cohort: their person id, or for a member enrolled before
  /// members were people, the id derived from the e-mail then.
  private func member(email: String, cohort number: Int, tenantID: UUID) throws(DomainError) -> UUID {
    let email = try PersonFields.email(email)
    let personID = identity.personID(tenantID: tenantID, email: email)
    let legacyID = CohortStreams.legacyMemberID(tenantID: tenantID, email: email)
    let legacy = readModel.read { model in
      model.catalog.cohort(tenantID: tenantID, number: number).map { cohort in
        cohort.holds(legacyID) && !cohort.holds(personID)
      } ?? false
    }
    return legacy ? legacyID : personID
  }

  // MARK: Queries

  func listCohorts(
    request: Cohort_V1_ListCohortsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListCohortsReply {
    let principal = try Authorization.caller()
    let pageSize = try PageToken.pageSize(request.pageSize)
    let after = try PageToken.decode(request.pageToken)
    let status = request.status
    try await ReadConsistency.wait(for: request.consistency, in: readModel, limit: queryWaitLimit)
    return readModel.snapshot { model, position in
      let matching = model.catalog.cohorts(tenantID: principal.tenantID).filter {
        $0.number > after && (status == .unspecified || $0.status.proto == status)
      }
      let page = matching.prefix(pageSize)
      return .with {
        $0.cohorts = page.map(\.proto)
        $0.position = position
        if matching.count > pageSize, let last = page.last { $0.nextPageToken = PageToken.encode(last.number) }
      }
    }
  }

  func getCohort(request: Cohort_V1_GetCohortRequest, context: ServerContext) async throws -> Cohort_V1_GetCohortReply {
    let principal = try Authorization.caller()
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    try await ReadConsistency.wait(for: request.consistency, in: readModel, limit: queryWaitLimit)
    let found = readModel.snapshot { model, position in
      model.catalog.cohort(tenantID: principal.tenantID, number: number).map { ($0, position) }
    }
    guard let (cohort, position) = found else {
      throw DomainError(.notFound, "cohort \(number) is not scheduled")
    }
    return .with {
      $0.cohort = cohort.proto
      $0.members = cohort.enrolled.map(\.proto)
      $0.waitlist = cohort.waitlist.map(\.proto)
      $0.position = position
    }
  }
}
