import CohortDomain
import Foundation
import Testing

@Suite("Enrollment.decide: enroll")
struct EnrollTests {
  static let open = [Fixture.scheduled, Fixture.opened]

  @Test("gives a seat while seats are left")
  func enrollsWhileSeatsLeft() throws {
    let events = try given(Self.open).when(Member.minji.enroll)
    #expect(events == [Member.minji.enrolled()])
  }

  @Test("trims the name and trims and lowercases the email")
  func normalizesNameAndEmail() throws {
    let command = EnrollmentCommand.enroll(
      Enroll(
        memberID: Member.emily.id, name: "  Emily Carter\n", email: " Emily@Example.COM ", paid: Fixture.krw(200_000)))
    #expect(try given(Self.open).when(command) == [Member.emily.enrolled()])
  }

  @Test("gives away the last of 300 seats")
  func enrollsIntoLastSeat() throws {
    let events = try given(Self.open + Fixture.seatHolders(299)).when(Member.minji.enroll)
    #expect(events == [Member.minji.enrolled()])
  }

  @Test("waitlists a member when all 300 seats are taken")
  func waitlistsWhenFull() throws {
    let events = try given(Fixture.fullCohort9).when(Member.minji.enroll)
    #expect(events == [Member.minji.waitlisted()])
  }

  @Test("keeps waitlisting behind those already waiting")
  func waitlistsBehindOthers() throws {
    let events = try given(Fixture.fullCohort9 + [Member.minji.waitlisted()])
      .when(Member.emily.enroll)
    #expect(events == [Member.emily.waitlisted()])
  }

  @Test("refuses to wait once the waitlist is as long as the cohort has seats")
  func refusesBeyondWaitlistLimit() throws {
    let waiting = (301...599).map { Member.student($0).waitlisted() }
    #expect(try given(Fixture.fullCohort9 + waiting).when(Member.minji.enroll) == [Member.minji.waitlisted()])
    #expect(
      throws: DomainError(.failedPrecondition, "cohort 9 is full, and so is its waitlist (300 people wait for a seat)")
    ) {
      try given(Fixture.fullCohort9 + waiting + [Member.student(600).waitlisted()]).when(Member.minji.enroll)
    }
  }

  @Test("lets at least 50 wait for a small cohort")
  func smallCohortWaitlist() {
    var state = CohortState.initial
    #expect(state.waitlistLimit == 50)
    Enrollment.evolve(&state, Fixture.scheduled)
    #expect(state.waitlistLimit == 300)
  }

  @Test("refuses a cohort that was never scheduled")
  func refusesUnscheduled() {
    #expect(
      throws: DomainError(.notFound, "this cohort has not been scheduled; schedule it first")
    ) { try given().when(Member.minji.enroll) }
  }

  @Test(
    "refuses while enrollment is not open",
    arguments: [
      [Fixture.scheduled],
      [Fixture.scheduled, Fixture.opened, Fixture.closed],
    ])
  func refusesWhenNotOpen(history: [EnrollmentEvent]) {
    #expect(throws: DomainError(.failedPrecondition, "enrollment for cohort 9 is not open")) {
      try given(history).when(Member.minji.enroll)
    }
  }

  @Test("refuses a member who already holds a seat")
  func refusesEnrolledMember() {
    #expect(throws: DomainError(.alreadyExists, "this person is already enrolled in cohort 9")) {
      try given(Self.open + [Member.minji.enrolled()]).when(Member.minji.enroll)
    }
  }

  @Test("refuses a member who is already waiting")
  func refusesWaitlistedMember() {
    #expect(
      throws: DomainError(.alreadyExists, "this person is already on the waitlist for cohort 9")
    ) { try given(Fixture.fullCohort9 + [Member.james.waitlisted()]).when(Member.james.enroll) }
  }

  @Test("accepts a 200-character name and a 254-character email")
  func acceptsLongestValues() throws {
    let email = characters(64, "a") + "@" + characters(185, "b") + ".com"
    let events = try given(Self.open).when(enroll(name: characters(200), email: email))
    #expect(
      events == [
        .memberEnrolled(
          MemberEnrolled(
            memberID: Member.minji.id, name: characters(200), email: email, seat: .paid, at: Fixture.now))
      ])
  }

  @Test("rejects an empty or over-long name", arguments: ["", "  ", "\t\n", characters(201)])
  func rejectsName(name: String) {
    let error = #expect(throws: DomainError.self) {
      try given(Self.open).when(enroll(name: name))
    }
    #expect(error?.kind == .invalidArgument(field: "name"))
  }

  @Test(
    "rejects an email that is not an address",
    arguments: [
      "", "minji", "@example.com", "minji@", "minji@example", "minji@@example.com",
      "minji@kim@example.com", "min ji@example.com", "minji@exa mple.com", "minji@.com",
      "minji@example.", characters(64, "a") + "@" + characters(186, "b") + ".com",
    ])
  func rejectsEmail(email: String) {
    let error = #expect(throws: DomainError.self) {
      try given(Self.open).when(enroll(email: email))
    }
    #expect(error?.kind == .invalidArgument(field: "email"))
  }

  @Test("explains what is wrong with the name and the email")
  func explainsNameAndEmail() {
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must not be empty")) {
      try given(Self.open).when(enroll(name: " "))
    }
    #expect(
      throws: DomainError(
        .invalidArgument(field: "email"),
        "email \"minji.kim@example\" is not a valid address; use the form name@example.com")
    ) {
      try given(Self.open).when(enroll(email: " Minji.Kim@Example "))
    }
    #expect(
      throws: DomainError(
        .invalidArgument(field: "email"), "email must be at most 254 characters; got 300")
    ) {
      try given(Self.open).when(enroll(email: characters(300, "a")))
    }
  }

  @Test("validates the name and email before looking at the state")
  func validatesFirst() {
    let error = #expect(throws: DomainError.self) {
      try given().when(enroll(email: "minji"))
    }
    #expect(error?.kind == .invalidArgument(field: "email"))
  }

  @Test("lets a member who withdrew enroll again while enrollment is open")
  func reenrollsAfterWithdrawing() throws {
    let history =
      Self.open + [Member.minji.enrolled(), Member.minji.withdrew(wasWaitlisted: false)]
    #expect(try given(history).when(Member.minji.enroll) == [Member.minji.enrolled()])
  }

  @Test("sends a member who withdrew to the back of the waitlist when the cohort is full")
  func rewaitlistsAfterWithdrawing() throws {
    let history =
      Fixture.fullCohort9 + [
        Member.minji.waitlisted(), Member.emily.waitlisted(),
        Member.minji.withdrew(wasWaitlisted: true),
      ]
    #expect(try given(history).when(Member.minji.enroll) == [Member.minji.waitlisted()])
  }

  @Test("does not let a member who withdrew enroll again once enrollment closed")
  func refusesReenrollingWhenClosed() {
    let history =
      Self.open + [
        Member.minji.enrolled(), Member.minji.withdrew(wasWaitlisted: false), Fixture.closed,
      ]
    let error = #expect(throws: DomainError.self) { try given(history).when(Member.minji.enroll) }
    #expect(error?.kind == .failedPrecondition)
  }
}

/// 김민지 enrolling with her name or email replaced.
private func enroll(
  name: String = Member.minji.name, email: String = Member.minji.email
) -> EnrollmentCommand {
  .enroll(Enroll(memberID: Member.minji.id, name: name, email: email, paid: Fixture.krw(200_000)))
}
