import Foundation

/// The rules of one cohort's enrollment, as pure functions over its event stream.
public enum Enrollment: Decider {
  public static let initial = CohortState.initial

  /// Decides what happens when `command` meets a cohort in `state`. The context's subject is the
  /// cohort's stream identity, recorded when it is scheduled; its time is stamped on every event.
  public static func decide(
    _ command: EnrollmentCommand, state: CohortState, context: DecisionContext
  ) throws(DomainError) -> [EnrollmentEvent] {
    let now = context.now
    switch command {
    case .schedule(let schedule):
      return try decideSchedule(schedule, state: state, cohortID: context.subjectID, now: now)
    case .openEnrollment:
      return try decideOpen(state: state, now: now)
    case .closeEnrollment:
      return try decideClose(state: state, now: now)
    case .enroll(let enroll):
      return try decideEnroll(enroll, state: state, now: now)
    case .withdraw(let withdraw):
      return try decideWithdraw(withdraw, state: state, now: now)
    case .start:
      return try decideStart(state: state, now: now)
    case .complete:
      return try decideComplete(state: state, now: now)
    case .cancel:
      return try decideCancel(state: state, now: now)
    case .grantDiscount(let discount):
      return try decideDiscount(discount, state: state, now: now)
    }
  }

  /// Applies one event that has already happened; never fails.
  public static func evolve(_ state: inout CohortState, _ event: EnrollmentEvent) {
    switch event {
    case .cohortScheduled(let scheduled):
      state.status = .scheduled
      state.cohortID = scheduled.cohortID
      state.number = scheduled.number
      state.capacity = scheduled.capacity
      state.price = scheduled.price
    case .enrollmentOpened:
      state.status = .open
    case .enrollmentClosed:
      state.status = .closed
    case .memberEnrolled(let enrolled):
      state.enrolled.append(enrolled.memberID)
    case .memberWaitlisted(let waitlisted):
      state.waitlist.append(waitlisted.memberID)
    case .memberWithdrew(let withdrew):
      state.enrolled.removeAll { $0 == withdrew.memberID }
      state.waitlist.removeAll { $0 == withdrew.memberID }
    case .memberPromoted(let promoted):
      state.waitlist.removeAll { $0 == promoted.memberID }
      state.enrolled.append(promoted.memberID)
    case .cohortStarted:
      state.status = .started
    case .cohortCompleted:
      state.status = .completed
    case .cohortCancelled:
      state.status = .cancelled
      state.enrolled = []
      state.waitlist = []
    case .discountGranted(let discount):
      state.discounts[discount.personID] = discount.amountOff
    }
  }

}
