import Foundation

extension Money {
  /// Reads an amount typed in major units, as people write it: "200000", "200,000", "12.50".
  /// The number of decimals may not exceed the currency's minor unit (no fractions of a won).
  public init(parsing text: String, currency: Currency, field: String = "price") throws(DomainError) {
    let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
    let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
    let exponent = currency.minorUnitExponent
    guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCIIDigit),
      parts.count == 1 || (parts[1].count <= exponent && !parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit))
    else {
      let decimals = exponent == 0 ? "no decimals" : "at most \(exponent) decimals"
      throw .invalidArgument(field, "\(Validate.quoted(text)) is not an amount of \(currency) (digits, \(decimals))")
    }
    let fraction = parts.count == 2 ? String(parts[1]) : ""
    let digits = String(parts[0]) + fraction + String(repeating: "0", count: exponent - fraction.count)
    guard let minor = Int64(digits) else {
      throw .invalidArgument(field, "\(Validate.quoted(text)) is too large an amount")
    }
    try self.init(amountMinor: minor, currency: currency, field: field)
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
