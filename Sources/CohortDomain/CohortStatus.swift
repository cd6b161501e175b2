/// Where a cohort is in its life.
public enum CohortStatus: Codable, Hashable, Sendable {
  /// Nothing has happened in the cohort's stream yet.
  case notScheduled
  /// The cohort exists but does not take enrollments yet.
  case scheduled
  /// Members can enroll (or join the waitlist once the cohort is full).
  case open
  /// Enrollment is closed; it can be opened again.
  case closed
  /// The cohort is under way: no one enrolls any more.
  case started
  /// It ended: its members are alumni.
  case completed
  /// It will not take place: nobody is enrolled any more; whoever paid is due a refund.
  case cancelled
}
