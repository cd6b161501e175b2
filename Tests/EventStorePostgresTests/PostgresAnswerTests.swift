import EventStore
import Foundation
import PostgresNIO
import Testing

@testable import EventStorePostgres

/// A connection that closes while a query waits for its answer: the wait ends, whether the
/// driver failed the query or dropped it.
@Suite("PostgreSQL: waiting for an answer on a connection", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresAnswerTests {
  @Test("a query sent just as its connection closes answers unavailable instead of waiting for ever")
  func closedUnderneath() async throws {
    try await TestDatabase.withRawClient { client in
      try await client.withConnection { connection in
        try await connection.close()
        #expect(connection.isClosed)
        // Sent without looking first, as a query sent a moment before the channel closed is.
        let error = try await withTimeout(.seconds(10), "the wait for an answer did not end") {
          do {
            _ = try await connection.answer {
              try await connection.query("SELECT 1", logger: TestDatabase.logger).collect()
            }
            return EventStoreError?.none
          } catch {
            return EventStoreError(postgres: error)
          }
        }
        #expect(error?.code == .unavailable)
      }
    }
  }

  @Test("a query slower than the watch's period on an open connection gets its answer")
  func slowButOpen() async throws {
    try await TestDatabase.withRawClient { client in
      try await client.withConnection { connection in
        let rows = try await connection.answer(every: .milliseconds(50)) {
          try await connection.query("SELECT 7 FROM pg_sleep(0.3)", logger: TestDatabase.logger).collect()
        }
        #expect(try rows.first?.decode(Int.self) == 7)
      }
    }
  }
}
