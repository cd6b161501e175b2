import CohortAPI
import CohortDomain
import Foundation

/// Who is calling: the tenant (community) and role of the bearer token that came with the request.
struct Principal: Codable, Hashable, Sendable {
  typealias Role = AccessRole

  var tenantID: UUID
  var role: Role
  var tokenID: UUID
  var label: String
  /// The person the token belongs to, if it is bound to one.
  var personID: UUID? = nil
  /// Admitted by ``AccessPolicy/Rule/rolesOrOwn(_:own:action:)`` for what is its own only (its
  /// person's record, the groups its partner runs or its member belongs to): the handler checks
  /// what the request names (``Authorization``).
  var restrictedToOwn = false

  /// The principal of the request being handled, set by ``AuthenticationInterceptor``.
  @TaskLocal static var current: Principal?
}
