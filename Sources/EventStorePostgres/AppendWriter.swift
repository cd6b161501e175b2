import EventStore
import Foundation
import PostgresNIO

/// Commits the batches of the store's ``GroupCommitter``: one transaction per batch, under the
/// append lock that keeps positions in commit order (see ``PostgresEventStore``).
///
/// A transaction takes six round trips whatever the batch holds: BEGIN, the lock, the stored
/// ids, the streams' versions, one multi-row INSERT, COMMIT.
struct AppendWriter: Sendable {
  /// The key of the transaction-scoped advisory lock that every append transaction takes first
  /// ("CohortEV" in ASCII). Anything else that writes to `events` must take it too.
  static let appendLock: Int64 = 0x436F_686F_7274_4556

  let connections: Connections
  let logger: Logger
  let signal: AppendSignal

  /// How a batch's transaction ended.
  private enum Outcome {
    /// Committed; one result per append.
    case committed([Result<AppendResult, EventStoreError>])
    /// Rolled back (or never begun): nothing of the batch is stored.
    case rolledBack(EventStoreError)
    /// The connection broke during COMMIT: the batch may or may not be stored.
    case unknown(EventStoreError)
  }

  /// Writes `batch` in one transaction. If the database fails it for a reason other than being
  /// unreachable, each append is tried again in a transaction of its own, so that one bad append
  /// cannot fail the others.
  func commit(_ batch: [PendingAppend]) async -> [Result<AppendResult, EventStoreError>] {
    switch await write(batch) {
    case .committed(let results):
      return results
    case .unknown(let error):
      return batch.map { _ in .failure(error) }
    case .rolledBack(let error) where batch.count == 1 || error.code == .unavailable:
      return batch.map { append in .failure(error.about(append.stream)) }
    case .rolledBack(let error):
      logger.warning(
        "a batch of appends failed; writing them one by one",
        metadata: ["appends": "\(batch.count)", "error": "\(String(reflecting: error))"])
      var results: [Result<AppendResult, EventStoreError>] = []
      var unreachable: EventStoreError?
      for append in batch {
        // Once the database is out of reach, waiting for it again per append only delays the answers.
        if let unreachable {
          results.append(.failure(unreachable.about(append.stream)))
          continue
        }
        switch await write([append]) {
        case .committed(let single):
          results += single
        case .rolledBack(let error), .unknown(let error):
          if error.code == .unavailable { unreachable = error }
          results.append(.failure(error.about(append.stream)))
        }
      }
      return results
    }
  }

  private func write(_ batch: [PendingAppend]) async -> Outcome {
    let outcome: Outcome
    do {
      outcome = try await connections.withConnection {
        [self] connection throws(EventStoreError) in await write(batch, on: connection)
      }
    } catch {
      return .rolledBack(error)
    }
    switch outcome {
    case .committed: signal.notify()
    case .rolledBack(let error), .unknown(let error): if error.code == .unavailable { connections.lost(error) }
    }
    return outcome
  }

  private func write(_ batch: [PendingAppend], on connection: PostgresConnection) async -> Outcome {
    let results: [Result<AppendResult, EventStoreError>]
    do {
      try await connection.execute("BEGIN", logger: logger)
    } catch {
      return .rolledBack(error)
    }
    do {
      try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.appendLock))", logger: logger)
      let plan = AppendPlan(
        batch: batch, stored: try await storedEvents(of: batch, on: connection),
        versions: try await versions(of: batch, on: connection))
      let inserted = try await insert(plan.newEvents, on: connection)
      results = plan.results(inserted: inserted)
    } catch {
      await connection.rollback(after: error, logger: logger)
      return .rolledBack(error)
    }
    do {
      try await connection.execute("COMMIT", logger: logger)
    } catch {
      if error.code == .unavailable {
        return .unknown(
          EventStoreError(
            .unavailable,
            "the connection broke during COMMIT, so the append may or may not be stored; "
              + "retrying with the same event ids is safe: \(error.detail)"))
      }
      // The server answered: it refused the COMMIT and rolled the transaction back.
      return .rolledBack(error)
    }
    return .committed(results)
  }

  /// The stored events whose ids occur in the batch: retries and duplicates.
  private func storedEvents(
    of batch: [PendingAppend], on connection: PostgresConnection
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    let ids = batch.flatMap { $0.events.map(\.id) }
    let rows = try await connection.rows(
      "SELECT \(unescaped: RecordedEvent.columns) FROM events WHERE id = ANY(\(ids)::uuid[])", logger: logger)
    return try rows.map { row throws(EventStoreError) in try RecordedEvent(row: row) }
  }

  /// The current version of each stream of the batch (streams with no events are left out).
  private func versions(
    of batch: [PendingAppend], on connection: PostgresConnection
  )
    async throws(EventStoreError) -> [StreamName: Int64]
  {
    let streams = Array(Set(batch.map(\.stream)))
    // One index lookup per stream (max over the (tenant_id, stream, version) index), however
    // long the stream is.
    let rows = try await connection.rows(
      """
      SELECT s.tenant_id, s.stream,
        (SELECT max(e.version) FROM events e WHERE e.tenant_id = s.tenant_id AND e.stream = s.stream)
      FROM unnest(\(streams.map(\.tenantID))::uuid[], \(streams.map(\.name))::text[]) AS s(tenant_id, stream)
      """, logger: logger)
    var versions: [StreamName: Int64] = [:]
    for row in rows {
      guard let (tenant, name, version) = try? row.decode((UUID, String, Int64?).self) else {
        throw EventStoreError(.corrupted, "a stream version row does not decode")
      }
      if let version { versions[StreamName(trustedTenantID: tenant, name: name)] = version }
    }
    return versions
  }

  /// Inserts `events` in one statement and returns the positions they got, by id.
  ///
  /// Rows are produced in `ordinal` order and the identity default is evaluated per row as the
  /// rows are produced, so positions follow the order of `events` (and so versions in a stream).
  private func insert(
    _ events: [RecordedEvent], on connection: PostgresConnection
  )
    async throws(EventStoreError) -> [UUID: Int64]
  {
    guard !events.isEmpty else { return [:] }
    let rows = try await connection.rows(
      """
      INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata)
      SELECT id, tenant_id, stream, version, type, schema_version, data, metadata
      FROM unnest(
        \(events.map(\.id))::uuid[], \(events.map(\.stream.tenantID))::uuid[], \(events.map(\.stream.name))::text[],
        \(events.map(\.version))::int8[], \(events.map(\.type))::text[], \(events.map(\.schemaVersion))::int4[],
        \(events.map { ByteBuffer(bytes: $0.data) })::bytea[], \(events.map { ByteBuffer(bytes: $0.metadata) })::bytea[]
      ) WITH ORDINALITY AS e(id, tenant_id, stream, version, type, schema_version, data, metadata, ordinal)
      ORDER BY ordinal
      RETURNING id, position
      """, logger: logger)
    var positions: [UUID: Int64] = [:]
    for row in rows {
      guard let (id, position) = try? row.decode((UUID, Int64).self) else {
        throw EventStoreError(.corrupted, "an inserted row's position does not decode")
      }
      positions[id] = position
    }
    return positions
  }
}

extension EventStoreError {
  /// The same error, naming `stream` if it names none yet.
  fileprivate func about(_ stream: StreamName) -> EventStoreError {
    var error = self
    error.stream = error.stream ?? stream
    return error
  }
}
