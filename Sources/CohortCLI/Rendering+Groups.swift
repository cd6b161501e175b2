import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

extension Rendering {
  static func groups(_ reply: Cohort_V1_ListGroupsReply) -> String {
    guard !reply.groups.isEmpty else { return "No groups. Create one with `cohort groups create`." }
    var table = Table("GROUP", "PARTNER", "SIZE", "SESSIONS", "ATTENDANCE", "POSTS", "PRESENTATIONS", "GROUP ID")
    for group in reply.groups {
      table.add(
        group.name, partner(group), "\(group.size)", "\(group.sessions)",
        group.hasAttendanceRate ? percent(group.attendanceRate) : "—", "\(group.posts)/\(group.postsGoal)",
        "\(group.presentations)", group.groupID)
    }
    let attendance = reply.groups.filter(\.hasAttendanceRate).map { (label: $0.name, value: $0.attendanceRate * 100) }
    return table.rendered + (reply.unassigned > 0 ? "\n\(reply.unassigned) enrolled members are in no group." : "")
      + (attendance.isEmpty
        ? ""
        : "\n\nAttendance per group:\n" + Chart.bars(attendance, scale: 100, format: { String(format: "%.0f%%", $0) }))
  }

  static func groupsSheet(_ reply: Cohort_V1_ListGroupsReply) -> Table {
    var table = Table(
      "group", "partner", "size", "sessions", "attendance_percent", "posts", "posts_goal", "presentations", "group_id")
    for group in reply.groups {
      table.add(
        group.name, partner(group), "\(group.size)", "\(group.sessions)",
        group.hasAttendanceRate ? String(format: "%.1f", group.attendanceRate * 100) : "", "\(group.posts)",
        "\(group.postsGoal)", "\(group.presentations)", group.groupID)
    }
    return table
  }

  static func group(_ reply: Cohort_V1_GetGroupReply) -> String {
    let group = reply.group
    let names = memberNames(reply)
    var lines = [
      "Group \(group.name) (\(group.groupID))",
      "Partner:     \(partner(group))",
      "Members:     \(group.size); sessions: \(group.sessions); presentations: \(group.presentations)",
      "Attendance:  \(group.hasAttendanceRate ? percent(group.attendanceRate) : "nothing marked yet")",
      "Posts:       \(group.posts) of \(group.postsGoal) (2 per member)",
      "",
    ]
    lines.append(reply.members.isEmpty ? "No members yet." : membersTable(reply).rendered)
    if !reply.belowPostsGoal.isEmpty {
      lines += [
        "",
        "Who to nudge (fewer than 2 posts): " + reply.belowPostsGoal.map { names[$0] ?? $0 }.joined(separator: ", "),
      ]
    }
    return lines.joined(separator: "\n")
  }

  static func membersTable(_ reply: Cohort_V1_GetGroupReply) -> Table {
    let names = memberNames(reply)
    var table = Table("MEMBER", "PRESENT", "ABSENT", "EXCUSED", "POSTS", "PRESENTED", "MEMBER ID")
    for member in reply.members {
      table.add(
        names[member.memberID] ?? "", "\(member.present)", "\(member.absent)", "\(member.excused)", "\(member.posts)",
        "\(member.presentations)", member.memberID)
    }
    return table
  }

  static func sessions(_ reply: Cohort_V1_GetGroupReply) -> String {
    guard !reply.sessions.isEmpty else { return "No sessions yet. Add one with `cohort sessions add`." }
    return sessionsTable(reply).rendered
  }

  static func sessionsTable(_ reply: Cohort_V1_GetGroupReply) -> Table {
    var table = Table("DATE", "TOPIC", "MODE", "PRESENT", "ABSENT", "EXCUSED", "SESSION ID")
    for session in reply.sessions {
      func count(_ mark: Cohort_V1_Attendance) -> String { "\(session.attendance.count { $0.attendance == mark })" }
      table.add(
        date(session.date), session.topic, session.mode == .online ? "online" : "offline", count(.present),
        count(.absent), count(.excused), session.sessionID)
    }
    return table
  }

  static func posts(_ reply: Cohort_V1_GetGroupReply) -> String {
    guard !reply.posts.isEmpty else { return "No posts yet. Record one with `cohort posts add`." }
    return postsTable(reply).rendered
  }

  static func postsTable(_ reply: Cohort_V1_GetGroupReply) -> Table {
    let names = memberNames(reply)
    var table = Table("DATE", "MEMBER", "TITLE", "URL")
    for post in reply.posts { table.add(date(post.date), names[post.memberID] ?? post.memberID, post.title, post.url) }
    return table
  }

  private static func memberNames(_ reply: Cohort_V1_GetGroupReply) -> [String: String] {
    Dictionary(uniqueKeysWithValues: reply.members.map { ($0.memberID, $0.erased ? "(erased)" : $0.name) })
  }

  private static func partner(_ group: Cohort_V1_GroupSummary) -> String {
    group.partnerID.isEmpty ? "none" : group.partnerErased ? "(erased)" : group.partnerName
  }

  private static func percent(_ rate: Double) -> String {
    String(format: "%.0f%%", rate * 100)
  }
}
