import CohortDomain
import Crypto
import EventStore
import Foundation

/// The read model of tenants and tokens: which token hash belongs to which tenant and role, and
/// which tokens are revoked or expire. Folded from `TenantCreated`, `TokenIssued` and
/// `TokenRevoked`; tokens themselves are never stored, only their SHA-256.
struct AccessRegistry: Codable, Equatable, Sendable {
  struct Tenant: Codable, Hashable, Sendable {
    var id: UUID
    var name: String
  }

  /// A token as the community's owners and staff see it (never its hash).
  struct TokenRecord: Codable, Equatable, Sendable {
    var tenantID: UUID
    var issued: TokenIssued
    var revoked: TokenRevoked?

    func valid(at now: Date) -> Bool { revoked == nil && issued.unexpired(at: now) }
  }

  /// What a presented token is worth now.
  enum Authentication: Equatable, Sendable {
    case valid(Principal)
    case unknown
    case revoked(at: Date)
    case expired(at: Date)
  }

  private(set) var tenants: [UUID: Tenant] = [:]
  private var principals: [Data: Principal] = [:]
  private var records: [UUID: TokenRecord] = [:]

  mutating func add(_ tenant: Tenant) {
    tenants[tenant.id] = tenant
  }

  mutating func add(_ issued: TokenIssued, tenantID: UUID) {
    principals[issued.secretHash] = Principal(
      tenantID: tenantID, role: issued.role, tokenID: issued.tokenID, label: issued.label, personID: issued.personID)
    records[issued.tokenID] = TokenRecord(tenantID: tenantID, issued: issued)
  }

  /// The token with the SHA-256 `hash` (``hash(_:)``, computed by the caller outside any lock).
  func authenticate(hash: Data, at now: Date) -> Authentication {
    guard let principal = principals[hash], let record = records[principal.tokenID] else { return .unknown }
    if let revoked = record.revoked { return .revoked(at: revoked.at) }
    if let expiresAt = record.issued.expiresAt, now >= expiresAt { return .expired(at: expiresAt) }
    return .valid(principal)
  }

  /// The principal of a presented token accepted now, or `nil`.
  func principal(forToken token: String) -> Principal? {
    guard case .valid(let principal) = authenticate(hash: Self.hash(token), at: Date()) else { return nil }
    return principal
  }

  /// A community's tokens, newest first.
  func tokens(tenantID: UUID) -> [TokenRecord] {
    records.values.filter { $0.tenantID == tenantID }.sorted {
      ($0.issued.at, $0.issued.tokenID.uuidString) > ($1.issued.at, $1.issued.tokenID.uuidString)
    }
  }

  func token(_ tokenID: UUID, tenantID: UUID) -> TokenRecord? {
    records[tokenID].flatMap { $0.tenantID == tenantID ? $0 : nil }
  }

  static func hash(_ token: String) -> Data {
    Data(SHA256.hash(data: Data(token.utf8)))
  }

  /// Folds an access event of `tenantID`'s in.
  mutating func apply(_ event: AccessEvent, tenantID: UUID) {
    switch event {
    case .tenantCreated(let created):
      add(Tenant(id: tenantID, name: created.name))
    case .tokenIssued(let issued):
      add(issued, tenantID: tenantID)
    case .tokenRevoked(let revoked):
      guard records[revoked.tokenID]?.tenantID == tenantID else { return }
      records[revoked.tokenID]?.revoked = revoked
    }
  }
}
