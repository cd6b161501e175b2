import CohortAPI
import CohortDomain
import EventStore
import Foundation
import Projections

/// An event of the log as the read model folds it: decoded (and its personal data opened) in the
/// projection's read-ahead stage, so that the fold, under the read model's lock, only applies it.
struct DecodedEvent: ProjectionInput {
  /// What the event says, in the terms of its area.
  enum Content: Sendable {
    case enrollment(cohortID: UUID, EnrollmentEvent)
    case access(AccessEvent)
    case person(personID: UUID, PeopleEvent)
    case payment(paymentID: UUID, PaymentEvent)
    case outreach(experimentID: UUID, OutreachEvent)
    case groups(cohortID: UUID, GroupsEvent)

    /// The area that folds it.
    var area: CohortReadModel.Area {
      switch self {
      case .enrollment: .enrollment
      case .access: .access
      case .person, .payment: .people
      case .outreach: .outreach
      case .groups: .groups
      }
    }
  }

  /// The event as stored.
  let recorded: RecordedEvent
  /// Its content; `nil` for an event no area folds.
  let content: Result<Content, Failure>?

  /// An event an area knows but cannot read: it stops that area (``CohortReadModel``).
  struct Failure: Error {
    var area: CohortReadModel.Area
    var error: EventStoreError
  }

  var position: Int64 { recorded.position }

  /// Whether it forgets a person.
  var forgetsPerson: Bool {
    if case .success(.person(_, .personForgotten)) = content { true } else { false }
  }

  /// Decodes `recorded` with `codecs` (the keys of its people must be loaded).
  init(_ recorded: RecordedEvent, codecs: Codecs) {
    self.recorded = recorded
    content = Self.content(of: recorded, codecs: codecs)
  }

  private static func content(of event: RecordedEvent, codecs: Codecs) -> Result<Content, Failure>? {
    func decode<Event>(
      _ area: CohortReadModel.Area, _ codec: EventCodec<Event>, id: (StreamName) -> UUID?,
      _ make: (UUID, Event) -> Content
    ) -> Result<Content, Failure>? {
      do throws(EventStoreError) {
        guard let decoded = try codec.decode(event) else { return nil }
        guard let id = id(event.stream) else {
          throw EventStoreError(.corrupted, "\(event.type) at position \(event.position) in stream \(event.stream)")
        }
        return .success(make(id, decoded))
      } catch {
        return .failure(Failure(area: area, error: error))
      }
    }
    let tenant: (StreamName) -> UUID? = { $0.tenantID }
    return decode(.enrollment, codecs.enrollment, id: CohortStreams.cohortID(of:)) { .enrollment(cohortID: $0, $1) }
      ?? decode(.people, codecs.people, id: Codecs.personID(of:)) { .person(personID: $0, $1) }
      ?? decode(.people, codecs.payments, id: Codecs.paymentID(of:)) { .payment(paymentID: $0, $1) }
      ?? decode(.access, AccessEventCodec.codec, id: tenant) { .access($1) }
      ?? decode(.groups, GroupsEventCodec.codec, id: GroupsEventCodec.cohortID(of:)) { .groups(cohortID: $0, $1) }
      ?? decode(.outreach, OutreachEventCodec.codec, id: OutreachEventCodec.experimentID(of:)) {
        .outreach(experimentID: $0, $1)
      }
  }
}

extension Codecs {
  /// The read-ahead stage of the projection: loads the keys `batch` needs, decodes it, then
  /// drops the keys of the people it forgets (another server deleted them from the store already).
  func decoded(_ batch: [RecordedEvent]) async throws(EventStoreError) -> [DecodedEvent] {
    let subjects = await Self.inParts(batch) { Self.subjects(in: $0) }
    try await keys.load(subjects.reduce(into: []) { $0.formUnion($1) })
    let decoded = await Self.inParts(batch) { [self] part in part.map { DecodedEvent($0, codecs: self) } }
    for event in batch where event.type == Cohort_V1_Events_PersonForgotten.protoMessageName {
      if let person = Self.personID(of: event.stream) { keys.dropFromMemory(person) }
    }
    return decoded.flatMap { $0 }
  }

  /// `body` of `batch` cut in as many parts as there are cores, the parts side by side; the
  /// results in the parts' order. A batch smaller than two parts of 128 is one part (a live
  /// append is a few events).
  private static func inParts<T: Sendable>(
    _ batch: [RecordedEvent], _ body: @escaping @Sendable (ArraySlice<RecordedEvent>) -> T
  ) async -> [T] {
    let parts = min(ProcessInfo.processInfo.activeProcessorCount, batch.count / 128)
    guard parts > 1 else { return [body(batch[...])] }
    let size = (batch.count + parts - 1) / parts
    return await withTaskGroup(of: (Int, T).self) { group in
      for part in 0..<parts {
        let slice = batch[(part * size)..<min((part + 1) * size, batch.count)]
        group.addTask { (part, body(slice)) }
      }
      var results = [(Int, T)]()
      for await result in group { results.append(result) }
      return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }
}
