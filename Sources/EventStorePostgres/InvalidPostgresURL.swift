/// A PostgreSQL URL that cannot be used, with what is wrong in words (never the password).
public struct InvalidPostgresURL: Error, Hashable, Sendable, CustomStringConvertible {
  public var reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { "invalid PostgreSQL URL: \(reason)" }
}
