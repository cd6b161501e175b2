/// Text from the server made safe to show: names, titles and notes are typed by other people, and
/// a control character in them must not move the cursor, change colours, retitle the window or
/// reorder what the terminal shows (bidi overrides).
///
/// Every such character is written as a JSON-style escape (`\u001B`, `\u202E`), which is both
/// readable and, inside a JSON string, the same character: JSON output stays valid and means the
/// same. Line breaks and tabs are kept where the output's own layout needs them.
public enum TerminalText {
  /// `text` with every control, format and bidi character escaped; line feeds and tabs are kept
  /// when `keepingLayout` (the output of a whole command), escaped otherwise (one table cell).
  public static func safe(_ text: String, keepingLayout: Bool = true) -> String {
    guard text.unicodeScalars.contains(where: { isUnsafe($0, keepingLayout: keepingLayout) }) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isUnsafe(scalar, keepingLayout: keepingLayout) {
        result.append(contentsOf: escape(scalar).unicodeScalars)
      } else {
        result.append(scalar)
      }
    }
    return String(result)
  }

  static func isUnsafe(_ scalar: Unicode.Scalar, keepingLayout: Bool) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: return !keepingLayout
    // Zero-width joiner and non-joiner: part of emoji and of some scripts; they move nothing.
    case 0x200C, 0x200D: return false
    default: break
    }
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator:
      return true
    default:
      return false
    }
  }

  /// `\uXXXX`, as a surrogate pair beyond the basic plane (JSON's own escape).
  static func escape(_ scalar: Unicode.Scalar) -> String {
    func hex(_ value: UInt32) -> String {
      let digits = String(value, radix: 16, uppercase: true)
      return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
    guard scalar.value > 0xFFFF else { return hex(scalar.value) }
    let offset = scalar.value - 0x10000
    return hex(0xD800 + (offset >> 10)) + hex(0xDC00 + (offset & 0x3FF))
  }
}
