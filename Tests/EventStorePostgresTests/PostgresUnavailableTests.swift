import EventStore
import EventStorePostgres
import Foundation
import PostgresNIO
import Testing

@Suite("PostgreSQL event store: an unreachable server")
struct PostgresUnavailableTests {
  /// Needs no database: the point is that there is none. PostgresNIO's pool retries a refused
  /// connection for about 15 seconds before it fails waiting requests.
  @Test("a store pointed at a closed port reports unavailable, neither crashing nor hanging")
  func closedPort() async throws {
    let configuration = PostgresEventStore.Configuration(
      host: "127.0.0.1", port: try await unusedPort(), username: "cohort", database: "cohort", tls: .disable)
    let store = PostgresEventStore(configuration: configuration, logger: TestDatabase.logger)
    let running = Task { try await store.run() }
    defer { running.cancel() }
    let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())

    let codes = try await withTimeout(.seconds(90), "the store hung on an unreachable server") {
      async let migrate = failureCode { () async throws(EventStoreError) in try await store.migrate() }
      async let append = failureCode { () async throws(EventStoreError) in
        _ = try await store.append([EventData(id: UUID(), type: "T", data: Data())], to: stream, expecting: .any)
      }
      async let head = failureCode { () async throws(EventStoreError) in _ = try await store.headPosition() }
      return await [migrate, append, head]
    }
    let unavailable: [EventStoreError.Code?] = [.unavailable, .unavailable, .unavailable]
    #expect(codes == unavailable, "migrate, append, head: \(codes)")
  }

  /// A loopback port that was free a moment ago and that nothing listens on.
  private func unusedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port
    try await channel.close()
    return try #require(port)
  }
}
