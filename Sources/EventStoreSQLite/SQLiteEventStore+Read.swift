import EventStore
import SQLiteNIO

extension SQLiteEventStore {
  public func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    // SQLite reads a negative LIMIT as "no limit"; no events is what was asked for.
    guard limit > 0 else { return [] }
    let (comparison, order) = direction == .forward ? (">=", "ASC") : ("<=", "DESC")
    return try await gate.run { () async throws(EventStoreError) -> [RecordedEvent] in
      try await reader.events(
        """
        SELECT \(RecordedEvent.sqliteColumns) FROM events
        WHERE tenant_id = ? AND stream = ? AND version \(comparison) ?
        ORDER BY version \(order) LIMIT ?
        """,
        [stream.tenantID.sqliteBlob, .text(stream.name), .integer(.init(version)), .integer(.init(limit))],
        while: "reading a stream", stream: stream)
    }
  }

  public func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    guard limit > 0 else { return [] }
    return try await gate.run { () async throws(EventStoreError) -> [RecordedEvent] in
      try await reader.events(
        "SELECT \(RecordedEvent.sqliteColumns) FROM events WHERE position > ? ORDER BY position LIMIT ?",
        [.integer(.init(position)), .integer(.init(limit))], while: "reading the log")
    }
  }

  public func headPosition() async throws(EventStoreError) -> Int64 {
    try await gate.run { () async throws(EventStoreError) -> Int64 in
      let rows = try await reader.rows(
        "SELECT COALESCE(MAX(position), 0) AS head FROM events", while: "reading the head position")
      guard case .integer(let head) = rows.first?.column("head") else {
        throw EventStoreError(.corrupted, "the head position is not an integer")
      }
      return Int64(head)
    }
  }
}
