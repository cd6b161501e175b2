import CohortDomain
import EventStore
import Foundation
import Testing

@testable import CohortServer

/// One stored example of every partner-group event type and schema version ever written. Never
/// edit an example: add a new version beside it.
@Suite("Stored partner-group events stay readable")
struct GroupsEventSchemaHistoryTests {
  static let at = Date(timeIntervalSince1970: 1_790_000_000)
  static let cohortID = UUID(uuidString: "ed295b61-f2c9-507d-a299-b3dccd0a9cc3")!
  static let groupID = UUID(uuidString: "1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d")!
  static let memberID = UUID(uuidString: "2c5b7e0a-91d4-8f36-a1b2-c3d4e5f60718")!
  static let partnerID = UUID(uuidString: "3d6c8f1b-a2e5-8a47-b2c3-d4e5f6071829")!
  static let sessionID = UUID(uuidString: "4e7d9a2c-b3f6-5b58-83d4-e5f60718293a")!
  static let day = try! CalendarDate(iso: "2027-03-05")

  struct Example: Sendable, CustomStringConvertible {
    var type: String
    var base64: String
    var event: GroupsEvent
    var description: String { "\(type) v1" }
  }

  static let examples: [Example] = [
    Example(
      type: "GroupCreated", base64: "CiQxYTJiM2M0ZC01ZTZmLTVhN2ItOGM5ZC0wZTFmMmEzYjRjNWQSBDHsobAaBgiA98TVBg==",
      event: .groupCreated(groupID: groupID, name: "1조", at: at)),
    Example(
      type: "GroupRenamed", base64: "CiQxYTJiM2M0ZC01ZTZmLTVhN2ItOGM5ZC0wZTFmMmEzYjRjNWQSBUFscGhhGgYIgPfE1QY=",
      event: .groupRenamed(groupID: groupID, name: "Alpha", at: at)),
    Example(
      type: "PartnerAssigned",
      base64:
        "CiQxYTJiM2M0ZC01ZTZmLTVhN2ItOGM5ZC0wZTFmMmEzYjRjNWQSJDNkNmM4ZjFiLWEyZTUtOGE0Ny1iMmMzLWQ0ZTVmNjA3MTgyORoGCID3xNUG",
      event: .partnerAssigned(groupID: groupID, partner: partnerID, at: at)),
    Example(
      type: "GroupDissolved", base64: "CiQxYTJiM2M0ZC01ZTZmLTVhN2ItOGM5ZC0wZTFmMmEzYjRjNWQSBgiA98TVBg==",
      event: .groupDissolved(groupID: groupID, at: at)),
    Example(
      type: "GroupMemberAssigned",
      base64:
        "CiQyYzViN2UwYS05MWQ0LThmMzYtYTFiMi1jM2Q0ZTVmNjA3MTgSJDFhMmIzYzRkLTVlNmYtNWE3Yi04YzlkLTBlMWYyYTNiNGM1ZBoGCID3xNUG",
      event: .memberAssigned(memberID: memberID, groupID: groupID, at: at)),
    Example(
      type: "GroupMemberUnassigned",
      base64:
        "CiQyYzViN2UwYS05MWQ0LThmMzYtYTFiMi1jM2Q0ZTVmNjA3MTgSJDFhMmIzYzRkLTVlNmYtNWE3Yi04YzlkLTBlMWYyYTNiNGM1ZBoGCID3xNUG",
      event: .memberUnassigned(memberID: memberID, groupID: groupID, at: at)),
    Example(
      type: "SessionAdded",
      base64:
        "CiQ0ZTdkOWEyYy1iM2Y2LTViNTgtODNkNC1lNWY2MDcxODI5M2ESJDFhMmIzYzRkLTVlNmYtNWE3Yi04YzlkLTBlMWYyYTNiNGM1ZBoHCOsPEAMYBSIJQUkg7Zmc7JqpKAIyBgiA98TVBg==",
      event: .sessionAdded(sessionID: sessionID, groupID: groupID, date: day, topic: "AI 활용", mode: .offline, at: at)),
    Example(
      type: "AttendanceMarked",
      base64:
        "CiQ0ZTdkOWEyYy1iM2Y2LTViNTgtODNkNC1lNWY2MDcxODI5M2ESJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBgDIgYIgPfE1QY=",
      event: .attendanceMarked(sessionID: sessionID, memberID: memberID, attendance: .excused, at: at)),
    Example(
      type: "PostAdded",
      base64:
        "CiQ0ZTdkOWEyYy1iM2Y2LTViNTgtODNkNC1lNWY2MDcxODI5M2ESJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBoH7LKrIOq4gCIaaHR0cHM6Ly9ibG9nLmV4YW1wbGUuY29tLzEqBwjrDxADGAUyBgiA98TVBg==",
      event: .postAdded(
        postID: sessionID, memberID: memberID, title: "첫 글", url: "https://blog.example.com/1", date: day, at: at)),
    Example(
      type: "PresentationAdded",
      base64:
        "CiQxYTJiM2M0ZC01ZTZmLTVhN2ItOGM5ZC0wZTFmMmEzYjRjNWQSJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBokNGU3ZDlhMmMtYjNmNi01YjU4LTgzZDQtZTVmNjA3MTgyOTNhIhDsl4XrrLQg7J6Q64+Z7ZmUKgYIgPfE1QY=",
      event: .presentationAdded(
        presentationID: groupID, memberID: memberID, sessionID: sessionID, title: "업무 자동화", at: at)),
  ]

  @Test("every stored example decodes to its event, and the encoder writes it byte for byte", arguments: examples)
  func roundTrip(_ example: Example) throws {
    let (type, version, data) = try GroupsEventCodec.codec.encode(example.event)
    #expect(type == "cohort.v1.events." + example.type && version == 1)
    #expect(data.base64EncodedString() == example.base64)
    let recorded = RecordedEvent(
      id: UUID(), stream: GroupsEventCodec.stream(tenantID: UUID(), cohortID: Self.cohortID), version: 1, position: 1,
      type: type, schemaVersion: 1, data: try #require(Data(base64Encoded: example.base64)), metadata: Data(),
      recordedAt: Self.at)
    #expect(try GroupsEventCodec.codec.decode(recorded) == example.event)
  }

  @Test("every partner-group event type has an example")
  func complete() {
    #expect(Set(Self.examples.map { "cohort.v1.events." + $0.type }) == GroupsEventCodec.codec.types)
    #expect(GroupsEventCodec.codec.rows.values.allSatisfy { $0.readers.keys.sorted() == [1] })
  }
}
