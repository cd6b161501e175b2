import EventStore

/// A read model folded from the log: `apply` is pure with respect to everything but `self`.
///
/// Read models live in memory; they can always be thrown away and rebuilt from the log.
public protocol Projection: Sendable {
  /// Folds one event in. Events of types the projection does not know are skipped by it; an
  /// event it knows but cannot decode is an error that stops the projection (the log is never
  /// silently skipped).
  mutating func apply(_ event: RecordedEvent) throws
}
