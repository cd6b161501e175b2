/// The whole log from a position on: first the events already stored (catch-up), then new ones
/// as they are appended (live). It ends when the consuming task is cancelled.
///
/// Appends made in this process wake it at once; appends made by other processes are found by
/// polling with back-off between `minimumPoll` and `maximumPoll`.
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
    self.batchSize = batchSize
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

    init(subscription: AllEventsSubscription, position: Int64) {
      self.subscription = subscription
      self.position = position
    }

    public mutating func next() async throws(EventStoreError) -> RecordedEvent? {
      var backoff = subscription.minimumPoll
      while index == buffer.count {
        if Task.isCancelled { return nil }
        let generation = subscription.store.appends.generation
        buffer = try await subscription.store.readAll(after: position, limit: subscription.batchSize)
        index = 0
        if buffer.isEmpty {
          await subscription.store.appends.wait(after: generation, timeout: backoff)
          backoff = Swift.min(backoff * 2, subscription.maximumPoll)
        }
      }
      let event = buffer[index]
      index += 1
      position = event.position
      return event
    }
  }
}
