/// The whole log from a position on: first the events already stored (catch-up), then new ones
/// as they are appended (live). It ends when the consuming task is cancelled.
///
/// Appends made in this process wake it at once, and hand it what they committed when that
/// follows its position (no read of the log then); appends made by other processes are found by
/// polling with back-off between `minimumPoll` and `maximumPoll`. While catching up, the next
/// batch is read while the caller handles the current one.
public struct AllEventsSubscription: AsyncSequence, Sendable {
  public typealias Element = RecordedEvent
  public typealias Failure = EventStoreError

  let store: any EventStore
  let after: Int64
  let batchSize: Int
  var minimumPoll: Duration = .milliseconds(5)
  var maximumPoll: Duration = .milliseconds(250)

  init(store: any EventStore, after: Int64, batchSize: Int) {
    self.store = store
    self.after = after
    self.batchSize = Swift.max(batchSize, 1)
  }

  public func makeAsyncIterator() -> Iterator {
    Iterator(subscription: self, position: after)
  }

  public struct Iterator: AsyncIteratorProtocol {
    public typealias Element = RecordedEvent
    public typealias Failure = EventStoreError

    let subscription: AllEventsSubscription
    /// The position of the last event handed out.
    public private(set) var position: Int64
    private var buffer: [RecordedEvent] = []
    private var index = 0
    private var prefetched: Task<[RecordedEvent], any Error>?
    /// The append generation before the last read, when that read reached the end of the log.
    private var caughtUpAt: UInt64?
    /// The append generation of the last read: a later one means this process appended since.
    private var readAt: UInt64?
    /// How long to wait for an append before looking for other processes' appends. It grows
    /// while the log is quiet and while only this process appends (those appends wake the reader
    /// anyway), and starts small again once a look finds what another process appended.
    private var backoff: Duration

    init(subscription: AllEventsSubscription, position: Int64) {
      self.subscription = subscription
      self.position = position
      backoff = subscription.minimumPoll
    }

    public mutating func next() async throws(EventStoreError) -> RecordedEvent? {
      if index == buffer.count {
        buffer = try await nextBatch()
        index = 0
        if buffer.isEmpty { return nil }
      }
      let event = buffer[index]
      index += 1
      position = event.position
      return event
    }

    /// The next events in order (at most one batch), waiting for new ones when the log has no
    /// more; empty only when the task is cancelled. A failed read can be retried by calling again.
    public mutating func nextBatch() async throws(EventStoreError) -> [RecordedEvent] {
      if let generation = caughtUpAt {
        // The last read reached the end of the log: wait for an append before reading again.
        caughtUpAt = nil
        await subscription.store.appends.wait(after: generation, timeout: backoff)
      }
      while !Task.isCancelled {
        let generation = subscription.store.appends.generation
        let signalled = readAt.map { generation != $0 } ?? true
        readAt = generation
        let batch = try await read()
        if let last = batch.last {
          // Found without an append of this process to wake the reader: another process writes.
          if !signalled { backoff = subscription.minimumPoll }
          position = last.position
          if batch.count == subscription.batchSize {
            prefetch(after: last.position)
          } else {
            caughtUpAt = generation
          }
          return batch
        }
        await subscription.store.appends.wait(after: generation, timeout: backoff)
        backoff = Swift.min(backoff * 2, subscription.maximumPoll)
      }
      prefetched?.cancel()
      return []
    }

    /// The next batch: what this process just committed when that follows `position`, else read.
    private mutating func read() async throws(EventStoreError) -> [RecordedEvent] {
      guard let pending = prefetched else {
        let committed = subscription.store.appends.committed(after: position, limit: subscription.batchSize)
        if !committed.isEmpty { return committed }
        return try await subscription.store.readAll(after: position, limit: subscription.batchSize)
      }
      prefetched = nil
      do {
        return try await pending.value
      } catch let error as EventStoreError {
        throw error
      } catch {
        throw EventStoreError(.storage, "\(error)")
      }
    }

    private mutating func prefetch(after position: Int64) {
      let store = subscription.store
      let limit = subscription.batchSize
      prefetched = Task { try await store.readAll(after: position, limit: limit) }
    }
  }
}
