import EventStore
import Foundation
import PostgresNIO

/// Commits the batches of the store's ``GroupCommitter``: one round trip per batch, a prepared
/// call of the `events_append` function (``PostgresMigrations``, version 3), which takes the
/// append lock that keeps positions in commit order (see ``PostgresEventStore``), judges each
/// append in batch order as ``AppendRules`` do, inserts, and commits as the statement ends.
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
    // PostgresNIO 1.33 never answers a query sent on a connection whose channel has closed.
    guard !connection.isClosed else {
      return .rolledBack(EventStoreError(.unavailable, "the connection to PostgreSQL is closed"))
    }
    var rows: [AppendBatch.Row] = []
    do {
      for try await row in try await connection.execute(AppendBatch(batch), logger: logger) { rows.append(row) }
    } catch {
      let failure = EventStoreError(postgres: error)
      guard failure.code == .unavailable else {
        // The server answered with an error: the statement, and so its transaction, rolled back.
        return .rolledBack(failure)
      }
      return .unknown(
        EventStoreError(
          .unavailable,
          "the connection broke before the append's answer came, so it may or may not be stored; "
            + "retrying with the same event ids is safe: \(failure.detail)"))
    }
    guard rows.count == batch.count else {
      return .unknown(
        EventStoreError(.storage, "events_append answered \(rows.count) rows for a batch of \(batch.count) appends"))
    }
    return .committed(zip(batch, rows).map { append, row in AppendBatch.result(of: append, row) })
  }
}

/// One batch as the arguments of `events_append`: per append where its events begin and the
/// version it expects, per event its columns.
struct AppendBatch: PostgresPreparedStatement {
  static let sql = "SELECT outcome, version, event_position FROM events_append($1, $2, $3, $4, $5, $6, $7, $8, $9)"
  static let bindingDataTypes: [PostgresDataType] = [
    .int4Array, .int8Array, .uuidArray, .textArray, .uuidArray, .textArray, .int4Array, .byteaArray, .byteaArray,
  ]

  /// outcome (0 written, 1 a retry, 2 a duplicate id, 3 a wrong version), version, position.
  typealias Row = (Int32, Int64?, Int64?)

  var first: [Int32] = []
  var expected: [Int64] = []
  var tenants: [UUID] = []
  var streams: [String] = []
  var ids: [UUID] = []
  var types: [String] = []
  var schemaVersions: [Int32] = []
  var data: [ByteBuffer] = []
  var metadata: [ByteBuffer] = []

  init(_ batch: [PendingAppend]) {
    for append in batch {
      first.append(Int32(ids.count + 1))
      let version: Int64 =
        switch append.expected {
        case .any: -1
        case .noStream: 0
        case .exact(let version): version
        }
      expected.append(version)
      tenants.append(append.stream.tenantID)
      streams.append(append.stream.name)
      for event in append.events {
        ids.append(event.id)
        types.append(event.type)
        schemaVersions.append(event.schemaVersion)
        data.append(ByteBuffer(bytes: event.data))
        metadata.append(ByteBuffer(bytes: event.metadata))
      }
    }
  }

  func makeBindings() throws -> PostgresBindings {
    var bindings = PostgresBindings(capacity: 9)
    bindings.append(first)
    bindings.append(expected)
    bindings.append(tenants)
    bindings.append(streams)
    bindings.append(ids)
    bindings.append(types)
    bindings.append(schemaVersions)
    bindings.append(data)
    bindings.append(metadata)
    return bindings
  }

  func decodeRow(_ row: PostgresRow) throws -> Row {
    try row.decode(Row.self)
  }

  /// What the function's row for `append` means.
  static func result(of append: PendingAppend, _ row: Row) -> Result<AppendResult, EventStoreError> {
    switch row {
    case (0, let version?, let position?), (1, let version?, let position?):
      return .success(AppendResult(nextExpectedVersion: version, position: position))
    case (2, _, _):
      let first = append.events.first?.id.uuidString.lowercased() ?? "?"
      return .failure(
        EventStoreError(
          .duplicateEventID,
          "events of this append (the first is \(first)) are already stored, but not all of them exactly so: "
            + "another stream, type, body or order",
          stream: append.stream))
    case (3, let actual?, _):
      return .failure(.wrongExpectedVersion(append.stream, expected: append.expected, actual: actual))
    default:
      return .failure(
        EventStoreError(.storage, "events_append answered \(row) for an append", stream: append.stream))
    }
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
