import CohortDomain
import EventStore
import Foundation
import Logging
import Projections

/// Everything the server answers queries from: each area's read model, folded from the log in
/// one pass. Each skips the events of other areas.
struct CohortReadModel: Projection {
  var catalog = CohortCatalog()
  var access = AccessRegistry()
  var people: PeopleReadModel

  init(codecs: PeopleCodecs) {
    people = PeopleReadModel(codecs: codecs)
  }

  mutating func apply(_ event: RecordedEvent) throws {
    try catalog.apply(event)
    try access.apply(event)
    try people.apply(event)
  }
}

/// Enrollment's read model: every tenant's cohorts with their rosters.
extension CohortCatalog: Projection {
  public mutating func apply(_ event: RecordedEvent) throws {
    guard let enrollment = try EnrollmentEventCodec.codec.decode(event) else { return }
    guard let cohortID = CohortStreams.cohortID(of: event.stream) else {
      throw EventStoreError(.corrupted, "enrollment event \(event.position) in stream \(event.stream)")
    }
    apply(tenantID: event.stream.tenantID, cohortID: cohortID, event: enrollment)
  }
}

/// People and payments: every tenant's people with their status, payments and funnel.
struct PeopleReadModel: Projection {
  let codecs: PeopleCodecs
  var directory = CustomerDirectory()

  mutating func apply(_ event: RecordedEvent) throws {
    if let person = try codecs.people.decode(event) {
      guard let personID = PeopleCodecs.personID(of: event.stream) else {
        throw EventStoreError(.corrupted, "person event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, personID: personID, event: person)
    } else if let payment = try codecs.payments.decode(event) {
      guard let paymentID = PeopleCodecs.paymentID(of: event.stream) else {
        throw EventStoreError(.corrupted, "payment event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, paymentID: paymentID, event: payment)
    }
  }
}

/// What every service and listener of one server shares: the log, the one command pipeline
/// (one lock and one cache per stream), the keys of personal data, the codecs that seal with
/// them, and the read model that follows the log.
struct ServerCore: Sendable {
  let store: any EventStore
  let commands: CommandHandler
  let keys: KeyRing
  let codecs: PeopleCodecs
  let readModel: ProjectionRunner<CohortReadModel>

  init(store: any EventStore, keys: any KeyStore, logger: Logger) {
    self.store = store
    commands = CommandHandler(store: store, now: { Date() })
    self.keys = KeyRing(store: keys)
    let codecs = PeopleCodecs(keys: self.keys)
    self.codecs = codecs
    readModel = ProjectionRunner(
      store: store, initial: CohortReadModel(codecs: codecs), logger: logger,
      prepare: { batch in try await codecs.prepare(batch) })
  }
}
