import Foundation

/// Field checks shared by the decisions. Each returns the normalized value or throws
/// `invalidArgument` naming the field.
enum Validate {
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

  /// `input` in quotes for an error message, shortened so that an oversized value is not sent back:
  /// at most 40 characters and 160 UTF-8 bytes (one character of endless combining marks is
  /// one character but not a short one).
  static func quoted(_ input: some StringProtocol) -> String {
    var shown = ""
    var count = 0
    for character in input {
      guard count < 40, shown.utf8.count + character.utf8.count <= 160 else {
        let total = input.count
        return "\"\(shown)…\" (\(Grouping.digits(total)) \(total == 1 ? "character" : "characters"))"
      }
      shown.append(character)
      count += 1
    }
    return "\"\(shown)\""
  }
}
