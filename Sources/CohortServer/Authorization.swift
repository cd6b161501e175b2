import CohortDomain
import Foundation
import GRPCCore

/// The checks every handler starts with: who is calling, may they do this, and which request.
enum Authorization {
  /// The caller, if their role is one of `roles`; PERMISSION_DENIED otherwise.
  static func require(_ roles: Set<Principal.Role>, to action: String) throws -> Principal {
    guard let principal = Principal.current else {
      throw RPCError(code: .unauthenticated, message: "a bearer token is required")
    }
    guard roles.contains(principal.role) else {
      throw RPCError(code: .permissionDenied, message: "a \(principal.role.rawValue) token may not \(action)")
    }
    return principal
  }

  /// The client's request id: required, a UUID.
  static func requestID(_ text: String) throws(DomainError) -> UUID {
    guard !text.isEmpty else {
      throw DomainError(
        .invalidArgument(field: "request_id"), "request_id is required: a UUID chosen by the client for retries")
    }
    return try UUID(field: "request_id", text)
  }

  static let managers: Set<Principal.Role> = [.owner, .staff]
  static let everyone: Set<Principal.Role> = [.owner, .staff, .partner, .member]
}
