import Foundation

/// Everything that can happen to one cohort's enrollment; one cohort is one event stream.
public enum EnrollmentEvent: Equatable, Sendable {
  /// The cohort was created.
  case cohortScheduled(CohortScheduled)
  /// Enrollment opened.
  case enrollmentOpened(EnrollmentOpened)
  /// Enrollment closed.
  case enrollmentClosed(EnrollmentClosed)
  /// A member took a seat.
  case memberEnrolled(MemberEnrolled)
  /// A member joined the waitlist because the cohort was full.
  case memberWaitlisted(MemberWaitlisted)
  /// A member gave up a seat or a place on the waitlist.
  case memberWithdrew(MemberWithdrew)
  /// The first member on the waitlist took a freed seat.
  case memberPromoted(MemberPromoted)
  /// The cohort began.
  case cohortStarted(at: Date)
  /// The cohort ended; its members are alumni.
  case cohortCompleted(at: Date)
  /// The cohort was cancelled: nobody is enrolled any more.
  case cohortCancelled(at: Date)
  /// A person got a discount.
  case discountGranted(DiscountGranted)
}
