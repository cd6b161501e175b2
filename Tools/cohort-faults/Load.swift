import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore

/// Enrolls unique members from many concurrent clients, retrying every request with the SAME
/// request id on UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED and connection errors until it is
/// acknowledged or its deadline passes. Optionally withdraws some of the members again (which
/// promotes from the waitlist: a two-event command). Writes every request's fate to a JSON file.
struct Load: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Enroll members concurrently, retrying with the same request ids.")

  @OptionGroup var targets: Targets

  @Option(help: "A name for this run; it prefixes the members' e-mail addresses.")
  var label = "load"

  @Option(help: "Concurrent clients.")
  var clients = 32

  @Option(parsing: .upToNextOption, help: "Cohort numbers to enroll into (scheduled and open).")
  var cohorts: [Int32] = [1]

  @Option(help: "Seconds during which new requests start (0: no limit, use --total).")
  var duration: Double = 20

  @Option(help: "Stop after this many enrollments have started (0: no limit).")
  var total = 0

  @Option(help: "Withdraw one of a client's members after every K acknowledged enrollments (0: never).")
  var withdrawEvery = 0

  @Option(help: "Seconds one request is retried before giving up.")
  var requestDeadline: Double = 90

  @Option(help: "Seconds one attempt may take.")
  var attemptTimeout: Double = 5

  @Option(help: "Where to write the JSON report.")
  var out: String

  @Flag(help: "Also retry INTERNAL and UNKNOWN (they are counted either way).")
  var retryInternal = false

  func validate() throws {
    guard clients > 0, !cohorts.isEmpty else { throw ValidationError("need clients and cohorts") }
    guard duration > 0 || total > 0 else { throw ValidationError("give --duration or --total") }
  }

  func run() async throws {
    let settings = try targets.settings()
    let tally = Tally()
    let recorder = Locked<[LoadReport.Request]>([])
    let started = Locked(0)
    let plan = Plan(
      label: label, cohorts: cohorts, total: total, withdrawEvery: withdrawEvery,
      requestDeadline: .milliseconds(Int(requestDeadline * 1000)),
      attemptTimeout: .milliseconds(Int(attemptTimeout * 1000)),
      end: duration > 0 ? ContinuousClock.now + .milliseconds(Int(duration * 1000)) : nil,
      retryInternal: retryInternal)
    let clientCount = clients
    let begin = ContinuousClock.now

    try await Connections.with(settings) { connections in
      await withTaskGroup(of: Void.self) { group in
        for index in 0..<clientCount {
          group.addTask {
            let worker = Worker(
              index: index, plan: plan, services: connections.map { Cohort_V1_EnrollmentService.Client(wrapping: $0) },
              tally: tally)
            await worker.run(started: started) { request in recorder.withLock { $0.append(request) } }
          }
        }
      }
    }

    let seconds =
      Double((ContinuousClock.now - begin).components.seconds)
      + Double((ContinuousClock.now - begin).components.attoseconds) / 1e18
    let report = LoadReport(
      label: label, clients: clients, seconds: seconds, requests: recorder.value, codes: tally.snapshot)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try encoder.encode(report).write(to: URL(fileURLWithPath: out))

    let byEnding = Dictionary(grouping: report.requests, by: { "\($0.kind.rawValue) \($0.ending.rawValue)" })
      .mapValues(\.count)
    print(
      "load[\(label)]: \(clients) clients, \(String(format: "%.1f", seconds)) s, \(report.requests.count) requests: \(byEnding.rendered)"
    )
    print("load[\(label)]: statuses seen (every attempt): \(report.codes.total.rendered)")
    let codes = report.codes.total
    let expected: Set<String> = [StatusName.ok, "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED", "FULL"]
    let unexpected = codes.filter { !expected.contains($0.key) }.values.reduce(0, +)
    let ending = { (ending: LoadReport.Request.Ending) in report.requests.filter { $0.ending == ending }.count }
    // One line for Scripts/faults.sh to read.
    print(
      "load[\(label)]: summary requests=\(report.requests.count) acknowledged=\(report.acknowledged) rejected=\(ending(.rejected)) gaveup=\(ending(.gaveUp)) ok=\(codes[StatusName.ok] ?? 0) unavailable=\(codes["UNAVAILABLE"] ?? 0) aborted=\(codes["ABORTED"] ?? 0) deadline=\(codes["DEADLINE_EXCEEDED"] ?? 0) full=\(codes["FULL"] ?? 0) unexpected=\(unexpected) maxposition=\(report.maxPosition)"
    )
    let ticks = report.codes.timeline.keys.sorted()
    let troubled = ticks.filter { (report.codes.timeline[$0] ?? [:]).keys.contains { $0 != StatusName.ok } }
    if !troubled.isEmpty {
      print("load[\(label)]: timeline (seconds since start with a non-OK status):")
      // Runs of consecutive seconds with the same counts print as one line.
      var index = 0
      while index < troubled.count {
        let first = troubled[index]
        let text = (report.codes.timeline[first] ?? [:]).rendered
        var last = first
        while index + 1 < troubled.count, troubled[index + 1] == last + 1,
          (report.codes.timeline[troubled[index + 1]] ?? [:]).rendered == text
        {
          index += 1
          last = troubled[index]
        }
        let span = first == last ? "t=\(first)s" : "t=\(first)-\(last)s (each second)"
        print("load[\(label)]:   \(span) \(text)")
        index += 1
      }
    }
    for (code, messages) in report.codes.samples.sorted(by: { $0.key < $1.key }) {
      for message in messages { print("load[\(label)]:   \(code): \(message)") }
    }
  }

  struct Plan: Sendable {
    var label: String
    var cohorts: [Int32]
    var total: Int
    var withdrawEvery: Int
    var requestDeadline: Duration
    var attemptTimeout: Duration
    var end: ContinuousClock.Instant?
    var retryInternal: Bool
  }
}
