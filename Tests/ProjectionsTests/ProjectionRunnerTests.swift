import EventStore
import Foundation
import Logging
import Projections
import Synchronization
import Testing

/// Counts events per stream: the smallest read model.
struct EventCounts: Projection {
  var counts: [String: Int] = [:]

  mutating func apply(_ event: RecordedEvent) throws {
    if event.type == "Poison" { throw EventStoreError(.corrupted, "poisoned event at \(event.position)") }
    counts[event.stream.name, default: 0] += 1
  }
}

/// An in-memory store whose reads of the whole log fail while `down` is set, as a database
/// restart looks to the projection. Its appends wake readers but hand them nothing, as another
/// process's appends would not: the projection has to read them.
final class FlakyStore: EventStore {
  let inner = InMemoryEventStore()
  let down = Mutex(false)
  let failedReads = Mutex(0)
  let appends = AppendSignal()

  func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    defer { appends.notify() }
    return try await inner.append(events, to: stream, expecting: expected)
  }

  func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    try await inner.read(stream, from: version, direction: direction, limit: limit)
  }

  func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    if down.withLock({ $0 }) {
      failedReads.withLock { $0 += 1 }
      throw EventStoreError(.unavailable, "the database is restarting")
    }
    return try await inner.readAll(after: position, limit: limit)
  }

  func headPosition() async throws(EventStoreError) -> Int64 { try await inner.headPosition() }
}

/// An in-memory store that counts the events the whole-log reads return, with appends of "another
/// process" that wake nobody and hand nothing over.
final class CountingStore: EventStore {
  let inner = InMemoryEventStore()
  let appends = AppendSignal()
  let eventsRead = Mutex(0)

  func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    let head = try await inner.headPosition()
    let result = try await inner.append(events, to: stream, expecting: expected)
    let written = try await inner.readAll(after: head, limit: events.count)
    appends.notify(committed: CommittedEvents(after: head, events: written).map { [$0] } ?? [])
    return result
  }

  func appendElsewhere(_ events: [EventData], to stream: StreamName) async throws -> AppendResult {
    try await inner.append(events, to: stream, expecting: .any)
  }

  func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    try await inner.read(stream, from: version, direction: direction, limit: limit)
  }

  func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    let events = try await inner.readAll(after: position, limit: limit)
    eventsRead.withLock { $0 += events.count }
    return events
  }

  func headPosition() async throws(EventStoreError) -> Int64 { try await inner.headPosition() }
}

@Suite("Projection runner")
struct ProjectionRunnerTests {
  let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())

  func event(_ type: String = "Counted") -> EventData {
    EventData(id: UUID(), type: type, data: Data())
  }

  @Test("catches up in batches, follows live appends, and lets readers wait for a position")
  func catchUpThenLive() async throws {
    let store = InMemoryEventStore()
    _ = try await store.append((0..<2_500).map { _ in event() }, to: stream, expecting: .noStream)
    let runner = ProjectionRunner(store: store, initial: EventCounts(), logger: Logger(label: "test"), batchSize: 1_000)
    let task = Task { try await runner.run() }
    #expect(await runner.waitUntil(position: 2_500, timeout: .seconds(10)))
    let live = try await store.append([event()], to: stream, expecting: .exact(2_500))
    #expect(await runner.waitUntil(position: live.position, timeout: .seconds(10)))
    #expect(runner.read { $0.counts[stream.name] } == 2_501)
    #expect(await !runner.waitUntil(position: live.position + 1, timeout: .milliseconds(50)))
    task.cancel()
    try await task.value
    #expect(runner.position == live.position)
  }

  @Test("a reader waiting for a position is woken when a snapshot restored reaches it", .timeLimit(.minutes(1)))
  func restoreWakesWaiters() async throws {
    let runner = ProjectionRunner(store: InMemoryEventStore(), initial: EventCounts(), logger: Logger(label: "test"))
    let waiting = Task { await runner.waitUntil(position: 3, timeout: .seconds(600)) }
    // Let the reader start waiting first: restoring is then all that can wake it.
    try await Task.sleep(for: .milliseconds(100))
    runner.restore(EventCounts(counts: ["restored": 3]), at: 3)
    #expect(await waiting.value)
    #expect(runner.read { $0.counts["restored"] } == 3)
  }

  @Test("an unreachable store is retried; the read model resumes where it was")
  func retriesUnavailable() async throws {
    let store = FlakyStore()
    let runner = ProjectionRunner(store: store, initial: EventCounts(), logger: Logger(label: "test"))
    let task = Task { try await runner.run() }
    let first = try await store.append([event()], to: stream, expecting: .noStream)
    #expect(await runner.waitUntil(position: first.position, timeout: .seconds(10)))
    store.down.withLock { $0 = true }
    let second = try await store.append([event(), event()], to: stream, expecting: .exact(1))
    try await Task.sleep(for: .milliseconds(400))
    #expect(store.failedReads.withLock { $0 } > 0)
    #expect(runner.failure == nil)
    store.down.withLock { $0 = false }
    #expect(await runner.waitUntil(position: second.position, timeout: .seconds(10)))
    #expect(runner.read { $0.counts[stream.name] } == 3)
    task.cancel()
    try await task.value
  }

  @Test("what this process appends is folded as it commits, without reading it back; other appends are read")
  func foldsWhatItCommitted() async throws {
    let store = CountingStore()
    let runner = ProjectionRunner(store: store, initial: EventCounts(), logger: Logger(label: "test"))
    let task = Task { try await runner.run() }
    for round in 0..<50 {
      let appended = try await store.append([event(), event()], to: stream, expecting: .exact(Int64(2 * round)))
      #expect(await runner.waitUntil(position: appended.position, timeout: .seconds(10)))
    }
    #expect(store.eventsRead.withLock { $0 } == 0)
    // Another process's append is found by polling and read; this process's next one follows it.
    let elsewhere = StreamName(tenantID: UUID(), category: "cohort", id: UUID())
    _ = try await store.appendElsewhere([event(), event(), event()], to: elsewhere)
    let next = try await store.append([event()], to: stream, expecting: .exact(100))
    #expect(await runner.waitUntil(position: next.position, timeout: .seconds(10)))
    #expect(runner.read { [$0.counts[stream.name], $0.counts[elsewhere.name]] } == [101, 3])
    // The read that finds them may take this process's event after them along.
    #expect((3...4).contains(store.eventsRead.withLock { $0 }))
    task.cancel()
    try await task.value
  }

  @Test("an event the model cannot fold stops it with the error, after the events before it")
  func stopsOnCorruption() async throws {
    let store = InMemoryEventStore()
    _ = try await store.append([event(), event("Poison"), event()], to: stream, expecting: .noStream)
    let runner = ProjectionRunner(store: store, initial: EventCounts(), logger: Logger(label: "test"))
    await #expect(throws: EventStoreError.self) { try await runner.run() }
    #expect(runner.failure?.code == .corrupted)
    #expect(runner.position == 1)
    #expect(await !runner.waitUntil(position: 3, timeout: .seconds(1)))
  }
}

/// An event as the prepare stage decoded it.
struct Decoded: ProjectionInput {
  var position: Int64
  var poisoned: Bool
}

/// What the stages of a runner did, seen from both of them.
final class StageLog: Sendable {
  /// The first position of each batch prepared, in order.
  let prepared = Mutex<[Int64]>([])
  /// Whether the fold of the first batch saw the second batch prepared while it ran.
  let overlapped = Mutex<Bool?>(nil)

  /// Waits (at most 10 s) until the batch starting at `position` is prepared.
  func awaitPrepared(_ position: Int64) -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      if prepared.withLock({ $0.contains(position) }) { return true }
      usleep(1_000)
    }
    return false
  }
}

/// Folds decoded events; the first one's fold waits to see the next batch prepared meanwhile.
struct DecodedPositions: Projection {
  let log: StageLog
  var folded: [Int64] = []

  mutating func apply(_ input: Decoded) throws {
    if input.poisoned { throw EventStoreError(.corrupted, "poisoned event at \(input.position)") }
    folded.append(input.position)
    if input.position == 1 { log.overlapped.withLock { $0 = log.awaitPrepared(11) } }
  }
}

extension ProjectionRunnerTests {
  @Test("prepares the next batch while one folds; batches fold in log order; a failed fold stops at its checkpoint")
  func preparesAheadOfTheFold() async throws {
    let store = InMemoryEventStore()
    let events = (1...35).map { event($0 == 27 ? "Poison" : "Counted") }
    _ = try await store.append(events, to: stream, expecting: .noStream)
    let log = StageLog()
    let runner = ProjectionRunner(
      store: store, initial: DecodedPositions(log: log), logger: Logger(label: "test"), batchSize: 10,
      prepare: { batch in
        log.prepared.withLock { $0.append(batch[0].position) }
        return batch.map { Decoded(position: $0.position, poisoned: $0.type == "Poison") }
      })
    await #expect(throws: EventStoreError.self) { try await runner.run() }
    #expect(log.overlapped.withLock { $0 } == true, "batch 2 was prepared while batch 1 folded")
    #expect(runner.failure?.code == .corrupted)
    #expect(runner.position == 26)
    #expect(runner.read { $0.folded } == Array(1...26))
    #expect(log.prepared.withLock { $0 }.starts(with: [1, 11, 21]))
  }
}
