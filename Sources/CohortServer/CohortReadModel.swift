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

  /// What the read model has folded, as a snapshot keeps it (``ReadModelSnapshots``).
  struct Content: Codable, Equatable, Sendable {
    /// Every tenant's cohorts with their rosters.
    var enrollment = CohortCatalog()
    var access = AccessRegistry()
    /// Every tenant's people with their status, payments and funnel.
    var people = CustomerDirectory()
    /// Every tenant's experiments with their attempts.
    var outreach = OutreachBook()
    /// Every tenant's partner groups per cohort.
    var groups = GroupsBook()
    /// When each cohort's GetCohort answer last changed: its encoded replies stay valid until then.
    var cohortReplies = ReplyVersions()
    /// Every validated payment for a cohort, for ``AutomaticEnrollment`` to react to again after a
    /// start from a snapshot, as it does to those of a fold from the start of the log.
    var validations: [AutomaticEnrollment.Job] = []
  }

  private(set) var content = Content()
  var enrollment: CohortCatalog { content.enrollment }
  var access: AccessRegistry { content.access }
  var people: CustomerDirectory { content.people }
  var outreach: OutreachBook { content.outreach }
  var groups: GroupsBook { content.groups }
  var cohortReplies: ReplyVersions { content.cohortReplies }
  /// The areas stopped at an event they could not fold, and why.
  private(set) var stopped: [Area: String] = [:]
  private let logger: Logger

  /// Why `service` cannot answer now, or `nil` when it can.
  func stoppedReason(service: String) -> String? {
    Area.allCases.lazy.compactMap { area in
      self.stopped[area].flatMap { area.services.contains(service) ? $0 : nil }
    }.first
  }

  init(logger: Logger, content: Content = Content()) {
    self.logger = logger
    self.content = content
  }

  /// Whether every area folds: a snapshot of a model with a stopped area would hide why it stopped.
  var isWhole: Bool { stopped.isEmpty }

  /// Every tenant's cohorts with their rosters.
  var catalog: CohortCatalog { enrollment }

  mutating func apply(_ event: DecodedEvent) {
    switch event.content {
    case nil:
      return
    case .failure(let failure):
      stop(failure.area, at: event.recorded, why: failure.error.detail)
    case .success(let content):
      apply(content, of: event.recorded)
    }
  }

  private mutating func apply(_ content: DecodedEvent.Content, of event: RecordedEvent) {
    let tenantID = event.stream.tenantID
    guard stopped[content.area] == nil else { return }
    switch content {
    case .enrollment(let cohortID, let change):
      self.content.enrollment.apply(tenantID: tenantID, cohortID: cohortID, event: change)
      guard let number = catalog.cohort(tenantID: tenantID, cohortID: cohortID)?.number else { return }
      if case .cohortCompleted = change {
        // Its members are alumni now, which every other cohort's roster shows.
        self.content.cohortReplies.changedEveryCohort(tenantID: tenantID, at: event.position)
      } else {
        self.content.cohortReplies.changed(tenantID: tenantID, number: number, at: event.position)
      }
    case .access(let change):
      self.content.access.apply(change, tenantID: tenantID)
    case .person(let personID, let change):
      self.content.people.apply(tenantID: tenantID, personID: personID, event: change)
      if case .personForgotten(let forgotten) = change {
        self.content.enrollment.erase(memberID: forgotten.personID, tenantID: tenantID)
        self.content.cohortReplies.changedEveryCohort(tenantID: tenantID, at: event.position)
      }
    case .payment(let paymentID, let change):
      self.content.people.apply(tenantID: tenantID, paymentID: paymentID, event: change)
      // A cohort's revenue counts its payments.
      if let number = people.payment(tenantID: tenantID, paymentID: paymentID)?.cohortNumber {
        self.content.cohortReplies.changed(tenantID: tenantID, number: number, at: event.position)
      }
      if let job = AutomaticEnrollment.Job(event, change) { self.content.validations.append(job) }
    case .outreach(let experimentID, let change):
      self.content.outreach.apply(tenantID: tenantID, experimentID: experimentID, event: change)
    case .groups(let cohortID, let change):
      self.content.groups.apply(tenantID: tenantID, cohortID: cohortID, event: change)
    }
  }

  /// Stops `area` at `event`, which it cannot fold.
  private mutating func stop(_ area: Area, at event: RecordedEvent, why: String) {
    guard stopped[area] == nil else { return }
    let reason =
      "the \(area.rawValue) read model stopped at log position \(event.position): this build cannot read its "
      + "\(event.type) (schema version \(event.schemaVersion)): \(why); run the newest cohortd"
    stopped[area] = reason
    logger.critical(
      "\(reason)", metadata: ["area": "\(area.rawValue)", "services": "\(area.services.joined(separator: ", "))"])
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

  /// Snapshots of the read model in `snapshotDirectory`; `nil` writes none.
  let snapshots: ReadModelSnapshots?

  init(store: any EventStore, keys: any KeyStore, logger: Logger, snapshotDirectory: String? = nil) {
    self.store = store
    commands = CommandHandler(store: store, now: { Date() })
    self.keys = KeyRing(store: keys)
    let codecs = Codecs(keys: self.keys)
    self.codecs = codecs
    let eventCatalog = EventCatalog(codecs: codecs)
    self.eventCatalog = eventCatalog
    let snapshots = snapshotDirectory.map {
      ReadModelSnapshots(directory: $0, store: store, keys: keys, schemas: eventCatalog.schemas)
    }
    self.snapshots = snapshots
    let automaticEnrollment = AutomaticEnrollment()
    self.automaticEnrollment = automaticEnrollment
    readModel = ProjectionRunner(
      store: store, initial: CohortReadModel(logger: logger), logger: logger,
      prepare: { batch in try await codecs.decoded(batch) },
      folded: { batch in
        automaticEnrollment.folded(batch)
        // Nothing of a forgotten person stays on this disk, even sealed, until the next snapshot.
        if batch.contains(where: \.forgetsPerson) { snapshots?.discard() }
      })
  }
}
