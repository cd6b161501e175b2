import ArgumentParser
import Foundation
import SwiftProtobuf

/// Tables for people, JSON (the protobuf JSON mapping of the reply, as grpcurl prints it) for
/// scripts, CSV for spreadsheets.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

struct OutputOptions: ParsableArguments {
  @Option(name: .customLong("output"), help: "table, json or csv (lists and reports).")
  var format: OutputFormat = .table

  @Option(
    name: .customLong("encoding"),
    help:
      "The CSV's encoding: utf-8 (with a byte order mark, which Excel needs to read Korean) or cp949 (Korean Excel's own)."
  )
  var csvEncoding: SheetEncoding = .utf8
}

/// What a command prints: text for a terminal, or a file's bytes (CSV in the encoding asked for).
public struct Printout: Sendable, Equatable, ExpressibleByStringInterpolation {
  public enum Body: Sendable, Equatable {
    case text(String)
    case file(Data)
  }

  public var body: Body
  /// 0, or what the process exits with after printing (an import with refused lines).
  public var exitCode: Int32 = 0

  public init(_ body: Body, exitCode: Int32 = 0) {
    self.body = body
    self.exitCode = exitCode
  }

  public init(stringLiteral value: String) {
    body = .text(value)
  }

  public init(stringInterpolation: DefaultStringInterpolation) {
    body = .text(String(stringInterpolation: stringInterpolation))
  }

  public static func text(_ text: String) -> Printout { Printout(.text(text)) }

  /// The text, or the file decoded as UTF-8 (what tests read).
  public var text: String {
    switch body {
    case .text(let text): text
    case .file(let data): String(decoding: data, as: UTF8.self)
    }
  }
}

extension OutputOptions {
  /// The reply as JSON with `--output json`, else `text` for people. CSV is for lists and reports.
  func render(_ reply: some SwiftProtobuf.Message, _ text: () -> String) throws -> Printout {
    switch format {
    case .table: return .text(text())
    case .json: return .text(try Rendering.json(reply))
    case .csv:
      throw CLIError("--output csv is for lists and reports; use --output json here", exitCode: ExitCodes.usage)
    }
  }

  /// A list or report: `text` on a terminal, JSON, or `sheets` as CSV (one after another,
  /// separated by an empty row, when a report has more than one).
  func render(
    _ reply: some SwiftProtobuf.Message, text: () -> String, sheets: () -> [Table]
  ) throws -> Printout {
    guard format == .csv else { return try render(reply, text) }
    return try csv(sheets())
  }

  /// `tables` as CSV in the encoding asked for; characters CP949 lacks are said on standard error.
  func csv(_ tables: [Table]) throws -> Printout {
    let (data, replaced) = try csvEncoding.encode(tables.map(\.csv).joined(separator: "\r\n"))
    if replaced > 0 {
      FileHandle.standardError.write(
        Data(
          "warning: CP949 has no code for \(replaced) characters; they are written as '?' (use --encoding utf-8)\n".utf8
        ))
    }
    return Printout(.file(data))
  }
}
