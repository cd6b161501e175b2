import EventStore
import EventStorePostgres
import Foundation
import Testing

@Suite("PostgreSQL event store: group commit", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresGroupCommitTests {
  /// PostgreSQL refuses a NUL byte in text, so a stream name holding one (which only code that
  /// bypasses validation can make) fails inside the database, in the middle of whatever batch it
  /// landed in. Only that append may fail.
  @Test("an append the database refuses fails alone; the appends batched with it are stored")
  func badAppendFailsAlone() async throws {
    let tenant = UUID()
    try await TestDatabase.withStore { store in
      let outcomes = try await withThrowingTaskGroup(of: (Bool, EventStoreError.Code?).self) { group in
        for index in 0..<24 {
          group.addTask {
            let bad = index == 12
            let event = EventData(id: UUID(), type: "Good", data: Data("\(index)".utf8))
            let stream =
              bad
              ? StreamName(trustedTenantID: tenant, name: "bad\u{0}stream")
              : StreamName(tenantID: tenant, category: "batch", id: UUID())
            do throws(EventStoreError) {
              _ = try await store.append([event], to: stream, expecting: .noStream)
              return (bad, nil)
            } catch {
              return (bad, error.code)
            }
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      let good = outcomes.filter { !$0.0 }
      #expect(good.count == 23 && good.allSatisfy { $0.1 == nil }, "good appends failed: \(good)")
      #expect(outcomes.filter(\.0).map(\.1) == [.storage], "the bad append: \(outcomes.filter(\.0))")
      var stored = 0
      var cursor: Int64 = 0
      while true {
        let page = try await store.readAll(after: cursor, limit: 1_000)
        guard let last = page.last else { break }
        stored += page.filter { $0.stream.tenantID == tenant }.count
        cursor = last.position
      }
      #expect(stored == 23, "\(stored) events stored")
    }
  }

  /// Copies of one append sent at once (a client retrying before the first answer arrived)
  /// usually land in one batch: the later copies count as retries of the first.
  @Test("copies of one append sent at once store it once and all get its result")
  func concurrentRetries() async throws {
    let stream = StreamName(tenantID: UUID(), category: "retry", id: UUID())
    let events = (0..<3).map { EventData(id: UUID(), type: "Retried", data: Data("\($0)".utf8)) }
    try await TestDatabase.withStore { store in
      let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
        for _ in 0..<8 {
          group.addTask { try await store.append(events, to: stream, expecting: .noStream) }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(Set(results).count == 1 && results.first?.nextExpectedVersion == 3, "\(results)")
      let stored = try await store.readStream(stream)
      #expect(stored.map(\.id) == events.map(\.id), "stored \(stored.count) events")
      #expect(stored.last?.position == results.first?.position)
    }
  }

  /// Keys are made in the append batches' transactions, after the append lock: two servers
  /// making the same keys while appending must neither deadlock nor disagree.
  @Test("two stores making the same keys while appending agree on every key and store every append")
  func keysAndAppendsFromTwoStores() async throws {
    let tenant = UUID()
    let subjects = (0..<30).map { _ in UUID() }
    try await TestDatabase.withStore { first in
      try await TestDatabase.withStore { second in
        let keys = try await withThrowingTaskGroup(of: [UUID: EncryptionKey].self) { group in
          for (index, store) in [first, second, first, second].enumerated() {
            group.addTask {
              var made: [UUID: EncryptionKey] = [:]
              for subject in index % 2 == 0 ? subjects : subjects.reversed() {
                async let appended = store.append(
                  [EventData(id: UUID(), type: "Keyed", data: Data())],
                  to: StreamName(tenantID: tenant, category: "keyed", id: UUID()), expecting: .noStream)
                made[subject] = try await store.key(for: subject, tenantID: tenant)
                _ = try await appended
              }
              return made
            }
          }
          return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(keys).count == 1, "the stores made different keys for one subject")
        #expect(Set(keys[0].values).count == subjects.count)
        #expect(try await first.existingKeys(Set(subjects)) == keys[0])
      }
    }
  }
}
