import EventStore
import Foundation
import PostgresNIO

extension RecordedEvent {
  /// The columns ``init(row:)`` reads, in its order: `SELECT \(columns) FROM events ...`.
  static let columns = "position, id, tenant_id, stream, version, type, schema_version, data, metadata, recorded_at"

  /// An event from a row of ``columns``; a row that does not decode throws `corrupted`.
  ///
  /// A rebuild decodes every row of the log, and PostgresNIO's generic decoding was a sixth of
  /// its time: a row whose cells are in the binary encodings of the table's own types (what
  /// PostgreSQL sends) is read straight from them; any other row goes the generic way.
  init(row: PostgresRow) throws(EventStoreError) {
    if let event = Self.fromBinaryCells(row) {
      self = event
      return
    }
    self = try Self.decodedGenerically(row)
  }

  /// The row through PostgresNIO's `decode`, which converts between compatible types.
  static func decodedGenerically(_ row: PostgresRow) throws(EventStoreError) -> RecordedEvent {
    do {
      let (position, id, tenant, stream, version, type, schemaVersion, data, metadata, recordedAt) =
        try row.decode((Int64, UUID, UUID, String, Int64, String, Int32, Data, Data, Date).self)
      return RecordedEvent(
        id: id, stream: StreamName(trustedTenantID: tenant, name: stream), version: version, position: position,
        type: type, schemaVersion: schemaVersion, data: data, metadata: metadata, recordedAt: recordedAt)
    } catch {
      throw EventStoreError(.corrupted, "an events row does not decode: \(String(reflecting: error))")
    }
  }

  /// The row read from binary cells of exactly the columns' types; `nil` if any cell is another.
  static func fromBinaryCells(_ row: PostgresRow) -> RecordedEvent? {
    var cells = row.makeIterator()
    guard let position = cells.next()?.int8, let id = cells.next()?.uuid, let tenant = cells.next()?.uuid,
      let stream = cells.next()?.text, let version = cells.next()?.int8, let type = cells.next()?.text,
      let schemaVersion = cells.next()?.int4, let data = cells.next()?.bytea, let metadata = cells.next()?.bytea,
      let recordedAt = cells.next()?.timestamptz, cells.next() == nil
    else { return nil }
    return RecordedEvent(
      id: id, stream: StreamName(trustedTenantID: tenant, name: stream), version: version, position: position,
      type: type, schemaVersion: schemaVersion, data: data, metadata: metadata, recordedAt: recordedAt)
  }
}

extension PostgresCell {
  /// The cell's bytes if it is a binary cell of `type`.
  private func binary(_ type: PostgresDataType) -> ByteBuffer? {
    format == .binary && dataType == type ? bytes : nil
  }

  fileprivate var int8: Int64? {
    guard var buffer = binary(.int8), buffer.readableBytes == 8 else { return nil }
    return buffer.readInteger(as: Int64.self)
  }

  fileprivate var int4: Int32? {
    guard var buffer = binary(.int4), buffer.readableBytes == 4 else { return nil }
    return buffer.readInteger(as: Int32.self)
  }

  fileprivate var uuid: UUID? {
    guard let buffer = binary(.uuid), buffer.readableBytes == 16 else { return nil }
    return buffer.withUnsafeReadableBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
  }

  fileprivate var text: String? {
    binary(.text).map { String(buffer: $0) }
  }

  fileprivate var bytea: Data? {
    binary(.bytea).map { Data($0.readableBytesView) }
  }

  /// Microseconds since 2000-01-01 UTC, as PostgresNIO's `Date` decoding reads them.
  fileprivate var timestamptz: Date? {
    guard var buffer = binary(.timestamptz), buffer.readableBytes == 8, let micros = buffer.readInteger(as: Int64.self)
    else { return nil }
    return Date(timeInterval: Double(micros) / 1_000_000, since: Self.postgresEpoch)
  }

  private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
}
