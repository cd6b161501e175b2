import Crypto
import Foundation

/// The read model of tenants and tokens: which token hash belongs to which tenant and role.
/// Folded from `TenantCreated` and `TokenIssued` events; tokens themselves are never stored.
struct AccessRegistry: Sendable {
  struct Tenant: Hashable, Sendable {
    var id: UUID
    var name: String
  }

  private(set) var tenants: [UUID: Tenant] = [:]
  private var tokens: [Data: Principal] = [:]

  mutating func add(_ tenant: Tenant) {
    tenants[tenant.id] = tenant
  }

  mutating func add(tokenHash: Data, principal: Principal) {
    tokens[tokenHash] = principal
  }

  /// The principal of a presented token, or `nil` for an unknown one.
  func principal(forToken token: String) -> Principal? {
    tokens[Self.hash(token)]
  }

  static func hash(_ token: String) -> Data {
    Data(SHA256.hash(data: Data(token.utf8)))
  }
}
