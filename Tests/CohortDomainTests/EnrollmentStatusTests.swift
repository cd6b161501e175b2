import CohortDomain
import Testing

@Suite("Enrollment.decide: open and close enrollment")
struct EnrollmentStatusTests {
  static let notScheduled = DomainError(
    .notFound, "this cohort has not been scheduled; schedule it first")

  @Test("opens a scheduled cohort")
  func opensScheduledCohort() throws {
    let events = try given(Fixture.scheduled).when(.openEnrollment)
    #expect(events == [.enrollmentOpened(EnrollmentOpened(at: Fixture.now))])
  }

  @Test("reopens a closed cohort")
  func reopensClosedCohort() throws {
    let events = try given(Fixture.scheduled, Fixture.opened, Fixture.closed).when(.openEnrollment)
    #expect(events == [.enrollmentOpened(EnrollmentOpened(at: Fixture.now))])
  }

  @Test("refuses to open a cohort that was never scheduled")
  func refusesToOpenUnscheduled() {
    #expect(throws: Self.notScheduled) { try given().when(.openEnrollment) }
  }

  @Test("refuses to open an open cohort")
  func refusesToOpenTwice() {
    #expect(
      throws: DomainError(.failedPrecondition, "enrollment for cohort 9 is already open")
    ) { try given(Fixture.scheduled, Fixture.opened).when(.openEnrollment) }
  }

  @Test("closes an open cohort")
  func closesOpenCohort() throws {
    let events = try given(Fixture.scheduled, Fixture.opened).when(.closeEnrollment)
    #expect(events == [.enrollmentClosed(EnrollmentClosed(at: Fixture.now))])
  }

  @Test("closes a reopened cohort")
  func closesReopenedCohort() throws {
    let events = try given(Fixture.scheduled, Fixture.opened, Fixture.closed, Fixture.opened)
      .when(.closeEnrollment)
    #expect(events == [.enrollmentClosed(EnrollmentClosed(at: Fixture.now))])
  }

  @Test("refuses to close a cohort that was never scheduled")
  func refusesToCloseUnscheduled() {
    #expect(throws: Self.notScheduled) { try given().when(.closeEnrollment) }
  }

  @Test("refuses to close a cohort that never opened")
  func refusesToCloseBeforeOpening() {
    #expect(
      throws: DomainError(.failedPrecondition, "enrollment for cohort 9 is not open yet")
    ) { try given(Fixture.scheduled).when(.closeEnrollment) }
  }

  @Test("refuses to close a closed cohort")
  func refusesToCloseTwice() {
    #expect(
      throws: DomainError(.failedPrecondition, "enrollment for cohort 9 is already closed")
    ) { try given(Fixture.scheduled, Fixture.opened, Fixture.closed).when(.closeEnrollment) }
  }
}
