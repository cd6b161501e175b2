import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Enrollment events as stored in the log: protobuf messages from `Protos/cohort/v1/events.proto`,
/// typed by their full message name and a schema version.
///
/// Every schema version ever written must stay readable: when a message changes shape, bump
/// `currentSchemaVersion` and teach `decode` to upcast the older version.
enum EnrollmentEventCodec {
  static let currentSchemaVersion: Int32 = 1

  static let types: Set<String> = [
    Cohort_V1_Events_CohortScheduled.protoMessageName,
    Cohort_V1_Events_EnrollmentOpened.protoMessageName,
    Cohort_V1_Events_EnrollmentClosed.protoMessageName,
    Cohort_V1_Events_MemberEnrolled.protoMessageName,
    Cohort_V1_Events_MemberWaitlisted.protoMessageName,
    Cohort_V1_Events_MemberWithdrew.protoMessageName,
    Cohort_V1_Events_MemberPromoted.protoMessageName,
  ]

  static func encode(_ event: EnrollmentEvent) throws -> (type: String, data: Data) {
    switch event {
    case .cohortScheduled(let e):
      return try pack(
        Cohort_V1_Events_CohortScheduled.with {
          $0.cohortID = e.cohortID.lowercased
          $0.number = Int32(e.number)
          $0.title = e.title
          $0.price = e.price.proto
          $0.capacity = Int32(e.capacity)
          $0.startsOn = e.startsOn.proto
          $0.endsOn = e.endsOn.proto
          $0.at = .init(e.at)
        })
    case .enrollmentOpened(let e):
      return try pack(Cohort_V1_Events_EnrollmentOpened.with { $0.at = .init(e.at) })
    case .enrollmentClosed(let e):
      return try pack(Cohort_V1_Events_EnrollmentClosed.with { $0.at = .init(e.at) })
    case .memberEnrolled(let e):
      return try pack(
        Cohort_V1_Events_MemberEnrolled.with {
          $0.memberID = e.memberID.lowercased
          $0.contact = contact(name: e.name, email: e.email)
          $0.at = .init(e.at)
        })
    case .memberWaitlisted(let e):
      return try pack(
        Cohort_V1_Events_MemberWaitlisted.with {
          $0.memberID = e.memberID.lowercased
          $0.contact = contact(name: e.name, email: e.email)
          $0.at = .init(e.at)
        })
    case .memberWithdrew(let e):
      return try pack(
        Cohort_V1_Events_MemberWithdrew.with {
          $0.memberID = e.memberID.lowercased
          $0.reason = e.reason
          $0.wasWaitlisted = e.wasWaitlisted
          $0.at = .init(e.at)
        })
    case .memberPromoted(let e):
      return try pack(
        Cohort_V1_Events_MemberPromoted.with {
          $0.memberID = e.memberID.lowercased
          $0.at = .init(e.at)
        })
    }
  }

  /// The domain event stored in `recorded`, or `nil` when it is not an enrollment event.
  static func decode(_ recorded: RecordedEvent) throws(EventStoreError) -> EnrollmentEvent? {
    guard types.contains(recorded.type) else { return nil }
    guard recorded.schemaVersion == currentSchemaVersion else {
      throw EventStoreError(
        .corrupted,
        "event \(recorded.position) has unknown schema version \(recorded.schemaVersion) of \(recorded.type)")
    }
    do {
      return try decodeCurrent(type: recorded.type, data: recorded.data)
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.corrupted, "event \(recorded.position) (\(recorded.type)) does not decode: \(error)")
    }
  }

  private static func decodeCurrent(type: String, data: Data) throws -> EnrollmentEvent? {
    switch type {
    case Cohort_V1_Events_CohortScheduled.protoMessageName:
      let m = try Cohort_V1_Events_CohortScheduled(serializedBytes: data)
      return .cohortScheduled(
        CohortScheduled(
          cohortID: try UUID(field: "cohort_id", m.cohortID), number: Int(m.number), title: m.title,
          price: try Money(m.price, field: "price"), capacity: Int(m.capacity),
          startsOn: try CalendarDate(m.startsOn, field: "starts_on"),
          endsOn: try CalendarDate(m.endsOn, field: "ends_on"), at: m.at.date))
    case Cohort_V1_Events_EnrollmentOpened.protoMessageName:
      return .enrollmentOpened(
        EnrollmentOpened(at: try Cohort_V1_Events_EnrollmentOpened(serializedBytes: data).at.date))
    case Cohort_V1_Events_EnrollmentClosed.protoMessageName:
      return .enrollmentClosed(
        EnrollmentClosed(at: try Cohort_V1_Events_EnrollmentClosed(serializedBytes: data).at.date))
    case Cohort_V1_Events_MemberEnrolled.protoMessageName:
      let m = try Cohort_V1_Events_MemberEnrolled(serializedBytes: data)
      return .memberEnrolled(
        MemberEnrolled(
          memberID: try UUID(field: "member_id", m.memberID), name: m.contact.name, email: m.contact.email,
          at: m.at.date))
    case Cohort_V1_Events_MemberWaitlisted.protoMessageName:
      let m = try Cohort_V1_Events_MemberWaitlisted(serializedBytes: data)
      return .memberWaitlisted(
        MemberWaitlisted(
          memberID: try UUID(field: "member_id", m.memberID), name: m.contact.name, email: m.contact.email,
          at: m.at.date))
    case Cohort_V1_Events_MemberWithdrew.protoMessageName:
      let m = try Cohort_V1_Events_MemberWithdrew(serializedBytes: data)
      return .memberWithdrew(
        MemberWithdrew(
          memberID: try UUID(field: "member_id", m.memberID), reason: m.reason, wasWaitlisted: m.wasWaitlisted,
          at: m.at.date))
    case Cohort_V1_Events_MemberPromoted.protoMessageName:
      let m = try Cohort_V1_Events_MemberPromoted(serializedBytes: data)
      return .memberPromoted(MemberPromoted(memberID: try UUID(field: "member_id", m.memberID), at: m.at.date))
    default:
      return nil
    }
  }

  private static func contact(name: String, email: String) -> Cohort_V1_Events_Contact {
    .with {
      $0.name = name
      $0.email = email
    }
  }

  private static func pack(_ message: some SwiftProtobuf.Message) throws -> (type: String, data: Data) {
    (type(of: message).protoMessageName, try message.serializedBytes())
  }
}
