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
    name.utf8.firstIndex(of: UInt8(ascii: "-")).map { name[..<$0] } ?? Substring(name)
  }

  /// The id of a stream made by ``init(tenantID:category:id:)`` with `category`; `nil` for a
  /// stream of another category or with no id there. A fold asks this of every event, so it
  /// compares bytes rather than characters.
  public func id(in category: String) -> UUID? {
    let bytes = name.utf8
    let prefix = category.utf8
    guard bytes.count == prefix.count + 37, bytes.starts(with: prefix) else { return nil }
    let rest = bytes.dropFirst(prefix.count)
    guard rest.first == UInt8(ascii: "-") else { return nil }
    return UUID(canonical: rest.dropFirst())
  }

  public var description: String { "\(tenantID.uuidString.lowercased())/\(name)" }
}
