import CohortAPI
import CohortServer
import EventStore
import Foundation
import SwiftProtobuf

/// One cohort's stream as cohortd would have written it: CohortScheduled, EnrollmentOpened,
/// then one MemberEnrolled per member, encoded with the real protobuf messages, type names and
/// schema version 1, with the metadata an owner's commands carry.
struct SyntheticCohort {
  static let schemaVersion: Int32 = 1

  var tenantID: UUID
  var number: Int
  var members: Int

  var cohortID: UUID { CohortStreams.cohortID(tenantID: tenantID, number: number) }
  var stream: StreamName { CohortStreams.stream(tenantID: tenantID, cohortID: cohortID) }

  func events(tokenID: UUID) throws -> [EventData] {
    let scheduledAt = Date(timeIntervalSince1970: 1_780_000_000 + Double(number) * 60)
    let metadata: (UUID) throws -> Data = { requestID in
      try Cohort_V1_Events_EventMetadata.with {
        $0.requestID = requestID.uuidString.lowercased()
        $0.tokenID = tokenID.uuidString.lowercased()
        $0.role = .owner
      }.serializedBytes()
    }
    var events: [EventData] = []
    events.reserveCapacity(members + 2)
    events.append(
      try event(
        Cohort_V1_Events_CohortScheduled.with {
          $0.cohortID = cohortID.uuidString.lowercased()
          $0.number = Int32(number)
          $0.title = "AI 활용 부트캠프 \(number)기"
          $0.price = .with {
            $0.amountMinor = 200_000
            $0.currency = "KRW"
          }
          $0.capacity = Int32(max(members, 1))
          $0.startsOn = .with {
            $0.year = 2027
            $0.month = 1
            $0.day = 4
          }
          $0.endsOn = .with {
            $0.year = 2027
            $0.month = 3
            $0.day = 26
          }
          $0.at = Google_Protobuf_Timestamp(date: scheduledAt)
        }, metadata: try metadata(UUID())))
    events.append(
      try event(
        Cohort_V1_Events_EnrollmentOpened.with { $0.at = Google_Protobuf_Timestamp(date: scheduledAt + 60) },
        metadata: try metadata(UUID())))
    for member in 0..<members {
      let email = "member\(member).cohort\(number)@bench.example.org"
      events.append(
        try event(
          Cohort_V1_Events_MemberEnrolled.with {
            $0.memberID = CohortStreams.memberID(tenantID: tenantID, email: email).uuidString.lowercased()
            $0.contact = .with {
              $0.name = "회원 \(number)-\(member)"
              $0.email = email
            }
            $0.at = Google_Protobuf_Timestamp(date: scheduledAt + 120 + Double(member))
          }, metadata: try metadata(UUID())))
    }
    return events
  }

  private func event(_ message: some SwiftProtobuf.Message, metadata: Data) throws -> EventData {
    EventData(
      id: UUID(), type: type(of: message).protoMessageName, schemaVersion: Self.schemaVersion,
      data: try message.serializedBytes(), metadata: metadata)
  }
}
