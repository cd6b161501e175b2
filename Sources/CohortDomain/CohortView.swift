import Foundation

/// A member who withdrew, and whether a refund was noted as due to them.
public struct Withdrawal: Codable, Equatable, Sendable {
  public var entry: RosterEntry
  public var refundDue: Bool
}

/// A cohort as queries show it: its terms, its status and who holds or waits for a seat.
public struct CohortView: Codable, Equatable, Sendable {
  /// The cohort.
  public let cohortID: UUID
  /// The cohort number (the "9" of "9기").
  public let number: Int
  /// The title.
  public let title: String
  /// The price per member.
  public let price: Money
  /// The number of seats.
  public let capacity: Int
  /// The first day of the cohort.
  public let startsOn: CalendarDate
  /// The last day of the cohort.
  public let endsOn: CalendarDate
  /// When the cohort was scheduled.
  public let scheduledAt: Date
  /// Where the cohort is in its life.
  public internal(set) var status: CohortStatus
  /// Members holding a seat, in the order they got it.
  public internal(set) var enrolled: [RosterEntry]
  /// Members waiting for a seat, first come first served.
  public internal(set) var waitlist: [RosterEntry]
  /// Discounts granted, by person.
  public internal(set) var discounts: [UUID: DiscountGranted] = [:]
  /// Members who withdrew, in order.
  public internal(set) var withdrawals: [Withdrawal] = []
  /// Who held a seat or waited when the cohort was cancelled.
  public internal(set) var cancelledMembers: [RosterEntry] = []

  /// The number of seats held.
  public var seatsTaken: Int { enrolled.count }
  /// The number of seats still free.
  public var seatsLeft: Int { max(0, capacity - seatsTaken) }

  /// Whether the member holds a seat or waits for one.
  public func holds(_ memberID: UUID) -> Bool {
    enrolled.contains { $0.memberID == memberID } || waitlist.contains { $0.memberID == memberID }
  }

  init(cohortID: UUID, scheduled: CohortScheduled) {
    self.cohortID = cohortID
    number = scheduled.number
    title = scheduled.title
    price = scheduled.price
    capacity = scheduled.capacity
    startsOn = scheduled.startsOn
    endsOn = scheduled.endsOn
    scheduledAt = scheduled.at
    status = .scheduled
    enrolled = []
    waitlist = []
  }

  /// Drops the member's contact (they were forgotten).
  mutating func erase(_ memberID: UUID) {
    func erased(_ entry: RosterEntry) -> RosterEntry {
      entry.memberID == memberID ? entry.with(contact: nil) : entry
    }
    enrolled = enrolled.map(erased)
    waitlist = waitlist.map(erased)
    withdrawals = withdrawals.map { Withdrawal(entry: erased($0.entry), refundDue: $0.refundDue) }
    cancelledMembers = cancelledMembers.map(erased)
  }

  /// Applies an event that followed `cohortScheduled`.
  mutating func apply(_ event: EnrollmentEvent) {
    switch event {
    case .cohortScheduled:
      break
    case .enrollmentOpened:
      status = .open
    case .enrollmentClosed:
      status = .closed
    case .memberEnrolled(let e):
      enrolled.append(
        RosterEntry(memberID: e.memberID, contact: e.contact, since: e.at, seat: e.seat, transfer: e.transfer))
    case .memberWaitlisted(let e):
      waitlist.append(
        RosterEntry(memberID: e.memberID, contact: e.contact, since: e.at, seat: e.seat, transfer: e.transfer))
    case .memberWithdrew(let e):
      if let entry = (enrolled + waitlist).first(where: { $0.memberID == e.memberID }) {
        withdrawals.append(Withdrawal(entry: entry, refundDue: e.refundDue))
      }
      enrolled.removeAll { $0.memberID == e.memberID }
      waitlist.removeAll { $0.memberID == e.memberID }
    case .memberPromoted(let e):
      guard let index = waitlist.firstIndex(where: { $0.memberID == e.memberID }) else { return }
      let waiting = waitlist.remove(at: index)
      enrolled.append(
        RosterEntry(
          memberID: waiting.memberID, contact: waiting.contact, since: e.at, seat: waiting.seat,
          transfer: waiting.transfer))
    case .cohortStarted:
      status = .started
    case .cohortCompleted:
      status = .completed
    case .cohortCancelled:
      status = .cancelled
      cancelledMembers = enrolled + waitlist
      enrolled = []
      waitlist = []
    case .discountGranted(let discount):
      discounts[discount.personID] = discount
    }
  }
}
