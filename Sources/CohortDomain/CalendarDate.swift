/// A day on the calendar without a time zone, such as the first day of a cohort.
public struct CalendarDate: Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The year, 1...9999.
  public let year: Int
  /// The month, 1...12.
  public let month: Int
  /// The day of the month, 1...28/29/30/31 depending on the month and year.
  public let day: Int

  /// Creates a date from its parts, rejecting days that do not exist (2025-02-29, 2026-04-31).
  ///
  /// - Parameter field: the request field named in the error, e.g. `starts_on`.
  /// - Throws: `invalidArgument(field:)` if the date does not exist.
  public init(year: Int, month: Int, day: Int, field: String = "date") throws(DomainError) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...Self.daysIn(month: month, year: year)).contains(day)
    else {
      throw .invalidArgument(
        field, "date \(Self.iso(year, month, day)) does not exist on the calendar")
    }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Parses exactly "YYYY-MM-DD" (ASCII digits, zero padded), e.g. "2026-03-02".
  ///
  /// - Parameter field: the request field named in the error, e.g. `starts_on`.
  /// - Throws: `invalidArgument(field:)` if the text is not in that format or names a day that
  ///   does not exist.
  public init(iso: String, field: String = "date") throws(DomainError) {
    let bytes = Array(iso.utf8)
    let dashes = [4, 7]
    let isWellFormed =
      bytes.count == 10
      && bytes.indices.allSatisfy { index in
        dashes.contains(index)
          ? bytes[index] == UInt8(ascii: "-")
          : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
      }
    guard isWellFormed else {
      throw .invalidArgument(
        field, "date \(Validate.quoted(iso)) must be written as YYYY-MM-DD, e.g. 2026-03-02")
    }
    func number(_ range: Range<Int>) -> Int {
      bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
    try self.init(year: number(0..<4), month: number(5..<7), day: number(8..<10), field: field)
  }

  /// The date as "YYYY-MM-DD".
  public var iso: String { Self.iso(year, month, day) }

  /// Same as `iso`.
  public var description: String { iso }

  /// Earlier days come first.
  public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  private static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  private static func iso(_ year: Int, _ month: Int, _ day: Int) -> String {
    "\(padded(year, to: 4))-\(padded(month, to: 2))-\(padded(day, to: 2))"
  }

  private static func padded(_ value: Int, to width: Int) -> String {
    let digits = String(value)
    guard value >= 0 else { return digits }
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
