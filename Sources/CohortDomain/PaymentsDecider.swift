import Foundation

/// A bank transfer's reference as staff read it off the bank's statement. Personal (the
/// depositor's name): encrypted at rest with the payer's key.
public struct BankReference: Codable, Equatable, Sendable {
  public var reference: String
  public var bank: String
  public var depositor: String
  public var date: CalendarDate?

  public init(reference: String, bank: String = "", depositor: String = "", date: CalendarDate? = nil) {
    self.reference = reference
    self.bank = bank
    self.depositor = depositor
    self.date = date
  }
}

/// How a payment was validated.
public enum ValidationMethod: Codable, Equatable, Sendable {
  /// PortOne reported the transaction paid, with the expected amount.
  case portOne(transactionID: String)
  /// Staff confirmed a bank transfer (무통장입금); the reference is `nil` once the payer is forgotten.
  case bankTransfer(BankReference?, confirmedBy: UUID)
}

/// A checkout is about to send the person to PortOne: the payment to expect, under the paymentId
/// given to PortOne. Fields are validated by `Payments.decide`.
public struct ExpectPayment: Equatable, Sendable {
  public var personID: UUID
  public var cohortNumber: Int
  public var amount: Money
  /// The paymentId the checkout gave PortOne.
  public var providerPaymentID: String

  public init(personID: UUID, cohortNumber: Int, amount: Money, providerPaymentID: String) {
    self.personID = personID
    self.cohortNumber = cohortNumber
    self.amount = amount
    self.providerPaymentID = providerPaymentID
  }
}

/// Staff saw a bank transfer (무통장입금) arrive: the payment is recorded and validated at once.
/// Fields are validated by `Payments.decide`.
public struct ConfirmTransfer: Equatable, Sendable {
  public var personID: UUID
  public var cohortNumber: Int
  public var amount: Money
  public var reference: BankReference
  /// The token of the staff member who saw the money arrive.
  public var confirmedBy: UUID

  public init(personID: UUID, cohortNumber: Int, amount: Money, reference: BankReference, confirmedBy: UUID) {
    self.personID = personID
    self.cohortNumber = cohortNumber
    self.amount = amount
    self.reference = reference
    self.confirmedBy = confirmedBy
  }
}

/// What PortOne's REST look-up (`GET /payments/{paymentId}`) reported about a payment.
public struct ProviderPayment: Equatable, Sendable {
  /// PortOne's status: "PAID", "CANCELLED", "PARTIAL_CANCELLED", "READY", "FAILED", ...
  public var status: String
  /// `amount.total`, in minor units.
  public var total: Int64
  /// `amount.cancelled`, in minor units.
  public var cancelled: Int64
  public var currency: String
  public var transactionID: String

  public init(status: String, total: Int64, cancelled: Int64 = 0, currency: String, transactionID: String) {
    self.status = status
    self.total = total
    self.cancelled = cancelled
    self.currency = currency
    self.transactionID = transactionID
  }

  var isCancellation: Bool { status == "CANCELLED" || status == "PARTIAL_CANCELLED" }
}

/// Everything that can be asked of one payment; one payment is one stream.
public enum PaymentCommand: Equatable, Sendable {
  case expect(ExpectPayment)
  /// Staff confirmed a bank transfer: the payment is created and validated in one.
  case confirmTransfer(ConfirmTransfer)
  /// A webhook's look-up result: validates the payment, refuses the validation, or records
  /// PortOne's refund.
  case reconcile(ProviderPayment)
  /// Staff refund, in part or in full.
  case refund(amount: Money, reason: String, by: UUID)
}

/// A payment is expected (or, for a bank transfer, recorded just before it is validated).
public struct PaymentExpected: Equatable, Sendable {
  public var paymentID: UUID
  public var personID: UUID
  public var cohortNumber: Int
  public var amount: Money
  /// `nil` for a bank transfer.
  public var providerPaymentID: String?
  public var at: Date

  public init(
    paymentID: UUID, personID: UUID, cohortNumber: Int, amount: Money, providerPaymentID: String?, at: Date
  ) {
    self.paymentID = paymentID
    self.personID = personID
    self.cohortNumber = cohortNumber
    self.amount = amount
    self.providerPaymentID = providerPaymentID
    self.at = at
  }
}

/// The payment is validated: from now on its payer counts as a paying customer.
public struct PaymentValidated: Equatable, Sendable {
  public var paymentID: UUID
  public var personID: UUID
  public var cohortNumber: Int
  public var amount: Money
  public var method: ValidationMethod
  public var at: Date

  public init(
    paymentID: UUID, personID: UUID, cohortNumber: Int, amount: Money, method: ValidationMethod, at: Date
  ) {
    self.paymentID = paymentID
    self.personID = personID
    self.cohortNumber = cohortNumber
    self.amount = amount
    self.method = method
    self.at = at
  }
}

/// Why a validation was refused.
public enum ValidationRefusal: Codable, Equatable, Sendable, CustomStringConvertible {
  /// Nobody expected a payment with this id.
  case unknownPayment
  /// PortOne does not report it paid.
  case notPaid(status: String)
  /// PortOne reports another amount or currency than expected.
  case amountMismatch(expected: Money, reported: Int64, reportedCurrency: String)

  public var description: String {
    switch self {
    case .unknownPayment: "no payment with this id was expected"
    case .notPaid(let status): "PortOne reports the payment \(status), not PAID"
    case .amountMismatch(let expected, let reported, let currency):
      "PortOne reports \(reported) \(currency) (minor units); \(expected.formatted) was expected"
    }
  }
}

/// PortOne's look-up did not validate the payment; its payer stays merely interested.
public struct PaymentValidationRefused: Equatable, Sendable {
  public var paymentID: UUID
  /// `nil` for a payment nobody expected.
  public var personID: UUID?
  public var providerPaymentID: String
  public var reason: ValidationRefusal
  public var at: Date

  public init(paymentID: UUID, personID: UUID?, providerPaymentID: String, reason: ValidationRefusal, at: Date) {
    self.paymentID = paymentID
    self.personID = personID
    self.providerPaymentID = providerPaymentID
    self.reason = reason
    self.at = at
  }
}

/// Who refunded: a staff member, or PortOne reporting a cancellation.
public enum RefundSource: Equatable, Sendable {
  /// A staff member's token.
  case staff(UUID)
  /// A cancellation PortOne reported.
  case provider
}

/// Money paid back. A refund never withdraws anybody from a cohort by itself.
public struct PaymentRefunded: Equatable, Sendable {
  public var paymentID: UUID
  public var personID: UUID
  public var amount: Money
  public var reason: String
  public var source: RefundSource
  public var at: Date

  public init(paymentID: UUID, personID: UUID, amount: Money, reason: String, source: RefundSource, at: Date) {
    self.paymentID = paymentID
    self.personID = personID
    self.amount = amount
    self.reason = reason
    self.source = source
    self.at = at
  }
}

/// Everything that happens to one payment, in its stream.
public enum PaymentEvent: Equatable, Sendable {
  case paymentExpected(PaymentExpected)
  case paymentValidated(PaymentValidated)
  case paymentValidationRefused(PaymentValidationRefused)
  case paymentRefunded(PaymentRefunded)
}

/// The rules of one payment: a person is merely interested until a payment is validated, and
/// only a payment of the expected amount in the expected currency is. The context's subject is
/// the payment's id.
public enum Payments: Decider {
  /// What the decisions need to know of a payment's stream.
  public struct State: Equatable, Sendable {
    public var expected: PaymentExpected?
    public var validated = false
    public var refunded: Int64 = 0
    public var lastRefusal: ValidationRefusal?
  }

  public static let initial = State()

  public static func decide(
    _ command: PaymentCommand, state: State, context: DecisionContext
  ) throws(DomainError) -> [PaymentEvent] {
    switch command {
    case .expect(let expect):
      try check(cohortNumber: expect.cohortNumber, amount: expect.amount)
      let providerID = try providerPaymentID(expect.providerPaymentID)
      let event = PaymentExpected(
        paymentID: context.subjectID, personID: expect.personID, cohortNumber: expect.cohortNumber,
        amount: expect.amount, providerPaymentID: providerID, at: context.now)
      if let existing = state.expected {
        var same = existing
        same.at = event.at
        guard same == event else {
          throw DomainError(.alreadyExists, "payment \(providerID) is already expected")
        }
        return []
      }
      return [.paymentExpected(event)]

    case .confirmTransfer(let confirm):
      try check(cohortNumber: confirm.cohortNumber, amount: confirm.amount)
      let reference = BankReference(
        reference: try PersonFields.text(
          confirm.reference.reference, field: "reference", maxCharacters: 200, allowEmpty: false),
        bank: try PersonFields.text(confirm.reference.bank, field: "bank", maxCharacters: 100, allowEmpty: true),
        depositor: try PersonFields.text(
          confirm.reference.depositor, field: "depositor", maxCharacters: 100, allowEmpty: true),
        date: confirm.reference.date)
      guard state.expected == nil else {
        throw DomainError(.alreadyExists, "this payment is already recorded")
      }
      return [
        .paymentExpected(
          PaymentExpected(
            paymentID: context.subjectID, personID: confirm.personID, cohortNumber: confirm.cohortNumber,
            amount: confirm.amount, providerPaymentID: nil, at: context.now)),
        .paymentValidated(
          PaymentValidated(
            paymentID: context.subjectID, personID: confirm.personID, cohortNumber: confirm.cohortNumber,
            amount: confirm.amount, method: .bankTransfer(reference, confirmedBy: confirm.confirmedBy),
            at: context.now)),
      ]

    case .reconcile(let report):
      return reconcile(report, state: state, context: context)

    case .refund(let amount, let reason, let by):
      guard amount.amountMinor > 0 else {
        throw .invalidArgument("amount.amount_minor", "a refund must be more than nothing; got \(amount.formatted)")
      }
      let reason = try PersonFields.text(reason, field: "reason", maxCharacters: 500, allowEmpty: false)
      guard state.expected != nil else { throw DomainError(.notFound, "no such payment is known") }
      guard let expected = state.expected, state.validated else {
        throw DomainError(.failedPrecondition, "payment is not validated; nothing to refund")
      }
      guard amount.currency == expected.amount.currency else {
        throw .invalidArgument(
          "amount.currency",
          "the payment was in \(expected.amount.currency); a refund must be too, not \(amount.currency)")
      }
      let left = expected.amount.amountMinor - state.refunded
      guard amount.amountMinor <= left else {
        throw DomainError(
          .failedPrecondition,
          "only \(Money.unchecked(left, expected.amount.currency).formatted) of this payment is left to refund")
      }
      return [
        .paymentRefunded(
          PaymentRefunded(
            paymentID: context.subjectID, personID: expected.personID, amount: amount, reason: reason,
            source: .staff(by), at: context.now))
      ]
    }
  }

  public static func evolve(_ state: inout State, _ event: PaymentEvent) {
    switch event {
    case .paymentExpected(let expected): state.expected = expected
    case .paymentValidated: state.validated = true
    case .paymentValidationRefused(let refused): state.lastRefusal = refused.reason
    case .paymentRefunded(let refunded): state.refunded += refunded.amount.amountMinor
    }
  }

  private static func reconcile(
    _ report: ProviderPayment, state: State, context: DecisionContext
  ) -> [PaymentEvent] {
    func refused(_ reason: ValidationRefusal) -> [PaymentEvent] {
      guard state.lastRefusal != reason else { return [] }
      return [
        .paymentValidationRefused(
          PaymentValidationRefused(
            paymentID: context.subjectID, personID: state.expected?.personID,
            providerPaymentID: state.expected?.providerPaymentID ?? "", reason: reason, at: context.now))
      ]
    }
    guard let expected = state.expected else { return refused(.unknownPayment) }
    if state.validated {
      // Webhooks are retried and duplicated: only a cancellation adds anything now.
      guard report.isCancellation else { return [] }
      let cancelled = min(max(report.cancelled, 0), expected.amount.amountMinor)
      let refund = cancelled - state.refunded
      guard refund > 0 else { return [] }
      return [
        .paymentRefunded(
          PaymentRefunded(
            paymentID: context.subjectID, personID: expected.personID,
            amount: Money.unchecked(refund, expected.amount.currency), reason: "cancelled at PortOne",
            source: .provider, at: context.now))
      ]
    }
    guard report.status == "PAID" else { return refused(.notPaid(status: report.status)) }
    guard report.total == expected.amount.amountMinor,
      report.currency.uppercased() == expected.amount.currency.code
    else {
      return refused(
        .amountMismatch(expected: expected.amount, reported: report.total, reportedCurrency: report.currency))
    }
    return [
      .paymentValidated(
        PaymentValidated(
          paymentID: context.subjectID, personID: expected.personID, cohortNumber: expected.cohortNumber,
          amount: expected.amount, method: .portOne(transactionID: report.transactionID), at: context.now))
    ]
  }

  private static func check(cohortNumber: Int, amount: Money) throws(DomainError) {
    try Validate.number(cohortNumber, in: 1...1_000_000, field: "cohort_number", label: "cohort number")
    guard amount.amountMinor > 0 else {
      throw .invalidArgument("amount.amount_minor", "a payment must be more than nothing; got \(amount.formatted)")
    }
  }

  private static func providerPaymentID(_ raw: String) throws(DomainError) -> String {
    let id = raw.trimmingCharacters(in: .whitespaces)
    guard (1...200).contains(id.utf8.count), id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
      throw .invalidArgument(
        "payment_id", "payment_id must be 1 to 200 printable ASCII characters: the paymentId given to PortOne")
    }
    return id
  }
}

extension Money {
  /// An amount computed from valid amounts, never below zero.
  public static func unchecked(_ amountMinor: Int64, _ currency: Currency) -> Money {
    Money(nonNegative: amountMinor, currency: currency)
  }

  private init(nonNegative amountMinor: Int64, currency: Currency) {
    self.amountMinor = max(amountMinor, 0)
    self.currency = currency
  }
}
