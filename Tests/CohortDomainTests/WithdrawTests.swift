import CohortDomain
import Testing

@Suite("Enrollment.decide: withdraw")
struct WithdrawTests {
  static let open = [Fixture.scheduled, Fixture.opened]
  /// Cohort 9 is full; 김민지 holds a seat; Emily waits first, James second.
  static let fullWithWaitlist =
    [Fixture.scheduled, Fixture.opened] + Fixture.seatHolders(299)
    + [Member.minji.enrolled(), Member.emily.waitlisted(), Member.james.waitlisted()]

  @Test("frees the seat when nobody is waiting")
  func withdrawsWithoutWaitlist() throws {
    let reason = "회사 일정 때문에 참여가 어렵습니다"
    let events = try given(Self.open + [Member.minji.enrolled()])
      .when(Member.minji.withdraw(reason: reason))
    #expect(events == [Member.minji.withdrew(wasWaitlisted: false, reason: reason)])
  }

  @Test("gives the freed seat to the first member on the waitlist")
  func promotesFirstWaitlisted() throws {
    let events = try given(Self.fullWithWaitlist).when(Member.minji.withdraw())
    #expect(events == [Member.minji.withdrew(wasWaitlisted: false), Member.emily.promoted()])
  }

  @Test("promotes even after enrollment closed")
  func promotesWhenClosed() throws {
    let events = try given(Self.fullWithWaitlist + [Fixture.closed]).when(Member.minji.withdraw())
    #expect(events == [Member.minji.withdrew(wasWaitlisted: false), Member.emily.promoted()])
  }

  @Test("lets a waiting member leave the waitlist without promoting anyone")
  func withdrawsFromWaitlist() throws {
    let reason = "다음 기수에 참여할게요"
    let events = try given(Self.fullWithWaitlist).when(Member.emily.withdraw(reason: reason))
    #expect(events == [Member.emily.withdrew(wasWaitlisted: true, reason: reason)])
  }

  @Test("lets a member withdraw after enrollment closed")
  func withdrawsWhenClosed() throws {
    let events = try given(Self.open + [Member.junho.enrolled(), Fixture.closed])
      .when(Member.junho.withdraw())
    #expect(events == [Member.junho.withdrew(wasWaitlisted: false)])
  }

  @Test("trims the reason and allows it to be empty")
  func trimsReason() throws {
    let history = Self.open + [Member.minji.enrolled()]
    #expect(
      try given(history).when(Member.minji.withdraw(reason: "  개인 사정\n"))
        == [Member.minji.withdrew(wasWaitlisted: false, reason: "개인 사정")])
    #expect(
      try given(history).when(Member.minji.withdraw(reason: "   "))
        == [Member.minji.withdrew(wasWaitlisted: false, reason: "")])
  }

  @Test("accepts a 500-character reason")
  func acceptsLongestReason() throws {
    let events = try given(Self.open + [Member.minji.enrolled()])
      .when(Member.minji.withdraw(reason: characters(500)))
    #expect(events == [Member.minji.withdrew(wasWaitlisted: false, reason: characters(500))])
  }

  @Test("rejects a reason over 500 characters")
  func rejectsLongReason() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "reason"), "reason must be at most 500 characters; got 501")
    ) {
      try given(Self.open + [Member.minji.enrolled()])
        .when(Member.minji.withdraw(reason: characters(501)))
    }
  }

  @Test("validates the reason before looking at the state")
  func validatesFirst() {
    let error = #expect(throws: DomainError.self) {
      try given().when(Member.minji.withdraw(reason: characters(501)))
    }
    #expect(error?.kind == .invalidArgument(field: "reason"))
  }

  @Test("refuses a cohort that was never scheduled")
  func refusesUnscheduled() {
    #expect(
      throws: DomainError(.notFound, "this cohort has not been scheduled; schedule it first")
    ) { try given().when(Member.minji.withdraw()) }
  }

  @Test("refuses a member who is neither enrolled nor waiting")
  func refusesStranger() {
    #expect(
      throws: DomainError(
        .notFound,
        "member 00000000-0000-4000-8000-000000000004 is neither enrolled in nor waitlisted for "
          + "cohort 9")
    ) { try given(Self.open + [Member.minji.enrolled()]).when(Member.james.withdraw()) }
  }

  @Test("refuses a member who already withdrew")
  func refusesSecondWithdrawal() {
    let history =
      Self.open + [Member.minji.enrolled(), Member.minji.withdrew(wasWaitlisted: false)]
    let error = #expect(throws: DomainError.self) {
      try given(history).when(Member.minji.withdraw())
    }
    #expect(error?.kind == .notFound)
  }
}
