import CSV
import Foundation

/// A spreadsheet saved as CSV: its header row and the records under it, each with the line of the
/// file it starts on (what a person looks for when told "line 7").
public struct Sheet: Sendable, Equatable {
  public struct Record: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
  }

  public var headers: [String]
  public var records: [Record]
  public var delimiter: Unicode.Scalar
  public var encoding: SheetEncoding

  /// The delimiters a spreadsheet export uses.
  public static let delimiters: [Unicode.Scalar] = [",", ";", "\t"]

  /// Reads `data`: the encoding is detected unless given (see ``SheetEncoding/decode(_:forced:)``),
  /// the delimiter is the one the header line uses most (comma, semicolon or tab) unless given.
  /// Quoted fields may hold delimiters, quotes ("") and line breaks (RFC 4180). Empty rows, which
  /// spreadsheets leave at the end, are skipped.
  public static func read(
    _ data: Data, encoding forced: SheetEncoding? = nil, delimiter: Unicode.Scalar? = nil
  ) throws -> Sheet {
    let (text, encoding) = try SheetEncoding.decode(data, forced: forced)
    if let line = unclosedQuoteLine(text) {
      throw SheetError("line \(line): a quoted field is never closed (a \" is missing)")
    }
    let delimiter = delimiter ?? guessDelimiter(text)
    let reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: delimiter)
    var line = 1
    var headers: [String]?
    var records: [Record] = []
    while let fields = reader.next() {
      let start = line
      line += 1 + fields.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 } }
      guard fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { continue }
      if headers == nil {
        headers = fields
      } else {
        records.append(Record(line: start, fields: fields))
      }
    }
    guard let headers else { throw SheetError("the file is empty: it needs a header row and a row per record") }
    return Sheet(headers: headers, records: records, delimiter: delimiter, encoding: encoding)
  }

  /// The delimiter the first line uses most, outside quotes; a comma when it uses none.
  static func guessDelimiter(_ text: String) -> Unicode.Scalar {
    var counts: [Unicode.Scalar: Int] = [:]
    var quoted = false
    for scalar in text.unicodeScalars {
      if scalar == "\"" { quoted.toggle() }
      if !quoted, scalar == "\n" || scalar == "\r" { break }
      if !quoted, delimiters.contains(scalar) { counts[scalar, default: 0] += 1 }
    }
    return delimiters.max { counts[$0, default: 0] < counts[$1, default: 0] }.flatMap { counts[$0] == nil ? nil : $0 }
      ?? ","
  }

  /// The line on which a quoted field opens that the file never closes; a doubled quote inside a
  /// field toggles twice, so counting quotes is enough.
  static func unclosedQuoteLine(_ text: String) -> Int? {
    var line = 1
    var quoted = false
    var openedOn = 1
    for scalar in text.unicodeScalars {
      if scalar == "\"" {
        quoted.toggle()
        if quoted { openedOn = line }
      } else if scalar == "\n" {
        line += 1
      }
    }
    return quoted ? openedOn : nil
  }
}
