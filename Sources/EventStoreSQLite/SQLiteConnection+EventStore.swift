import EventStore
import SQLiteNIO

extension SQLiteConnection {
  /// Runs one statement and returns its rows; driver failures become typed store errors.
  ///
  /// - Parameter action: what the store is doing, kept in the error's detail for operators.
  func rows(
    _ sql: String, _ binds: [SQLiteData] = [], while action: String, stream: StreamName? = nil
  ) async throws(EventStoreError) -> [SQLiteRow] {
    do {
      return try await query(sql, binds)
    } catch {
      throw EventStoreError(sqlite: error, while: action, stream: stream)
    }
  }

  /// Runs one statement whose rows, if any, are not needed.
  func execute(
    _ sql: String, _ binds: [SQLiteData] = [], while action: String, stream: StreamName? = nil
  ) async throws(EventStoreError) {
    _ = try await rows(sql, binds, while: action, stream: stream)
  }

  /// Runs a statement that selects event rows (``RecordedEvent/sqliteColumns``) and decodes them.
  func events(
    _ sql: String, _ binds: [SQLiteData], while action: String, stream: StreamName? = nil
  ) async throws(EventStoreError) -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    for row in try await rows(sql, binds, while: action, stream: stream) {
      events.append(try RecordedEvent(sqliteRow: row))
    }
    return events
  }

  /// Runs `body` in a write transaction and commits it; rolls back if anything fails.
  ///
  /// `BEGIN IMMEDIATE` takes SQLite's single write lock up front, so everything `body` reads
  /// (a stream's version, stored ids) stays true until the commit, even with other processes
  /// writing the same file.
  func transaction<T>(
    while action: String, stream: StreamName? = nil, _ body: () async throws(EventStoreError) -> T
  ) async throws(EventStoreError) -> T {
    try await execute("BEGIN IMMEDIATE", while: action, stream: stream)
    do throws(EventStoreError) {
      let result = try await body()
      try await execute("COMMIT", while: action, stream: stream)
      return result
    } catch {
      await rollback()
      throw error
    }
  }

  /// Ends the open transaction without writing anything.
  ///
  /// Its failure is ignored: after some errors (a full disk, an I/O error) SQLite has already
  /// rolled back, and then there is no transaction left to end.
  func rollback() async {
    _ = try? await query("ROLLBACK", [])
  }
}
