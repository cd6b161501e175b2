import ArgumentParser
import CohortAPI
import CohortDomain
import Foundation

/// `cohort import people|attempts|payments|attendance FILE`: spreadsheets in.
public struct Import: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Import a spreadsheet saved as CSV: people, outreach attempts, bank transfers, attendance.",
    discussion: """
      The file may be UTF-8 (with or without a byte order mark) or CP949, what Korean Excel writes \
      when it saves "CSV" (detected: bytes that are not UTF-8 are read as CP949; --encoding forces \
      one). Commas, semicolons or tabs separate the cells; quoted cells may hold them and line breaks.

      Headers are matched in Korean or English, ignoring case and spaces (이름/name, 이메일/email, \
      전화번호/연락처/phone, 기수/cohort, 금액/amount, 입금자/depositor, …); --map column=field names the \
      rest, --map column=ignore leaves a column out. Columns that match nothing are listed.

      Every bad line is reported with its line number, the field and what is wrong, and never stops \
      the good ones (with --all-or-nothing, nothing is written if any line is bad). --dry-run checks \
      everything and writes nothing. Importing the same file again writes nothing new: each line's \
      request ids derive from its content.

      Exit codes: 0 when every line was imported or already there, 1 when some were refused.
      """,
    subcommands: [ImportPeople.self, ImportAttempts.self, ImportPayments.self, ImportAttendance.self])

  public init() {}
}

/// What every import takes.
struct ImportOptions: ParsableArguments {
  @Argument(help: "The CSV file.") var file: String

  @Option(help: "The file's encoding: utf-8, cp949 or euc-kr (default: detected).") var encoding: SheetEncoding?

  @Option(help: "comma, semicolon or tab (default: the one the header uses).") var delimiter: Delimiter?

  @Option(
    name: .customLong("map"), parsing: .singleValue,
    help: ArgumentHelp("Which field a column holds, as column=field (repeatable); field 'ignore' leaves it out."))
  var mappings: [String] = []

  @Flag(name: .customLong("dry-run"), help: "Check every line and write nothing.") var dryRun = false

  @Flag(name: .customLong("all-or-nothing"), help: "Write nothing unless every line is good.") var allOrNothing = false

  @Option(name: .customLong("output"), help: "table, json (the summary) or csv (every line's outcome).")
  var format: OutputFormat = .table

  enum Delimiter: String, ExpressibleByArgument, CaseIterable {
    case comma, semicolon, tab

    var scalar: Unicode.Scalar {
      switch self {
      case .comma: ","
      case .semicolon: ";"
      case .tab: "\t"
      }
    }
  }

  /// Reads the file, maps its columns, checks and sends every line, and says what became of them.
  func run<Lookup>(_ plan: SheetImportPlan<Lookup>, session: Session) async throws -> Printout {
    let sheet: Sheet
    let map: ColumnMap
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: file))
      sheet = try Sheet.read(data, encoding: encoding, delimiter: delimiter?.scalar)
      map = try ColumnMap(headers: sheet.headers, fields: plan.fields, mappings: mappings)
    } catch let error as SheetError {
      throw CLIError("\(file): \(error.description)", exitCode: ExitCodes.usage)
    } catch let error as CocoaError {
      throw CLIError("cannot read \(file): \(error.localizedDescription)", exitCode: ExitCodes.usage)
    }
    let progress =
      format == .table && isatty(STDERR_FILENO) != 0 && !dryRun ? ImportProgress(label: "importing") : nil
    let result = try await SheetImporter.run(
      plan, sheet: sheet, file: file, map: map, session: session, options: self, progress: progress)
    let exitCode: Int32 = result.count(.refused) > 0 ? 1 : 0
    switch format {
    case .table: return Printout(.text(ImportReport.text(result, allOrNothing: allOrNothing)), exitCode: exitCode)
    case .json: return Printout(.text(try ImportReport.json(result)), exitCode: exitCode)
    case .csv:
      let (data, _) = try SheetEncoding.utf8.encode(ImportReport.sheet(result).csv)
      return Printout(.file(data), exitCode: exitCode)
    }
  }
}

/// The summary at the end of an import.
enum ImportReport {
  static func text(_ result: ImportResult, allOrNothing: Bool) -> String {
    let source =
      "\(result.file) (\(result.encoding == SheetEncoding.cp949.rawValue ? "CP949" : "UTF-8"), \(result.delimiter)-separated, \(result.lines.count) \(result.lines.count == 1 ? "line" : "lines"))"
    let refused = result.count(.refused)
    let skipped = result.count(.skipped) > 0 ? "\(result.count(.skipped)) skipped, " : ""
    var lines: [String]
    if result.dryRun {
      lines = [
        "Dry run of \(source): \(result.count(.notSent)) would be sent, \(skipped)\(refused) refused. Nothing was written."
      ]
    } else if result.count(.notSent) > 0 {
      lines = ["Nothing was written from \(source): \(refused) refused, and --all-or-nothing is set."]
    } else {
      lines = [
        "Imported \(source) in \(String(format: "%.1f", result.seconds)) s: \(result.count(.imported)) imported, \(result.count(.alreadyThere)) already there, \(skipped)\(refused) refused."
      ]
    }
    for (outcome, title) in [(ImportResult.Outcome.refused, "Refused:"), (.skipped, "Skipped:")] {
      let listed = result.lines.filter { $0.outcome == outcome }
      guard !listed.isEmpty else { continue }
      var table = Table("LINE", "FIELD", outcome == .refused ? "PROBLEM" : "WHY")
      for line in listed { table.add("\(line.line)", line.field ?? "", line.reason ?? "") }
      lines += ["", title, table.rendered]
    }
    if !result.unknownColumns.isEmpty {
      lines += [
        "",
        "Columns not imported: \(result.unknownColumns.joined(separator: ", ")) (name their field with --map column=field, or --map column=ignore)",
      ]
    }
    return lines.joined(separator: "\n")
  }

  static func json(_ result: ImportResult) throws -> String {
    struct Summary: Encodable {
      var result: ImportResult
      func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey {
          case file, encoding, delimiter, dryRun, imported, alreadyThere, refused, skipped, notSent, unknownColumns,
            lines
        }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(result.file, forKey: .file)
        try container.encode(result.encoding, forKey: .encoding)
        try container.encode(result.delimiter, forKey: .delimiter)
        try container.encode(result.dryRun, forKey: .dryRun)
        try container.encode(result.count(.imported), forKey: .imported)
        try container.encode(result.count(.alreadyThere), forKey: .alreadyThere)
        try container.encode(result.count(.refused), forKey: .refused)
        try container.encode(result.count(.skipped), forKey: .skipped)
        try container.encode(result.count(.notSent), forKey: .notSent)
        try container.encode(result.unknownColumns, forKey: .unknownColumns)
        try container.encode(result.lines, forKey: .lines)
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(Summary(result: result)), as: UTF8.self)
  }

  static func sheet(_ result: ImportResult) -> Table {
    var table = Table("line", "outcome", "field", "reason")
    for line in result.lines { table.add("\(line.line)", line.outcome.rawValue, line.field ?? "", line.reason ?? "") }
    return table
  }
}

/// A progress bar on standard error while an import runs (only on a terminal, and not with
/// --output json or csv): the count, the rate and how many lines were refused. The last state
/// stays on screen.
final class ImportProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let label: String
  private var total = 0
  private var done = 0
  private var refused = 0
  private var started = ContinuousClock.now
  private var drawn = ContinuousClock.now - .seconds(1)

  init(label: String) {
    self.label = label
  }

  func start(total: Int) {
    lock.withLock {
      self.total = total
      started = .now
    }
    draw(force: true)
  }

  func advance(refused wasRefused: Bool) {
    lock.withLock {
      done += 1
      if wasRefused { refused += 1 }
    }
    draw(force: false)
  }

  func finish() {
    draw(force: true)
    FileHandle.standardError.write(Data("\n".utf8))
  }

  private func draw(force: Bool) {
    let line: String? = lock.withLock {
      let now = ContinuousClock.now
      guard force || now - drawn >= .milliseconds(80) else { return nil }
      drawn = now
      let width = 30
      let filled = total == 0 ? width : done * width / total
      let seconds = max((now - started) / .seconds(1), 0.001)
      let rate = Double(done) / seconds
      return
        "\r\u{1B}[K\(label) [\(String(repeating: "█", count: filled))\(String(repeating: "░", count: width - filled))] \(done)/\(total) lines · \(Int(rate.rounded()))/s"
        + (refused > 0 ? " · \(refused) refused" : "")
    }
    if let line { FileHandle.standardError.write(Data(line.utf8)) }
  }
}
