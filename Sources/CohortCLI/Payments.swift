import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort payments ...`: expect, confirm, refund, list and show payments.
public struct Payments: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Expect, confirm, refund, list and show payments; only validated payments make a customer.",
    subcommands: [List.self, Show.self, Expect.self, Confirm.self, Refund.self],
    defaultSubcommand: List.self)

  public init() {}

  public struct Expect: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Expect a PortOne payment: it is validated when PortOne's webhook says it is paid.",
      discussion: "Example: cohort payments expect --email minji@example.com --cohort 9 --payment-id order-0001")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The payer's e-mail.") var email: String
    @Option(help: "The cohort's number.") var cohort: Int32
    @Option(name: .customLong("payment-id"), help: "The paymentId the checkout gave PortOne.") var paymentID: String
    @OptionGroup var amount: OptionalAmount

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let money = try amount.money()
      let requestID = UUID().uuidString
      let reply = try await session.payments { service in
        try await service.expectPayment(
          .with {
            $0.requestID = requestID
            $0.person = .named(email)
            $0.cohortNumber = cohort
            $0.paymentID = paymentID
            if let money { $0.amount = money.proto }
          })
      }
      return try output.render(reply) {
        "Expecting payment \(reply.paymentID) of \(Rendering.money(reply.payment.amount)) from \(email) for cohort \(cohort)."
      }
    }
  }

  public struct Confirm: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Confirm a bank transfer (무통장입금) you saw arrive: the payment is validated at once.",
      discussion:
        "Example: cohort payments confirm --email minji@example.com --cohort 9 --amount 200000 --currency KRW --reference '국민 김민지 12/01'"
    )
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The payer's e-mail.") var email: String
    @Option(help: "The cohort's number.") var cohort: Int32
    @OptionGroup var amount: RequiredAmount
    @Option(help: "The transfer's reference as the bank shows it (bank, depositor, date).") var reference: String
    @Option(help: "The bank.") var bank = ""
    @Option(help: "The depositor's name (입금자).") var depositor = ""
    @Option(help: "The day of the transfer, YYYY-MM-DD.") var date: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let money = try amount.money()
      let day = try date.map { text in
        try usage { () throws(DomainError) in try CalendarDate(iso: text, field: "date") }
      }
      let requestID = UUID().uuidString
      let reply = try await session.payments { service in
        try await service.confirmTransfer(
          .with {
            $0.requestID = requestID
            $0.person = .named(email)
            $0.cohortNumber = cohort
            $0.amount = money.proto
            $0.reference = reference
            $0.bank = bank
            $0.depositor = depositor
            if let day { $0.transferredOn = day.proto }
          })
      }
      return try output.render(reply) {
        "Confirmed \(money.formatted) from \(email) for cohort \(cohort): payment \(reply.paymentID) is validated."
      }
    }
  }

  public struct Refund: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Record a refund, in part or in full (it does not withdraw anybody).")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The payment's id.") var payment: String
    @OptionGroup var amount: RequiredAmount
    @Option(help: "Why.") var reason: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let money = try amount.money()
      let requestID = UUID().uuidString
      let reply = try await session.payments { service in
        try await service.refundPayment(
          .with {
            $0.requestID = requestID
            $0.paymentID = payment
            $0.amount = money.proto
            $0.reason = reason
          })
      }
      return try output.render(reply) {
        "Refunded \(money.formatted) of payment \(payment) (\(Rendering.money(reply.payment.refunded)) refunded in all)."
      }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List payments.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only payments that are pending, validated, refused, partially-refunded or refunded.")
    var status: PaymentRecord.Status?
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let payments = try await limit.collect { token, size in
        let page = try await session.payments { service in
          try await service.listPayments(
            .with {
              $0.status = status?.proto ?? .unspecified
              $0.pageSize = size
              $0.pageToken = token
            })
        }
        return (page.payments, page.nextPageToken)
      }
      return try output.render(
        Cohort_V1_ListPaymentsReply.with { $0.payments = payments }, text: { Rendering.payments(payments) },
        sheets: { [Rendering.paymentsSheet(payments)] })
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Show a payment.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The payment's id.") var payment: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await session.payments { service in
        try await service.getPayment(.with { $0.paymentID = payment })
      }
      return try output.render(reply) { Rendering.payment(reply.payment) }
    }
  }
}

/// `cohort funnel [--cohort 9] [--since 2026-11-01 --until 2026-12-01]`
public struct Funnel: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "From interest to payment: people, interested, paying, refunded, conversion, revenue.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Option(help: "Only people interested in or paying for this cohort.") var cohort: Int32?
  @Option(help: "Only people who first showed interest on or after this day (YYYY-MM-DD).") var since: String?
  @Option(help: "... and before this day (YYYY-MM-DD).") var until: String?

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let from = try since.map { text in
      try usage { () throws(DomainError) in try CalendarDate(iso: text, field: "since") }
    }
    let to = try until.map { text in try usage { () throws(DomainError) in try CalendarDate(iso: text, field: "until") }
    }
    let reply = try await session.payments { service in
      try await service.getFunnel(
        .with {
          $0.cohortNumber = cohort ?? 0
          if let from { $0.since = from.proto }
          if let to { $0.until = to.proto }
        })
    }
    return try output.render(
      reply, text: { Rendering.funnel(reply, cohort: cohort) },
      sheets: { [Rendering.funnelSheet(reply, cohort: cohort)] })
  }
}

/// `--amount 200000 --currency KRW`, optional as a whole.
struct OptionalAmount: ParsableArguments {
  @Option(help: "The amount in major units, e.g. 200000 (KRW) or 12.50 (USD); default: the cohort's price.")
  var amount: String?
  @Option(help: "ISO 4217 currency code.") var currency = "KRW"

  func money() throws -> Money? {
    try amount.map { try parseMoney($0, currency: currency, field: "amount") }
  }
}

/// `--amount 200000 --currency KRW`, required.
struct RequiredAmount: ParsableArguments {
  @Option(help: "The amount in major units, e.g. 200000 (KRW) or 12.50 (USD).") var amount: String
  @Option(help: "ISO 4217 currency code.") var currency = "KRW"

  func money() throws -> Money {
    try parseMoney(amount, currency: currency, field: "amount")
  }
}

/// `text` in major units of `currency`, or a usage error naming `field`.
func parseMoney(_ text: String, currency: String, field: String) throws -> Money {
  try usage { () throws(DomainError) in
    try Money(parsing: text, currency: try Currency(currency, field: "currency"), field: field)
  }
}

/// A value typed on the command line, or a usage error that says what is wrong with it.
func usage<T>(_ parse: () throws(DomainError) -> T) throws -> T {
  do {
    return try parse()
  } catch {
    throw CLIError(error.message, exitCode: ExitCodes.usage)
  }
}

/// `--status pending|validated|refused|partially-refunded|refunded` (a dash for the space).
extension PaymentRecord.Status: ExpressibleByArgument {
  public init?(argument: String) {
    self.init(rawValue: argument.replacingOccurrences(of: "-", with: " "))
  }

  public static var allValueStrings: [String] { allCases.map { $0.rawValue.replacingOccurrences(of: " ", with: "-") } }
}
