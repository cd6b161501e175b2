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
  /// The `TailEvents` calls running now, and how many may.
  let tails: Slots

  static func tails(maximum: Int) -> Slots {
    Slots(maximum: maximum) { maximum in
      "\(maximum) event tails are running already, the most this server runs at once; retry later"
    }
  }

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
    try Self.requireManages(role, principal: principal, doing: "issue")
    let personID = try request.hasPerson ? registeredPerson(request.person, tenantID: principal.tenantID) : nil
    let token = Token.generate()
    let outcome = try await core.commands.handle(
      .issueToken(
        NewToken(
          role: role, secretHash: AccessRegistry.hash(token), label: request.label, personID: personID,
          expiresAt: request.hasExpiresAt ? try request.expiresAt.checkedDate(field: "expires_at") : nil)),
      on: AccessEventCodec.aggregate, stream: AccessEventCodec.tenantStream(principal.tenantID),
      subjectID: principal.tenantID,
      request: fingerprint,
      principal: principal)
    guard case .tokenIssued(let issued)? = outcome.events.first else {
      throw RPCError(code: .internalError, message: "issuing a token recorded no token")
    }
    // A retry of a request already applied: the token it issued was shown once, and only its
    // hash is kept. Its id lets the caller revoke it rather than leave it valid and unheld.
    guard !outcome.appendedTypes.isEmpty else {
      let id = issued.tokenID.lowercased
      throw RPCError(
        code: .alreadyExists,
        message:
          "this request_id already issued token \(id), whose secret was shown only once and cannot be shown again: "
          + "if the reply was lost, revoke it (cohort tokens revoke \(id)) and issue another")
    }
    return .with {
      $0.reply = outcome.reply
      $0.tokenID = issued.tokenID.lowercased
      $0.token = token
    }
  }

  func listTokens(
    request: Cohort_V1_ListTokensRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListTokensReply {
    let principal = try Authorization.caller()
    let paging = try PageToken.Request(
      pageSize: request.pageSize, pageToken: request.pageToken, default: PageToken.maximumPageSize)
    let now = Date()
    return readModel.snapshot { model, position in
      let page = paging.page(of: model.access.tokens(tenantID: principal.tenantID))
      return .with {
        $0.nextPageToken = page.next
        $0.tokens = page.rows.map { record in
          .with {
            $0.tokenID = record.issued.tokenID.lowercased
            $0.role = record.issued.role.proto
            $0.label = record.issued.label
            $0.personID = record.issued.personID?.lowercased ?? ""
            $0.issuedAt = .init(record.issued.at)
            if let expiresAt = record.issued.expiresAt { $0.expiresAt = .init(expiresAt) }
            if let revoked = record.revoked {
              $0.revokedAt = .init(revoked.at)
              $0.revokedReason = revoked.reason
            }
            $0.valid = record.valid(at: now)
          }
        }
        $0.position = position
      }
    }
  }

  func revokeToken(
    request: Cohort_V1_RevokeTokenRequest, context: ServerContext
  ) async throws
    -> Cohort_V1_RevokeTokenReply
  {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let tokenID = try UUID(field: "token_id", request.tokenID)
    // A token's role never changes, so the read model's answer cannot be stale.
    if let record = readModel.read({ $0.access.token(tokenID, tenantID: principal.tenantID) }) {
      try Self.requireManages(record.issued.role, principal: principal, doing: "revoke")
    }
    let outcome = try await core.commands.handle(
      .revokeToken(tokenID, reason: request.reason, by: principal.tokenID),
      on: AccessEventCodec.aggregate, stream: AccessEventCodec.tenantStream(principal.tenantID),
      subjectID: principal.tenantID, request: fingerprint, principal: principal)
    // Refused from this reply on, on this server.
    _ = await readModel.waitUntil(position: outcome.position, timeout: .seconds(5))
    return .with { $0.reply = outcome.reply }
  }

  /// Owners manage every role's tokens, staff those of partners and members (``Access/manages(_:)``).
  private static func requireManages(_ role: AccessRole, principal: Principal, doing verb: String) throws {
    guard Access.manages(principal.role).contains(role) else {
      throw RPCError(
        code: .permissionDenied,
        message: "a \(principal.role.rawValue) token may not \(verb) \(role.rawValue) tokens (owners may)")
    }
  }

  /// The caller's community's events (``EventTail``). A following call ends when the client cancels
  /// or graceful shutdown begins: the server waits for in-flight calls, and this one would never end.
  func tailEvents(
    request: Cohort_V1_TailEventsRequest, response: RPCWriter<Cohort_V1_LoggedEvent>, context: ServerContext
  ) async throws {
    let tail = try EventTail(request, principal: try Authorization.caller(), catalog: core.eventCatalog)
    let core = self.core
    try await tails.withSlot {
      try await cancelWhenGracefulShutdown {
        try await untilCancelled(context) {
          try await tail.run(store: core.store, keys: core.keys.store, catalog: core.eventCatalog) { event in
            try await response.write(event)
          }
        }
      }
    }
  }

  /// Runs `body` until it ends or gRPC cancels the call (the client went away or its deadline
  /// passed). gRPC says so through the context, not by cancelling the handler's task: without
  /// this a follower whose client left would hold its place until the next event to send.
  ///
  /// The watcher never throws: cancelled itself (graceful shutdown cancels this group), it would
  /// throw `CancellationError`, and if it ended before `body` the call would end as UNKNOWN
  /// instead of the clean end `body` makes of a cancellation.
  private func untilCancelled(
    _ context: ServerContext, _ body: @escaping @Sendable () async throws -> Void
  )
    async throws
  {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await body() }
      group.addTask { try? await context.cancellation.cancelled }
      try await group.next()
      group.cancelAll()
    }
  }

  /// The id of the registered (and not forgotten) person a request names.
  private func registeredPerson(_ reference: Cohort_V1_PersonRef, tenantID: UUID) throws -> UUID {
    let personID = try identity.personID(of: reference, field: "person", tenantID: tenantID)
    let registered = readModel.read { model in
      model.people.person(tenantID: tenantID, personID: personID).map { !$0.erased } ?? false
    }
    guard registered else {
      throw DomainError(
        .notFound, "no person with this e-mail or id is registered: register them first (cohort people add)")
    }
    return personID
  }
}
