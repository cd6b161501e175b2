import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore
import Synchronization

/// `cohort events tail [--follow] [--type T] [--since POSITION]`: the community's event log as it
/// happens.
public struct Events: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "The community's event log (owner and staff).", subcommands: [Tail.self])

  public init() {}

  public struct Tail: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Print the log's events; with --follow, each new one as it is appended.",
      discussion: """
        With neither --since nor --last, the newest 20 events come first. Each event is one line: \
        its position, when it was recorded, its type, its stream and its payload (protobuf JSON). \
        Personal data is shown as the token's role may see people; a forgotten person's is \
        {"erased":true}. With --output json, each event is one JSON object on its own line \
        (NDJSON, for jq). While following, a lost connection is retried from the last position \
        printed; stop with Ctrl-C.
        """)

    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: [.short, .long], help: "Keep printing events as they are appended.")
    var follow = false
    @Option(
      name: .customLong("type"),
      help: "Only events of this type (MemberEnrolled or cohort.v1.events.MemberEnrolled); repeat for more.")
    var types: [String] = []
    @Option(help: "Start after this log position (0: from the very first event).")
    var since: Int64?
    @Option(name: [.short, .customLong("last")], help: "Start with the newest N events (default 20, at most 10000).")
    var last: Int32?

    public init() {}

    public func validate() throws {
      if since != nil && last != nil {
        throw ValidationError("--since and --last both say where to start: give one")
      }
      if let since, since < 0 { throw ValidationError("--since must be a position, 0 or more") }
      if let last, !(0...10_000).contains(last) { throw ValidationError("--last must be from 0 to 10000") }
      if output.format == .csv { throw ValidationError("events tail prints table or json (one object per line)") }
    }

    public func run() async throws {
      do {
        try await stream(try Session(connection)) { line in
          FileHandle.standardOutput.write(Data((line + "\n").utf8))
        } notice: { notice in
          FileHandle.standardError.write(Data("cohort: \(notice)\n".utf8))
        }
      } catch let error as CLIError {
        FileHandle.standardError.write(Data("error: \(TerminalText.safe(error.description))\n".utf8))
        throw ExitCode(error.exitCode)
      }
    }

    /// Calls `print` with each event's line (safe for a terminal) as it arrives. Without
    /// `--follow` it returns at the head of the log; following, it returns only when cancelled,
    /// reconnecting from the last position printed when the connection is lost (said once
    /// through `notice`).
    public func stream(
      _ session: Session, print: @escaping @Sendable (String) -> Void,
      notice: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
      let request = Cohort_V1_TailEventsRequest.with { request in
        request.follow = follow
        request.types = types
        if let since { request.sincePosition = since }
        if let last { request.last = last }
      }
      let format = output.format
      // The position of the last event printed, and whether the connection was lost since.
      let progress = Mutex<(printed: Int64?, lost: Bool)>((nil, false))
      var delay = Duration.zero
      while true {
        var next = request
        if let printed = progress.withLock({ $0.printed }) {
          next.clearLast()
          next.sincePosition = printed
        }
        do {
          try await session.settings.withClient { client in
            try await Cohort_V1_AdminService.Client(wrapping: client).tailEvents(next) { response in
              for try await event in response.messages {
                let reconnected = progress.withLock { progress in
                  defer { progress = (event.position, false) }
                  return progress.lost
                }
                if reconnected { notice("connected again; following from position \(event.position)") }
                print(TerminalText.safe(try Self.line(event, format: format)))
              }
            }
          }
          // The server ended the stream: at the head without --follow, or it is shutting down.
          guard follow, !Task.isCancelled else { return }
        } catch  where Task.isCancelled {
          // Ctrl-C (or the caller) stopped the tail, whatever the attempt in flight answered.
          return
        } catch let error as RPCError {
          // A server shutting down cancels the streams it serves; its successor is followed as
          // after a lost connection.
          guard follow, error.code == .unavailable || error.code == .cancelled else {
            throw CLIError(error, server: session.settings.address.description)
          }
        }
        let firstLoss = progress.withLock { progress in
          defer { progress.lost = true }
          return !progress.lost
        }
        if firstLoss {
          notice("lost the connection to \(session.settings.address); retrying")
          delay = .milliseconds(200)
        }
        do { try await Task.sleep(for: delay) } catch { return }
        delay = min(delay * 2, .seconds(5))
      }
    }

    /// One event: `#position  time  type  stream  payload`, or its protobuf JSON.
    static func line(_ event: Cohort_V1_LoggedEvent, format: OutputFormat) throws -> String {
      guard format == .table else { return try Rendering.json(event) }
      let time = Rendering.timestamp(event.recordedAt)
      let type = String(event.type.split(separator: ".").last ?? Substring(event.type))
      let data = event.dataJson.isEmpty ? "(a type this server cannot read)" : event.dataJson
      return "#\(event.position)  \(time)  \(type)  \(event.stream)  \(data)"
    }
  }
}
