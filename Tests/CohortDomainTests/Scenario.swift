import CohortDomain
import Foundation

/// Given past events, when a command, then the new events (or the thrown `DomainError`):
///
///     let events = try given(Fixture.scheduled, Fixture.opened).when(Member.minji.enroll)
struct Scenario {
  let history: [EnrollmentEvent]

  func when(
    _ command: EnrollmentCommand, at now: Date = Fixture.now
  ) throws(DomainError) -> [EnrollmentEvent] {
    try Enrollment.decide(
      command, state: Enrollment.fold(history), context: DecisionContext(now: now, subjectID: Fixture.cohortID))
  }
}

func given(_ history: EnrollmentEvent...) -> Scenario {
  Scenario(history: history)
}

func given(_ history: [EnrollmentEvent]) -> Scenario {
  Scenario(history: history)
}

/// `count` copies of a character, e.g. a title one character too long.
func characters(_ count: Int, _ character: Character = "가") -> String {
  String(repeating: character, count: count)
}
