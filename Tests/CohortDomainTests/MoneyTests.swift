import CohortDomain
import Testing

@Suite("Money")
struct MoneyTests {
  @Test("holds integer minor units and a currency")
  func holdsMinorUnits() throws {
    let price = try Money(amountMinor: 200_000, currency: .krw)
    #expect(price.amountMinor == 200_000)
    #expect(price.currency == .krw)
  }

  @Test("allows zero, for free cohorts")
  func allowsZero() throws {
    #expect(try Money(amountMinor: 0, currency: .krw).amountMinor == 0)
  }

  @Test("rejects a negative amount, naming price.amount_minor")
  func rejectsNegativeAmount() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "price.amount_minor"), "amount must not be negative; got -1 KRW")
    ) { try Money(amountMinor: -1, currency: .krw) }
  }

  @Test("rejects the most negative amount")
  func rejectsMinimumAmount() {
    let error = #expect(throws: DomainError.self) {
      try Money(amountMinor: .min, currency: .usd)
    }
    #expect(error?.kind == .invalidArgument(field: "price.amount_minor"))
  }

  @Test("names the field it was given")
  func namesTheGivenField() {
    let error = #expect(throws: DomainError.self) {
      try Money(amountMinor: -500, currency: .krw, field: "refund.amount_minor")
    }
    #expect(error?.kind == .invalidArgument(field: "refund.amount_minor"))
  }

  @Test(
    "formats major units with thousands separators and the code",
    arguments: [
      (200_000, "KRW", "200,000 KRW"),
      (0, "KRW", "0 KRW"),
      (999, "KRW", "999 KRW"),
      (1_000, "KRW", "1,000 KRW"),
      (1_500, "JPY", "1,500 JPY"),
      (1_250, "USD", "12.50 USD"),
      (5, "USD", "0.05 USD"),
      (0, "USD", "0.00 USD"),
      (100, "USD", "1.00 USD"),
      (1_999, "EUR", "19.99 EUR"),
      (123_456_789, "GBP", "1,234,567.89 GBP"),
      (1_500, "BHD", "1.500 BHD"),
      (7, "KWD", "0.007 KWD"),
      (Int64.max, "KRW", "9,223,372,036,854,775,807 KRW"),
    ] as [(Int64, String, String)])
  func formatted(amountMinor: Int64, code: String, expected: String) throws {
    let money = try Money(amountMinor: amountMinor, currency: Currency(code))
    #expect(money.formatted == expected)
    #expect(money.description == expected)
  }
}
