import CohortAPI
import Foundation
import GRPCCore
import Testing

@testable import CohortCLI

/// Lists that grow for as long as a community exists (an experiment's attempts, follow-ups,
/// tokens) come in pages of at most 500: a reply can never outgrow a client's message limit.
/// The CLI follows the pages to the end, or stops at `--limit`.
@Suite("Lists that grow without end come in pages")
struct PagingEndToEndTests {
  @Test("attempts, follow-ups and tokens: page_size rows and a next_page_token; the CLI reads every page")
  func pages() async throws {
    let server = try await TestServer.start()
    let owner = try server.ownerSession()
    func say(_ arguments: String...) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner).text
    }
    let experiment = try Cohort_V1_ExperimentCommandReply(
      jsonString: try await say(
        "experiments", "start", "--hypothesis", "학원은 출결 자동화에 돈을 낸다", "--offer", "출결 자동화 도입", "--price", "100000",
        "--currency", "KRW", "--budget", "20", "--founder", "김민지", "--starts", "2026-11-02", "--output", "json")
    ).experimentID
    for day in 1...5 {
      _ = try await say(
        "attempts", "log", experiment, "--target", "학원 \(day)", "--channel", "call", "--on", "2026-11-0\(day)",
        "--outcome", "interested", "--next-step", "다시 전화", "--due", "2026-12-0\(day)")
      _ = try await say("tokens", "issue", "--role", "member", "--label", "회원 \(day)")
    }

    // Page by page over the API: two, two, one; the last page has no token.
    func walk<Row>(_ page: (_ token: String) async throws -> (rows: [Row], next: String)) async throws -> [[Row]] {
      var pages: [[Row]] = []
      var token = ""
      repeat {
        let (rows, next) = try await page(token)
        pages.append(rows)
        token = next
      } while !token.isEmpty && pages.count < 10
      return pages
    }
    let attempts: [[String]] = try await walk { token in
      let reply = try await owner.outreach { service in
        try await service.listAttempts(
          .with {
            $0.experimentID = experiment
            $0.pageSize = 2
            $0.pageToken = token
          })
      }
      return (reply.attempts.map(\.target.organisation.name), reply.nextPageToken)
    }
    #expect(attempts == [["학원 1", "학원 2"], ["학원 3", "학원 4"], ["학원 5"]])
    let followups: [[String]] = try await walk { token in
      let reply = try await owner.outreach { service in
        try await service.listFollowups(
          .with {
            $0.pageSize = 2
            $0.pageToken = token
          })
      }
      return (reply.followups.map(\.attempt.target.organisation.name), reply.nextPageToken)
    }
    #expect(followups.map(\.count) == [2, 2, 1] && followups.joined().first == "학원 1")
    let tokens: [[String]] = try await walk { token in
      let reply = try await owner.admin { service in
        try await service.listTokens(
          .with {
            $0.pageSize = 4
            $0.pageToken = token
          })
      }
      return (reply.tokens.map(\.label), reply.nextPageToken)
    }
    #expect(tokens.map(\.count) == [4, 2], "the owner's token and five members': \(tokens)")
    #expect(Set(tokens.joined()).count == 6, "no token twice: \(tokens)")

    // Beyond 500 per page is refused, naming the field.
    await #expect {
      try await owner.outreach { service in
        try await service.listAttempts(
          .with {
            $0.experimentID = experiment
            $0.pageSize = 501
          })
      }
    } throws: { error in
      "\(error)".contains("page_size must be 1 to 500")
    }

    // The CLI reads every page (500 at a time), or stops at --limit.
    func json(_ arguments: String...) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments + ["--output", "json"]) as? any CLICommand))
        .output(owner).text
    }
    #expect(
      try Cohort_V1_ListAttemptsReply(jsonString: try await json("attempts", "list", experiment)).attempts.count == 5)
    #expect(
      try Cohort_V1_ListAttemptsReply(jsonString: try await json("attempts", "list", experiment, "--limit", "3"))
        .attempts.count == 3)
    #expect(
      try Cohort_V1_ListFollowupsReply(jsonString: try await json("followups", "--limit", "2")).followups.count == 2)
    #expect(try Cohort_V1_ListTokensReply(jsonString: try await json("tokens", "list")).tokens.count == 6)
    try await server.stop()
  }
}
