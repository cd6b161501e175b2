/// Charts for a terminal, drawn with block characters: readable without colour (the CLI prints
/// none, so NO_COLOR holds), lined up with Hangul labels counted as two columns, and only in
/// table output (never in JSON or CSV).
enum Chart {
  static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
  static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// One bar per item, labels on the left, the value on the right; `scale` is the value of a
  /// full bar (default: the largest value).
  static func bars(
    _ items: [(label: String, value: Double)], scale: Double? = nil, width: Int = 30,
    format: (Double) -> String
  ) -> String {
    let labels = items.map { TerminalText.safe($0.label, keepingLayout: false) }
    let labelWidth = labels.map(Table.width(of:)).max() ?? 0
    let full = scale ?? max(items.map(\.value).max() ?? 0, 0)
    return zip(labels, items).map { label, item in
      let padding = String(repeating: " ", count: labelWidth - Table.width(of: label))
      return "  \(label)\(padding)  \(bar(item.value, of: full, width: width)) \(format(item.value))"
    }.joined(separator: "\n")
  }

  /// A bar of `width` columns at most, in eighths of a column; a value above zero always shows.
  static func bar(_ value: Double, of full: Double, width: Int) -> String {
    guard full > 0, value > 0 else { return "" }
    let eighthsTotal = max(1, Int((min(value, full) / full * Double(width * 8)).rounded()))
    return String(repeating: "█", count: eighthsTotal / 8)
      + (eighthsTotal % 8 == 0 ? "" : String(eighths[eighthsTotal % 8 - 1]))
  }

  /// One character per value, from ▁ (zero) to █ (the largest); nil for no values.
  static func sparkline(_ values: [Double]) -> String? {
    guard !values.isEmpty else { return nil }
    let top = values.max() ?? 0
    return String(
      values.map { value in
        guard top > 0, value > 0 else { return levels[0] }
        return levels[max(1, min(levels.count - 1, Int((value / top * Double(levels.count - 1)).rounded())))]
      })
  }
}
