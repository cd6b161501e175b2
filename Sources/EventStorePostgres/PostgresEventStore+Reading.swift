import EventStore
import PostgresNIO

extension PostgresEventStore {
  public func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    guard limit > 0 else { return [] }
    let query: PostgresQuery =
      switch direction {
      case .forward:
        """
        SELECT \(unescaped: RecordedEvent.columns) FROM events
        WHERE tenant_id = \(stream.tenantID) AND stream = \(stream.name) AND version >= \(version)
        ORDER BY version LIMIT \(Int64(limit))
        """
      case .backward:
        """
        SELECT \(unescaped: RecordedEvent.columns) FROM events
        WHERE tenant_id = \(stream.tenantID) AND stream = \(stream.name) AND version <= \(version)
        ORDER BY version DESC LIMIT \(Int64(limit))
        """
      }
    return try await events(query, stream: stream)
  }

  public func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    guard limit > 0 else { return [] }
    return try await events(
      """
      SELECT \(unescaped: RecordedEvent.columns) FROM events
      WHERE position > \(position) ORDER BY position LIMIT \(Int64(limit))
      """)
  }

  public func headPosition() async throws(EventStoreError) -> Int64 {
    try await connections.withConnection { [self] connection throws(EventStoreError) in
      let rows = try await connection.rows("SELECT coalesce(max(position), 0) FROM events", logger: logger)
      guard let row = rows.first, let head = try? row.decode(Int64.self) else {
        throw EventStoreError(.storage, "the head position query returned no number")
      }
      return head
    }
  }

  private func events(
    _ query: PostgresQuery, stream: StreamName? = nil
  ) async throws(EventStoreError) -> [RecordedEvent] {
    try await connections.withConnection { [self] connection throws(EventStoreError) in
      try await connection.rows(query, logger: logger, stream: stream).map { row throws(EventStoreError) in
        try RecordedEvent(row: row)
      }
    }
  }
}
