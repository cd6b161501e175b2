import Foundation

/// One decision per command; `Enrollment.decide` picks the right one.
/// Fields are validated before the state is consulted.
extension Enrollment {
  static func decideSchedule(
    _ command: ScheduleCohort, state: CohortState, cohortID: UUID, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    try Validate.number(command.number, in: 1...10_000, field: "number", label: "cohort number")
    let title = try PersonFields.text(command.title, field: "title", maxCharacters: 200, allowEmpty: false)
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
    try requireNotUnderWay(state)
    guard state.status != .open else {
      throw DomainError(
        .failedPrecondition, "enrollment for cohort \(state.number) is already open")
    }
    return [.enrollmentOpened(EnrollmentOpened(at: now))]
  }

  static func decideClose(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    try requireNotUnderWay(state)
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
    let seat = try validated(command.seat)
    try requireScheduled(state)
    try requireNotUnderWay(state)
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
    // A transfer carries the seat over: what was paid before counts, the difference is recorded.
    let transfer = command.transferFrom.map { from in
      Transfer(
        from: from,
        differenceMinor: seat == .paid
          ? (due(for: command.memberID, in: state)?.amountMinor ?? 0) - (command.paid?.amountMinor ?? 0) : 0)
    }
    if seat == .paid, transfer == nil { try requirePaid(command, state: state) }
    guard state.enrolled.count < state.capacity else {
      guard state.waitlist.count < state.waitlistLimit else {
        throw DomainError(
          .failedPrecondition,
          "cohort \(state.number) is full, and so is its waitlist (\(state.waitlist.count) people wait for a seat)")
      }
      return [
        .memberWaitlisted(
          MemberWaitlisted(memberID: command.memberID, contact: contact, seat: seat, transfer: transfer, at: now))
      ]
    }
    return [
      .memberEnrolled(
        MemberEnrolled(memberID: command.memberID, contact: contact, seat: seat, transfer: transfer, at: now))
    ]
  }

  /// What a paid seat costs this person: the price less their discount.
  static func due(for memberID: UUID, in state: CohortState) -> Money? {
    guard let price = state.price else { return nil }
    let off = state.discounts[memberID]?.amountMinor ?? 0
    return try? Money(amountMinor: max(0, price.amountMinor - off), currency: price.currency)
  }

  /// A paid seat needs validated payments (less refunds) covering what is due.
  private static func requirePaid(_ command: Enroll, state: CohortState) throws(DomainError) {
    guard let due = due(for: command.memberID, in: state), due.amountMinor > 0 else { return }
    let paid = command.paid.flatMap { $0.currency == due.currency ? $0 : nil }
    guard let paid, paid.amountMinor >= due.amountMinor else {
      let validated = command.paid.map { "\($0)" } ?? "none"
      throw DomainError(
        .failedPrecondition,
        "a paid seat in cohort \(state.number) needs a validated payment of \(due) by this person "
          + "(validated so far: \(validated)): validate their payment first, or enroll them with a scholarship or a free seat"
      )
    }
  }

  private static func validated(_ seat: Seat) throws(DomainError) -> Seat {
    switch seat {
    case .paid: return .paid
    case .scholarship(let reason, let by):
      return .scholarship(
        reason: try PersonFields.text(reason, field: "scholarship", maxCharacters: 500, allowEmpty: false),
        grantedBy: by)
    case .free(let reason, let by):
      return .free(
        reason: try PersonFields.text(reason, field: "free", maxCharacters: 500, allowEmpty: false), grantedBy: by)
    }
  }

  static func decideStart(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    try requireNotUnderWay(state)
    return (state.status == .open ? [.enrollmentClosed(EnrollmentClosed(at: now))] : []) + [.cohortStarted(at: now)]
  }

  static func decideComplete(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    switch state.status {
    case .started: return [.cohortCompleted(at: now)]
    case .completed: throw DomainError(.failedPrecondition, "cohort \(state.number) is completed already")
    case .cancelled: throw DomainError(.failedPrecondition, "cohort \(state.number) was cancelled: it cannot complete")
    default:
      throw DomainError(.failedPrecondition, "cohort \(state.number) has not started: start it before completing it")
    }
  }

  static func decideCancel(state: CohortState, now: Date) throws(DomainError) -> [EnrollmentEvent] {
    try requireScheduled(state)
    switch state.status {
    case .completed:
      throw DomainError(.failedPrecondition, "cohort \(state.number) is completed: it cannot be cancelled")
    case .cancelled: throw DomainError(.failedPrecondition, "cohort \(state.number) was cancelled already")
    default: return [.cohortCancelled(at: now)]
    }
  }

  static func decideDiscount(
    _ command: GrantDiscount, state: CohortState, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    let reason = try PersonFields.text(command.reason, field: "reason", maxCharacters: 500, allowEmpty: false)
    try requireScheduled(state)
    guard let price = state.price else { return [] }
    let off: Int64
    var percent: Int?
    switch command.size {
    case .amount(let amount):
      guard amount.currency == price.currency else {
        throw .invalidArgument("amount", "the discount must be in \(price.currency), the cohort's currency")
      }
      guard amount.amountMinor > 0, amount.amountMinor <= price.amountMinor else {
        throw .invalidArgument("amount", "the discount must be more than zero and at most the price (\(price))")
      }
      off = amount.amountMinor
    case .percent(let value):
      try Validate.number(value, in: 1...100, field: "percent", label: "discount percent")
      percent = value
      // floor(price × percent ÷ 100), without overflowing for any price.
      off = price.amountMinor / 100 * Int64(value) + price.amountMinor % 100 * Int64(value) / 100
    }
    guard state.status != .completed, state.status != .cancelled else {
      throw DomainError(.failedPrecondition, "cohort \(state.number) is over: no more discounts")
    }
    guard !state.enrolled.contains(command.personID), !state.waitlist.contains(command.personID) else {
      throw DomainError(
        .failedPrecondition,
        "a discount comes before payment: this person holds a place in cohort \(state.number) already")
    }
    guard state.discounts[command.personID] == nil else {
      throw DomainError(.alreadyExists, "this person has a discount in cohort \(state.number) already")
    }
    let amountOff = try Money(amountMinor: off, currency: price.currency)
    return [
      .discountGranted(
        DiscountGranted(
          personID: command.personID, amountOff: amountOff, percent: percent, reason: reason,
          grantedBy: command.grantedBy, at: now))
    ]
  }

  /// Started, completed and cancelled cohorts take no enrollment changes of this kind.
  private static func requireNotUnderWay(_ state: CohortState) throws(DomainError) {
    switch state.status {
    case .started: throw DomainError(.failedPrecondition, "cohort \(state.number) has started: enrollment is closed")
    case .completed: throw DomainError(.failedPrecondition, "cohort \(state.number) is completed")
    case .cancelled: throw DomainError(.failedPrecondition, "cohort \(state.number) was cancelled")
    default: return
    }
  }

  static func decideWithdraw(
    _ command: Withdraw, state: CohortState, now: Date
  ) throws(DomainError) -> [EnrollmentEvent] {
    let reason = try PersonFields.text(command.reason, field: "reason", maxCharacters: 500, allowEmpty: true)
    try requireScheduled(state)
    guard state.status != .completed, state.status != .cancelled else {
      throw DomainError(.failedPrecondition, "cohort \(state.number) is over: nobody withdraws from it")
    }
    if state.waitlist.contains(command.memberID) {
      return [
        .memberWithdrew(
          MemberWithdrew(
            memberID: command.memberID, reason: reason, wasWaitlisted: true, refundDue: command.refundDue,
            transferredTo: command.transferredTo, at: now))
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
        memberID: command.memberID, reason: reason, wasWaitlisted: false, refundDue: command.refundDue,
        transferredTo: command.transferredTo, at: now))
    guard let next = state.waitlist.first else { return [withdrew] }
    return [withdrew, .memberPromoted(MemberPromoted(memberID: next, at: now))]
  }

  private static func requireScheduled(_ state: CohortState) throws(DomainError) {
    guard state.status != .notScheduled else {
      throw DomainError(.notFound, "this cohort has not been scheduled; schedule it first")
    }
  }
}
