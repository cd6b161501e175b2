import EventStore
import Foundation
import SQLiteNIO
import Testing

@testable import EventStoreSQLite

@Suite("SQLite event store: schema")
struct SQLiteSchemaTests {
  @Test("UPDATE and DELETE of stored events are refused by the database itself")
  func appendOnlyTriggers() async throws {
    try await SQLiteTesting.withStore { store, path in
      let stream = SQLiteTesting.stream()
      let event = SQLiteTesting.event("kept")
      _ = try await store.append([event], to: stream, expecting: .noStream)
      try await SQLiteTesting.withRawConnection(to: path) { connection in
        for statement in [
          "UPDATE events SET type = 'Changed'",
          "UPDATE events SET data = x'00' WHERE position = (SELECT MAX(position) FROM events)",
          "DELETE FROM events",
          "DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)",
        ] {
          let error = await #expect(throws: SQLiteError.self, "\(statement)") {
            try await connection.query(statement)
          }
          #expect(error?.reason == .constraintTriggerFailed, "\(statement): \(String(describing: error))")
          #expect(error?.eventStoreCode == .appendOnly, "\(statement)")
        }
      }
      let read = try await store.readStream(stream)
      #expect(read.count == 1 && read.first?.matches(event) == true)
    }
  }

  @Test("migrations are applied once however often and however concurrently the file is opened")
  func migrationsAreIdempotent() async throws {
    try await SQLiteTesting.withDatabasePath { path in
      // Several stores opening a new file at the same moment race to migrate it.
      try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<4 {
          group.addTask {
            let store = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
            await store.close()
          }
        }
        try await group.waitForAll()
      }
      let stream = SQLiteTesting.stream()
      let events = (0..<3).map { SQLiteTesting.event("e\($0)") }
      let first = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      let result = try await first.append(events, to: stream, expecting: .noStream)
      await first.close()

      let second = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      let read = try await second.readStream(stream)
      let head = try await second.headPosition()
      await second.close()
      #expect(read.map(\.id) == events.map(\.id) && zip(read, events).allSatisfy { $0.matches($1) })
      #expect(head == result.position)

      let rows = try await SQLiteTesting.withRawConnection(to: path) { connection in
        try await connection.query(
          "SELECT version, COUNT(*) AS times FROM schema_migrations GROUP BY version ORDER BY version")
      }
      #expect(rows.compactMap { $0.column("version")?.integer } == SQLiteMigrations.all.map(\.version))
      #expect(rows.allSatisfy { $0.column("times")?.integer == 1 })
    }
  }

  @Test("a file migrated by a newer build is refused as corrupted")
  func newerSchemaIsRefused() async throws {
    try await SQLiteTesting.withDatabasePath { path in
      let store = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      await store.close()
      try await SQLiteTesting.withRawConnection(to: path) { connection in
        _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 'later')")
      }
      let error = await SQLiteTesting.error { () async throws(EventStoreError) in
        try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      }
      #expect(error?.code == .corrupted, "\(String(describing: error))")
      #expect(error?.detail.contains("9999") == true)
    }
  }

  @Test("the file is in WAL mode, the writer syncs every commit, the reader cannot write")
  func pragmas() async throws {
    try await SQLiteTesting.withStore { store, path in
      let journal = try await SQLiteTesting.withRawConnection(to: path) { connection in
        try await connection.query("PRAGMA journal_mode").first?.column("journal_mode")?.string
      }
      #expect(journal == "wal")
      for connection in [store.writer, store.reader] {
        // 2 is FULL.
        #expect(try await connection.query("PRAGMA synchronous").first?.column("synchronous")?.integer == 2)
        #expect(try await connection.query("PRAGMA foreign_keys").first?.column("foreign_keys")?.integer == 1)
        #expect(try await connection.query("PRAGMA busy_timeout").first?.column("timeout")?.integer == 5_000)
      }
      #expect(try await store.reader.query("PRAGMA query_only").first?.column("query_only")?.integer == 1)
    }
  }

  @Test("a stored row of the wrong shape is reported as corrupted, not guessed at")
  func malformedRow() async throws {
    try await SQLiteTesting.withStore { store, path in
      let stream = SQLiteTesting.stream()
      try await SQLiteTesting.withRawConnection(to: path) { connection in
        // A type stored as bytes instead of text: nothing this store would ever write.
        _ = try await connection.query(
          """
          INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata, recorded_at)
          VALUES (randomblob(16), ?, ?, 1, x'01', 1, x'', x'', 0)
          """,
          [stream.tenantID.sqliteBlob, .text(stream.name)])
      }
      let error = await SQLiteTesting.error { () async throws(EventStoreError) in
        try await store.read(stream, from: 1, direction: .forward, limit: 10)
      }
      #expect(error?.code == .corrupted, "\(String(reflecting: error))")
      #expect(error?.detail.contains("type") == true, "\(String(reflecting: error))")
    }
  }
}
