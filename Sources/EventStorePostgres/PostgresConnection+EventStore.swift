import EventStore
import PostgresNIO
import Synchronization

extension PostgresConnection {
  /// Runs `query` and returns every row. Rows are collected, not streamed, so that an error the
  /// server reports part-way through cannot be missed.
  func rows(
    _ query: PostgresQuery, logger: Logger, stream: StreamName? = nil
  ) async throws(EventStoreError) -> [PostgresRow] {
    guard !isClosed else {
      throw EventStoreError(.unavailable, "the connection to PostgreSQL is closed", stream: stream)
    }
    do {
      return try await answer { try await self.query(query, logger: logger).collect() }
    } catch {
      throw EventStoreError(postgres: error, stream: stream)
    }
  }

  /// What `operation` gets from this connection, or `unavailable` once the connection has closed
  /// without its answer.
  ///
  /// PostgresNIO 1.33 never answers a query sent on a connection whose channel has closed: the
  /// query's promise is dropped with the failed write. Checking `isClosed` first leaves a moment
  /// in which the channel closes after the check, and faults.sh's pg-kill (PostgreSQL killed
  /// under load) once caught an append batch in it: it waited for ever, and every append queued
  /// behind it. So while `operation` runs, the connection is looked at every `every`; a query in
  /// flight when the channel closes fails by itself meanwhile, a dropped one is given up on here
  /// (its task stays suspended: a few hundred bytes for each connection lost that way).
  func answer<Answer: Sendable>(
    every: TimeAmount = .milliseconds(250), _ operation: @escaping @Sendable () async throws -> Answer
  ) async throws -> Answer {
    let race = AnswerRace<Answer>()
    return try await withCheckedThrowingContinuation { continuation in
      race.begin(continuation)
      let watch = eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { [self] watch in
        guard isClosed else { return }
        watch.cancel()
        race.end(.failure(EventStoreError(.unavailable, "the connection to PostgreSQL closed before its answer came")))
      }
      Task {
        let result: Result<Answer, any Error>
        do {
          result = .success(try await operation())
        } catch {
          result = .failure(error)
        }
        // Ended first: a watch that fires meanwhile, on a connection closed after the answer,
        // finds the race over and cannot turn an answer into a failure.
        race.end(result)
        watch.cancel()
      }
    }
  }

  /// Runs a statement whose rows, if any, do not matter.
  func execute(_ query: PostgresQuery, logger: Logger, stream: StreamName? = nil) async throws(EventStoreError) {
    _ = try await rows(query, logger: logger, stream: stream)
  }

  /// Ends a transaction that failed with `error`. If even that fails, the connection is closed
  /// so that the pool never hands out a connection stuck in an aborted transaction.
  ///
  /// A transaction whose connection broke (or whose server is shutting down) is over already:
  /// PostgreSQL rolls it back itself, and a ROLLBACK sent on the dead connection would never be
  /// answered. Such a connection is only closed.
  func rollback(after error: EventStoreError, logger: Logger) async {
    guard error.code != .unavailable else {
      if !isClosed { try? await close() }
      return
    }
    do {
      try await execute("ROLLBACK", logger: logger)
    } catch {
      logger.warning("ROLLBACK failed; closing the connection", metadata: ["error": "\(String(reflecting: error))"])
      try? await close()
    }
  }
}

/// The one continuation of ``PostgresConnection/answer(every:_:)``: the operation's result or the
/// closed connection, whichever comes first, resumes it.
private final class AnswerRace<Answer: Sendable>: Sendable {
  private let waiting = Mutex<CheckedContinuation<Answer, any Error>?>(nil)

  func begin(_ continuation: CheckedContinuation<Answer, any Error>) {
    waiting.withLock { $0 = continuation }
  }

  func end(_ result: Result<Answer, any Error>) {
    waiting.withLock { waiting in
      defer { waiting = nil }
      return waiting
    }?.resume(with: result)
  }
}
