import CohortDomain
import Foundation
import Testing

/// Given a cohort's group events, when a command, then the new events; and the group report.
@Suite("Groups.decide and GroupReport: groups, members, balancing, sessions, attendance, posts")
struct GroupsTests {
  static let cohortID = Fixture.cohortID
  static func group(_ n: Int) -> UUID { Fixture.uuid(0x400 + n) }
  static func member(_ n: Int) -> UUID { Fixture.uuid(0x1000 + n) }
  static let partner = Fixture.uuid(0x50)

  static func when(_ command: GroupsCommand, given history: [GroupsEvent] = []) throws(DomainError) -> [GroupsEvent] {
    try Groups.decide(
      command, state: Groups.fold(history), context: DecisionContext(now: Fixture.now, subjectID: cohortID))
  }

  static func created(_ n: Int) -> GroupsEvent { .groupCreated(groupID: group(n), name: "\(n)조", at: Fixture.now) }
  static func assigned(_ m: Int, to g: Int) -> GroupsEvent {
    .memberAssigned(memberID: member(m), groupID: group(g), at: Fixture.now)
  }

  @Test("creating a group with a partner; a second group of the same name (any case or spacing) is refused")
  func creates() throws {
    #expect(
      try Self.when(.createGroup(groupID: Self.group(1), name: " 1조 ", partner: Self.partner)) == [
        Self.created(1), .partnerAssigned(groupID: Self.group(1), partner: Self.partner, at: Fixture.now),
      ])
    #expect(throws: DomainError.self) {
      try Self.when(.createGroup(groupID: Self.group(2), name: "1조", partner: nil), given: [Self.created(1)])
    }
    let renamed = try Self.when(
      .updateGroup(groupID: Self.group(1), name: "Alpha", partner: nil), given: [Self.created(1)])
    #expect(renamed == [.groupRenamed(groupID: Self.group(1), name: "Alpha", at: Fixture.now)])
    #expect(
      try Self.when(.updateGroup(groupID: Self.group(1), name: "1조", partner: nil), given: [Self.created(1)]).isEmpty)
    #expect(throws: DomainError.self) { try Self.when(.updateGroup(groupID: Self.group(9), name: "x", partner: nil)) }
  }

  @Test("a member is in one group: assigning elsewhere is refused unless moving; unassigning; dissolving frees them")
  func members() throws {
    let history = [Self.created(1), Self.created(2), Self.assigned(1, to: 1)]
    #expect(throws: DomainError.self) {
      try Self.when(.assignMember(memberID: Self.member(1), groupID: Self.group(2), allowMove: false), given: history)
    }
    #expect(
      try Self.when(.assignMember(memberID: Self.member(1), groupID: Self.group(2), allowMove: true), given: history)
        == [
          .memberUnassigned(memberID: Self.member(1), groupID: Self.group(1), at: Fixture.now), Self.assigned(1, to: 2),
        ])
    #expect(
      try Self.when(.assignMember(memberID: Self.member(1), groupID: Self.group(1), allowMove: false), given: history)
        .isEmpty)
    #expect(
      try Self.when(.unassignMember(memberID: Self.member(1)), given: history) == [
        .memberUnassigned(memberID: Self.member(1), groupID: Self.group(1), at: Fixture.now)
      ])
    let dissolved = try Self.when(.dissolveGroup(groupID: Self.group(1)), given: history)
    #expect(
      dissolved == [
        .memberUnassigned(memberID: Self.member(1), groupID: Self.group(1), at: Fixture.now),
        .groupDissolved(groupID: Self.group(1), at: Fixture.now),
      ])
    #expect(Groups.fold(history + dissolved).groupOf.isEmpty)
  }

  @Test("balancing 300 members into 20 groups: 15 each, the same result every time, ties to the group created first")
  func balances() throws {
    let groups = (1...20).map(Self.created)
    let members = (1...300).map(Self.member)
    let events = try Self.when(.balance(unassigned: members, alumni: [], spreadAlumni: false), given: groups)
    #expect(events == (try Self.when(.balance(unassigned: members, alumni: [], spreadAlumni: false), given: groups)))
    let state = Groups.fold(groups + events)
    #expect((1...20).allSatisfy { state.size(of: Self.group($0)) == 15 })
    // Round robin in creation order: member 1 → group 1, member 21 → group 1 again.
    #expect(state.groupOf[Self.member(1)] == Self.group(1) && state.groupOf[Self.member(20)] == Self.group(20))
    #expect(state.groupOf[Self.member(21)] == Self.group(1))
    // With groups of 3, 1 and 2 members, the next two go to the one with 1, then to one of 2 (the first created).
    let uneven =
      [Self.created(1), Self.created(2), Self.created(3)] + [1, 2, 3].map { Self.assigned($0, to: 1) }
      + [Self.assigned(4, to: 2)] + [5, 6].map { Self.assigned($0, to: 3) }
    #expect(
      try Self.when(
        .balance(unassigned: [Self.member(7), Self.member(8)], alumni: [], spreadAlumni: false), given: uneven)
        == [Self.assigned(7, to: 2), Self.assigned(8, to: 2)])
    #expect(throws: DomainError.self) { try Self.when(.balance(unassigned: members, alumni: [], spreadAlumni: false)) }
  }

  @Test("keeping alumni spread: 4 alumni among 8 members into 4 groups put one alumnus in each")
  func spreadsAlumni() throws {
    let groups = (1...4).map(Self.created)
    let members = (1...8).map(Self.member)
    let alumni: Set<UUID> = [Self.member(1), Self.member(2), Self.member(3), Self.member(4)]
    let events = try Self.when(.balance(unassigned: members, alumni: alumni, spreadAlumni: true), given: groups)
    let state = Groups.fold(groups + events)
    for g in 1...4 {
      #expect(state.groupOf.filter { $0.value == Self.group(g) && alumni.contains($0.key) }.count == 1)
      #expect(state.size(of: Self.group(g)) == 2)
    }
  }

  @Test("sessions, attendance of the group's members only, posts and presentations; the report by hand")
  func report() throws {
    var history =
      [Self.created(1), Self.created(2)] + [1, 2, 3].map { Self.assigned($0, to: 1) } + [Self.assigned(4, to: 2)]
    let session = Fixture.uuid(0x500)
    history += try Self.when(
      .addSession(
        sessionID: session, groupID: Self.group(1), date: try CalendarDate(iso: "2027-03-05"), topic: " AI 활용 ",
        mode: .offline),
      given: history)
    #expect(throws: DomainError.self) {
      try Self.when(.markAttendance(sessionID: session, marks: [Self.member(4): .present]), given: history)
    }
    history += try Self.when(
      .markAttendance(
        sessionID: session, marks: [Self.member(1): .present, Self.member(2): .absent, Self.member(3): .excused]),
      given: history)
    let second = Fixture.uuid(0x501)
    history += try Self.when(
      .addSession(
        sessionID: second, groupID: Self.group(1), date: try CalendarDate(iso: "2027-03-12"), topic: "2주차",
        mode: .online),
      given: history)
    history += try Self.when(
      .markAttendance(sessionID: second, marks: [Self.member(1): .present, Self.member(2): .present]), given: history)
    for (index, m) in [1, 1, 2].enumerated() {
      history += try Self.when(
        .addPost(
          postID: Fixture.uuid(0x600 + index), memberID: Self.member(m), title: "글 \(index)",
          url: "https://blog.example.com/\(index)",
          date: try CalendarDate(iso: "2027-03-06")), given: history)
    }
    #expect(throws: DomainError.self) {
      try Self.when(
        .addPost(
          postID: Fixture.uuid(0x699), memberID: Self.member(1), title: "x", url: "javascript:alert(1)",
          date: try CalendarDate(iso: "2027-03-06")),
        given: history)
    }
    history += try Self.when(
      .addPresentation(
        presentationID: Fixture.uuid(0x700), memberID: Self.member(2), sessionID: session, title: "업무 자동화 사례"),
      given: history)

    var book = GroupsBook()
    for event in history { book.apply(tenantID: Fixture.tenantID, cohortID: Self.cohortID, event: event) }
    let group = try #require(book.group(tenantID: Fixture.tenantID, cohortID: Self.cohortID, named: "1조"))
    let report = GroupReport(group)
    #expect(report.size == 3 && report.postsGoal == 6 && report.posts == 3 && report.presentations == 1)
    #expect(report.attendanceRate == 3.0 / 4.0, "present 3 of 4 counted; the excused one does not count")
    #expect(report.members.map(\.present) == [2, 1, 0] && report.members.map(\.excused) == [0, 0, 1])
    #expect(report.belowPostsGoal == [Self.member(2), Self.member(3)], "member 1 wrote 2")
    #expect(book.group(tenantID: Fixture.tenantID, cohortID: Self.cohortID, member: Self.member(4))?.name == "2조")
    #expect(book.groups(tenantID: UUID(), cohortID: Self.cohortID).isEmpty, "another tenant sees none")
  }

  @Test("a group's sessions are listed by date, whatever order they were added in")
  func sessionsByDate() throws {
    let days = ["2027-03-13", "2027-03-06", "2027-03-20", "2027-03-06"]
    var book = GroupsBook()
    book.apply(tenantID: Fixture.tenantID, cohortID: Self.cohortID, event: Self.created(1))
    for (index, day) in days.enumerated() {
      book.apply(
        tenantID: Fixture.tenantID, cohortID: Self.cohortID,
        event: .sessionAdded(
          sessionID: Fixture.uuid(0x800 + index), groupID: Self.group(1), date: try CalendarDate(iso: day),
          topic: "모임 \(index)", mode: .offline, at: Fixture.now))
    }
    let group = try #require(book.group(tenantID: Fixture.tenantID, cohortID: Self.cohortID, named: "1조"))
    #expect(group.sessions.map(\.date.description) == ["2027-03-06", "2027-03-06", "2027-03-13", "2027-03-20"])
    #expect(group.sessions.map(\.topic) == ["모임 1", "모임 3", "모임 0", "모임 2"], "one day's sessions as added")
  }
}
