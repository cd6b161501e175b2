import Foundation

/// The rules of a tenant's access: one stream per tenant holds the tenant and every token issued
/// for it. The context's subject is the tenant's id.
public enum Access: Decider {
  public struct State: Equatable, Sendable {
    /// The tenant's name once it is created.
    public var tenantName: String?
    /// Every token issued, by id.
    public var tokens: [UUID: TokenIssued] = [:]
    public var revoked: Set<UUID> = []

    /// Tokens of `role` accepted at `now`.
    public func valid(_ role: AccessRole, at now: Date) -> [UUID] {
      tokens.values.filter { $0.role == role && !revoked.contains($0.tokenID) && $0.unexpired(at: now) }.map(\.tokenID)
    }
  }

  /// The roles whose tokens a caller of `role` may issue and revoke: an owner any, staff those of
  /// partners and members, nobody else any.
  public static func manages(_ role: AccessRole) -> Set<AccessRole> {
    switch role {
    case .owner: Set(AccessRole.allCases)
    case .staff: [.partner, .member]
    case .partner, .member: []
    }
  }

  public static let initial = State()

  public static func decide(
    _ command: AccessCommand, state: State, context: DecisionContext
  ) throws(DomainError) -> [AccessEvent] {
    switch command {
    case .createTenant(let name, let owner):
      let name = try PersonFields.text(name, field: "name", maxCharacters: 200, allowEmpty: false)
      guard owner.role == .owner else {
        throw .invalidArgument("role", "a tenant starts with an owner token, not a \(owner.role.rawValue) token")
      }
      let issued = try issue(owner, context: context)
      guard state.tenantName == nil else {
        throw DomainError(.alreadyExists, "the tenant already exists")
      }
      return [.tenantCreated(TenantCreated(tenantID: context.subjectID, name: name, at: context.now)), issued]
    case .issueToken(let token):
      let issued = try issue(token, context: context)
      guard state.tenantName != nil else {
        throw DomainError(.notFound, "the tenant does not exist")
      }
      return [issued]
    case .revokeToken(let tokenID, let reason, let by):
      let reason = try PersonFields.text(reason, field: "reason", maxCharacters: 500, allowEmpty: true)
      guard let token = state.tokens[tokenID] else {
        throw DomainError(.notFound, "no token \(tokenID.uuidString.lowercased()) in this community")
      }
      // Revoked already: nothing changes, and a retry is not an error.
      guard !state.revoked.contains(tokenID) else { return [] }
      if token.role == .owner, state.valid(.owner, at: context.now) == [tokenID] {
        throw DomainError(
          .failedPrecondition,
          "token \(tokenID.uuidString.lowercased()) is the community's last valid owner token: issue another owner token first"
        )
      }
      return [.tokenRevoked(TokenRevoked(tokenID: tokenID, reason: reason, revokedBy: by, at: context.now))]
    }
  }

  public static func evolve(_ state: inout State, _ event: AccessEvent) {
    switch event {
    case .tenantCreated(let created): state.tenantName = created.name
    case .tokenIssued(let issued): state.tokens[issued.tokenID] = issued
    case .tokenRevoked(let revoked): state.revoked.insert(revoked.tokenID)
    }
  }

  private static func issue(_ token: NewToken, context: DecisionContext) throws(DomainError) -> AccessEvent {
    let label = try PersonFields.text(token.label, field: "label", maxCharacters: 200, allowEmpty: false)
    guard token.secretHash.count == 32 else {
      throw .invalidArgument("token", "a token is recorded by its SHA-256 hash (32 bytes)")
    }
    if let expiresAt = token.expiresAt, expiresAt <= context.now {
      throw .invalidArgument("expires_at", "expires_at must be in the future")
    }
    return .tokenIssued(
      TokenIssued(
        tokenID: context.newID(), role: token.role, secretHash: token.secretHash, label: label,
        personID: token.personID, at: context.now, expiresAt: token.expiresAt))
  }
}
