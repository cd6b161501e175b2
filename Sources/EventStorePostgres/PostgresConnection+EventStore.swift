import EventStore
import PostgresNIO

extension PostgresConnection {
  /// Runs `query` and returns every row. Rows are collected, not streamed, so that an error the
  /// server reports part-way through cannot be missed.
  func rows(_ query: PostgresQuery, logger: Logger, stream: StreamName? = nil) async throws(EventStoreError)
    -> [PostgresRow]
  {
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

  /// Ends a failed transaction. If even that fails, the connection is closed so that the pool
  /// never hands out a connection stuck in an aborted transaction.
  func rollback(logger: Logger) async {
    do {
      try await execute("ROLLBACK", logger: logger)
    } catch {
      logger.warning("ROLLBACK failed; closing the connection", metadata: ["error": "\(String(reflecting: error))"])
      try? await close()
    }
  }
}
