import Foundation

/// Takes a seat in the cohort, or a place on the waitlist when every seat is taken.
/// Fields are validated by `Enrollment.decide`.
public struct Enroll: Equatable, Sendable {
  /// Who enrolls.
  public let memberID: UUID
  /// The member's name; surrounding whitespace is trimmed; 1...200 characters.
  public let name: String
  /// The member's email address; trimmed and lowercased before it is recorded.
  public let email: String

  /// Creates the command; nothing is validated until `Enrollment.decide`.
  public init(memberID: UUID, name: String, email: String) {
    self.memberID = memberID
    self.name = name
    self.email = email
  }
}
