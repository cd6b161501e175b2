import Foundation

/// What can be done to a tenant's access: create the tenant, issue tokens.
public enum AccessCommand: Equatable, Sendable {
  /// Creates the tenant (a community) with its first owner token.
  case createTenant(name: String, owner: NewToken)
  /// Issues one more token for the tenant.
  case issueToken(NewToken)
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

  public init(role: AccessRole, secretHash: Data, label: String, personID: UUID? = nil) {
    self.role = role
    self.secretHash = secretHash
    self.label = label
    self.personID = personID
  }
}
