import EventStore
import Foundation
import Synchronization
import Testing

@testable import EventStoreSQLite

/// Drives the group-commit writer with hand-made batches, which concurrent appends produce only
/// by chance.
@Suite("SQLite event store: group commit")
struct SQLiteAppendWriterTests {
  @Test("each append of a batch is decided on its own")
  func batchDecidesEachAppend() async throws {
    try await SQLiteTesting.withStore { store, _ in
      let writer = SQLiteAppendWriter(connection: store.writer, appends: store.appends, logger: SQLiteTesting.logger)
      let contested = SQLiteTesting.stream()
      let other = SQLiteTesting.stream()
      let first = [SQLiteTesting.event("first")]
      let generation = store.appends.generation
      let results = await writer.commit([
        PendingAppend(stream: contested, expected: .noStream, events: first),
        PendingAppend(stream: contested, expected: .noStream, events: [SQLiteTesting.event("late")]),
        PendingAppend(stream: other, expected: .noStream, events: [SQLiteTesting.event("other")]),
        // A retry inside the same batch sees the first append, still uncommitted.
        PendingAppend(stream: contested, expected: .noStream, events: first),
      ])
      #expect(results.count == 4)
      let won = try results[0].get()
      #expect(won.nextExpectedVersion == 1)
      #expect(throws: EventStoreError.self) { try results[1].get() }
      #expect(results[1].failureCode == .wrongExpectedVersion)
      #expect(try results[2].get().nextExpectedVersion == 1)
      #expect(try results[3].get() == won)
      #expect(store.appends.generation != generation, "a commit must wake subscribers")
      #expect(try await store.readStream(contested).map(\.id) == first.map(\.id))
      #expect(try await store.readStream(other).count == 1)
    }
  }

  @Test("a database failure inside a batch fails only the append that caused it")
  func batchFallsBackToSingleAppends() async throws {
    try await SQLiteTesting.withStore { store, path in
      // A trigger of the test's own makes the database fail one kind of insert.
      try await SQLiteTesting.withRawConnection(to: path) { connection in
        _ = try await connection.query(
          "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
        )
      }
      let writer = SQLiteAppendWriter(connection: store.writer, appends: store.appends, logger: SQLiteTesting.logger)
      let streams = (0..<3).map { _ in SQLiteTesting.stream() }
      let results = await writer.commit([
        PendingAppend(stream: streams[0], expected: .noStream, events: [SQLiteTesting.event("a")]),
        PendingAppend(stream: streams[1], expected: .noStream, events: [SQLiteTesting.event("b", type: "Poison")]),
        PendingAppend(stream: streams[2], expected: .noStream, events: [SQLiteTesting.event("c")]),
      ])
      #expect(try results[0].get().nextExpectedVersion == 1)
      #expect(results[1].failureCode != nil)
      #expect(try results[2].get().nextExpectedVersion == 1)
      #expect(try await store.readStream(streams[0]).count == 1)
      #expect(try await store.readStream(streams[1]).isEmpty)
      #expect(try await store.readStream(streams[2]).count == 1)
    }
  }

  @Test("appends that arrive while the writer is busy share one transaction")
  func concurrentAppendsShareCommits() async throws {
    try await SQLiteTesting.withStore { store, path in
      let appendCount = 20
      let commits = Mutex(0)
      try await store.writer.withCommitObserver({ _ in commits.withLock { $0 += 1 } }) {
        // Another connection holds the write lock, so appends queue up behind the first batch.
        try await SQLiteTesting.withRawConnection(to: path) { connection in
          _ = try await connection.query("BEGIN IMMEDIATE")
          let appending = Task {
            try await withThrowingTaskGroup(of: AppendResult.self) { group in
              for index in 0..<appendCount {
                group.addTask {
                  try await store.append(
                    [SQLiteTesting.event("e\(index)")], to: SQLiteTesting.stream(), expecting: .noStream)
                }
              }
              try await group.waitForAll()
            }
          }
          try await Task.sleep(for: .milliseconds(300))
          _ = try await connection.query("COMMIT")
          try await appending.value
        }
      }
      let count = commits.withLock { $0 }
      #expect(count >= 1 && count < appendCount, "\(appendCount) appends took \(count) commits")
    }
  }

  @Test("a write lock held elsewhere past the busy timeout makes appends unavailable")
  func busyIsUnavailable() async throws {
    try await SQLiteTesting.withStore { store, path in
      // Give up at once rather than after the store's usual timeout.
      _ = try await store.writer.query("PRAGMA busy_timeout = 0")
      let stream = SQLiteTesting.stream()
      try await SQLiteTesting.withRawConnection(to: path) { connection in
        _ = try await connection.query("BEGIN IMMEDIATE")
        let error = await SQLiteTesting.error { () async throws(EventStoreError) in
          try await store.append([SQLiteTesting.event("blocked")], to: stream, expecting: .noStream)
        }
        #expect(error?.code == .unavailable, "\(String(reflecting: error))")
        #expect(error?.stream == stream)
        _ = try await connection.query("ROLLBACK")
      }
      let result = try await store.append([SQLiteTesting.event("later")], to: stream, expecting: .noStream)
      #expect(result.nextExpectedVersion == 1)
    }
  }
}

extension Result where Failure == EventStoreError {
  fileprivate var failureCode: EventStoreError.Code? {
    if case .failure(let error) = self { error.code } else { nil }
  }
}
