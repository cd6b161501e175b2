import EventStore
import EventStorePostgres
import EventStoreSQLite
import Foundation
import Logging

/// The configured event store with what its lifetime needs: PostgreSQL runs a connection pool
/// beside the server and migrates once it runs; SQLite migrates when it opens and closes at the end.
struct StoreConnection: Sendable {
  let store: any EventStore
  /// The keys of personal data, in the same database.
  let keys: any KeyStore
  let run: (@Sendable () async throws -> Void)?
  let migrate: @Sendable () async throws -> Void
  let close: @Sendable () async -> Void
  let description: String

  static func open(_ configuration: ServerConfiguration, logger: Logger) async throws -> StoreConnection {
    if let url = configuration.databaseURL {
      let postgres = try PostgresEventStore.Configuration(url: url)
      if let risk = postgres.plaintextRisk { logger.warning("\(risk)") }
      let store = PostgresEventStore(configuration: postgres, logger: logger)
      return StoreConnection(
        store: store, keys: store, run: { try await store.run() }, migrate: { try await store.migrate() }, close: {},
        description: "PostgreSQL")
    }
    let store = try await SQLiteEventStore.open(path: configuration.sqlitePath, logger: logger)
    return StoreConnection(
      store: store, keys: store, run: nil, migrate: {}, close: { await store.close() },
      description: "SQLite at \(configuration.sqlitePath)")
  }
}
