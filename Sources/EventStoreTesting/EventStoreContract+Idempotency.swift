import EventStore
import Foundation

extension EventStoreContract {
  static let idempotency: [Case] = [
    `case`("a retried append returns the first result and writes nothing") { store in
      let f = Fixture()
      let stream = f.stream()
      let events = f.events(3)
      let first = try await store.append(events, to: stream, expecting: .noStream)
      _ = try await store.append([f.event("after")], to: stream, expecting: .exact(3))
      // The retry's expected version is stale by now; it must still get the first answer.
      let retry = try await store.append(events, to: stream, expecting: .noStream)
      try require(retry == first, "retry answered \(retry), first append answered \(first)")
      try require(try await store.readStream(stream).count == 4, "the retry wrote events again")
      try require(try await f.all(in: store).count == 4, "the retry is visible in the log")
    },
    `case`("the same event id with a different body is refused") { store in
      let f = Fixture()
      let stream = f.stream()
      let original = f.event("original")
      _ = try await store.append([original], to: stream, expecting: .noStream)
      var changed = original
      changed.data = Data("changed".utf8)
      _ = try await requireError(.duplicateEventID) {
        _ = try await store.append([changed], to: stream, expecting: .any)
      }
      var retyped = original
      retyped.type = "OtherEvent"
      _ = try await requireError(.duplicateEventID) {
        _ = try await store.append([retyped], to: stream, expecting: .any)
      }
      let read = try await store.readStream(stream)
      try require(read.count == 1 && read[0].matches(original), "the stored event was changed")
    },
    `case`("the same event id in another stream is refused") { store in
      let f = Fixture()
      let event = f.event("one")
      _ = try await store.append([event], to: f.stream(), expecting: .noStream)
      let other = f.stream()
      _ = try await requireError(.duplicateEventID) {
        _ = try await store.append([event], to: other, expecting: .noStream)
      }
      try require(try await store.readStream(other).isEmpty, "the refused event was written")
    },
    `case`("a retry that adds new events to stored ones is refused") { store in
      let f = Fixture()
      let stream = f.stream()
      let stored = f.event("stored")
      _ = try await store.append([stored], to: stream, expecting: .noStream)
      _ = try await requireError(.duplicateEventID) {
        _ = try await store.append([stored, f.event("new")], to: stream, expecting: .any)
      }
      try require(try await store.readStream(stream).count == 1, "part of a refused append was written")
    },
  ]
}
