import EventStore
import Foundation
import Testing

@testable import EventStorePostgres

/// The in-memory decisions of one append batch, without a database: each append judged on its
/// own and in order, as the in-memory store judges it.
@Suite("AppendPlan")
struct AppendPlanTests {
  static let tenant = UUID()
  static let a = StreamName(tenantID: tenant, category: "cohort", id: UUID())
  static let b = StreamName(tenantID: tenant, category: "cohort", id: UUID())

  static func event(_ body: String = "x") -> EventData {
    EventData(id: UUID(), type: "Happened", data: Data(body.utf8))
  }

  /// Positions as the database would give `plan.newEvents`, from `first` on.
  static func inserted(_ plan: AppendPlan, from first: Int64 = 1) -> [UUID: Int64] {
    Dictionary(uniqueKeysWithValues: plan.newEvents.enumerated().map { ($1.id, first + Int64($0)) })
  }

  static func stored(_ event: EventData, in stream: StreamName, version: Int64, position: Int64) -> RecordedEvent {
    RecordedEvent(
      id: event.id, stream: stream, version: version, position: position, type: event.type,
      schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata, recordedAt: Date())
  }

  @Test("appends to new streams get versions from 1 and positions in batch order")
  func newStreams() throws {
    let batch = [
      PendingAppend(stream: Self.a, expected: .noStream, events: [Self.event(), Self.event()]),
      PendingAppend(stream: Self.b, expected: .noStream, events: [Self.event()]),
    ]
    let plan = AppendPlan(batch: batch, stored: [], versions: [:])
    #expect(plan.newEvents.map(\.version) == [1, 2, 1])
    #expect(plan.newEvents.map(\.stream) == [Self.a, Self.a, Self.b])
    let results = plan.results(inserted: Self.inserted(plan)).map { try? $0.get() }
    #expect(
      results == [AppendResult(nextExpectedVersion: 2, position: 2), AppendResult(nextExpectedVersion: 1, position: 3)])
  }

  @Test("a wrong expected version fails only that append")
  func wrongVersionFailsAlone() throws {
    let batch = [
      PendingAppend(stream: Self.a, expected: .exact(5), events: [Self.event()]),
      PendingAppend(stream: Self.b, expected: .exact(3), events: [Self.event()]),
    ]
    let plan = AppendPlan(batch: batch, stored: [], versions: [Self.a: 4, Self.b: 3])
    let results = plan.results(inserted: Self.inserted(plan))
    #expect(throws: EventStoreError.self) { try results[0].get() }
    #expect(try results[1].get() == AppendResult(nextExpectedVersion: 4, position: 1))
    #expect(plan.newEvents.map(\.stream) == [Self.b])
  }

  @Test("a later append to the same stream sees the earlier one's events")
  func sameStreamInOrder() throws {
    let batch = [
      PendingAppend(stream: Self.a, expected: .noStream, events: [Self.event()]),
      PendingAppend(stream: Self.a, expected: .exact(1), events: [Self.event()]),
      PendingAppend(stream: Self.a, expected: .exact(1), events: [Self.event()]),
    ]
    let plan = AppendPlan(batch: batch, stored: [], versions: [:])
    let results = plan.results(inserted: Self.inserted(plan))
    #expect(try results[0].get().nextExpectedVersion == 1)
    #expect(try results[1].get().nextExpectedVersion == 2)
    let error = #expect(throws: EventStoreError.self) { try results[2].get() }
    #expect(error?.code == .wrongExpectedVersion)
  }

  @Test("a retry of stored events returns the first result and writes nothing")
  func retryOfStored() throws {
    let events = [Self.event(), Self.event()]
    let stored = [
      Self.stored(events[0], in: Self.a, version: 1, position: 40),
      Self.stored(events[1], in: Self.a, version: 2, position: 41),
    ]
    let plan = AppendPlan(
      batch: [PendingAppend(stream: Self.a, expected: .noStream, events: events)], stored: stored,
      versions: [Self.a: 2])
    #expect(plan.newEvents.isEmpty)
    #expect(try plan.results(inserted: [:])[0].get() == AppendResult(nextExpectedVersion: 2, position: 41))
  }

  @Test("two copies of one append in a batch write once and answer alike")
  func duplicateInBatch() throws {
    let append = PendingAppend(stream: Self.a, expected: .noStream, events: [Self.event()])
    let plan = AppendPlan(batch: [append, append], stored: [], versions: [:])
    #expect(plan.newEvents.count == 1)
    let results = plan.results(inserted: Self.inserted(plan, from: 7))
    #expect(try results[0].get() == AppendResult(nextExpectedVersion: 1, position: 7))
    #expect(try results[1].get() == AppendResult(nextExpectedVersion: 1, position: 7))
  }

  @Test("stored ids with another body are refused as duplicates, not retried")
  func sameIDsOtherBody() {
    let event = Self.event("first")
    let stored = Self.stored(event, in: Self.a, version: 1, position: 9)
    let changed = EventData(id: event.id, type: event.type, data: Data("second".utf8))
    let plan = AppendPlan(
      batch: [PendingAppend(stream: Self.a, expected: .any, events: [changed])], stored: [stored],
      versions: [Self.a: 1])
    let error = #expect(throws: EventStoreError.self) { try plan.results(inserted: [:])[0].get() }
    #expect(error?.code == .duplicateEventID)
    #expect(plan.newEvents.isEmpty)
  }

  @Test("a position missing from the insert is a storage error, never a made-up position")
  func missingPosition() {
    let plan = AppendPlan(
      batch: [PendingAppend(stream: Self.a, expected: .any, events: [Self.event()])], stored: [], versions: [:])
    let error = #expect(throws: EventStoreError.self) { try plan.results(inserted: [:])[0].get() }
    #expect(error?.code == .storage)
  }
}
