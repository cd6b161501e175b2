import EventStore
import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import EventStoreSQLite

/// A directory of its own under the system's temporary directory, for one test's databases.
struct SQLiteTestDirectory: Sendable {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-sqlite-\(UUID().uuidString)")

  /// A database path one level below the directory, so opening also creates a directory.
  var databasePath: String { url.appendingPathComponent("data/events.sqlite").path }

  func remove() {
    try? FileManager.default.removeItem(at: url)
  }
}

/// Removes a test directory once the test and all its cases are done.
struct RemovingSQLiteTestDirectory: TestTrait, TestScoping {
  let directory: SQLiteTestDirectory

  func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
    testCase == nil ? self : nil
  }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    defer { directory.remove() }
    try await function()
  }
}

enum SQLiteTesting {
  static var logger: Logger {
    var logger = Logger(label: "cohort.eventstore.sqlite.tests")
    logger.logLevel = .warning
    return logger
  }

  /// Runs `body` with a database path in a fresh directory, and removes the directory afterwards.
  static func withDatabasePath<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = SQLiteTestDirectory()
    defer { directory.remove() }
    return try await body(directory.databasePath)
  }

  /// Runs `body` with a store opened on a fresh database, and closes it afterwards.
  static func withStore<T>(_ body: (SQLiteEventStore, String) async throws -> T) async throws -> T {
    try await withDatabasePath { path in
      let store = try await SQLiteEventStore.open(path: path, logger: logger)
      do {
        let result = try await body(store, path)
        await store.close()
        return result
      } catch {
        await store.close()
        throw error
      }
    }
  }

  /// Runs `body` with a plain SQLite connection to the file, bypassing the store.
  static func withRawConnection<T>(to path: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    do {
      _ = try await connection.query("PRAGMA busy_timeout = 5000")
      let result = try await body(connection)
      try await connection.close()
      return result
    } catch {
      try await connection.close()
      throw error
    }
  }

  /// The error `body` throws; fails the test if it throws none or something else.
  static func error<T>(
    _ body: () async throws(EventStoreError) -> T, sourceLocation: SourceLocation = #_sourceLocation
  ) async -> EventStoreError? {
    do throws(EventStoreError) {
      _ = try await body()
      Issue.record("expected an EventStoreError, but the call succeeded", sourceLocation: sourceLocation)
      return nil
    } catch {
      return error
    }
  }

  static func event(_ label: String, type: String = "TestEvent") -> EventData {
    EventData(id: UUID(), type: type, data: Data(label.utf8), metadata: Data("m:\(label)".utf8))
  }

  static func stream() -> StreamName {
    StreamName(tenantID: UUID(), category: "cohort", id: UUID())
  }
}
