import Foundation

/// How an attempt reached its target.
public enum OutreachChannel: String, Codable, CaseIterable, Sendable {
  case email, call, message, meeting, event, other
}

/// Why a target said no.
public enum RejectionReason: String, Codable, CaseIterable, Sendable {
  case price, timing
  case noNeed = "no-need"
  case hasAlternative = "has-alternative"
  case noAuthority = "no-authority"
  case other
}

/// What a target committed: the currencies of evidence (compliments are not one).
public enum CommitmentKind: String, Codable, CaseIterable, Sendable {
  case time, reputation, money
}

/// How an experiment ended.
public enum ExperimentResult: String, Codable, CaseIterable, Sendable {
  case validated, invalidated, pivot
}

/// The kinds of outcome, for counting.
public enum OutcomeKind: String, Codable, CaseIterable, Sendable {
  case noAnswer = "no-answer"
  case rejected, interested, committed, paid
}

/// What came of an attempt.
public enum AttemptOutcome: Codable, Equatable, Sendable {
  case noAnswer
  case rejected(RejectionReason, detail: String)
  case interested
  case committed(CommitmentKind, what: String)
  /// They paid. It counts as validated only once `payment` names a validated payment.
  case paid(payment: UUID?)

  public var kind: OutcomeKind {
    switch self {
    case .noAnswer: .noAnswer
    case .rejected: .rejected
    case .interested: .interested
    case .committed: .committed
    case .paid: .paid
    }
  }
}

/// Who an attempt was made to: a person from People, or an organisation and the role of the
/// contact there.
public enum AttemptTarget: Codable, Equatable, Sendable {
  case person(UUID)
  case organisation(name: String, contactRole: String)
}

/// What to do next about an attempt, and by when.
public struct NextStep: Codable, Equatable, Sendable {
  public var action: String
  public var due: CalendarDate

  public init(action: String, due: CalendarDate) {
    self.action = action
    self.due = due
  }
}

/// A validation experiment to start. Fields are validated by `Outreach.decide`.
public struct StartExperiment: Equatable, Sendable {
  public var hypothesis: String
  /// What is sold, e.g. "AI 업무자동화 컨설팅 1회".
  public var offer: String
  public var price: Money
  /// How many attempts the founder budgets for (a commitment, not a lock).
  public var budget: Int
  /// Who runs it.
  public var founder: String
  public var startsOn: CalendarDate

  public init(
    hypothesis: String, offer: String, price: Money, budget: Int, founder: String, startsOn: CalendarDate
  ) {
    self.hypothesis = hypothesis
    self.offer = offer
    self.price = price
    self.budget = budget
    self.founder = founder
    self.startsOn = startsOn
  }
}

/// One attempt to sell. Fields are validated by `Outreach.decide`.
public struct LogAttempt: Equatable, Sendable {
  public var attemptID: UUID
  public var target: AttemptTarget
  public var channel: OutreachChannel
  public var pitch: String
  public var outcome: AttemptOutcome
  /// They praised without committing anything.
  public var complimentsOnly: Bool
  public var nextStep: NextStep?
  /// The day of the attempt.
  public var on: CalendarDate

  public init(
    attemptID: UUID, target: AttemptTarget, channel: OutreachChannel, pitch: String, outcome: AttemptOutcome,
    complimentsOnly: Bool = false, nextStep: NextStep? = nil, on: CalendarDate
  ) {
    self.attemptID = attemptID
    self.target = target
    self.channel = channel
    self.pitch = pitch
    self.outcome = outcome
    self.complimentsOnly = complimentsOnly
    self.nextStep = nextStep
    self.on = on
  }
}

/// A later outcome of an attempt (the no-answer who calls back, a payment that arrives).
public struct UpdateAttempt: Equatable, Sendable {
  public var attemptID: UUID
  public var outcome: AttemptOutcome
  public var complimentsOnly: Bool
  /// The next step from now on; `nil`: none is left.
  public var nextStep: NextStep?

  public init(attemptID: UUID, outcome: AttemptOutcome, complimentsOnly: Bool = false, nextStep: NextStep? = nil) {
    self.attemptID = attemptID
    self.outcome = outcome
    self.complimentsOnly = complimentsOnly
    self.nextStep = nextStep
  }
}

/// Everything that can be asked of one experiment; one experiment is one stream.
public enum OutreachCommand: Equatable, Sendable {
  case start(StartExperiment)
  case logAttempt(LogAttempt)
  case updateAttempt(UpdateAttempt)
  case conclude(ExperimentResult, learning: String)
}

public struct ExperimentStarted: Codable, Equatable, Sendable {
  public var experimentID: UUID
  public var hypothesis: String
  public var offer: String
  public var price: Money
  public var budget: Int
  public var founder: String
  public var startsOn: CalendarDate
  public var at: Date

  public init(
    experimentID: UUID, hypothesis: String, offer: String, price: Money, budget: Int, founder: String,
    startsOn: CalendarDate, at: Date
  ) {
    self.experimentID = experimentID
    self.hypothesis = hypothesis
    self.offer = offer
    self.price = price
    self.budget = budget
    self.founder = founder
    self.startsOn = startsOn
    self.at = at
  }
}

public struct AttemptLogged: Equatable, Sendable {
  public var attempt: LogAttempt
  public var at: Date

  public init(attempt: LogAttempt, at: Date) {
    self.attempt = attempt
    self.at = at
  }
}

public struct AttemptUpdated: Equatable, Sendable {
  public var update: UpdateAttempt
  public var at: Date

  public init(update: UpdateAttempt, at: Date) {
    self.update = update
    self.at = at
  }
}

public struct ExperimentConcluded: Codable, Equatable, Sendable {
  public var result: ExperimentResult
  public var learning: String
  public var at: Date

  public init(result: ExperimentResult, learning: String, at: Date) {
    self.result = result
    self.learning = learning
    self.at = at
  }
}

/// Everything that happens to one experiment, in its stream.
public enum OutreachEvent: Equatable, Sendable {
  case experimentStarted(ExperimentStarted)
  case attemptLogged(AttemptLogged)
  case attemptUpdated(AttemptUpdated)
  case experimentConcluded(ExperimentConcluded)
}

/// The rules of a validation experiment: attempts are logged until it is concluded, beyond the
/// budget too (they are flagged in reports, not refused), and outcomes change only by new events.
/// The context's subject is the experiment's id.
public enum Outreach: Decider {
  /// What the decisions need to know of an experiment's stream.
  public struct State: Equatable, Sendable {
    public var started = false
    public var concluded: ExperimentResult?
    public var attempts: Set<UUID> = []
  }

  public static let initial = State()

  public static func decide(
    _ command: OutreachCommand, state: State, context: DecisionContext
  ) throws(DomainError) -> [OutreachEvent] {
    switch command {
    case .start(let start):
      try Validate.number(start.budget, in: 1...10_000, field: "budget", label: "attempt budget")
      let started = ExperimentStarted(
        experimentID: context.subjectID,
        hypothesis: try PersonFields.text(
          start.hypothesis, field: "hypothesis", maxCharacters: 1_000, allowEmpty: false),
        offer: try PersonFields.text(start.offer, field: "offer", maxCharacters: 200, allowEmpty: false),
        price: try positive(start.price, field: "price"),
        budget: start.budget,
        founder: try PersonFields.name(start.founder, field: "founder"), startsOn: start.startsOn, at: context.now)
      guard !state.started else { throw DomainError(.alreadyExists, "this experiment was started already") }
      return [.experimentStarted(started)]

    case .logAttempt(let attempt):
      let valid = try validated(attempt)
      try requireStarted(state)
      if let result = state.concluded {
        throw DomainError(
          .failedPrecondition, "the experiment was concluded (\(result.rawValue)): it takes no more attempts")
      }
      guard !state.attempts.contains(attempt.attemptID) else {
        throw DomainError(.alreadyExists, "attempt \(attempt.attemptID.uuidString.lowercased()) is logged already")
      }
      return [.attemptLogged(AttemptLogged(attempt: valid, at: context.now))]

    case .updateAttempt(let update):
      let valid = UpdateAttempt(
        attemptID: update.attemptID, outcome: try validated(update.outcome), complimentsOnly: update.complimentsOnly,
        nextStep: try update.nextStep.map(validated))
      try requireStarted(state)
      guard state.attempts.contains(update.attemptID) else {
        throw DomainError(.notFound, "attempt \(update.attemptID.uuidString.lowercased()) is not in this experiment")
      }
      return [.attemptUpdated(AttemptUpdated(update: valid, at: context.now))]

    case .conclude(let result, let learning):
      let learning = try PersonFields.text(
        learning, field: "learning", maxCharacters: 2_000, allowEmpty: false, allowsLineBreaks: true)
      try requireStarted(state)
      if let concluded = state.concluded {
        throw DomainError(.failedPrecondition, "the experiment was concluded already (\(concluded.rawValue))")
      }
      return [.experimentConcluded(ExperimentConcluded(result: result, learning: learning, at: context.now))]
    }
  }

  public static func evolve(_ state: inout State, _ event: OutreachEvent) {
    switch event {
    case .experimentStarted: state.started = true
    case .attemptLogged(let logged): state.attempts.insert(logged.attempt.attemptID)
    case .attemptUpdated: break
    case .experimentConcluded(let concluded): state.concluded = concluded.result
    }
  }

  private static func requireStarted(_ state: State) throws(DomainError) {
    guard state.started else { throw DomainError(.notFound, "no experiment with this id was started") }
  }

  private static func positive(_ price: Money, field: String) throws(DomainError) -> Money {
    guard price.amountMinor > 0 else {
      throw .invalidArgument(field, "\(field) must be more than zero: the experiment asks for money")
    }
    return price
  }

  private static func validated(_ attempt: LogAttempt) throws(DomainError) -> LogAttempt {
    let target: AttemptTarget
    switch attempt.target {
    case .person(let id): target = .person(id)
    case .organisation(let name, let role):
      target = .organisation(
        name: try PersonFields.text(name, field: "target.organisation", maxCharacters: 200, allowEmpty: false),
        contactRole: try PersonFields.text(role, field: "target.contact_role", maxCharacters: 100, allowEmpty: true))
    }
    return LogAttempt(
      attemptID: attempt.attemptID, target: target, channel: attempt.channel,
      pitch: try PersonFields.text(
        attempt.pitch, field: "pitch", maxCharacters: 2_000, allowEmpty: true, allowsLineBreaks: true),
      outcome: try validated(attempt.outcome), complimentsOnly: attempt.complimentsOnly,
      nextStep: try attempt.nextStep.map(validated), on: attempt.on)
  }

  private static func validated(_ outcome: AttemptOutcome) throws(DomainError) -> AttemptOutcome {
    switch outcome {
    case .noAnswer, .interested, .paid: return outcome
    case .rejected(let reason, let detail):
      return .rejected(
        reason, detail: try PersonFields.text(detail, field: "reason_detail", maxCharacters: 1_000, allowEmpty: true))
    case .committed(let kind, let what):
      return .committed(
        kind, what: try PersonFields.text(what, field: "commitment_detail", maxCharacters: 500, allowEmpty: false))
    }
  }

  private static func validated(_ step: NextStep) throws(DomainError) -> NextStep {
    NextStep(
      action: try PersonFields.text(step.action, field: "next_step", maxCharacters: 500, allowEmpty: false),
      due: step.due)
  }
}
