import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort experiments ...`: validation experiments, judged only by validated payments.
public struct Experiments: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Validation experiments: ask for money before building, and count only validated payments.",
    subcommands: [List.self, Show.self, Start.self, Conclude.self], defaultSubcommand: List.self)

  public init() {}

  public struct Start: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Start an experiment with an offer, a price and an attempt budget.",
      discussion:
        "Example: cohort experiments start --hypothesis '1인 사업자는 자동화에 돈을 낸다' --offer '자동화 컨설팅 1회' --price 300000 --budget 10"
    )
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "What you believe, in one sentence.") var hypothesis: String
    @Option(help: "What you sell.") var offer: String
    @OptionGroup var price: Price
    @Option(help: "How many attempts you budget for (accepted beyond it, and flagged).") var budget: Int32
    @Option(help: "Who runs it (default: the token's label).") var founder = ""
    @Option(help: "The first day, YYYY-MM-DD (default: today in Korea).") var starts: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let price = try price.money()
      let startsOn = try starts.map { text in try usage { () throws(DomainError) in try CalendarDate(iso: text) } }
      let reply = try await session.outreach { service in
        try await service.startExperiment(
          .with {
            $0.requestID = requestID
            $0.hypothesis = hypothesis
            $0.offer = offer
            $0.price = price.proto
            $0.budget = budget
            $0.founder = founder
            if let startsOn { $0.startsOn = startsOn.proto }
          })
      }
      return try output.render(reply) {
        "Started experiment \(reply.experimentID): \(budget) attempts to sell \(offer) at \(price)."
      }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List experiments, with totals per founder.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      var reply = try await session.outreach { service in try await service.listExperiments(.init()) }
      reply.experiments = limit.apply(reply.experiments)
      return try output.render(
        reply, text: { Rendering.experiments(reply) }, sheets: { Rendering.experimentsSheets(reply) })
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Tell an experiment's story in numbers.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The experiment's id.") var experiment: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await session.outreach { service in
        try await service.getExperiment(.with { $0.experimentID = experiment })
      }
      return try output.render(
        reply, text: { Rendering.experiment(reply.experiment) },
        sheets: { Rendering.experimentSheets(reply.experiment) })
    }
  }

  public struct Conclude: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Conclude an experiment: validated, invalidated or pivot, with what you learned.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The experiment's id.") var experiment: String
    @Option(help: "validated, invalidated or pivot.") var result: ExperimentResult
    @Option(help: "What you learned, in words.") var learning: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.outreach { service in
        try await service.concludeExperiment(
          .with {
            $0.requestID = requestID
            $0.experimentID = experiment
            $0.result = result.proto
            $0.learning = learning
          })
      }
      return try output.render(reply) { "Concluded experiment \(reply.experimentID): \(result.rawValue)." }
    }
  }
}

/// `cohort attempts ...`: every attempt to sell, and every "no".
public struct Attempts: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Log attempts to sell, change their outcome later, list them.",
    subcommands: [Log.self, Update.self, List.self])

  public init() {}

  public struct Log: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Log an attempt: who, how, what came of it.",
      discussion:
        "Example: cohort attempts log EXPERIMENT --target minji@example.com --channel call --outcome rejected --reason price --detail '너무 비싸요'"
    )
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The experiment's id.") var experiment: String
    @Option(help: "A registered person's e-mail, or an organisation's name.") var target: String
    @Option(name: .customLong("contact-role"), help: "The contact's role at the organisation, e.g. 대표.")
    var contactRole = ""
    @Option(help: "email, call, message, meeting, event or other.") var channel: OutreachChannel
    @Option(help: "What you offered, in words.") var pitch = ""
    @OptionGroup var outcome: OutcomeOptions
    @Option(help: "The day of the attempt, YYYY-MM-DD (default: today in Korea).") var on: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let (outcome, nextStep) = try self.outcome.proto()
      let on = try on.map { text in try usage { () throws(DomainError) in try CalendarDate(iso: text) } }
      let reply = try await session.outreach { service in
        try await service.logAttempt(
          .with {
            $0.requestID = requestID
            $0.experimentID = experiment
            $0.target = .named(target, contactRole: contactRole)
            $0.channel = channel.proto
            $0.pitch = pitch
            $0.outcome = outcome
            $0.complimentsOnly = self.outcome.complimentsOnly
            if let nextStep { $0.nextStep = nextStep }
            if let on { $0.on = on.proto }
          })
      }
      return try output.render(reply) {
        "Logged attempt \(reply.attemptID) (\(self.outcome.outcome.rawValue))"
          + (reply.overBudget ? ": over the budget (accepted, and flagged)." : ".")
      }
    }
  }

  public struct Update: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Record a later outcome of an attempt (the history is kept).",
      discussion: "Example: cohort attempts update EXPERIMENT ATTEMPT --outcome paid --payment order-0001")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The experiment's id.") var experiment: String
    @Argument(help: "The attempt's id.") var attempt: String
    @OptionGroup var outcome: OutcomeOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let (outcome, nextStep) = try self.outcome.proto()
      let reply = try await session.outreach { service in
        try await service.updateAttempt(
          .with {
            $0.requestID = requestID
            $0.experimentID = experiment
            $0.attemptID = attempt
            $0.outcome = outcome
            $0.complimentsOnly = self.outcome.complimentsOnly
            if let nextStep { $0.nextStep = nextStep }
          })
      }
      return try output.render(reply) { "Attempt \(reply.attemptID) is now \(self.outcome.outcome.rawValue)." }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List an experiment's attempts, first first.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The experiment's id.") var experiment: String
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let attempts = try await limit.collect { token, size in
        let page = try await session.outreach { service in
          try await service.listAttempts(
            .with {
              $0.experimentID = experiment
              $0.pageSize = size
              $0.pageToken = token
            })
        }
        return (page.attempts, page.nextPageToken)
      }
      return try output.render(
        Cohort_V1_ListAttemptsReply.with { $0.attempts = attempts }, text: { Rendering.attempts(attempts) },
        sheets: { [Rendering.attemptsTable(attempts)] })
    }
  }
}

/// `cohort followups`: next steps due and overdue, soonest first.
public struct Followups: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Next steps of attempts, due and overdue, soonest first.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var limit: LimitOptions

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let followups = try await limit.collect { token, size in
      let page = try await session.outreach { service in
        try await service.listFollowups(
          .with {
            $0.pageSize = size
            $0.pageToken = token
          })
      }
      return (page.followups, page.nextPageToken)
    }
    return try output.render(
      Cohort_V1_ListFollowupsReply.with { $0.followups = followups }, text: { Rendering.followups(followups) },
      sheets: { [Rendering.followupsTable(followups)] })
  }
}

/// `--outcome … [--reason …] [--detail …] [--commitment …] [--payment …] [--compliments-only]
/// [--next-step … --due DATE]`.
struct OutcomeOptions: ParsableArguments {
  @Option(help: "no-answer, rejected, interested, committed or paid.") var outcome: OutcomeKind
  @Option(help: "Why they said no: price, timing, no-need, has-alternative, no-authority or other.")
  var reason: RejectionReason?
  @Option(help: "In their words (a rejection), or what they committed (a commitment).") var detail = ""
  @Option(help: "What they committed: time, reputation or money.") var commitment: CommitmentKind?
  @Option(help: "The payment that proves a paid outcome: its payment id or PortOne paymentId.") var payment = ""
  @Flag(name: .customLong("compliments-only"), help: "They praised without committing anything.")
  var complimentsOnly = false
  @Option(name: .customLong("next-step"), help: "What to do next.") var nextStep: String?
  @Option(help: "When the next step is due, YYYY-MM-DD.") var due: String?

  func validate() throws {
    if outcome == .rejected, reason == nil { throw ValidationError("--outcome rejected needs --reason") }
    if outcome != .rejected, reason != nil { throw ValidationError("--reason goes with --outcome rejected") }
    if outcome == .committed, commitment == nil { throw ValidationError("--outcome committed needs --commitment") }
    if outcome != .committed, commitment != nil { throw ValidationError("--commitment goes with --outcome committed") }
    if outcome != .paid, !payment.isEmpty { throw ValidationError("--payment goes with --outcome paid") }
    if (nextStep == nil) != (due == nil) { throw ValidationError("--next-step and --due go together") }
  }

  func proto() throws -> (Cohort_V1_AttemptOutcome, Cohort_V1_NextStep?) {
    let outcome = Cohort_V1_AttemptOutcome.with {
      $0.kind = self.outcome.proto
      if let reason { $0.rejectionReason = reason.proto }
      if let commitment { $0.commitment = commitment.proto }
      $0.detail = detail
      $0.payment = payment
    }
    guard let nextStep, let due else { return (outcome, nil) }
    let day = try usage { () throws(DomainError) in try CalendarDate(iso: due, field: "due") }
    return (outcome, NextStep(action: nextStep, due: day).proto)
  }
}

/// `--price 300000 --currency KRW`.
struct Price: ParsableArguments {
  @Option(help: "The price in major units, e.g. 300000 (KRW) or 49.00 (USD).") var price: String
  @Option(help: "ISO 4217 currency code.") var currency = "KRW"

  func money() throws -> Money {
    try parseMoney(price, currency: currency, field: "price")
  }
}

extension Cohort_V1_AttemptTarget {
  /// A registered person by e-mail (anything with an "@"), else an organisation by name.
  static func named(_ text: String, contactRole: String) -> Self {
    .with {
      if text.contains("@") {
        $0.person = .named(text)
      } else {
        $0.organisation = .with {
          $0.name = text
          $0.contactRole = contactRole
        }
      }
    }
  }
}

extension OutreachChannel: ExpressibleByArgument {}
extension OutcomeKind: ExpressibleByArgument {}
extension RejectionReason: ExpressibleByArgument {}
extension CommitmentKind: ExpressibleByArgument {}
extension ExperimentResult: ExpressibleByArgument {}
