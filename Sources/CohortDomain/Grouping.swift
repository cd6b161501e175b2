/// Writes integers with a comma every three digits ("200,000", "-1,500") without Foundation
/// number formatters, so output never depends on the host locale.
enum Grouping {
  static func digits(_ value: some BinaryInteger) -> String {
    let plain = String(value.magnitude)
    var grouped = value < 0 ? "-" : ""
    for (index, digit) in plain.enumerated() {
      if index > 0, (plain.count - index) % 3 == 0 { grouped.append(",") }
      grouped.append(digit)
    }
    return grouped
  }
}
