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

extension AccessRole {
  init?(_ proto: Cohort_V1_Role) {
    switch proto {
    case .owner: self = .owner
    case .staff: self = .staff
    case .partner: self = .partner
    case .member: self = .member
    case .unspecified, .UNRECOGNIZED: return nil
    }
  }

  var proto: Cohort_V1_Role {
    switch self {
    case .owner: .owner
    case .staff: .staff
    case .partner: .partner
    case .member: .member
    }
  }
}
