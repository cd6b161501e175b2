/// A plain text table whose columns line up in a terminal, counting Hangul and other wide
/// characters as two columns.
struct Table {
  var headers: [String]
  var rows: [[String]] = []

  init(_ headers: String...) {
    self.headers = headers
  }

  mutating func add(_ cells: String...) {
    rows.append(cells)
  }

  var rendered: String {
    let all = [headers] + rows
    let widths = headers.indices.map { column in all.map { Self.width(of: $0[column]) }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - Self.width(of: cell))
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// Display width: East Asian wide and full-width characters take two columns.
  static func width(of text: String) -> Int {
    text.unicodeScalars.reduce(0) { total, scalar in
      switch scalar.value {
      case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        total + 2
      case 0x0300...0x036F, 0x200B...0x200F:
        total
      default:
        total + 1
      }
    }
  }
}
