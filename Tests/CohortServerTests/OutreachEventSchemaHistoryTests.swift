import CohortDomain
import EventStore
import Foundation
import Testing

@testable import CohortServer

/// One stored example of every outreach event type and schema version ever written. Never edit an
/// example: add a new version beside it.
@Suite("Stored outreach events stay readable")
struct OutreachEventSchemaHistoryTests {
  static let at = Date(timeIntervalSince1970: 1_790_000_000)
  static let experimentID = UUID(uuidString: "4a7b9c1d-2e3f-5a6b-8c9d-0e1f2a3b4c5d")!
  static let attemptID = UUID(uuidString: "5b8c0d2e-3f4a-5b6c-9d0e-1f2a3b4c5d6e")!
  static let personID = UUID(uuidString: "2c5b7e0a-91d4-8f36-a1b2-c3d4e5f60718")!
  static let paymentID = UUID(uuidString: "9e1f2a3b-4c5d-5e6f-8a7b-8c9d0e1f2a3b")!

  struct Example: Sendable, CustomStringConvertible {
    var type: String
    var schemaVersion: Int32
    var base64: String
    var event: OutreachEvent
    var description: String { "\(type) v\(schemaVersion)" }
  }

  static let examples: [Example] = [
    Example(
      type: "cohort.v1.events.ExperimentStarted", schemaVersion: 1,
      base64:
        "CiQ0YTdiOWMxZC0yZTNmLTVhNmItOGM5ZC0wZTFmMmEzYjRjNWQSLDHsnbgg7IKs7JeF7J6Q64qUIOyekOuPme2ZlOyXkCDrj4jsnYQg64K464ukGhjsnpDrj5ntmZQg7Luo7ISk7YyFIDHtmowiCQjgpxISA0tSVygKMgnquYDrr7zsp4A6BwjqDxALGAJCBgiA98TVBg==",
      event: .experimentStarted(
        ExperimentStarted(
          experimentID: experimentID, hypothesis: "1인 사업자는 자동화에 돈을 낸다", offer: "자동화 컨설팅 1회",
          price: try! Money(amountMinor: 300_000, currency: .krw), budget: 10, founder: "김민지",
          startsOn: try! CalendarDate(iso: "2026-11-02"), at: at))),
    Example(
      type: "cohort.v1.events.AttemptLogged", schemaVersion: 1,
      base64:
        "CiQ1YjhjMGQyZS0zZjRhLTViNmMtOWQwZS0xZjJhM2I0YzVkNmUaFgoM6rCA64KY7IOB7IKsEgbrjIDtkZwgAioJMzDrp4wg7JuQMg8IAhABGgnruYTsi7jsmpQ4AUIYCg3ri6Tsi5wg7KCE7ZmUEgcI6g8QCxgGSgcI6g8QCxgDUgYIgPfE1QY=",
      event: .attemptLogged(
        AttemptLogged(
          attempt: LogAttempt(
            attemptID: attemptID, target: .organisation(name: "가나상사", contactRole: "대표"), channel: .call,
            pitch: "30만 원", outcome: .rejected(.price, detail: "비싸요"), complimentsOnly: true,
            nextStep: NextStep(action: "다시 전화", due: try! CalendarDate(iso: "2026-11-06")),
            on: try! CalendarDate(iso: "2026-11-03")), at: at))),
    Example(
      type: "cohort.v1.events.AttemptUpdated", schemaVersion: 1,
      base64:
        "CiQ1YjhjMGQyZS0zZjRhLTViNmMtOWQwZS0xZjJhM2I0YzVkNmUSKAgFKiQ5ZTFmMmEzYi00YzVkLTVlNmYtOGE3Yi04YzlkMGUxZjJhM2IqBgiA98TVBg==",
      event: .attemptUpdated(
        AttemptUpdated(update: UpdateAttempt(attemptID: attemptID, outcome: .paid(payment: paymentID)), at: at))),
    Example(
      type: "cohort.v1.events.ExperimentConcluded", schemaVersion: 1,
      base64:
        "CAMSE+qwgOqyqeuztOuLpCDsi5zqsIQaBgiA98TVBg==",
      event: .experimentConcluded(ExperimentConcluded(result: .pivot, learning: "가격보다 시간", at: at))),
  ]

  /// A person as the target is stored by id: decoded, not compared byte for byte above.
  static let personTarget = OutreachEvent.attemptLogged(
    AttemptLogged(
      attempt: LogAttempt(
        attemptID: attemptID, target: .person(personID), channel: .meeting, pitch: "",
        outcome: .committed(.time, what: "1시간"), on: try! CalendarDate(iso: "2026-11-03")), at: at))

  static func recorded(type: String, schemaVersion: Int32, data: Data) -> RecordedEvent {
    RecordedEvent(
      id: UUID(), stream: OutreachEventCodec.stream(tenantID: UUID(), experimentID: experimentID), version: 1,
      position: 1, type: type, schemaVersion: schemaVersion, data: data, metadata: Data(), recordedAt: at)
  }

  @Test("every stored example decodes to its event", arguments: examples)
  func decodes(_ example: Example) throws {
    let data = try #require(Data(base64Encoded: example.base64))
    #expect(
      try OutreachEventCodec.codec.decode(Self.recorded(type: example.type, schemaVersion: 1, data: data))
        == example.event)
  }

  @Test("the current encoder writes every example byte for byte", arguments: examples)
  func encodes(_ example: Example) throws {
    let (type, schemaVersion, data) = try OutreachEventCodec.codec.encode(example.event)
    #expect(type == example.type && schemaVersion == example.schemaVersion)
    #expect(data.base64EncodedString() == example.base64)
  }

  @Test("every outreach event type has an example of every version it reads; a person target round-trips")
  func complete() throws {
    #expect(Set(Self.examples.map(\.type)) == OutreachEventCodec.codec.types)
    for row in OutreachEventCodec.codec.rows.values {
      #expect(Set(Self.examples.filter { $0.type == row.type }.map(\.schemaVersion)) == Set(row.readers.keys))
    }
    let (type, version, data) = try OutreachEventCodec.codec.encode(Self.personTarget)
    #expect(
      try OutreachEventCodec.codec.decode(Self.recorded(type: type, schemaVersion: version, data: data))
        == Self.personTarget)
  }
}
