import EventStore
import Foundation

extension EventStoreContract {
  static let reading: [Case] = [
    `case`("read a stream forward and backward with limits") { store in
      let f = Fixture()
      let stream = f.stream()
      let events = f.events(10)
      _ = try await store.append(Array(events[..<4]), to: stream, expecting: .noStream)
      _ = try await store.append(Array(events[4...]), to: stream, expecting: .exact(4))
      let forward = try await store.read(stream, from: 3, direction: .forward, limit: 4)
      try require(forward.map(\.version) == [3, 4, 5, 6], "forward from 3: \(forward.map(\.version))")
      let backward = try await store.read(stream, from: .max, direction: .backward, limit: 3)
      try require(backward.map(\.version) == [10, 9, 8], "backward from the end: \(backward.map(\.version))")
      let middle = try await store.read(stream, from: 2, direction: .backward, limit: 5)
      try require(middle.map(\.version) == [2, 1], "backward from 2: \(middle.map(\.version))")
      try require(try await store.read(stream, from: 11, direction: .forward, limit: 5).isEmpty, "read past the end")
      try require(try await store.read(f.stream(), from: 1, direction: .forward, limit: 5).isEmpty, "missing stream")
      try require(try await store.readStream(stream, batchSize: 3).map(\.id) == events.map(\.id), "batched read")
    },
    `case`("read the whole log in batches from a position") { store in
      let f = Fixture()
      let start = try await store.headPosition()
      var appended: [UUID] = []
      for round in 0..<6 {
        let events = f.events(round % 3 + 1, "r\(round)-")
        _ = try await store.append(events, to: f.stream(round % 2 == 0 ? "cohort" : "customer"), expecting: .any)
        appended += events.map(\.id)
      }
      let mine = try await f.all(in: store, after: start, batch: 4)
      try require(mine.map(\.id) == appended, "readAll lost, repeated or reordered events")
      let head = try await store.headPosition()
      try require(head >= mine.last!.position, "head \(head) is behind the last event \(mine.last!.position)")
      let tail = try await f.all(in: store, after: mine[3].position)
      try require(tail.map(\.id) == Array(appended[4...]), "readAll after a position")
    },
  ]
}
