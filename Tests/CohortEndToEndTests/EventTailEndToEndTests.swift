import ArgumentParser
import CohortAPI
import CohortCLI
import Foundation
import Synchronization
import Testing

/// `cohort events tail` against a real cohortd over TLS: the newest events, a type filter, a
/// position, live appends while following, personal data as the role may see it, forgotten
/// people shown as erased, and the refusals.
enum EventTailJourney {
  static func run(on server: TestServer) async throws {
    let owner = try server.ownerSession()
    func say(_ arguments: String...) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner).text
    }
    func tail(_ arguments: String..., in session: Session? = nil) async throws -> [String] {
      let lines = Mutex<[String]>([])
      try await command(arguments).stream(session ?? owner) { line in lines.withLock { $0.append(line) } }
      return lines.withLock { $0 }
    }

    _ = try await say(
      "cohorts", "schedule", "--number", "3", "--title", "3기", "--price", "100000", "--capacity", "30", "--starts",
      "2027-01-04", "--ends", "2027-02-26")
    _ = try await say("people", "add", "--name", "김민지", "--email", "minji@example.com", "--phone", "010-1234-5678")
    _ = try await say("people", "add", "--name", "박서연", "--email", "seoyeon@example.com")

    // The newest events, oldest first, one line each.
    let newest = try await tail("events", "tail")
    #expect(newest.count >= 3, "\(newest)")
    #expect(newest.last?.contains("PersonRegistered  person-") == true, "\(newest)")
    #expect(newest.contains { $0.contains("CohortScheduled") && $0.contains("3기") }, "\(newest)")
    #expect(newest.contains { $0.contains(#""name":"김민지""#) && $0.contains("minji@example.com") }, "\(newest)")
    let positions = newest.compactMap { Int64($0.dropFirst().prefix { $0 != " " }) }
    #expect(positions == positions.sorted() && positions.count == newest.count, "\(newest)")
    #expect(!newest.joined().contains(#""box""#), "sealed data is never printed as ciphertext")

    #expect(try await tail("events", "tail", "--last", "1").count == 1)
    let registrations = try await tail("events", "tail", "--type", "PersonRegistered", "--output", "json")
    #expect(registrations.count == 2, "\(registrations)")
    let decoded = try registrations.map { try Cohort_V1_LoggedEvent(jsonString: $0) }
    #expect(decoded.allSatisfy { $0.type == "cohort.v1.events.PersonRegistered" && $0.streamVersion == 1 })
    #expect(decoded.allSatisfy { !$0.eventID.isEmpty && !$0.requestID.isEmpty && $0.recordedAt.seconds > 0 })
    let head = try #require(positions.last)
    #expect(try await tail("events", "tail", "--since", "\(head)").isEmpty, "nothing after the head")
    #expect(try await tail("events", "tail", "--since", "\(head - 1)").count == 1)

    // Staff may read people, so they see names too.
    let staffToken = try Cohort_V1_IssueTokenReply(
      jsonString: try await say("tokens", "issue", "--role", "staff", "--label", "staff", "--output", "json")
    ).token
    var staff = Session(settings: server.settings(token: staffToken))
    staff.attempts = 1
    #expect(try await tail("events", "tail", "--type", "PersonRegistered", in: staff).joined().contains("박서연"))

    // Following: the events so far, then each new one as it is appended.
    let followed = Mutex<[String]>([])
    let follower = Task {
      try await command(["events", "tail", "--follow", "--since", "\(head)"]).stream(owner) { line in
        followed.withLock { $0.append(line) }
      }
    }
    try await Task.sleep(for: .milliseconds(300))
    _ = try await say("people", "add", "--name", "이준호", "--email", "junho@example.com")
    try await eventually { followed.withLock { $0.contains { $0.contains("이준호") } } }
    _ = try await say("people", "forget", "minji@example.com", "--yes")
    try await eventually { followed.withLock { $0.contains { $0.contains("PersonForgotten") } } }
    follower.cancel()
    try await follower.value
    // Everything after the head: the staff token, then the two live appends; a token's hash is not shown.
    let types = followed.withLock { $0 }.map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] }
    #expect(types == ["TokenIssued", "PersonRegistered", "PersonForgotten"], "\(followed.withLock { $0 })")
    #expect(!followed.withLock { $0.joined() }.contains("tokenSha256"))

    // A forgotten person is erased wherever the log held their data.
    let afterForgetting = try await tail("events", "tail", "--type", "PersonRegistered")
    #expect(afterForgetting.contains { $0.contains(#""personal":{"erased":true}"#) }, "\(afterForgetting)")
    #expect(!afterForgetting.joined().contains("김민지") && !afterForgetting.joined().contains("minji@"))
    #expect(afterForgetting.joined().contains("박서연"))

    // Refusals name what is wrong.
    let beyond = try await failure(["events", "tail", "--since", "\(head + 1000)"], in: owner)
    #expect(beyond.exitCode == 21 && beyond.description.contains("beyond the head of the log"), "\(beyond)")
    let unknown = try await failure(["events", "tail", "--type", "MemberEnroled"], in: owner)
    #expect(unknown.exitCode == 13 && unknown.description.contains("MemberEnrolled"), "\(unknown)")
    let memberToken = try Cohort_V1_IssueTokenReply(
      jsonString: try await say("tokens", "issue", "--role", "member", "--label", "member", "--output", "json")
    ).token
    var member = Session(settings: server.settings(token: memberToken))
    member.attempts = 1
    #expect(try await failure(["events", "tail"], in: member).exitCode == 17)
    #expect(throws: (any Error).self) {
      try CohortCommand.parseAsRoot(["events", "tail", "--since", "1", "--last", "2"])
    }
    #expect(throws: (any Error).self) { try CohortCommand.parseAsRoot(["events", "tail", "--output", "csv"]) }
  }

  static func command(_ arguments: [String]) throws -> Events.Tail {
    try #require(try CohortCommand.parseAsRoot(arguments) as? Events.Tail)
  }

  static func failure(_ arguments: [String], in session: Session) async throws -> CLIError {
    do {
      try await command(arguments).stream(session) { _ in }
    } catch let error as CLIError {
      return error
    }
    Issue.record("expected '\(arguments.joined(separator: " "))' to fail")
    return CLIError("", exitCode: 0)
  }

  /// Waits up to 15 s for `condition`.
  static func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<150 where !condition() {
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(condition())
  }
}

@Suite("cohort events tail (SQLite)")
struct EventTailEndToEndTests {
  @Test("the newest events, a type, a position, live appends, personal data by role, erased people, refusals")
  func tail() async throws {
    let server = try await TestServer.start()
    do {
      try await EventTailJourney.run(on: server)
    } catch {
      try await server.stop()
      throw error
    }
    try await server.stop()
  }

  @Test("a following tail ends when the server shuts down gracefully; the server does not wait for it")
  func shutdown() async throws {
    let server = try await TestServer.start()
    let owner = try server.ownerSession()
    let received = Mutex(0)
    let follower = Task {
      try await EventTailJourney.command(["events", "tail", "--follow", "--since", "0"]).stream(owner) { _ in
        received.withLock { $0 += 1 }
      }
    }
    try await EventTailJourney.eventually { received.withLock { $0 } > 0 }
    try await server.stop()
    follower.cancel()
    try await follower.value
  }

  @Test("tails beyond the server's cap are refused RESOURCE_EXHAUSTED at once; one ending frees its place")
  func cap() async throws {
    let server = try await TestServer.start { $0.maximumEventTails = 2 }
    let owner = try server.ownerSession()
    let received = [LineCount(), LineCount()]
    let followers = received.map { count in
      Task {
        try await EventTailJourney.command(["events", "tail", "--follow", "--since", "0"]).stream(owner) { _ in
          count.lines.add(1, ordering: .relaxed)
        }
      }
    }
    try await EventTailJourney.eventually { received.allSatisfy { $0.lines.load(ordering: .relaxed) > 0 } }
    let refused = try await EventTailJourney.failure(["events", "tail"], in: owner)
    #expect(refused.description.contains("2 event tails are running already"), "\(refused.description)")
    followers[0].cancel()
    try await followers[0].value
    // The server notices the cancelled stream shortly after the client does.
    var lines: [String] = []
    for _ in 0..<50 {
      do {
        let seen = Mutex<[String]>([])
        try await EventTailJourney.command(["events", "tail"]).stream(owner) { line in seen.withLock { $0.append(line) }
        }
        lines = seen.withLock { $0 }
        break
      } catch let error as CLIError where error.description.contains("event tails are running already") {
        try await Task.sleep(for: .milliseconds(100))
      }
    }
    #expect(!lines.isEmpty, "a tail is served again once a follower has gone")
    followers[1].cancel()
    try await followers[1].value
    try await server.stop()
  }
}

final class LineCount: Sendable {
  let lines = Atomic(0)
}
