import Foundation

/// How a member holds their seat: paid (a validated payment covers the price less their
/// discount), or given by staff as a scholarship or a free seat, with a reason and who gave it.
public enum Seat: Codable, Equatable, Sendable {
  case paid
  case scholarship(reason: String, grantedBy: UUID)
  case free(reason: String, grantedBy: UUID)
}

/// A member coming from an earlier cohort: their seat is carried over, and the difference in price
/// (the new price less their discount, less what they paid for the old cohort) is due or credit.
public struct Transfer: Codable, Equatable, Sendable {
  /// The cohort they left.
  public var from: Int
  /// The new price less what was paid before, in minor units: more than zero is due, less is credit.
  public var differenceMinor: Int64

  public init(from: Int, differenceMinor: Int64) {
    self.from = from
    self.differenceMinor = differenceMinor
  }
}

/// A discount for one person in one cohort, granted before they pay.
public struct GrantDiscount: Equatable, Sendable {
  public enum Size: Equatable, Sendable {
    /// Off the price, in the cohort's currency.
    case amount(Money)
    /// 1 to 100: price × percent ÷ 100, rounded down to the minor unit (the rest is paid).
    case percent(Int)
  }

  public var personID: UUID
  public var size: Size
  public var reason: String
  public var grantedBy: UUID

  public init(personID: UUID, size: Size, reason: String, grantedBy: UUID) {
    self.personID = personID
    self.size = size
    self.reason = reason
    self.grantedBy = grantedBy
  }
}

/// A discount was granted: `amountOff` comes off the price of that person's paid seat.
public struct DiscountGranted: Codable, Equatable, Sendable {
  public var personID: UUID
  public var amountOff: Money
  /// Set when granted as a percentage.
  public var percent: Int?
  public var reason: String
  public var grantedBy: UUID
  public var at: Date

  public init(personID: UUID, amountOff: Money, percent: Int?, reason: String, grantedBy: UUID, at: Date) {
    self.personID = personID
    self.amountOff = amountOff
    self.percent = percent
    self.reason = reason
    self.grantedBy = grantedBy
    self.at = at
  }
}
