import CohortDomain
import EventStore
import Foundation
import Logging
import Projections

/// Everything the server answers queries from: each area's read model, folded from the log in
/// one pass. Each skips the events of other areas.
struct CohortReadModel: Projection {
  var enrollment: EnrollmentReadModel
  var access = AccessRegistry()
  var people: PeopleReadModel
  var outreach = OutreachReadModel()
  var groups = GroupsReadModel()

  init(codecs: Codecs) {
    enrollment = EnrollmentReadModel(codec: codecs.enrollment)
    people = PeopleReadModel(codecs: codecs)
  }

  /// Every tenant's cohorts with their rosters.
  var catalog: CohortCatalog { enrollment.catalog }

  mutating func apply(_ event: RecordedEvent) throws {
    try enrollment.apply(event)
    try access.apply(event)
    try outreach.apply(event)
    try groups.apply(event)
    if case .personForgotten(let forgotten) = try people.apply(event) {
      enrollment.catalog.erase(memberID: forgotten.personID, tenantID: event.stream.tenantID)
    }
  }
}

/// Enrollment's read model: every tenant's cohorts with their rosters.
struct EnrollmentReadModel: Projection {
  let codec: EventCodec<EnrollmentEvent>
  var catalog = CohortCatalog()

  mutating func apply(_ event: RecordedEvent) throws {
    guard let enrollment = try codec.decode(event) else { return }
    guard let cohortID = CohortStreams.cohortID(of: event.stream) else {
      throw EventStoreError(.corrupted, "enrollment event \(event.position) in stream \(event.stream)")
    }
    catalog.apply(tenantID: event.stream.tenantID, cohortID: cohortID, event: enrollment)
  }
}

/// Outreach's read model: every tenant's experiments with their attempts.
struct OutreachReadModel: Projection {
  var book = OutreachBook()

  mutating func apply(_ event: RecordedEvent) throws {
    guard let outreach = try OutreachEventCodec.codec.decode(event) else { return }
    guard let experimentID = OutreachEventCodec.experimentID(of: event.stream) else {
      throw EventStoreError(.corrupted, "outreach event \(event.position) in stream \(event.stream)")
    }
    book.apply(tenantID: event.stream.tenantID, experimentID: experimentID, event: outreach)
  }
}

/// Partner groups' read model: every tenant's groups per cohort.
struct GroupsReadModel: Projection {
  var book = GroupsBook()

  mutating func apply(_ event: RecordedEvent) throws {
    guard let groups = try GroupsEventCodec.codec.decode(event) else { return }
    guard let cohortID = GroupsEventCodec.cohortID(of: event.stream) else {
      throw EventStoreError(.corrupted, "groups event \(event.position) in stream \(event.stream)")
    }
    book.apply(tenantID: event.stream.tenantID, cohortID: cohortID, event: groups)
  }
}

/// People and payments: every tenant's people with their status, payments and funnel.
struct PeopleReadModel {
  let codecs: Codecs
  var directory = CustomerDirectory()

  /// Applies `event`; the person's event it was, if it was one.
  @discardableResult
  mutating func apply(_ event: RecordedEvent) throws -> PeopleEvent? {
    if let person = try codecs.people.decode(event) {
      guard let personID = Codecs.personID(of: event.stream) else {
        throw EventStoreError(.corrupted, "person event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, personID: personID, event: person)
      return person
    } else if let payment = try codecs.payments.decode(event) {
      guard let paymentID = Codecs.paymentID(of: event.stream) else {
        throw EventStoreError(.corrupted, "payment event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, paymentID: paymentID, event: payment)
    }
    return nil
  }
}

/// What every service and listener of one server shares: the log, the one command pipeline
/// (one lock and one cache per stream), the keys of personal data, the codecs that seal with
/// them, and the read model that follows the log.
struct ServerCore: Sendable {
  let store: any EventStore
  let commands: CommandHandler
  let keys: KeyRing
  let codecs: Codecs
  let readModel: ProjectionRunner<CohortReadModel>
  /// Every event type the log holds, for readers that show events as stored.
  let eventCatalog: EventCatalog
  /// Seats people whose payment is validated (``AutomaticEnrollment``); runs as its own service.
  let automaticEnrollment: AutomaticEnrollment

  init(store: any EventStore, keys: any KeyStore, logger: Logger) {
    self.store = store
    commands = CommandHandler(store: store, now: { Date() })
    self.keys = KeyRing(store: keys)
    let codecs = Codecs(keys: self.keys)
    self.codecs = codecs
    eventCatalog = EventCatalog(codecs: codecs)
    let automaticEnrollment = AutomaticEnrollment()
    self.automaticEnrollment = automaticEnrollment
    readModel = ProjectionRunner(
      store: store, initial: CohortReadModel(codecs: codecs), logger: logger,
      prepare: { batch in try await codecs.prepare(batch) },
      folded: { batch in automaticEnrollment.folded(batch) })
  }
}
