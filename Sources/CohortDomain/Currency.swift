/// An ISO 4217 currency code such as `KRW` or `USD`.
public struct Currency: Codable, Hashable, Sendable, CustomStringConvertible {
  /// The three uppercase ASCII letters of the code.
  public let code: String

  /// Validates and normalizes a currency code; lowercase input is uppercased ("krw" → "KRW").
  ///
  /// - Parameter field: the request field named in the error, `price.currency` by default.
  /// - Throws: `invalidArgument(field:)` unless the code is an active ISO 4217 code.
  public init(_ code: String, field: String = "price.currency") throws(DomainError) {
    guard code.utf8.count == 3, code.utf8.allSatisfy(Self.isASCIILetter) else {
      throw .invalidArgument(
        field, "currency \(Validate.quoted(code)) must be a three-letter ISO 4217 code such as KRW or USD")
    }
    guard Self.active.contains(code.uppercased()) else {
      throw .invalidArgument(
        field, "currency \(Validate.quoted(code)) is not an ISO 4217 currency; use a code such as KRW or USD")
    }
    self.code = code.uppercased()
  }

  /// The number of digits after the decimal point in the minor unit:
  /// 0 for KRW and JPY (1 won is the smallest amount), 2 for USD (cents), 3 for BHD (fils).
  public var minorUnitExponent: Int {
    if Self.zeroDecimal.contains(code) { return 0 }
    if Self.threeDecimal.contains(code) { return 3 }
    return 2
  }

  /// The code, e.g. "KRW".
  public var description: String { code }

  /// The Korean won, the currency most cohorts are priced in.
  public static let krw = Currency(verified: "KRW")
  /// The US dollar.
  public static let usd = Currency(verified: "USD")

  private init(verified code: String) { self.code = code }

  private static func isASCIILetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
      || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
  }

  /// The active ISO 4217 currency codes.
  private static let active: Set<String> = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG",
    "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
    "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
    "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
    "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR",
    "ZMW", "ZWG",
  ]

  private static let zeroDecimal: Set<String> = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
  ]
  private static let threeDecimal: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
}
