import CohortDomain
import Testing

@Suite("Enrollment.evolve and fold")
struct CohortStateTests {
  @Test("an empty stream is the initial state")
  func emptyStreamIsInitial() {
    let state = Enrollment.fold([])
    #expect(state == .initial)
    #expect(state.status == .notScheduled)
    #expect(state.cohortID == nil)
    #expect(state.enrolled.isEmpty && state.waitlist.isEmpty)
  }

  @Test("scheduling records the cohort's identity, number and capacity")
  func schedulingRecordsCohort() {
    let state = Enrollment.fold([Fixture.scheduled])
    #expect(state.status == .scheduled)
    #expect(state.cohortID == Fixture.cohortID)
    #expect(state.number == 9)
    #expect(state.capacity == 300)
  }

  @Test("opening and closing change the status")
  func statusFollowsOpenAndClose() {
    #expect(Enrollment.fold([Fixture.scheduled, Fixture.opened]).status == .open)
    #expect(Enrollment.fold([Fixture.scheduled, Fixture.opened, Fixture.closed]).status == .closed)
    #expect(
      Enrollment.fold([Fixture.scheduled, Fixture.opened, Fixture.closed, Fixture.opened]).status
        == .open)
  }

  @Test("keeps seats in enrollment order and the waitlist first come first served")
  func keepsOrder() {
    let state = Enrollment.fold([
      Fixture.scheduled, Fixture.opened, Member.junho.enrolled(), Member.minji.enrolled(),
      Member.james.waitlisted(), Member.emily.waitlisted(),
    ])
    #expect(state.enrolled == [Member.junho.id, Member.minji.id])
    #expect(state.waitlist == [Member.james.id, Member.emily.id])
  }

  @Test("withdrawal removes the member from the seats or the waitlist")
  func withdrawalRemovesMember() {
    let state = Enrollment.fold([
      Fixture.scheduled, Fixture.opened, Member.junho.enrolled(), Member.minji.enrolled(),
      Member.james.waitlisted(), Member.emily.waitlisted(),
      Member.junho.withdrew(wasWaitlisted: false), Member.emily.withdrew(wasWaitlisted: true),
    ])
    #expect(state.enrolled == [Member.minji.id])
    #expect(state.waitlist == [Member.james.id])
  }

  @Test("promotion moves the member from the waitlist to the last seat")
  func promotionMovesMember() {
    let before = Enrollment.fold([
      Fixture.scheduled, Fixture.opened, Member.junho.enrolled(), Member.minji.enrolled(),
      Member.james.waitlisted(), Member.emily.waitlisted(),
      Member.junho.withdrew(wasWaitlisted: false),
    ])
    let after = Enrollment.evolved(before, by: [Member.james.promoted()])
    #expect(after.enrolled == [Member.minji.id, Member.james.id])
    #expect(after.waitlist == [Member.emily.id])
  }

  @Test("the events decide returns, folded back, give the state the next decision sees")
  func decideThenEvolve() throws {
    var history = WithdrawTests.fullWithWaitlist
    history += try given(history).when(Member.minji.withdraw())
    let state = Enrollment.fold(history)
    #expect(state.enrolled.count == 300)
    #expect(state.enrolled.last == Member.emily.id)
    #expect(state.waitlist == [Member.james.id])
    #expect(try given(history).when(Member.minji.enroll) == [Member.minji.waitlisted()])
  }
}
