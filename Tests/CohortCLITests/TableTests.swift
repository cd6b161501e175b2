import Testing

@testable import CohortCLI

@Suite("Tables line up in a terminal")
struct TableTests {
  @Test("Hangul takes two columns, so columns after Korean names still line up")
  func wideCharacters() {
    #expect(Table.width(of: "김민지") == 6)
    #expect(Table.width(of: "Alex Kim") == 8)
    #expect(Table.width(of: "AI 활용 9기") == 11)
    var table = Table("NAME", "EMAIL")
    table.add("김민지", "minji@example.com")
    table.add("Alex Kim", "alex@example.com")
    let lines = table.rendered.split(separator: "\n").map(String.init)
    // Where the second column starts, in terminal columns.
    let emailColumns = zip(lines, ["EMAIL", "minji@example.com", "alex@example.com"]).map { line, email in
      Table.width(of: line) - Table.width(of: email)
    }
    #expect(lines.count == 3)
    #expect(Set(emailColumns).count == 1, "\(lines)")
  }
}
