/// The event log: the only source of truth.
///
/// Every implementation (in memory, SQLite, PostgreSQL) passes the same contract suite in
/// `EventStoreTesting`. The guarantees:
/// - an append is atomic and checks the expected version; on a mismatch it writes nothing and
///   throws ``EventStoreError/Code/wrongExpectedVersion``;
/// - appending events whose ids are already stored (a retry) returns the first result and writes
///   nothing; the same id with a different body throws ``EventStoreError/Code/duplicateEventID``;
/// - positions are unique and increase in commit order, so a reader that has seen every event up
///   to position P never later finds a new event at or below P;
/// - an acknowledged append is durable.
public protocol EventStore: Sendable {
  /// Appends `events` (at least one) to `stream` atomically.
  func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult

  /// Up to `limit` events of one stream, starting at version `from` (inclusive) in `direction`.
  /// Use `Int64.max` with `.backward` to start from the newest event. A `limit` below 1 reads nothing.
  func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  ) async throws(EventStoreError) -> [RecordedEvent]

  /// Up to `limit` events of the whole log with a position greater than `position`, in order.
  /// A `limit` below 1 reads nothing.
  func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent]

  /// The position of the newest event in the log, or 0 when it is empty.
  func headPosition() async throws(EventStoreError) -> Int64

  /// Fires when this process appends; subscriptions also poll for other processes' appends.
  var appends: AppendSignal { get }
}

extension EventStore {
  /// Every event of `stream`, oldest first, read in batches.
  public func readStream(
    _ stream: StreamName, batchSize: Int = 1_000
  ) async throws(EventStoreError) -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    while true {
      let batch = try await read(stream, from: Int64(events.count) + 1, direction: .forward, limit: batchSize)
      events += batch
      if batch.count < batchSize { return events }
    }
  }

  /// Catch up from `position`, then follow new appends until the task is cancelled.
  public func subscribeAll(after position: Int64, batchSize: Int = 1_000) -> AllEventsSubscription {
    AllEventsSubscription(store: self, after: position, batchSize: batchSize)
  }
}
