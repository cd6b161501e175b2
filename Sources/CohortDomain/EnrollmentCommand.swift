/// Everything that can be asked of one cohort's enrollment.
public enum EnrollmentCommand: Equatable, Sendable {
  /// Creates the cohort.
  case schedule(ScheduleCohort)
  /// Starts taking enrollments (also reopens a closed cohort).
  case openEnrollment
  /// Stops taking enrollments.
  case closeEnrollment
  /// Takes a seat, or a place on the waitlist when the cohort is full.
  case enroll(Enroll)
  /// Gives up a seat or a place on the waitlist.
  case withdraw(Withdraw)
  /// The cohort begins: enrollment closes.
  case start
  /// The cohort ends: its members become alumni.
  case complete
  /// The cohort will not take place.
  case cancel
  /// A discount for one person, before they pay.
  case grantDiscount(GrantDiscount)
}
