/// An amount of money in integer minor units (won for KRW, cents for USD); never floating point.
public struct Money: Codable, Hashable, Sendable, CustomStringConvertible {
  /// The amount in minor units of `currency`: 200,000 KRW is `200_000`, 12.50 USD is `1_250`.
  public let amountMinor: Int64
  /// The currency of the amount.
  public let currency: Currency

  /// Creates an amount; zero is allowed (a free cohort).
  ///
  /// - Parameter field: the request field named in the error, `price.amount_minor` by default.
  /// - Throws: `invalidArgument(field:)` if the amount is negative.
  public init(
    amountMinor: Int64, currency: Currency, field: String = "price.amount_minor"
  ) throws(DomainError) {
    guard amountMinor >= 0 else {
      throw .invalidArgument(field, "amount must not be negative; got \(amountMinor) \(currency)")
    }
    self.amountMinor = amountMinor
    self.currency = currency
  }

  /// The amount in major units with thousands separators and the code, e.g. "200,000 KRW" or
  /// "12.50 USD". Independent of the host locale.
  public var formatted: String {
    let exponent = currency.minorUnitExponent
    var divisor: Int64 = 1
    for _ in 0..<exponent { divisor *= 10 }
    let whole = Grouping.digits(amountMinor / divisor)
    guard exponent > 0 else { return "\(whole) \(currency)" }
    let fraction = String(amountMinor % divisor)
    let padded = String(repeating: "0", count: exponent - fraction.count) + fraction
    return "\(whole).\(padded) \(currency)"
  }

  /// Same as `formatted`.
  public var description: String { formatted }
}
