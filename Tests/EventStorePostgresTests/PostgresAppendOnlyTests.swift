import EventStore
import EventStorePostgres
import Foundation
import PostgresNIO
import Testing

@Suite("PostgreSQL event store: the log is append-only", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresAppendOnlyTests {
  @Test("UPDATE, DELETE and TRUNCATE from a raw connection are refused with SQLSTATE CE001")
  func changesAreRefused() async throws {
    let tenant = UUID()
    let stream = StreamName(tenantID: tenant, category: "cohort", id: UUID())
    let event = EventData(id: UUID(), type: "Kept", data: Data("original".utf8))
    try await TestDatabase.withStore { store in
      _ = try await store.append([event], to: stream, expecting: .noStream)
    }
    try await TestDatabase.withRawClient { client in
      let statements: [PostgresQuery] = [
        "UPDATE events SET type = 'Changed' WHERE tenant_id = \(tenant)",
        "DELETE FROM events WHERE tenant_id = \(tenant)",
        // Matches no row: a statement trigger refuses it all the same.
        "DELETE FROM events WHERE false",
        "TRUNCATE events",
      ]
      for statement in statements {
        let error = await #expect(throws: PSQLError.self, "\(statement.sql)") {
          try await client.query(statement).collect()
        }
        #expect(error?.serverInfo?[.sqlState] == "CE001", "\(statement.sql): \(String(reflecting: error))")
      }
    }
    let stored = try await TestDatabase.withStore { store in try await store.readStream(stream) }
    #expect(stored.count == 1 && stored.first?.matches(event) == true, "the event changed: \(stored)")
  }
}
