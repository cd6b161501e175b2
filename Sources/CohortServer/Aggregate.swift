import EventStore
import Foundation

/// How one kind of event-sourced aggregate is stored: its initial state, its pure `evolve`, and
/// the codec of its events. The business decisions stay in `CohortDomain`.
struct Aggregate<State: Sendable, Event: Sendable>: Sendable {
  var initial: State
  var evolve: @Sendable (State, Event) -> State
  var decode: @Sendable (RecordedEvent) throws(EventStoreError) -> Event?
  var encode: @Sendable (Event) throws -> (type: String, data: Data)
  /// The schema version the encoder writes.
  var schemaVersion: Int32
}
