import CohortAPI
import CohortCLI
import Foundation
import GRPCCore
import Testing

/// Tokens through the `cohort` CLI against a real cohortd over TLS: issued with an expiry,
/// listed, revoked (and refused from then on, with the reason said), staff limited to partner and
/// member tokens, a lost reply's retry naming the token it issued.
enum TokensJourney {
  /// `first` and `second` may be the same server, or two servers sharing one database: a token
  /// revoked through `first` must be refused by `second` too.
  static func run(first: TestServer, second: TestServer) async throws {
    let owner = try first.ownerSession()
    func issue(_ arguments: String..., in session: Session) async throws -> Cohort_V1_IssueTokenReply {
      try Cohort_V1_IssueTokenReply(
        jsonString: try await cohort(
          "tokens", "issue", "--output", "json", arguments[0], arguments[1], arguments[2], arguments[3],
          in: session))
    }
    func session(_ token: String, on server: TestServer) -> Session {
      var session = Session(settings: server.settings(token: token))
      session.attempts = 1
      return session
    }

    let staff = try await issue("--role", "staff", "--label", "staff: 박서연", in: owner)
    let staffSession = session(staff.token, on: first)
    // Staff issue partner and member tokens, not owner or staff ones.
    let partner = try await issue("--role", "partner", "--label", "partner: 김민지", in: staffSession)
    for role in ["owner", "staff"] {
      let refused = try await cohortFailure("tokens", "issue", "--role", role, "--label", "more", in: staffSession)
      #expect(refused.exitCode == 17 && refused.description.contains("may not issue \(role) tokens"), "\(refused)")
    }
    let expiring = try Cohort_V1_IssueTokenReply(
      jsonString: try await cohort(
        "tokens", "issue", "--role", "member", "--label", "member: 이지우", "--expires", "30d", "--output", "json",
        in: owner))

    let listed = try Cohort_V1_ListTokensReply(
      jsonString: try await cohort("tokens", "list", "--output", "json", in: owner))
    let byID = Dictionary(uniqueKeysWithValues: listed.tokens.map { ($0.tokenID, $0) })
    #expect(byID[partner.tokenID]?.label == "partner: 김민지" && byID[partner.tokenID]?.valid == true)
    let expiry = try #require(byID[expiring.tokenID]?.expiresAt.date)
    #expect(abs(expiry.timeIntervalSinceNow - 30 * 86_400) < 3_600, "\(expiry)")
    #expect(!(try await cohort("tokens", "list", "--output", "json", in: owner)).contains("Sha256"))
    let table = try await cohort("tokens", "list", in: owner)
    #expect(table.contains("partner: 김민지") && table.contains("never") && table.contains("valid"), "\(table)")

    // Revoked through the first server: refused by both, saying why.
    #expect(try await cohort("whoami", in: session(partner.token, on: second)).contains("partner"))
    let revoked = try await cohort("tokens", "revoke", partner.tokenID, "--reason", "그만둠", in: staffSession)
    #expect(revoked.contains("Revoked token \(partner.tokenID)"))
    #expect(try await cohort("tokens", "revoke", partner.tokenID, in: owner).contains("revoked already"))
    for server in [first, second] {
      try await eventually {
        do {
          _ = try await cohort("whoami", in: session(partner.token, on: server))
          return false  // this server has not folded the revocation yet
        } catch let refused as CLIError {
          return refused.exitCode == 26 && refused.description.contains("was revoked at")
        }
      }
    }
    let after = try await cohort("tokens", "list", in: owner)
    #expect(after.contains("revoked") && after.contains("그만둠"), "\(after)")

    // Staff may not revoke an owner's token; nobody may revoke the last valid owner token.
    let whoami = try Cohort_V1_WhoAmIReply(jsonString: try await cohort("whoami", "--output", "json", in: owner))
    let notStaffs = try await cohortFailure("tokens", "revoke", whoami.tokenID, in: staffSession)
    #expect(notStaffs.exitCode == 17, "\(notStaffs)")
    let last = try await cohortFailure("tokens", "revoke", whoami.tokenID, in: owner)
    #expect(last.exitCode == 19 && last.description.contains("last valid owner token"), "\(last)")
    let unknown = try await cohortFailure("tokens", "revoke", UUID().uuidString, in: owner)
    #expect(unknown.exitCode == 15, "\(unknown)")

    // A retried IssueToken (its reply lost) names the token it issued, so that it can be revoked.
    try await first.settings(token: try first.ownerToken).withClient { client in
      let admin = Cohort_V1_AdminService.Client(wrapping: client)
      let request = Cohort_V1_IssueTokenRequest.with {
        $0.requestID = UUID().uuidString
        $0.role = .member
        $0.label = "member: lost reply"
      }
      let issued = try await admin.issueToken(request)
      let retry = try await #require(throws: RPCError.self) { try await admin.issueToken(request) }
      #expect(retry.code == .alreadyExists && retry.message.contains("token \(issued.tokenID)"), "\(retry)")
    }
  }

  /// Polls `condition` until it holds (a second server folds the revocation from the shared log).
  static func eventually(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<100 {
      if try await condition() { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the condition did not hold within 5 seconds")
  }
}

@Suite("Tokens through the CLI (SQLite)")
struct TokensEndToEndTests {
  @Test("issue with an expiry, list, revoke (refused at once), staff's limits, a lost reply's retry")
  func journey() async throws {
    let server = try await TestServer.start()
    do {
      try await TokensJourney.run(first: server, second: server)
    } catch {
      try await server.stop()
      throw error
    }
    try await server.stop()
  }

  @Test("an expired token is refused, saying when it expired")
  func expired() async throws {
    let server = try await TestServer.start()
    try await server.settings(token: try server.ownerToken).withClient { client in
      let admin = Cohort_V1_AdminService.Client(wrapping: client)
      let soon = try await admin.issueToken(
        .with {
          $0.requestID = UUID().uuidString
          $0.role = .member
          $0.label = "member: a short visit"
          $0.expiresAt = .init(date: Date().addingTimeInterval(5))
        })
      var session = Session(settings: server.settings(token: soon.token))
      session.attempts = 1
      #expect(try await cohort("whoami", in: session).contains("member"))
      try await Task.sleep(for: .seconds(5))
      let refused = try await cohortFailure("whoami", in: session)
      #expect(refused.exitCode == 26 && refused.description.contains("expired at"), "\(refused)")
      let past = try await #require(throws: RPCError.self) {
        try await admin.issueToken(
          .with {
            $0.requestID = UUID().uuidString
            $0.role = .member
            $0.label = "member: yesterday"
            $0.expiresAt = .init(date: Date().addingTimeInterval(-86_400))
          })
      }
      #expect(past.code == .invalidArgument && past.message.contains("expires_at"))
      // Beyond what a Timestamp may hold (found by the fuzzer: SwiftProtobuf's `date` trapped on
      // the overflow and took the server down), refused naming the field; the server lives on.
      for (seconds, nanos): (Int64, Int32) in [(.max, 0), (.min, 0), (253_402_300_800, 0), (0, -1), (0, 1_000_000_000)]
      {
        let far = try await #require(throws: RPCError.self) {
          try await admin.issueToken(
            .with {
              $0.requestID = UUID().uuidString
              $0.role = .member
              $0.label = "member: for ever"
              $0.expiresAt = .with {
                $0.seconds = seconds
                $0.nanos = nanos
              }
            })
        }
        #expect(far.code == .invalidArgument && far.message.contains("expires_at"), "\(far)")
      }
      #expect(try await admin.whoAmI(.init()).role == .owner)
    }
    try await server.stop()
  }
}
