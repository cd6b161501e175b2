import Foundation
import Synchronization

/// An event store held in memory: for tests and throwaway runs. Nothing survives the process.
public final class InMemoryEventStore: EventStore {
  private struct State {
    var events: [RecordedEvent] = []
    var streams: [StreamName: [Int]] = [:]
    var byID: [UUID: Int] = [:]
  }

  private let state = Mutex(State())
  public let appends = AppendSignal()

  public init() {}

  public func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    try AppendRules.validate(events, to: stream)
    let (result, committed) = try state.withLock { state throws(EventStoreError) -> (AppendResult, CommittedEvents?) in
      let stored = events.compactMap { state.byID[$0.id].map { state.events[$0] } }
      if let original = try AppendRules.retryResult(of: events, to: stream, stored: stored) {
        return (original, nil)
      }
      let head = Int64(state.events.count)
      let current = Int64(state.streams[stream]?.count ?? 0)
      guard expected.accepts(currentVersion: current) else {
        throw .wrongExpectedVersion(stream, expected: expected, actual: current)
      }
      let now = Date()
      for (offset, event) in events.enumerated() {
        let index = state.events.count
        state.events.append(
          RecordedEvent(
            id: event.id, stream: stream, version: current + Int64(offset) + 1, position: Int64(index) + 1,
            type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata,
            recordedAt: now))
        state.streams[stream, default: []].append(index)
        state.byID[event.id] = index
      }
      return (
        AppendResult(nextExpectedVersion: current + Int64(events.count), position: Int64(state.events.count)),
        CommittedEvents(after: head, events: Array(state.events[Int(head)...]))
      )
    }
    appends.notify(committed: committed.map { [$0] } ?? [])
    return result
  }

  public func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    guard limit > 0 else { return [] }
    return state.withLock { state in
      let indices = state.streams[stream] ?? []
      let count = Int64(indices.count)
      switch direction {
      case .forward:
        let start = max(version, 1)
        guard start <= count else { return [] }
        return indices[Int(start - 1)...].prefix(limit).map { state.events[$0] }
      case .backward:
        let start = min(version, count)
        guard start >= 1 else { return [] }
        return indices[..<Int(start)].reversed().prefix(limit).map { state.events[$0] }
      }
    }
  }

  public func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    guard limit > 0 else { return [] }
    return state.withLock { state in
      let start = Int(max(position, 0))
      guard start < state.events.count else { return [] }
      return Array(state.events[start...].prefix(limit))
    }
  }

  public func headPosition() async throws(EventStoreError) -> Int64 {
    state.withLock { Int64($0.events.count) }
  }
}
