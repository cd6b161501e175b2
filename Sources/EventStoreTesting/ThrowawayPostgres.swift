import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A PostgreSQL server of a test's own, started by `Scripts/postgres.sh` on a free loopback port,
/// that the test may stop and start again: the way a database goes away in production (a restart,
/// a failover) without disturbing the server every other test shares.
///
/// Needs PostgreSQL's server binaries (the test command installs them) and, as root, the
/// `postgres` user (the script creates it).
public struct ThrowawayPostgres: Sendable {
  /// `postgres://postgres@127.0.0.1:PORT/cohort?sslmode=disable`
  public let url: String
  private let directory: String
  /// Whether this value started the server (and so removes it).
  private let owned: Bool

  private static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Scripts/postgres.sh").path

  /// Runs `body` with an empty database of its own on a server that it may stop and start.
  ///
  /// The server is the one named by `COHORT_TEST_POSTGRES_RESTART_DIR` and
  /// `COHORT_TEST_POSTGRES_RESTART_URL` (the test command starts it before the tests, so that no
  /// test competes with `initdb` for the disk), else a new cluster, started now (a few seconds) and
  /// removed afterwards. Tests in one process take turns: one test stopping the server must not
  /// break another's.
  public static func withServer<T: Sendable>(_ body: (ThrowawayPostgres) async throws -> T) async throws -> T {
    await turns.take()
    do {
      let server = try start()
      do {
        let name = "restart_" + UUID().uuidString.prefix(8).lowercased()
        let url = try printedURL(["createdb", server.directory, name], log: server.directory)
        let result = try await body(ThrowawayPostgres(url: url, directory: server.directory, owned: server.owned))
        try server.remove()
        await turns.give()
        return result
      } catch {
        try? server.resume()
        try? server.remove()
        throw error
      }
    } catch {
      await turns.give()
      throw error
    }
  }

  private static let turns = Turns()

  private static func start() throws -> ThrowawayPostgres {
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment["COHORT_TEST_POSTGRES_RESTART_DIR"], !directory.isEmpty,
      let url = environment["COHORT_TEST_POSTGRES_RESTART_URL"], !url.isEmpty
    {
      return ThrowawayPostgres(url: url, directory: directory, owned: false)
    }
    let directory = NSTemporaryDirectory() + "cohort-throwaway-pg-" + UUID().uuidString
    return ThrowawayPostgres(
      url: try printedURL(["start", directory], log: directory), directory: directory, owned: true)
  }

  /// Runs the script and returns the database URL it prints as its last line.
  private static func printedURL(_ command: [String], log directory: String) throws -> String {
    let output = try run(command, log: directory)
    guard let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
      throw ScriptFailure(description: "Scripts/postgres.sh \(command[0]) printed no URL: \(output)")
    }
    return url
  }

  /// Stops the server as an administrator would (`pg_ctl stop -m fast`): sessions are told to
  /// terminate, then connections are refused. The cluster stays.
  public func pause() throws { _ = try Self.run(["pause", directory], log: directory) }

  /// Starts the stopped server again, on the same port.
  public func resume() throws { _ = try Self.run(["resume", directory], log: directory) }

  /// Stops the server and removes its cluster, if this value started it; a server the test
  /// command started is left to the test command.
  private func remove() throws {
    if owned { _ = try Self.run(["stop", directory], log: directory) }
  }

  private static func run(_ command: [String], log directory: String) throws -> String {
    // posix_spawn and waitpid rather than Foundation's Process, which on Linux was seen to leave
    // the finished script a zombie and never return from waitUntilExit. Output goes to a file: the
    // server the script starts would hold a pipe open for as long as it runs.
    let log = directory + ".log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let words: [String] = ["/bin/bash", script] + command
    let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
    defer { arguments.forEach { free($0) } }
    var argv = arguments + [nil]
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ)
    guard spawned == 0 else {
      throw ScriptFailure(description: "could not run Scripts/postgres.sh: errno \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let printed = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    guard status == 0 else {
      throw ScriptFailure(
        description: "Scripts/postgres.sh \(command.joined(separator: " ")) failed (wait status \(status)): \(printed)")
    }
    return printed.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  public struct ScriptFailure: Error, CustomStringConvertible {
    public var description: String
  }
}

/// Turns at the shared server, in arrival order.
private actor Turns {
  private var busy = false
  private var waiting: [CheckedContinuation<Void, Never>] = []

  func take() async {
    guard busy else {
      busy = true
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  func give() {
    if waiting.isEmpty {
      busy = false
    } else {
      waiting.removeFirst().resume()
    }
  }
}
