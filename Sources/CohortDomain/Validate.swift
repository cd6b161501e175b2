import Foundation

/// Field checks shared by the decisions. Each returns the normalized value or throws
/// `invalidArgument` naming the field.
enum Validate {
  /// Trims `raw` and checks its length in characters.
  static func text(
    _ raw: String, field: String, maxLength: Int, allowEmpty: Bool = false
  ) throws(DomainError) -> String {
    let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    guard allowEmpty || !text.isEmpty else {
      throw .invalidArgument(field, "\(field) must not be empty")
    }
    guard text.count <= maxLength else {
      throw .invalidArgument(
        field, "\(field) must be at most \(maxLength) characters; got \(text.count)")
    }
    return text
  }

  /// Checks that `value` lies in `range`; `label` names the value in the message.
  static func number(
    _ value: Int, in range: ClosedRange<Int>, field: String, label: String
  ) throws(DomainError) {
    guard range.contains(value) else {
      throw .invalidArgument(
        field,
        "\(label) must be between \(Grouping.digits(range.lowerBound)) and "
          + "\(Grouping.digits(range.upperBound)); got \(Grouping.digits(value))")
    }
  }

  /// `input` in quotes for an error message, shortened so that an oversized value is not sent back.
  static func quoted(_ input: some StringProtocol) -> String {
    input.count <= 40 ? "\"\(input)\"" : "\"\(input.prefix(40))…\" (\(input.count) characters)"
  }

  /// Trims and lowercases `raw` and checks it looks like an address: one "@", a non-empty local
  /// part, a domain with a dot that neither starts nor ends it, no whitespace, at most 254
  /// characters.
  static func email(_ raw: String) throws(DomainError) -> String {
    let email = EmailAddress.normalized(raw)
    guard email.count <= 254 else {
      throw .invalidArgument("email", "email must be at most 254 characters; got \(email.count)")
    }
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, let local = parts.first, let domain = parts.last,
      !local.isEmpty, domain.contains("."), domain.first != ".", domain.last != ".",
      !email.contains(where: \.isWhitespace)
    else {
      throw .invalidArgument(
        "email", "email \(quoted(email)) is not a valid address; use the form name@example.com")
    }
    return email
  }
}
