import CohortDomain
import CohortMapping
import Foundation
import GRPCCore
import SwiftProtobuf

/// What every handler starts with: who is calling (already authorized by ``AccessPolicy``), and
/// which request.
enum Authorization {
  /// The caller of the RPC being handled.
  static func caller() throws -> Principal {
    guard let principal = Principal.current else {
      // Only a method the policy leaves open runs without a principal, and none of those asks.
      throw RPCError(code: .unauthenticated, message: "a bearer token is required")
    }
    return principal
  }

  /// Throws PERMISSION_DENIED unless the caller may see the record of `personID`: always, unless
  /// the policy admitted them for their own record only.
  static func requireRecord(of personID: UUID) throws {
    let principal = try caller()
    guard !principal.restrictedToOwn || principal.personID == personID else {
      throw RPCError(
        code: .permissionDenied, message: "a \(principal.role.rawValue) token may see only its own person's record")
    }
  }

  /// Throws PERMISSION_DENIED unless the caller may see and change `group`: always, unless the
  /// policy admitted them for their own only (a partner: the groups they run; a member: theirs).
  static func requireGroup(_ group: GroupView) throws {
    let principal = try caller()
    guard sees(group, principal) else {
      throw RPCError(
        code: .permissionDenied,
        message: principal.role == .partner
          ? "a partner token may see and change only the groups its partner runs"
          : "a \(principal.role.rawValue) token may see only its own group")
    }
  }

  /// Whether `principal` may see `group` (lists show a partner or a member theirs only).
  static func sees(_ group: GroupView, _ principal: Principal) -> Bool {
    guard principal.restrictedToOwn else { return true }
    guard let person = principal.personID else { return false }
    switch principal.role {
    case .partner: return group.partner == person
    case .member: return group.members.contains(person)
    case .owner, .staff: return false
    }
  }

  /// The client's request id: required, a UUID.
  static func requestID(_ text: String) throws(DomainError) -> UUID {
    guard !text.isEmpty else {
      throw DomainError(
        .invalidArgument(field: "request_id"), "request_id is required: a UUID chosen by the client for retries")
    }
    return try UUID(field: "request_id", text)
  }

  /// What a command handler starts with: the caller, and the request's fingerprint (its id and
  /// digest, under the method's name from the descriptor).
  static func command(
    _ request: some SwiftProtobuf.Message, requestID: String, context: ServerContext
  ) throws -> (Principal, RequestFingerprint) {
    let principal = try caller()
    let id = try Self.requestID(requestID)
    return (principal, try RequestFingerprint(requestID: id, method: context.descriptor.method, request: request))
  }
}
