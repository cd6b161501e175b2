import CohortDomain
import Foundation
import Testing

/// The edges of a person's record: field bounds, fields before state, and what a fresh record
/// after forgetting starts with.
@Suite("People.decide: the edges")
struct PeopleEdgeTests {
  static let personID = PeopleTests.personID

  static func when(_ command: PeopleCommand, given history: [PeopleEvent] = []) throws(DomainError) -> [PeopleEvent] {
    try PeopleTests.when(command, given: history)
  }

  static func person(source: String = "", note: String = "") -> NewPerson {
    NewPerson(name: "김민지", email: "minji@example.com", source: source, note: note)
  }

  @Test("a source is at most 100 characters")
  func sourceBound() throws {
    #expect(try Self.when(.register(Self.person(source: String(repeating: "가", count: 100)))).count == 1)
    #expect(throws: DomainError(.invalidArgument(field: "source"), "source must be at most 100 characters; got 101")) {
      try Self.when(.register(Self.person(source: String(repeating: "가", count: 101))))
    }
  }

  @Test("a note keeps its line breaks and is at most 2,000 characters")
  func noteBound() throws {
    let events = try Self.when(.register(Self.person(note: " 9기 문의\n10기도 관심 ")))
    guard case .personRegistered(let registered)? = events.first else { Issue.record("not registered"); return }
    #expect(registered.details?.note == "9기 문의\n10기도 관심")
    #expect(try Self.when(.register(Self.person(note: String(repeating: "가", count: 2_000)))).count == 1)
    #expect(throws: DomainError(.invalidArgument(field: "note"), "note must be at most 2000 characters; got 2001")) {
      try Self.when(.register(Self.person(note: String(repeating: "가", count: 2_001))))
    }
  }

  @Test("an e-mail that is not an address is refused before the state is consulted")
  func emailFirst() {
    #expect {
      try Self.when(.register(NewPerson(name: "김민지", email: "minji@example")), given: [PeopleTests.registered])
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "email") }
  }

  @Test("interest fields are checked before the person is looked for")
  func interestFieldsFirst() {
    #expect {
      try Self.when(.recordInterest(cohortNumber: 0, channel: "open chat"))
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "cohort_number") }
    #expect {
      try Self.when(.recordInterest(cohortNumber: 9, channel: String(repeating: "a", count: 101)))
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "channel") }
    #expect {
      try Self.when(.recordInterest(cohortNumber: 9, channel: "insta\u{200B}gram"), given: [PeopleTests.registered])
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "channel") }
  }

  @Test("a record made afresh after forgetting starts with no interests")
  func freshRecord() throws {
    let interested = PeopleEvent.interestRecorded(
      InterestRecorded(personID: Self.personID, cohortNumber: 9, channel: "open chat", at: Fixture.scheduledAt))
    var history = [PeopleTests.registered, interested, PeopleTests.forgotten]
    history += try Self.when(.register(PeopleTests.minji), given: history)
    let state = People.fold(history)
    #expect(state.registered && !state.forgotten && state.interests.isEmpty)
    #expect(
      try Self.when(.recordInterest(cohortNumber: 9, channel: "open chat"), given: history)
        == [
          .interestRecorded(
            InterestRecorded(personID: Self.personID, cohortNumber: 9, channel: "open chat", at: Fixture.now))
        ])
  }

  @Test("forgetting a person who registered again forgets the new record too")
  func forgetAgain() throws {
    var history = [PeopleTests.registered, PeopleTests.forgotten]
    history += try Self.when(.register(PeopleTests.minji), given: history)
    #expect(try Self.when(.forget, given: history).count == 1)
  }
}
