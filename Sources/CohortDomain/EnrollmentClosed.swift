import Foundation

/// The cohort stopped taking enrollments.
public struct EnrollmentClosed: Equatable, Sendable {
  /// When enrollment closed.
  public let at: Date

  /// Creates the event.
  public init(at: Date) {
    self.at = at
  }
}
