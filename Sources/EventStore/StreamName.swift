import Foundation

/// The name of one event stream, scoped by tenant: `category-id`, for example `cohort-<uuid>`.
///
/// Every stream belongs to exactly one tenant (a community); two tenants may use the same
/// name without ever seeing each other's events. Stream-level data that belongs to no tenant
/// (bootstrap, server-wide settings) lives under ``StreamName/systemTenant``.
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
  /// The tenant used for streams that belong to the installation rather than a community.
  public static let systemTenant = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

  /// The longest accepted stream name, in UTF-8 bytes.
  public static let maximumLength = 200

  public let tenantID: UUID
  public let name: String

  /// A stream called `category-id`; `category` is a constant of the code (lowercase letters), never input.
  public init(tenantID: UUID, category: String, id: UUID) {
    self.tenantID = tenantID
    self.name = "\(category)-\(id.uuidString.lowercased())"
  }

  /// A stream with a name chosen by the caller; it must be 1 to 200 bytes of printable ASCII.
  public init(tenantID: UUID, name: String) throws(EventStoreError) {
    guard !name.isEmpty, name.utf8.count <= Self.maximumLength,
      name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else {
      throw EventStoreError(.invalidAppend, "stream name must be 1 to \(Self.maximumLength) printable ASCII characters")
    }
    self.tenantID = tenantID
    self.name = name
  }

  /// Rebuilds a name read back from a store, where it was validated on the way in.
  public init(trustedTenantID tenantID: UUID, name: String) {
    self.tenantID = tenantID
    self.name = name
  }

  /// The part before the first `-`: the kind of aggregate the stream holds.
  public var category: Substring {
    name.split(separator: "-", maxSplits: 1).first ?? Substring(name)
  }

  public var description: String { "\(tenantID.uuidString.lowercased())/\(name)" }
}
