import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

/// GetCohort's replies are encoded once per version of the cohort and sent as bytes: every change
/// the reply shows must move that version, or a caller would read a stale roster. Each step reads
/// the cohort (so its reply is cached), changes something it shows, and reads it again.
@Suite("GetCohort's encoded replies end to end (SQLite)")
struct EncodedRepliesEndToEndTests {
  @Test("a cached roster follows its cohort, its payments, a completion elsewhere and an erasure; position per call")
  func repliesFollowTheLog() async throws {
    let server = try await TestServer.start()
    let owner = try server.ownerSession()
    func run(_ arguments: String...) async throws -> String {
      let parsed = try CohortCommand.parseAsRoot(arguments)
      return try await (try #require(parsed as? any CLICommand)).output(owner).text
    }
    func show(_ number: String) async throws -> Cohort_V1_GetCohortReply {
      let parsed = try CohortCommand.parseAsRoot(["cohorts", "show", number, "--output", "json"])
      return try Cohort_V1_GetCohortReply(
        jsonString: try await (try #require(parsed as? any CLICommand)).output(owner).text)
    }
    for number in ["31", "32"] {
      _ = try await run(
        "cohorts", "schedule", "--number", number, "--title", "AI 활용 부트캠프 \(number)기", "--price", "200000",
        "--capacity", "10", "--starts", "2027-05-01", "--ends", "2027-06-30")
      _ = try await run("cohorts", "open", number)
    }

    // Its own events: an enrollment.
    #expect(try await show("32").members.isEmpty)
    _ = try await run("enroll", "32", "--name", "김하늘", "--email", "haneul@example.com", "--free", "staff")
    var roster = try await show("32")
    #expect(roster.members.map(\.email) == ["haneul@example.com"])
    let cached = try await show("32")
    #expect(cached.members == roster.members && cached.position >= roster.position)

    // Its payments: a validated bank transfer counts in its revenue.
    _ = try await run(
      "payments", "confirm", "--email", "haneul@example.com", "--cohort", "32", "--amount", "200000", "--currency",
      "KRW", "--reference", "국민 김하늘", "--depositor", "김하늘")
    roster = try await show("32")
    #expect(roster.cohort.revenue.map(\.amountMinor) == [200_000], "\(roster.cohort.revenue)")

    // Another cohort's events move the position of every reply, not its contents.
    _ = try await run("enroll", "31", "--name", "김하늘", "--email", "haneul@example.com", "--free", "staff")
    let unchanged = try await show("32")
    #expect(unchanged.members == roster.members && unchanged.position > roster.position)
    #expect(unchanged.members.first?.alumni == false)

    // A completion elsewhere: the member is an alumna of 31, which 32's roster shows.
    _ = try await run("cohorts", "start", "31")
    _ = try await run("cohorts", "complete", "31")
    roster = try await show("32")
    #expect(roster.members.first?.alumni == true, "completing 31 makes its members alumni in 32's roster")

    // An erasure: the person is forgotten, and no roster shows them any more.
    _ = try await run("people", "forget", "haneul@example.com", "--yes")
    roster = try await show("32")
    #expect(roster.members.first?.erased == true && roster.members.first?.email == "", "\(roster.members)")
    try await server.stop()
  }
}
