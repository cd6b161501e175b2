import EventStore
import Foundation

extension EventStoreContract {
  static let concurrency: [Case] = [
    `case`("8 concurrent writers and a live subscriber: every event exactly once, in position order") { store in
      let f = Fixture()
      let start = try await store.headPosition()
      let writers = 8
      let appendsPerWriter = 40
      let shared = (0..<3).map { _ in f.stream("shared") }
      let expectedCount = writers * appendsPerWriter * 2
      let seen = try await collect(f, from: store, after: start, count: expectedCount) {
        try await withThrowingTaskGroup(of: Void.self) { group in
          for writer in 0..<writers {
            group.addTask {
              let own = f.stream("writer")
              for round in 0..<appendsPerWriter {
                // Alternate an own stream (exact versions) with shared streams (any version),
                // two events per append.
                let events = f.events(2, "w\(writer)-\(round)-")
                if round % 2 == 0 {
                  _ = try await store.append(events, to: own, expecting: .exact(Int64(round)))
                } else {
                  _ = try await store.append(events, to: shared[round % shared.count], expecting: .any)
                }
              }
            }
          }
          try await group.waitForAll()
        }
      }
      try require(Set(seen.map(\.id)).count == expectedCount, "the subscriber saw a duplicate event")
      try require(
        zip(seen, seen.dropFirst()).allSatisfy { $0.position < $1.position }, "subscriber saw positions out of order")
      let stored = try await f.all(in: store, after: start)
      try require(stored.map(\.id) == seen.map(\.id), "the subscriber's order differs from the log's")
      for stream in shared {
        let versions = try await store.readStream(stream).map(\.version)
        try require(
          !versions.isEmpty && versions == (1...Int64(versions.count)).map { $0 },
          "shared stream versions have gaps: \(versions)")
      }
    },
    `case`("racing appends to one stream: one wins, the others conflict, other streams are unharmed") { store in
      let f = Fixture()
      let contested = f.stream()
      let racers = 8
      let outcomes = try await withThrowingTaskGroup(of: (Bool, Bool).self) { group in
        for racer in 0..<racers {
          group.addTask {
            // Each racer also appends to a stream of its own in the same moment.
            async let own = store.append([f.event("own\(racer)")], to: f.stream("own"), expecting: .noStream)
            var won = false
            do {
              _ = try await store.append([f.event("race\(racer)")], to: contested, expecting: .noStream)
              won = true
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion {}
            let ownResult = try await own
            return (won, ownResult.nextExpectedVersion == 1)
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      try require(outcomes.filter(\.0).count == 1, "\(outcomes.filter(\.0).count) racers won, expected exactly 1")
      try require(outcomes.allSatisfy(\.1), "a conflict on one stream failed another stream's append")
      try require(try await store.readStream(contested).count == 1, "the contested stream has more than one event")
    },
  ]
}
