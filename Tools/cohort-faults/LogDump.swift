import EventStore
import Foundation

/// The log as the database's own client printed it (`Scripts/faults.sh` runs `psql`'s COPY or
/// the `sqlite3` shell): one event per line, tab-separated — position, id and tenant id as 32 hex
/// digits, stream, version, type, metadata and data as hex. Verification reads this, not the
/// product's event store, so a bug in the product's reader cannot hide a loss.
struct LogDump {
  private(set) var events: [RecordedEvent] = []

  init(contentsOf path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard columns.count == 8, let position = Int64(columns[0]), let id = Self.uuid(columns[1]),
        let tenant = Self.uuid(columns[2]), let version = Int64(columns[4]),
        let metadata = Self.bytes(columns[6]), let data = Self.bytes(columns[7])
      else {
        throw DumpError(description: "\(path) line \(index + 1) is not an event row: \(line.prefix(120))")
      }
      events.append(
        RecordedEvent(
          id: id, stream: StreamName(trustedTenantID: tenant, name: String(columns[3])), version: version,
          position: position, type: String(columns[5]), schemaVersion: 0, data: data, metadata: metadata,
          recordedAt: Date(timeIntervalSince1970: 0)))
    }
  }

  struct DumpError: Error, CustomStringConvertible {
    var description: String
  }

  private static func uuid(_ hex: Substring) -> UUID? {
    guard hex.count == 32, let bytes = bytes(hex) else { return nil }
    return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
  }

  private static func bytes(_ hex: Substring) -> Data? {
    guard hex.count.isMultiple(of: 2) else { return nil }
    var data = Data(capacity: hex.count / 2)
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
      guard let h = nibble(high), let l = nibble(low) else { return nil }
      data.append(h << 4 | l)
    }
    return data
  }

  private static func nibble(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
