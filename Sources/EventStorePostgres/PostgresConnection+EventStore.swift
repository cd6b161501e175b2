import EventStore
import PostgresNIO

extension PostgresConnection {
  /// Runs `query` and returns every row. Rows are collected, not streamed, so that an error the
  /// server reports part-way through cannot be missed.
  func rows(
    _ query: PostgresQuery, logger: Logger, stream: StreamName? = nil
  ) async throws(EventStoreError) -> [PostgresRow] {
    // PostgresNIO 1.33 never answers a query sent on a connection whose channel has closed (the
    // query's promise is dropped with the write), so a query there would wait forever.
    guard !isClosed else {
      throw EventStoreError(.unavailable, "the connection to PostgreSQL is closed", stream: stream)
    }
    do {
      return try await self.query(query, logger: logger).collect()
    } catch {
      throw EventStoreError(postgres: error, stream: stream)
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
