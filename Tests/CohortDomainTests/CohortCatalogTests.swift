import CohortDomain
import Foundation
import Testing

@Suite("CohortCatalog")
struct CohortCatalogTests {
  /// A small weekend study: 2 seats, so the waitlist shows quickly.
  static let studyID = Fixture.uuid(0x53)
  static let study = ScheduleCohort(
    number: 3, title: "Swift 서버 스터디 3기", price: Fixture.krw(50_000), capacity: 2,
    startsOn: Fixture.date("2026-05-02"), endsOn: Fixture.date("2026-05-31"))

  static func minutes(_ count: Double) -> Date { Fixture.openedAt.addingTimeInterval(count * 60) }

  /// The catalog after `events` of cohort `cohortID` of the main tenant.
  static func catalog(
    _ events: [EnrollmentEvent], tenantID: UUID = Fixture.tenantID, cohortID: UUID = studyID
  ) -> CohortCatalog {
    var catalog = CohortCatalog()
    for event in events { catalog.apply(tenantID: tenantID, cohortID: cohortID, event: event) }
    return catalog
  }

  @Test("starts empty")
  func startsEmpty() {
    let catalog = CohortCatalog()
    #expect(catalog.cohorts(tenantID: Fixture.tenantID).isEmpty)
    #expect(catalog.cohort(tenantID: Fixture.tenantID, number: 9) == nil)
    #expect(catalog.cohort(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID) == nil)
  }

  @Test("shows a scheduled cohort's terms")
  func showsScheduledCohort() throws {
    let catalog = Self.catalog([Fixture.scheduled], cohortID: Fixture.cohortID)
    let view = try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 9))
    #expect(view.cohortID == Fixture.cohortID)
    #expect(view.number == 9)
    #expect(view.title == "AI 활용 부트캠프 9기")
    #expect(view.price.formatted == "200,000 KRW")
    #expect(view.capacity == 300)
    #expect(view.startsOn.iso == "2026-03-02")
    #expect(view.endsOn.iso == "2026-04-24")
    #expect(view.status == .scheduled)
    #expect(view.scheduledAt == Fixture.scheduledAt)
    #expect(view.enrolled.isEmpty && view.waitlist.isEmpty)
    #expect(view.seatsTaken == 0)
    #expect(view.seatsLeft == 300)
  }

  @Test("follows enrollment opening and closing")
  func followsStatus() {
    let events = [Fixture.scheduling(Self.study), Fixture.opened]
    #expect(Self.catalog(events).cohort(tenantID: Fixture.tenantID, number: 3)?.status == .open)
    #expect(
      Self.catalog(events + [Fixture.closed]).cohort(tenantID: Fixture.tenantID, number: 3)?.status
        == .closed)
  }

  @Test("keeps the roster through enrollment, waitlist, withdrawal and promotion")
  func keepsRoster() throws {
    let catalog = Self.catalog([
      Fixture.scheduling(Self.study), Fixture.opened,
      Member.minji.enrolled(at: Self.minutes(1)),
      Member.junho.enrolled(at: Self.minutes(2)),
      Member.emily.waitlisted(at: Self.minutes(3)),
      Member.james.waitlisted(at: Self.minutes(4)),
      Member.minji.withdrew(wasWaitlisted: false, reason: "개인 사정", at: Self.minutes(5)),
      Member.emily.promoted(at: Self.minutes(5)),
    ])
    let view = try #require(catalog.cohort(tenantID: Fixture.tenantID, cohortID: Self.studyID))
    #expect(
      view.enrolled == [
        Member.junho.entry(since: Self.minutes(2)), Member.emily.entry(since: Self.minutes(5)),
      ])
    #expect(view.waitlist == [Member.james.entry(since: Self.minutes(4))])
    #expect(view.seatsTaken == 2)
    #expect(view.seatsLeft == 0)
  }

  @Test("drops a member who leaves the waitlist")
  func dropsWaitlistedMember() throws {
    let catalog = Self.catalog([
      Fixture.scheduling(Self.study), Fixture.opened,
      Member.minji.enrolled(at: Self.minutes(1)), Member.junho.enrolled(at: Self.minutes(2)),
      Member.emily.waitlisted(at: Self.minutes(3)), Member.james.waitlisted(at: Self.minutes(4)),
      Member.emily.withdrew(wasWaitlisted: true, at: Self.minutes(6)),
    ])
    let view = try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 3))
    #expect(view.enrolled.map(\.memberID) == [Member.minji.id, Member.junho.id])
    #expect(view.waitlist == [Member.james.entry(since: Self.minutes(4))])
    #expect(view.seatsLeft == 0)
  }

  @Test("counts free seats")
  func countsFreeSeats() throws {
    let catalog = Self.catalog(
      [Fixture.scheduled, Fixture.opened] + Fixture.seatHolders(120), cohortID: Fixture.cohortID)
    let view = try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 9))
    #expect(view.seatsTaken == 120)
    #expect(view.seatsLeft == 180)
  }

  @Test("lists a tenant's cohorts by number")
  func listsByNumber() {
    var catalog = CohortCatalog()
    for number in [10, 8, 9] {
      let command = ScheduleCohort(
        number: number, title: "AI 활용 부트캠프 \(number)기", price: Fixture.krw(200_000),
        capacity: 300, startsOn: Fixture.date("2026-03-02"), endsOn: Fixture.date("2026-04-24"))
      catalog.apply(
        tenantID: Fixture.tenantID, cohortID: Fixture.uuid(0xC0 + number),
        event: Fixture.scheduling(command, cohortID: Fixture.uuid(0xC0 + number)))
    }
    let cohorts = catalog.cohorts(tenantID: Fixture.tenantID)
    #expect(cohorts.map(\.number) == [8, 9, 10])
    #expect(
      cohorts.map(\.title) == [
        "AI 활용 부트캠프 8기", "AI 활용 부트캠프 9기", "AI 활용 부트캠프 10기",
      ])
    #expect(catalog.cohort(tenantID: Fixture.tenantID, number: 10)?.cohortID == Fixture.uuid(0xCA))
    #expect(catalog.cohort(tenantID: Fixture.tenantID, number: 11) == nil)
  }

  @Test("finds the latest cohort by number if a number was ever scheduled twice")
  func latestCohortWinsNumber() {
    var catalog = CohortCatalog()
    for (cohortID, day) in [(Fixture.cohortID, 0.0), (Fixture.uuid(0xE9), 1.0)] {
      let at = Fixture.scheduledAt.addingTimeInterval(day * 86_400)
      catalog.apply(
        tenantID: Fixture.tenantID, cohortID: cohortID,
        event: Fixture.scheduling(Fixture.cohort9, cohortID: cohortID, at: at))
    }
    #expect(catalog.cohort(tenantID: Fixture.tenantID, number: 9)?.cohortID == Fixture.uuid(0xE9))
    #expect(
      catalog.cohorts(tenantID: Fixture.tenantID).map(\.cohortID)
        == [Fixture.cohortID, Fixture.uuid(0xE9)])
  }

  @Test("never shows one tenant's cohorts to another")
  func isolatesTenants() throws {
    var catalog = CohortCatalog()
    let otherCohortID = Fixture.uuid(0xD9)
    let otherCohort9 = ScheduleCohort(
      number: 9, title: "Data Engineering Cohort 9",
      price: try Money(amountMinor: 49_900, currency: .usd), capacity: 40,
      startsOn: Fixture.date("2026-06-01"), endsOn: Fixture.date("2026-07-31"))
    for event in [Fixture.scheduled, Fixture.opened, Member.minji.enrolled()] {
      catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: event)
    }
    let otherEvents = [
      Fixture.scheduling(otherCohort9, cohortID: otherCohortID), Member.emily.enrolled(),
    ]
    for event in otherEvents {
      catalog.apply(tenantID: Fixture.otherTenantID, cohortID: otherCohortID, event: event)
    }

    let mine = try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 9))
    let theirs = try #require(catalog.cohort(tenantID: Fixture.otherTenantID, number: 9))
    #expect(mine.title == "AI 활용 부트캠프 9기")
    #expect(mine.enrolled.map(\.memberID) == [Member.minji.id])
    #expect(theirs.title == "Data Engineering Cohort 9")
    #expect(theirs.price.formatted == "499.00 USD")
    #expect(theirs.enrolled.map(\.memberID) == [Member.emily.id])
    #expect(catalog.cohorts(tenantID: Fixture.tenantID).map(\.cohortID) == [Fixture.cohortID])
    #expect(catalog.cohorts(tenantID: Fixture.otherTenantID).map(\.cohortID) == [otherCohortID])
    #expect(catalog.cohort(tenantID: Fixture.otherTenantID, cohortID: Fixture.cohortID) == nil)
    #expect(catalog.cohort(tenantID: Fixture.tenantID, cohortID: otherCohortID) == nil)
  }

  @Test("ignores events of a cohort it never saw scheduled")
  func ignoresUnknownCohort() {
    var catalog = CohortCatalog()
    catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: Fixture.opened)
    catalog.apply(
      tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: Member.minji.enrolled())
    #expect(catalog == CohortCatalog())
  }

  @Test("matches the story the decisions tell")
  func matchesDecisions() throws {
    var history: [EnrollmentEvent] = []
    let commands: [(EnrollmentCommand, Double)] = [
      (.schedule(Self.study), 0), (.openEnrollment, 1), (Member.minji.enroll, 2),
      (Member.junho.enroll, 3), (Member.emily.enroll, 4), (.closeEnrollment, 5),
      (Member.junho.withdraw(reason: "일정 변경"), 6),
    ]
    for (command, minute) in commands {
      history += try given(history).when(command, at: Self.minutes(minute))
    }
    let view = try #require(Self.catalog(history).cohort(tenantID: Fixture.tenantID, number: 3))
    #expect(view.status == .closed)
    #expect(
      view.enrolled == [
        Member.minji.entry(since: Self.minutes(2)), Member.emily.entry(since: Self.minutes(6)),
      ])
    #expect(view.waitlist.isEmpty)
  }
}
