import EventStore
import EventStorePostgres
import EventStoreTesting
import Foundation
import Testing

/// The database goes away under a running store and comes back: the store answers `unavailable`
/// while it is gone (within its connection wait, never hanging) and serves again by itself once
/// it is back, with nothing acknowledged lost. Runs on a PostgreSQL server of its own, so that
/// stopping it disturbs no other test.
@Suite("PostgreSQL event store: the database restarts", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresRestartTests {
  @Test("appends and reads fail with unavailable while PostgreSQL is stopped, and succeed again once it is back")
  func restart() async throws {
    try await ThrowawayPostgres.withServer { postgres in try await restart(postgres) }
  }

  private func restart(_ postgres: ThrowawayPostgres) async throws {
    var configuration = try PostgresEventStore.Configuration(url: postgres.url)
    configuration.connectionWait = .seconds(5)
    configuration.outageWait = .milliseconds(200)
    configuration.maximumConnections = 4
    let store = PostgresEventStore(configuration: configuration, logger: TestDatabase.logger)
    let running = Task { try await store.run() }
    defer { running.cancel() }
    try await store.migrate()

    let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())
    let before = try await store.append([event()], to: stream, expecting: .noStream)
    // Keep connections busy, so that some are open (and then broken) when the server stops.
    let load = Task {
      var acknowledged = 0
      while !Task.isCancelled {
        if (try? await store.append([event()], to: stream, expecting: .any)) != nil { acknowledged += 1 }
      }
      return acknowledged
    }
    try await Task.sleep(for: .milliseconds(300))

    try postgres.pause()
    // Several attempts while it is down, so that the pool has failed to connect many times.
    for attempt in 1...4 {
      let started = ContinuousClock.now
      let failure = try await withTimeout(.seconds(30), "append \(attempt) hung while PostgreSQL was stopped") {
        await failureCode { () async throws(EventStoreError) in
          _ = try await store.append([event()], to: stream, expecting: .any)
        }
      }
      #expect(failure == .unavailable, "append \(attempt) while PostgreSQL was stopped")
      // The first failure tells the store that the database is out of reach; from then on an
      // append does not wait the whole connection wait for a connection that cannot come.
      let took = ContinuousClock.now - started
      if attempt > 1 { #expect(took < configuration.connectionWait, "append \(attempt) took \(took)") }
    }
    let readFailure = try await withTimeout(.seconds(30), "a read hung while PostgreSQL was stopped") {
      await failureCode { () async throws(EventStoreError) in _ = try await store.readAll(after: 0, limit: 10) }
    }
    #expect(readFailure == .unavailable)

    try postgres.resume()
    let after = try await withTimeout(.seconds(60), "the store did not serve again after PostgreSQL came back") {
      while true {
        do {
          return try await store.append([event()], to: stream, expecting: .any)
        } catch let error as EventStoreError where error.code == .unavailable {
          try await Task.sleep(for: .milliseconds(100))
        }
      }
    }
    load.cancel()
    let acknowledgedUnderLoad = await load.value
    #expect(after.position > before.position)

    // Everything acknowledged is there, with no gap in the stream's versions.
    let events = try await store.readStream(stream)
    #expect(events.map(\.version) == Array(1...Int64(events.count)))
    #expect(events.count >= 2 + acknowledgedUnderLoad)
  }

  private func event() -> EventData { EventData(id: UUID(), type: "Restarted", data: Data("x".utf8)) }
}
