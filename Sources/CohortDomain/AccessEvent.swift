import Foundation

/// What happened to a tenant's access, in its stream.
public enum AccessEvent: Equatable, Sendable {
  case tenantCreated(TenantCreated)
  case tokenIssued(TokenIssued)
  case tokenRevoked(TokenRevoked)
}

public struct TenantCreated: Equatable, Sendable {
  public var tenantID: UUID
  public var name: String
  public var at: Date

  public init(tenantID: UUID, name: String, at: Date) {
    self.tenantID = tenantID
    self.name = name
    self.at = at
  }
}

public struct TokenIssued: Codable, Equatable, Sendable {
  public var tokenID: UUID
  public var role: AccessRole
  public var secretHash: Data
  public var label: String
  /// The person the token belongs to; `nil` for a token bound to nobody.
  public var personID: UUID?
  public var at: Date
  /// When the token stops being accepted; `nil`: never.
  public var expiresAt: Date?

  public init(
    tokenID: UUID, role: AccessRole, secretHash: Data, label: String, personID: UUID? = nil, at: Date,
    expiresAt: Date? = nil
  ) {
    self.tokenID = tokenID
    self.role = role
    self.secretHash = secretHash
    self.label = label
    self.personID = personID
    self.at = at
    self.expiresAt = expiresAt
  }

  /// Accepted at `now`: not expired (revocation is another event).
  public func unexpired(at now: Date) -> Bool { expiresAt.map { now < $0 } ?? true }
}

public struct TokenRevoked: Codable, Equatable, Sendable {
  public var tokenID: UUID
  public var reason: String
  /// The token that revoked it; `nil` on the server's machine (`cohortd owner-token`).
  public var revokedBy: UUID?
  public var at: Date

  public init(tokenID: UUID, reason: String, revokedBy: UUID?, at: Date) {
    self.tokenID = tokenID
    self.reason = reason
    self.revokedBy = revokedBy
    self.at = at
  }
}
