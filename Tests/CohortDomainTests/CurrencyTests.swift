import CohortDomain
import Testing

@Suite("Currency")
struct CurrencyTests {
  @Test("keeps an uppercase ISO 4217 code")
  func keepsUppercaseCode() throws {
    #expect(try Currency("KRW").code == "KRW")
    #expect(try Currency("KRW") == Currency.krw)
  }

  @Test("uppercases lowercase input", arguments: ["krw", "Krw", "kRw"])
  func uppercasesLowercaseInput(code: String) throws {
    #expect(try Currency(code) == Currency.krw)
  }

  @Test(
    "rejects anything but three ASCII letters",
    arguments: [
      "", "KR", "KRWW", "K1W", "KR ", " KRW", "K-W", "₩", "₩₩₩", "ÄBC", "ßA", "한국원",
    ])
  func rejectsMalformedCodes(code: String) {
    let error = #expect(throws: DomainError.self) { try Currency(code) }
    #expect(error?.kind == .invalidArgument(field: "price.currency"))
  }

  @Test("explains which codes are accepted")
  func explainsTheRule() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "price.currency"),
        "currency \"KR\" must be a three-letter ISO 4217 code such as KRW or USD")
    ) { try Currency("KR") }
  }

  @Test("refuses three letters that are not an ISO 4217 currency", arguments: ["WON", "ABC", "XXX"])
  func refusesUnknownCodes(code: String) {
    let error = #expect(throws: DomainError.self) { try Currency(code) }
    #expect(error?.kind == .invalidArgument(field: "price.currency"))
    #expect(error?.message.contains("not an ISO 4217 currency") == true)
  }

  @Test("names the field it was given")
  func namesTheGivenField() {
    let error = #expect(throws: DomainError.self) { try Currency("US", field: "refund.currency") }
    #expect(error?.kind == .invalidArgument(field: "refund.currency"))
  }

  @Test(
    "knows the minor-unit exponent of each currency",
    arguments: [
      ("KRW", 0), ("JPY", 0), ("VND", 0), ("USD", 2), ("EUR", 2), ("GBP", 2), ("BHD", 3),
      ("KWD", 3), ("CHF", 2),
    ])
  func minorUnitExponent(code: String, exponent: Int) throws {
    #expect(try Currency(code).minorUnitExponent == exponent)
  }

  @Test("describes itself by its code")
  func description() {
    #expect(Currency.usd.description == "USD")
    #expect("\(Currency.krw)" == "KRW")
  }
}
