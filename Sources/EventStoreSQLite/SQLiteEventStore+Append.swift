import EventStore

extension SQLiteEventStore {
  /// Checks the append's shape here, then hands it to group commit, which checks ids and the
  /// expected version inside the transaction that writes it.
  public func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    try AppendRules.validate(events, to: stream)
    return try await gate.run { () async throws(EventStoreError) -> AppendResult in
      try await committer.submit(PendingAppend(stream: stream, expected: expected, events: events))
    }
  }
}
