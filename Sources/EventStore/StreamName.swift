import Foundation

/// The name of one event stream, scoped by tenant: `category-id`, for example `cohort-<uuid>`.
///
/// Every stream belongs to exactly one tenant (a community); two tenants may use the same
/// name without ever seeing each other's events.
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
  /// The tenant of the installation itself rather than a community (also the namespace of ids
  /// the installation derives, such as the first community's).
  public static let systemTenant = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

  public let tenantID: UUID
  public let name: String

  /// A stream called `category-id`; `category` is a constant of the code (lowercase letters), never input.
  public init(tenantID: UUID, category: String, id: UUID) {
    self.tenantID = tenantID
    self.name = "\(category)-\(id.uuidString.lowercased())"
  }

  /// A stream with a fixed name chosen by the code (`tenant`), or one read back from a store.
  public init(trustedTenantID tenantID: UUID, name: String) {
    self.tenantID = tenantID
    self.name = name
  }

  /// The part before the first `-`: the kind of aggregate the stream holds.
  public var category: Substring {
    name.firstIndex(of: "-").map { name[..<$0] } ?? Substring(name)
  }

  public var description: String { "\(tenantID.uuidString.lowercased())/\(name)" }
}
