import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Projections

/// `cohort.v1.PeopleService`: people and their interest. A person's stream is named by a keyed
/// hash of their e-mail (``PersonIdentity``), so registering an e-mail twice meets the same stream.
struct PeopleService: Cohort_V1_PeopleService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity
  let reads: ReadConsistency

  // MARK: Commands

  func registerPerson(
    request: Cohort_V1_RegisterPersonRequest, context: ServerContext
  ) async throws -> Cohort_V1_RegisterPersonReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let personID = identity.personID(tenantID: principal.tenantID, email: try PersonFields.email(request.email))
    let outcome = try await core.register(
      NewPerson(
        name: request.name, email: request.email, phone: request.phone.isEmpty ? nil : request.phone,
        source: request.source, note: request.note), personID: personID, request: fingerprint, principal: principal,
      unseen: !core.readModel.read { $0.people.knows(tenantID: principal.tenantID, personID: personID) })
    let phone = outcome.events.lazy.compactMap { event -> String? in
      if case .personRegistered(let registered) = event { registered.details?.phone } else { nil }
    }.first
    return .with {
      $0.reply = outcome.reply
      $0.personID = personID.lowercased
      if let phone {
        $0.possibleDuplicates = core.readModel.read { model in
          model.people.people(tenantID: principal.tenantID, phone: phone).filter { $0 != personID }
            .compactMap { model.people.person(tenantID: principal.tenantID, personID: $0)?.proto }
        }
      }
    }
  }

  func recordInterest(
    request: Cohort_V1_RecordInterestRequest, context: ServerContext
  ) async throws -> Cohort_V1_PersonCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    let cohortNumber = try Int(positive: request.cohortNumber, field: "cohort_number")
    let outcome = try await run(
      .recordInterest(cohortNumber: cohortNumber, channel: request.channel), personID: personID,
      request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.personID = personID.lowercased
    }
  }

  func forgetPerson(
    request: Cohort_V1_ForgetPersonRequest, context: ServerContext
  ) async throws -> Cohort_V1_PersonCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    // The key goes first: should the append then fail, the data is unreadable already, and a
    // retry records the event. Nothing can open it again either way.
    try await core.keys.erase(personID)
    let outcome: CommandHandler.Outcome<PeopleEvent>
    do {
      outcome = try await run(.forget, personID: personID, request: fingerprint, principal: principal)
    } catch {
      try await ReadModelSnapshots.invalidateEverywhere(core.keys.store)
      throw error
    }
    // After the event: a snapshot sealed with a key made from now on holds the person erased.
    try await ReadModelSnapshots.invalidateEverywhere(core.keys.store)
    return .with {
      $0.reply = outcome.reply
      $0.personID = personID.lowercased
    }
  }

  private func run(
    _ command: PeopleCommand, personID: UUID, request: RequestFingerprint, principal: Principal
  ) async throws -> CommandHandler.Outcome<PeopleEvent> {
    try await core.person(command, personID: personID, request: request, principal: principal)
  }

  // MARK: Queries

  func listPeople(
    request: Cohort_V1_ListPeopleRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListPeopleReply {
    let principal = try Authorization.caller()
    let paging = try PageToken.Request(pageSize: request.pageSize, pageToken: request.pageToken)
    let status = try CustomerStatus(filter: request.status)
    try await reads.wait(for: request.consistency, in: core.readModel)
    return core.readModel.snapshot { model, position in
      let matching = model.people.people(tenantID: principal.tenantID, status: status)
      let page = paging.page(of: matching)
      return .with {
        $0.people = page.rows.map(\.proto)
        $0.position = position
        $0.nextPageToken = page.next
      }
    }
  }

  func getPerson(request: Cohort_V1_GetPersonRequest, context: ServerContext) async throws -> Cohort_V1_GetPersonReply {
    let principal = try Authorization.caller()
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    // Before the look-up: whether somebody else's record exists is not a member's business either.
    try Authorization.requireRecord(of: personID)
    try await reads.wait(for: request.consistency, in: core.readModel)
    let found = core.readModel.snapshot { model, position in
      model.people.person(tenantID: principal.tenantID, personID: personID).map { person in
        Cohort_V1_GetPersonReply.with {
          $0.person = person.proto
          $0.payments = person.payments.map { $0.proto(erased: person.erased) }
          $0.position = position
        }
      }
    }
    guard let found else { throw DomainError(.notFound, "no person with this e-mail or id is registered") }
    return found
  }
}

extension ServerCore {
  /// Runs `command` on the person's stream.
  func person(
    _ command: PeopleCommand, personID: UUID, request: RequestFingerprint, principal: Principal,
    likelyNew: Bool = false
  ) async throws -> CommandHandler.Outcome<PeopleEvent> {
    try await commands.handle(
      command, on: Aggregate<CohortDomain.People>(codec: codecs.people),
      stream: Codecs.personStream(tenantID: principal.tenantID, personID: personID), subjectID: personID,
      request: request, principal: principal, likelyNew: likelyNew)
  }

  /// Registers a person, their key first: it must exist before the events it seals are encoded.
  ///
  /// - Parameter unseen: the read model has never seen the person (the caller looked): they most
  ///   likely have no stream yet, and not reading it saves a round trip (a wrong guess costs a
  ///   conflict, and the stream is read then).
  func register(
    _ person: NewPerson, personID: UUID, request: RequestFingerprint, principal: Principal, unseen: Bool
  ) async throws -> CommandHandler.Outcome<PeopleEvent> {
    _ = try await keys.key(for: personID, tenantID: principal.tenantID)
    return try await self.person(
      .register(person), personID: personID, request: request, principal: principal, likelyNew: unseen)
  }
}

extension PersonIdentity {
  /// The id of the person a request names, by id or by e-mail.
  func personID(of reference: Cohort_V1_PersonRef, field: String, tenantID: UUID) throws(DomainError) -> UUID {
    switch reference.person {
    case .personID(let text): return try UUID(field: "\(field).person_id", text)
    case .email(let email):
      return personID(tenantID: tenantID, email: try PersonFields.email(email, field: "\(field).email"))
    case nil:
      throw DomainError(.invalidArgument(field: field), "name the person by e-mail or by person_id")
    }
  }
}
