import EventStore
import Foundation
import SQLiteNIO

extension SQLiteAppendWriter {
  /// The stored events whose ids are among `events`' ids, for the retry check.
  func storedEvents(
    withIDsOf events: [EventData], stream: StreamName
  ) async throws(EventStoreError) -> [RecordedEvent] {
    let placeholders = Array(repeating: "?", count: events.count).joined(separator: ", ")
    return try await connection.events(
      "SELECT \(RecordedEvent.sqliteColumns) FROM events WHERE id IN (\(placeholders))",
      events.map(\.id.sqliteBlob), while: "looking up event ids", stream: stream)
  }

  /// The stream's version: the number of its events, 0 when it does not exist.
  func currentVersion(of stream: StreamName) async throws(EventStoreError) -> Int64 {
    let rows = try await connection.rows(
      "SELECT COALESCE(MAX(version), 0) AS version FROM events WHERE tenant_id = ? AND stream = ?",
      [stream.tenantID.sqliteBlob, .text(stream.name)], while: "reading the stream version", stream: stream)
    guard case .integer(let version) = rows.first?.column("version") else {
      throw EventStoreError(.corrupted, "the version of a stream is not an integer", stream: stream)
    }
    return Int64(version)
  }

  /// The position of the log's newest event, 0 when it is empty.
  func head() async throws(EventStoreError) -> Int64 {
    let rows = try await connection.rows(
      "SELECT COALESCE(MAX(position), 0) AS head FROM events", [], while: "reading the log's head", stream: nil)
    guard case .integer(let head) = rows.first?.column("head") else {
      throw EventStoreError(.corrupted, "the log's head is not an integer")
    }
    return Int64(head)
  }

  /// Inserts `events` with the versions after `current`, in one statement.
  ///
  /// - Returns: the positions of the events written, in order, and the time they were recorded at.
  func insert(
    _ events: [EventData], into stream: StreamName, after current: Int64
  ) async throws(EventStoreError) -> (positions: [Int64], recordedAt: Date) {
    // Stored in whole microseconds: the instant the log gives back.
    let recordedAt = Date(sqliteMicroseconds: Date().sqliteMicroseconds)
    let recordedAtCell = SQLiteData.integer(.init(recordedAt.sqliteMicroseconds))
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
    var binds: [SQLiteData] = []
    binds.reserveCapacity(events.count * 9)
    for (offset, event) in events.enumerated() {
      binds += [
        event.id.sqliteBlob, stream.tenantID.sqliteBlob, .text(stream.name),
        .integer(.init(current + Int64(offset) + 1)), .text(event.type), .integer(.init(event.schemaVersion)),
        .blob(ByteBuffer(bytes: event.data)), .blob(ByteBuffer(bytes: event.metadata)), recordedAtCell,
      ]
    }
    let rows = try await connection.rows(
      """
      INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata, recorded_at)
      VALUES \(Array(repeating: row, count: events.count).joined(separator: ", "))
      RETURNING position
      """,
      binds, while: "inserting events", stream: stream)
    // RETURNING promises no order; rowids are given in the order the rows are inserted.
    let positions = rows.compactMap { row -> Int64? in
      guard case .integer(let position) = row.column("position") else { return nil }
      return Int64(position)
    }.sorted()
    guard positions.count == events.count, !positions.isEmpty else {
      throw EventStoreError(
        .storage, "inserting \(events.count) events returned \(positions.count) positions", stream: stream)
    }
    return (positions, recordedAt)
  }
}
