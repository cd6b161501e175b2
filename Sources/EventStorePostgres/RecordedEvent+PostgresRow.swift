import EventStore
import Foundation
import PostgresNIO

extension RecordedEvent {
  /// The columns ``init(row:)`` reads, in its order: `SELECT \(columns) FROM events ...`.
  static let columns = "position, id, tenant_id, stream, version, type, schema_version, data, metadata, recorded_at"

  /// An event from a row of ``columns``; a row that does not decode throws `corrupted`.
  init(row: PostgresRow) throws(EventStoreError) {
    do {
      let (position, id, tenant, stream, version, type, schemaVersion, data, metadata, recordedAt) =
        try row.decode((Int64, UUID, UUID, String, Int64, String, Int32, Data, Data, Date).self)
      self.init(
        id: id, stream: StreamName(trustedTenantID: tenant, name: stream), version: version, position: position,
        type: type, schemaVersion: schemaVersion, data: data, metadata: metadata, recordedAt: recordedAt)
    } catch {
      throw EventStoreError(.corrupted, "an events row does not decode: \(String(reflecting: error))")
    }
  }
}
