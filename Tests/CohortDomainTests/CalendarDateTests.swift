import CohortDomain
import Testing

@Suite("CalendarDate")
struct CalendarDateTests {
  @Test("parses YYYY-MM-DD into its parts")
  func parsesParts() throws {
    let date = try CalendarDate(iso: "2026-03-02")
    #expect(date.year == 2026)
    #expect(date.month == 3)
    #expect(date.day == 2)
  }

  @Test(
    "round-trips valid days, leap days included",
    arguments: [
      "2026-03-02", "2026-12-31", "2026-04-30", "2026-02-28", "2024-02-29", "2000-02-29",
      "0001-01-01", "9999-12-31",
    ])
  func roundTrips(iso: String) throws {
    let date = try CalendarDate(iso: iso)
    #expect(date.iso == iso)
    #expect(date.description == iso)
  }

  @Test(
    "rejects text that is not exactly YYYY-MM-DD",
    arguments: [
      "", "2026-3-02", "2026-03-2", "26-03-02", "2026/03/02", "20260302", "2026-03-02T09:00",
      " 2026-03-02", "2026-03-02 ", "２０２６-03-02", "2026-03-0a", "+026-03-02", "2026--3-02",
      "2026년 3월 2일",
    ])
  func rejectsMalformedText(iso: String) {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "starts_on"),
        "date \"\(iso)\" must be written as YYYY-MM-DD, e.g. 2026-03-02")
    ) { try CalendarDate(iso: iso, field: "starts_on") }
  }

  @Test(
    "rejects days that do not exist",
    arguments: [
      "2025-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-06-31", "2026-09-31",
      "2026-11-31", "2026-01-32", "2026-01-00", "2026-13-01", "2026-00-10", "0000-01-01",
    ])
  func rejectsImpossibleDays(iso: String) {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "ends_on"), "date \(iso) does not exist on the calendar")
    ) { try CalendarDate(iso: iso, field: "ends_on") }
  }

  @Test("builds from parts and pads the ISO text")
  func buildsFromParts() throws {
    #expect(try CalendarDate(year: 2026, month: 3, day: 2).iso == "2026-03-02")
    #expect(try CalendarDate(year: 33, month: 1, day: 1).iso == "0033-01-01")
  }

  @Test("rejects impossible parts, naming the field")
  func rejectsImpossibleParts() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "starts_on"), "date 2026-02-29 does not exist on the calendar")
    ) { try CalendarDate(year: 2026, month: 2, day: 29, field: "starts_on") }
    let error = #expect(throws: DomainError.self) { try CalendarDate(year: -1, month: 1, day: 1) }
    #expect(error?.kind == .invalidArgument(field: "date"))
  }

  @Test("orders by year, then month, then day")
  func ordersChronologically() throws {
    let dates = try ["2026-03-02", "2025-12-31", "2026-02-28", "2026-03-01", "2026-03-02"]
      .map { iso throws(DomainError) in try CalendarDate(iso: iso) }
    #expect(
      dates.sorted().map(\.iso) == [
        "2025-12-31", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-02",
      ])
    #expect(try CalendarDate(iso: "2026-03-02") <= CalendarDate(iso: "2026-03-02"))
    #expect(try CalendarDate(iso: "2026-12-01") > CalendarDate(iso: "2026-03-31"))
  }
}
