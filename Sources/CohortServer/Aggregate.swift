import CohortDomain
import EventStore
import Foundation

/// How one area's streams are stored: the codec of its decider's events. The business decisions
/// stay in `CohortDomain`.
struct Aggregate<Area: Decider>: Sendable {
  var decode: @Sendable (RecordedEvent) throws(EventStoreError) -> Area.Event?
  var encode: @Sendable (Area.Event) throws -> (type: String, data: Data)
  /// The schema version the encoder writes.
  var schemaVersion: Int32
}
