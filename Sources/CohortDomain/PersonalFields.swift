import Foundation

/// How personal fields are normalised at the door, so that one person is one record: names and
/// texts in Unicode NFC and trimmed, e-mail lower-cased, phones in E.164. Each check throws
/// `invalidArgument` naming the field and what is wrong.
public enum PersonFields {
  /// A person's name: NFC, trimmed, 1 to 200 characters and at most 800 UTF-8 bytes (so that a
  /// name of endless combining marks is not "a few characters"), with no control, format
  /// (bidi overrides, zero-width joiners), separator, private-use or unassigned characters.
  public static func name(_ raw: String, field: String = "name") throws(DomainError) -> String {
    try text(raw, field: field, maxCharacters: 200, allowEmpty: false)
  }

  /// A free text (a source, a channel, a reason, a note): NFC, trimmed, at most `maxCharacters`
  /// characters and 4 bytes per character, with the same characters refused as in names (line
  /// breaks allowed only if `allowsLineBreaks`).
  public static func text(
    _ raw: String, field: String, maxCharacters: Int, allowEmpty: Bool, allowsLineBreaks: Bool = false
  ) throws(DomainError) -> String {
    let text = raw.canonicalTrimmed
    guard allowEmpty || !text.isEmpty else {
      throw .invalidArgument(field, "\(field) must not be empty")
    }
    guard text.count <= maxCharacters else {
      throw .invalidArgument(field, "\(field) must be at most \(maxCharacters) characters; got \(text.count)")
    }
    guard text.utf8.count <= 4 * maxCharacters else {
      throw .invalidArgument(
        field, "\(field) must be at most \(4 * maxCharacters) bytes of UTF-8; got \(text.utf8.count)")
    }
    for scalar in text.unicodeScalars {
      if allowsLineBreaks, scalar == "\n" || scalar == "\r" || scalar == "\t" { continue }
      if let why = refusal(scalar) {
        throw .invalidArgument(field, "\(field) contains \(why) \(hex(scalar)); type it without that character")
      }
    }
    return text
  }

  /// An e-mail address: NFC, trimmed, lower-cased; one "@", a non-empty local part, a domain with
  /// a dot that neither starts nor ends it, no white space or control characters, at most 254
  /// characters and 1,016 UTF-8 bytes (4 per character, as for texts: combining marks cannot
  /// hide length).
  public static func email(_ raw: String, field: String = "email") throws(DomainError) -> String {
    let email = EmailAddress.normalized(raw)
    guard email.count <= 254 else {
      throw .invalidArgument(field, "\(field) must be at most 254 characters; got \(email.count)")
    }
    guard email.utf8.count <= 4 * 254 else {
      throw .invalidArgument(
        field,
        "\(field) must be at most \(Grouping.digits(4 * 254)) bytes of UTF-8; got \(Grouping.digits(email.utf8.count))")
    }
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, let local = parts.first, let domain = parts.last,
      !local.isEmpty, domain.contains("."), domain.first != ".", domain.last != ".",
      !email.contains(where: \.isWhitespace), !email.unicodeScalars.contains(where: { refusal($0) != nil })
    else {
      throw .invalidArgument(
        field, "\(field) \(Validate.quoted(email)) is not a valid address; use the form name@example.com")
    }
    return email
  }

  /// A phone number in E.164 (`+821012345678`), from the ways people type one: separators
  /// (spaces, hyphens, dots, parentheses) and full-width digits are ignored; `+` or `00` starts
  /// an international number (`+82 (0)10 …` drops the trunk 0 in brackets); anything else is a
  /// Korean number whose trunk 0 is replaced by +82 (`010-1234-5678` → `+821012345678`,
  /// `02-123-4567` → `+8221234567`). E.164 allows 8 to 15 digits; a Korean number has 8 to 10
  /// after +82, and a mobile number (10…) exactly 10.
  public static func phone(_ raw: String, field: String = "phone") throws(DomainError) -> String {
    let folded = raw.applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? raw
    var text = folded.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "(0)", with: "")
    guard !text.isEmpty else { throw .invalidArgument(field, "\(field) must not be empty") }
    var international = false
    if text.hasPrefix("+") {
      international = true
      text.removeFirst()
    }
    var digits = ""
    for character in text {
      if let digit = character.asciiDigit {
        digits.append(digit)
      } else if !" -.()\u{2010}\u{2011}\u{2012}\u{2013}".contains(character) {
        throw .invalidArgument(
          field,
          "\(field) \(Validate.quoted(raw)) contains \(Validate.quoted(String(character))); use digits, e.g. 010-1234-5678"
        )
      }
    }
    if !international, digits.hasPrefix("00") {
      international = true
      digits.removeFirst(2)
    }
    if !international {
      guard digits.hasPrefix("0") else {
        throw .invalidArgument(
          field, "\(field) \(Validate.quoted(raw)) is not a Korean number (they start with 0) nor +country code")
      }
      digits = "82" + digits.dropFirst()
    }
    if digits.hasPrefix("82") {
      let national = digits.dropFirst(2)
      guard (8...10).contains(national.count), national.first != "0" else {
        throw .invalidArgument(field, "\(field) \(Validate.quoted(raw)) is not a Korean phone number")
      }
      if national.hasPrefix("10"), national.count != 10 {
        throw .invalidArgument(
          field, "\(field) \(Validate.quoted(raw)) is not a Korean mobile number (010 and 8 digits)")
      }
    }
    guard (8...15).contains(digits.count) else {
      throw .invalidArgument(
        field, "\(field) \(Validate.quoted(raw)) must have 8 to 15 digits with the country code; got \(digits.count)")
    }
    return "+" + digits
  }

  /// Why `scalar` may not be in a name or text, or `nil` if it may.
  static func refusal(_ scalar: Unicode.Scalar) -> String? {
    // In ASCII only the controls are refused; looking up the general category costs more.
    if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F ? "the control character" : nil }
    return switch scalar.properties.generalCategory {
    case .control: "the control character"
    case .format: "the invisible format character"
    case .lineSeparator, .paragraphSeparator: "the separator character"
    case .privateUse: "the private-use character"
    case .surrogate, .unassigned: "the unassigned code point"
    default: nil
    }
  }

  static func hex(_ scalar: Unicode.Scalar) -> String {
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}

extension Character {
  /// The ASCII digit this character is, if it is one.
  fileprivate var asciiDigit: Character? {
    guard let ascii = asciiValue, (0x30...0x39).contains(ascii) else { return nil }
    return self
  }
}
