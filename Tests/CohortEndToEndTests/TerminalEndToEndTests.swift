import ArgumentParser
import CohortAPI
import CohortCLI
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The `cohort` executable as a person uses it: typed into a terminal (tmux: send-keys, then
/// capture-pane) for the progress bar and the charts, piped into other programs for JSON, CSV
/// and a followed tail, and completed by bash from the script it generates.
@Suite("The cohort executable in a terminal, in pipes, and in bash completion")
struct TerminalEndToEndTests {
  /// Where `swift build` put the executables.
  static let binaries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".build/debug")
  static var cohortPath: String { binaries.appendingPathComponent("cohort").path }

  /// The environment of a shell that talks to `server` (and nothing of this machine's own setup).
  static func environment(for server: TestServer) -> [String: String] {
    let home = NSTemporaryDirectory() + "cohort-home-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    return [
      "PATH": binaries.path + ":/usr/bin:/bin", "HOME": home, "COHORT_HOME": server.directory, "LANG": "C.UTF-8",
      "TERM": "xterm-256color",
    ]
  }

  /// A founder's cohort: the roster is imported in the terminal; two partner groups with
  /// attendance (one from a sheet) for the chart.
  static func prepare(_ owner: Session) async throws {
    func say(_ arguments: String...) async throws {
      _ = try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner)
    }
    try await say(
      "cohorts", "schedule", "--number", "9", "--title", "AI 부트캠프 9기", "--price", "200000", "--capacity", "30",
      "--starts", "2026-12-01", "--ends", "2027-01-31")
    try await say("cohorts", "open", "9")
    for (name, email) in [
      ("김민지", "minji@example.com"), ("박서연", "seoyeon@example.com"), ("이지우", "jiwoo@example.com"),
      ("최유나", "yuna@example.com"),
    ] {
      try await say("enroll", "9", "--name", name, "--email", email, "--free", "운영진")
    }
    try await say("groups", "create", "9", "--name", "1조")
    try await say("groups", "create", "9", "--name", "데이터 분석반")
    for email in ["minji@example.com", "seoyeon@example.com", "jiwoo@example.com"] {
      try await say("groups", "assign", "9", "--group", "1조", "--email", email)
    }
    try await say("groups", "assign", "9", "--group", "데이터 분석반", "--email", "yuna@example.com")
  }

  @Test("typed into tmux: the import's progress bar, the attendance chart with Korean names aligned, the funnel's bars")
  func inTmux() async throws {
    try await Self.withServer { server in try await Self.inTmux(server) }
  }

  static func inTmux(_ server: TestServer) async throws {
    try await Self.prepare(try server.ownerSession())
    let terminal = try await Tmux(environment: Self.environment(for: server))
    defer { terminal.kill() }

    let roster = SheetFixtures.path("roster-excel-cp949.csv")
    let imported = try await terminal.type("cohort import people \(roster)", until: "already there")
    // The bar's last state stays on screen: full, with the count and the rate.
    let bar = try #require(imported.split(separator: "\n").first { $0.hasPrefix("importing [") }, "\(imported)")
    #expect(bar.contains("[\(String(repeating: "█", count: 30))] 300/300 lines · "), "\(bar)")
    #expect(bar.contains("/s · ") && bar.hasSuffix(" · 2 refused") && !bar.contains("\u{1B}"), "\(bar)")
    #expect(imported.contains("298 imported, 0 already there, 2 refused"), "\(imported)")

    let attendance = try await terminal.type(
      "cohort import attendance \(SheetFixtures.path("attendance.csv")) --cohort 9 --group 1조", until: "already there")
    #expect(attendance.contains("4 imported"), "\(attendance)")
    let sheet = NSTemporaryDirectory() + "attendance-\(UUID().uuidString).csv"
    try "이름,날짜,출석\n최유나,2026-12-05,O\n".write(toFile: sheet, atomically: true, encoding: .utf8)
    _ = try await terminal.type(
      "cohort import attendance \(sheet) --cohort 9 --group '데이터 분석반'", until: "already there")

    let groups = try await terminal.type("cohort groups list 9", until: "Attendance per group:")
    let chart = groups.split(separator: "\n").drop { !$0.hasPrefix("Attendance per group:") }.dropFirst()
      .prefix(2).map(String.init)
    #expect(chart.count == 2, "\(groups)")
    // 1조: 김민지 came twice, 박서연 not, 이지우 excused (not counted): 2 of 3; 데이터 분석반: 1 of 1.
    #expect(chart.contains { $0.contains("1조") && $0.hasSuffix("67%") }, "\(chart)")
    #expect(chart.contains { $0.contains("데이터 분석반") && $0.hasSuffix("100%") }, "\(chart)")
    // Bars start in the same column of the terminal although the labels' widths differ (Hangul is two wide).
    let barColumns = chart.map { line in Self.displayWidth(String(line.prefix { !"█▏▎▍▌▋▊▉".contains($0) })) }
    #expect(Set(barColumns).count == 1, "\(chart)")

    let funnel = try await terminal.type("cohort funnel --cohort 9", until: "refunded")
    #expect(funnel.contains("interested") && funnel.contains("█"), "\(funnel)")
  }

  @Test("piped: JSON and CSV as they are, no progress bar, and a followed tail line by line")
  func piped() async throws {
    try await Self.withServer { server in try await Self.piped(server) }
  }

  static func piped(_ server: TestServer) async throws {
    try await Self.prepare(try server.ownerSession())
    let environment = Self.environment(for: server)
    func run(_ arguments: String...) async throws -> (status: Int32, out: Data, err: Data) {
      try await Self.run(Self.cohortPath, arguments, environment: environment)
    }

    let imported = try await run("import", "people", SheetFixtures.path("people-utf8.tsv"))
    #expect(imported.status == 0, "\(String(decoding: imported.err, as: UTF8.self))")
    #expect(!imported.err.contains(0x0D) && !imported.err.contains(0x1B), "no progress bar when not on a terminal")
    #expect(String(decoding: imported.out, as: UTF8.self).contains("imported"))

    let people = try await run("people", "list", "--output", "json")
    #expect(try Cohort_V1_ListPeopleReply(jsonUTF8Data: people.out).people.count >= 4)
    let funnel = try await run("funnel", "--cohort", "9", "--output", "csv")
    #expect(funnel.out.starts(with: [0xEF, 0xBB, 0xBF]) && !String(decoding: funnel.out, as: UTF8.self).contains("█"))

    // `cohort events tail --follow --output json | jq`: each event arrives as its own line, at once.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.cohortPath)
    process.arguments = ["events", "tail", "--follow", "--last", "1", "--output", "json"]
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    let received = Mutex(Data())
    pipe.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      received.withLock { $0.append(data) }
    }
    try process.run()
    defer { process.terminate() }
    func lines() -> [String] {
      String(decoding: received.withLock { $0 }, as: UTF8.self).split(separator: "\n").map(String.init)
    }
    try await EventTailJourney.eventually { lines().count == 1 }
    _ = try await
      (try #require(
        try CohortCommand.parseAsRoot(["people", "add", "--name", "정하늘", "--email", "haneul@example.com"])
          as? any CLICommand)).output(try server.ownerSession())
    try await EventTailJourney.eventually { lines().count == 2 }
    let event = try Cohort_V1_LoggedEvent(jsonString: try #require(lines().last))
    #expect(event.type == "cohort.v1.events.PersonRegistered" && event.dataJson.contains("정하늘"))
    process.terminate()
    process.waitUntilExit()
    pipe.fileHandleForReading.readabilityHandler = nil
  }

  @Test("bash loads the generated completion script and completes commands and flags")
  func bashCompletion() async throws {
    let script = NSTemporaryDirectory() + "cohort-completion-\(UUID().uuidString).bash"
    let generated = try await Self.run(Self.cohortPath, ["completion", "bash"], environment: [:])
    #expect(generated.status == 0)
    try generated.out.write(to: URL(fileURLWithPath: script))
    // As bash calls a completion function: the words so far, and $1 command, $2 current word, $3 previous.
    let probe = """
      source \(script) || exit 1
      complete -p cohort
      complete_words() {
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
        _cohort cohort "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        echo "${COMPREPLY[*]}"
      }
      complete_words cohort ev
      complete_words cohort events tail --fo
      complete_words cohort import ""
      """
    let result = try await Self.run(
      "/bin/bash", ["--norc", "--noprofile", "-c", probe], environment: ["PATH": "/usr/bin:/bin"])
    let lines = String(decoding: result.out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(result.status == 0, "\(String(decoding: result.err, as: UTF8.self))")
    #expect(lines.count >= 4, "\(lines)")
    guard lines.count >= 4 else { return }
    #expect(lines[0].contains("-F _cohort cohort"), "\(lines[0])")
    #expect(lines[1] == "events", "\(lines[1])")
    #expect(lines[2] == "--follow", "\(lines[2])")
    #expect(Set(lines[3].split(separator: " ")).isSuperset(of: ["people", "attempts", "payments", "attendance"]))
  }

  static func withServer(_ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start()
    do {
      try await body(server)
    } catch {
      try await server.stop()
      throw error
    }
    try await server.stop()
  }

  /// Columns `text` takes in a terminal: Hangul syllables and jamo are two wide.
  static func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
      width + ((0xAC00...0xD7A3).contains(scalar.value) || (0x1100...0x115F).contains(scalar.value) ? 2 : 1)
    }
  }

  /// Runs `executable` to its end (at most `timeout`), standard output and error collected in
  /// files rather than pipes: a daemon the program starts (tmux's server) may inherit a pipe and
  /// would keep it from ever reaching its end.
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)
  ) async throws -> (status: Int32, out: Data, err: Data) {
    let base = NSTemporaryDirectory() + "cohort-run-\(UUID().uuidString)"
    let (outPath, errPath) = (base + ".out", base + ".err")
    defer { for path in [outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
    for path in [outPath, errPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      if ContinuousClock.now > deadline {
        process.terminate()
        process.waitUntilExit()
        throw CLIError("\(executable) \(arguments.joined(separator: " ")) did not end within \(timeout)", exitCode: 1)
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    return (
      process.terminationStatus, try Data(contentsOf: URL(fileURLWithPath: outPath)),
      try Data(contentsOf: URL(fileURLWithPath: errPath))
    )
  }
}

/// A tmux server of its own (its own socket) with one 160×50 window running bash.
struct Tmux {
  let socket = "cohort-test-\(UUID().uuidString.prefix(8))"

  init(environment: [String: String]) async throws {
    let tmux = try Self.which("tmux")
    let variables = environment.flatMap { ["-e", "\($0.key)=\($0.value)"] }
    // The tmux server this starts is forked from the client and keeps every descriptor it
    // inherits: among them the one Foundation's Process watches to learn that the client has
    // ended. bash closes all but 0–2 first, then becomes the client.
    let closeAndExec =
      #"for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; exec "$@""#
    let started = try await TerminalEndToEndTests.run(
      "/bin/bash",
      [
        "--norc", "--noprofile", "-c", closeAndExec, "bash", tmux, "-u", "-L", socket, "-f", "/dev/null", "new-session",
        "-d",
        "-s", "main", "-x", "160", "-y", "50",
      ] + variables + ["/bin/bash --norc --noprofile"],
      environment: environment)
    guard started.status == 0 else {
      throw CLIError("tmux did not start: \(String(decoding: started.err, as: UTF8.self))", exitCode: 1)
    }
    _ = try await tmuxCommand(["set-option", "-g", "history-limit", "5000"])
  }

  /// Types `command` and Enter, waits (up to 60 s) until the screen shows `marker` after it, and
  /// returns what the command printed.
  func type(_ command: String, until marker: String) async throws -> String {
    _ = try await tmuxCommand(["send-keys", "-t", "main", "clear", "Enter"])
    try await Task.sleep(for: .milliseconds(200))
    _ = try await tmuxCommand(["send-keys", "-t", "main", "-l", command])
    _ = try await tmuxCommand(["send-keys", "-t", "main", "Enter"])
    for _ in 0..<600 {
      let screen = try await capture()
      if let start = screen.range(of: command), screen[start.upperBound...].contains(marker) {
        return String(screen[start.upperBound...])
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("'\(marker)' never appeared after '\(command)':\n\(try await capture())")
    return try await capture()
  }

  /// The screen as text (wide characters once each, trailing blanks trimmed).
  func capture() async throws -> String {
    String(decoding: try await tmuxCommand(["capture-pane", "-p", "-J", "-t", "main", "-S", "-200"]), as: UTF8.self)
  }

  /// Stops the tmux server and the shell in it; quick, so it may run in a `defer`.
  ///
  /// They are killed outright: both inherit the test runner's mask of blocked signals (SIGHUP and
  /// SIGTERM among them), so `kill-server` left them running after every test run.
  func kill() {
    guard let tmux = try? Self.which("tmux") else { return }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tmux)
    process.arguments = ["-L", socket, "display-message", "-p", "#{pid} #{pane_pid}"]
    let output = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return }
    let pids = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    for pid in pids.split(whereSeparator: \.isWhitespace).compactMap({ pid_t($0) }) where pid > 1 {
      _ = Glibc.kill(pid, SIGKILL)
    }
  }

  private func tmuxCommand(_ arguments: [String]) async throws -> Data {
    try await TerminalEndToEndTests.run(
      Self.which("tmux"), ["-u", "-L", socket] + arguments, environment: ["LANG": "C.UTF-8"]
    )
    .out
  }

  static func which(_ program: String) throws -> String {
    for directory in ["/usr/bin", "/bin", "/usr/local/bin"]
    where FileManager.default.isExecutableFile(
      atPath: "\(directory)/\(program)")
    {
      return "\(directory)/\(program)"
    }
    throw CLIError(
      "\(program) is not installed (Scripts/test.sh installs it: apt-get install -y \(program))", exitCode: 1)
  }
}
