import CohortAPI
import CohortDomain
import EventStore
import Foundation
import Testing

@testable import CohortServer

/// One stored example of every people and payment event type and schema version ever written,
/// sealed parts included (under a fixed key). Never edit an example: add a new version beside it.
@Suite("Stored people and payment events stay readable")
struct PeopleEventSchemaHistoryTests {
  static let at = Date(timeIntervalSince1970: 1_790_000_000)
  static let tenantID = UUID(uuidString: "6f9d3a1e-2b7c-4e58-9a41-0c2d5e8f7b13")!
  static let personID = UUID(uuidString: "2c5b7e0a-91d4-8f36-a1b2-c3d4e5f60718")!
  static let paymentID = UUID(uuidString: "9e1f2a3b-4c5d-5e6f-8a7b-8c9d0e1f2a3b")!
  static let tokenID = UUID(uuidString: "3b8e1f52-7a6d-4c09-8e2f-5d1a9b7c4e60")!
  static let key = EncryptionKey(bytes: Data((0..<32).map { UInt8($0 * 7 % 256) }))!
  static let price = try! Money(amountMinor: 200_000, currency: .krw)

  enum Event: Equatable, Sendable {
    case people(PeopleEvent)
    case payment(PaymentEvent)
  }

  struct Example: Sendable, CustomStringConvertible {
    var type: String
    var schemaVersion: Int32
    var base64: String
    var event: Event
    /// Sealed with a random nonce: the encoder's bytes differ each time, so only the round trip is checked.
    var sealed = false
    var description: String { "\(type) v\(schemaVersion)" }
  }

  static let examples: [Example] = [
    Example(
      type: "cohort.v1.events.PersonRegistered", schemaVersion: 1,
      base64:
        "CiQyYzViN2UwYS05MWQ0LThmMzYtYTFiMi1jM2Q0ZTVmNjA3MTgSWApWFLtdXoomXRP1552+7X1m87yQigcA++b3ChrDHVKl275WUrNLdsuP1JAoo0bFLRnnQFHBEng1JQCPShjKbIdvauukPiTbSvtxCNS/ThBsCn6OaP4M4HkaCW9wZW4gY2hhdCIGCID3xNUG",
      event: .people(
        .personRegistered(
          PersonRegistered(
            personID: personID,
            details: PersonDetails(name: "김민지", email: "minji@example.com", phone: "+821012345678", note: "9기 문의"),
            source: "open chat", at: at))), sealed: true),
    Example(
      type: "cohort.v1.events.InterestRecorded", schemaVersion: 1,
      base64:
        "CiQyYzViN2UwYS05MWQ0LThmMzYtYTFiMi1jM2Q0ZTVmNjA3MTgQCRoJaW5zdGFncmFtIgYIgPfE1QY=",
      event: .people(
        .interestRecorded(InterestRecorded(personID: personID, cohortNumber: 9, channel: "instagram", at: at)))),
    Example(
      type: "cohort.v1.events.PersonForgotten", schemaVersion: 1,
      base64:
        "CiQyYzViN2UwYS05MWQ0LThmMzYtYTFiMi1jM2Q0ZTVmNjA3MTgSBgiA98TVBg==",
      event: .people(.personForgotten(PersonForgotten(personID: personID, at: at)))),
    Example(
      type: "cohort.v1.events.PaymentExpected", schemaVersion: 1,
      base64:
        "CiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2ISJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBgJIgkIwJoMEgNLUlcqCm9yZGVyLTAwMDEyBgiA98TVBg==",
      event: .payment(
        .paymentExpected(
          PaymentExpected(
            paymentID: paymentID, personID: personID, cohortNumber: 9, amount: price, providerPaymentID: "order-0001",
            at: at)))),
    Example(
      type: "cohort.v1.events.PaymentValidated", schemaVersion: 1,
      base64:
        "CiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2ISJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBgJIgkIwJoMEgNLUlcqB3R4LTAwMDE6BgiA98TVBg==",
      event: .payment(
        .paymentValidated(
          PaymentValidated(
            paymentID: paymentID, personID: personID, cohortNumber: 9, amount: price,
            method: .portOne(transactionID: "tx-0001"), at: at)))),
    Example(
      type: "cohort.v1.events.PaymentValidated", schemaVersion: 1,
      base64:
        "CiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2ISJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBgJIgkIwJoMEgNLUlcyegpSClDzSDaywTxjlRKhVT1sJH3dKOhCW8k5KDE46sZD/2Gx6upRLqG8yLllfPdrMFQ0A9JV0iHTM5bvehFrXWSipaDEEObpyRdEG8IVXNdpASxLORIkM2I4ZTFmNTItN2E2ZC00YzA5LThlMmYtNWQxYTliN2M0ZTYwOgYIgPfE1QY=",
      event: .payment(
        .paymentValidated(
          PaymentValidated(
            paymentID: paymentID, personID: personID, cohortNumber: 9, amount: price,
            method: .bankTransfer(
              BankReference(
                reference: "국민 김민지 12/01", bank: "국민", depositor: "김민지", date: try! CalendarDate(iso: "2026-12-01")),
              confirmedBy: tokenID), at: at))), sealed: true),
    Example(
      type: "cohort.v1.events.PaymentValidationRefused", schemaVersion: 1,
      base64:
        "CiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2ISJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBoKb3JkZXItMDAwMTIUCgkIwJoMEgNLUlcQoI0GGgNLUlc6BgiA98TVBg==",
      event: .payment(
        .paymentValidationRefused(
          PaymentValidationRefused(
            paymentID: paymentID, personID: personID, providerPaymentID: "order-0001",
            reason: .amountMismatch(expected: price, reported: 100_000, reportedCurrency: "KRW"), at: at)))),
    Example(
      type: "cohort.v1.events.PaymentRefunded", schemaVersion: 1,
      base64:
        "CiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2ISJDJjNWI3ZTBhLTkxZDQtOGYzNi1hMWIyLWMzZDRlNWY2MDcxOBoJCNCGAxIDS1JXIgxtb3ZlZCBhYnJvYWQqJDNiOGUxZjUyLTdhNmQtNGMwOS04ZTJmLTVkMWE5YjdjNGU2MDoGCID3xNUG",
      event: .payment(
        .paymentRefunded(
          PaymentRefunded(
            paymentID: paymentID, personID: personID, amount: try! Money(amountMinor: 50_000, currency: .krw),
            reason: "moved abroad", source: .staff(tokenID), at: at)))),
  ]

  /// Codecs whose key ring holds the fixed key of the example person (or none: forgotten).
  static func codecs(forgotten: Bool = false) async throws -> Codecs {
    let ring = KeyRing(store: InMemoryKeyStore(keys: forgotten ? [:] : [personID: key]))
    try await ring.load([personID])
    return Codecs(keys: ring)
  }

  static func recorded(_ example: Example) throws -> RecordedEvent {
    let stream =
      switch example.event {
      case .people: Codecs.personStream(tenantID: tenantID, personID: personID)
      case .payment: Codecs.paymentStream(tenantID: tenantID, paymentID: paymentID)
      }
    return RecordedEvent(
      id: UUID(), stream: stream, version: 1, position: 1, type: example.type, schemaVersion: example.schemaVersion,
      data: try #require(Data(base64Encoded: example.base64)), metadata: Data(), recordedAt: at)
  }

  static func decode(_ recorded: RecordedEvent, with codecs: Codecs) throws -> Event? {
    if let event = try codecs.people.decode(recorded) { return .people(event) }
    return try codecs.payments.decode(recorded).map(Event.payment)
  }

  static func encode(_ event: Event, with codecs: Codecs) throws -> (String, Int32, Data) {
    switch event {
    case .people(let event): try codecs.people.encode(event)
    case .payment(let event): try codecs.payments.encode(event)
    }
  }

  @Test("every stored example decodes to its event", arguments: examples)
  func decodes(_ example: Example) async throws {
    #expect(try Self.decode(try Self.recorded(example), with: try await Self.codecs()) == example.event)
  }

  @Test(
    "the current encoder writes the newest example byte for byte (sealed ones: reads back the same)",
    arguments: examples)
  func encodes(_ example: Example) async throws {
    let codecs = try await Self.codecs()
    let (type, schemaVersion, data) = try Self.encode(example.event, with: codecs)
    #expect(type == example.type && schemaVersion == example.schemaVersion)
    if example.sealed {
      var recorded = try Self.recorded(example)
      recorded.data = data
      #expect(data.base64EncodedString() != example.base64, "a fresh nonce per seal")
      #expect(try Self.decode(recorded, with: codecs) == example.event)
    } else {
      #expect(data.base64EncodedString() == example.base64)
    }
  }

  @Test("without the person's key, sealed data reads as erased and everything else stays")
  func erased() async throws {
    let codecs = try await Self.codecs(forgotten: true)
    for example in Self.examples {
      let decoded = try Self.decode(try Self.recorded(example), with: codecs)
      switch (decoded, example.event) {
      case (.people(.personRegistered(let read)), .people(.personRegistered(var original))):
        original.details = nil
        #expect(read == original)
      case (.payment(.paymentValidated(let read)), .payment(.paymentValidated(var original))):
        if case .bankTransfer(_, let by) = original.method { original.method = .bankTransfer(nil, confirmedBy: by) }
        #expect(read == original)
      default:
        #expect(decoded == example.event)
      }
    }
  }

  @Test("a sealed value does not open for another person")
  func boundToItsPerson() async throws {
    let ring = KeyRing(store: InMemoryKeyStore(keys: [Self.personID: Self.key, Self.tenantID: Self.key]))
    try await ring.load([Self.personID, Self.tenantID])
    let sealed = try ring.seal(Cohort_V1_Events_PersonalData.with { $0.name = "김민지" }, for: Self.personID)
    #expect(try ring.open(sealed, as: Cohort_V1_Events_PersonalData.self, for: Self.personID)?.name == "김민지")
    // Same key bytes, another subject: the authenticated context differs, so it does not open.
    #expect(try ring.open(sealed, as: Cohort_V1_Events_PersonalData.self, for: Self.tenantID) == nil)
    #expect(!sealed.box.contains(Data("김민지".utf8)))
  }

  @Test("every people and payment event type has an example of every version it reads")
  func complete() async throws {
    let codecs = try await Self.codecs()
    #expect(Set(Self.examples.map(\.type)) == codecs.people.types.union(codecs.payments.types))
    for row in Array(codecs.people.rows.values.map { ($0.type, Set($0.readers.keys)) })
      + codecs.payments.rows.values.map({ ($0.type, Set($0.readers.keys)) })
    {
      #expect(Set(Self.examples.filter { $0.type == row.0 }.map(\.schemaVersion)) == row.1, "\(row.0)")
    }
  }
}
