import Foundation

/// The rules of a tenant's access: one stream per tenant holds the tenant and every token issued
/// for it. The context's subject is the tenant's id.
public enum Access: Decider {
  public struct State: Equatable, Sendable {
    /// The tenant's name once it is created.
    public var tenantName: String?
    public var tokens: Set<UUID> = []
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
    }
  }

  public static func evolve(_ state: State, _ event: AccessEvent) -> State {
    var next = state
    switch event {
    case .tenantCreated(let created): next.tenantName = created.name
    case .tokenIssued(let issued): next.tokens.insert(issued.tokenID)
    }
    return next
  }

  private static func issue(_ token: NewToken, context: DecisionContext) throws(DomainError) -> AccessEvent {
    let label = try PersonFields.text(token.label, field: "label", maxCharacters: 200, allowEmpty: false)
    guard token.secretHash.count == 32 else {
      throw .invalidArgument("token", "a token is recorded by its SHA-256 hash (32 bytes)")
    }
    return .tokenIssued(
      TokenIssued(
        tokenID: context.newID(), role: token.role, secretHash: token.secretHash, label: label,
        personID: token.personID, at: context.now))
  }
}
