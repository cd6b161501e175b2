import Foundation

extension UUID {
  /// Parses the canonical 36-character form (`8-4-4-4-12` hex digits, either case) without
  /// Foundation's `sscanf`-based parser, which dominates folding a long log; `nil` otherwise.
  public init?(canonical text: String) {
    guard let parsed = text.utf8.withContiguousStorageIfAvailable(Self.parseCanonical) else {
      guard let uuid = UUID(uuidString: text) else { return nil }
      self = uuid
      return
    }
    guard let uuid = parsed else { return nil }
    self.init(uuid: uuid)
  }

  /// ``init(canonical:)`` of a part of a string, without copying it out.
  public init?(canonical text: Substring.UTF8View) {
    guard let parsed = text.withContiguousStorageIfAvailable(Self.parseCanonical) else {
      self.init(canonical: String(Substring(text)))
      return
    }
    guard let uuid = parsed else { return nil }
    self.init(uuid: uuid)
  }

  private static func parseCanonical(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
    guard text.count == 36 else { return nil }
    var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    let valid = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in
      var index = 0
      var offset = 0
      while offset < 36 {
        if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
          guard text[offset] == UInt8(ascii: "-") else { return false }
          offset += 1
          continue
        }
        guard let high = hexValue(text[offset]), let low = hexValue(text[offset + 1]) else { return false }
        bytes[index] = high << 4 | low
        index += 1
        offset += 2
      }
      return true
    }
    return valid ? uuid : nil
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
