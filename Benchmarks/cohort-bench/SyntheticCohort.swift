import CohortAPI
import CohortDomain
import CohortMapping
import CohortServer
import EventStore
import Foundation
import SwiftProtobuf

/// One cohort's stream as cohortd would have written it: CohortScheduled, EnrollmentOpened,
/// then one MemberEnrolled per member, encoded by cohortd's own codec (contacts sealed with the
/// members' keys) with the metadata an owner's commands carry.
///
/// Member `i` of every cohort is the same person (``email(_:)``): a community whose alumni come
/// back, and one key per person rather than one per event.
struct SyntheticCohort {
  var tenantID: UUID
  var number: Int
  var members: Int

  var cohortID: UUID { CohortStreams.cohortID(tenantID: tenantID, number: number) }
  var stream: StreamName { CohortStreams.stream(tenantID: tenantID, cohortID: cohortID) }

  static func email(_ member: Int) -> String { "member\(member)@bench.example.org" }

  /// The member ids of the first `count` people, with their keys made in the store.
  static func memberIDs(_ count: Int, tenantID: UUID, encoder: StoredEnrollmentEvents) async throws -> [UUID] {
    var ids: [UUID] = []
    for member in 0..<count { ids.append(try await encoder.member(tenantID: tenantID, email: email(member))) }
    return ids
  }

  /// The events; `memberIDs` from ``memberIDs(_:tenantID:encoder:)``, at least `members` of them.
  func events(tokenID: UUID, encoder: StoredEnrollmentEvents, memberIDs: [UUID]) throws -> [EventData] {
    let scheduledAt = Date(timeIntervalSince1970: 1_780_000_000 + Double(number) * 60)
    let scheduled = EnrollmentEvent.cohortScheduled(
      CohortScheduled(
        cohortID: cohortID, number: number, title: "AI 활용 부트캠프 \(number)기",
        price: try Money(amountMinor: 200_000, currency: .krw), capacity: max(members, 1),
        startsOn: try CalendarDate(iso: "2027-01-04"), endsOn: try CalendarDate(iso: "2027-03-26"), at: scheduledAt))
    var domainEvents = [scheduled, .enrollmentOpened(EnrollmentOpened(at: scheduledAt + 60))]
    domainEvents.reserveCapacity(members + 2)
    for member in 0..<members {
      domainEvents.append(
        .memberEnrolled(
          MemberEnrolled(
            memberID: memberIDs[member], name: "회원 \(member)", email: Self.email(member),
            at: scheduledAt + 120 + Double(member))))
    }
    return try domainEvents.map { event in
      let metadata: Data = try Cohort_V1_Events_EventMetadata(requestID: UUID(), tokenID: tokenID, role: .owner)
        .serializedBytes()
      return try encoder.encode(event, metadata: metadata)
    }
  }
}
