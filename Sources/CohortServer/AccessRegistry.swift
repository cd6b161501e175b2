import Crypto
import EventStore
import Foundation
import Projections

/// The read model of tenants and tokens: which token hash belongs to which tenant and role.
/// Folded from `TenantCreated` and `TokenIssued` events; tokens themselves are never stored.
struct AccessRegistry: Projection {
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

  /// Folds an access event in; other events are skipped.
  mutating func apply(_ recorded: RecordedEvent) throws {
    switch try AccessEventCodec.codec.decode(recorded) {
    case .tenantCreated(let created):
      add(Tenant(id: recorded.stream.tenantID, name: created.name))
    case .tokenIssued(let issued):
      add(
        tokenHash: issued.secretHash,
        principal: Principal(
          tenantID: recorded.stream.tenantID, role: issued.role, tokenID: issued.tokenID, label: issued.label,
          personID: issued.personID))
    case nil:
      return
    }
  }
}
