import CohortDomain
import Foundation

/// A compact binary form of `Codable` values, for read-model snapshots: JSON took seconds per
/// million people each way and tripled the size. Nothing but a snapshot of the same build reads
/// it (the snapshot's header pins the format and the event schemas), so it carries no field
/// tags beyond the coding keys and no type information:
///
/// - integers, `Bool` and `Double` are little-endian fixed-width; a `UUID` is its 16 bytes; a
///   `Date` is its `timeIntervalSinceReferenceDate`; a `String` or `Data` is a `UInt32` length and
///   its bytes;
/// - an `Optional` is a byte (0 or 1) and the value; a `Dictionary` is a count and its pairs;
/// - any other value is a `UInt32` length and what its `encode(to:)` writes: a keyed container
///   writes each entry as its key (a `UInt16` length and the UTF-8), a byte (0 for
///   `encodeNil`) and the value; an unkeyed container writes its count and its elements.
///
/// Keys are read back in the order they were written (synthesized `Codable` decodes in the
/// order it encodes); a key that is not next is absent, which is what `encodeIfPresent` of a
/// `nil` leaves. A keyed container reports at most one key in `allKeys`, which is what
/// synthesized enums ask for. Bad input throws `DecodingError`; it never reads out of bounds.
enum SnapshotCoding {
  static func encode<T: Encodable>(_ value: T, reservingCapacity capacity: Int = 1 << 16) throws -> [UInt8] {
    let writer = SnapshotWriter()
    writer.bytes.reserveCapacity(capacity)
    try writer.value(value)
    return writer.bytes
  }

  static func decode<T: Decodable>(_ type: T.Type, from bytes: some ContiguousBytes) throws -> T {
    try bytes.withUnsafeBytes { buffer in
      let reader = SnapshotReader(buffer)
      let value = try reader.value(T.self)
      guard reader.offset == buffer.count else {
        throw reader.corrupted("\(buffer.count - reader.offset) bytes after the value")
      }
      return value
    }
  }
}

// MARK: - Writing

final class SnapshotWriter {
  var bytes: [UInt8] = []

  func integer<I: FixedWidthInteger>(_ value: I) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  func length(_ count: Int, of what: String) throws {
    guard let length = UInt32(exactly: count) else {
      throw EncodingError.invalidValue(
        count, .init(codingPath: [], debugDescription: "\(what) is too long for a snapshot"))
    }
    integer(length)
  }

  func string(_ value: String) throws {
    var value = value
    try value.withUTF8 { utf8 in
      try length(utf8.count, of: "a string")
      bytes.append(contentsOf: utf8)
    }
  }

  /// Writes a `UInt32` placeholder and returns where it is, for ``patchLength(at:)``.
  func placeholder() -> Int {
    defer { integer(UInt32(0)) }
    return bytes.count
  }

  /// Sets the placeholder at `slot` to the number of bytes written after it.
  func patchLength(at slot: Int) {
    let length = UInt32(truncatingIfNeeded: bytes.count - slot - 4)
    withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(slot..<slot + 4, with: $0) }
  }

  func value<T: Encodable>(_ value: T) throws {
    // The commonest types first: comparing metatypes is cheaper than a conformance lookup.
    if T.self == UUID.self {
      return (value as! UUID).snapshotEncode(to: self)
    } else if T.self == String.self {
      return try string(value as! String)
    }
    if let primitive = value as? any SnapshotPrimitive {
      try primitive.snapshotEncode(to: self)
      return
    }
    let slot = placeholder()
    try value.encode(to: SnapshotEncoder(writer: self, slots: []))
    patchLength(at: slot)
  }
}

/// The values written inline, without a length or the `Codable` machinery.
protocol SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) throws
  static func snapshotDecode(from reader: SnapshotReader) throws -> Self
}

extension SnapshotPrimitive {
  /// `count` values of this type as a list of `Element`, which is this type.
  static func snapshotDecodeList<Element>(
    count: Int, as: Element.Type, from reader: SnapshotReader
  ) throws -> [Element] {
    guard Self.self == Element.self else { throw reader.corrupted("a list of \(Element.self) read as \(Self.self)") }
    var result: [Self] = []
    result.reserveCapacity(Swift.min(count, 1 << 20))
    for _ in 0..<count { result.append(try snapshotDecode(from: reader)) }
    // The same type (checked above): the array is reinterpreted, not converted element by element.
    return unsafeBitCast(result, to: [Element].self)
  }
}

private struct SnapshotEncoder: Encoder {
  let writer: SnapshotWriter
  /// The length placeholders of the nested containers this encoder writes into, kept up to date
  /// after every entry because a container is never told it is finished.
  let slots: [Int]
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(KeyedSnapshotEncoder<Key>(writer: writer, slots: slots))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    UnkeyedSnapshotEncoder(writer: writer, slots: slots, countSlot: writer.placeholder())
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleValueSnapshotEncoder(writer: writer, slots: slots)
  }
}

private struct KeyedSnapshotEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let writer: SnapshotWriter
  let slots: [Int]
  var codingPath: [any CodingKey] { [] }

  private func entry(_ key: Key, present: Bool = true, _ write: () throws -> Void) throws {
    try entry(named: key.stringValue, present: present, write)
  }

  private func entry(named name: String, present: Bool = true, _ write: () throws -> Void) throws {
    var utf8Name = name
    try utf8Name.withUTF8 { utf8 in
      guard let length = UInt16(exactly: utf8.count) else {
        throw EncodingError.invalidValue(name, .init(codingPath: [], debugDescription: "a coding key is too long"))
      }
      writer.integer(length)
      writer.bytes.append(contentsOf: utf8)
    }
    writer.bytes.append(present ? 1 : 0)
    try write()
    for slot in slots { writer.patchLength(at: slot) }
  }

  mutating func encodeNil(forKey key: Key) throws { try entry(key, present: false) {} }
  mutating func encode(_ value: Bool, forKey key: Key) throws { try entry(key) { writer.bytes.append(value ? 1 : 0) } }
  mutating func encode(_ value: String, forKey key: Key) throws { try entry(key) { try writer.string(value) } }
  mutating func encode(_ value: Double, forKey key: Key) throws { try entry(key) { writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Float, forKey key: Key) throws { try entry(key) { writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Int, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: Int8, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: Int16, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: Int32, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: Int64, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: UInt, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { try entry(key) { writer.integer(value) } }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try entry(key) { try writer.value(value) } }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    var slot = 0
    try? entry(key) { slot = writer.placeholder() }
    return KeyedEncodingContainer(KeyedSnapshotEncoder<NestedKey>(writer: writer, slots: slots + [slot]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    var slot = 0
    try? entry(key) { slot = writer.placeholder() }
    return UnkeyedSnapshotEncoder(writer: writer, slots: slots + [slot], countSlot: writer.placeholder())
  }

  mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
  mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

  private func superEncoder(named name: String) -> any Encoder {
    var slot = 0
    try? entry(named: name) { slot = writer.placeholder() }
    return SnapshotEncoder(writer: writer, slots: slots + [slot])
  }
}

private struct UnkeyedSnapshotEncoder: UnkeyedEncodingContainer {
  let writer: SnapshotWriter
  let slots: [Int]
  let countSlot: Int
  private(set) var count = 0
  var codingPath: [any CodingKey] { [] }

  init(writer: SnapshotWriter, slots: [Int], countSlot: Int) {
    self.writer = writer
    self.slots = slots
    self.countSlot = countSlot
  }

  private mutating func element(_ write: (SnapshotWriter) throws -> Void) throws {
    try write(writer)
    count += 1
    withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) {
      writer.bytes.replaceSubrange(countSlot..<countSlot + 4, with: $0)
    }
    for slot in slots { writer.patchLength(at: slot) }
  }

  mutating func encodeNil() throws { try element { writer in writer.bytes.append(0) } }
  mutating func encode(_ value: Bool) throws { try element { writer in writer.bytes.append(value ? 1 : 0) } }
  mutating func encode(_ value: String) throws { try element { writer in try writer.string(value) } }
  mutating func encode(_ value: Double) throws { try element { writer in writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Float) throws { try element { writer in writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Int) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: Int8) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: Int16) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: Int32) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: Int64) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: UInt) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: UInt8) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: UInt16) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: UInt32) throws { try element { writer in writer.integer(value) } }
  mutating func encode(_ value: UInt64) throws { try element { writer in writer.integer(value) } }
  mutating func encode<T: Encodable>(_ value: T) throws { try element { writer in try writer.value(value) } }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type
  ) -> KeyedEncodingContainer<NestedKey> {
    var slot = 0
    try? element { slot = $0.placeholder() }
    return KeyedEncodingContainer(KeyedSnapshotEncoder<NestedKey>(writer: writer, slots: slots + [slot]))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    var slot = 0
    try? element { slot = $0.placeholder() }
    return UnkeyedSnapshotEncoder(writer: writer, slots: slots + [slot], countSlot: writer.placeholder())
  }

  mutating func superEncoder() -> any Encoder {
    var slot = 0
    try? element { slot = $0.placeholder() }
    return SnapshotEncoder(writer: writer, slots: slots + [slot])
  }
}

private struct SingleValueSnapshotEncoder: SingleValueEncodingContainer {
  let writer: SnapshotWriter
  let slots: [Int]
  var codingPath: [any CodingKey] { [] }

  private func write(_ body: () throws -> Void) throws {
    try body()
    for slot in slots { writer.patchLength(at: slot) }
  }

  mutating func encodeNil() throws { try write { writer.bytes.append(0) } }
  mutating func encode(_ value: Bool) throws { try write { writer.bytes.append(value ? 1 : 0) } }
  mutating func encode(_ value: String) throws { try write { try writer.string(value) } }
  mutating func encode(_ value: Double) throws { try write { writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Float) throws { try write { writer.integer(value.bitPattern) } }
  mutating func encode(_ value: Int) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: Int8) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: Int16) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: Int32) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: Int64) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: UInt) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: UInt8) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: UInt16) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: UInt32) throws { try write { writer.integer(value) } }
  mutating func encode(_ value: UInt64) throws { try write { writer.integer(value) } }
  mutating func encode<T: Encodable>(_ value: T) throws { try write { try writer.value(value) } }
}

// MARK: - Reading

final class SnapshotReader {
  private let buffer: UnsafeRawBufferPointer
  var offset = 0

  init(_ buffer: UnsafeRawBufferPointer) {
    self.buffer = buffer
  }

  func corrupted(_ what: String) -> DecodingError {
    .dataCorrupted(.init(codingPath: [], debugDescription: "the snapshot is damaged at byte \(offset): \(what)"))
  }

  private func take(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, buffer.count - offset >= count else { throw corrupted("it ends inside a value") }
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
  }

  func integer<I: FixedWidthInteger>(_ type: I.Type = I.self) throws -> I {
    let bytes = try take(MemoryLayout<I>.size)
    return I(littleEndian: bytes.loadUnaligned(as: I.self))
  }

  func byte() throws -> UInt8 { try take(1)[0] }

  func bool() throws -> Bool {
    switch try byte() {
    case 0: return false
    case 1: return true
    case let other: throw corrupted("\(other) is not a Bool")
    }
  }

  func length() throws -> Int { Int(try integer(UInt32.self)) }

  /// A string (the bytes are sealed with the snapshot, so they are the UTF-8 a `String` gave).
  func string() throws -> String {
    String(decoding: try take(try length()).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
  }

  func data() throws -> Data { Data(try take(try length())) }

  func uuid() throws -> UUID {
    let bytes = try take(16)
    return UUID(uuid: bytes.loadUnaligned(as: uuid_t.self))
  }

  /// Whether the keyed entry at the offset has the key `name`, without moving.
  func nextKey(is name: String) -> Bool {
    guard buffer.count - offset >= 2 else { return false }
    let length = Int(UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    guard buffer.count - offset - 2 >= length else { return false }
    var name = name
    return name.withUTF8 { utf8 in
      utf8.count == length && memcmp(utf8.baseAddress!, buffer.baseAddress! + offset + 2, length) == 0
    }
  }

  func key() throws -> String {
    String(decoding: try take(Int(try integer(UInt16.self))).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
  }

  func skipKey() throws {
    _ = try take(Int(try integer(UInt16.self)))
  }

  func value<T: Decodable>(_ type: T.Type) throws -> T {
    if T.self == UUID.self {
      return try uuid() as! T
    } else if T.self == String.self {
      return try string() as! T
    }
    if let primitive = T.self as? any SnapshotPrimitive.Type {
      return try primitive.snapshotDecode(from: self) as! T
    }
    let length = try length()
    guard buffer.count - offset >= length else { throw corrupted("a value is longer than what is left") }
    let end = offset + length
    let value = try T(from: SnapshotDecoder(reader: self, end: end))
    guard offset <= end else { throw corrupted("a value read past its end") }
    offset = end
    return value
  }
}

private struct SnapshotDecoder: Decoder {
  let reader: SnapshotReader
  /// Where the value being decoded ends.
  let end: Int
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    KeyedDecodingContainer(KeyedSnapshotDecoder<Key>(reader: reader, end: end))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try UnkeyedSnapshotDecoder(reader: reader, end: end)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    SingleValueSnapshotDecoder(reader: reader, end: end)
  }
}

private struct KeyedSnapshotDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let reader: SnapshotReader
  let end: Int
  var codingPath: [any CodingKey] { [] }

  var allKeys: [Key] {
    guard reader.offset < end else { return [] }
    let start = reader.offset
    defer { reader.offset = start }
    guard let name = try? reader.key(), let key = Key(stringValue: name) else { return [] }
    return [key]
  }

  func contains(_ key: Key) -> Bool { contains(named: key.stringValue) }
  private func contains(named name: String) -> Bool { reader.offset < end && reader.nextKey(is: name) }

  /// Moves past the key `name` and its presence byte; whether a value follows.
  private func enter(named name: String) throws -> Bool {
    guard contains(named: name) else {
      throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the snapshot has no \(name) here"))
    }
    try reader.skipKey()
    return try reader.bool()
  }

  private func entry<T>(_ key: Key, _ read: () throws -> T) throws -> T { try entry(named: key.stringValue, read) }

  private func entry<T>(named name: String, _ read: () throws -> T) throws -> T {
    guard try enter(named: name) else {
      throw DecodingError.valueNotFound(
        T.self, .init(codingPath: [], debugDescription: "the snapshot has nil for \(name)"))
    }
    let value = try read()
    guard reader.offset <= end else { throw reader.corrupted("\(name) read past its container") }
    return value
  }

  func decodeNil(forKey key: Key) throws -> Bool {
    guard contains(key) else { return true }
    let start = reader.offset
    if try enter(named: key.stringValue) {
      reader.offset = start
      return false
    }
    return true
  }

  /// A value `encodeIfPresent` wrote, or `nil` when the next key is another.
  private func entryIfPresent<T>(_ key: Key, _ read: () throws -> T) throws -> T? {
    guard contains(key), try enter(named: key.stringValue) else { return nil }
    let value = try read()
    guard reader.offset <= end else { throw reader.corrupted("\(key.stringValue) read past its container") }
    return value
  }

  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
    try entryIfPresent(key) { try reader.bool() }
  }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
    try entryIfPresent(key) { try reader.string() }
  }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
    try entryIfPresent(key) { try reader.integer() }
  }
  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
    try entryIfPresent(key) { try reader.integer() }
  }
  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    try entryIfPresent(key) { try reader.value(T.self) }
  }

  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try entry(key) { try reader.bool() } }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try entry(key) { try reader.string() } }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
    try entry(key) { Double(bitPattern: try reader.integer()) }
  }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
    try entry(key) { Float(bitPattern: try reader.integer()) }
  }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try entry(key) { try reader.integer() } }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try entry(key) { try reader.integer() } }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try entry(key) { try reader.integer() } }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try entry(key) { try reader.integer() } }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try entry(key) { try reader.integer() } }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try entry(key) { try reader.integer() } }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try entry(key) { try reader.integer() } }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try entry(key) { try reader.integer() } }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try entry(key) { try reader.integer() } }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try entry(key) { try reader.integer() } }
  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try entry(key) { try reader.value(T.self) } }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type, forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> {
    try entry(key) {
      let length = try reader.length()
      return KeyedDecodingContainer(
        KeyedSnapshotDecoder<NestedKey>(reader: reader, end: min(end, reader.offset + length)))
    }
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try entry(key) {
      let length = try reader.length()
      return try UnkeyedSnapshotDecoder(reader: reader, end: min(end, reader.offset + length))
    }
  }

  func superDecoder() throws -> any Decoder { try superDecoder(named: "super") }
  func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder(named: key.stringValue) }

  private func superDecoder(named name: String) throws -> any Decoder {
    try entry(named: name) {
      let length = try reader.length()
      return SnapshotDecoder(reader: reader, end: min(end, reader.offset + length))
    }
  }
}

private struct UnkeyedSnapshotDecoder: UnkeyedDecodingContainer {
  let reader: SnapshotReader
  let end: Int
  let elements: Int
  private(set) var currentIndex = 0
  var codingPath: [any CodingKey] { [] }
  var count: Int? { elements }
  var isAtEnd: Bool { currentIndex >= elements }

  init(reader: SnapshotReader, end: Int) throws {
    self.reader = reader
    self.end = end
    elements = try reader.length()
  }

  private mutating func element<T>(_ read: (SnapshotReader) throws -> T) throws -> T {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        T.self, .init(codingPath: [], debugDescription: "the snapshot's list has \(elements) elements"))
    }
    let value = try read(reader)
    guard reader.offset <= end else { throw reader.corrupted("a list element read past its container") }
    currentIndex += 1
    return value
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, reader.offset < end else { return false }
    let start = reader.offset
    if try reader.byte() == 0 {
      currentIndex += 1
      return true
    }
    reader.offset = start
    return false
  }

  mutating func decode(_ type: Bool.Type) throws -> Bool { try element { reader in try reader.bool() } }
  mutating func decode(_ type: String.Type) throws -> String { try element { reader in try reader.string() } }
  mutating func decode(_ type: Double.Type) throws -> Double {
    try element { reader in Double(bitPattern: try reader.integer()) }
  }
  mutating func decode(_ type: Float.Type) throws -> Float {
    try element { reader in Float(bitPattern: try reader.integer()) }
  }
  mutating func decode(_ type: Int.Type) throws -> Int { try element { reader in try reader.integer() } }
  mutating func decode(_ type: Int8.Type) throws -> Int8 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: Int16.Type) throws -> Int16 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: Int32.Type) throws -> Int32 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: Int64.Type) throws -> Int64 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: UInt.Type) throws -> UInt { try element { reader in try reader.integer() } }
  mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element { reader in try reader.integer() } }
  mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element { reader in try reader.integer() } }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element { reader in try reader.value(T.self) } }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type
  ) throws -> KeyedDecodingContainer<NestedKey> {
    try element { [end] reader in
      let length = try reader.length()
      return KeyedDecodingContainer(
        KeyedSnapshotDecoder<NestedKey>(reader: reader, end: min(end, reader.offset + length)))
    }
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try element { [end] reader in
      let length = try reader.length()
      return try UnkeyedSnapshotDecoder(reader: reader, end: min(end, reader.offset + length))
    }
  }

  mutating func superDecoder() throws -> any Decoder {
    try element { [end] reader in
      let length = try reader.length()
      return SnapshotDecoder(reader: reader, end: min(end, reader.offset + length))
    }
  }
}

private struct SingleValueSnapshotDecoder: SingleValueDecodingContainer {
  let reader: SnapshotReader
  let end: Int
  var codingPath: [any CodingKey] { [] }

  private func read<T>(_ body: () throws -> T) throws -> T {
    let value = try body()
    guard reader.offset <= end else { throw reader.corrupted("a value read past its end") }
    return value
  }

  func decodeNil() -> Bool {
    guard reader.offset < end, (try? reader.byte()) == 0 else {
      return false
    }
    return true
  }

  func decode(_ type: Bool.Type) throws -> Bool { try read { try reader.bool() } }
  func decode(_ type: String.Type) throws -> String { try read { try reader.string() } }
  func decode(_ type: Double.Type) throws -> Double { try read { Double(bitPattern: try reader.integer()) } }
  func decode(_ type: Float.Type) throws -> Float { try read { Float(bitPattern: try reader.integer()) } }
  func decode(_ type: Int.Type) throws -> Int { try read { try reader.integer() } }
  func decode(_ type: Int8.Type) throws -> Int8 { try read { try reader.integer() } }
  func decode(_ type: Int16.Type) throws -> Int16 { try read { try reader.integer() } }
  func decode(_ type: Int32.Type) throws -> Int32 { try read { try reader.integer() } }
  func decode(_ type: Int64.Type) throws -> Int64 { try read { try reader.integer() } }
  func decode(_ type: UInt.Type) throws -> UInt { try read { try reader.integer() } }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try read { try reader.integer() } }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try read { try reader.integer() } }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try read { try reader.integer() } }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try read { try reader.integer() } }
  func decode<T: Decodable>(_ type: T.Type) throws -> T { try read { try reader.value(T.self) } }
}

// MARK: - The values written inline

extension UUID: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) {
    withUnsafeBytes(of: uuid) { writer.bytes.append(contentsOf: $0) }
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> UUID { try reader.uuid() }
}

extension String: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) throws { try writer.string(self) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> String { try reader.string() }
}

extension Data: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    try writer.length(count, of: "a Data")
    writer.bytes.append(contentsOf: self)
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Data { try reader.data() }
}

extension Date: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.integer(timeIntervalSinceReferenceDate.bitPattern) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Date {
    Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.integer()))
  }
}

extension Bool: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.bytes.append(self ? 1 : 0) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Bool { try reader.bool() }
}

extension Double: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.integer(bitPattern) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Double { Double(bitPattern: try reader.integer()) }
}

extension Int: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.integer(self) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Int { try reader.integer() }
}

extension Int32: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.integer(self) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Int32 { try reader.integer() }
}

extension Int64: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) { writer.integer(self) }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Int64 { try reader.integer() }
}

extension Optional: SnapshotPrimitive where Wrapped: Codable {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    guard let self else { return writer.bytes.append(0) }
    writer.bytes.append(1)
    try writer.value(self)
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Wrapped? {
    try reader.bool() ? try reader.value(Wrapped.self) : nil
  }
}

extension Dictionary: SnapshotPrimitive where Key: Codable, Value: Codable {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    try writer.length(count, of: "a dictionary")
    for (key, value) in self {
      try writer.value(key)
      try writer.value(value)
    }
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> [Key: Value] {
    let count = try reader.length()
    var result: [Key: Value] = [:]
    result.reserveCapacity(Swift.min(count, 1 << 20))
    for _ in 0..<count {
      let key = try reader.value(Key.self)
      guard result.updateValue(try reader.value(Value.self), forKey: key) == nil else {
        throw reader.corrupted("a dictionary has a key twice")
      }
    }
    return result
  }
}

extension Array: SnapshotPrimitive where Element: Codable {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    try writer.length(count, of: "a list")
    for element in self { try writer.value(element) }
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> [Element] {
    let count = try reader.length()
    // How to decode an element is looked up once per list, not once per element.
    if let primitive = Element.self as? any SnapshotPrimitive.Type {
      return try primitive.snapshotDecodeList(count: count, as: Element.self, from: reader)
    }
    var result: [Element] = []
    result.reserveCapacity(Swift.min(count, 1 << 20))
    for _ in 0..<count { result.append(try reader.value(Element.self)) }
    return result
  }
}

extension Set: SnapshotPrimitive where Element: Codable {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    try writer.length(count, of: "a set")
    for element in self { try writer.value(element) }
  }
  static func snapshotDecode(from reader: SnapshotReader) throws -> Set<Element> {
    let count = try reader.length()
    var result: Set<Element> = []
    result.reserveCapacity(Swift.min(count, 1 << 20))
    for _ in 0..<count {
      guard result.insert(try reader.value(Element.self)).inserted else {
        throw reader.corrupted("a set has an element twice")
      }
    }
    return result
  }
}

// MARK: - Written by hand: the types a log holds by the million

/// A roster entry per member: a million of them at a million events, where `Codable` was
/// most of a snapshot's load. `SnapshotCodingTests` fails when a stored property is added.
extension RosterEntry: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    memberID.snapshotEncode(to: writer)
    try contact.snapshotEncode(to: writer)
    since.snapshotEncode(to: writer)
    try seat.snapshotEncode(to: writer)
    try transfer.snapshotEncode(to: writer)
  }

  static func snapshotDecode(from reader: SnapshotReader) throws -> RosterEntry {
    // What `Optional.snapshotEncode` wrote, read without looking up how to decode the wrapped type.
    RosterEntry(
      memberID: try reader.uuid(), contact: try reader.bool() ? try Contact.snapshotDecode(from: reader) : nil,
      since: try Date.snapshotDecode(from: reader), seat: try reader.bool() ? try reader.value(Seat.self) : nil,
      transfer: try reader.bool() ? try reader.value(Transfer.self) : nil)
  }
}

extension Contact: SnapshotPrimitive {
  func snapshotEncode(to writer: SnapshotWriter) throws {
    try writer.string(name)
    try writer.string(email)
  }

  static func snapshotDecode(from reader: SnapshotReader) throws -> Contact {
    Contact(name: try reader.string(), email: try reader.string())
  }
}
