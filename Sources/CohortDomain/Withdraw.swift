import Foundation

/// Gives up a seat or a place on the waitlist. Fields are validated by `Enrollment.decide`.
public struct Withdraw: Equatable, Sendable {
  /// Who withdraws.
  public let memberID: UUID
  /// Why, in the member's words; trimmed; may be empty; at most 500 characters.
  public let reason: String
  /// A refund is due to them (the refund itself is a payment's command).
  public let refundDue: Bool
  /// They leave for this later cohort (a transfer).
  public let transferredTo: Int?

  /// Creates the command; nothing is validated until `Enrollment.decide`.
  public init(memberID: UUID, reason: String = "", refundDue: Bool = false, transferredTo: Int? = nil) {
    self.memberID = memberID
    self.reason = reason
    self.refundDue = refundDue
    self.transferredTo = transferredTo
  }
}
