import CohortAPI
import EventStore
import Foundation
import SwiftProtobuf
import Testing

@testable import CohortServer

/// How the event tail shows stored events: every type of events.proto is known, and personal
/// data is opened, hidden or erased, never printed as ciphertext.
@Suite("The event tail's view of stored events")
struct EventTailTests {
  /// Messages of events.proto that are parts of events, not events.
  static let parts: Set<String> = [
    "EventMetadata", "Contact", "Sealed", "PersonalData", "TransferReference", "MemberRef",
  ]

  static var catalog: EventCatalog {
    EventCatalog(codecs: Codecs(keys: KeyRing(store: InMemoryKeyStore())))
  }

  @Test("the catalog knows every event of events.proto, by its short and full name")
  func catalogCoversEventsProto() throws {
    let set = try Google_Protobuf_FileDescriptorSet(
      serializedBytes: try #require(Data(base64Encoded: cohortAPIDescriptorSetBase64)))
    let file = try #require(set.file.first { $0.name == "cohort/v1/events.proto" })
    let events = Set(file.messageType.map(\.name)).subtracting(Self.parts)
    let catalog = Self.catalog
    #expect(Set(catalog.shortNames) == events)
    for event in events {
      #expect(catalog.type(named: event) == "cohort.v1.events.\(event)")
      #expect(catalog.type(named: "cohort.v1.events.\(event)") == "cohort.v1.events.\(event)")
    }
    #expect(catalog.type(named: "memberenrolled") == nil, "names are exact")
  }

  /// Every stored example of every people, payment and enrollment event, as the tail shows it.
  static func rendered(forgotten: Bool, personal: EventJSON.Personal) async throws -> [(String, String)] {
    let keys: [UUID: EncryptionKey] =
      forgotten
      ? [:]
      : [
        PeopleEventSchemaHistoryTests.personID: PeopleEventSchemaHistoryTests.key,
        EventSchemaHistoryTests.memberID: PeopleEventSchemaHistoryTests.key,
      ]
    let ring = KeyRing(store: InMemoryKeyStore(keys: keys))
    try await ring.load([PeopleEventSchemaHistoryTests.personID, EventSchemaHistoryTests.memberID])
    let catalog = Self.catalog
    let recorded =
      try PeopleEventSchemaHistoryTests.examples.map {
        ($0.description, try PeopleEventSchemaHistoryTests.recorded($0))
      }
      + EventSchemaHistoryTests.examples.map { ($0.description, try EventSchemaHistoryTests.recorded($0)) }
    return try recorded.map { name, event in
      (
        name,
        try EventJSON.render(event, as: try #require(catalog.messages[event.type]), keys: ring, personal: personal)
      )
    }
  }

  @Test("a role that may read people sees what sealed fields hold")
  func shown() async throws {
    let all = try await Self.rendered(forgotten: false, personal: .shown)
    let registered = try #require(all.first { $0.0 == "cohort.v1.events.PersonRegistered v1" }?.1)
    #expect(registered.contains(#""personal":{"name":"김민지","email":"minji@example.com""#), "\(registered)")
    let enrolled = try #require(all.first { $0.0 == "cohort.v1.events.MemberEnrolled v2" }?.1)
    #expect(enrolled.contains(#""personal":{"name":"김민지""#), "\(enrolled)")
    for (name, json) in all {
      #expect(!json.contains(#""box""#), "\(name): \(json)")
      #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "\(name) is JSON: \(json)")
    }
  }

  @Test("a forgotten person's sealed data is erased; a contact kept in clear by version 1 is still shown")
  func erased() async throws {
    for (name, json) in try await Self.rendered(forgotten: true, personal: .shown) {
      #expect(!json.contains(#""box""#), "\(name): \(json)")
      if name.hasSuffix("PersonRegistered v1") || name.hasSuffix("Enrolled v2") || name.hasSuffix("Waitlisted v2") {
        #expect(json.contains(#""personal":{"erased":true}"#) && !json.contains("김민지"), "\(name): \(json)")
      }
    }
  }

  @Test("other roles see no personal data: sealed or in clear, it is \"hidden\"")
  func hidden() async throws {
    for (name, json) in try await Self.rendered(forgotten: false, personal: .hidden) {
      #expect(!json.contains("김민지") && !json.contains("minji@"), "\(name): \(json)")
      #expect(!json.contains(#""box""#), "\(name): \(json)")
      if name.contains("Member") && (name.hasSuffix("Enrolled v1") || name.hasSuffix("Waitlisted v1")) {
        #expect(json.contains(#""contact":"hidden""#), "\(name): \(json)")
      }
    }
  }

  @Test("a token's hash is never shown")
  func tokenHash() throws {
    let issued = Cohort_V1_Events_TokenIssued.with {
      $0.tokenID = UUID().uuidString
      $0.tokenSha256 = Data(repeating: 7, count: 32)
      $0.label = "staff"
    }
    let event = RecordedEvent(
      id: UUID(), stream: StreamName(tenantID: UUID(), category: "tokens", id: UUID()), version: 1, position: 1,
      type: Cohort_V1_Events_TokenIssued.protoMessageName, schemaVersion: 1, data: try issued.serializedBytes(),
      metadata: Data(), recordedAt: Date())
    let json = try EventJSON.render(
      event, as: Cohort_V1_Events_TokenIssued.self, keys: KeyRing(store: InMemoryKeyStore()), personal: .shown)
    #expect(!json.contains("tokenSha256") && json.contains(#""label":"staff""#), "\(json)")
  }
}
