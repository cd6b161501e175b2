import CohortDomain
import Testing

@Suite("Enrollment.decide: schedule")
struct ScheduleCohortTests {
  @Test("schedules cohort 9 in an empty stream")
  func schedulesCohort() throws {
    let events = try given().when(.schedule(Fixture.cohort9))
    #expect(events == [Fixture.scheduling(Fixture.cohort9, at: Fixture.now)])
  }

  @Test("trims the title")
  func trimsTitle() throws {
    let events = try given().when(.schedule(cohort9(title: "  AI 활용 부트캠프 9기\n")))
    #expect(events == [Fixture.scheduling(Fixture.cohort9, at: Fixture.now)])
  }

  @Test("schedules a free cohort")
  func schedulesFreeCohort() throws {
    let free = cohort9(price: Fixture.krw(0))
    #expect(try given().when(.schedule(free)) == [Fixture.scheduling(free, at: Fixture.now)])
  }

  @Test(
    "accepts the boundaries",
    arguments: [
      cohort9(number: 1), cohort9(number: 10_000), cohort9(capacity: 1),
      cohort9(capacity: 100_000), cohort9(title: characters(200)),
      cohort9(startsOn: Fixture.date("2026-03-02"), endsOn: Fixture.date("2026-03-02")),
    ])
  func acceptsBoundaries(command: ScheduleCohort) throws {
    #expect(try given().when(.schedule(command)) == [Fixture.scheduling(command, at: Fixture.now)])
  }

  @Test("rejects a number outside 1...10,000", arguments: [0, -9, 10_001])
  func rejectsNumber(number: Int) {
    let error = #expect(throws: DomainError.self) {
      try given().when(.schedule(cohort9(number: number)))
    }
    #expect(error?.kind == .invalidArgument(field: "number"))
  }

  @Test("explains the number range")
  func explainsNumberRange() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "number"), "cohort number must be between 1 and 10,000; got 0")
    ) { try given().when(.schedule(cohort9(number: 0))) }
  }

  @Test(
    "rejects an empty or over-long title, one of endless combining marks, and control, format or bidi characters",
    arguments: [
      "", "   ", "\n\t", characters(201), "9" + String(repeating: "\u{301}", count: 500), "9기 \u{202E}", "9기\u{1B}[31m",
      "9\u{200B}기",
    ])
  func rejectsTitle(title: String) {
    let error = #expect(throws: DomainError.self) {
      try given().when(.schedule(cohort9(title: title)))
    }
    #expect(error?.kind == .invalidArgument(field: "title"))
  }

  @Test("a title is stored in NFC, so that one typed decomposed (ㅂ+ㅜ+ㅌ…) compares equal")
  func titleInNFC() throws {
    let decomposed = "AI 부트캠프".decomposedStringWithCanonicalMapping
    #expect(decomposed.unicodeScalars.count > "AI 부트캠프".unicodeScalars.count)
    let events = try given().when(.schedule(cohort9(title: decomposed)))
    guard case .cohortScheduled(let scheduled) = events.first else {
      Issue.record("\(events)")
      return
    }
    #expect(Array(scheduled.title.unicodeScalars) == Array("AI 부트캠프".unicodeScalars))
  }

  @Test("explains what is wrong with the title")
  func explainsTitle() {
    #expect(throws: DomainError(.invalidArgument(field: "title"), "title must not be empty")) {
      try given().when(.schedule(cohort9(title: " ")))
    }
    #expect(
      throws: DomainError(
        .invalidArgument(field: "title"), "title must be at most 200 characters; got 201")
    ) { try given().when(.schedule(cohort9(title: characters(201)))) }
  }

  @Test("rejects a capacity outside 1...100,000", arguments: [0, -300, 100_001])
  func rejectsCapacity(capacity: Int) {
    let error = #expect(throws: DomainError.self) {
      try given().when(.schedule(cohort9(capacity: capacity)))
    }
    #expect(error?.kind == .invalidArgument(field: "capacity"))
  }

  @Test("explains the capacity range")
  func explainsCapacityRange() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "capacity"),
        "capacity must be between 1 and 100,000; got 100,001")
    ) { try given().when(.schedule(cohort9(capacity: 100_001))) }
  }

  @Test("rejects a cohort that ends before it starts")
  func rejectsEndBeforeStart() {
    let backwards = cohort9(
      startsOn: Fixture.date("2026-04-24"), endsOn: Fixture.date("2026-03-02"))
    #expect(
      throws: DomainError(
        .invalidArgument(field: "ends_on"),
        "the cohort cannot end (2026-03-02) before it starts (2026-04-24)")
    ) { try given().when(.schedule(backwards)) }
  }

  @Test("rejects scheduling a cohort twice, whatever its status")
  func rejectsScheduledCohort() {
    let histories = [
      [Fixture.scheduled],
      [Fixture.scheduled, Fixture.opened],
      [Fixture.scheduled, Fixture.opened, Fixture.closed],
    ]
    for history in histories {
      #expect(throws: DomainError(.alreadyExists, "cohort 9 is already scheduled")) {
        try given(history).when(.schedule(cohort9(number: 10)))
      }
    }
  }

  @Test("validates fields before looking at the state")
  func validatesFirst() {
    let error = #expect(throws: DomainError.self) {
      try given(Fixture.scheduled).when(.schedule(cohort9(capacity: 0)))
    }
    #expect(error?.kind == .invalidArgument(field: "capacity"))
  }
}

/// Cohort 9 with one or more fields changed.
private func cohort9(
  number: Int = Fixture.cohort9.number, title: String = Fixture.cohort9.title,
  price: Money = Fixture.cohort9.price, capacity: Int = Fixture.cohort9.capacity,
  startsOn: CalendarDate = Fixture.cohort9.startsOn, endsOn: CalendarDate = Fixture.cohort9.endsOn
) -> ScheduleCohort {
  ScheduleCohort(
    number: number, title: title, price: price, capacity: capacity, startsOn: startsOn,
    endsOn: endsOn)
}
