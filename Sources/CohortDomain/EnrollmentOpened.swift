import Foundation

/// The cohort started (or resumed) taking enrollments.
public struct EnrollmentOpened: Equatable, Sendable {
  /// When enrollment opened.
  public let at: Date

  /// Creates the event.
  public init(at: Date) {
    self.at = at
  }
}
