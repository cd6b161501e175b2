import Foundation

/// One attempt as queries show it: its latest outcome, every earlier one kept in `history`.
public struct AttemptView: Codable, Equatable, Sendable {
  /// An outcome as it was recorded, and when.
  public struct Change: Codable, Equatable, Sendable {
    public var outcome: AttemptOutcome
    public var complimentsOnly: Bool
    public var at: Date
  }

  public var experimentID: UUID
  public var attemptID: UUID
  /// 1 for the experiment's first attempt.
  public var number: Int
  public var target: AttemptTarget
  public var channel: OutreachChannel
  public var pitch: String
  public var on: CalendarDate
  public var outcome: AttemptOutcome
  public var complimentsOnly: Bool
  public var nextStep: NextStep?
  /// Every outcome in order, the current one last.
  public var history: [Change]
  /// Logged after the budget was used up (accepted, and flagged).
  public var overBudget: Bool
}

/// An experiment as queries show it.
public struct ExperimentView: Codable, Equatable, Sendable {
  public var started: ExperimentStarted
  public var attempts: [AttemptView] = []
  public var conclusion: ExperimentConcluded?

  public var id: UUID { started.experimentID }

  mutating func apply(_ event: OutreachEvent) {
    switch event {
    case .experimentStarted(let started): self.started = started
    case .attemptLogged(let logged):
      let attempt = logged.attempt
      attempts.append(
        AttemptView(
          experimentID: id, attemptID: attempt.attemptID, number: attempts.count + 1, target: attempt.target,
          channel: attempt.channel, pitch: attempt.pitch, on: attempt.on, outcome: attempt.outcome,
          complimentsOnly: attempt.complimentsOnly, nextStep: attempt.nextStep,
          history: [.init(outcome: attempt.outcome, complimentsOnly: attempt.complimentsOnly, at: logged.at)],
          overBudget: attempts.count >= started.budget))
    case .attemptUpdated(let updated):
      let update = updated.update
      guard let index = attempts.firstIndex(where: { $0.attemptID == update.attemptID }) else { return }
      attempts[index].outcome = update.outcome
      attempts[index].complimentsOnly = update.complimentsOnly
      attempts[index].nextStep = update.nextStep
      attempts[index].history.append(
        .init(outcome: update.outcome, complimentsOnly: update.complimentsOnly, at: updated.at))
    case .experimentConcluded(let concluded): conclusion = concluded
    }
  }
}

/// Every tenant's experiments, folded from their streams, for queries.
public struct OutreachBook: Codable, Equatable, Sendable {
  private var tenants: [UUID: [UUID: ExperimentView]] = [:]

  public init() {}

  /// Applies one event of the stream of experiment `experimentID` of tenant `tenantID`; events
  /// before `experimentStarted` are ignored.
  public mutating func apply(tenantID: UUID, experimentID: UUID, event: OutreachEvent) {
    if case .experimentStarted(let started) = event {
      tenants[tenantID, default: [:]][experimentID] = ExperimentView(started: started)
    } else {
      tenants[tenantID]?[experimentID]?.apply(event)
    }
  }

  /// The tenant's experiments, earliest start first.
  public func experiments(tenantID: UUID) -> [ExperimentView] {
    (tenants[tenantID] ?? [:]).values.sorted {
      ($0.started.startsOn, $0.started.at, $0.id.uuidString) < ($1.started.startsOn, $1.started.at, $1.id.uuidString)
    }
  }

  public func experiment(tenantID: UUID, id: UUID) -> ExperimentView? {
    tenants[tenantID]?[id]
  }

  /// Attempts with a next step, soonest due first (then by experiment and attempt).
  public func followups(tenantID: UUID) -> [AttemptView] {
    experiments(tenantID: tenantID).flatMap { $0.attempts.filter { $0.nextStep != nil } }
      .enumerated().sorted { ($0.element.nextStep!.due, $0.offset) < ($1.element.nextStep!.due, $1.offset) }
      .map(\.element)
  }
}

/// What the payments area says about the payment a "paid" attempt names.
public struct PaymentEvidence: Codable, Equatable, Sendable {
  /// Validated and not fully refunded.
  public var validated: Bool
  /// The day (in Korea) it was validated.
  public var validatedOn: CalendarDate?

  public init(validated: Bool, validatedOn: CalendarDate?) {
    self.validated = validated
    self.validatedOn = validatedOn
  }
}

/// An experiment's story in numbers. Pure: the same experiment, day and payments give the same report.
public struct ExperimentReport: Equatable, Sendable {
  public struct Week: Equatable, Sendable {
    /// The Monday that starts the week.
    public var monday: CalendarDate
    public var attempts: Int
  }

  public struct ReasonCount: Equatable, Sendable {
    public var reason: RejectionReason
    public var count: Int

    public init(reason: RejectionReason, count: Int) {
      self.reason = reason
      self.count = count
    }
  }

  public var attemptsUsed: Int
  public var budget: Int
  public var budgetLeft: Int
  /// Attempts logged after the budget was used up.
  public var overBudget: Int
  public var budgetUsedUp: Bool
  /// Attempts by their current outcome.
  public var outcomes: [OutcomeKind: Int]
  /// "Paid" attempts whose payment is validated, and those whose payment is not (or not linked).
  public var paidValidated: Int
  public var paidNotValidated: Int
  /// Rejection reasons, most frequent first (ties in the order of ``RejectionReason``).
  public var rejectionReasons: [ReasonCount]
  public var commitments: [CommitmentKind: Int]
  public var complimentsOnly: Int
  /// Distinct targets with a validated payment: the only customers that count.
  public var validatedCustomers: Int
  /// From the start date to the first validated payment.
  public var daysToFirstValidatedPayment: Int?
  /// Every week from the first (of the start or the first attempt) to the last (today's, or the
  /// conclusion's), weeks without attempts included.
  public var weeks: [Week]
  /// Consecutive weeks with at least one attempt, ending with the last week (or the one before,
  /// while the last week has none yet).
  public var currentStreak: Int

  /// - Parameters:
  ///   - today: the day the report is made (in Korea).
  ///   - payment: the evidence of a payment by id; `nil` for an unknown one.
  public init(_ experiment: ExperimentView, today: CalendarDate, payment: (UUID) -> PaymentEvidence?) {
    let attempts = experiment.attempts
    attemptsUsed = attempts.count
    budget = experiment.started.budget
    budgetLeft = max(0, budget - attemptsUsed)
    overBudget = attempts.filter(\.overBudget).count
    budgetUsedUp = attemptsUsed >= budget
    outcomes = Dictionary(grouping: attempts, by: \.outcome.kind).mapValues(\.count)
    complimentsOnly = attempts.filter(\.complimentsOnly).count

    var reasons: [RejectionReason: Int] = [:]
    var commitments: [CommitmentKind: Int] = [:]
    var validatedTargets: [AttemptTarget] = []
    var firstValidated: CalendarDate?
    (paidValidated, paidNotValidated) = (0, 0)
    for attempt in attempts {
      switch attempt.outcome {
      case .rejected(let reason, _): reasons[reason, default: 0] += 1
      case .committed(let kind, _): commitments[kind, default: 0] += 1
      case .paid(let paymentID):
        guard let evidence = paymentID.flatMap(payment), evidence.validated else {
          paidNotValidated += 1
          continue
        }
        paidValidated += 1
        if !validatedTargets.contains(attempt.target) { validatedTargets.append(attempt.target) }
        if let day = evidence.validatedOn, firstValidated.map({ day < $0 }) ?? true { firstValidated = day }
      case .noAnswer, .interested: break
      }
    }
    let order = RejectionReason.allCases
    rejectionReasons = reasons.map { ReasonCount(reason: $0.key, count: $0.value) }.sorted {
      ($1.count, order.firstIndex(of: $0.reason)!) < ($0.count, order.firstIndex(of: $1.reason)!)
    }
    self.commitments = commitments
    validatedCustomers = validatedTargets.count
    daysToFirstValidatedPayment = firstValidated.map { experiment.started.startsOn.days(until: $0) }

    let lastDay = experiment.conclusion.map { CalendarDate.inKorea($0.at) } ?? today
    let first = ([experiment.started.startsOn] + attempts.map(\.on)).min()!.monday
    let last = ([lastDay] + attempts.map(\.on)).max()!.monday
    let counts = Dictionary(grouping: attempts, by: { $0.on.monday.dayNumber }).mapValues(\.count)
    weeks = stride(from: first.dayNumber, through: last.dayNumber, by: 7).map {
      Week(monday: CalendarDate(dayNumber: $0), attempts: counts[$0] ?? 0)
    }
    var streak = 0
    for (index, week) in weeks.enumerated().reversed() {
      if week.attempts > 0 {
        streak += 1
      } else if index == weeks.count - 1 {
        continue  // the last week is not over yet
      } else {
        break
      }
    }
    currentStreak = streak
  }
}
