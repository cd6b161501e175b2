import CohortAPI
import CohortDomain
import Foundation

/// Who is calling: the tenant (community) and role of the bearer token that came with the request.
struct Principal: Hashable, Sendable {
  typealias Role = AccessRole

  var tenantID: UUID
  var role: Role
  var tokenID: UUID
  var label: String
  /// The person the token belongs to, if it is bound to one.
  var personID: UUID? = nil
  /// Admitted by ``AccessPolicy/Rule/rolesOrOwnRecord(_:own:action:)`` for its own record only:
  /// the handler checks whose record the request names (``Authorization/requireRecord(of:)``).
  var ownRecordOnly = false

  /// The principal of the request being handled, set by ``AuthenticationInterceptor``.
  @TaskLocal static var current: Principal?
}
