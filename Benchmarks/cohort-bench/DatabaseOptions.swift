import ArgumentParser
import EventStorePostgres
import Logging

/// The PostgreSQL database a subcommand works on, and a running store on it.
struct DatabaseOptions: ParsableArguments {
  @Option(name: .customLong("database-url"), help: "postgres:// URL of the database.")
  var databaseURL: String

  /// Runs `body` with a store whose connection pool runs meanwhile, its schema migrated first.
  func withStore<T: Sendable>(_ body: (PostgresEventStore) async throws -> T) async throws -> T {
    var logger = Logger(label: "cohort-bench")
    logger.logLevel = .warning
    let configuration: PostgresEventStore.Configuration
    do {
      configuration = try .init(url: databaseURL)
    } catch {
      throw BenchFailure("--database-url: \(error)")
    }
    let store = PostgresEventStore(configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { pool in
      pool.addTask { try await store.run() }
      defer { pool.cancelAll() }
      try await store.migrate()
      return try await body(store)
    }
  }
}
