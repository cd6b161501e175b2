import EventStore
import Foundation
import PostgresNIO

/// A write the store's ``GroupCommitter`` batches: an append, or a personal-data key to create
/// (``PostgresEventStore/key(for:tenantID:)``) in the same transaction as the appends beside it.
enum PostgresWrite: GroupCommitItem {
  case append(PendingAppend)
  /// The key of `subject`, `fresh` if it has none yet.
  case key(subject: UUID, tenantID: UUID, fresh: EncryptionKey)

  var payloadBytes: Int {
    switch self {
    case .append(let append): append.payloadBytes
    case .key(_, _, let fresh): fresh.bytes.count
    }
  }

  var append: PendingAppend? {
    if case .append(let append) = self { append } else { nil }
  }

  var stream: StreamName? { append?.stream }
}

/// What a ``PostgresWrite`` wrote.
enum PostgresWritten: Sendable {
  case appended(AppendResult)
  /// The subject's stored key; `nil` if it was deleted between its insert and its read.
  case key(EncryptionKey?)
}

/// Commits the batches of the store's ``GroupCommitter``: one round trip per batch, a prepared
/// call of the `events_commit` function (``PostgresMigrations``, version 6), which takes the
/// append lock that keeps positions in commit order (see ``PostgresEventStore``), creates the
/// batch's keys, judges each append in batch order as ``AppendRules`` do, inserts, and commits
/// as the statement ends. What it wrote goes to the store's readers with the signal that wakes
/// them (``AppendSignal/committed(after:limit:)``).
struct AppendWriter: Sendable {
  /// The key of the transaction-scoped advisory lock that every append transaction takes first
  /// ("CohortEV" in ASCII). Anything else that writes to `events` must take it too.
  static let appendLock: Int64 = 0x436F_686F_7274_4556

  let connections: Connections
  let logger: Logger
  let signal: AppendSignal

  /// How a batch's transaction ended.
  private enum Outcome {
    /// Committed; one result per write, and the events written.
    case committed([Result<PostgresWritten, EventStoreError>], [CommittedEvents])
    /// Rolled back (or never begun): nothing of the batch is stored.
    case rolledBack(EventStoreError)
    /// The connection broke during COMMIT: the batch may or may not be stored.
    case unknown(EventStoreError)
  }

  /// Writes `batch` in one transaction. If the database fails it for a reason other than being
  /// unreachable, each write is tried again in a transaction of its own, so that one bad append
  /// cannot fail the others.
  func commit(_ batch: [PostgresWrite]) async -> [Result<PostgresWritten, EventStoreError>] {
    switch await write(batch) {
    case .committed(let results, _):
      return results
    case .unknown(let error):
      return batch.map { _ in .failure(error) }
    case .rolledBack(let error) where batch.count == 1 || error.code == .unavailable:
      return batch.map { write in .failure(error.about(write.stream)) }
    case .rolledBack(let error):
      logger.warning(
        "a batch of appends failed; writing them one by one",
        metadata: ["writes": "\(batch.count)", "error": "\(String(reflecting: error))"])
      var results: [Result<PostgresWritten, EventStoreError>] = []
      var unreachable: EventStoreError?
      for write in batch {
        // Once the database is out of reach, waiting for it again per write only delays the answers.
        if let unreachable {
          results.append(.failure(unreachable.about(write.stream)))
          continue
        }
        switch await self.write([write]) {
        case .committed(let single, _):
          results += single
        case .rolledBack(let error), .unknown(let error):
          if error.code == .unavailable { unreachable = error }
          results.append(.failure(error.about(write.stream)))
        }
      }
      return results
    }
  }

  private func write(_ batch: [PostgresWrite]) async -> Outcome {
    let outcome: Outcome
    do {
      outcome = try await connections.withConnection {
        [self] connection throws(EventStoreError) in await write(batch, on: connection)
      }
    } catch {
      return .rolledBack(error)
    }
    switch outcome {
    case .committed(_, let events): if batch.contains(where: { $0.stream != nil }) { signal.notify(committed: events) }
    case .rolledBack(let error), .unknown(let error): if error.code == .unavailable { connections.lost(error) }
    }
    return outcome
  }

  private func write(_ batch: [PostgresWrite], on connection: PostgresConnection) async -> Outcome {
    // Nothing is sent on a connection found closed: the batch is not stored.
    guard !connection.isClosed else {
      return .rolledBack(EventStoreError(.unavailable, "the connection to PostgreSQL is closed"))
    }
    let statement = AppendBatch(batch)
    let rows: [AppendBatch.Row]
    do {
      rows = try await connection.answer { [logger] in
        var rows: [AppendBatch.Row] = []
        for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
        return rows
      }
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
    guard let results = statement.results(rows) else {
      return .unknown(
        EventStoreError(.storage, "events_commit answered \(rows.count) rows for a batch of \(batch.count) writes"))
    }
    // The answer ended, so its transaction committed: PostgreSQL buffers what it answers and
    // sends the end of it (CommandComplete, which ends the rows here) only once it is ready for
    // the next query, after the commit. So these events are in the log.
    return .committed(results, statement.committed(rows))
  }
}

/// One batch as the arguments of `events_commit`: per append where its events begin and the
/// version it expects, per event its columns, per key its subject, tenant and fresh bytes.
struct AppendBatch: PostgresPreparedStatement {
  static let sql =
    """
    SELECT outcome, version, event_position, key, first_position, after_position, recorded_at
      FROM events_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    """
  static let bindingDataTypes: [PostgresDataType] = [
    .int4Array, .int8Array, .uuidArray, .textArray, .uuidArray, .textArray, .int4Array, .byteaArray, .byteaArray,
    .uuidArray, .uuidArray, .byteaArray,
  ]

  /// outcome (0 written, 1 a retry, 2 a duplicate id, 3 a wrong version, 4 a key), version,
  /// position, key; for an append written, its first position, the log's head before it and
  /// its `recorded_at`.
  typealias Row = (Int32, Int64?, Int64?, Data?, Int64?, Int64?, Date?)

  /// The batch, in order: the function answers its keys first, then its appends.
  private let writes: [PostgresWrite]

  var first: [Int32] = []
  var expected: [Int64] = []
  var tenants: [UUID] = []
  var streams: [String] = []
  var ids: [UUID] = []
  var types: [String] = []
  var schemaVersions: [Int32] = []
  var data: [ByteBuffer] = []
  var metadata: [ByteBuffer] = []
  var keySubjects: [UUID] = []
  var keyTenants: [UUID] = []
  var keys: [ByteBuffer] = []

  init(_ batch: [PostgresWrite]) {
    writes = batch
    for write in batch {
      let append: PendingAppend
      switch write {
      case .append(let pending):
        append = pending
      case .key(let subject, let tenantID, let fresh):
        keySubjects.append(subject)
        keyTenants.append(tenantID)
        keys.append(ByteBuffer(data: fresh.bytes))
        continue
      }
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
    var bindings = PostgresBindings(capacity: 12)
    bindings.append(first)
    bindings.append(expected)
    bindings.append(tenants)
    bindings.append(streams)
    bindings.append(ids)
    bindings.append(types)
    bindings.append(schemaVersions)
    bindings.append(data)
    bindings.append(metadata)
    bindings.append(keySubjects)
    bindings.append(keyTenants)
    bindings.append(keys)
    return bindings
  }

  func decodeRow(_ row: PostgresRow) throws -> Row {
    try row.decode(Row.self)
  }

  /// One result per write of the batch, in its order, from the function's rows; `nil` unless
  /// there is one row per write. A row of the wrong kind (a key's outcome for an append, or the
  /// reverse) is an error of its write.
  func results(_ rows: [Row]) -> [Result<PostgresWritten, EventStoreError>]? {
    guard rows.count == writes.count else { return nil }
    var (keyRow, appendRow) = (0, keys.count)
    return writes.map { write in
      switch write {
      case .key:
        defer { keyRow += 1 }
        return Self.key(rows[keyRow])
      case .append(let append):
        defer { appendRow += 1 }
        return Self.result(of: append, rows[appendRow]).map(PostgresWritten.appended)
      }
    }
  }

  /// The events of the appends written, from the function's rows (``results(_:)`` checked their
  /// count); an append whose positions are not one per event in a row is left out, for readers
  /// to read from the log.
  func committed(_ rows: [Row]) -> [CommittedEvents] {
    zip(writes.lazy.compactMap(\.append), rows.dropFirst(keys.count)).compactMap { append, row in
      guard case (0, let version?, let last?, _, let first?, let after?, let recordedAt?) = row,
        last - first + 1 == Int64(append.events.count)
      else { return nil }
      return append.committed(
        after: after, positions: Array(first...last), firstVersion: version - Int64(append.events.count) + 1,
        recordedAt: recordedAt)
    }
  }

  private static func key(_ row: Row) -> Result<PostgresWritten, EventStoreError> {
    switch row {
    case (4, _, _, nil, _, _, _):
      return .success(.key(nil))
    case (4, _, _, let bytes?, _, _, _):
      guard let key = EncryptionKey(bytes: bytes) else {
        return .failure(
          EventStoreError(.corrupted, "a row of personal_keys holds a key of \(bytes.count) bytes, not 32"))
      }
      return .success(.key(key))
    default:
      return .failure(EventStoreError(.storage, "events_commit answered \(row) for a key"))
    }
  }

  /// What the function's row for `append` means.
  private static func result(of append: PendingAppend, _ row: Row) -> Result<AppendResult, EventStoreError> {
    switch row {
    case (0, let version?, let position?, _, _, _, _), (1, let version?, let position?, _, _, _, _):
      return .success(AppendResult(nextExpectedVersion: version, position: position))
    case (2, _, _, _, _, _, _):
      let first = append.events.first?.id.uuidString.lowercased() ?? "?"
      return .failure(
        EventStoreError(
          .duplicateEventID,
          "events of this append (the first is \(first)) are already stored, but not all of them exactly so: "
            + "another stream, type, body or order",
          stream: append.stream))
    case (3, let actual?, _, _, _, _, _):
      return .failure(.wrongExpectedVersion(append.stream, expected: append.expected, actual: actual))
    default:
      return .failure(
        EventStoreError(.storage, "events_commit answered \(row) for an append", stream: append.stream))
    }
  }
}

extension EventStoreError {
  /// The same error, naming `stream` if it names none yet.
  fileprivate func about(_ stream: StreamName?) -> EventStoreError {
    var error = self
    error.stream = error.stream ?? stream
    return error
  }
}
