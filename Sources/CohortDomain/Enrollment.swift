import Foundation

/// The rules of one cohort's enrollment, as pure functions over its event stream:
/// `decide` turns a command into new events (or refuses it), `evolve` applies one event to the
/// state and `fold` replays a whole stream.
public enum Enrollment {
  /// Decides what happens when `command` meets a cohort in `state`.
  ///
  /// - Parameters:
  ///   - cohortID: the cohort's stream identity, recorded when it is scheduled.
  ///   - now: the time stamped on every new event.
  /// - Returns: the events to append, in order.
  /// - Throws: a `DomainError` explaining why the command was refused.
  public static func decide(
    _ command: EnrollmentCommand, state: CohortState, cohortID: UUID, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    switch command {
    case .schedule(let schedule):
      try decideSchedule(schedule, state: state, cohortID: cohortID, now: now)
    case .openEnrollment:
      try decideOpen(state: state, now: now)
    case .closeEnrollment:
      try decideClose(state: state, now: now)
    case .enroll(let enroll):
      try decideEnroll(enroll, state: state, now: now)
    case .withdraw(let withdraw):
      try decideWithdraw(withdraw, state: state, now: now)
    }
  }

  /// Applies one event that has already happened; never fails.
  public static func evolve(_ state: CohortState, _ event: EnrollmentEvent) -> CohortState {
    var next = state
    switch event {
    case .cohortScheduled(let scheduled):
      next.status = .scheduled
      next.cohortID = scheduled.cohortID
      next.number = scheduled.number
      next.capacity = scheduled.capacity
    case .enrollmentOpened:
      next.status = .open
    case .enrollmentClosed:
      next.status = .closed
    case .memberEnrolled(let enrolled):
      next.enrolled.append(enrolled.memberID)
    case .memberWaitlisted(let waitlisted):
      next.waitlist.append(waitlisted.memberID)
    case .memberWithdrew(let withdrew):
      next.enrolled.removeAll { $0 == withdrew.memberID }
      next.waitlist.removeAll { $0 == withdrew.memberID }
    case .memberPromoted(let promoted):
      next.waitlist.removeAll { $0 == promoted.memberID }
      next.enrolled.append(promoted.memberID)
    }
    return next
  }

  /// Replays a cohort's stream from the beginning.
  public static func fold(_ events: some Sequence<EnrollmentEvent>) -> CohortState {
    events.reduce(CohortState.initial, evolve)
  }
}
