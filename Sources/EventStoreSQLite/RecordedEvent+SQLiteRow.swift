import EventStore
import Foundation
import SQLiteNIO

extension RecordedEvent {
  /// The columns ``init(sqliteRow:)`` reads: every SELECT of events lists exactly these.
  static let sqliteColumns =
    "position, id, tenant_id, stream, version, type, schema_version, data, metadata, recorded_at"

  /// Decodes a stored row. Any column of the wrong type or shape means the file holds something
  /// this store never wrote, so it throws ``EventStoreError/Code/corrupted`` rather than guess.
  init(sqliteRow row: SQLiteRow) throws(EventStoreError) {
    let position = try row.integer("position", at: nil)
    let schemaVersion = try row.integer("schema_version", at: position)
    guard let id = UUID(sqliteBlob: try row.blob("id", at: position)),
      let tenantID = UUID(sqliteBlob: try row.blob("tenant_id", at: position))
    else {
      throw EventStoreError(.corrupted, "event at position \(position): an id is not 16 bytes")
    }
    guard let schema = Int32(exactly: schemaVersion) else {
      throw EventStoreError(.corrupted, "event at position \(position): schema version \(schemaVersion) out of range")
    }
    self.init(
      id: id,
      stream: StreamName(trustedTenantID: tenantID, name: try row.text("stream", at: position)),
      version: try row.integer("version", at: position),
      position: position,
      type: try row.text("type", at: position),
      schemaVersion: schema,
      data: Data(try row.blob("data", at: position).readableBytesView),
      metadata: Data(try row.blob("metadata", at: position).readableBytesView),
      recordedAt: Date(sqliteMicroseconds: try row.integer("recorded_at", at: position)))
  }
}

extension SQLiteRow {
  /// An INTEGER column; anything else (even text that looks like a number) is corruption.
  fileprivate func integer(_ name: String, at position: Int64?) throws(EventStoreError) -> Int64 {
    guard case .integer(let value) = column(name) else { throw mistyped(name, at: position) }
    return Int64(value)
  }

  fileprivate func text(_ name: String, at position: Int64?) throws(EventStoreError) -> String {
    guard case .text(let value) = column(name) else { throw mistyped(name, at: position) }
    return value
  }

  fileprivate func blob(_ name: String, at position: Int64?) throws(EventStoreError) -> ByteBuffer {
    guard case .blob(let value) = column(name) else { throw mistyped(name, at: position) }
    return value
  }

  private func mistyped(_ name: String, at position: Int64?) -> EventStoreError {
    let place = position.map { "event at position \($0)" } ?? "an event row"
    return EventStoreError(.corrupted, "\(place): column \(name) is missing or of the wrong type")
  }
}
