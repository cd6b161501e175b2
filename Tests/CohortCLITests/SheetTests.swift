import Foundation
import Testing

@testable import CohortCLI

private func fixture(_ name: String) throws -> Data {
  try Data(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/sheets/\(name)"))
}

@Suite("Reading spreadsheets")
struct SheetTests {
  @Test("Korean Excel's CP949 is detected; Korean headers; each record knows its line")
  func cp949() throws {
    let sheet = try Sheet.read(try fixture("roster-excel-cp949.csv"))
    #expect(sheet.encoding == .cp949)
    #expect(sheet.delimiter == ",")
    #expect(sheet.headers == ["이름", "이메일", "휴대폰", "기수", "유입경로", "비고"])
    #expect(sheet.records.count == 300)
    #expect(sheet.records[56].line == 58 && sheet.records[56].fields[1] == "member057@")
    #expect(sheet.records[4].fields[5] == "장학금 문의, 분할 결제", "a quoted cell keeps its comma")
    #expect(throws: SheetError.self) { try Sheet.read(try fixture("roster-excel-cp949.csv"), encoding: .utf8) }
    let forced = try Sheet.read(try fixture("roster-excel-cp949.csv"), encoding: .cp949)
    #expect(forced.records.count == 300)
  }

  @Test("UTF-8 with a BOM and semicolons; tabs with quoted line breaks; lines counted across them")
  func delimiters() throws {
    let semicolons = try Sheet.read(try fixture("people-utf8-bom-semicolon.csv"))
    #expect(semicolons.encoding == .utf8 && semicolons.delimiter == ";")
    #expect(semicolons.headers.first == "Name", "the byte order mark is not part of the first header")
    #expect(semicolons.records[2].fields[0] == "Lee; Jiwoo")
    let tabs = try Sheet.read(try fixture("people-utf8.tsv"))
    #expect(tabs.delimiter == "\t")
    #expect(tabs.records[0].fields[2] == "first line, with a comma\nsecond line")
    #expect(tabs.records[1].line == 4 && tabs.records[1].fields[2] == "she said \"maybe\"")
  }

  @Test("an unclosed quote names its line; empty rows are skipped; an empty file is refused")
  func broken() throws {
    #expect(throws: SheetError("line 3: a quoted field is never closed (a \" is missing)")) {
      try Sheet.read(try fixture("unclosed-quote.csv"))
    }
    let sheet = try Sheet.read(try fixture("people-broken.csv"))
    #expect(sheet.records.map(\.line) == [2, 3, 4, 5, 6, 7, 9])
    #expect(throws: SheetError.self) { try Sheet.read(Data()) }
  }

  @Test("headers match in Korean and English, ignoring case, spaces and punctuation; the rest is listed")
  func columns() throws {
    let fields = ImportPeople.fields
    let map = try ColumnMap(
      headers: ["성명", "E-Mail", "휴대폰 번호", "Phone", "가입일"], fields: fields, mappings: ["Phone=ignore"])
    #expect(map.columns["name"] == 0 && map.columns["email"] == 1 && map.columns["phone"] == 2)
    #expect(map.unknown == ["가입일"])
    let mapped = try ColumnMap(headers: ["이름", "메일주소", "x"], fields: fields, mappings: ["메일주소=email"])
    #expect(mapped.columns["email"] == 1 && mapped.unknown == ["x"])
    #expect(throws: SheetError.self) { try ColumnMap(headers: ["이름"], fields: fields) }
    #expect(throws: SheetError.self) { try ColumnMap(headers: ["이름", "이메일", "email"], fields: fields) }
    #expect(throws: SheetError.self) {
      try ColumnMap(headers: ["이름", "이메일"], fields: fields, mappings: ["이름=nothing"])
    }
  }

  @Test("values as spreadsheets write them")
  func values() throws {
    for text in ["2026-12-01", "2026.12.01", "2026/12/1", "2026. 12. 1.", "20261201", "2026-12-01 10:31:02"] {
      #expect(try SheetValues.day(text, field: "date").iso == "2026-12-01", "\(text)")
    }
    #expect(throws: LineProblem.self) { try SheetValues.day("12/01", field: "date") }
    #expect(throws: LineProblem.self) { try SheetValues.day("2026-02-30", field: "date") }
    #expect(try SheetValues.amount("200,000원", currency: .krw).amountMinor == 200_000)
    #expect(try SheetValues.amount("₩150,000", currency: .krw).amountMinor == 150_000)
    #expect(throws: LineProblem.self) { try SheetValues.amount("0", currency: .krw) }
    #expect(try SheetValues.cohort("제9기") == 9)
    #expect(try SheetValues.choice("카톡", field: "channel", SheetValues.channels) == .message)
    #expect(try SheetValues.choice("No Answer", field: "outcome", SheetValues.outcomes) == .noAnswer)
    #expect(try SheetValues.choice("O", field: "attendance", SheetValues.attendance) == .present)
  }
}

@Suite("Writing spreadsheets and terminals")
struct OutputTests {
  @Test("CSV: quoted where needed, CRLF, formulas made inert, numbers left alone")
  func csv() {
    var table = Table("name", "amount")
    table.add("김, 민지", "-5000")
    table.add("=HYPERLINK(\"x\")", "200000")
    table.add("line\nbreak", "+82")
    #expect(
      table.csv == "name,amount\r\n\"김, 민지\",-5000\r\n\"'=HYPERLINK(\"\"x\"\")\",200000\r\n\"line\nbreak\",+82\r\n")
  }

  @Test("UTF-8 with a BOM for Excel; CP949 with '?' for what it lacks")
  func encodings() throws {
    #expect(try SheetEncoding.utf8.encode("a").data == Data([0xEF, 0xBB, 0xBF, 0x61]))
    let (data, replaced) = try SheetEncoding.cp949.encode("김민지 😀")
    #expect(replaced == 1)
    #expect(try SheetEncoding.decode(data, forced: .cp949).text == "김민지 ?")
  }

  @Test("control, format and bidi characters from the server are escaped, layout kept")
  func terminalText() {
    #expect(TerminalText.safe("a\u{1B}[2Jb\nc\td") == "a\\u001B[2Jb\nc\td")
    #expect(TerminalText.safe("x\u{202E}y", keepingLayout: false) == "x\\u202Ey")
    #expect(TerminalText.safe("a\nb", keepingLayout: false) == "a\\u000Ab")
    #expect(TerminalText.safe("\u{E0001}") == "\\uDB40\\uDC01")
    #expect(TerminalText.safe("김민지 👩‍💻") == "김민지 👩‍💻")
    var table = Table("NAME")
    table.add("\u{1B}]0;pwned\u{7}")
    #expect(!table.rendered.contains("\u{1B}"))
  }

  @Test("bars line up after Hangul labels and scale to the widest; sparklines")
  func charts() {
    let chart = Chart.bars([("출석", 10), ("absent", 5), ("none", 0)], width: 10, format: { String(Int($0)) })
    let lines = chart.split(separator: "\n").map(String.init)
    #expect(lines[0] == "  출석    ██████████ 10")
    #expect(lines[1] == "  absent  █████ 5")
    #expect(lines[2] == "  none     0")
    #expect(Chart.bar(1, of: 8, width: 1) == "▏")
    #expect(Chart.sparkline([0, 1, 7]) == "▁▂█")
    #expect(Chart.sparkline([]) == nil)
  }
}
