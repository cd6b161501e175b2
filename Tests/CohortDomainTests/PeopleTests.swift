import CohortDomain
import Foundation
import Testing

/// Given a person's events, when a command, then the new events (or the refusal).
@Suite("People.decide: registering, interest, forgetting")
struct PeopleTests {
  static let personID = Fixture.uuid(0x50)
  static let minji = NewPerson(
    name: " 김민지 ", email: " MinJi@Example.com ", phone: "010-1234-5678", source: "open chat", note: "9기 문의")
  static let registered = PeopleEvent.personRegistered(
    PersonRegistered(
      personID: personID,
      details: PersonDetails(name: "김민지", email: "minji@example.com", phone: "+821012345678", note: "9기 문의"),
      source: "open chat", at: Fixture.scheduledAt))
  static let forgotten = PeopleEvent.personForgotten(PersonForgotten(personID: personID, at: Fixture.openedAt))

  static func when(_ command: PeopleCommand, given history: [PeopleEvent] = []) throws(DomainError) -> [PeopleEvent] {
    try People.decide(
      command, state: People.fold(history), context: DecisionContext(now: Fixture.now, subjectID: personID))
  }

  @Test("registering normalises every field")
  func registers() throws {
    var expected = Self.registered
    if case .personRegistered(var event) = expected {
      event.at = Fixture.now
      expected = .personRegistered(event)
    }
    #expect(try Self.when(.register(Self.minji)) == [expected])
  }

  @Test("no phone, or a blank one, is none")
  func noPhone() throws {
    for phone in [nil, "", "  "] as [String?] {
      let events = try Self.when(.register(NewPerson(name: "Kim", email: "kim@example.com", phone: phone)))
      guard case .personRegistered(let event)? = events.first else { Issue.record("no registration"); return }
      #expect(event.details?.phone == nil)
    }
  }

  @Test("one person per e-mail: registering again is refused")
  func registersOnce() {
    #expect(throws: DomainError(.alreadyExists, "a person with this e-mail is already registered")) {
      try Self.when(.register(Self.minji), given: [Self.registered])
    }
  }

  @Test("a malformed field is refused before the state is consulted")
  func fieldsFirst() {
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must not be empty")) {
      try Self.when(.register(NewPerson(name: " ", email: "minji@example.com")), given: [Self.registered])
    }
    #expect {
      try Self.when(.register(NewPerson(name: "김민지", email: "minji@example.com", phone: "call me")))
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "phone") }
    #expect {
      try Self.when(.register(NewPerson(name: "김민지", email: "minji@example.com", source: "a\u{202E}b")))
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "source") }
  }

  @Test("a forgotten person may register again: a fresh record")
  func registersAfterForgetting() throws {
    let events = try Self.when(.register(Self.minji), given: [Self.registered, Self.forgotten])
    #expect(events.count == 1)
    let state = People.fold([Self.registered, Self.forgotten] + events)
    #expect(state.registered && !state.forgotten)
  }

  @Test("interest is recorded once per cohort")
  func interest() throws {
    let events = try Self.when(.recordInterest(cohortNumber: 9, channel: " instagram "), given: [Self.registered])
    #expect(
      events == [
        .interestRecorded(
          InterestRecorded(personID: Self.personID, cohortNumber: 9, channel: "instagram", at: Fixture.now))
      ])
    #expect(
      try Self.when(.recordInterest(cohortNumber: 9, channel: "again"), given: [Self.registered] + events).isEmpty)
    #expect(
      try Self.when(.recordInterest(cohortNumber: 10, channel: "again"), given: [Self.registered] + events).count == 1)
  }

  @Test("interest needs a registered, unforgotten person and a real cohort number")
  func interestRefusals() {
    #expect(throws: DomainError(.notFound, "no person with this e-mail is registered")) {
      try Self.when(.recordInterest(cohortNumber: 9, channel: "open chat"))
    }
    #expect(throws: DomainError(.failedPrecondition, "this person was forgotten; register them again")) {
      try Self.when(.recordInterest(cohortNumber: 9, channel: "open chat"), given: [Self.registered, Self.forgotten])
    }
    #expect {
      try Self.when(.recordInterest(cohortNumber: 0, channel: "open chat"), given: [Self.registered])
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "cohort_number") }
    #expect {
      try Self.when(.recordInterest(cohortNumber: 9, channel: ""), given: [Self.registered])
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "channel") }
  }

  @Test("forgetting: once; an unknown person is not found")
  func forgetting() throws {
    #expect(
      try Self.when(.forget, given: [Self.registered])
        == [.personForgotten(PersonForgotten(personID: Self.personID, at: Fixture.now))])
    #expect(try Self.when(.forget, given: [Self.registered, Self.forgotten]).isEmpty)
    #expect(throws: DomainError(.notFound, "no person with this e-mail is registered")) {
      try Self.when(.forget)
    }
  }
}
