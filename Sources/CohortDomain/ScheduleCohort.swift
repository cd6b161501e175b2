/// Creates a cohort, e.g. cohort 9 "AI 활용 부트캠프 9기" at 200,000 KRW with 300 seats.
/// Fields are validated by `Enrollment.decide`.
public struct ScheduleCohort: Equatable, Sendable {
  /// The cohort number (the "9" of "9기"), 1...10,000.
  public let number: Int
  /// The title shown to members; surrounding whitespace is trimmed; 1...200 characters.
  public let title: String
  /// The price per member; zero means the cohort is free.
  public let price: Money
  /// The number of seats, 1...100,000.
  public let capacity: Int
  /// The first day of the cohort.
  public let startsOn: CalendarDate
  /// The last day of the cohort; not before `startsOn`.
  public let endsOn: CalendarDate

  /// Creates the command; nothing is validated until `Enrollment.decide`.
  public init(
    number: Int, title: String, price: Money, capacity: Int,
    startsOn: CalendarDate, endsOn: CalendarDate
  ) {
    self.number = number
    self.title = title
    self.price = price
    self.capacity = capacity
    self.startsOn = startsOn
    self.endsOn = endsOn
  }
}
