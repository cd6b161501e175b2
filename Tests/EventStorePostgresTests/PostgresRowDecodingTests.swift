import EventStore
import Foundation
import PostgresNIO
import Testing

@testable import EventStorePostgres

/// Rows of `events` are read straight from their binary cells; the result must be what
/// PostgresNIO's generic decoding makes of the same rows, and a row of other column types must
/// still decode (the generic way).
@Suite("PostgreSQL event store: reading rows", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresRowDecodingTests {
  @Test("binary cells decode exactly as PostgresNIO decodes them; other column types go the generic way")
  func binaryCellsAsGeneric() async throws {
    let tenant = UUID()
    let streams = [
      StreamName(tenantID: tenant, category: "plain", id: UUID()),
      StreamName(tenantID: tenant, category: "그룹-ünïcode", id: UUID()),
    ]
    let bodies = [Data(), Data("x".utf8), Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })]
    try await TestDatabase.withStore { store in
      for (index, stream) in streams.enumerated() {
        let events = bodies.enumerated().map { offset, body in
          EventData(
            id: UUID(), type: "Type.\(index).\(offset)", schemaVersion: Int32(offset + 1), data: body,
            metadata: offset == 0 ? Data() : Data("meta \(offset)".utf8))
        }
        _ = try await store.append(events, to: stream, expecting: .noStream)
      }
      let stored = try await streams.asyncFlatMap { try await store.readStream($0) }
      #expect(stored.count == streams.count * bodies.count)
      try await TestDatabase.withRawClient { client in
        let same: PostgresQuery =
          "SELECT \(unescaped: RecordedEvent.columns) FROM events WHERE tenant_id = \(tenant) ORDER BY position"
        let other: PostgresQuery = """
          SELECT position, id, tenant_id, stream::varchar, version, type::varchar, schema_version,
            data, metadata, recorded_at FROM events WHERE tenant_id = \(tenant) ORDER BY position
          """
        let rows = try await client.query(same).collect()
        #expect(rows.count == stored.count)
        for (row, event) in zip(rows, stored) {
          #expect(RecordedEvent.fromBinaryCells(row) == event)
          #expect(try RecordedEvent.decodedGenerically(row) == event)
        }
        let converted = try await client.query(other).collect()
        #expect(converted.count == stored.count)
        for (row, event) in zip(converted, stored) {
          #expect(RecordedEvent.fromBinaryCells(row) == nil, "cells of other types were read as the table's")
          #expect(try RecordedEvent(row: row) == event)
        }
      }
    }
  }
}

extension Array {
  fileprivate func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
    var result: [T] = []
    for element in self { result += try await transform(element) }
    return result
  }
}
