import EventStore
import Foundation
import Testing

@Suite("Append signal: what this process committed, for readers")
struct AppendSignalTests {
  static let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())

  /// Events at `positions`, as one append that followed `after`.
  static func run(after: Int64, _ positions: ClosedRange<Int64>) -> CommittedEvents {
    let events = positions.map { position in
      RecordedEvent(
        id: UUID(), stream: stream, version: position, position: position, type: "Happened", schemaVersion: 1,
        data: Data(), metadata: Data(), recordedAt: Date(timeIntervalSince1970: 0))
    }
    return CommittedEvents(after: after, events: events)!
  }

  @Test("appends that follow one another are handed over in order, from any of their boundaries, up to the limit")
  func chains() {
    let signal = AppendSignal()
    // Position 4 belongs to another process: the run after it starts a chain of its own.
    signal.notify(committed: [Self.run(after: 0, 1...3), Self.run(after: 4, 5...6)])
    signal.notify(committed: [Self.run(after: 6, 7...9)])
    #expect(signal.committed(after: 0, limit: 100).map(\.position) == [1, 2, 3])
    #expect(signal.committed(after: 3, limit: 100).isEmpty, "4 is not known here: read the log")
    #expect(signal.committed(after: 4, limit: 100).map(\.position) == [5, 6, 7, 8, 9])
    #expect(signal.committed(after: 4, limit: 3).map(\.position) == [5, 6, 7])
    #expect(signal.committed(after: 6, limit: 100).map(\.position) == [7, 8, 9])
    #expect(signal.committed(after: 2, limit: 100).isEmpty, "inside an append")
    #expect(signal.committed(after: 9, limit: 100).isEmpty)
  }

  @Test("only the latest events are kept: older appends are read from the log")
  func keepsTheLatest() {
    let signal = AppendSignal(keeping: 4)
    signal.notify(committed: [Self.run(after: 0, 1...2), Self.run(after: 2, 3...4)])
    #expect(signal.committed(after: 0, limit: 100).count == 4)
    signal.notify(committed: [Self.run(after: 4, 5...5)])
    #expect(signal.committed(after: 0, limit: 100).isEmpty)
    #expect(signal.committed(after: 2, limit: 100).map(\.position) == [3, 4, 5])
    signal.notify()
    #expect(signal.committed(after: 2, limit: 100).map(\.position) == [3, 4, 5], "a plain wake-up keeps them")
  }

  @Test("a run is only events in rising positions after the one it follows")
  func runsAreOrdered() {
    let events = Self.run(after: 0, 1...3).events
    #expect(CommittedEvents(after: 0, events: []) == nil)
    #expect(CommittedEvents(after: 1, events: events) == nil)
    #expect(CommittedEvents(after: 0, events: events.reversed()) == nil)
    #expect(CommittedEvents(after: 0, events: [events[0], events[0]]) == nil)
    #expect(CommittedEvents(after: 0, events: [events[0], events[2]]) != nil, "a gap between positions is no event")
  }
}
