import CohortDomain
import Foundation
import Testing

/// Given an experiment's events, when a command, then the new events: attempts until it is
/// concluded, beyond the budget too; outcomes change only by new events.
@Suite("Outreach.decide: experiments, attempts, outcomes, conclusion")
struct OutreachTests {
  static let experimentID = Fixture.uuid(0x90)
  static let startsOn = try! CalendarDate(iso: "2026-12-28")
  static let start = StartExperiment(
    hypothesis: "1인 사업자는 AI 자동화 컨설팅에 돈을 낸다", offer: "AI 업무자동화 컨설팅 1회", price: Fixture.krw(300_000),
    budget: 3, founder: "김민지", startsOn: startsOn)
  static let started = OutreachEvent.experimentStarted(
    ExperimentStarted(
      experimentID: experimentID, hypothesis: start.hypothesis, offer: start.offer, price: start.price, budget: 3,
      founder: "김민지", startsOn: startsOn, at: Fixture.now))

  static func when(
    _ command: OutreachCommand, given history: [OutreachEvent] = []
  ) throws(DomainError)
    -> [OutreachEvent]
  {
    try Outreach.decide(
      command, state: Outreach.fold(history), context: DecisionContext(now: Fixture.now, subjectID: experimentID))
  }

  static func attempt(
    _ n: Int, _ outcome: AttemptOutcome = .noAnswer, target: AttemptTarget? = nil, next: NextStep? = nil
  ) -> LogAttempt {
    LogAttempt(
      attemptID: Fixture.uuid(0x100 + n), target: target ?? .organisation(name: "회사 \(n)", contactRole: "대표"),
      channel: .call, pitch: "  30만 원에 자동화를 해 드립니다  ", outcome: outcome, nextStep: next, on: startsOn)
  }

  static func logged(_ n: Int, _ outcome: AttemptOutcome = .noAnswer) -> OutreachEvent {
    var attempt = attempt(n, outcome)
    attempt.pitch = "30만 원에 자동화를 해 드립니다"
    return .attemptLogged(AttemptLogged(attempt: attempt, at: Fixture.now))
  }

  @Test("starting records the experiment with its trimmed texts; starting it twice is refused")
  func starts() throws {
    #expect(try Self.when(.start(Self.start)) == [Self.started])
    #expect(throws: DomainError(.alreadyExists, "this experiment was started already")) {
      try Self.when(.start(Self.start), given: [Self.started])
    }
  }

  @Test(
    "a start with an empty hypothesis, a zero price, a budget of 0 or a bidi override in the founder is refused, naming the field"
  )
  func startFields() {
    var start = Self.start
    start.hypothesis = "   "
    #expect(throws: DomainError.self) { try Self.when(.start(start)) }
    #expect((try? Self.when(.start(start))) == nil)
    func field(_ change: (inout StartExperiment) -> Void) -> String? {
      var start = Self.start
      change(&start)
      do {
        _ = try Self.when(.start(start))
        return nil
      } catch {
        if case .invalidArgument(let field) = error.kind { return field }
        return "\(error.kind)"
      }
    }
    #expect(field { $0.hypothesis = " " } == "hypothesis")
    #expect(field { $0.offer = "" } == "offer")
    #expect(field { $0.price = Fixture.krw(0) } == "price")
    #expect(field { $0.budget = 0 } == "budget")
    #expect(field { $0.budget = 10_001 } == "budget")
    #expect(field { $0.founder = "김\u{202E}민지" } == "founder")
  }

  @Test("attempts are logged with trimmed texts; beyond the budget too; the same attempt id twice is refused")
  func logs() throws {
    let first = try Self.when(.logAttempt(Self.attempt(1)), given: [Self.started])
    #expect(first == [Self.logged(1)])
    let history = [Self.started, Self.logged(1), Self.logged(2), Self.logged(3)]
    #expect(try Self.when(.logAttempt(Self.attempt(4)), given: history) == [Self.logged(4)], "over budget: accepted")
    #expect(throws: DomainError.self) { try Self.when(.logAttempt(Self.attempt(2)), given: history) }
  }

  @Test("an attempt on an experiment never started is NOT_FOUND; on a concluded one, FAILED_PRECONDITION")
  func logRefusals() throws {
    #expect(throws: DomainError(.notFound, "no experiment with this id was started")) {
      try Self.when(.logAttempt(Self.attempt(1)))
    }
    let concluded = OutreachEvent.experimentConcluded(
      ExperimentConcluded(result: .invalidated, learning: "가격이 문제", at: Fixture.now))
    #expect(
      throws: DomainError(.failedPrecondition, "the experiment was concluded (invalidated): it takes no more attempts")
    ) {
      try Self.when(.logAttempt(Self.attempt(1)), given: [Self.started, concluded])
    }
  }

  @Test("an outcome changes by a new event; an unknown attempt is NOT_FOUND; updates go on after the conclusion")
  func updates() throws {
    let paid = UpdateAttempt(
      attemptID: Fixture.uuid(0x101), outcome: .paid(payment: Fixture.uuid(0x60)),
      nextStep: NextStep(action: " 영수증 보내기 ", due: try CalendarDate(iso: "2027-01-04")))
    let events = try Self.when(.updateAttempt(paid), given: [Self.started, Self.logged(1)])
    var trimmed = paid
    trimmed.nextStep?.action = "영수증 보내기"
    #expect(events == [.attemptUpdated(AttemptUpdated(update: trimmed, at: Fixture.now))])
    var unknown = paid
    unknown.attemptID = Fixture.uuid(0x199)
    #expect(throws: DomainError.self) { try Self.when(.updateAttempt(unknown), given: [Self.started, Self.logged(1)]) }
    let concluded = OutreachEvent.experimentConcluded(
      ExperimentConcluded(result: .validated, learning: "1명 결제", at: Fixture.now))
    #expect(try Self.when(.updateAttempt(paid), given: [Self.started, Self.logged(1), concluded]).count == 1)
  }

  @Test("outcome texts are checked: a commitment needs what was committed; a reason detail may be empty")
  func outcomeFields() throws {
    #expect(throws: DomainError.self) {
      try Self.when(.logAttempt(Self.attempt(1, .committed(.time, what: "  "))), given: [Self.started])
    }
    let rejected = try Self.when(
      .logAttempt(Self.attempt(1, .rejected(.price, detail: ""))), given: [Self.started])
    #expect(rejected.count == 1)
    #expect(throws: DomainError.self) {
      try Self.when(
        .logAttempt(Self.attempt(1, target: .organisation(name: "", contactRole: "대표"))), given: [Self.started])
    }
    #expect(throws: DomainError.self) {
      try Self.when(
        .logAttempt(Self.attempt(1, next: NextStep(action: "", due: Self.startsOn))), given: [Self.started])
    }
  }

  @Test("concluding records the result and the learning once; a second conclusion is refused")
  func concludes() throws {
    let events = try Self.when(.conclude(.pivot, learning: " 가격보다 시간이 문제 "), given: [Self.started])
    #expect(
      events == [.experimentConcluded(ExperimentConcluded(result: .pivot, learning: "가격보다 시간이 문제", at: Fixture.now))])
    #expect(throws: DomainError.self) {
      try Self.when(.conclude(.validated, learning: "again"), given: [Self.started] + events)
    }
    #expect(throws: DomainError.self) { try Self.when(.conclude(.validated, learning: " "), given: [Self.started]) }
  }
}
