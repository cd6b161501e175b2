import EventStore
import Foundation
import Testing

@testable import EventStoreSQLite

@Suite("SQLite event store: behaviour beyond the contract")
struct SQLiteEventStoreBehaviourTests {
  @Test("empty payload and metadata are stored as empty, not as NULL")
  func emptyBodies() async throws {
    try await SQLiteTesting.withStore { store, _ in
      let stream = SQLiteTesting.stream()
      let event = EventData(id: UUID(), type: "Empty", schemaVersion: 7, data: Data(), metadata: Data())
      _ = try await store.append([event], to: stream, expecting: .noStream)
      let read = try await store.readStream(stream)
      #expect(read.count == 1 && read.first?.matches(event) == true)
      // The retry check compares stored bytes with proposed ones, so it must see them equal too.
      let retry = try await store.append([event], to: stream, expecting: .noStream)
      #expect(retry.nextExpectedVersion == 1)
    }
  }

  @Test("the largest allowed append is written whole")
  func largestAppend() async throws {
    try await SQLiteTesting.withStore { store, _ in
      let stream = SQLiteTesting.stream()
      let events = (0..<AppendRules.maximumEvents).map { SQLiteTesting.event("e\($0)") }
      let result = try await store.append(events, to: stream, expecting: .noStream)
      #expect(result.nextExpectedVersion == Int64(events.count))
      let read = try await store.readStream(stream, batchSize: 4_000)
      #expect(read.map(\.id) == events.map(\.id))
      #expect(read.last?.position == result.position)
    }
  }

  @Test("reads with a limit of zero or less return nothing")
  func nonPositiveLimits() async throws {
    try await SQLiteTesting.withStore { store, _ in
      let stream = SQLiteTesting.stream()
      _ = try await store.append([SQLiteTesting.event("a")], to: stream, expecting: .noStream)
      #expect(try await store.read(stream, from: 1, direction: .forward, limit: 0).isEmpty)
      #expect(try await store.read(stream, from: .max, direction: .backward, limit: -1).isEmpty)
      #expect(try await store.readAll(after: 0, limit: -1).isEmpty)
    }
  }

  @Test("a closed store refuses calls as unavailable; closing twice is harmless")
  func closedStore() async throws {
    try await SQLiteTesting.withDatabasePath { path in
      let store = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      await store.close()
      await store.close()
      let error = await SQLiteTesting.error { () async throws(EventStoreError) in
        try await store.append([SQLiteTesting.event("late")], to: SQLiteTesting.stream(), expecting: .any)
      }
      #expect(error?.code == .unavailable)
      let readError = await SQLiteTesting.error { () async throws(EventStoreError) in
        try await store.headPosition()
      }
      #expect(readError?.code == .unavailable)
    }
  }

  @Test("close waits for appends already under way")
  func closeDrains() async throws {
    try await SQLiteTesting.withDatabasePath { path in
      let store = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
      let stream = SQLiteTesting.stream()
      let appending = Task {
        try await store.append([SQLiteTesting.event("in flight")], to: stream, expecting: .noStream)
      }
      // Whichever comes first, the append either completes or is refused as unavailable; it
      // never runs against a closed connection.
      await store.close()
      do {
        _ = try await appending.value
        let reopened = try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
        #expect(try await reopened.readStream(stream).count == 1)
        await reopened.close()
      } catch let error as EventStoreError {
        #expect(error.code == .unavailable)
      }
    }
  }
}

@Suite("SQLite key store: deleting a key erases its bytes")
struct SQLiteKeyErasureTests {
  @Test("a deleted key's bytes are in neither the database file nor its write-ahead log")
  func deletedKeyLeavesNoBytes() async throws {
    try await SQLiteTesting.withStore { store, path in
      let (tenant, subject) = (UUID(), UUID())
      let kept = try await store.key(for: UUID(), tenantID: tenant).bytes
      let key = try await store.key(for: subject, tenantID: tenant).bytes
      #expect(try Self.contents(of: path).range(of: key) != nil, "the key should be on disk before it is deleted")
      try await store.deleteKey(for: subject)
      #expect(try Self.contents(of: path).range(of: key) == nil)
      #expect(try Self.contents(of: path).range(of: kept) != nil, "only the deleted key may disappear")
    }
  }

  /// The bytes of the database file and of its write-ahead log, if any.
  static func contents(of path: String) throws -> Data {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data += wal }
    return data
  }
}
