import CohortDomain
import EventStore
import Foundation
import Testing

@testable import CohortServer

/// One stored example of every event type and schema version ever written. Old events must stay
/// readable forever: when an event's shape changes, add the new version's example beside the
/// old one (never edit an example) and teach the codec to upcast the old version.
@Suite("Stored events stay readable")
struct EventSchemaHistoryTests {
  static let at = Date(timeIntervalSince1970: 1_790_000_000)
  static let cohortID = UUID(uuidString: "ed295b61-f2c9-507d-a299-b3dccd0a9cc3")!
  static let memberID = UUID(uuidString: "e15871f8-5627-5f5b-b4c3-d1698aa7d559")!

  struct Example: Sendable, CustomStringConvertible {
    var type: String
    var schemaVersion: Int32
    var base64: String
    var event: EnrollmentEvent
    /// Sealed with a random nonce: the encoder's bytes differ each time, so only the round trip is checked.
    var sealed = false
    var description: String { "\(type) v\(schemaVersion)" }
  }

  static let examples: [Example] = [
    Example(
      type: "cohort.v1.events.CohortScheduled", schemaVersion: 1,
      base64:
        "CiRlZDI5NWI2MS1mMmM5LTUwN2QtYTI5OS1iM2RjY2QwYTljYzMQCRobQUkg7Zmc7JqpIOu2gO2KuOy6oO2UhCA56riwIgkIwJoMEgNLUlcorAIyBwjqDxAMGAE6BwjrDxABGB9CBgiA98TVBg==",
      event: .cohortScheduled(
        CohortScheduled(
          cohortID: cohortID, number: 9, title: "AI 활용 부트캠프 9기",
          price: try! Money(amountMinor: 200_000, currency: .krw), capacity: 300,
          startsOn: try! CalendarDate(iso: "2026-12-01"), endsOn: try! CalendarDate(iso: "2027-01-31"), at: at))),
    Example(
      type: "cohort.v1.events.EnrollmentOpened", schemaVersion: 1, base64: "CgYIgPfE1QY=",
      event: .enrollmentOpened(EnrollmentOpened(at: at))),
    Example(
      type: "cohort.v1.events.EnrollmentClosed", schemaVersion: 1, base64: "CgYIgPfE1QY=",
      event: .enrollmentClosed(EnrollmentClosed(at: at))),
    Example(
      type: "cohort.v1.events.MemberEnrolled", schemaVersion: 1,
      base64:
        "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkSHgoJ6rmA66+87KeAEhFtaW5qaUBleGFtcGxlLmNvbRoGCID3xNUG",
      event: .memberEnrolled(MemberEnrolled(memberID: memberID, name: "김민지", email: "minji@example.com", at: at))),
    Example(
      type: "cohort.v1.events.MemberWaitlisted", schemaVersion: 1,
      base64:
        "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkSHgoJ6rmA66+87KeAEhFtaW5qaUBleGFtcGxlLmNvbRoGCID3xNUG",
      event: .memberWaitlisted(MemberWaitlisted(memberID: memberID, name: "김민지", email: "minji@example.com", at: at))),
    // Since version 2 the contact is sealed with the member's key (the fixed key of the people examples).
    Example(
      type: "cohort.v1.events.MemberEnrolled", schemaVersion: 2,
      base64:
        "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkaBgiA98TVBiI8CjpOqj8yyS3wZ61ps+buYGj1P4xN5mNsc0HeVuXDXu0CWdfhipPUyA9qi3ixsfMA2c5wYmICWaQBoCnF",
      event: .memberEnrolled(MemberEnrolled(memberID: memberID, name: "김민지", email: "minji@example.com", at: at)),
      sealed: true),
    Example(
      type: "cohort.v1.events.MemberWaitlisted", schemaVersion: 2,
      base64:
        "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkaBgiA98TVBiI8CjqM1j5L7jIjyEUx6GHkFKYUgu8JCObbRLMxaJRuea4vnms2teVyQC3V/05SBpVdshXte3Q6bSH2qm0I",
      event: .memberWaitlisted(MemberWaitlisted(memberID: memberID, name: "김민지", email: "minji@example.com", at: at)),
      sealed: true),
    Example(
      type: "cohort.v1.events.MemberWithdrew", schemaVersion: 1,
      base64: "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkSDG1vdmVkIGFicm9hZCIGCID3xNUG",
      event: .memberWithdrew(MemberWithdrew(memberID: memberID, reason: "moved abroad", wasWaitlisted: false, at: at))),
    Example(
      type: "cohort.v1.events.CohortStarted", schemaVersion: 1, base64: "CgYIgPfE1QY=", event: .cohortStarted(at: at)),
    Example(
      type: "cohort.v1.events.CohortCompleted", schemaVersion: 1, base64: "CgYIgPfE1QY=",
      event: .cohortCompleted(at: at)),
    Example(
      type: "cohort.v1.events.CohortCancelled", schemaVersion: 1, base64: "CgYIgPfE1QY=",
      event: .cohortCancelled(at: at)),
    Example(
      type: "cohort.v1.events.DiscountGranted", schemaVersion: 1,
      base64:
        "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkSCQjAuAISA0tSVxgUIgzslrzrpqzrsoTrk5wqJDNiOGUxZjUyLTdhNmQtNGMwOS04ZTJmLTVkMWE5YjdjNGU2MDIGCID3xNUG",
      event: .discountGranted(
        DiscountGranted(
          personID: memberID, amountOff: try! Money(amountMinor: 40_000, currency: .krw), percent: 20,
          reason: "얼리버드", grantedBy: UUID(uuidString: "3b8e1f52-7a6d-4c09-8e2f-5d1a9b7c4e60")!, at: at))),
    Example(
      type: "cohort.v1.events.MemberPromoted", schemaVersion: 1,
      base64: "CiRlMTU4NzFmOC01NjI3LTVmNWItYjRjMy1kMTY5OGFhN2Q1NTkSBgiA98TVBg==",
      event: .memberPromoted(MemberPromoted(memberID: memberID, at: at))),
  ]

  /// The enrollment codec, its key ring holding the fixed key of the example member (or none: forgotten).
  static func codec(forgotten: Bool = false) async throws -> EventCodec<EnrollmentEvent> {
    let ring = KeyRing(store: InMemoryKeyStore(keys: forgotten ? [:] : [memberID: PeopleEventSchemaHistoryTests.key]))
    try await ring.load([memberID])
    return Codecs(keys: ring).enrollment
  }

  static func recorded(_ example: Example) throws -> RecordedEvent {
    RecordedEvent(
      id: UUID(), stream: CohortStreams.stream(tenantID: UUID(), cohortID: Self.cohortID), version: 1, position: 1,
      type: example.type, schemaVersion: example.schemaVersion, data: try #require(Data(base64Encoded: example.base64)),
      metadata: Data(), recordedAt: Self.at)
  }

  @Test("every stored example decodes to its event", arguments: examples)
  func decodes(_ example: Example) async throws {
    #expect(try await Self.codec().decode(Self.recorded(example)) == example.event)
  }

  /// The projection's read-ahead learns whose keys a batch needs before decoding it: for an
  /// enrollment, from the event's member id (there may be no person event in the batch).
  @Test("a batch of sealed enrollments alone, read with no key in memory, loads its member's key and opens them")
  func readAheadLoadsMemberKeys() async throws {
    let codecs = Codecs(
      keys: KeyRing(store: InMemoryKeyStore(keys: [Self.memberID: PeopleEventSchemaHistoryTests.key])))
    let sealed = Self.examples.filter(\.sealed)
    #expect(!sealed.isEmpty)
    let decoded = try await codecs.decoded(try sealed.map(Self.recorded))
    for (example, event) in zip(sealed, decoded) {
      guard case .success(.enrollment(_, let enrollment)) = event.content else {
        Issue.record("\(example.type) did not decode as an enrollment event: \(String(describing: event.content))")
        continue
      }
      #expect(enrollment == example.event, "\(example.type) version \(example.schemaVersion)")
    }
  }

  @Test("a sealed contact of a forgotten member decodes as erased; one stored in clear (version 1) stays")
  func forgotten() async throws {
    let codec = try await Self.codec(forgotten: true)
    for example in Self.examples where example.type.hasSuffix("MemberEnrolled") {
      guard case .memberEnrolled(let enrolled) = try codec.decode(Self.recorded(example)) else {
        Issue.record("\(example) did not decode as MemberEnrolled")
        continue
      }
      #expect((enrolled.contact == nil) == example.sealed, "\(example)")
    }
  }

  @Test("the current encoder writes the newest example of each type (byte for byte where nothing is sealed)")
  func encodes() async throws {
    let codec = try await Self.codec()
    let newest = Dictionary(grouping: Self.examples, by: \.type).compactMapValues {
      $0.max { $0.schemaVersion < $1.schemaVersion }
    }
    for example in newest.values {
      let (type, schemaVersion, data) = try codec.encode(example.event)
      #expect(type == example.type && schemaVersion == example.schemaVersion, "\(example)")
      if example.sealed {
        var recorded = try Self.recorded(example)
        recorded.data = data
        #expect(try codec.decode(recorded) == example.event, "\(example) round trip")
        #expect(!data.contains("minji".utf8), "\(example): the e-mail is sealed")
      } else {
        #expect(data.base64EncodedString() == example.base64, "\(example)")
      }
    }
  }

  @Test("every event type has an example")
  func complete() async throws {
    let codec = try await Self.codec()
    #expect(Set(Self.examples.map(\.type)) == codec.types)
    // An example of every version each type can read, not only of the current one.
    for row in codec.rows.values {
      #expect(
        Set(Self.examples.filter { $0.type == row.type }.map(\.schemaVersion)) == Set(row.readers.keys),
        "\(row.type): an example of every schema version it reads")
    }
  }

  // MARK: Access events

  static let tenantID = UUID(uuidString: "6f9d3a1e-2b7c-4e58-9a41-0c2d5e8f7b13")!
  static let tokenID = UUID(uuidString: "3b8e1f52-7a6d-4c09-8e2f-5d1a9b7c4e60")!

  struct AccessExample: Sendable, CustomStringConvertible {
    var type: String
    var schemaVersion: Int32
    var base64: String
    var event: AccessEvent
    var description: String { "\(type) v\(schemaVersion)" }
  }

  static let accessExamples: [AccessExample] = [
    AccessExample(
      type: "cohort.v1.events.TenantCreated", schemaVersion: 1,
      base64: "CiQ2ZjlkM2ExZS0yYjdjLTRlNTgtOWE0MS0wYzJkNWU4ZjdiMTMSGUFJIOyKpO2EsOuUlCDsu6TrrqTri4jti7AaBgiA98TVBg==",
      event: .tenantCreated(TenantCreated(tenantID: tenantID, name: "AI 스터디 커뮤니티", at: at))),
    AccessExample(
      type: "cohort.v1.events.TokenIssued", schemaVersion: 1,
      base64:
        "CiQzYjhlMWY1Mi03YTZkLTRjMDktOGUyZi01ZDFhOWI3YzRlNjAQAhogAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8iEHN0YWZmOiDrsJXshJzsl7AqBgiA98TVBg==",
      event: .tokenIssued(
        TokenIssued(tokenID: tokenID, role: .staff, secretHash: Data(0..<32), label: "staff: 박서연", at: at))),
    // Field 7 (expires_at), added with revocation: older readers skip it, older events lack it.
    AccessExample(
      type: "cohort.v1.events.TokenIssued", schemaVersion: 1,
      base64:
        "CiQzYjhlMWY1Mi03YTZkLTRjMDktOGUyZi01ZDFhOWI3YzRlNjAQAhogAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8iEHN0YWZmOiDrsJXshJzsl7AqBgiA98TVBjoGCICR49YG",
      event: .tokenIssued(
        TokenIssued(
          tokenID: tokenID, role: .staff, secretHash: Data(0..<32), label: "staff: 박서연", at: at,
          expiresAt: at.addingTimeInterval(30 * 86_400)))),
    AccessExample(
      type: "cohort.v1.events.TokenRevoked", schemaVersion: 1,
      base64:
        "CiQzYjhlMWY1Mi03YTZkLTRjMDktOGUyZi01ZDFhOWI3YzRlNjASDWxlZnQgdGhlIHRlYW0aBgiA98TVBiIkNmY5ZDNhMWUtMmI3Yy00ZTU4LTlhNDEtMGMyZDVlOGY3YjEz",
      event: .tokenRevoked(TokenRevoked(tokenID: tokenID, reason: "left the team", revokedBy: tenantID, at: at))),
  ]

  @Test("every stored access example decodes to its event", arguments: accessExamples)
  func decodesAccess(_ example: AccessExample) throws {
    let recorded = RecordedEvent(
      id: UUID(), stream: AccessEventCodec.tenantStream(Self.tenantID), version: 1, position: 1,
      type: example.type, schemaVersion: example.schemaVersion, data: try #require(Data(base64Encoded: example.base64)),
      metadata: Data(), recordedAt: Self.at)
    #expect(try AccessEventCodec.codec.decode(recorded) == example.event)
  }

  @Test("the current access encoder writes the newest example byte for byte", arguments: accessExamples)
  func encodesAccess(_ example: AccessExample) throws {
    let (type, schemaVersion, data) = try AccessEventCodec.codec.encode(example.event)
    #expect(type == example.type && schemaVersion == example.schemaVersion)
    #expect(data.base64EncodedString() == example.base64)
  }

  @Test("every access event type has an example")
  func completeAccess() {
    #expect(Set(Self.accessExamples.map(\.type)) == AccessEventCodec.codec.types)
    for row in AccessEventCodec.codec.rows.values {
      #expect(
        Set(Self.accessExamples.filter { $0.type == row.type }.map(\.schemaVersion)) == Set(row.readers.keys),
        "\(row.type): an example of every schema version it reads")
    }
  }

  @Test("an unknown schema version or an undecodable payload is reported as corrupted, not skipped")
  func corrupted() async throws {
    let codec = try await Self.codec()
    var recorded = RecordedEvent(
      id: UUID(), stream: CohortStreams.stream(tenantID: UUID(), cohortID: Self.cohortID), version: 1, position: 7,
      type: "cohort.v1.events.MemberEnrolled", schemaVersion: 99, data: Data(), metadata: Data(), recordedAt: Self.at)
    #expect(throws: EventStoreError.self) { try codec.decode(recorded) }
    recorded.schemaVersion = 1
    recorded.data = Data([0xFF, 0xFF, 0xFF])
    let error = #expect(throws: EventStoreError.self) { try codec.decode(recorded) }
    #expect(error?.code == .corrupted)
    recorded.type = "cohort.v1.events.SomethingElse"
    #expect(try codec.decode(recorded) == nil)
  }
}
