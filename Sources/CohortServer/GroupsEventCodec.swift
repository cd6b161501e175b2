import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Partner-group events as stored in the log: stream `groups-<cohort id>` of each cohort. Members
/// and partners are person ids; nothing here is sealed.
enum GroupsEventCodec {
  static let category = "groups"

  static let codec = EventCodec<GroupsEvent>(
    [
      .message(Cohort_V1_Events_GroupCreated.self) { m, _ in
        .groupCreated(
          groupID: try UUID(field: "group_id", m.groupID), name: m.name, at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_GroupRenamed.self) { m, _ in
        .groupRenamed(
          groupID: try UUID(field: "group_id", m.groupID), name: m.name, at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_PartnerAssigned.self) { m, _ in
        .partnerAssigned(
          groupID: try UUID(field: "group_id", m.groupID), partner: try UUID(field: "partner_id", m.partnerID),
          at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_GroupDissolved.self) { m, _ in
        .groupDissolved(groupID: try UUID(field: "group_id", m.groupID), at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_GroupMemberAssigned.self) { m, _ in
        .memberAssigned(
          memberID: try UUID(field: "member_id", m.memberID), groupID: try UUID(field: "group_id", m.groupID),
          at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_GroupMemberUnassigned.self) { m, _ in
        .memberUnassigned(
          memberID: try UUID(field: "member_id", m.memberID), groupID: try UUID(field: "group_id", m.groupID),
          at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_SessionAdded.self) { m, _ in
        .sessionAdded(
          sessionID: try UUID(field: "session_id", m.sessionID), groupID: try UUID(field: "group_id", m.groupID),
          date: try CalendarDate(m.date, field: "date"), topic: m.topic, mode: try SessionMode(m.mode, field: "mode"),
          at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_AttendanceMarked.self) { m, _ in
        .attendanceMarked(
          sessionID: try UUID(field: "session_id", m.sessionID), memberID: try UUID(field: "member_id", m.memberID),
          attendance: try Attendance(m.attendance, field: "attendance"), at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_PostAdded.self) { m, _ in
        .postAdded(
          postID: try UUID(field: "post_id", m.postID), memberID: try UUID(field: "member_id", m.memberID),
          title: m.title, url: m.url, date: try CalendarDate(m.date, field: "date"),
          at: try m.at.checkedDate(field: "at"))
      },
      .message(Cohort_V1_Events_PresentationAdded.self) { m, _ in
        .presentationAdded(
          presentationID: try UUID(field: "presentation_id", m.presentationID),
          memberID: try UUID(field: "member_id", m.memberID), sessionID: try UUID(field: "session_id", m.sessionID),
          title: m.title, at: try m.at.checkedDate(field: "at"))
      },
    ], encode: encode)

  static let aggregate = Aggregate<Groups>(codec: codec)

  static func stream(tenantID: UUID, cohortID: UUID) -> StreamName {
    StreamName(tenantID: tenantID, category: category, id: cohortID)
  }

  static func cohortID(of stream: StreamName) -> UUID? {
    stream.id(in: category)
  }

  private static func encode(_ event: GroupsEvent) -> any SwiftProtobuf.Message {
    switch event {
    case .groupCreated(let groupID, let name, let at):
      Cohort_V1_Events_GroupCreated.with {
        $0.groupID = groupID.lowercased
        $0.name = name
        $0.at = .init(at)
      }
    case .groupRenamed(let groupID, let name, let at):
      Cohort_V1_Events_GroupRenamed.with {
        $0.groupID = groupID.lowercased
        $0.name = name
        $0.at = .init(at)
      }
    case .partnerAssigned(let groupID, let partner, let at):
      Cohort_V1_Events_PartnerAssigned.with {
        $0.groupID = groupID.lowercased
        $0.partnerID = partner.lowercased
        $0.at = .init(at)
      }
    case .groupDissolved(let groupID, let at):
      Cohort_V1_Events_GroupDissolved.with {
        $0.groupID = groupID.lowercased
        $0.at = .init(at)
      }
    case .memberAssigned(let memberID, let groupID, let at):
      Cohort_V1_Events_GroupMemberAssigned.with {
        $0.memberID = memberID.lowercased
        $0.groupID = groupID.lowercased
        $0.at = .init(at)
      }
    case .memberUnassigned(let memberID, let groupID, let at):
      Cohort_V1_Events_GroupMemberUnassigned.with {
        $0.memberID = memberID.lowercased
        $0.groupID = groupID.lowercased
        $0.at = .init(at)
      }
    case .sessionAdded(let sessionID, let groupID, let date, let topic, let mode, let at):
      Cohort_V1_Events_SessionAdded.with {
        $0.sessionID = sessionID.lowercased
        $0.groupID = groupID.lowercased
        $0.date = date.proto
        $0.topic = topic
        $0.mode = mode.proto
        $0.at = .init(at)
      }
    case .attendanceMarked(let sessionID, let memberID, let attendance, let at):
      Cohort_V1_Events_AttendanceMarked.with {
        $0.sessionID = sessionID.lowercased
        $0.memberID = memberID.lowercased
        $0.attendance = attendance.proto
        $0.at = .init(at)
      }
    case .postAdded(let postID, let memberID, let title, let url, let date, let at):
      Cohort_V1_Events_PostAdded.with {
        $0.postID = postID.lowercased
        $0.memberID = memberID.lowercased
        $0.title = title
        $0.url = url
        $0.date = date.proto
        $0.at = .init(at)
      }
    case .presentationAdded(let presentationID, let memberID, let sessionID, let title, let at):
      Cohort_V1_Events_PresentationAdded.with {
        $0.presentationID = presentationID.lowercased
        $0.memberID = memberID.lowercased
        $0.sessionID = sessionID.lowercased
        $0.title = title
        $0.at = .init(at)
      }
    }
  }
}
