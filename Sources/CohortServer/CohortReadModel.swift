import CohortDomain
import EventStore
import Projections

/// Everything the server answers queries from, folded from the log in one pass.
struct CohortReadModel: Projection {
  var catalog = CohortCatalog()
  var access = AccessRegistry()

  mutating func apply(_ event: RecordedEvent) throws {
    if let enrollment = try EnrollmentEventCodec.decode(event) {
      guard let cohortID = CohortStreams.cohortID(of: event.stream) else {
        throw EventStoreError(.corrupted, "enrollment event \(event.position) in stream \(event.stream)")
      }
      catalog.apply(tenantID: event.stream.tenantID, cohortID: cohortID, event: enrollment)
    } else {
      try AccessEventCodec.apply(event, to: &access)
    }
  }
}
