import CohortDomain
import EventStore
import Foundation
import Logging
import Projections

/// Everything the server answers queries from: each area's read model, folded from the log in
/// one pass. Each skips the events of other areas.
///
/// An event an area cannot fold (one written by a newer server sharing the database, in a schema
/// this build does not know) stops that area at the event, loudly: its services answer
/// UNAVAILABLE and health NOT_SERVING, saying why, while the other areas keep folding and
/// serving. Nothing is skipped silently: a stopped area folds nothing more until a build that
/// reads the event starts and folds the log again.
struct CohortReadModel: Projection {
  enum Area: String, CaseIterable, Sendable {
    case enrollment, access, people, outreach, groups

    /// The gRPC services that answer from this area. Access (tokens) is under every
    /// authenticated call: a token revoked in an event this build cannot read must not work.
    var services: [String] {
      switch self {
      case .enrollment: ["cohort.v1.EnrollmentService"]
      case .access: CohortReadModel.cohortServices
      case .people: ["cohort.v1.PeopleService", "cohort.v1.PaymentsService"]
      case .outreach: ["cohort.v1.OutreachService"]
      case .groups: ["cohort.v1.GroupsService"]
      }
    }
  }

  /// Every service of ours, in health's list.
  static let cohortServices = [
    "cohort.v1.EnrollmentService", "cohort.v1.AdminService", "cohort.v1.PeopleService", "cohort.v1.PaymentsService",
    "cohort.v1.OutreachService", "cohort.v1.GroupsService",
  ]

  var enrollment: EnrollmentReadModel
  var access = AccessRegistry()
  var people: PeopleReadModel
  var outreach = OutreachReadModel()
  var groups = GroupsReadModel()
  /// When each cohort's GetCohort answer last changed: its encoded replies stay valid until then.
  private(set) var cohortReplies = ReplyVersions()
  /// The areas stopped at an event they could not fold, and why.
  private(set) var stopped: [Area: String] = [:]
  private let logger: Logger

  /// Why `service` cannot answer now, or `nil` when it can.
  func stoppedReason(service: String) -> String? {
    Area.allCases.lazy.compactMap { area in
      self.stopped[area].flatMap { area.services.contains(service) ? $0 : nil }
    }.first
  }

  init(codecs: Codecs, logger: Logger) {
    enrollment = EnrollmentReadModel(codec: codecs.enrollment)
    people = PeopleReadModel(codecs: codecs)
    self.logger = logger
  }

  /// Every tenant's cohorts with their rosters.
  var catalog: CohortCatalog { enrollment.catalog }

  mutating func apply(_ event: RecordedEvent) throws {
    let tenantID = event.stream.tenantID
    fold(.enrollment, event) { model in
      guard let (cohortID, change) = try model.enrollment.applied(event),
        let number = model.catalog.cohort(tenantID: tenantID, cohortID: cohortID)?.number
      else { return }
      if case .cohortCompleted = change {
        // Its members are alumni now, which every other cohort's roster shows.
        model.cohortReplies.changedEveryCohort(tenantID: tenantID, at: event.position)
      } else {
        model.cohortReplies.changed(tenantID: tenantID, number: number, at: event.position)
      }
    }
    fold(.access, event) { try $0.access.apply(event) }
    fold(.outreach, event) { try $0.outreach.apply(event) }
    fold(.groups, event) { try $0.groups.apply(event) }
    fold(.people, event) { model in
      switch try model.people.apply(event) {
      case .person(.personForgotten(let forgotten)):
        model.enrollment.catalog.erase(memberID: forgotten.personID, tenantID: tenantID)
        model.cohortReplies.changedEveryCohort(tenantID: tenantID, at: event.position)
      case .payment(let paymentID):
        // A cohort's revenue counts its payments.
        if let number = model.people.directory.payment(tenantID: tenantID, paymentID: paymentID)?.cohortNumber {
          model.cohortReplies.changed(tenantID: tenantID, number: number, at: event.position)
        }
      case .person, nil:
        break
      }
    }
  }

  /// Folds `event` into `area` unless it is stopped; stops it if the event cannot be folded.
  private mutating func fold(_ area: Area, _ event: RecordedEvent, _ body: (inout CohortReadModel) throws -> Void) {
    guard stopped[area] == nil else { return }
    do {
      try body(&self)
    } catch {
      let why = (error as? EventStoreError)?.detail ?? "\(error)"
      let reason =
        "the \(area.rawValue) read model stopped at log position \(event.position): this build cannot read its "
        + "\(event.type) (schema version \(event.schemaVersion)): \(why); run the newest cohortd"
      stopped[area] = reason
      logger.critical(
        "\(reason)", metadata: ["area": "\(area.rawValue)", "services": "\(area.services.joined(separator: ", "))"])
    }
  }
}

/// Enrollment's read model: every tenant's cohorts with their rosters.
struct EnrollmentReadModel: Projection {
  let codec: EventCodec<EnrollmentEvent>
  var catalog = CohortCatalog()

  mutating func apply(_ event: RecordedEvent) throws {
    _ = try applied(event)
  }

  /// Applies `event`; the cohort and the event, if it was one of enrollment's.
  mutating func applied(_ event: RecordedEvent) throws -> (cohortID: UUID, event: EnrollmentEvent)? {
    guard let enrollment = try codec.decode(event) else { return nil }
    guard let cohortID = CohortStreams.cohortID(of: event.stream) else {
      throw EventStoreError(.corrupted, "enrollment event \(event.position) in stream \(event.stream)")
    }
    catalog.apply(tenantID: event.stream.tenantID, cohortID: cohortID, event: enrollment)
    return (cohortID, enrollment)
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

  /// What an event changed: a person (with the event), or a payment.
  enum Change {
    case person(PeopleEvent)
    case payment(UUID)
  }

  /// Applies `event`; what it changed, if it was a person's or a payment's.
  @discardableResult
  mutating func apply(_ event: RecordedEvent) throws -> Change? {
    if let person = try codecs.people.decode(event) {
      guard let personID = Codecs.personID(of: event.stream) else {
        throw EventStoreError(.corrupted, "person event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, personID: personID, event: person)
      return .person(person)
    } else if let payment = try codecs.payments.decode(event) {
      guard let paymentID = Codecs.paymentID(of: event.stream) else {
        throw EventStoreError(.corrupted, "payment event \(event.position) in stream \(event.stream)")
      }
      directory.apply(tenantID: event.stream.tenantID, paymentID: paymentID, event: payment)
      return .payment(paymentID)
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
      store: store, initial: CohortReadModel(codecs: codecs, logger: logger), logger: logger,
      prepare: { batch in try await codecs.prepare(batch) },
      folded: { batch in automaticEnrollment.folded(batch) })
  }
}
