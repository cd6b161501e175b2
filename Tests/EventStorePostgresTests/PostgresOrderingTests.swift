import EventStore
import EventStorePostgres
import Foundation
import Testing

@Suite("PostgreSQL event store: ordering across processes", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresOrderingTests {
  /// Two stores with pools of their own stand for two server processes; a subscriber on a third
  /// sees their appends only by polling, so it relies on positions being committed in order.
  /// (Without the append lock this fails: the subscriber moves past events that commit later
  /// with lower positions and never sees them, and `.any` appends to a shared stream conflict.)
  @Test("two stores, 8 writers, a subscriber on a third store: every acknowledged event once, in order")
  func writersOnTwoStores() async throws {
    let tenant = UUID()
    let expected = Self.writers * Self.appendsPerWriter * 2
    try await TestDatabase.withStore { first in
      try await TestDatabase.withStore { second in
        try await TestDatabase.withStore { reader in
          let start = try await reader.headPosition()
          let subscriber = Task {
            var seen: [RecordedEvent] = []
            for try await event in reader.subscribeAll(after: start, batchSize: 5)
            where event.stream.tenantID == tenant {
              seen.append(event)
              if seen.count == expected { break }
            }
            return seen
          }
          defer { subscriber.cancel() }

          let acknowledged = try await withTimeout(.seconds(60), "the writers did not finish") {
            try await Self.write(to: [first, second], tenant: tenant)
          }
          let seen = try await withTimeout(
            .seconds(10),
            "the subscriber did not see all \(expected) acknowledged events within 10 s of the last one"
          ) {
            try await withTaskCancellationHandler {
              try await subscriber.value
            } onCancel: {
              subscriber.cancel()
            }
          }

          #expect(acknowledged.count == expected, "\(acknowledged.count) of \(expected) events acknowledged")
          #expect(Set(seen.map(\.id)).count == seen.count, "the subscriber saw an event twice")
          #expect(Set(seen.map(\.id)) == acknowledged, "seen and acknowledged events differ")
          #expect(
            zip(seen, seen.dropFirst()).allSatisfy { $0.position < $1.position },
            "the subscriber saw positions out of order")
          let stored = try await Self.log(of: tenant, in: reader, after: start)
          #expect(stored.map(\.id) == seen.map(\.id), "the log's order differs from what the subscriber saw")
        }
      }
    }
  }

  static let writers = 8
  static let appendsPerWriter = 50

  /// Runs the writers, alternating between the stores, and returns the ids of every event
  /// whose append was acknowledged. Each writer alternates its own stream (exact versions) with
  /// streams all writers share (any version), two events per append.
  private static func write(to stores: [PostgresEventStore], tenant: UUID) async throws -> Set<UUID> {
    let shared = (0..<3).map { _ in StreamName(tenantID: tenant, category: "shared", id: UUID()) }
    let acknowledged = try await withThrowingTaskGroup(of: [UUID].self) { group in
      for writer in 0..<writers {
        let store = stores[writer % stores.count]
        group.addTask {
          let own = StreamName(tenantID: tenant, category: "writer", id: UUID())
          var acknowledged: [UUID] = []
          for round in 0..<appendsPerWriter {
            let events = (0..<2).map { index in
              EventData(id: UUID(), type: "Written", data: Data("w\(writer)-\(round)-\(index)".utf8))
            }
            if round % 2 == 0 {
              _ = try await store.append(events, to: own, expecting: .exact(Int64(round)))
            } else {
              _ = try await store.append(events, to: shared[round % shared.count], expecting: .any)
            }
            acknowledged += events.map(\.id)
          }
          return acknowledged
        }
      }
      return try await group.reduce(into: Set<UUID>()) { $0.formUnion($1) }
    }
    for stream in shared {
      let versions = try await stores[0].readStream(stream).map(\.version)
      #expect(versions == (0..<versions.count).map { Int64($0) + 1 }, "shared stream versions: \(versions)")
    }
    return acknowledged
  }

  /// The tenant's events in the whole log after `position`, in log order.
  private static func log(
    of tenant: UUID, in store: PostgresEventStore, after position: Int64
  ) async throws -> [RecordedEvent] {
    var found: [RecordedEvent] = []
    var cursor = position
    while true {
      let page = try await store.readAll(after: cursor, limit: 100)
      guard let last = page.last else { return found }
      found += page.filter { $0.stream.tenantID == tenant }
      cursor = last.position
    }
  }
}
