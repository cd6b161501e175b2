import EventStore
import Foundation
import PostgresNIO
import Testing

@testable import EventStorePostgres

/// The store's sessions never wait without end and always commit durably; a database from a newer
/// build is refused. Each test that holds locks gets a database of its own: advisory locks are
/// per database, and the shared one serves the other suites meanwhile.
@Suite("PostgreSQL event store: session limits", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresSessionLimitsTests {
  @Test("every session of the store runs with synchronous_commit on and the store's timeouts")
  func sessionSettings() async throws {
    var configuration = try TestDatabase.configuration()
    configuration.lockTimeout = .milliseconds(1_500)
    let client = PostgresClient(configuration: configuration.client, backgroundLogger: TestDatabase.logger)
    let running = Task { await client.run() }
    defer { running.cancel() }
    var shown: [String: String] = [:]
    for setting in ["synchronous_commit", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"] {
      let rows = try await client.query(PostgresQuery(unsafeSQL: "SHOW \(setting)")).collect()
      shown[setting] = try rows.first?.decode(String.self)
    }
    #expect(
      shown == [
        "synchronous_commit": "on", "statement_timeout": "1min", "lock_timeout": "1500ms",
        "idle_in_transaction_session_timeout": "1min",
      ])
  }

  @Test("a session stuck in a transaction holding the append lock does not stop appends for good")
  func stuckAppendLock() async throws {
    try await withDatabase { fresh in
      var configuration = fresh
      configuration.lockTimeout = .milliseconds(300)
      configuration.idleInTransactionTimeout = .seconds(2)
      try await TestDatabase.withStore(configuration) { store in
        // Another cohortd's session (the same settings) froze inside an append transaction.
        let frozen = PostgresClient(configuration: configuration.client, backgroundLogger: TestDatabase.logger)
        let running = Task { await frozen.run() }
        defer { running.cancel() }
        let stuck = Task {
          try await frozen.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: TestDatabase.logger)
            _ = try await connection.query(
              PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(AppendWriter.appendLock))"),
              logger: TestDatabase.logger)
            try await Task.sleep(for: .seconds(60))
          }
        }
        defer { stuck.cancel() }
        try await TestDatabase.withRawClient(configuration) { observer in
          for _ in 0..<200 {
            let held = try await observer.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").collect()
            if try held.first?.decode(Int64.self) == 1 { break }
            try await Task.sleep(for: .milliseconds(25))
          }
        }
        // Appends fail (and the CLI retries) while the lock is held; PostgreSQL ends the idle
        // session, its lock goes, and the next append is written.
        let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())
        let written = try await withTimeout(.seconds(30), "no append got through the stuck lock") {
          while true {
            do {
              return try await store.append(
                [EventData(id: UUID(), type: "AfterTheStuckOne", data: Data())], to: stream, expecting: .any)
            } catch let error as EventStoreError where error.code == .unavailable {
              try await Task.sleep(for: .milliseconds(100))
            }
          }
        }
        #expect(written.nextExpectedVersion == 1)
      }
    }
  }

  @Test("a database migrated by a newer build is refused at start, saying so")
  func newerSchemaIsRefused() async throws {
    try await withDatabase { fresh in
      try await TestDatabase.withStore(fresh) { _ in }
      try await TestDatabase.withRawClient(fresh) { client in
        _ = try await client.query("INSERT INTO schema_migrations (version) VALUES (9999)").collect()
      }
      let error = await #expect(throws: EventStoreError.self) {
        try await TestDatabase.withStore(fresh) { _ in }
      }
      #expect(
        error?.code == .corrupted && error?.detail.contains("schema version 9999") == true,
        "\(String(describing: error))")
    }
  }

  /// A database of its own for `body`, dropped afterwards.
  private func withDatabase(_ body: (PostgresEventStore.Configuration) async throws -> Void) async throws {
    let database = "cohort_limits_\(UUID().uuidString.lowercased().prefix(8))"
    _ = try await TestDatabase.withRawClient { client in
      try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)")).collect()
    }
    var fresh = try TestDatabase.configuration()
    fresh.database = database
    do {
      try await body(fresh)
    } catch {
      try await drop(database)
      throw error
    }
    try await drop(database)
  }

  private func drop(_ database: String) async throws {
    _ = try await TestDatabase.withRawClient { client in
      try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")).collect()
    }
  }
}

@Suite("PostgreSQL connection settings")
struct PostgresPlaintextTests {
  @Test("sslmode that may send the log in plaintext to another machine is named; loopback and verify-full are not")
  func plaintextRisk() throws {
    for (url, risky) in [
      ("postgres://u@db.example.org/cohort?sslmode=disable", true),
      ("postgres://u@db.example.org/cohort?sslmode=prefer", true),
      ("postgres://u@db.example.org/cohort", true),
      ("postgres://u@10.0.0.5/cohort?sslmode=require", false),
      ("postgres://u@db.example.org/cohort?sslmode=verify-full", false),
      ("postgres://u@127.0.0.1:5432/cohort?sslmode=disable", false),
      ("postgres://u@localhost/cohort?sslmode=prefer", false),
    ] {
      let risk = try PostgresEventStore.Configuration(url: url).plaintextRisk
      #expect((risk != nil) == risky, "\(url): \(risk ?? "no risk")")
      if let risk { #expect(risk.contains("plaintext") && risk.contains("verify-full")) }
    }
  }
}
