import Foundation

/// One thing an import reads from a sheet, and the headers that name it in Korean and English
/// spreadsheets.
public struct SheetField: Sendable, Hashable {
  public var name: String
  public var headers: [String]
  public var required: Bool
  public var help: String

  public init(_ name: String, headers: [String], required: Bool = false, help: String) {
    self.name = name
    self.headers = headers
    self.required = required
    self.help = help
  }
}

/// Which column holds which field: headers are matched in Korean or English, ignoring case,
/// spaces and punctuation (`E-mail`, `이메일 주소` and `email` are one), with `--map column=field`
/// for the rest. Unknown columns are listed, never silently dropped.
public struct ColumnMap: Sendable {
  /// `--map column=ignore` leaves a column out without listing it as unknown.
  public static let ignored = "ignore"

  public private(set) var columns: [String: Int] = [:]
  /// Headers that name no field (shown to the user).
  public private(set) var unknown: [String] = []

  public init(headers: [String], fields: [SheetField], mappings: [String] = []) throws {
    var overrides: [String: String] = [:]
    for mapping in mappings {
      let parts = mapping.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw SheetError("--map \(mapping): write it as column=field, e.g. --map '입금자명=depositor'")
      }
      let field = Self.normalized(parts[1])
      guard field == Self.ignored || fields.contains(where: { Self.normalized($0.name) == field }) else {
        throw SheetError(
          "--map \(mapping): there is no field \(parts[1]); the fields are \(fields.map(\.name).joined(separator: ", ")) (or ignore)"
        )
      }
      guard headers.contains(where: { Self.normalized($0) == Self.normalized(parts[0]) }) else {
        throw SheetError(
          "--map \(mapping): the sheet has no column \(parts[0]); its columns are \(headers.joined(separator: ", "))")
      }
      overrides[Self.normalized(parts[0])] = field
    }

    for (index, header) in headers.enumerated() {
      let key = Self.normalized(header)
      if key.isEmpty { continue }
      let name: String?
      if let override = overrides[key] {
        name = override == Self.ignored ? nil : fields.first { Self.normalized($0.name) == override }?.name
        if name == nil { continue }
      } else {
        name =
          fields.first { field in
            Self.normalized(field.name) == key || field.headers.contains { Self.normalized($0) == key }
          }?.name
      }
      guard let name else {
        unknown.append(header)
        continue
      }
      if let other = columns[name] {
        throw SheetError(
          "columns \(headers[other]) and \(header) both hold \(name); leave one out with --map '\(header)=ignore'")
      }
      columns[name] = index
    }

    let missing = fields.filter { $0.required && columns[$0.name] == nil }
    guard missing.isEmpty else {
      let names = missing.map { "\($0.name) (\($0.headers.prefix(3).joined(separator: "/")))" }
      throw SheetError(
        "the sheet has no column for \(names.joined(separator: ", ")); its columns are \(headers.joined(separator: ", ")); name one with --map column=field"
      )
    }
  }

  /// The field's value in `record`, trimmed; empty when the sheet has no such column.
  public func value(_ field: String, in record: Sheet.Record) -> String {
    guard let index = columns[field], index < record.fields.count else { return "" }
    return record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Lower case, composed (NFC), without spaces and punctuation.
  static func normalized(_ header: String) -> String {
    String(
      header.precomposedStringWithCanonicalMapping.lowercased().unicodeScalars.filter { scalar in
        !CharacterSet.whitespacesAndNewlines.contains(scalar) && !CharacterSet.punctuationCharacters.contains(scalar)
          && !CharacterSet.symbols.contains(scalar) && scalar.properties.generalCategory != .format
      }.map(Character.init))
  }
}
