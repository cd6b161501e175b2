import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Enrollment events as stored in the log: protobuf messages from `Protos/cohort/v1/events.proto`.
enum EnrollmentEventCodec {
  static let codec = EventCodec<EnrollmentEvent>(
    [
      .message(Cohort_V1_Events_CohortScheduled.self) { m, _ in
        .cohortScheduled(
          CohortScheduled(
            cohortID: try UUID(field: "cohort_id", m.cohortID), number: Int(m.number), title: m.title,
            price: try Money(m.price, field: "price"), capacity: Int(m.capacity),
            startsOn: try CalendarDate(m.startsOn, field: "starts_on"),
            endsOn: try CalendarDate(m.endsOn, field: "ends_on"), at: m.at.date))
      },
      .message(Cohort_V1_Events_EnrollmentOpened.self) { m, _ in .enrollmentOpened(EnrollmentOpened(at: m.at.date)) },
      .message(Cohort_V1_Events_EnrollmentClosed.self) { m, _ in .enrollmentClosed(EnrollmentClosed(at: m.at.date)) },
      .message(Cohort_V1_Events_MemberEnrolled.self) { m, _ in
        .memberEnrolled(
          MemberEnrolled(
            memberID: try UUID(field: "member_id", m.memberID), name: m.contact.name, email: m.contact.email,
            at: m.at.date))
      },
      .message(Cohort_V1_Events_MemberWaitlisted.self) { m, _ in
        .memberWaitlisted(
          MemberWaitlisted(
            memberID: try UUID(field: "member_id", m.memberID), name: m.contact.name, email: m.contact.email,
            at: m.at.date))
      },
      .message(Cohort_V1_Events_MemberWithdrew.self) { m, _ in
        .memberWithdrew(
          MemberWithdrew(
            memberID: try UUID(field: "member_id", m.memberID), reason: m.reason, wasWaitlisted: m.wasWaitlisted,
            at: m.at.date))
      },
      .message(Cohort_V1_Events_MemberPromoted.self) { m, _ in
        .memberPromoted(MemberPromoted(memberID: try UUID(field: "member_id", m.memberID), at: m.at.date))
      },
    ], encode: encode)

  private static func encode(_ event: EnrollmentEvent) -> any SwiftProtobuf.Message {
    switch event {
    case .cohortScheduled(let e):
      Cohort_V1_Events_CohortScheduled.with {
        $0.cohortID = e.cohortID.lowercased
        $0.number = Int32(e.number)
        $0.title = e.title
        $0.price = e.price.proto
        $0.capacity = Int32(e.capacity)
        $0.startsOn = e.startsOn.proto
        $0.endsOn = e.endsOn.proto
        $0.at = .init(e.at)
      }
    case .enrollmentOpened(let e):
      Cohort_V1_Events_EnrollmentOpened.with { $0.at = .init(e.at) }
    case .enrollmentClosed(let e):
      Cohort_V1_Events_EnrollmentClosed.with { $0.at = .init(e.at) }
    case .memberEnrolled(let e):
      Cohort_V1_Events_MemberEnrolled.with {
        $0.memberID = e.memberID.lowercased
        $0.contact = contact(name: e.name, email: e.email)
        $0.at = .init(e.at)
      }
    case .memberWaitlisted(let e):
      Cohort_V1_Events_MemberWaitlisted.with {
        $0.memberID = e.memberID.lowercased
        $0.contact = contact(name: e.name, email: e.email)
        $0.at = .init(e.at)
      }
    case .memberWithdrew(let e):
      Cohort_V1_Events_MemberWithdrew.with {
        $0.memberID = e.memberID.lowercased
        $0.reason = e.reason
        $0.wasWaitlisted = e.wasWaitlisted
        $0.at = .init(e.at)
      }
    case .memberPromoted(let e):
      Cohort_V1_Events_MemberPromoted.with {
        $0.memberID = e.memberID.lowercased
        $0.at = .init(e.at)
      }
    }
  }

  private static func contact(name: String, email: String) -> Cohort_V1_Events_Contact {
    .with {
      $0.name = name
      $0.email = email
    }
  }
}

/// Enrollment events exactly as cohortd stores them, for tools that fill a store directly (the
/// benchmark's synthetic cohorts).
public enum StoredEnrollmentEvents {
  public static func encode(_ event: EnrollmentEvent, metadata: Data) throws -> EventData {
    let (type, schemaVersion, data) = try EnrollmentEventCodec.codec.encode(event)
    return EventData(id: UUID(), type: type, schemaVersion: schemaVersion, data: data, metadata: metadata)
  }
}
