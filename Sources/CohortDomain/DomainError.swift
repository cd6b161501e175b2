/// A business rule said no.
///
/// `kind` tells callers how to react (and maps onto a status code at the API edge);
/// `message` is a sentence the user can act on and never contains internals.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What kind of rule was broken.
  public enum Kind: Equatable, Sendable {
    /// A request field is malformed or out of range. `field` is its snake_case protobuf name,
    /// e.g. `title` or `price.amount_minor`.
    case invalidArgument(field: String)
    /// The cohort or member the request refers to does not exist.
    case notFound
    /// The thing the request would create exists already.
    case alreadyExists
    /// The request is well formed but the current state does not allow it.
    case failedPrecondition
  }

  /// What kind of rule was broken.
  public let kind: Kind
  /// A sentence the user can act on, e.g. "enrollment for cohort 9 is not open".
  public let message: String

  /// Creates an error of the given kind with a user-facing message.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The user-facing message.
  public var description: String { message }

  static func invalidArgument(_ field: String, _ message: String) -> DomainError {
    DomainError(.invalidArgument(field: field), message)
  }
}
