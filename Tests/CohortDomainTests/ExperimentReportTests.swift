import CohortDomain
import Foundation
import Testing

/// The report's figures against numbers worked out by hand for a known history.
@Suite("ExperimentReport and the outreach read model")
struct ExperimentReportTests {
  static let experimentID = OutreachTests.experimentID
  static let payment = Fixture.uuid(0x61)

  static func day(_ iso: String) -> CalendarDate { try! CalendarDate(iso: iso) }

  /// Nine attempts over six weeks across the new year, budget 8:
  ///
  ///     week of 2026-12-28: #1 no answer (12-28), #2 price (12-31), #3 price (01-02)
  ///     week of 2027-01-04: #4 timing (01-05)
  ///     week of 2027-01-11: none
  ///     week of 2027-01-18: #5 committed time (01-20), #6 interested, compliments only (01-21)
  ///     week of 2027-01-25: #7 paid, validated 01-27 (01-26), #8 paid, no payment linked (01-27)
  ///     week of 2027-02-01: #9 no answer (02-01), later rejected: no need (over budget)
  ///     week of 2027-02-08: none yet (today is 02-10)
  static func history() -> OutreachBook {
    var book = OutreachBook()
    var start = OutreachTests.start
    start.budget = 8
    var events: [OutreachEvent] = [
      .experimentStarted(
        ExperimentStarted(
          experimentID: experimentID, hypothesis: start.hypothesis, offer: start.offer, price: start.price, budget: 8,
          founder: start.founder, startsOn: day("2026-12-28"), at: Fixture.now))
    ]
    let plan: [(String, AttemptOutcome, Bool)] = [
      ("2026-12-28", .noAnswer, false), ("2026-12-31", .rejected(.price, detail: "비싸요"), false),
      ("2027-01-02", .rejected(.price, detail: ""), false), ("2027-01-05", .rejected(.timing, detail: "연말"), false),
      ("2027-01-20", .committed(.time, what: "다음 주 미팅 1시간"), false), ("2027-01-21", .interested, true),
      ("2027-01-26", .paid(payment: payment), false), ("2027-01-27", .paid(payment: nil), false),
      ("2027-02-01", .noAnswer, false),
    ]
    for (index, (on, outcome, compliments)) in plan.enumerated() {
      events.append(
        .attemptLogged(
          AttemptLogged(
            attempt: LogAttempt(
              attemptID: Fixture.uuid(0x200 + index), target: .organisation(name: "회사 \(index)", contactRole: "대표"),
              channel: .meeting, pitch: "", outcome: outcome, complimentsOnly: compliments, on: day(on)),
            at: Fixture.now)))
    }
    events.append(
      .attemptUpdated(
        AttemptUpdated(
          update: UpdateAttempt(attemptID: Fixture.uuid(0x208), outcome: .rejected(.noNeed, detail: "필요 없음")),
          at: Fixture.now)))
    for event in events { book.apply(tenantID: Fixture.tenantID, experimentID: experimentID, event: event) }
    return book
  }

  static func evidence(_ id: UUID) -> PaymentEvidence? {
    id == payment ? PaymentEvidence(validated: true, validatedOn: day("2027-01-27")) : nil
  }

  @Test("budget, outcomes, reasons, commitments, compliments, validated customers and days to the first payment")
  func figures() throws {
    let experiment = try #require(Self.history().experiment(tenantID: Fixture.tenantID, id: Self.experimentID))
    let report = ExperimentReport(experiment, today: Self.day("2027-02-10"), payment: Self.evidence)
    #expect(report.attemptsUsed == 9 && report.budget == 8 && report.budgetLeft == 0)
    #expect(report.overBudget == 1 && report.budgetUsedUp)
    #expect(report.outcomes == [.noAnswer: 1, .rejected: 4, .committed: 1, .interested: 1, .paid: 2])
    #expect(report.paidValidated == 1 && report.paidNotValidated == 1)
    #expect(
      report.rejectionReasons == [
        .init(reason: .price, count: 2), .init(reason: .timing, count: 1), .init(reason: .noNeed, count: 1),
      ])
    #expect(report.commitments == [.time: 1])
    #expect(report.complimentsOnly == 1)
    #expect(report.validatedCustomers == 1)
    #expect(report.daysToFirstValidatedPayment == 30, "2026-12-28 to 2027-01-27")
    #expect(experiment.attempts[8].history.map(\.outcome.kind) == [.noAnswer, .rejected], "the history is kept")
  }

  @Test("weeks run Monday to Sunday across the new year, empty weeks included; the streak skips a week not begun")
  func weeks() throws {
    let experiment = try #require(Self.history().experiment(tenantID: Fixture.tenantID, id: Self.experimentID))
    let report = ExperimentReport(experiment, today: Self.day("2027-02-10"), payment: Self.evidence)
    #expect(
      report.weeks.map(\.monday.iso) == [
        "2026-12-28", "2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01", "2027-02-08",
      ])
    #expect(report.weeks.map(\.attempts) == [3, 1, 0, 2, 2, 1, 0])
    #expect(report.currentStreak == 3, "01-18, 01-25, 02-01; this week has none yet")
    // A week later, the empty week of 02-08 is over: the streak is broken.
    #expect(ExperimentReport(experiment, today: Self.day("2027-02-15"), payment: Self.evidence).currentStreak == 0)
  }

  @Test("a paid attempt counts as validated only once its payment is; linking one later upgrades it")
  func paidNotValidated() throws {
    var book = Self.history()
    let experiment = try #require(book.experiment(tenantID: Fixture.tenantID, id: Self.experimentID))
    let unvalidated = ExperimentReport(experiment, today: Self.day("2027-02-10")) { _ in
      PaymentEvidence(validated: false, validatedOn: nil)
    }
    #expect(unvalidated.paidValidated == 0 && unvalidated.paidNotValidated == 2 && unvalidated.validatedCustomers == 0)
    #expect(unvalidated.daysToFirstValidatedPayment == nil)

    book.apply(
      tenantID: Fixture.tenantID, experimentID: Self.experimentID,
      event: .attemptUpdated(
        AttemptUpdated(
          update: UpdateAttempt(attemptID: Fixture.uuid(0x207), outcome: .paid(payment: Self.payment)), at: Fixture.now)
      ))
    let linked = try #require(book.experiment(tenantID: Fixture.tenantID, id: Self.experimentID))
    let report = ExperimentReport(linked, today: Self.day("2027-02-10"), payment: Self.evidence)
    #expect(report.paidValidated == 2 && report.paidNotValidated == 0)
    #expect(report.validatedCustomers == 2, "two organisations paid")
  }

  @Test("a concluded experiment's weeks end with its conclusion; followups are sorted by due date")
  func concludedAndFollowups() throws {
    var book = OutreachBook()
    let started = ExperimentStarted(
      experimentID: Self.experimentID, hypothesis: "h", offer: "o", price: Fixture.krw(10_000), budget: 10,
      founder: "김민지", startsOn: Self.day("2026-12-21"), at: Fixture.now)
    book.apply(tenantID: Fixture.tenantID, experimentID: Self.experimentID, event: .experimentStarted(started))
    for (index, (on, due)) in [("2026-12-21", "2027-01-08"), ("2026-12-30", "2027-01-02"), ("2027-01-04", nil)]
      .enumerated()
    {
      book.apply(
        tenantID: Fixture.tenantID, experimentID: Self.experimentID,
        event: .attemptLogged(
          AttemptLogged(
            attempt: LogAttempt(
              attemptID: Fixture.uuid(0x300 + index), target: .person(Fixture.uuid(0x50)), channel: .email, pitch: "",
              outcome: .interested, nextStep: due.map { NextStep(action: "전화", due: Self.day($0)) }, on: Self.day(on)),
            at: Fixture.now)))
    }
    // Concluded on 2027-01-05 in Korea (2027-01-04 20:00 UTC).
    book.apply(
      tenantID: Fixture.tenantID, experimentID: Self.experimentID,
      event: .experimentConcluded(
        ExperimentConcluded(result: .invalidated, learning: "없음", at: Date(timeIntervalSince1970: 1_799_092_800))))
    let experiment = try #require(book.experiment(tenantID: Fixture.tenantID, id: Self.experimentID))
    let report = ExperimentReport(experiment, today: Self.day("2027-03-01"), payment: { _ in nil })
    #expect(report.weeks.map(\.monday.iso) == ["2026-12-21", "2026-12-28", "2027-01-04"])
    #expect(report.currentStreak == 3, "across the new year")
    #expect(book.followups(tenantID: Fixture.tenantID).map(\.nextStep?.due.iso) == ["2027-01-02", "2027-01-08"])
    #expect(book.followups(tenantID: UUID()).isEmpty, "another tenant sees none")
  }

  @Test("calendar arithmetic: day numbers round-trip, weekdays and Mondays, Korea's day of an instant")
  func calendar() throws {
    #expect(Self.day("1970-01-01").dayNumber == 0)
    #expect(Self.day("2000-03-01").dayNumber == 11_017)
    for number in stride(from: -719_162, through: 2_932_896, by: 997) {  // 0001-01-01 to 9999-12-31
      #expect(CalendarDate(dayNumber: number).dayNumber == number)
    }
    #expect(Self.day("2027-01-01").weekday == 5, "a Friday")
    #expect(Self.day("2027-01-03").monday == Self.day("2026-12-28"))
    #expect(Self.day("2026-12-28").monday == Self.day("2026-12-28"))
    #expect(Self.day("2024-02-28").adding(days: 2) == Self.day("2024-03-01"), "a leap year")
    #expect(Self.day("2026-12-28").days(until: Self.day("2027-01-27")) == 30)
    // 2026-12-31T15:00:00Z is midnight in Seoul.
    #expect(CalendarDate.inKorea(Date(timeIntervalSince1970: 1_798_729_200)) == Self.day("2027-01-01"))
    #expect(CalendarDate.inKorea(Date(timeIntervalSince1970: 1_798_729_199)) == Self.day("2026-12-31"))
  }
}
