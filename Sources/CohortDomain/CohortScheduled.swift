import Foundation

/// A cohort was created. Always the first event of a cohort's stream.
public struct CohortScheduled: Equatable, Sendable {
  /// The cohort, which is also the identity of its event stream.
  public let cohortID: UUID
  /// The cohort number (the "9" of "9기").
  public let number: Int
  /// The trimmed title.
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
  public let at: Date

  /// Creates the event.
  public init(
    cohortID: UUID, number: Int, title: String, price: Money, capacity: Int,
    startsOn: CalendarDate, endsOn: CalendarDate, at: Date
  ) {
    self.cohortID = cohortID
    self.number = number
    self.title = title
    self.price = price
    self.capacity = capacity
    self.startsOn = startsOn
    self.endsOn = endsOn
    self.at = at
  }
}
