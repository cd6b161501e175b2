import EventStore
import EventStorePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL server the integration tests use, named by `COHORT_TEST_POSTGRES_URL`
/// (`Scripts/postgres.sh start DIR` starts one and prints its URL).
///
/// Without the variable the integration suites are skipped, unless `COHORT_REQUIRE_POSTGRES=1`
/// says a server is expected (as in CI): then they run and fail, saying the variable is missing.
enum TestDatabase {
  static let variable = "COHORT_TEST_POSTGRES_URL"
  static let url = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
  static let required = ProcessInfo.processInfo.environment["COHORT_REQUIRE_POSTGRES"] == "1"

  /// Whether the integration suites run.
  static let enabled = url != nil || required
  static let skipReason: Comment =
    "\(variable) is not set: start a server with Scripts/postgres.sh start DIR and export the URL it prints"

  static let logger: Logger = {
    var logger = Logger(label: "cohort.test.postgres")
    logger.logLevel = .warning
    return logger
  }()

  /// The configuration of the test server, or a failure naming the missing variable.
  static func configuration() throws -> PostgresEventStore.Configuration {
    guard let url else {
      throw MissingDatabase(
        description: "COHORT_REQUIRE_POSTGRES=1 but \(variable) is not set: "
          + "start a server with Scripts/postgres.sh start DIR and export the URL it prints")
    }
    var configuration = try PostgresEventStore.Configuration(url: url)
    // Many stores share one server during a test run.
    configuration.maximumConnections = 6
    return configuration
  }

  /// A store on the test server, running and migrated, for the duration of `body`.
  static func withStore<T: Sendable>(
    _ configuration: PostgresEventStore.Configuration? = nil,
    _ body: (PostgresEventStore) async throws -> T
  ) async throws -> T {
    let store = PostgresEventStore(configuration: try configuration ?? self.configuration(), logger: logger)
    let running = Task { try await store.run() }
    defer { running.cancel() }
    try await store.migrate()
    return try await body(store)
  }

  /// A plain PostgresNIO client on the test server, for what the store does not offer.
  static func withRawClient<T: Sendable>(
    _ configuration: PostgresEventStore.Configuration? = nil,
    _ body: (PostgresClient) async throws -> T
  ) async throws -> T {
    let configuration = try configuration ?? self.configuration()
    let client = PostgresClient(
      configuration: .init(
        host: configuration.host, port: configuration.port, username: configuration.username,
        password: configuration.password, database: configuration.database, tls: .disable),
      backgroundLogger: logger)
    let running = Task { await client.run() }
    defer { running.cancel() }
    return try await body(client)
  }
}

struct MissingDatabase: Error, CustomStringConvertible {
  var description: String
}

/// Fails with `message` if `body` has not finished within `limit`.
func withTimeout<T: Sendable>(
  _ limit: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T?.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: limit)
      return nil
    }
    defer { group.cancelAll() }
    guard let first = try await group.next(), let result = first else {
      throw TimedOut(description: "\(message) (after \(limit))")
    }
    return result
  }
}

/// The error code `body` fails with, or `nil` if it succeeds.
func failureCode(_ body: () async throws(EventStoreError) -> Void) async -> EventStoreError.Code? {
  do {
    try await body()
    return nil
  } catch {
    return error.code
  }
}

struct TimedOut: Error, CustomStringConvertible {
  var description: String
}
