import Foundation

/// Counting days and weeks (the civil calendar, proleptic Gregorian; no time zone involved).
extension CalendarDate {
  /// Days since 1970-01-01 (negative before it).
  public var dayNumber: Int {
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `dayNumber` days after 1970-01-01 (within years 1...9999).
  public init(dayNumber: Int) {
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    // Every day number maps to a real date, so this cannot fail within the supported years.
    self = (try? CalendarDate(year: year, month: month, day: day)) ?? CalendarDate.epoch
  }

  static let epoch = try! CalendarDate(year: 1970, month: 1, day: 1)

  /// The date `days` later (earlier when negative).
  public func adding(days: Int) -> CalendarDate {
    CalendarDate(dayNumber: dayNumber + days)
  }

  /// Days from `self` to `later` (negative if `later` is earlier).
  public func days(until later: CalendarDate) -> Int {
    later.dayNumber - dayNumber
  }

  /// ISO weekday: 1 for Monday … 7 for Sunday.
  public var weekday: Int {
    ((dayNumber + 3) % 7 + 7) % 7 + 1
  }

  /// The Monday of this date's ISO week (weeks run Monday to Sunday).
  public var monday: CalendarDate {
    adding(days: 1 - weekday)
  }

  /// The day it is in Korea (UTC+9, no daylight saving) at `instant`.
  public static func inKorea(_ instant: Date) -> CalendarDate {
    CalendarDate(dayNumber: Int(((instant.timeIntervalSince1970 + 9 * 3600) / 86_400).rounded(.down)))
  }
}
