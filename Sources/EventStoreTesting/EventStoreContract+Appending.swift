import EventStore
import Foundation

extension EventStoreContract {
  static let appending: [Case] = [
    `case`("append to a new stream, expecting no stream") { store in
      let f = Fixture()
      let stream = f.stream()
      let event = f.event("scheduled", bytes: 70_000)
      let result = try await store.append([event], to: stream, expecting: .noStream)
      try require(result.nextExpectedVersion == 1, "first event should leave the stream at version 1, got \(result)")
      let read = try await store.readStream(stream)
      try require(read.count == 1 && read[0].matches(event), "the stored event differs from the appended one")
      try require(read[0].version == 1 && read[0].position == result.position, "version or position wrong: \(read[0])")
      try require(read[0].stream == stream, "stream name not kept: \(read[0].stream)")
      try require(abs(read[0].recordedAt.timeIntervalSinceNow) < 600, "recordedAt is not now: \(read[0].recordedAt)")
    },
    `case`("append several events atomically with consecutive versions") { store in
      let f = Fixture()
      let stream = f.stream()
      let events = f.events(5)
      let result = try await store.append(events, to: stream, expecting: .noStream)
      let read = try await store.readStream(stream)
      try require(read.map(\.id) == events.map(\.id), "events not stored in order")
      try require(read.map(\.version) == [1, 2, 3, 4, 5], "versions \(read.map(\.version))")
      try require(zip(read, read.dropFirst()).allSatisfy { $0.position < $1.position }, "positions not increasing")
      try require(result == AppendResult(nextExpectedVersion: 5, position: read[4].position), "result \(result)")
    },
    `case`("expected version exact N appends, a wrong one writes nothing") { store in
      let f = Fixture()
      let stream = f.stream()
      _ = try await store.append(f.events(2), to: stream, expecting: .noStream)
      let third = try await store.append([f.event("third")], to: stream, expecting: .exact(2))
      try require(third.nextExpectedVersion == 3, "exact(2) should give version 3, got \(third)")
      let head = try await store.headPosition()
      let error = try await requireError(.wrongExpectedVersion) {
        _ = try await store.append(f.events(2, "late"), to: stream, expecting: .exact(2))
      }
      try require(error.actualVersion == 3 && error.expected == .exact(2), "conflict should name versions: \(error)")
      try require(error.stream == stream, "conflict should name the stream")
      try require(try await store.readStream(stream).count == 3, "a conflicting append wrote events")
      try require(try await store.headPosition() >= head, "head position went backwards")
      let mine = try await f.all(in: store)
      try require(mine.count == 3, "a conflicting append is visible in the log: \(mine.count) events")
    },
    `case`("expecting no stream on an existing stream conflicts") { store in
      let f = Fixture()
      let stream = f.stream()
      _ = try await store.append([f.event("a")], to: stream, expecting: .any)
      _ = try await requireError(.wrongExpectedVersion) {
        _ = try await store.append([f.event("b")], to: stream, expecting: .noStream)
      }
      _ = try await requireError(.wrongExpectedVersion) {
        _ = try await store.append([f.event("c")], to: stream, expecting: .exact(0))
      }
    },
    `case`("expecting a version of a missing stream conflicts at version 0") { store in
      let f = Fixture()
      let stream = f.stream()
      let error = try await requireError(.wrongExpectedVersion) {
        _ = try await store.append([f.event("a")], to: stream, expecting: .exact(3))
      }
      try require(
        error.actualVersion == 0, "a missing stream is at version 0, got \(String(describing: error.actualVersion))")
      try require(try await store.readStream(stream).isEmpty, "a conflicting append created the stream")
    },
    `case`("expecting any appends whatever the version") { store in
      let f = Fixture()
      let stream = f.stream()
      for round in 1...3 {
        let result = try await store.append([f.event("any\(round)")], to: stream, expecting: .any)
        try require(result.nextExpectedVersion == Int64(round), "round \(round): \(result)")
      }
    },
    `case`("malformed appends are refused with a typed error") { store in
      let f = Fixture()
      let stream = f.stream()
      _ = try await requireError(.invalidAppend) {
        _ = try await store.append([], to: stream, expecting: .any)
      }
      let event = f.event("twice")
      _ = try await requireError(.invalidAppend) {
        _ = try await store.append([event, event], to: stream, expecting: .any)
      }
      var untyped = f.event("untyped")
      untyped.type = ""
      _ = try await requireError(.invalidAppend) {
        _ = try await store.append([untyped], to: stream, expecting: .any)
      }
      var binaryType = f.event("binary type")
      binaryType.type = "Test\u{0}Event"
      _ = try await requireError(.invalidAppend) {
        _ = try await store.append([binaryType], to: stream, expecting: .any)
      }
      try require(try await store.readStream(stream).isEmpty, "a refused append wrote events")
    },
    `case`("streams are scoped by tenant") { store in
      let a = Fixture()
      let b = Fixture()
      let id = UUID()
      let streamA = StreamName(tenantID: a.tenant, category: "cohort", id: id)
      let streamB = StreamName(tenantID: b.tenant, category: "cohort", id: id)
      _ = try await store.append(a.events(2), to: streamA, expecting: .noStream)
      let result = try await store.append(b.events(1), to: streamB, expecting: .noStream)
      try require(result.nextExpectedVersion == 1, "tenant B's stream should be new, got \(result)")
      try require(try await store.readStream(streamA).count == 2, "tenant A's stream changed")
      try require(try await store.readStream(streamB).allSatisfy { $0.stream.tenantID == b.tenant }, "tenant mixed up")
    },
  ]
}
