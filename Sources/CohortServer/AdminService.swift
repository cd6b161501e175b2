import CohortAPI
import CohortDomain
import CohortMapping
import Foundation
import GRPCCore
import Projections
import ServiceLifecycle

/// `cohort.v1.AdminService`: who am I, tokens for more people, and the event log as it happens.
struct AdminService: Cohort_V1_AdminService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity

  private var readModel: ProjectionRunner<CohortReadModel> { core.readModel }

  func whoAmI(request: Cohort_V1_WhoAmIRequest, context: ServerContext) async throws -> Cohort_V1_WhoAmIReply {
    let principal = try Authorization.caller()
    let tenantName = readModel.read { $0.access.tenants[principal.tenantID]?.name } ?? ""
    return .with {
      $0.tenantID = principal.tenantID.lowercased
      $0.tenantName = tenantName
      $0.role = principal.role.proto
      $0.tokenID = principal.tokenID.lowercased
      $0.tokenLabel = principal.label
      $0.personID = principal.personID?.lowercased ?? ""
    }
  }

  func issueToken(
    request: Cohort_V1_IssueTokenRequest, context: ServerContext
  ) async throws -> Cohort_V1_IssueTokenReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    guard let role = AccessRole(request.role) else {
      throw DomainError(.invalidArgument(field: "role"), "role must be owner, staff, partner or member")
    }
    let personID = try request.hasPerson ? registeredPerson(request.person, tenantID: principal.tenantID) : nil
    let token = Token.generate()
    let outcome = try await core.commands.handle(
      .issueToken(
        NewToken(role: role, secretHash: AccessRegistry.hash(token), label: request.label, personID: personID)),
      on: AccessEventCodec.aggregate, stream: AccessEventCodec.tenantStream(principal.tenantID),
      subjectID: principal.tenantID,
      request: fingerprint,
      principal: principal)
    // A retry of a request already applied: the token it issued was shown once, and only its hash is kept.
    guard !outcome.appendedTypes.isEmpty, case .tokenIssued(let issued)? = outcome.events.first else {
      throw RPCError(
        code: .alreadyExists, message: "this request_id already issued a token, which was shown only once")
    }
    return .with {
      $0.reply = outcome.reply
      $0.tokenID = issued.tokenID.lowercased
      $0.token = token
    }
  }

  /// The caller's community's events (``EventTail``). A following call ends when the client cancels
  /// or graceful shutdown begins: the server waits for in-flight calls, and this one would never end.
  func tailEvents(
    request: Cohort_V1_TailEventsRequest, response: RPCWriter<Cohort_V1_LoggedEvent>, context: ServerContext
  ) async throws {
    let tail = try EventTail(request, principal: try Authorization.caller(), catalog: core.eventCatalog)
    let core = self.core
    try await cancelWhenGracefulShutdown {
      try await tail.run(store: core.store, keys: core.keys.store, catalog: core.eventCatalog) { event in
        try await response.write(event)
      }
    }
  }

  /// The id of the registered (and not forgotten) person a request names.
  private func registeredPerson(_ reference: Cohort_V1_PersonRef, tenantID: UUID) throws -> UUID {
    let personID = try identity.personID(of: reference, field: "person", tenantID: tenantID)
    let registered = readModel.read { model in
      model.people.directory.person(tenantID: tenantID, personID: personID).map { !$0.erased } ?? false
    }
    guard registered else {
      throw DomainError(
        .notFound, "no person with this e-mail or id is registered: register them first (cohort people add)")
    }
    return personID
  }
}
