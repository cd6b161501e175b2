import CohortDomain
import Foundation
import Testing

/// The edges of one payment: fields before state, every PortOne report in every state, and
/// refunds from staff and from PortOne adding up to no more than was paid.
@Suite("Payments.decide: the edges")
struct PaymentsEdgeTests {
  typealias Given = PaymentsTests
  static let paymentID = Given.paymentID
  static let personID = Given.personID
  static let staff = Given.staffToken
  static let validatedHistory = [Given.expected, Given.validated]

  static func when(_ command: PaymentCommand, given history: [PaymentEvent] = []) throws(DomainError) -> [PaymentEvent]
  {
    try Given.when(command, given: history)
  }

  static func report(
    _ status: String, total: Int64 = 200_000, cancelled: Int64 = 0, currency: String = "KRW"
  )
    -> PaymentCommand
  {
    .reconcile(
      ProviderPayment(status: status, total: total, cancelled: cancelled, currency: currency, transactionID: "tx-1"))
  }

  static func refund(_ amount: Int64, reason: String = "개인 사정") -> PaymentCommand {
    .refund(amount: Fixture.krw(amount), reason: reason, by: staff)
  }

  static func refunded(_ amount: Int64, source: RefundSource, reason: String) -> PaymentEvent {
    .paymentRefunded(
      PaymentRefunded(
        paymentID: paymentID, personID: personID, amount: Fixture.krw(amount), reason: reason, source: source,
        at: Fixture.now))
  }

  static var transfer: ConfirmTransfer {
    ConfirmTransfer(
      personID: personID, cohortNumber: 9, amount: Given.price,
      reference: BankReference(reference: "입금 0001", bank: "국민은행", depositor: "김민지", date: Fixture.date("2026-01-12")),
      confirmedBy: staff)
  }

  @Test("an expectation's fields are checked before the stream is")
  func expectFieldsFirst() {
    var free = Given.expect
    free.amount = Fixture.krw(0)
    #expect { try Self.when(.expect(free), given: Self.validatedHistory) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "amount.amount_minor")
    }
    var noCohort = Given.expect
    noCohort.cohortNumber = 0
    #expect { try Self.when(.expect(noCohort), given: Self.validatedHistory) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "cohort_number")
    }
  }

  @Test("a 200-character ASCII payment id is accepted, trimmed")
  func longestPaymentID() throws {
    var long = Given.expect
    long.providerPaymentID = " " + String(repeating: "x", count: 200) + " "
    let events = try Self.when(.expect(long))
    guard case .paymentExpected(let expected)? = events.first else { Issue.record("not expected"); return }
    #expect(expected.providerPaymentID == String(repeating: "x", count: 200))
  }

  @Test("PAID with exactly the expected amount validates with PortOne's transaction id")
  func exactAmount() throws {
    #expect(
      try Self.when(Self.report("PAID"), given: [Given.expected])
        == [
          .paymentValidated(
            PaymentValidated(
              paymentID: Self.paymentID, personID: Self.personID, cohortNumber: 9, amount: Given.price,
              method: .portOne(transactionID: "tx-1"), at: Fixture.now))
        ])
    #expect(try Self.when(Self.report("PAID", currency: "Krw"), given: [Given.expected]).count == 1)
  }

  @Test("a different refusal is recorded; the same one is not; a refusal can still be followed by a payment")
  func refusalsChange() throws {
    var history = [Given.expected]
    history += try Self.when(Self.report("READY"), given: history)
    history += try Self.when(Self.report("VIRTUAL_ACCOUNT_ISSUED"), given: history)
    history += try Self.when(Self.report("VIRTUAL_ACCOUNT_ISSUED"), given: history)
    history += try Self.when(Self.report("PAID", total: 199_999), given: history)
    history += try Self.when(Self.report("PAID", total: 199_999), given: history)
    let reasons: [ValidationRefusal] = history.compactMap {
      guard case .paymentValidationRefused(let refused) = $0 else { return nil }
      return refused.reason
    }
    #expect(
      reasons == [
        .notPaid(status: "READY"), .notPaid(status: "VIRTUAL_ACCOUNT_ISSUED"),
        .amountMismatch(expected: Given.price, reported: 199_999, reportedCurrency: "KRW"),
      ])
    #expect(try Self.when(Self.report("PAID"), given: history).count == 1)
  }

  @Test("a cancellation before validation is a payment that was not paid")
  func cancelledBeforeValidation() throws {
    let events = try Self.when(Self.report("CANCELLED", cancelled: 200_000), given: [Given.expected])
    guard case .paymentValidationRefused(let refused)? = events.first else { Issue.record("no refusal"); return }
    #expect(refused.reason == .notPaid(status: "CANCELLED"))
  }

  @Test("after validation only a cancellation adds anything", arguments: ["PAID", "READY", "FAILED", "PAY_PENDING"])
  func afterValidation(status: String) throws {
    #expect(try Self.when(Self.report(status, total: 1), given: Self.validatedHistory).isEmpty)
  }

  @Test("a cancellation of nothing refunds nothing")
  func cancelledNothing() throws {
    #expect(try Self.when(Self.report("PARTIAL_CANCELLED", cancelled: 0), given: Self.validatedHistory).isEmpty)
  }

  @Test("PortOne's cancellation after a staff refund records only the rest")
  func staffThenProvider() throws {
    var history = Self.validatedHistory
    history += try Self.when(Self.refund(120_000), given: history)
    #expect(
      try Self.when(Self.report("CANCELLED", cancelled: 200_000), given: history)
        == [Self.refunded(80_000, source: .provider, reason: "cancelled at PortOne")])
  }

  @Test("once PortOne cancelled it all, nothing is left for staff to refund")
  func providerThenStaff() throws {
    var history = Self.validatedHistory
    history += try Self.when(Self.report("CANCELLED", cancelled: 200_000), given: history)
    #expect(try Self.when(Self.report("CANCELLED", cancelled: 200_000), given: history).isEmpty)
    #expect(throws: DomainError(.failedPrecondition, "only 0 KRW of this payment is left to refund")) {
      try Self.when(Self.refund(1), given: history)
    }
  }

  @Test("a staff refund records who refunded and why")
  func staffRefund() throws {
    #expect(
      try Self.when(Self.refund(200_000, reason: " 수강 취소 "), given: Self.validatedHistory)
        == [Self.refunded(200_000, source: .staff(Self.staff), reason: "수강 취소")])
  }

  @Test("what is left refundable is written in the payment's currency")
  func leftInDollars() throws {
    let dollars = try Money(amountMinor: 1_250, currency: .usd)
    let expected = PaymentEvent.paymentExpected(
      PaymentExpected(
        paymentID: Self.paymentID, personID: Self.personID, cohortNumber: 9, amount: dollars,
        providerPaymentID: "order-usd", at: Fixture.scheduledAt))
    let validated = PaymentEvent.paymentValidated(
      PaymentValidated(
        paymentID: Self.paymentID, personID: Self.personID, cohortNumber: 9, amount: dollars,
        method: .portOne(transactionID: "tx-usd"), at: Fixture.openedAt))
    var history = [expected, validated]
    history += try Self.when(
      .refund(amount: try Money(amountMinor: 1_000, currency: .usd), reason: "partial", by: Self.staff), given: history)
    #expect(throws: DomainError(.failedPrecondition, "only 2.50 USD of this payment is left to refund")) {
      try Self.when(
        .refund(amount: try Money(amountMinor: 251, currency: .usd), reason: "too much", by: Self.staff),
        given: history)
    }
  }

  @Test("a refund's fields are checked before the payment is looked at")
  func refundFieldsFirst() throws {
    #expect { try Self.when(Self.refund(0)) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "amount.amount_minor")
    }
    #expect { try Self.when(Self.refund(1, reason: String(repeating: "가", count: 501))) } throws: {
      ($0 as? DomainError)?.kind == .invalidArgument(field: "reason")
    }
    #expect(
      try Self.when(Self.refund(1, reason: String(repeating: "가", count: 500)), given: Self.validatedHistory).count == 1
    )
  }

  @Test("no refund of a payment that is unknown, refused or merely expected")
  func refundNeedsValidation() throws {
    #expect(throws: DomainError(.notFound, "no such payment is known")) { try Self.when(Self.refund(1)) }
    let refused = try Self.when(Self.report("FAILED"), given: [Given.expected])
    #expect(throws: DomainError(.failedPrecondition, "payment is not validated; nothing to refund")) {
      try Self.when(Self.refund(1), given: [Given.expected] + refused)
    }
  }

  @Test("a confirmed bank transfer is expected without a PortOne id and validated by the staff member")
  func transferEvents() throws {
    #expect(
      try Self.when(.confirmTransfer(Self.transfer))
        == [
          .paymentExpected(
            PaymentExpected(
              paymentID: Self.paymentID, personID: Self.personID, cohortNumber: 9, amount: Given.price,
              providerPaymentID: nil, at: Fixture.now)),
          .paymentValidated(
            PaymentValidated(
              paymentID: Self.paymentID, personID: Self.personID, cohortNumber: 9, amount: Given.price,
              method: .bankTransfer(Self.transfer.reference, confirmedBy: Self.staff), at: Fixture.now)),
        ])
  }

  @Test("a bank transfer is refused on a payment PortOne is expected for, and a PortOne one on a transfer")
  func transferOnExpected() throws {
    #expect(throws: DomainError(.alreadyExists, "this payment is already recorded")) {
      try Self.when(.confirmTransfer(Self.transfer), given: [Given.expected])
    }
    let transferred = try Self.when(.confirmTransfer(Self.transfer))
    #expect(throws: DomainError(.alreadyExists, "payment order-0001 is already expected")) {
      try Self.when(.expect(Given.expect), given: transferred)
    }
  }

  @Test("a bank transfer's fields are checked first, by the name rules")
  func transferFields() {
    var longBank = Self.transfer
    longBank.reference.bank = String(repeating: "은", count: 101)
    var hiddenDepositor = Self.transfer
    hiddenDepositor.reference.depositor = "김\u{202E}민지"
    var free = Self.transfer
    free.amount = Fixture.krw(0)
    for (command, field) in [(longBank, "bank"), (hiddenDepositor, "depositor"), (free, "amount.amount_minor")] {
      #expect { try Self.when(.confirmTransfer(command), given: Self.validatedHistory) } throws: {
        ($0 as? DomainError)?.kind == .invalidArgument(field: field)
      }
    }
  }

  @Test("evolve adds up refunds and keeps the latest refusal")
  func evolves() throws {
    var history = Self.validatedHistory
    history += try Self.when(Self.refund(30_000), given: history)
    history += try Self.when(Self.report("PARTIAL_CANCELLED", cancelled: 100_000), given: history)
    let state = Payments.fold(history)
    #expect(state.validated && state.refunded == 100_000 && state.expected?.providerPaymentID == "order-0001")
  }
}
