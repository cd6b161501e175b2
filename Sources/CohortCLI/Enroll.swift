import ArgumentParser
import CohortAPI
import Foundation

/// `cohort enroll 9 --name 김민지 --email minji@example.com [--scholarship REASON | --free REASON]`
public struct Enroll: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Enroll a member into a cohort (waitlisted when it is full).",
    discussion: """
      A paid seat needs a validated payment by that person for that cohort (the price less any \
      discount); people who pay through PortOne are enrolled automatically when their payment \
      validates. Otherwise give a scholarship or a free seat, with a reason.
      """)
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cohort's number.") var cohort: Int32
  @Option(help: "The member's name.") var name: String
  @Option(help: "The member's e-mail (identifies them across cohorts).") var email: String
  @Option(help: "Give a scholarship, for this reason.") var scholarship: String?
  @Option(help: "Give a free seat, for this reason.") var free: String?

  public func validate() throws {
    guard scholarship == nil || free == nil else { throw ValidationError("give --scholarship or --free, not both") }
  }

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let requestID = UUID().uuidString
    let reply = try await session.enrollment { service in
      try await service.enroll(
        .with {
          $0.requestID = requestID
          $0.cohortNumber = cohort
          $0.name = name
          $0.email = email
          if let scholarship { $0.scholarship = scholarship }
          if let free { $0.free = free }
        })
    }
    return try output.render(reply) {
      reply.outcome == .waitlisted
        ? "Cohort \(cohort) is full: \(name) is on the waitlist (member \(reply.memberID))."
        : "Enrolled \(name) in cohort \(cohort) (member \(reply.memberID))."
    }
  }
}

/// `cohort withdraw 9 --email minji@example.com --reason "moved abroad"`
public struct Withdraw: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Withdraw a member from a cohort; the first on the waitlist takes the seat.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cohort's number.") var cohort: Int32
  @Option(help: "The member's e-mail.") var email: String?
  @Option(name: .customLong("member-id"), help: "The member's id (instead of --email).") var memberID: String?
  @Option(help: "Why they leave.") var reason = ""
  @Flag(name: .customLong("refund-due"), help: "A refund is due to them (refund it with `cohort payments refund`).")
  var refundDue = false

  public init() {}

  public func validate() throws {
    guard (email == nil) != (memberID == nil) else {
      throw ValidationError("name the member with either --email or --member-id")
    }
  }

  public func output(_ session: Session) async throws -> Printout {
    let requestID = UUID().uuidString
    let reply = try await session.enrollment { service in
      try await service.withdraw(
        .with {
          $0.requestID = requestID
          $0.cohortNumber = cohort
          if let email { $0.email = email }
          if let memberID { $0.memberID = memberID }
          $0.reason = reason
          $0.refundDue = refundDue
        })
    }
    return try output.render(reply) {
      var text = "Withdrew \(email ?? memberID ?? "the member") from cohort \(cohort)."
      if !reply.promotedMemberID.isEmpty { text += " Member \(reply.promotedMemberID) moved up from the waitlist." }
      return text
    }
  }
}

/// `cohort discounts grant 9 --email minji@example.com (--amount 50000 | --percent 20) --reason …`
public struct Discounts: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Discounts, granted before payment.", subcommands: [Grant.self])

  public init() {}

  public struct Grant: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Grant a person a discount in a cohort: it lowers what their paid seat (and expected payment) needs.",
      discussion: "A percentage comes off as price × percent ÷ 100, rounded down to the currency's minor unit.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The person's e-mail or person id.") var email: String
    @Option(help: "The amount off, in major units of the cohort's currency.") var amount: String?
    @Option(help: "ISO 4217 currency code of --amount.") var currency = "KRW"
    @Option(help: "The percent off, 1 to 100.") var percent: Int32?
    @Option(help: "Why.") var reason: String

    public init() {}

    public func validate() throws {
      guard (amount == nil) != (percent == nil) else { throw ValidationError("give either --amount or --percent") }
    }

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let off = try amount.map { try parseMoney($0, currency: currency, field: "amount") }
      let reply = try await session.enrollment { service in
        try await service.grantDiscount(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.person = .named(email)
            if let off { $0.amount = off.proto }
            if let percent { $0.percent = percent }
            $0.reason = reason
          })
      }
      return try output.render(reply) {
        "Granted \(email) \(off.map { "\($0)" } ?? "\(percent ?? 0)%") off in cohort \(cohort)."
      }
    }
  }
}

/// `cohort transfer --email minji@example.com --from 9 --to 10`
public struct Transfer: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Move a member to a later cohort, with their kind of seat and their payment.",
    discussion: "The old seat goes to the first on its waitlist; the difference in price is shown as due or as credit.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Option(help: "The member's e-mail or person id.") var email: String
  @Option(help: "The cohort they leave.") var from: Int32
  @Option(help: "The later cohort they join.") var to: Int32

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let requestID = UUID().uuidString
    let reply = try await session.enrollment { service in
      try await service.transferMember(
        .with {
          $0.requestID = requestID
          $0.member = .named(email)
          $0.fromCohort = from
          $0.toCohort = to
        })
    }
    return try output.render(reply) {
      var text =
        "Moved \(email) from cohort \(from) to cohort \(to)"
        + (reply.outcome == .waitlisted ? " (on its waitlist: it is full)." : ".")
      if reply.hasDifferenceDue { text += " Still due: \(Rendering.money(reply.differenceDue))." }
      if reply.hasCredit { text += " Credit: \(Rendering.money(reply.credit))." }
      return text
    }
  }
}
