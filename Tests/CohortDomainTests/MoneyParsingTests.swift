import Testing

@testable import CohortDomain

@Suite("Money typed by people")
struct MoneyParsingTests {
  @Test(
    "amounts in major units become minor units",
    arguments: [
      ("200000", "KRW", 200_000), ("200,000", "KRW", 200_000), ("0", "KRW", 0), ("12.50", "USD", 1_250),
      ("12.5", "USD", 1_250), ("12", "USD", 1_200), ("1.234", "BHD", 1_234),
    ])
  func parses(text: String, currency: String, minor: Int64) throws {
    #expect(try Money(parsing: text, currency: Currency(currency)).amountMinor == minor)
  }

  @Test(
    "fractions the currency does not have, signs and junk are refused",
    arguments: [
      ("1.5", "KRW"), ("12.345", "USD"), ("-5", "KRW"), ("abc", "KRW"), ("", "KRW"), ("1.", "USD"), (".5", "USD"),
      ("99999999999999999999", "KRW"),
    ])
  func refuses(text: String, currency: String) throws {
    let error = #expect(throws: DomainError.self) { try Money(parsing: text, currency: Currency(currency)) }
    #expect(error?.kind == .invalidArgument(field: "price"))
  }
}
