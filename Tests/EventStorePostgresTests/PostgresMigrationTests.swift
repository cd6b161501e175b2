import EventStore
import Foundation
import PostgresNIO
import Testing

@testable import EventStorePostgres

@Suite("PostgreSQL event store: migrations", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresMigrationTests {
  @Test("migrating an up-to-date database again changes nothing")
  func migrateTwice() async throws {
    try await TestDatabase.withStore { store in
      try await store.migrate()
      try await store.migrate()
    }
    try await TestDatabase.withRawClient { client in
      let rows = try await client.query("SELECT version, count(*) FROM schema_migrations GROUP BY version").collect()
      let counts = try rows.map { try $0.decode((Int32, Int64).self) }
      #expect(!counts.isEmpty && counts.allSatisfy { $0.1 == 1 }, "schema_migrations: \(counts)")
    }
  }

  @Test("servers starting at once on a new database migrate it exactly once")
  func concurrentFirstMigration() async throws {
    let shared = try TestDatabase.configuration()
    let database = "cohort_migrate_\(UUID().uuidString.lowercased().prefix(8))"
    _ = try await TestDatabase.withRawClient { client in
      try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)")).collect()
    }
    let fresh = {
      var configuration = shared
      configuration.database = database
      return configuration
    }()
    do {
      let applied = try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<4 {
          group.addTask { try await TestDatabase.withStore(fresh) { _ in } }
        }
        try await group.waitForAll()
        return try await TestDatabase.withRawClient(fresh) { client in
          let rows = try await client.query("SELECT version FROM schema_migrations ORDER BY version").collect()
          return try rows.map { try $0.decode(Int32.self) }
        }
      }
      #expect(
        applied == PostgresMigrations.all.map(\.version),
        "each migration once; schema_migrations after four concurrent migrations: \(applied)")
      let works = try await TestDatabase.withStore(fresh) { store in
        let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())
        return try await store.append(
          [EventData(id: UUID(), type: "First", data: Data())], to: stream, expecting: .noStream)
      }
      #expect(works.nextExpectedVersion == 1)
    } catch {
      try await dropDatabase(database)
      throw error
    }
    try await dropDatabase(database)
  }

  private func dropDatabase(_ name: String) async throws {
    _ = try await TestDatabase.withRawClient { client in
      try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")).collect()
    }
  }
}
