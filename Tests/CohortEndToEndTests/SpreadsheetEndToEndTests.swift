import ArgumentParser
import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

/// The committed spreadsheets of Tests/Fixtures/sheets.
enum SheetFixtures {
  static func path(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/sheets/\(name)").path
  }
}

/// A founder's spreadsheets through the `cohort` CLI against a real cohortd over TLS: a 300-line
/// roster Korean Excel saved as CP949 (two bad lines), imported twice; an outreach sheet, a
/// bank's export and an attendance sheet; the funnel and a cohort report out as CSV.
enum SpreadsheetJourney {
  static func run(on server: TestServer) async throws {
    let owner = try server.ownerSession()
    func printout(_ arguments: [String]) async throws -> Printout {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner)
    }
    func say(_ arguments: String...) async throws -> String { try await printout(arguments).text }

    _ = try await say(
      "cohorts", "schedule", "--number", "9", "--title", "AI 부트캠프 9기", "--price", "200000", "--capacity", "300",
      "--starts", "2026-12-01", "--ends", "2027-01-31")

    // The roster: 298 people and their interest in cohort 9; lines 58 and 204 refused.
    let roster = SheetFixtures.path("roster-excel-cp949.csv")
    let dry = try await printout(["import", "people", roster, "--dry-run"])
    #expect(dry.text.contains("Dry run") && dry.text.contains("298 would be sent, 2 refused"), "\(dry.text)")
    #expect(dry.exitCode == 1)
    let people0 = try await say("people", "list", "--output", "json")
    #expect(!people0.contains("member001"), "a dry run writes nothing")

    let first = try await printout(["import", "people", roster])
    #expect(first.text.contains("(CP949, comma-separated, 300 lines)"), "\(first.text)")
    #expect(first.text.contains("298 imported, 0 already there, 2 refused"), "\(first.text)")
    #expect(first.text.contains("58    email") && first.text.contains("member057@"), "\(first.text)")
    #expect(first.text.contains("204   name   name must not be empty"), "\(first.text)")
    #expect(first.exitCode == 1)

    let second = try await printout(["import", "people", roster, "--output", "json"])
    let summary = try JSONSerialization.jsonObject(with: Data(second.text.utf8)) as? [String: Any]
    #expect(summary?["imported"] as? Int == 0)
    #expect(summary?["alreadyThere"] as? Int == 298)
    #expect(summary?["refused"] as? Int == 2)

    let people = try Cohort_V1_ListPeopleReply(jsonString: try await say("people", "list", "--output", "json"))
    #expect(people.people.count == 298, "nothing was duplicated")
    #expect(people.people.contains { $0.email == "member001@example.com" && $0.phone == "+821010015001" })
    #expect(try await say("people", "list", "--limit", "5", "--output", "csv").split(separator: "\r\n").count == 6)

    // All or nothing: a file with bad lines writes none of its good ones.
    let broken = try await printout(["import", "people", SheetFixtures.path("people-broken.csv"), "--all-or-nothing"])
    #expect(broken.text.contains("Nothing was written") && broken.text.contains("Columns not imported: 가입일"))
    #expect(!(try await say("people", "list")).contains("gildong@example.com"))
    // Every bad line by number and field: no name, a bad e-mail, a bad phone, an e-mail already on
    // an earlier line, a cell more than the header.
    let checked =
      try JSONSerialization.jsonObject(
        with: Data(
          try await say("import", "people", SheetFixtures.path("people-broken.csv"), "--dry-run", "--output", "json")
            .utf8)) as? [String: Any]
    let refused = (checked?["lines"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "refused" }
    #expect(refused.map { $0["line"] as? Int } == [3, 4, 5, 6, 7], "\(refused)")
    #expect(refused.map { $0["field"] as? String } == ["name", "email", "phone", "email", nil], "\(refused)")
    #expect(refused[3]["reason"] as? String == "gildong@example.com is on line 2 already", "\(refused)")

    // The funnel and the cohort report as CSV, as Excel opens them: UTF-8 with a byte order mark.
    guard case .file(let funnel) = try await printout(["funnel", "--cohort", "9", "--output", "csv"]).body else {
      Issue.record("the funnel's CSV is a file")
      return
    }
    #expect(funnel.starts(with: [0xEF, 0xBB, 0xBF]))
    let funnelText = String(decoding: funnel.dropFirst(3), as: UTF8.self)
    #expect(funnelText.hasPrefix("figure,value\r\ncohort,9\r\npeople,298\r\n"), "\(funnelText)")
    #expect(funnelText.contains("interested,298\r\n"))
    guard
      case .file(let report) = try await printout(["cohorts", "report", "9", "--output", "csv", "--encoding", "cp949"])
        .body
    else {
      Issue.record("the report's CSV is a file")
      return
    }
    #expect(String(data: report, encoding: .utf8) == nil, "Korean in CP949 is not UTF-8")
    let reportText = try SheetEncoding.decode(report, forced: .cp949).text
    #expect(reportText.contains("title,AI 부트캠프 9기\r\n") && reportText.contains("capacity,300\r\n"), "\(reportText)")
    #expect(try await say("funnel", "--cohort", "9").contains("interested  ██████████████████████████████ 298"))

    // Bank transfers: found by name; a name the roster has 16 times and a stranger are refused,
    // the withdrawal (money out, on the same sheet) is skipped, no error.
    _ = try await say("people", "add", "--name", "김민지", "--email", "minji@example.com")
    _ = try await say("people", "add", "--name", "박서연", "--email", "seoyeon@example.com")
    let bank = try await printout([
      "import", "payments", SheetFixtures.path("bank-export-cp949.csv"), "--cohort", "9", "--map", "잔액=ignore",
      "--map", "거래점=ignore",
    ])
    #expect(bank.text.contains("1 imported, 0 already there, 1 skipped, 2 refused"), "\(bank.text)")
    #expect(bank.text.contains("16 people are named 김민지; add an e-mail column"), "\(bank.text)")
    #expect(bank.text.contains("no registered person is named 아무개"), "\(bank.text)")
    #expect(bank.text.contains("Skipped:") && bank.text.contains("withdrawal  a withdrawal of 50,000"), "\(bank.text)")
    #expect(!bank.text.contains("Columns not imported"))
    let paying = try Cohort_V1_ListPeopleReply(
      jsonString: try await say("people", "list", "--status", "paying", "--output", "json"))
    #expect(paying.people.map(\.email) == ["seoyeon@example.com"])
    let bankAgain = try await say(
      "import", "payments", SheetFixtures.path("bank-export-cp949.csv"), "--cohort", "9", "--output", "json")
    let again = try JSONSerialization.jsonObject(with: Data(bankAgain.utf8)) as? [String: Any]
    #expect(again?["imported"] as? Int == 0 && again?["alreadyThere"] as? Int == 1, "\(bankAgain)")
    #expect(again?["skipped"] as? Int == 1 && again?["refused"] as? Int == 2, "\(bankAgain)")

    // An attendance sheet for a partner group: a session per day is added, an unknown name refused.
    _ = try await say("people", "add", "--name", "이지우", "--email", "jiwoo@example.com")
    _ = try await say("groups", "create", "9", "--name", "1조")
    _ = try await say("cohorts", "open", "9")
    for (name, email) in [("김민지", "minji@example.com"), ("박서연", "seoyeon@example.com"), ("이지우", "jiwoo@example.com")] {
      _ = try await say("enroll", "9", "--name", name, "--email", email, "--free", "운영진")
    }
    for email in ["minji@example.com", "seoyeon@example.com", "jiwoo@example.com"] {
      _ = try await say("groups", "assign", "9", "--group", "1조", "--email", email)
    }
    let attendance = ["import", "attendance", SheetFixtures.path("attendance.csv"), "--cohort", "9", "--group", "1조"]
    let marked = try await printout(attendance)
    #expect(marked.text.contains("4 imported, 0 already there, 1 refused"), "\(marked.text)")
    #expect(marked.text.contains("6     name   nobody named 없는사람 is in group 1조"), "\(marked.text)")
    #expect(try await printout(attendance).text.contains("0 imported, 4 already there, 1 refused"))
    let group = try Cohort_V1_GetGroupReply(
      jsonString: try await say("groups", "show", "9", "1조", "--output", "json"))
    #expect(group.sessions.map { [$0.date.month, $0.date.day] } == [[12, 5], [12, 12]], "\(group.sessions)")

    // An outreach sheet in Korean.
    let experiment = try Cohort_V1_ExperimentCommandReply(
      jsonString: try await say(
        "experiments", "start", "--hypothesis", "HR 담당자는 교육에 돈을 낸다", "--offer", "사내 교육", "--price", "300000",
        "--budget", "10", "--output", "json"))
    let attempts = try await printout([
      "import", "attempts", SheetFixtures.path("attempts-excel-cp949.csv"), "--experiment", experiment.experimentID,
    ])
    #expect(attempts.text.contains("4 imported, 0 already there, 2 refused"), "\(attempts.text)")
    #expect(attempts.text.contains("'환불' is not a known outcome"), "\(attempts.text)")
    #expect(attempts.text.contains("nobody to attempt"), "\(attempts.text)")
    let shown = try await say("experiments", "show", experiment.experimentID)
    #expect(shown.contains("Attempts:   4 of 10"), "\(shown)")
  }
}

@Suite("Spreadsheets through the CLI (SQLite)")
struct SpreadsheetEndToEndTests {
  @Test("a CP949 roster with two bad lines, imported twice; transfers, attempts; the funnel and a report as CSV")
  func journey() async throws {
    let server = try await TestServer.start()
    do {
      try await SpreadsheetJourney.run(on: server)
    } catch {
      try await server.stop()
      throw error
    }
    try await server.stop()
  }

  @Test("contexts switch between two servers; whoami names the one in use")
  func contexts() async throws {
    let first = try await TestServer.start()
    let second = try await TestServer.start()
    let config = NSTemporaryDirectory() + "cohort-config-\(UUID().uuidString)/config.json"
    func run(_ arguments: String...) throws {
      var command = try CohortCommand.parseAsRoot(arguments)
      try command.run()
    }
    for (name, server) in [("first", first), ("second", second)] {
      try run(
        "context", "add", name, "--server", server.address.description, "--ca", server.info.caCertificatePath,
        "--token-file", server.info.ownerTokenPath ?? "", "--config", config)
    }
    func whoami(_ extra: [String]) async throws -> String {
      let parsed = try CohortCommand.parseAsRoot(["whoami", "--config", config] + extra)
      let command = try #require(parsed as? any CLICommand)
      return try await command.output(try Session(command.connection, environment: [:])).text
    }
    try run("context", "use", "first", "--config", config)
    #expect(try await whoami([]).contains("Server:    \(first.address)"))
    #expect(try await whoami([]).contains("Context:   first"))
    try run("context", "use", "second", "--config", config)
    #expect(try await whoami([]).contains("Server:    \(second.address)"))
    #expect(try await whoami(["--context", "first"]).contains("Server:    \(first.address)"))
    #expect(throws: CLIError.self) { try run("context", "use", "third", "--config", config) }
    try run("context", "remove", "second", "--config", config)
    let saved = try String(contentsOfFile: config, encoding: .utf8)
    #expect(!saved.contains("second") && saved.contains("first"))
    let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    try await first.stop()
    try await second.stop()
  }
}
