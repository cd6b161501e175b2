import EventStore
import PostgresNIO
import Synchronization

extension PostgresClient {
  /// Runs `body` on a pooled connection, waiting at most `wait` for one.
  ///
  /// Failing to get a connection (the server refuses connections, the pool is shut down, or none
  /// came in time) means the database cannot be reached right now: `unavailable`. Without the
  /// bound an unreachable server would stall every caller for as long as the pool keeps retrying
  /// (a minute and more). Only the wait is bounded: once `body` has its connection it runs to the
  /// end, so a transaction is never abandoned half-way. Errors of `body` pass through unchanged.
  func withLeasedConnection<Result: Sendable>(
    wait: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws(EventStoreError) -> Result
  ) async throws(EventStoreError) -> Result {
    let lease = LeaseRace()
    do {
      return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask {
          try await self.withConnection { connection in
            guard lease.settle(.leased) else { throw CancellationError() }
            return try await body(connection)
          }
        }
        group.addTask {
          try await Task.sleep(for: wait)
          guard lease.settle(.timedOut) else { return nil }
          throw EventStoreError(.unavailable, "no PostgreSQL connection within \(wait)")
        }
        while let result = try await group.next() {
          if let result {
            group.cancelAll()
            return result
          }
        }
        throw EventStoreError(.storage, "a connection lease ended without a result")
      }
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.unavailable, "no connection to PostgreSQL: \(String(reflecting: error))")
    }
  }
}

/// Which came first: the connection or the deadline. Whichever settles first wins; the other
/// side sees that it lost and backs off, so a body never starts after its caller gave up.
private final class LeaseRace: Sendable {
  enum Outcome { case leased, timedOut }

  private let winner = Mutex<Outcome?>(nil)

  /// Records `outcome` if nothing was recorded yet; returns whether it was.
  func settle(_ outcome: Outcome) -> Bool {
    winner.withLock { winner in
      guard winner == nil else { return false }
      winner = outcome
      return true
    }
  }
}
