import EventStore

/// A read model folded from the log: `apply` is pure with respect to everything but `self`.
///
/// Read models live in memory; they can always be thrown away and rebuilt from the log.
public protocol Projection: Sendable {
  /// What one event is folded as: the event as stored, or what the runner's read-ahead stage
  /// decoded it into (``ProjectionRunner``'s `prepare`), so that the fold only applies it.
  associatedtype Input: ProjectionInput = RecordedEvent

  /// Folds one event in. Events of types the projection does not know are skipped by it; an
  /// event it knows but cannot decode is an error that stops the projection (the log is never
  /// silently skipped).
  mutating func apply(_ input: Input) throws
}

/// One event on its way into a projection: it knows its place in the log.
public protocol ProjectionInput: Sendable {
  var position: Int64 { get }
}

extension RecordedEvent: ProjectionInput {}
