import CohortCLI
import CohortClient
import CohortServer
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A real `cohortd` (the same `CohortServer` the executable runs) on a free loopback port, with
/// its own data directory, driven through a `ServiceGroup` like the executable.
struct TestServer {
  let directory: String
  let info: LocalServerInfo
  private let group: ServiceGroup
  private let task: Task<Void, any Error>

  /// - Parameter log: receives every line the server logs, at trace level, instead of the console.
  static func start(
    directory: String = Self.temporaryDirectory(), databaseURL: String? = nil, log: LogCapture? = nil,
    configure: (inout ServerConfiguration) -> Void = { _ in }
  ) async throws -> TestServer {
    var configuration = ServerConfiguration(dataDirectory: directory)
    configuration.port = 0
    configuration.httpsPort = 0
    configuration.databaseURL = databaseURL
    configuration.firstTenantName = "AI 스터디 커뮤니티"
    configure(&configuration)
    var logger =
      log.map { capture in Logger(label: "cohortd-test") { _ in CapturingLogHandler(capture: capture) } }
      ?? Logger(label: "cohortd-test")
    logger.logLevel =
      log != nil ? .trace : ProcessInfo.processInfo.environment["COHORT_TEST_LOG"] == nil ? .warning : .debug
    let server = CohortServer(configuration: configuration, logger: logger)
    let group = ServiceGroup(services: [server], logger: logger)
    let task = Task { try await group.run() }
    do {
      let info = try await server.serving
      return TestServer(directory: directory, info: info, group: group, task: task)
    } catch {
      task.cancel()
      throw error
    }
  }

  static func temporaryDirectory() -> String {
    NSTemporaryDirectory() + "cohort-e2e-" + UUID().uuidString
  }

  /// Graceful shutdown, as on SIGTERM; returns once everything has stopped.
  func stop() async throws {
    await group.triggerGracefulShutdown()
    try await task.value
  }

  var address: ServerAddress { ServerAddress(host: info.host, port: info.port) }

  var ownerToken: String {
    get throws {
      try String(contentsOfFile: info.ownerTokenPath ?? "", encoding: .utf8).trimmingCharacters(
        in: .whitespacesAndNewlines)
    }
  }

  func settings(token: String?) -> ClientSettings {
    ClientSettings(address: address, caCertificatePath: info.caCertificatePath, token: token)
  }

  /// A CLI session as the owner, with no retries so that tests see the first answer.
  func ownerSession() throws -> Session {
    var session = Session(settings: settings(token: try ownerToken))
    session.attempts = 1
    return session
  }
}

/// Every line a server logged: message, metadata and source, as one string each.
final class LogCapture: Sendable {
  private let lines = Mutex<[String]>([])

  func append(_ line: String) { lines.withLock { $0.append(line) } }

  var all: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
  let capture: LogCapture
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
    capture.append("\(event.level) \(event.message) \(all) \(event.source) \(event.file):\(event.line)")
  }
}
