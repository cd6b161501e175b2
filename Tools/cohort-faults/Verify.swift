import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore

/// Checks the log, as the database's own client dumped it (``LogDump``), against what clients
/// were told, and the servers' read models against a fresh fold of the log:
/// - the dump holds as many events as the database counts, and the fold took every one;
/// - every acknowledged request is in the log exactly once, with the member and position the
///   reply named; an unacknowledged one at most once; a refused one not at all;
/// - every event of a cohort stream carries a request id some client sent (when reports or
///   `--sent` lists say what was sent);
/// - the fold's invariants hold (capacity, no one twice, waitlist order, promotions);
/// - each server's GetCohort (after waiting for the log's head) equals the fold.
struct Verify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Compare acknowledgements, the log and the read models.")

  @OptionGroup var targets: Targets

  @Option(help: "The log as `Scripts/faults.sh` dumped it with psql or sqlite3 (see LogDump).")
  var logDump: String

  @Option(help: "The number of events the database counts (SELECT count(*) FROM events).")
  var expectEvents: Int?

  @Option(help: "A file of request ids sent besides the reports' (one per line; repeatable).")
  var sent: [String] = []

  @Option(name: .customLong("report"), help: "A JSON report written by `load` (repeatable).")
  var reports: [String] = []

  @Option(help: "Fail unless the cohorts' members plus waitlists add up to this many (0: do not check).")
  var expectMembers = 0

  @Option(help: "A name for the printed lines.")
  var label = "verify"

  func run() async throws {
    let loads = try reports.map {
      try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: $0)))
    }
    let dump = try LogDump(contentsOf: logDump)
    var fold = LogFold()
    for event in dump.events { fold.apply(event) }
    fold.finish()
    var problems = fold.violations.map { "invariant: \($0)" }
    let tag = label
    print("\(tag): log has \(fold.eventCount) events up to position \(fold.head): \(fold.typeCounts.rendered)")
    if let expectEvents, expectEvents != fold.eventCount {
      problems.append("count: the database counts \(expectEvents) events, the fold took \(fold.eventCount)")
    }

    // Events nobody asked for: a request id no client sent.
    if !loads.isEmpty || !sent.isEmpty {
      var known = Set(loads.flatMap { $0.requests.map { $0.requestID.lowercased() } })
      for file in sent {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        known.formUnion(text.split(whereSeparator: \.isNewline).map { $0.lowercased() })
      }
      for (requestID, applied) in fold.byRequest where !known.contains(requestID.lowercased()) {
        problems.append(
          "unsent: \(applied.map { "\($0.type) at \($0.position)" }.joined(separator: ", ")) carry request id '\(requestID)', which no client sent"
        )
      }
    }

    // 1. Acknowledged requests against the log.
    var counts: [String: Int] = [:]
    for load in loads {
      for request in load.requests {
        let applied = fold.byRequest[request.requestID] ?? []
        let problem = check(request, applied)
        let key = "\(request.kind.rawValue) \(request.ending.rawValue)"
        counts["\(key) in-log=\(applied.isEmpty ? 0 : 1)", default: 0] += 1
        if let problem { problems.append(problem) }
      }
    }
    let acknowledged = loads.reduce(0) { $0 + $1.acknowledged }
    print("\(tag): \(acknowledged) acknowledged requests checked against the log: \(counts.rendered)")

    // 2. The servers' read models against the fold.
    let settings = try targets.settings()
    let cohorts = fold.cohorts.values.sorted { $0.number < $1.number }
    let head = fold.head
    let mismatches = try await Connections.with(settings) { clients in
      var mismatches: [String] = []
      for (index, client) in clients.enumerated() {
        let service = Cohort_V1_EnrollmentService.Client(wrapping: client)
        for cohort in cohorts {
          do {
            var options = CallOptions.defaults
            options.timeout = .seconds(20)
            // Every page of the roster (a page holds 1,000 entries by default).
            var reply = Cohort_V1_GetCohortReply()
            var token = ""
            repeat {
              let page = try await service.getCohort(
                .with {
                  $0.cohortNumber = cohort.number
                  $0.consistency = .with { $0.minPosition = head }
                  $0.pageSize = 5_000
                  $0.pageToken = token
                }, options: options)
              if token.isEmpty {
                reply = page
              } else {
                reply.members += page.members
                reply.waitlist += page.waitlist
              }
              token = page.nextPageToken
            } while !token.isEmpty
            mismatches += Self.compare(reply, cohort, server: index)
          } catch {
            mismatches.append("server \(index): GetCohort(\(cohort.number)) failed: \(error)")
          }
        }
      }
      return mismatches
    }
    problems += mismatches.map { "projection: \($0)" }
    for cohort in cohorts {
      print(
        "\(tag): cohort \(cohort.number): capacity \(cohort.capacity), \(cohort.enrolled.count) enrolled, \(cohort.waitlist.count) waitlisted (fold of the log); compared with \(settings.count) server(s)"
      )
    }

    let seated = cohorts.reduce(0) { $0 + $1.enrolled.count + $1.waitlist.count }
    if expectMembers > 0 {
      print("\(tag): members + waitlist = \(seated), expected \(expectMembers)")
      if seated != expectMembers { problems.append("count: members + waitlist = \(seated), expected \(expectMembers)") }
    }
    if problems.isEmpty {
      print(
        "\(tag): PASS: nothing acknowledged lost, nothing applied twice, invariants hold, read models equal the fold")
    } else {
      for problem in problems.prefix(40) { print("\(tag): FAIL: \(problem)") }
      if problems.count > 40 { print("\(tag): ... and \(problems.count - 40) more problems") }
      print("\(tag): FAIL: \(problems.count) problems")
      throw ExitCode(1)
    }
  }

  /// What is wrong with one request's events, if anything.
  private func check(_ request: LoadReport.Request, _ applied: [LogFold.Applied]) -> String? {
    let id = request.requestID
    if applied.count > 1, request.kind == .enroll {
      return "duplicate: enroll \(id) has \(applied.count) events in the log"
    }
    if applied.count > 2 { return "duplicate: withdraw \(id) has \(applied.count) events" }
    if let first = applied.first, applied.count == 2 {
      let second = applied[1]
      guard second.stream == first.stream, second.version == first.version + 1 else {
        return "torn: withdraw \(id)'s events are not consecutive in one stream"
      }
    }
    switch request.ending {
    case .acknowledged:
      guard let first = applied.first else {
        return
          "LOST: acknowledged \(request.kind.rawValue) \(id) (\(request.email), position \(request.position ?? 0)) is not in the log"
      }
      if let position = request.position, position != applied[applied.count - 1].position {
        return
          "position: \(id) was acknowledged at \(position) but its last event is at \(applied[applied.count - 1].position)"
      }
      switch request.kind {
      case .enroll:
        guard ["MemberEnrolled", "MemberWaitlisted"].contains(first.type) else {
          return "wrong event: enroll \(id) is a \(first.type) in the log"
        }
        if let member = request.memberID, member != first.memberID {
          return "member: enroll \(id) replied member \(member) but the log enrolled \(first.memberID)"
        }
        let logged = first.type == "MemberWaitlisted" ? "waitlisted" : "enrolled"
        if let outcome = request.outcome, outcome != logged {
          return "outcome: enroll \(id) replied \(outcome) but the log says \(logged)"
        }
      case .withdraw:
        guard first.type == "MemberWithdrew" else { return "wrong event: withdraw \(id) is a \(first.type)" }
        if let member = request.memberID, member != first.memberID {
          return "member: withdraw \(id) named \(member) but the log withdrew \(first.memberID)"
        }
        let promoted = applied.count == 2 ? applied[1].memberID : ""
        if let outcome = request.outcome, outcome != promoted {
          return "promotion: withdraw \(id) replied promoted '\(outcome)' but the log promoted '\(promoted)'"
        }
      }
    case .rejected:
      if let first = applied.first {
        return
          "refused but applied: \(request.kind.rawValue) \(id) was answered \(request.status), yet the log has its \(first.type) at \(first.position)"
      }
    case .gaveUp:
      break
    }
    return nil
  }

  private static func compare(_ reply: Cohort_V1_GetCohortReply, _ cohort: LogFold.Cohort, server: Int) -> [String] {
    var out: [String] = []
    let name = "server \(server) cohort \(cohort.number)"
    let members = reply.members.map(\.memberID)
    let waitlist = reply.waitlist.map(\.memberID)
    if members != cohort.enrolled {
      out.append(
        "\(name): roster has \(members.count) members, the fold \(cohort.enrolled.count) (\(Set(members).symmetricDifference(cohort.enrolled).count) differ)"
      )
    }
    if waitlist != cohort.waitlist {
      out.append("\(name): waitlist has \(waitlist.count), the fold \(cohort.waitlist.count)")
    }
    if Int(reply.cohort.seatsTaken) != cohort.enrolled.count {
      out.append("\(name): seats_taken \(reply.cohort.seatsTaken), the fold \(cohort.enrolled.count)")
    }
    if Int(reply.cohort.waitlistLength) != cohort.waitlist.count {
      out.append("\(name): waitlist_length \(reply.cohort.waitlistLength), the fold \(cohort.waitlist.count)")
    }
    if reply.cohort.capacity != cohort.capacity {
      out.append("\(name): capacity \(reply.cohort.capacity) vs \(cohort.capacity)")
    }
    if members.count > Int(cohort.capacity) {
      out.append("\(name): \(members.count) members exceed capacity \(cohort.capacity)")
    }
    if Set(members).count != members.count || !Set(members).isDisjoint(with: waitlist)
      || Set(waitlist).count != waitlist.count
    {
      out.append("\(name): a member appears twice in the roster/waitlist")
    }
    return out
  }
}
