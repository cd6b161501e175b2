import Foundation

/// One partner group as queries show it.
public struct GroupView: Codable, Equatable, Sendable {
  public struct Session: Codable, Equatable, Sendable {
    public var sessionID: UUID
    public var date: CalendarDate
    public var topic: String
    public var mode: SessionMode
    public var attendance: [UUID: Attendance] = [:]
  }

  public struct Post: Codable, Equatable, Sendable {
    public var postID: UUID
    public var memberID: UUID
    public var title: String
    public var url: String
    public var date: CalendarDate
  }

  public struct Presentation: Codable, Equatable, Sendable {
    public var presentationID: UUID
    public var memberID: UUID
    public var sessionID: UUID
    public var title: String
  }

  public var groupID: UUID
  public var name: String
  public var partner: UUID?
  /// Members in the order they were assigned.
  public var members: [UUID] = []
  /// By date, in the order added for one day.
  public var sessions: [Session] = []
  public var posts: [Post] = []
  public var presentations: [Presentation] = []

  /// Keeps sessions by date, in the order added for one day (a sheet's lines may add their days
  /// in any order).
  mutating func add(_ session: Session) {
    sessions.insert(session, at: sessions.firstIndex { $0.date > session.date } ?? sessions.count)
  }
}

/// One member's line in a group report.
public struct GroupMemberReport: Equatable, Sendable {
  public var memberID: UUID
  public var present = 0
  public var absent = 0
  public var excused = 0
  public var posts = 0
  public var presentations = 0
}

/// A group in numbers: its size, attendance, posts against the goal and who to nudge.
public struct GroupReport: Equatable, Sendable {
  /// Posts each member is asked to write per cohort.
  public static let postsGoalPerMember = 2

  public var size: Int
  /// Present ÷ (present + absent) over every marked attendance; excused ones do not count. `nil`
  /// while nothing is marked.
  public var attendanceRate: Double?
  public var posts: Int
  public var postsGoal: Int
  public var presentations: Int
  public var members: [GroupMemberReport]
  /// Members below the posts goal, in roster order.
  public var belowPostsGoal: [UUID]

  public init(_ group: GroupView) {
    let current = Set(group.members)
    var lines = Dictionary(uniqueKeysWithValues: group.members.map { ($0, GroupMemberReport(memberID: $0)) })
    for session in group.sessions {
      for (member, attendance) in session.attendance where current.contains(member) {
        switch attendance {
        case .present: lines[member]!.present += 1
        case .absent: lines[member]!.absent += 1
        case .excused: lines[member]!.excused += 1
        }
      }
    }
    for post in group.posts where current.contains(post.memberID) { lines[post.memberID]!.posts += 1 }
    for presentation in group.presentations where current.contains(presentation.memberID) {
      lines[presentation.memberID]!.presentations += 1
    }
    members = group.members.map { lines[$0]! }
    size = members.count
    let present = members.reduce(0) { $0 + $1.present }
    let counted = present + members.reduce(0) { $0 + $1.absent }
    attendanceRate = counted == 0 ? nil : Double(present) / Double(counted)
    posts = members.reduce(0) { $0 + $1.posts }
    postsGoal = Self.postsGoalPerMember * size
    presentations = members.reduce(0) { $0 + $1.presentations }
    belowPostsGoal = members.filter { $0.posts < Self.postsGoalPerMember }.map(\.memberID)
  }
}

/// Every tenant's partner groups, per cohort, folded from their streams.
public struct GroupsBook: Codable, Equatable, Sendable {
  private struct Cohort: Codable, Equatable, Sendable {
    var order: [UUID] = []
    var groups: [UUID: GroupView] = [:]
    var sessionGroup: [UUID: UUID] = [:]
  }

  private var cohorts: [UUID: [UUID: Cohort]] = [:]

  public init() {}

  /// Applies one event of the groups stream of cohort `cohortID` of tenant `tenantID`.
  public mutating func apply(tenantID: UUID, cohortID: UUID, event: GroupsEvent) {
    // In place: a copy of the cohort would copy every group of it, per event.
    Self.apply(event, to: &cohorts[tenantID, default: [:]][cohortID, default: Cohort()])
  }

  private static func apply(_ event: GroupsEvent, to cohort: inout Cohort) {
    switch event {
    case .groupCreated(let groupID, let name, _):
      cohort.order.append(groupID)
      cohort.groups[groupID] = GroupView(groupID: groupID, name: name)
    case .groupRenamed(let groupID, let name, _): cohort.groups[groupID]?.name = name
    case .partnerAssigned(let groupID, let partner, _): cohort.groups[groupID]?.partner = partner
    case .groupDissolved(let groupID, _):
      cohort.order.removeAll { $0 == groupID }
      cohort.groups[groupID] = nil
    case .memberAssigned(let memberID, let groupID, _): cohort.groups[groupID]?.members.append(memberID)
    case .memberUnassigned(let memberID, let groupID, _): cohort.groups[groupID]?.members.removeAll { $0 == memberID }
    case .sessionAdded(let sessionID, let groupID, let date, let topic, let mode, _):
      cohort.sessionGroup[sessionID] = groupID
      cohort.groups[groupID]?.add(.init(sessionID: sessionID, date: date, topic: topic, mode: mode))
    case .attendanceMarked(let sessionID, let memberID, let attendance, _):
      if let groupID = cohort.sessionGroup[sessionID],
        let index = cohort.groups[groupID]?.sessions.firstIndex(where: { $0.sessionID == sessionID })
      {
        cohort.groups[groupID]!.sessions[index].attendance[memberID] = attendance
      }
    case .postAdded(let postID, let memberID, let title, let url, let date, _):
      if let groupID = group(of: memberID, in: cohort) {
        cohort.groups[groupID]!.posts.append(
          .init(postID: postID, memberID: memberID, title: title, url: url, date: date))
      }
    case .presentationAdded(let presentationID, let memberID, let sessionID, let title, _):
      if let groupID = cohort.sessionGroup[sessionID] {
        cohort.groups[groupID]?.presentations.append(
          .init(presentationID: presentationID, memberID: memberID, sessionID: sessionID, title: title))
      }
    }
  }

  private static func group(of member: UUID, in cohort: Cohort) -> UUID? {
    cohort.order.first { cohort.groups[$0]?.members.contains(member) == true }
  }

  /// The cohort's groups in the order they were created.
  public func groups(tenantID: UUID, cohortID: UUID) -> [GroupView] {
    guard let cohort = cohorts[tenantID]?[cohortID] else { return [] }
    return cohort.order.compactMap { cohort.groups[$0] }
  }

  /// The group a name or an id names.
  public func group(tenantID: UUID, cohortID: UUID, named name: String) -> GroupView? {
    let groups = groups(tenantID: tenantID, cohortID: cohortID)
    if let id = UUID(uuidString: name), let group = groups.first(where: { $0.groupID == id }) { return group }
    let key = Groups.State.key(name)
    return groups.first { Groups.State.key($0.name) == key }
  }

  /// The group `memberID` is in, if any.
  public func group(tenantID: UUID, cohortID: UUID, member memberID: UUID) -> GroupView? {
    groups(tenantID: tenantID, cohortID: cohortID).first { $0.members.contains(memberID) }
  }

  /// The group a session belongs to.
  public func group(tenantID: UUID, cohortID: UUID, session sessionID: UUID) -> GroupView? {
    guard let groupID = cohorts[tenantID]?[cohortID]?.sessionGroup[sessionID] else { return nil }
    return cohorts[tenantID]?[cohortID]?.groups[groupID]
  }
}
