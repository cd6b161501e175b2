import CSV
import Foundation

/// Rows under headers: a plain text table whose columns line up in a terminal (Hangul and other
/// wide characters count as two columns), or the same rows as CSV for a spreadsheet.
struct Table {
  var headers: [String]
  var rows: [[String]] = []

  init(_ headers: String...) {
    self.headers = headers
  }

  init(headers: [String]) {
    self.headers = headers
  }

  mutating func add(_ cells: String...) {
    rows.append(cells)
  }

  mutating func add(row cells: [String]) {
    rows.append(cells)
  }

  var rendered: String {
    // A cell is one line: a line break or a control character in a name is shown escaped.
    let all = ([headers] + rows).map { $0.map { TerminalText.safe($0, keepingLayout: false) } }
    let widths = headers.indices.map { column in all.map { Self.width(of: $0[column]) }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - Self.width(of: cell))
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// RFC 4180 with CRLF line ends, what Excel writes. A text cell that a spreadsheet would run as
  /// a formula (it starts with =, +, -, @, a tab or a carriage return) is prefixed with ' so that
  /// a name like "=HYPERLINK(…)" stays a name; numbers such as -5000 are left as they are.
  var csv: String {
    let stream = OutputStream(toMemory: ())
    do {
      let writer = try CSVWriter(stream: stream, delimiter: ",", newline: .crlf)
      try writer.write(row: headers)
      for row in rows { try writer.write(row: row.map(Self.inert)) }
      writer.stream.close()
    } catch {
      // Writing to memory does not fail; say so loudly if it ever does.
      return "error: \(error)"
    }
    let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    return String(decoding: data, as: UTF8.self) + "\r\n"
  }

  static func inert(_ cell: String) -> String {
    guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
    if Double(cell.replacingOccurrences(of: ",", with: "")) != nil { return cell }
    return "'" + cell
  }

  /// Display width: East Asian wide and full-width characters take two columns.
  static func width(of text: String) -> Int {
    text.unicodeScalars.reduce(0) { total, scalar in
      switch scalar.value {
      case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        total + 2
      case 0x0300...0x036F, 0x1160...0x11FF, 0x200B...0x200F:
        total
      default:
        total + 1
      }
    }
  }
}
