import AsyncAlgorithms
import EventStore
import Logging
import Synchronization

/// Keeps a read model up to date with the log: catches up from the start, then follows live
/// appends. Queries read the model through ``read(_:)``, optionally after waiting with
/// ``waitUntil(position:timeout:)`` until it has folded a position (read-your-writes).
///
/// `run()` follows the log until its task is cancelled; it stops between two events, so the
/// model is always at a consistent checkpoint (``position``). The owner cancels it only after
/// the RPCs that read it have drained.
public final class ProjectionRunner<Model: Projection>: Sendable {
  private struct State {
    var model: Model
    var position: Int64 = 0
    var failure: EventStoreError?
    var waiters: [UInt64: (position: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    var nextWaiter: UInt64 = 0
    /// Waiters whose timeout fired before they were registered.
    var expired: Set<UInt64> = []
  }

  private let store: any EventStore
  private let state: Mutex<State>
  private let logger: Logger
  private let batchSize: Int
  private let prepare: @Sendable ([RecordedEvent]) async throws -> [Model.Input]
  private let folded: @Sendable ([Model.Input]) -> Void

  /// - Parameters:
  ///   - prepare: turns each batch read into what `apply` folds (decodes it, with the keys of the
  ///     people in it), outside the model's lock and while the batch before is being folded: on
  ///     two cores, decoding and folding run side by side. Retried like a read while the store is
  ///     unavailable.
  ///   - folded: told of each batch once the model has it, for reactions to events (it must not
  ///     block: it queues work).
  public init(
    store: any EventStore, initial: Model, logger: Logger, batchSize: Int = 1_000,
    prepare: @escaping @Sendable ([RecordedEvent]) async throws -> [Model.Input],
    folded: @escaping @Sendable ([Model.Input]) -> Void = { _ in }
  ) {
    self.store = store
    self.state = Mutex(State(model: initial))
    self.logger = logger
    self.batchSize = batchSize
    self.prepare = prepare
    self.folded = folded
  }

  /// Starts from `model`, folded up to `position` (a snapshot), instead of the initial model.
  /// Only before ``run()``.
  public func restore(_ model: Model, at position: Int64) {
    state.withLock { state in
      state.model = model
      state.position = position
    }
    // A caller may already wait for the head the snapshot reaches, and nothing else would wake it.
    resumeWaiters(all: false)
  }

  /// The position of the last event folded in.
  public var position: Int64 { state.withLock { $0.position } }

  /// Asks the projection to look for new events now rather than at its next poll: for a query
  /// that waits for a position another server's command returned.
  public func lookForNewEvents() {
    store.appends.notify()
  }

  /// The position of the log's newest event, which this model may not have folded yet.
  public func headOfLog() async throws(EventStoreError) -> Int64 {
    try await store.headPosition()
  }

  /// Reads the model as of now.
  public func read<T>(_ body: (borrowing Model) throws -> T) rethrows -> T {
    try state.withLock { try body($0.model) }
  }

  /// Reads the model and the position it has folded, together.
  public func snapshot<T>(_ body: (borrowing Model, Int64) throws -> T) rethrows -> T {
    try state.withLock { try body($0.model, $0.position) }
  }

  /// Follows the log until cancelled. A store that cannot be reached is retried with back-off
  /// (the read model stays at its last position meanwhile); an event that cannot be folded
  /// stops the projection with an error: the log is never silently skipped.
  ///
  /// Three stages overlap: the subscription reads the next batch ahead, a read-ahead task
  /// prepares (decodes) the batch after the one being folded, and this task folds. A channel
  /// without a buffer between the last two keeps at most one prepared batch waiting.
  public func run() async throws {
    let start = position
    logger.info("projection starting", metadata: ["position": "\(start)"])
    let prepared = AsyncChannel<[Model.Input]>()
    do {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
          defer { prepared.finish() }
          var events = self.store.subscribeAll(after: start, batchSize: self.batchSize).makeAsyncIterator()
          while let batch = try await self.nextBatch(&events) {
            await prepared.send(try await self.prepared(batch))
          }
        }
        for await inputs in prepared {
          try fold(inputs)
          folded(inputs)
        }
        // The read-ahead ended: cancelled, or failed (its error is thrown here).
        try await group.next()
      }
    } catch  where Task.isCancelled {
      // Stopped between two batches.
    } catch {
      throw stop(error)
    }
    logger.info("projection stopped at a checkpoint", metadata: ["position": "\(position)"])
    resumeWaiters(all: true)
  }

  /// The next batch, retrying with back-off while the store is unavailable; `nil` once cancelled.
  private func nextBatch(
    _ events: inout AllEventsSubscription.Iterator
  ) async throws(EventStoreError) -> [RecordedEvent]? {
    var retryDelay = Duration.milliseconds(100)
    while !Task.isCancelled {
      let failure: EventStoreError
      do {
        return try await events.nextBatch()
      } catch {
        failure = error
      }
      if Task.isCancelled { return nil }
      guard failure.code == .unavailable else { throw failure }
      logger.warning(
        "event store unavailable; the projection retries",
        metadata: ["position": "\(position)", "retry-in": "\(retryDelay)"])
      try? await Task.sleep(for: retryDelay)
      retryDelay = min(retryDelay * 2, .seconds(5))
    }
    return nil
  }

  /// Runs `prepare` for `batch`, retrying with back-off while the store is unavailable.
  private func prepared(_ batch: [RecordedEvent]) async throws -> [Model.Input] {
    var retryDelay = Duration.milliseconds(100)
    while true {
      let failure: any Error
      do {
        return try await prepare(batch)
      } catch {
        failure = error
      }
      guard (failure as? EventStoreError)?.code == .unavailable, !Task.isCancelled else { throw failure }
      logger.warning(
        "event store unavailable while preparing a batch; the projection retries",
        metadata: ["position": "\(position)", "retry-in": "\(retryDelay)"])
      try await Task.sleep(for: retryDelay)
      retryDelay = min(retryDelay * 2, .seconds(5))
    }
  }

  private func stop(_ error: any Error) -> any Error {
    let failure = (error as? EventStoreError) ?? EventStoreError(.corrupted, "\(error)")
    logger.error("projection stopped", metadata: ["error": "\(String(reflecting: failure))"])
    state.withLock { $0.failure = failure }
    resumeWaiters(all: true)
    return failure
  }

  /// Folds a batch in one critical section; on a failure, the events before it stay folded.
  private func fold(_ batch: [Model.Input]) throws {
    try state.withLock { state in
      for input in batch {
        try state.model.apply(input)
        state.position = input.position
      }
    }
    resumeWaiters(all: false)
  }

  /// Why the projection stopped, if it failed.
  public var failure: EventStoreError? { state.withLock { $0.failure } }

  /// Waits until the model has folded `position`, at most `timeout`. Returns whether it has.
  @discardableResult
  public func waitUntil(position target: Int64, timeout: Duration) async -> Bool {
    if position >= target { return true }
    let id = state.withLock { state -> UInt64 in
      state.nextWaiter &+= 1
      return state.nextWaiter
    }
    let timer = Task {
      try? await Task.sleep(for: timeout)
      let waiter = state.withLock { state in
        let waiter = state.waiters.removeValue(forKey: id)
        if waiter == nil { state.expired.insert(id) }
        return waiter
      }
      waiter?.continuation.resume()
    }
    defer {
      timer.cancel()
      state.withLock { _ = $0.expired.remove(id) }
    }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if state.position >= target || state.failure != nil || state.expired.remove(id) != nil {
          return true
        }
        state.waiters[id] = (target, continuation)
        return false
      }
      if ready { continuation.resume() }
    }
    return position >= target
  }

  /// Wakes the waiters whose position has been reached, or all of them when the runner stops.
  private func resumeWaiters(all: Bool) {
    let ready = state.withLock { state in
      let position = state.position
      let ready = state.waiters.filter { all || $0.value.position <= position }
      for id in ready.keys { state.waiters.removeValue(forKey: id) }
      return ready.values.map(\.continuation)
    }
    for continuation in ready { continuation.resume() }
  }
}

extension ProjectionRunner where Model.Input == RecordedEvent {
  /// A runner for a model that folds events as stored.
  public convenience init(
    store: any EventStore, initial: Model, logger: Logger, batchSize: Int = 1_000,
    folded: @escaping @Sendable ([RecordedEvent]) -> Void = { _ in }
  ) {
    self.init(store: store, initial: initial, logger: logger, batchSize: batchSize, prepare: { $0 }, folded: folded)
  }
}
