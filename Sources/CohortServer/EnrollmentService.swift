import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import GRPCProtobuf
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
  let reads: ReadConsistency
  /// GetCohort's replies, encoded once per version of the cohort (``ReplyVersions``).
  let cohortReplies = EncodedReplies<CohortReplyKey>(capacity: 256)

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
    let seat: Seat =
      switch request.seat {
      case .scholarship(let reason): .scholarship(reason: reason, grantedBy: principal.tokenID)
      case .free(let reason): .free(reason: reason, grantedBy: principal.tokenID)
      case nil: .paid
      }
    try await registerIfNew(memberID, name: request.name, email: email, for: request, principal: principal)
    let outcome = try await run(
      .enroll(
        Enroll(
          memberID: memberID, name: request.name, email: email, seat: seat,
          paid: paid(by: memberID, cohort: number, tenantID: principal.tenantID))), number: number,
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
      .withdraw(Withdraw(memberID: memberID, reason: request.reason, refundDue: request.refundDue)), number: number,
      request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      for case .memberPromoted(let promoted) in outcome.events { $0.promotedMemberID = promoted.memberID.lowercased }
    }
  }

  func startCohort(
    request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    try await lifecycle(.start, request: request, context: context)
  }

  func completeCohort(
    request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    try await lifecycle(.complete, request: request, context: context)
  }

  func cancelCohort(
    request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    try await lifecycle(.cancel, request: request, context: context)
  }

  private func lifecycle(
    _ command: EnrollmentCommand, request: Cohort_V1_CohortCommandRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    return try await run(command, number: number, request: fingerprint, principal: principal).reply
  }

  func grantDiscount(
    request: Cohort_V1_GrantDiscountRequest, context: ServerContext
  ) async throws -> Cohort_V1_CommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    let size: GrantDiscount.Size
    switch request.discount {
    case .amount(let amount): size = .amount(try Money(amount, field: "amount"))
    case .percent(let percent): size = .percent(Int(percent))
    case nil: throw DomainError(.invalidArgument(field: "discount"), "give the discount as an amount or a percent")
    }
    return try await run(
      .grantDiscount(
        GrantDiscount(personID: personID, size: size, reason: request.reason, grantedBy: principal.tokenID)),
      number: number, request: fingerprint, principal: principal
    ).reply
  }

  func transferMember(
    request: Cohort_V1_TransferMemberRequest, context: ServerContext
  ) async throws -> Cohort_V1_TransferMemberReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let fromNumber = try Int(positive: request.fromCohort, field: "from_cohort")
    let toNumber = try Int(positive: request.toCohort, field: "to_cohort")
    let memberID = try identity.personID(of: request.member, field: "member", tenantID: principal.tenantID)
    let found = readModel.read { model in
      (
        model.catalog.cohort(tenantID: principal.tenantID, number: fromNumber),
        model.catalog.cohort(tenantID: principal.tenantID, number: toNumber),
        model.people.person(tenantID: principal.tenantID, personID: memberID)
      )
    }
    guard let from = found.0 else { throw DomainError(.notFound, "cohort \(fromNumber) is not scheduled") }
    guard let to = found.1 else { throw DomainError(.notFound, "cohort \(toNumber) is not scheduled") }
    guard toNumber > fromNumber else {
      throw DomainError(.invalidArgument(field: "to_cohort"), "a transfer goes to a later cohort than \(fromNumber)")
    }
    guard from.price.currency == to.price.currency else {
      throw DomainError(
        .failedPrecondition, "cohorts \(fromNumber) and \(toNumber) are priced in different currencies: no transfer")
    }
    // Their place in the old cohort; or, for a retry of a transfer already done, the new one.
    let placed = (from.enrolled + from.waitlist).first { $0.memberID == memberID }
    let moved = (to.enrolled + to.waitlist).first { $0.memberID == memberID && $0.transfer?.from == fromNumber }
    guard let entry = placed ?? moved else {
      throw DomainError(.notFound, "this person holds no seat or waitlist place in cohort \(fromNumber)")
    }
    guard let person = found.2, !person.erased, let details = person.details else {
      throw DomainError(.failedPrecondition, "this person was forgotten: they cannot be transferred")
    }
    _ = try await core.keys.key(for: memberID, tenantID: principal.tenantID)
    // Two streams, two steps under request ids derived from this one: the new place first (if it is
    // refused nothing changed), then the old seat is freed. A retry finishes what a failure left.
    func step(_ name: String) throws -> RequestFingerprint {
      try RequestFingerprint(
        requestID: UUID(namespace: Self.transferNamespace, name: "\(fingerprint.requestID.lowercased)/\(name)"),
        method: "cohort.v1.EnrollmentService/TransferMember (\(name))", request: request)
    }
    let paid = paid(by: memberID, cohort: fromNumber, tenantID: principal.tenantID)
    let joined = try await run(
      .enroll(
        Enroll(
          memberID: memberID, name: details.name, email: details.email, seat: entry.seat ?? .paid, paid: paid,
          transferFrom: fromNumber)), number: toNumber, request: try step("to"), principal: principal)
    let left = try await run(
      .withdraw(Withdraw(memberID: memberID, reason: "transferred to cohort \(toNumber)", transferredTo: toNumber)),
      number: fromNumber, request: try step("from"), principal: principal)
    var difference: Int64 = 0
    for case .memberEnrolled(let e) in joined.events { difference = e.transfer?.differenceMinor ?? 0 }
    for case .memberWaitlisted(let e) in joined.events { difference = e.transfer?.differenceMinor ?? 0 }
    return .with {
      $0.reply = left.reply
      $0.outcome =
        joined.events.contains { if case .memberWaitlisted = $0 { true } else { false } } ? .waitlisted : .enrolled
      for case .memberPromoted(let promoted) in left.events { $0.promotedMemberID = promoted.memberID.lowercased }
      if difference > 0 { $0.differenceDue = Money.unchecked(difference, to.price.currency).proto }
      if difference < 0 { $0.credit = Money.unchecked(-difference, to.price.currency).proto }
    }
  }

  private static let transferNamespace = UUID(uuidString: "7b9d1f3b-5d7f-4b9d-8f1b-3d5f7b9d1f09")!

  /// What the person's validated payments for the cohort come to, less refunds.
  private func paid(by personID: UUID, cohort number: Int, tenantID: UUID) -> Money? {
    readModel.read { model in
      model.catalog.cohort(tenantID: tenantID, number: number).flatMap { cohort in
        model.people.paid(
          tenantID: tenantID, personID: personID, cohortNumber: number, currency: cohort.price.currency)
      }
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
    let known = readModel.read { $0.people.person(tenantID: principal.tenantID, personID: personID) }
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
        principal: principal, unseen: known == nil)
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
    try await reads.wait(for: request.consistency, in: readModel)
    return readModel.snapshot { model, position in
      let matching = model.catalog.cohorts(tenantID: principal.tenantID).filter {
        $0.number > after && (status == .unspecified || $0.status.proto == status)
      }
      let page = matching.prefix(pageSize)
      return .with {
        $0.cohorts = page.map { Self.proto($0, tenantID: principal.tenantID, in: model.people) }
        $0.position = position
        if matching.count > pageSize, let last = page.last { $0.nextPageToken = PageToken.encode(last.number) }
      }
    }
  }

  func getCohort(request: Cohort_V1_GetCohortRequest, context: ServerContext) async throws -> Cohort_V1_GetCohortReply {
    try Cohort_V1_GetCohortReply(serializedBytes: try await encodedCohort(request: request).bytes)
  }

  /// GetCohort's reply as bytes: encoded once per version of the cohort and page, with the
  /// read model's position appended per call. It is what the server sends
  /// (``EnrollmentRPCs``); ``getCohort(request:context:)`` decodes it for the generated protocol.
  func encodedCohort(request: Cohort_V1_GetCohortRequest) async throws -> EncodedReply {
    let principal = try Authorization.caller()
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    let pageSize = try PageToken.pageSize(
      request.pageSize, default: PageToken.rosterPageSize, maximum: PageToken.maximumRosterPageSize)
    let offset = try PageToken.decode(request.pageToken)
    try await reads.wait(for: request.consistency, in: readModel)
    let key = CohortReplyKey(tenantID: principal.tenantID, number: number, offset: offset, pageSize: pageSize)
    enum Found {
      case encoded([UInt8])
      case reply(Cohort_V1_GetCohortReply)
    }
    // One look at the model: the version, and the reply unless it is encoded at that version.
    let found = readModel.snapshot { model, position -> (Found, version: Int64, position: Int64)? in
      let version = model.cohortReplies.cohort(tenantID: principal.tenantID, number: number)
      if let bytes = cohortReplies.bytes(for: key, version: version) { return (.encoded(bytes), version, position) }
      return Self.reply(to: key, in: model).map { (.reply($0), version, position) }
    }
    guard let (found, version, position) = found else {
      throw DomainError(.notFound, "cohort \(number) is not scheduled")
    }
    let bytes: [UInt8]
    switch found {
    case .encoded(let encoded):
      bytes = encoded
    case .reply(let reply):
      bytes = try reply.serializedBytes()
      cohortReplies.keep(bytes, for: key, version: version)
    }
    return EncodedReply(bytes: bytes).appending(int64: position, field: Self.positionField)
  }

  /// The field number of `GetCohortReply.position` (enrollment.proto).
  static let positionField = 4

  /// One page of a cohort's roster, without the position (added per call).
  private static func reply(to key: CohortReplyKey, in model: borrowing CohortReadModel) -> Cohort_V1_GetCohortReply? {
    guard let cohort = model.catalog.cohort(tenantID: key.tenantID, number: key.number) else { return nil }
    let alumni = model.catalog.alumni(tenantID: key.tenantID, except: key.number)
    func entry(_ entry: RosterEntry) -> Cohort_V1_RosterEntry {
      var proto = entry.proto
      proto.alumni = alumni.contains(entry.memberID)
      return proto
    }
    // One sequence, members then the waitlist, paged by offset.
    let (offset, pageSize) = (key.offset, key.pageSize)
    let members = cohort.enrolled.dropFirst(offset).prefix(pageSize)
    let waitlist = cohort.waitlist.dropFirst(max(0, offset - cohort.enrolled.count)).prefix(pageSize - members.count)
    let next = offset + members.count + waitlist.count
    return .with {
      $0.cohort = Self.proto(cohort, tenantID: key.tenantID, in: model.people)
      $0.members = members.map(entry)
      $0.waitlist = waitlist.map(entry)
      if next < cohort.enrolled.count + cohort.waitlist.count { $0.nextPageToken = PageToken.encode(next) }
    }
  }

  /// The cohort with its revenue (validated payments less refunds).
  private static func proto(_ cohort: CohortView, tenantID: UUID, in directory: CustomerDirectory) -> Cohort_V1_Cohort {
    var proto = cohort.proto
    let revenue = directory.payments(tenantID: tenantID, cohortNumber: cohort.number).compactMap(\.net)
    proto.revenue = Dictionary(grouping: revenue, by: \.currency).sorted { $0.key.code < $1.key.code }.map {
      Money.unchecked($0.value.reduce(0) { $0 + $1.amountMinor }, $0.key).proto
    }
    return proto
  }

  func getCohortReport(
    request: Cohort_V1_GetCohortReportRequest, context: ServerContext
  ) async throws -> Cohort_V1_CohortReport {
    let principal = try Authorization.caller()
    let number = try Int(positive: request.cohortNumber, field: "cohort_number")
    try await reads.wait(for: request.consistency, in: readModel)
    let report = readModel.snapshot { model, position -> Cohort_V1_CohortReport? in
      guard let cohort = model.catalog.cohort(tenantID: principal.tenantID, number: number) else { return nil }
      let directory = model.people
      let payments = directory.payments(tenantID: principal.tenantID, cohortNumber: number)
      let report = CohortReport(
        cohort, payments: payments, alumni: model.catalog.alumni(tenantID: principal.tenantID, except: number))
      func name(_ id: UUID) -> String {
        directory.person(tenantID: principal.tenantID, personID: id).flatMap { $0.erased ? nil : $0.details?.name }
          ?? ""
      }
      return .with {
        $0.cohort = cohort.proto
        $0.seatsTaken = Int32(report.seatsTaken)
        $0.capacity = Int32(report.capacity)
        $0.waitlist = Int32(report.waitlist)
        $0.paying = Int32(report.paying)
        $0.scholarships = Int32(report.scholarships)
        $0.freeSeats = Int32(report.freeSeats)
        $0.revenue = report.revenue.sorted { $0.key.code < $1.key.code }.map { Money.unchecked($0.value, $0.key).proto }
        if let rate = report.refundRateBasisPoints { $0.refundRateBasisPoints = Int32(rate) }
        $0.refundsDue = report.refundsDue.map { due in
          .with {
            $0.memberID = due.memberID.lowercased
            $0.name = name(due.memberID)
            $0.amount = due.amount.proto
            $0.why = due.why
          }
        }
        $0.paidNotSeated = report.paidNotSeated.map { unseated in
          .with {
            $0.personID = unseated.personID.lowercased
            $0.name = name(unseated.personID)
            $0.amount = unseated.amount.proto
            $0.waitlisted = unseated.waitlisted
          }
        }
        $0.alumni = Int32(report.alumni)
        $0.transfersIn = report.transfersIn.map { moved in
          .with {
            $0.memberID = moved.memberID.lowercased
            $0.name = name(moved.memberID)
            $0.fromCohort = Int32(moved.transfer.from)
            let difference = moved.transfer.differenceMinor
            if difference > 0 { $0.due = Money.unchecked(difference, cohort.price.currency).proto }
            if difference < 0 { $0.credit = Money.unchecked(-difference, cohort.price.currency).proto }
          }
        }
        $0.position = position
      }
    }
    guard let report else { throw DomainError(.notFound, "cohort \(number) is not scheduled") }
    return report
  }
}

/// Which page of which cohort a GetCohort reply shows.
struct CohortReplyKey: Hashable, Sendable {
  var tenantID: UUID
  var number: Int
  var offset: Int
  var pageSize: Int
}

/// EnrollmentService as the server registers it: every method as generated, except GetCohort,
/// whose reply goes out as the bytes ``EnrollmentService/encodedCohort(request:)`` keeps encoded.
struct EnrollmentRPCs: RegistrableRPCService {
  let service: EnrollmentService

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    service.registerMethods(with: &router)
    let service = self.service
    router.registerHandler(
      forMethod: Cohort_V1_EnrollmentService.Method.GetCohort.descriptor,
      deserializer: ProtobufDeserializer<Cohort_V1_GetCohortRequest>(),
      serializer: EncodedReplySerializer(),
      handler: { request, _ in
        let request = try await ServerRequest(stream: request)
        return StreamingServerResponse(
          single: ServerResponse(message: try await service.encodedCohort(request: request.message)))
      })
  }
}
