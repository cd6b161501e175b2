import CohortDomain

/// How one area's streams are stored: the codec of its decider's events. The business decisions
/// stay in `CohortDomain`.
struct Aggregate<Area: Decider>: Sendable {
  var codec: EventCodec<Area.Event>
}
