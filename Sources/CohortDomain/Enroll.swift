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
  /// Paid, a scholarship or a free seat.
  public let seat: Seat
  /// For a paid seat: what the person's validated payments for this cohort come to, less
  /// refunds (`nil`: none), as the payments area says.
  public let paid: Money?
  /// Coming from this earlier cohort: the seat is carried over (`paid` is what was paid there).
  public let transferFrom: Int?

  /// Creates the command; nothing is validated until `Enrollment.decide`.
  public init(
    memberID: UUID, name: String, email: String, seat: Seat = .paid, paid: Money? = nil, transferFrom: Int? = nil
  ) {
    self.memberID = memberID
    self.name = name
    self.email = email
    self.seat = seat
    self.paid = paid
    self.transferFrom = transferFrom
  }
}
