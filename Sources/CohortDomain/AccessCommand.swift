import Foundation

/// What can be done to a tenant's access: create the tenant, issue and revoke tokens.
public enum AccessCommand: Equatable, Sendable {
  /// Creates the tenant (a community) with its first owner token.
  case createTenant(name: String, owner: NewToken)
  /// Issues one more token for the tenant.
  case issueToken(NewToken)
  /// Refuses a token from now on. `by` is the revoking token; `nil` on the server's machine.
  case revokeToken(UUID, reason: String, by: UUID?)
}

/// A token to record. Only the hash of its secret: the secret is shown once to whoever asked for
/// it and is never stored.
public struct NewToken: Equatable, Sendable {
  public var role: AccessRole
  public var secretHash: Data
  /// Who the token is for, e.g. "staff: 박서연"; 1...200 characters.
  public var label: String
  /// The registered person the token belongs to, if any: a member's token bound to a person sees
  /// that person's own record.
  public var personID: UUID?
  /// When the token stops being accepted; `nil`: never.
  public var expiresAt: Date?

  public init(role: AccessRole, secretHash: Data, label: String, personID: UUID? = nil, expiresAt: Date? = nil) {
    self.role = role
    self.secretHash = secretHash
    self.label = label
    self.personID = personID
    self.expiresAt = expiresAt
  }
}
