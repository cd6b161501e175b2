import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Projections

/// `cohort.v1.PaymentsService`: expected payments, bank transfers confirmed by staff, refunds,
/// and the funnel. PortOne's webhooks validate payments through the same decider.
///
/// A payment is named by PortOne's paymentId when it has one, else by its own id (a bank
/// transfer); its stream id is derived from that name, so expecting a paymentId twice meets the
/// same stream.
struct PaymentsService: Cohort_V1_PaymentsService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity
  let reads: ReadConsistency

  private var aggregate: Aggregate<CohortDomain.Payments> { Aggregate(codec: core.codecs.payments) }

  // MARK: Commands

  func expectPayment(
    request: Cohort_V1_ExpectPaymentRequest, context: ServerContext
  ) async throws -> Cohort_V1_PaymentCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    let cohortNumber = try Int(positive: request.cohortNumber, field: "cohort_number")
    let price = try cohortPrice(cohortNumber, tenantID: principal.tenantID, for: personID)
    let amount = request.hasAmount ? try Money(request.amount, field: "amount") : price
    try await requireRegistered(personID, tenantID: principal.tenantID)
    let paymentID = PaymentNames.paymentID(tenantID: principal.tenantID, providerPaymentID: request.paymentID)
    let outcome = try await run(
      .expect(
        ExpectPayment(
          personID: personID, cohortNumber: cohortNumber, amount: amount, providerPaymentID: request.paymentID)),
      paymentID: paymentID, request: fingerprint, principal: principal)
    return await reply(outcome, paymentID: paymentID, tenantID: principal.tenantID)
  }

  func confirmTransfer(
    request: Cohort_V1_ConfirmTransferRequest, context: ServerContext
  ) async throws -> Cohort_V1_PaymentCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let personID = try identity.personID(of: request.person, field: "person", tenantID: principal.tenantID)
    let cohortNumber = try Int(positive: request.cohortNumber, field: "cohort_number")
    guard request.hasAmount else {
      throw DomainError(.invalidArgument(field: "amount"), "amount is required: what arrived in the account")
    }
    let amount = try Money(request.amount, field: "amount")
    _ = try cohortPrice(cohortNumber, tenantID: principal.tenantID, for: personID)
    try await requireRegistered(personID, tenantID: principal.tenantID)
    // The reference is sealed with the payer's key, so the key must be in memory.
    _ = try await core.keys.key(for: personID, tenantID: principal.tenantID)
    let paymentID = PaymentNames.transferID(tenantID: principal.tenantID, requestID: fingerprint.requestID)
    let reference = BankReference(
      reference: request.reference, bank: request.bank, depositor: request.depositor,
      date: request.hasTransferredOn ? try CalendarDate(request.transferredOn, field: "transferred_on") : nil)
    let outcome = try await run(
      .confirmTransfer(
        ConfirmTransfer(
          personID: personID, cohortNumber: cohortNumber, amount: amount, reference: reference,
          confirmedBy: principal.tokenID)), paymentID: paymentID, request: fingerprint, principal: principal)
    return await reply(outcome, paymentID: paymentID, tenantID: principal.tenantID)
  }

  func refundPayment(
    request: Cohort_V1_RefundPaymentRequest, context: ServerContext
  ) async throws -> Cohort_V1_PaymentCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let paymentID = try payment(named: request.paymentID, tenantID: principal.tenantID)
    guard request.hasAmount else {
      throw DomainError(.invalidArgument(field: "amount"), "amount is required: how much is paid back")
    }
    let outcome = try await run(
      .refund(amount: try Money(request.amount, field: "amount"), reason: request.reason, by: principal.tokenID),
      paymentID: paymentID, request: fingerprint, principal: principal)
    return await reply(outcome, paymentID: paymentID, tenantID: principal.tenantID)
  }

  private func run(
    _ command: PaymentCommand, paymentID: UUID, request: RequestFingerprint, principal: Principal
  ) async throws -> CommandHandler.Outcome<PaymentEvent> {
    try await core.commands.handle(
      command, on: aggregate, stream: Codecs.paymentStream(tenantID: principal.tenantID, paymentID: paymentID),
      subjectID: paymentID, request: request, principal: principal)
  }

  /// The command's answer with the payment as the read model shows it once it has the events.
  private func reply(
    _ outcome: CommandHandler.Outcome<PaymentEvent>, paymentID: UUID, tenantID: UUID
  ) async -> Cohort_V1_PaymentCommandReply {
    _ = await core.readModel.waitUntil(position: outcome.position, timeout: reads.limit)
    return .with {
      $0.reply = outcome.reply
      if let record = core.readModel.read({ $0.people.payment(tenantID: tenantID, paymentID: paymentID) }) {
        let erased = record.personID.flatMap { personID in
          core.readModel.read { $0.people.person(tenantID: tenantID, personID: personID)?.erased }
        }
        $0.payment = record.proto(erased: erased ?? true)
        $0.paymentID = $0.payment.paymentID
      } else {
        $0.paymentID = paymentID.lowercased
      }
    }
  }

  // MARK: Queries

  func listPayments(
    request: Cohort_V1_ListPaymentsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListPaymentsReply {
    let principal = try Authorization.caller()
    let paging = try PageToken.Request(pageSize: request.pageSize, pageToken: request.pageToken)
    let status = try PaymentRecord.Status(filter: request.status)
    try await reads.wait(for: request.consistency, in: core.readModel)
    return core.readModel.snapshot { model, position in
      let matching = model.people.payments(tenantID: principal.tenantID, status: status)
      let page = paging.page(of: matching)
      return .with {
        $0.payments = page.rows.map { payment in
          payment.proto(
            erased: payment.personID.flatMap {
              model.people.person(tenantID: principal.tenantID, personID: $0)
            }?.erased
              ?? true)
        }
        $0.position = position
        $0.nextPageToken = page.next
      }
    }
  }

  func getPayment(
    request: Cohort_V1_GetPaymentRequest, context: ServerContext
  ) async throws -> Cohort_V1_GetPaymentReply {
    let principal = try Authorization.caller()
    try await reads.wait(for: request.consistency, in: core.readModel)
    let paymentID = try payment(named: request.paymentID, tenantID: principal.tenantID)
    let found = core.readModel.snapshot { model, position in
      model.people.payment(tenantID: principal.tenantID, paymentID: paymentID).map { payment in
        Cohort_V1_GetPaymentReply.with {
          $0.payment = payment.proto(
            erased: payment.personID.flatMap {
              model.people.person(tenantID: principal.tenantID, personID: $0)
            }?.erased
              ?? true)
          $0.position = position
        }
      }
    }
    guard let found else { throw DomainError(.notFound, "payment \(request.paymentID) is not known") }
    return found
  }

  func getFunnel(request: Cohort_V1_GetFunnelRequest, context: ServerContext) async throws -> Cohort_V1_GetFunnelReply {
    let principal = try Authorization.caller()
    let cohort = request.cohortNumber == 0 ? nil : try Int(positive: request.cohortNumber, field: "cohort_number")
    let since = request.hasSince ? try CalendarDate(request.since, field: "since").startInKorea : nil
    let until = request.hasUntil ? try CalendarDate(request.until, field: "until").startInKorea : nil
    if let since, let until, since >= until {
      throw DomainError(.invalidArgument(field: "until"), "until must be after since")
    }
    try await reads.wait(for: request.consistency, in: core.readModel)
    return core.readModel.snapshot { model, position in
      let funnel = model.people.funnel(
        tenantID: principal.tenantID, cohortNumber: cohort, since: since, until: until)
      return .with {
        $0.people = Int32(funnel.people)
        $0.interested = Int32(funnel.interested)
        $0.paying = Int32(funnel.paying)
        $0.refunded = Int32(funnel.refunded)
        $0.erased = Int32(funnel.erased)
        if let rate = funnel.conversionBasisPoints { $0.conversionBasisPoints = Int32(rate) }
        if let days = funnel.medianDaysToFirstPayment { $0.medianDaysToFirstPayment = days }
        $0.revenue = funnel.revenue.sorted { $0.key.code < $1.key.code }.map { currency, amount in
          .with {
            $0.amountMinor = amount
            $0.currency = currency.code
          }
        }
        $0.position = position
      }
    }
  }

  // MARK: Lookups

  /// What a paid seat in the cohort costs the person: the price less their discount.
  private func cohortPrice(_ number: Int, tenantID: UUID, for personID: UUID) throws(DomainError) -> Money {
    guard let cohort = core.readModel.read({ $0.catalog.cohort(tenantID: tenantID, number: number) }) else {
      throw DomainError(.notFound, "cohort \(number) is not scheduled")
    }
    let off = cohort.discounts[personID]?.amountOff.amountMinor ?? 0
    return Money.unchecked(max(0, cohort.price.amountMinor - off), cohort.price.currency)
  }

  /// Payments are for registered people. The read model answers at once; a person registered a
  /// moment ago may not be folded yet, so their stream decides then.
  private func requireRegistered(_ personID: UUID, tenantID: UUID) async throws {
    if let person = core.readModel.read({ $0.people.person(tenantID: tenantID, personID: personID) }) {
      guard !person.erased else {
        throw DomainError(.failedPrecondition, "this person was forgotten; register them again")
      }
      return
    }
    let stream = Codecs.personStream(tenantID: tenantID, personID: personID)
    let state = CohortDomain.People.fold(
      try await core.store.readStream(stream).compactMap { try core.codecs.people.decode($0) })
    guard state.registered, !state.forgotten else {
      throw DomainError(.notFound, "no person with this e-mail or id is registered; add them with `cohort people add`")
    }
  }

  /// The payment a user names: PortOne's paymentId, or a payment's own id.
  private func payment(named name: String, tenantID: UUID) throws(DomainError) -> UUID {
    guard !name.isEmpty else {
      throw DomainError(.invalidArgument(field: "payment_id"), "payment_id is required")
    }
    let directory = core.readModel.read { $0.people }
    return PaymentNames.payment(named: name, tenantID: tenantID, in: directory)
  }
}

/// How payments are named and identified.
enum PaymentNames {
  private static let providerNamespace = UUID(uuidString: "0c6e3a52-7d0e-4f4a-9b3e-2f6d8a1c5e03")!
  private static let transferNamespace = UUID(uuidString: "5a1d9e07-3b2c-4e8f-8d6a-9c0b1e2f3a04")!

  /// The payment that PortOne knows by `providerPaymentID`, in the tenant.
  static func paymentID(tenantID: UUID, providerPaymentID: String) -> UUID {
    UUID(namespace: providerNamespace, name: "\(tenantID.lowercased)/\(providerPaymentID)")
  }

  /// The payment a name means: PortOne's paymentId of a known payment, else our own id (a UUID),
  /// else the paymentId of a payment not seen yet (it may be expected or paid later).
  static func payment(named name: String, tenantID: UUID, in directory: CustomerDirectory) -> UUID {
    let byProviderID = paymentID(tenantID: tenantID, providerPaymentID: name)
    if directory.payment(tenantID: tenantID, paymentID: byProviderID) != nil { return byProviderID }
    return UUID(canonical: name.lowercased()) ?? byProviderID
  }

  /// A bank transfer confirmed by request `requestID`: retries meet the same payment.
  static func transferID(tenantID: UUID, requestID: UUID) -> UUID {
    UUID(namespace: transferNamespace, name: "\(tenantID.lowercased)/\(requestID.lowercased)")
  }
}

extension CalendarDate {
  /// Midnight of the day in Korea (UTC+9, no daylight saving): the communities' calendar.
  var startInKorea: Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
    return calendar.date(from: DateComponents(year: year, month: month, day: day))!
  }
}
