import CohortDomain
import Foundation

/// Real-world-looking test data: cohort 9 "AI 활용 부트캠프 9기", 200,000 KRW, 300 seats.
enum Fixture {
  static let tenantID = uuid(0x7E)
  static let otherTenantID = uuid(0x7F)
  static let cohortID = uuid(0xC9)

  /// 2026-01-05 10:00 KST.
  static let scheduledAt = Date(timeIntervalSince1970: 1_767_574_800)
  static let openedAt = scheduledAt.addingTimeInterval(86_400)
  static let closedAt = scheduledAt.addingTimeInterval(30 * 86_400)
  /// The time handed to `decide` (and stamped on new events) unless a test says otherwise.
  static let now = scheduledAt.addingTimeInterval(7 * 86_400)

  static let cohort9 = ScheduleCohort(
    number: 9, title: "AI 활용 부트캠프 9기", price: krw(200_000), capacity: 300,
    startsOn: date("2026-03-02"), endsOn: date("2026-04-24"))

  static let scheduled = scheduling(cohort9)
  static let opened = EnrollmentEvent.enrollmentOpened(EnrollmentOpened(at: openedAt))
  static let closed = EnrollmentEvent.enrollmentClosed(EnrollmentClosed(at: closedAt))

  /// The event `decide` records for `command`.
  static func scheduling(
    _ command: ScheduleCohort, cohortID: UUID = cohortID, at: Date = scheduledAt
  ) -> EnrollmentEvent {
    .cohortScheduled(
      CohortScheduled(
        cohortID: cohortID, number: command.number, title: command.title, price: command.price,
        capacity: command.capacity, startsOn: command.startsOn, endsOn: command.endsOn, at: at))
  }

  /// `count` students holding seats, enrolled a minute apart after enrollment opened.
  static func seatHolders(_ count: Int) -> [EnrollmentEvent] {
    (1...count).map { number in
      Member.student(number).enrolled(at: openedAt.addingTimeInterval(Double(number) * 60))
    }
  }

  /// A cohort 9 whose 300 seats are all taken.
  static let fullCohort9 = [scheduled, opened] + seatHolders(300)

  // Literals below are known to be valid; a failure here is a broken fixture, not a test result.

  static func krw(_ amount: Int64) -> Money {
    try! Money(amountMinor: amount, currency: .krw)
  }

  static func date(_ iso: String) -> CalendarDate {
    try! CalendarDate(iso: iso)
  }

  static func uuid(_ number: Int) -> UUID {
    let digits = String(number, radix: 16)
    let padded = String(repeating: "0", count: 12 - digits.count) + digits
    return UUID(uuidString: "00000000-0000-4000-8000-\(padded)")!
  }
}
