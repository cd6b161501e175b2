import CohortDomain
import Foundation
import Testing

/// Given a payment's events, when a command, then the new events: only the expected amount,
/// reported PAID, validates.
@Suite("Payments.decide: expected, validated, refused, refunded")
struct PaymentsTests {
  static let paymentID = Fixture.uuid(0x60)
  static let personID = Fixture.uuid(0x50)
  static let staffToken = Fixture.uuid(0x70)
  static let price = Fixture.krw(200_000)
  static let expect = ExpectPayment(personID: personID, cohortNumber: 9, amount: price, providerPaymentID: "order-0001")
  static let expected = PaymentEvent.paymentExpected(
    PaymentExpected(
      paymentID: paymentID, personID: personID, cohortNumber: 9, amount: price, providerPaymentID: "order-0001",
      at: Fixture.scheduledAt))
  static let validated = PaymentEvent.paymentValidated(
    PaymentValidated(
      paymentID: paymentID, personID: personID, cohortNumber: 9, amount: price,
      method: .portOne(transactionID: "tx-1"), at: Fixture.openedAt))

  static func when(_ command: PaymentCommand, given history: [PaymentEvent] = []) throws(DomainError) -> [PaymentEvent]
  {
    try Payments.decide(
      command, state: Payments.fold(history), context: DecisionContext(now: Fixture.now, subjectID: paymentID))
  }

  static func paid(
    _ total: Int64, _ currency: String = "KRW", status: String = "PAID", cancelled: Int64 = 0
  )
    -> PaymentCommand
  {
    .reconcile(
      ProviderPayment(status: status, total: total, cancelled: cancelled, currency: currency, transactionID: "tx-1"))
  }

  @Test("expecting a payment records it; the same expectation again changes nothing")
  func expects() throws {
    let events = try Self.when(.expect(Self.expect))
    #expect(events.count == 1)
    #expect(try Self.when(.expect(Self.expect), given: events).isEmpty)
    var other = Self.expect
    other.amount = Fixture.krw(100_000)
    #expect(throws: DomainError(.alreadyExists, "payment order-0001 is already expected")) {
      try Self.when(.expect(other), given: events)
    }
  }

  @Test("an expectation needs an amount above zero and a printable payment id")
  func expectationFields() {
    var free = Self.expect
    free.amount = Fixture.krw(0)
    #expect { try Self.when(.expect(free)) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "amount.amount_minor")
    }
    for id in ["", " ", "주문-1", String(repeating: "x", count: 201)] {
      var bad = Self.expect
      bad.providerPaymentID = id
      #expect { try Self.when(.expect(bad)) } throws: {
        ($0 as? DomainError)?.kind == .invalidArgument(field: "payment_id")
      }
    }
  }

  @Test("PAID with exactly the expected amount and currency validates (currency case-insensitive)")
  func validates() throws {
    #expect(try Self.when(Self.paid(200_000), given: [Self.expected]) == [Self.validated.at(Fixture.now)])
    #expect(try Self.when(Self.paid(200_000, "krw"), given: [Self.expected]).count == 1)
  }

  @Test("another amount or currency is refused: the person stays merely interested")
  func amountMismatch() throws {
    for (total, currency) in [(199_999, "KRW"), (200_001, "KRW"), (200_000, "USD")] as [(Int64, String)] {
      let events = try Self.when(Self.paid(total, currency), given: [Self.expected])
      #expect(
        events == [
          .paymentValidationRefused(
            PaymentValidationRefused(
              paymentID: Self.paymentID, personID: Self.personID, providerPaymentID: "order-0001",
              reason: .amountMismatch(expected: Self.price, reported: total, reportedCurrency: currency),
              at: Fixture.now))
        ])
      #expect(!Payments.fold([Self.expected] + events).validated)
    }
  }

  @Test("a status other than PAID is not paid; the same refusal twice is recorded once")
  func notPaid() throws {
    let events = try Self.when(Self.paid(200_000, status: "READY"), given: [Self.expected])
    guard case .paymentValidationRefused(let refused)? = events.first else { Issue.record("no refusal"); return }
    #expect(refused.reason == .notPaid(status: "READY"))
    #expect(try Self.when(Self.paid(200_000, status: "READY"), given: [Self.expected] + events).isEmpty)
    // ... and it can still be paid afterwards.
    #expect(try Self.when(Self.paid(200_000), given: [Self.expected] + events).count == 1)
  }

  @Test("a payment nobody expected is recorded as refused, once")
  func unknownPayment() throws {
    let events = try Self.when(Self.paid(200_000))
    guard case .paymentValidationRefused(let refused)? = events.first else { Issue.record("no refusal"); return }
    #expect(refused.reason == .unknownPayment && refused.personID == nil)
    #expect(try Self.when(Self.paid(200_000), given: events).isEmpty)
  }

  @Test("duplicate webhooks after validation add nothing")
  func duplicates() throws {
    #expect(try Self.when(Self.paid(200_000), given: [Self.expected, Self.validated]).isEmpty)
  }

  @Test("PortOne's cancellations become refunds of the difference, capped at the amount")
  func providerCancellations() throws {
    let history = [Self.expected, Self.validated]
    let partial = try Self.when(Self.paid(200_000, status: "PARTIAL_CANCELLED", cancelled: 50_000), given: history)
    #expect(
      partial == [
        .paymentRefunded(
          PaymentRefunded(
            paymentID: Self.paymentID, personID: Self.personID, amount: Fixture.krw(50_000),
            reason: "cancelled at PortOne", source: .provider, at: Fixture.now))
      ])
    #expect(
      try Self.when(Self.paid(200_000, status: "PARTIAL_CANCELLED", cancelled: 50_000), given: history + partial)
        .isEmpty)
    let full = try Self.when(Self.paid(200_000, status: "CANCELLED", cancelled: 900_000), given: history + partial)
    guard case .paymentRefunded(let refund)? = full.first else { Issue.record("no refund"); return }
    #expect(refund.amount == Fixture.krw(150_000))
  }

  @Test("a bank transfer confirmed by staff is expected and validated in one, and only once")
  func bankTransfer() throws {
    let confirm = ConfirmTransfer(
      personID: Self.personID, cohortNumber: 9, amount: Self.price,
      reference: BankReference(reference: " 국민 김민지 12/01 ", bank: "국민", depositor: "김민지"), confirmedBy: Self.staffToken)
    let events = try Self.when(.confirmTransfer(confirm))
    #expect(events.count == 2)
    guard case .paymentValidated(let validated)? = events.last else { Issue.record("not validated"); return }
    #expect(
      validated.method
        == .bankTransfer(
          BankReference(reference: "국민 김민지 12/01", bank: "국민", depositor: "김민지"), confirmedBy: Self.staffToken))
    #expect(throws: DomainError(.alreadyExists, "this payment is already recorded")) {
      try Self.when(.confirmTransfer(confirm), given: events)
    }
    var unreferenced = confirm
    unreferenced.reference.reference = ""
    #expect { try Self.when(.confirmTransfer(unreferenced)) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "reference")
    }
  }

  @Test("staff refunds: only validated payments, same currency, never more than was paid")
  func refunds() throws {
    let history = [Self.expected, Self.validated]
    let first = try Self.when(.refund(amount: Fixture.krw(50_000), reason: "half", by: Self.staffToken), given: history)
    #expect(first.count == 1)
    #expect(throws: DomainError(.failedPrecondition, "only 150,000 KRW of this payment is left to refund")) {
      try Self.when(
        .refund(amount: Fixture.krw(150_001), reason: "too much", by: Self.staffToken), given: history + first)
    }
    #expect(
      try Self.when(.refund(amount: Fixture.krw(150_000), reason: "rest", by: Self.staffToken), given: history + first)
        .count == 1)
    #expect(throws: DomainError(.failedPrecondition, "payment is not validated; nothing to refund")) {
      try Self.when(.refund(amount: Fixture.krw(1), reason: "early", by: Self.staffToken), given: [Self.expected])
    }
    #expect {
      try Self.when(
        .refund(amount: try Money(amountMinor: 100, currency: .usd), reason: "usd", by: Self.staffToken), given: history
      )
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "amount.currency") }
    #expect {
      try Self.when(.refund(amount: Fixture.krw(1), reason: " ", by: Self.staffToken), given: history)
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "reason") }
  }
}

extension PaymentEvent {
  /// The same event at another time.
  func at(_ date: Date) -> PaymentEvent {
    switch self {
    case .paymentExpected(var e): e.at = date; return .paymentExpected(e)
    case .paymentValidated(var e): e.at = date; return .paymentValidated(e)
    case .paymentValidationRefused(var e): e.at = date; return .paymentValidationRefused(e)
    case .paymentRefunded(var e): e.at = date; return .paymentRefunded(e)
    }
  }
}
