/// Writes protobuf wire format by hand, including what a correct encoder never writes:
/// overlong varints, wrong wire types, lengths that overrun, invalid UTF-8.
struct ProtoWriter {
  var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  /// A varint of `count` bytes (more than 10 is invalid), all continuation bits set but the last.
  mutating func overlongVarint(count: Int) {
    bytes += [UInt8](repeating: 0xFF, count: max(count - 1, 0)) + [0x01]
  }

  mutating func tag(_ field: UInt64, wire: UInt8) {
    varint(field << 3 | UInt64(wire & 7))
  }

  mutating func varintField(_ field: UInt64, _ value: UInt64) {
    tag(field, wire: 0)
    varint(value)
  }

  mutating func lengthDelimited(_ field: UInt64, _ payload: [UInt8]) {
    tag(field, wire: 2)
    varint(UInt64(payload.count))
    bytes += payload
  }
}
