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
  public static func evolve(_ state: CohortState, _ event: EnrollmentEvent) -> CohortState {
    var next = state
    switch event {
    case .cohortScheduled(let scheduled):
      next.status = .scheduled
      next.cohortID = scheduled.cohortID
      next.number = scheduled.number
      next.capacity = scheduled.capacity
      next.price = scheduled.price
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
    case .cohortStarted:
      next.status = .started
    case .cohortCompleted:
      next.status = .completed
    case .cohortCancelled:
      next.status = .cancelled
      next.enrolled = []
      next.waitlist = []
    case .discountGranted(let discount):
      next.discounts[discount.personID] = discount.amountOff
    }
    return next
  }

}
