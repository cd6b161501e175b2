import CohortDomain
import EventStore
import Projections

/// Everything the server answers queries from: each area's read model, folded from the log in
/// one pass. Each skips the events of other areas.
struct CohortReadModel: Projection {
  var catalog = CohortCatalog()
  var access = AccessRegistry()

  mutating func apply(_ event: RecordedEvent) throws {
    try catalog.apply(event)
    try access.apply(event)
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
