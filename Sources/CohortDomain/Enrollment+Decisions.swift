import Foundation

/// One decision per command; `Enrollment.decide` picks the right one.
/// Fields are validated before the state is consulted.
extension Enrollment {
  static func decideSchedule(
    _ command: ScheduleCohort, state: CohortState, cohortID: UUID, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    try Validate.number(command.number, in: 1...10_000, field: "number", label: "cohort number")
    let title = try Validate.text(command.title, field: "title", maxLength: 200)
    try Validate.number(command.capacity, in: 1...100_000, field: "capacity", label: "capacity")
    guard command.endsOn >= command.startsOn else {
      throw .invalidArgument(
        "ends_on",
        "the cohort cannot end (\(command.endsOn)) before it starts (\(command.startsOn))")
    }
    guard state.status == .notScheduled else {
      throw DomainError(.alreadyExists, "cohort \(state.number) is already scheduled")
    }
    let scheduled = CohortScheduled(
      cohortID: cohortID, number: command.number, title: title, price: command.price,
      capacity: command.capacity, startsOn: command.startsOn, endsOn: command.endsOn, at: now)
    return [.cohortScheduled(scheduled)]
  }

  static func decideOpen(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    guard state.status != .open else {
      throw DomainError(
        .failedPrecondition, "enrollment for cohort \(state.number) is already open")
    }
    return [.enrollmentOpened(EnrollmentOpened(at: now))]
  }

  static func decideClose(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    guard state.status == .open else {
      let status = state.status == .closed ? "already closed" : "not open yet"
      throw DomainError(.failedPrecondition, "enrollment for cohort \(state.number) is \(status)")
    }
    return [.enrollmentClosed(EnrollmentClosed(at: now))]
  }

  static func decideEnroll(
    _ command: Enroll, state: CohortState, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    // A refusal names no one: error messages may end up in logs, personal data never may.
    let contact = Contact(name: try PersonFields.name(command.name), email: try PersonFields.email(command.email))
    try requireScheduled(state)
    guard state.status == .open else {
      throw DomainError(.failedPrecondition, "enrollment for cohort \(state.number) is not open")
    }
    guard !state.enrolled.contains(command.memberID) else {
      throw DomainError(.alreadyExists, "this person is already enrolled in cohort \(state.number)")
    }
    guard !state.waitlist.contains(command.memberID) else {
      throw DomainError(
        .alreadyExists, "this person is already on the waitlist for cohort \(state.number)")
    }
    guard state.enrolled.count < state.capacity else {
      return [
        .memberWaitlisted(MemberWaitlisted(memberID: command.memberID, contact: contact, at: now))
      ]
    }
    return [
      .memberEnrolled(MemberEnrolled(memberID: command.memberID, contact: contact, at: now))
    ]
  }

  static func decideWithdraw(
    _ command: Withdraw, state: CohortState, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    let reason = try Validate.text(
      command.reason, field: "reason", maxLength: 500, allowEmpty: true)
    try requireScheduled(state)
    if state.waitlist.contains(command.memberID) {
      return [
        .memberWithdrew(
          MemberWithdrew(
            memberID: command.memberID, reason: reason, wasWaitlisted: true, at: now))
      ]
    }
    guard state.enrolled.contains(command.memberID) else {
      throw DomainError(
        .notFound,
        "member \(command.memberID) is neither enrolled in nor waitlisted for "
          + "cohort \(state.number)")
    }
    let withdrew = EnrollmentEvent.memberWithdrew(
      MemberWithdrew(
        memberID: command.memberID, reason: reason, wasWaitlisted: false, at: now))
    guard let next = state.waitlist.first else { return [withdrew] }
    return [withdrew, .memberPromoted(MemberPromoted(memberID: next, at: now))]
  }

  private static func requireScheduled(_ state: CohortState) throws(DomainError) {
    guard state.status != .notScheduled else {
      throw DomainError(.notFound, "this cohort has not been scheduled; schedule it first")
    }
  }
}
