import ArgumentParser
import CohortAPI
import EventStore
import EventStorePostgres
import Foundation
import GRPCCore
import Logging

/// Checks the log against what clients were told, and the servers' read models against a fresh
/// fold of the log:
/// - every acknowledged request is in the log exactly once, with the member and position the
///   reply named; an unacknowledged one at most once;
/// - the fold's invariants hold (capacity, no one twice, waitlist order, promotions);
/// - each server's GetCohort (after waiting for the log's head) equals the fold.
struct Verify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Compare acknowledgements, the log and the read models.")

  @OptionGroup var targets: Targets

  @Option(name: .customLong("database-url"), help: "The PostgreSQL URL cohortd uses.")
  var databaseURL: String

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
    var fold = try await readLog()
    fold.finish()
    var problems = fold.violations.map { "invariant: \($0)" }
    let tag = label
    print("\(tag): log has \(fold.eventCount) events up to position \(fold.head): \(fold.typeCounts.rendered)")

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
    case .rejected, .gaveUp:
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

  /// Reads the whole log from PostgreSQL and folds it.
  private func readLog() async throws -> LogFold {
    var logger = Logger(label: "cohort-faults")
    logger.logLevel = .error
    let store = PostgresEventStore(configuration: try .init(url: databaseURL), logger: logger)
    return try await withThrowingTaskGroup(of: LogFold?.self) { group in
      group.addTask {
        try await store.run()
        return nil
      }
      group.addTask {
        var fold = LogFold()
        var position: Int64 = 0
        while true {
          let batch = try await store.readAll(after: position, limit: 5_000)
          for event in batch { fold.apply(event) }
          guard let last = batch.last else { break }
          position = last.position
        }
        return fold
      }
      while let result = try await group.next() {
        if let fold = result {
          group.cancelAll()
          return fold
        }
      }
      throw ValidationError("the log could not be read")
    }
  }
}
