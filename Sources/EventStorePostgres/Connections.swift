import EventStore
import PostgresNIO
import Synchronization

/// The store's way to a connection: PostgresNIO's pool, with every wait for a connection bounded.
///
/// Failing to get a connection (the server refuses connections, the pool is shut down, or none
/// came in time) means the database cannot be reached right now: `unavailable`. Without the
/// bound an unreachable server would stall every caller for as long as the pool keeps retrying
/// (a minute and more).
///
/// Once an operation has found the database out of reach (its connection broke, or no connection
/// came within `wait`), the next ones wait only `outageWait`: a client learns at once that the
/// database is down instead of each command in turn waiting the full `wait`. The pool keeps
/// reconnecting meanwhile, and the first operation that gets a connection ends the outage.
struct Connections: Sendable {
  let client: PostgresClient
  let wait: Duration
  let outageWait: Duration
  let logger: Logger
  /// Why no connection can be made, asked once when an outage begins (its error names it).
  let diagnose: @Sendable () async -> String
  private let outage = Outage()

  init(
    client: PostgresClient, wait: Duration, outageWait: Duration, logger: Logger,
    diagnose: @escaping @Sendable () async -> String
  ) {
    self.client = client
    self.wait = wait
    self.outageWait = min(outageWait, wait)
    self.logger = logger
    self.diagnose = diagnose
  }

  /// Runs `body` on a pooled connection. Only the wait is bounded: once `body` has its
  /// connection it runs to the end, so a transaction is never abandoned half-way. Errors of
  /// `body` pass through unchanged.
  func withConnection<Result: Sendable>(
    _ body: @escaping @Sendable (PostgresConnection) async throws(EventStoreError) -> Result
  ) async throws(EventStoreError) -> Result {
    let wait = outage.began == nil ? self.wait : outageWait
    do {
      return try await lease(wait: wait) { connection throws(EventStoreError) in
        if let began = outage.end() {
          logger.notice(
            "PostgreSQL is reachable again", metadata: ["unreachable-for": "\(ContinuousClock.now - began)"])
        }
        return try await body(connection)
      }
    } catch {
      if error.code == .unavailable { lost(error) }
      throw error
    }
  }

  /// Records that an operation found the database out of reach (for operations that handle
  /// their own failures, such as an append whose connection broke mid-transaction).
  func lost(_ error: EventStoreError) {
    if outage.begin() {
      logger.warning(
        "PostgreSQL is out of reach; operations answer unavailable after \(outageWait) until it is back",
        metadata: ["error": "\(String(reflecting: error))"])
    }
  }

  private func lease<Result: Sendable>(
    wait: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws(EventStoreError) -> Result
  ) async throws(EventStoreError) -> Result {
    let race = LeaseRace()
    let first = outage.began == nil
    let diagnose = self.diagnose
    do {
      return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask {
          try await client.withConnection { connection in
            guard race.settle(.leased) else { throw CancellationError() }
            return try await body(connection)
          }
        }
        group.addTask {
          try await Task.sleep(for: wait)
          guard race.settle(.timedOut) else { return nil }
          // The first wait of an outage says why; the next ones fail fast (outageWait).
          let why = first ? ": \(await diagnose())" : ""
          throw EventStoreError(.unavailable, "no PostgreSQL connection within \(wait)\(why)")
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

/// When the database was found out of reach, if it has not been reached since.
private final class Outage: Sendable {
  private let start = Mutex<ContinuousClock.Instant?>(nil)

  var began: ContinuousClock.Instant? { start.withLock { $0 } }

  /// Records that the database is out of reach; returns whether this begins an outage.
  func begin() -> Bool {
    start.withLock { start in
      guard start == nil else { return false }
      start = .now
      return true
    }
  }

  /// Records that the database was reached; returns when the outage it ends began, if one did.
  func end() -> ContinuousClock.Instant? {
    start.withLock { start in
      defer { start = nil }
      return start
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
