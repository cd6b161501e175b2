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

  /// The principal of the request being handled, set by ``AuthenticationInterceptor``.
  @TaskLocal static var current: Principal?
}
