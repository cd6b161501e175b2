import CohortAPI
import EventStore
import Foundation
import GRPCCore
import GRPCProtobuf

/// One line of a sheet, by field name (see ``ColumnMap``).
struct SheetLine: Sendable {
  var line: Int
  var values: [String: String]

  subscript(field: String) -> String { values[field] ?? "" }
}

/// What is wrong with a line, and in which field; or why a line is not for this import at all
/// (`skipped`: a withdrawal in a bank's export), which is no error.
struct LineProblem: Error, Sendable, Equatable {
  var field: String?
  var message: String
  var skipped = false

  init(_ field: String?, _ message: String) {
    self.field = field
    self.message = message
  }

  static func skip(_ field: String?, _ reason: String) -> LineProblem {
    var problem = LineProblem(field, reason)
    problem.skipped = true
    return problem
  }
}

/// One command a line sends; `true` when the server appended something (false: it was there).
struct ImportStep: Sendable {
  var name: String
  var send: @Sendable (_ client: Session.Client, _ ids: ImportRequestIDs) async throws -> Bool
}

/// The request ids of a step: its own (from the line's content), or one shared by every line
/// that needs the same thing (the session on a date that several attendance lines name).
struct ImportRequestIDs: Sendable {
  var line: String
  var scope: String

  func shared(_ name: String) -> String {
    UUID(namespace: SheetImporter.namespace, name: scope + "\u{1F}shared\u{1F}" + name).uuidString.lowercased()
  }
}

/// An import: the fields it reads, what it loads once before checking the lines (read-only
/// calls, so that `--dry-run` checks them too), and how a line becomes commands.
struct SheetImportPlan<Lookup: Sendable>: Sendable {
  /// In the request ids, with the scope: the same line imported twice is the same request.
  var kind: String
  /// What the lines are imported into (an experiment, a cohort's group), part of the request ids.
  var scope: String = ""
  var fields: [SheetField]
  var lookup: @Sendable (Session.Client) async throws -> Lookup
  /// The commands for a line, or what is wrong with it. `unique` names what may appear on one
  /// line only (a person's e-mail), and its field.
  var prepare:
    @Sendable (SheetLine, Lookup) throws(LineProblem) -> (steps: [ImportStep], unique: (field: String, value: String)?)
}

/// What became of each line.
struct ImportResult: Sendable, Codable, Equatable {
  enum Outcome: String, Sendable, Codable {
    case imported
    case alreadyThere = "already-there"
    case refused
    /// Not for this import (a withdrawal in a bank's export); nothing to send.
    case skipped
    /// A dry run, or an all-or-nothing import that refused another line.
    case notSent = "not-sent"
  }

  struct Line: Sendable, Codable, Equatable {
    var line: Int
    var outcome: Outcome
    var field: String?
    var reason: String?
  }

  var file: String
  var encoding: String
  var delimiter: String
  var dryRun: Bool
  var lines: [Line]
  var unknownColumns: [String]
  var seconds: Double

  func count(_ outcome: Outcome) -> Int { lines.count { $0.outcome == outcome } }
}

enum SheetImporter {
  /// Reads, checks and sends every line of `sheet`. Request ids derive from the plan's kind and
  /// scope, the line's values (not its position, so rows may move) and how many identical lines
  /// came before it: importing the same file again, or retrying, writes nothing new.
  static func run<Lookup>(
    _ plan: SheetImportPlan<Lookup>, sheet: Sheet, file: String, map: ColumnMap, session: Session,
    options: ImportOptions, progress: ImportProgress?
  ) async throws -> ImportResult {
    let started = ContinuousClock.now
    return try await withClient(session) { client in
      // Asked first, so that even a dry run knows the server takes the token (and the client is
      // never left unused, which grpc-swift reports as an error).
      _ = try await Cohort_V1_AdminService.Client(wrapping: client).whoAmI(.init())
      let lookup = try await plan.lookup(client)

      // Check every line first.
      var prepared: [(line: Int, result: Result<([ImportStep], String), LineProblem>)] = []
      var seenUnique: [String: Int] = [:]
      var occurrences: [String: Int] = [:]
      for record in sheet.records {
        let line = SheetLine(
          line: record.line,
          values: Dictionary(uniqueKeysWithValues: map.columns.keys.map { ($0, map.value($0, in: record)) }))
        if record.fields.count > sheet.headers.count,
          record.fields[sheet.headers.count...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        {
          prepared.append(
            (
              record.line,
              .failure(LineProblem(nil, "has \(record.fields.count) cells, the header \(sheet.headers.count)"))
            ))
          continue
        }
        let content = plan.fields.map { line[$0.name].precomposedStringWithCanonicalMapping }.joined(
          separator: "\u{1F}")
        do throws(LineProblem) {
          let (steps, unique) = try plan.prepare(line, lookup)
          if let unique {
            let key = unique.value.precomposedStringWithCanonicalMapping.lowercased()
            if let first = seenUnique[key] {
              throw LineProblem(unique.field, "\(unique.value) is on line \(first) already")
            }
            seenUnique[key] = record.line
          }
          occurrences[content, default: 0] += 1
          let key = "\(plan.kind)\u{1F}\(plan.scope)\u{1F}\(content)\u{1F}\(occurrences[content] ?? 1)"
          prepared.append((record.line, .success((steps, key))))
        } catch {
          prepared.append((record.line, .failure(error)))
        }
      }

      let refusedAny = prepared.contains {
        if case .failure(let problem) = $0.result { !problem.skipped } else { false }
      }
      let send = !options.dryRun && !(options.allOrNothing && refusedAny)
      var lines = prepared.map { item -> ImportResult.Line in
        switch item.result {
        case .failure(let problem):
          ImportResult.Line(
            line: item.line, outcome: problem.skipped ? .skipped : .refused, field: problem.field,
            reason: problem.message)
        case .success: ImportResult.Line(line: item.line, outcome: .notSent)
        }
      }

      if send {
        progress?.start(total: prepared.count)
        let window = 8
        try await withThrowingTaskGroup(of: (Int, ImportResult.Line).self) { group in
          var next = 0
          func enqueue() {
            while next < prepared.count, case .failure(let problem) = prepared[next].result {
              progress?.advance(refused: !problem.skipped)
              next += 1
            }
            guard next < prepared.count, case .success(let (steps, key)) = prepared[next].result else { return }
            let index = next
            let line = prepared[index].line
            next += 1
            let scope = "\(plan.kind)\u{1F}\(plan.scope)"
            group.addTask { (index, await sendLine(line: line, steps: steps, key: key, scope: scope, client: client)) }
          }
          for _ in 0..<window { enqueue() }
          while let (index, result) = try await group.next() {
            lines[index] = result
            progress?.advance(refused: result.outcome == .refused)
            enqueue()
          }
        }
        progress?.finish()
      }

      return ImportResult(
        file: file, encoding: sheet.encoding.rawValue, delimiter: delimiterName(sheet.delimiter),
        dryRun: options.dryRun, lines: lines, unknownColumns: map.unknown,
        seconds: (ContinuousClock.now - started) / .seconds(1))
    }
  }

  static func delimiterName(_ delimiter: Unicode.Scalar) -> String {
    switch delimiter {
    case ",": "comma"
    case ";": "semicolon"
    case "\t": "tab"
    default: String(delimiter)
    }
  }

  /// One connection for the whole import, its failures said in words.
  private static func withClient<Result: Sendable>(
    _ session: Session, _ body: (Session.Client) async throws -> Result
  ) async throws -> Result {
    do {
      return try await session.settings.withClient(body)
    } catch let error as RPCError {
      throw CLIError(error, server: session.settings.address.description)
    }
  }

  /// A line's steps in order, each retried while the server is briefly unavailable or busy.
  private static func sendLine(
    line: Int, steps: [ImportStep], key: String, scope: String, client: Session.Client
  ) async -> ImportResult.Line {
    var appended = false
    for step in steps {
      let ids = ImportRequestIDs(
        line: UUID(namespace: namespace, name: key + "\u{1F}" + step.name).uuidString.lowercased(), scope: scope)
      var delay = Duration.milliseconds(200)
      for attempt in 1... {
        do {
          if try await step.send(client, ids) { appended = true }
          break
        } catch let error as RPCError where error.code == .alreadyExists {
          break
        } catch let error as RPCError where (error.code == .unavailable || error.code == .aborted) && attempt < 5 {
          try? await Task.sleep(for: delay)
          delay *= 2
        } catch let error as RPCError {
          return ImportResult.Line(
            line: line, outcome: .refused, field: field(of: error),
            reason: error.message + (appended ? " (the line's earlier steps were written)" : ""))
        } catch let problem as LineProblem {
          return ImportResult.Line(line: line, outcome: .refused, field: problem.field, reason: problem.message)
        } catch {
          return ImportResult.Line(line: line, outcome: .refused, field: nil, reason: "\(error)")
        }
      }
    }
    return ImportResult.Line(line: line, outcome: appended ? .imported : .alreadyThere)
  }

  private static func field(of error: RPCError) -> String? {
    guard let status = try? error.unpackGoogleRPCStatus() else { return nil }
    return status.details.compactMap { $0.badRequest?.violations.first?.field }.first
  }

  /// The namespace of request ids derived from imported lines.
  static let namespace = UUID(uuidString: "6f0d5e2a-8c1b-4f7e-9a43-2b7c0e9d1a55")!
}
