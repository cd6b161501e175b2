import Foundation

/// What a decision may use besides the command and the state, passed in so that every decider
/// stays a pure function: the same inputs give the same events, in tests as in production.
public struct DecisionContext: Sendable {
  /// When the decision is made: the time stamped on new events.
  public var now: Date
  /// The id of what the stream is about (a cohort, a tenant), recorded when it is created.
  public var subjectID: UUID
  /// A new unique id for something the decision creates.
  public var newID: @Sendable () -> UUID

  public init(now: Date, subjectID: UUID, newID: @escaping @Sendable () -> UUID = { UUID() }) {
    self.now = now
    self.subjectID = subjectID
    self.newID = newID
  }
}

/// One area of the business as pure functions over one event stream: `decide` turns a command
/// into new events (or refuses it in words), `evolve` applies an event that has happened.
///
/// The server runs every area the same way (load or cached state, decide, append at the expected
/// version, retry on conflict); an area is only this, its events' codec and a thin RPC handler.
public protocol Decider {
  associatedtype State: Sendable
  associatedtype Command: Sendable
  associatedtype Event: Sendable

  /// The state of a stream with no events.
  static var initial: State { get }

  /// The events `command` produces in `state`, in order; throws why it is refused. Fields are
  /// checked first, so that a malformed field (`invalidArgument`) is refused whatever the state.
  static func decide(_ command: Command, state: State, context: DecisionContext) throws(DomainError) -> [Event]

  /// Applies one event that has already happened, in place; never fails.
  ///
  /// In place, so that a state holding a cohort's roster is not copied per event: folding a
  /// stream stays linear in its length.
  static func evolve(_ state: inout State, _ event: Event)
}

extension Decider {
  /// Replays a stream from its beginning.
  public static func fold(_ events: some Sequence<Event>) -> State {
    evolved(initial, by: events)
  }

  /// `state` with `events` applied.
  public static func evolved(_ state: consuming State, by events: some Sequence<Event>) -> State {
    var state = state
    for event in events { evolve(&state, event) }
    return state
  }
}
