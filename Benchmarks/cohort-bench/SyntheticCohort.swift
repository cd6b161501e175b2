import CohortAPI
import CohortDomain
import CohortMapping
import CohortServer
import EventStore
import Foundation
import SwiftProtobuf

/// One cohort's stream as cohortd would have written it: CohortScheduled, EnrollmentOpened,
/// then one MemberEnrolled per member, encoded by cohortd's own codec with the metadata an
/// owner's commands carry.
struct SyntheticCohort {
  var tenantID: UUID
  var number: Int
  var members: Int

  var cohortID: UUID { CohortStreams.cohortID(tenantID: tenantID, number: number) }
  var stream: StreamName { CohortStreams.stream(tenantID: tenantID, cohortID: cohortID) }

  func events(tokenID: UUID) throws -> [EventData] {
    let scheduledAt = Date(timeIntervalSince1970: 1_780_000_000 + Double(number) * 60)
    let scheduled = EnrollmentEvent.cohortScheduled(
      CohortScheduled(
        cohortID: cohortID, number: number, title: "AI 활용 부트캠프 \(number)기",
        price: try Money(amountMinor: 200_000, currency: .krw), capacity: max(members, 1),
        startsOn: try CalendarDate(iso: "2027-01-04"), endsOn: try CalendarDate(iso: "2027-03-26"), at: scheduledAt))
    var domainEvents = [scheduled, .enrollmentOpened(EnrollmentOpened(at: scheduledAt + 60))]
    domainEvents.reserveCapacity(members + 2)
    for member in 0..<members {
      let email = "member\(member).cohort\(number)@bench.example.org"
      domainEvents.append(
        .memberEnrolled(
          MemberEnrolled(
            memberID: CohortStreams.memberID(tenantID: tenantID, email: email), name: "회원 \(number)-\(member)",
            email: email, at: scheduledAt + 120 + Double(member))))
    }
    return try domainEvents.map { event in
      let metadata: Data = try Cohort_V1_Events_EventMetadata(requestID: UUID(), tokenID: tokenID, role: .owner)
        .serializedBytes()
      return try StoredEnrollmentEvents.encode(event, metadata: metadata)
    }
  }
}
