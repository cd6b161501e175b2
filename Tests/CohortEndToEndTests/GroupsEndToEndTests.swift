import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

/// A founder splits cohort 9's 300 members into 20 groups with 20 partners from the CLI; each
/// partner, with their own token, records a session, attendance and posts for their group and is
/// refused another's; the group reports answer with numbers worked out here.
enum GroupsJourney {
  static let groups = 20
  static let members = 300

  static func run(on server: TestServer) async throws {
    let owner = try server.ownerSession()
    func say(_ arguments: [String], in session: Session) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(session).text
    }
    func json<M: SwiftProtobuf.Message>(_: M.Type, _ arguments: [String], in session: Session) async throws -> M {
      try M(jsonString: try await say(arguments + ["--output", "json"], in: session))
    }

    _ = try await say(
      [
        "cohorts", "schedule", "--number", "9", "--title", "AI 활용 부트캠프 9기", "--price", "0", "--capacity", "300",
        "--starts", "2027-03-01", "--ends", "2027-04-30",
      ], in: owner)
    _ = try await say(["cohorts", "open", "9"], in: owner)
    // 300 members (a free cohort, so nobody waits for a payment), over one connection.
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      for index in 1...members {
        _ = try await enrollment.enroll(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = 9
            $0.name = "수강생 \(index)"
            $0.email = "student\(index)@example.com"
          })
      }
    }

    // Twenty partners, each a person with a token bound to them, each running one group.
    var partners: [Session] = []
    for index in 1...groups {
      let email = "partner\(index)@example.com"
      _ = try await say(["people", "add", "--name", "파트너 \(index)", "--email", email], in: owner)
      _ = try await say(["groups", "create", "9", "--name", "\(index)조", "--partner", email], in: owner)
      let issued = try await json(
        Cohort_V1_IssueTokenReply.self,
        ["tokens", "issue", "--role", "partner", "--label", "partner: \(index)조", "--email", email], in: owner)
      var session = Session(settings: server.settings(token: issued.token))
      session.attempts = 1
      partners.append(session)
    }
    let balanced = try await say(["groups", "balance", "9"], in: owner)
    #expect(balanced.contains("Assigned 300 members"), "\(balanced)")

    let listed = try await json(Cohort_V1_ListGroupsReply.self, ["groups", "list", "9"], in: owner)
    #expect(listed.groups.count == groups && listed.groups.allSatisfy { $0.size == 15 } && listed.unassigned == 0)
    #expect(try await say(["groups", "list", "9", "--output", "json"], in: owner).contains("\"size\":15"))

    // Each partner: a session, 10 present, 4 absent, 1 excused; their first member writes two posts, the second one.
    for (index, partner) in partners.enumerated() {
      let name = "\(index + 1)조"
      let group = try await json(Cohort_V1_GetGroupReply.self, ["groups", "show", "9", name], in: partner)
      let ids = group.members.map(\.memberID)
      #expect(ids.count == 15)
      let session = try await json(
        Cohort_V1_SessionCommandReply.self,
        ["sessions", "add", "9", "--group", name, "--date", "2027-03-05", "--topic", "AI로 보고서 쓰기"], in: partner)
      _ = try await say(
        [
          "attendance", "mark", session.sessionID, "--cohort", "9", "--present", ids[0..<10].joined(separator: ","),
          "--absent",
        ] + ids[10..<14] + ["--excused", ids[14]], in: partner)
      for (member, title) in [(ids[0], "첫 글"), (ids[0], "둘째 글"), (ids[1], "첫 글")] {
        _ = try await say(
          ["posts", "add", "9", "--email", member, "--title", title, "--url", "https://blog.example.com/\(title)"],
          in: partner)
      }
      _ = try await say(
        ["presentations", "add", "9", "--email", ids[2], "--session", session.sessionID, "--title", "업무 자동화 사례"],
        in: partner)
    }

    // Partner 1 sees only their group, and cannot read or change group 2.
    let mine = try await json(Cohort_V1_ListGroupsReply.self, ["groups", "list", "9"], in: partners[0])
    #expect(mine.groups.map(\.name) == ["1조"])
    let read = try await cohortFailure("groups", "show", "9", "2조", in: partners[0])
    #expect(read.exitCode == 17, "permission denied: \(read)")
    let change = try await cohortFailure(
      "sessions", "add", "9", "--group", "2조", "--date", "2027-03-06", "--topic", "남의 조", in: partners[0])
    #expect(change.exitCode == 17, "permission denied: \(change)")
    let other = try await json(Cohort_V1_GetGroupReply.self, ["groups", "show", "9", "2조"], in: owner)
    let post = try await cohortFailure(
      "posts", "add", "9", "--email", other.members[0].memberID, "--title", "x", "--url", "https://x.example.com",
      in: partners[0])
    #expect(post.exitCode == 17, "a post for another group's member: \(post)")
    let organise = try await cohortFailure("groups", "balance", "9", in: partners[0])
    #expect(organise.exitCode == 17)

    // The reports, by hand: attendance 10 of 14 counted (the excused one does not count), posts 3 of 30.
    let report = try await json(Cohort_V1_ListGroupsReply.self, ["groups", "list", "9"], in: owner)
    for group in report.groups {
      #expect(group.hasAttendanceRate && abs(group.attendanceRate - 10.0 / 14.0) < 1e-9, "\(group.name)")
      #expect(group.posts == 3 && group.postsGoal == 30 && group.presentations == 1 && group.sessions == 1)
      #expect(group.partnerName.hasPrefix("파트너 "))
    }
    let first = try await json(Cohort_V1_GetGroupReply.self, ["groups", "show", "9", "1조"], in: owner)
    #expect(first.belowPostsGoal.count == 14, "everyone but the member with two posts")
    #expect(first.members.map(\.present).reduce(0, +) == 10 && first.members[14].excused == 1)
    let shown = try await say(["groups", "show", "9", "1조"], in: partners[0])
    #expect(shown.contains("Who to nudge") && shown.contains("71%"), "\(shown)")

    // Moving a member between groups, then dissolving a group leaves its members unassigned.
    _ = try await say(["groups", "move", "9", "--group", "2조", "--email", first.members[14].memberID], in: owner)
    let moved = try await json(Cohort_V1_ListGroupsReply.self, ["groups", "list", "9"], in: owner)
    #expect(moved.groups.first { $0.name == "1조" }?.size == 14 && moved.groups.first { $0.name == "2조" }?.size == 16)
    _ = try await say(["groups", "dissolve", "9", "20조"], in: owner)
    let dissolved = try await json(Cohort_V1_ListGroupsReply.self, ["groups", "list", "9"], in: owner)
    #expect(dissolved.groups.count == 19 && dissolved.unassigned == 15)
  }
}

@Suite("Partner groups end to end (SQLite)")
struct GroupsEndToEndTests {
  @Test("300 members in 20 groups with 20 partners; each partner records for their own group only; reports by hand")
  func journey() async throws {
    let server = try await TestServer.start()
    try await GroupsJourney.run(on: server)
    try await server.stop()
  }
}
