import EventStore
import Foundation

extension EventStoreContract {
  static let subscribing: [Case] = [
    `case`("a subscription catches up, then follows live appends") { store in
      let f = Fixture()
      let start = try await store.headPosition()
      let stream = f.stream()
      let early = f.events(5, "early")
      _ = try await store.append(early, to: stream, expecting: .noStream)
      let late = f.events(3, "late")
      let seen = try await collect(f, from: store, after: start, count: 8) {
        for (index, event) in late.enumerated() {
          try await Task.sleep(for: .milliseconds(20))
          _ = try await store.append([event], to: stream, expecting: .exact(Int64(5 + index)))
        }
      }
      try require(
        seen.map(\.id) == (early + late).map(\.id), "subscription saw \(seen.count) events, out of order or not all")
    },
    Case(description: "a subscription resumes from its checkpoint after a restart") { factory in
      let f = Fixture()
      let stream = f.stream()
      let events = f.events(6)
      let (start, checkpoint) = try await with(factory) { store in
        let start = try await store.headPosition()
        _ = try await store.append(Array(events[..<4]), to: stream, expecting: .noStream)
        let seen = try await collect(f, from: store, after: start, count: 2) {}
        return (start, seen[1].position)
      }
      try require(checkpoint > start, "checkpoint did not advance")
      let seen = try await with(factory) { store in
        _ = try await store.append(Array(events[4...]), to: stream, expecting: .exact(4))
        return try await collect(f, from: store, after: checkpoint, count: 4) {}
      }
      try require(seen.map(\.id) == events[2...].map(\.id), "resumed subscription saw \(seen.map(\.version))")
    },
    `case`("what an append committed is handed to readers exactly as the log holds it, and nothing else is") {
      store in
      let f = Fixture()
      let (first, second) = (f.stream(), f.stream())
      let (early, late) = (f.events(3, "a"), f.events(2, "b"))
      let start = try await store.headPosition()
      let a = try await store.append(early, to: first, expecting: .noStream)
      let b = try await store.append(late, to: second, expecting: .noStream)
      // A refused append and a retry write nothing, so they hand nothing over.
      _ = try? await store.append(f.events(1, "refused"), to: first, expecting: .noStream)
      _ = try await store.append(late, to: second, expecting: .noStream)
      let log = try await store.readAll(after: start, limit: 10_000)
      let ours = log.filter { $0.stream.tenantID == f.tenant }
      try require(ours.count == 5 && ours.last?.position == b.position, "the log holds \(ours.count) of the 5 events")
      // Other stores of the suite may append to the same log: each append follows the event
      // before its first.
      func before(_ event: RecordedEvent) -> Int64 { log.last { $0.position < event.position }?.position ?? start }
      let handed = store.appends.committed(after: before(ours[0]), limit: 100)
      try require(
        Array(handed.prefix(3)) == Array(ours.prefix(3)),
        "the first append was handed over as \(handed.prefix(3).map(\.position)), the log has \(ours.prefix(3).map(\.position))"
      )
      let after = store.appends.committed(after: before(ours[3]), limit: 100)
      try require(after == Array(ours.suffix(2)), "the second append was handed over as \(after), not as stored")
      try require(
        store.appends.committed(after: before(ours[3]), limit: 1) == [ours[3]], "a limit of 1 handed over more")
      try require(a.position == ours[2].position, "the first append's position is not its last event's")
      try require(
        store.appends.committed(after: b.position, limit: 100).isEmpty,
        "a refused append or a retry handed something over")
      try require(
        store.appends.committed(after: ours[0].position, limit: 100).isEmpty,
        "events were handed over after a position inside an append")
    },
  ]

  /// Subscribes after `position`, runs `work` beside it, and returns this tenant's first
  /// `count` events; fails after 60 seconds without them. A bound on liveness, not a timing: on
  /// 2 cores with the whole suite running at once, 640 events once missed a 20 s bound.
  static func collect(
    _ fixture: Fixture, from store: any EventStore, after position: Int64, count: Int,
    while work: @escaping @Sendable () async throws -> Void
  ) async throws -> [RecordedEvent] {
    let tenant = fixture.tenant
    return try await withThrowingTaskGroup(of: [RecordedEvent]?.self) { group in
      group.addTask {
        var seen: [RecordedEvent] = []
        for try await event in store.subscribeAll(after: position, batchSize: 3)
        where event.stream.tenantID == tenant {
          seen.append(event)
          if seen.count == count { break }
        }
        return seen
      }
      group.addTask {
        try await work()
        return nil
      }
      group.addTask {
        try await Task.sleep(for: .seconds(60))
        throw ContractFailure(message: "subscription did not deliver \(count) events in 60 s", location: #fileID)
      }
      while let result = try await group.next() {
        if let seen = result {
          group.cancelAll()
          return seen
        }
      }
      throw ContractFailure(message: "subscription ended early", location: #fileID)
    }
  }
}
