import EventStore
import Foundation
import Testing

@testable import EventStorePostgres

/// One append batch exactly as given, through `events_commit` on a real database: each append
/// judged on its own and in order, as the in-memory store judges it.
@Suite("PostgreSQL event store: one batch in one call", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresAppendBatchTests {
  static func event(_ body: String = "x") -> EventData {
    EventData(id: UUID(), type: "Happened", data: Data(body.utf8), metadata: Data("m".utf8))
  }

  static func stream() -> StreamName {
    StreamName(tenantID: UUID(), category: "batch", id: UUID())
  }

  /// Commits `batch` as one batch, as the group committer would.
  static func commit(
    _ batch: [PendingAppend], on store: PostgresEventStore
  ) async -> [Result<AppendResult, EventStoreError>] {
    await write(batch.map(PostgresWrite.append), on: store).map { result in
      result.flatMap { written in
        guard case .appended(let appended) = written else { return .failure(EventStoreError(.storage, "a key")) }
        return .success(appended)
      }
    }
  }

  static func write(
    _ batch: [PostgresWrite], on store: PostgresEventStore
  ) async -> [Result<PostgresWritten, EventStoreError>] {
    await AppendWriter(connections: store.connections, logger: store.logger, signal: store.appends).commit(batch)
  }

  static func key(_ result: Result<PostgresWritten, EventStoreError>) throws -> EncryptionKey? {
    guard case .key(let key) = try result.get() else { throw EventStoreError(.storage, "an append answered a key") }
    return key
  }

  static func code(_ result: Result<AppendResult, EventStoreError>) -> EventStoreError.Code? {
    if case .failure(let error) = result { error.code } else { nil }
  }

  @Test("appends to new streams get versions from 1 and positions in batch order")
  func newStreams() async throws {
    let (a, b) = (Self.stream(), Self.stream())
    try await TestDatabase.withStore { store async throws in
      let results = await Self.commit(
        [
          PendingAppend(stream: a, expected: .noStream, events: [Self.event(), Self.event()]),
          PendingAppend(stream: b, expected: .noStream, events: [Self.event()]),
        ], on: store)
      let first = try results[0].get()
      let second = try results[1].get()
      #expect(first.nextExpectedVersion == 2 && second.nextExpectedVersion == 1)
      #expect(second.position == first.position + 1)
      let stored = try await store.readStream(a)
      #expect(stored.map(\.version) == [1, 2] && stored.map(\.position) == [first.position - 1, first.position])
    }
  }

  @Test("a wrong expected version fails only that append, saying where the stream is")
  func wrongVersionFailsAlone() async throws {
    let (a, b) = (Self.stream(), Self.stream())
    try await TestDatabase.withStore { store async throws in
      _ = try await store.append((0..<4).map { _ in Self.event() }, to: a, expecting: .noStream)
      let results = await Self.commit(
        [
          PendingAppend(stream: a, expected: .exact(5), events: [Self.event()]),
          PendingAppend(stream: b, expected: .noStream, events: [Self.event()]),
          PendingAppend(stream: a, expected: .noStream, events: [Self.event()]),
          PendingAppend(stream: a, expected: .any, events: [Self.event()]),
        ], on: store)
      guard case .failure(let error) = results[0] else {
        Issue.record("expected version 5 of a stream at 4 was accepted")
        return
      }
      #expect(error.code == .wrongExpectedVersion && error.stream == a)
      #expect(error.detail.contains("stream is at version 4"), "\(error.detail)")
      #expect(try results[1].get().nextExpectedVersion == 1)
      #expect(Self.code(results[2]) == .wrongExpectedVersion, "no stream, but it has 4 events")
      #expect(try results[3].get().nextExpectedVersion == 5)
      #expect(try await store.readStream(a).count == 5)
    }
  }

  @Test("a later append to the same stream sees the earlier one's events")
  func sameStreamInOrder() async throws {
    let a = Self.stream()
    try await TestDatabase.withStore { store async throws in
      let results = await Self.commit(
        [
          PendingAppend(stream: a, expected: .noStream, events: [Self.event()]),
          PendingAppend(stream: a, expected: .exact(1), events: [Self.event()]),
          PendingAppend(stream: a, expected: .exact(1), events: [Self.event()]),
        ], on: store)
      #expect(try results[0].get().nextExpectedVersion == 1)
      #expect(try results[1].get().nextExpectedVersion == 2)
      #expect(Self.code(results[2]) == .wrongExpectedVersion)
    }
  }

  @Test("a retry of stored events returns the first result and writes nothing")
  func retryOfStored() async throws {
    let a = Self.stream()
    let events = [Self.event(), Self.event()]
    try await TestDatabase.withStore { store async throws in
      let first = try await store.append(events, to: a, expecting: .noStream)
      _ = try await store.append([Self.event()], to: a, expecting: .exact(2))
      let results = await Self.commit([PendingAppend(stream: a, expected: .noStream, events: events)], on: store)
      #expect(try results[0].get() == first)
      #expect(try await store.readStream(a).count == 3)
    }
  }

  @Test("two copies of one append in a batch write once and answer alike")
  func duplicateInBatch() async throws {
    let a = Self.stream()
    let append = PendingAppend(stream: a, expected: .noStream, events: [Self.event(), Self.event()])
    try await TestDatabase.withStore { store async throws in
      let results = await Self.commit([append, append], on: store)
      #expect(try results[0].get() == results[1].get())
      #expect(try await store.readStream(a).count == 2)
    }
  }

  @Test("stored ids with another body, stream or order, or only some of them stored, are duplicates")
  func notARetry() async throws {
    let (a, b) = (Self.stream(), Self.stream())
    let events = [Self.event("one"), Self.event("two")]
    try await TestDatabase.withStore { store async throws in
      _ = try await store.append(events, to: a, expecting: .noStream)
      let otherBody = EventData(id: events[0].id, type: events[0].type, data: Data("changed".utf8))
      let results = await Self.commit(
        [
          PendingAppend(stream: a, expected: .any, events: [otherBody]),
          PendingAppend(stream: b, expected: .any, events: events),
          PendingAppend(stream: a, expected: .any, events: events.reversed()),
          PendingAppend(stream: a, expected: .any, events: [events[0], Self.event("new")]),
        ], on: store)
      for (index, result) in results.enumerated() {
        #expect(Self.code(result) == .duplicateEventID, "append \(index): \(result)")
      }
      #expect(try await store.readStream(a).count == 2)
      #expect(try await store.readStream(b).isEmpty)
    }
  }

  @Test("keys batched with appends: each subject gets the key stored first, in batch order, beside the appends")
  func keysBesideAppends() async throws {
    let (tenant, stored, fresh, stream) = (UUID(), UUID(), UUID(), Self.stream())
    try await TestDatabase.withStore { store async throws in
      let existing = try await store.key(for: stored, tenantID: tenant)
      let (mine, again, other) = (EncryptionKey.random(), EncryptionKey.random(), EncryptionKey.random())
      let results = await Self.write(
        [
          .key(subject: fresh, tenantID: tenant, fresh: mine),
          .append(PendingAppend(stream: stream, expected: .noStream, events: [Self.event()])),
          .key(subject: stored, tenantID: tenant, fresh: other),
          .key(subject: fresh, tenantID: tenant, fresh: again),
          .append(PendingAppend(stream: stream, expected: .exact(1), events: [Self.event()])),
        ], on: store)
      #expect(try Self.key(results[0]) == mine, "a new subject's key is the one proposed")
      #expect(try Self.key(results[2]) == existing, "a subject with a key keeps it")
      #expect(try Self.key(results[3]) == mine, "a second proposal in one batch gets the first")
      guard case .appended(let first) = try results[1].get(), case .appended(let second) = try results[4].get() else {
        Issue.record("the appends were answered as keys: \(results)")
        return
      }
      #expect(first.nextExpectedVersion == 1 && second.nextExpectedVersion == 2)
      #expect(try await store.existingKeys([fresh, stored]) == [fresh: mine, stored: existing])
    }
  }

  @Test("a batch hands its readers what it wrote, as the log holds it, each append after the one before")
  func handsOverWhatItWrote() async throws {
    let (a, b) = (Self.stream(), Self.stream())
    try await TestDatabase.withStore { store async throws in
      let start = try await store.headPosition()
      let retried = PendingAppend(stream: b, expected: .noStream, events: [Self.event("b")])
      _ = await Self.commit([retried], on: store)
      let results = await Self.write(
        [
          .append(PendingAppend(stream: a, expected: .noStream, events: [Self.event("a1"), Self.event("a2")])),
          .key(subject: UUID(), tenantID: a.tenantID, fresh: .random()),
          .append(PendingAppend(stream: a, expected: .noStream, events: [Self.event("refused")])),
          .append(retried),
          .append(PendingAppend(stream: b, expected: .exact(1), events: [Self.event("b2"), Self.event("b3")])),
        ], on: store)
      #expect(results.allSatisfy { if case .success = $0 { true } else { false } } == false, "one append is refused")
      let log = try await store.readAll(after: start, limit: 100_000)
      let written = log.filter { [a, b].contains($0.stream) }
      #expect(written.map(\.version) == [1, 1, 2, 2, 3])
      let batch = Array(written.dropFirst())
      let before = log.last { $0.position < batch[0].position }?.position ?? start
      #expect(store.appends.committed(after: before, limit: 100) == batch, "a1 a2, then b2 b3 right after them")
    }
  }

  @Test("a batch of keys only stores each proposed key")
  func keysOnly() async throws {
    let tenant = UUID()
    let subjects = (0..<5).map { _ in UUID() }
    try await TestDatabase.withStore { store async throws in
      let proposed = subjects.map { _ in EncryptionKey.random() }
      let results = await Self.write(
        zip(subjects, proposed).map { .key(subject: $0, tenantID: tenant, fresh: $1) }, on: store)
      #expect(try results.map(Self.key) == proposed)
      #expect(try await store.existingKeys(Set(subjects)) == Dictionary(uniqueKeysWithValues: zip(subjects, proposed)))
    }
  }
}
