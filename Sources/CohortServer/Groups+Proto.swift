import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// Groups as the API shows them, with the names of their partners and members read from the
/// people read model (or that they were forgotten).
struct GroupsProjection {
  let model: CohortReadModel
  let tenantID: UUID

  /// A person's name, or `nil` once forgotten (or never registered).
  private func name(_ personID: UUID) -> String? {
    guard let person = model.people.person(tenantID: tenantID, personID: personID), !person.erased else {
      return nil
    }
    return person.details?.name
  }

  func summary(_ group: GroupView, report: GroupReport) -> Cohort_V1_GroupSummary {
    .with {
      $0.groupID = group.groupID.lowercased
      $0.name = group.name
      if let partner = group.partner {
        $0.partnerID = partner.lowercased
        if let name = name(partner) { $0.partnerName = name } else { $0.partnerErased = true }
      }
      $0.size = Int32(report.size)
      $0.sessions = Int32(group.sessions.count)
      if let rate = report.attendanceRate { $0.attendanceRate = rate }
      $0.posts = Int32(report.posts)
      $0.postsGoal = Int32(report.postsGoal)
      $0.presentations = Int32(report.presentations)
    }
  }

  func detail(_ group: GroupView) -> Cohort_V1_GetGroupReply {
    let report = GroupReport(group)
    return .with {
      $0.group = summary(group, report: report)
      $0.members = report.members.map { line in
        .with {
          $0.memberID = line.memberID.lowercased
          if let name = name(line.memberID) { $0.name = name } else { $0.erased = true }
          $0.present = Int32(line.present)
          $0.absent = Int32(line.absent)
          $0.excused = Int32(line.excused)
          $0.posts = Int32(line.posts)
          $0.presentations = Int32(line.presentations)
        }
      }
      $0.belowPostsGoal = report.belowPostsGoal.map(\.lowercased)
      $0.sessions = group.sessions.map { session in
        .with {
          $0.sessionID = session.sessionID.lowercased
          $0.date = session.date.proto
          $0.topic = session.topic
          $0.mode = session.mode.proto
          $0.attendance = session.attendance.sorted { $0.key.uuidString < $1.key.uuidString }.map { member, mark in
            .with {
              $0.memberID = member.lowercased
              $0.attendance = mark.proto
            }
          }
        }
      }
      $0.posts = group.posts.map { post in
        .with {
          $0.postID = post.postID.lowercased
          $0.memberID = post.memberID.lowercased
          $0.title = post.title
          $0.url = post.url
          $0.date = post.date.proto
        }
      }
      $0.presentations = group.presentations.map { presentation in
        .with {
          $0.presentationID = presentation.presentationID.lowercased
          $0.memberID = presentation.memberID.lowercased
          $0.sessionID = presentation.sessionID.lowercased
          $0.title = presentation.title
        }
      }
    }
  }
}
