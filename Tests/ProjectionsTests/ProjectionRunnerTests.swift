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
/// restart looks to the projection.
final class FlakyStore: EventStore {
  let inner = InMemoryEventStore()
  let down = Mutex(false)
  let failedReads = Mutex(0)
  var appends: AppendSignal { inner.appends }

  func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    try await inner.append(events, to: stream, expecting: expected)
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
