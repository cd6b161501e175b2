import Foundation

/// The cohorts of every tenant, folded from their enrollment events, for queries.
///
/// Lookups are dictionary reads: by tenant, then by cohort id or by cohort number.
public struct CohortCatalog: Codable, Equatable, Sendable {
  private struct Tenant: Codable, Equatable, Sendable {
    var cohorts: [UUID: CohortView] = [:]
    var cohortIDsByNumber: [Int: UUID] = [:]
    /// Who held a seat when a cohort completed: member → those cohorts' numbers.
    var completed: [UUID: Set<Int>] = [:]

    mutating func add(_ cohort: CohortView) {
      cohorts[cohort.cohortID] = cohort
      cohortIDsByNumber[cohort.number] = cohort.cohortID
    }
  }

  private var tenants: [UUID: Tenant] = [:]

  /// An empty catalog.
  public init() {}

  /// Applies one event of the stream of cohort `cohortID` owned by tenant `tenantID`.
  /// Events of a cohort that was never scheduled are ignored. Cohort numbers are expected to be
  /// unique per tenant (the caller checks before scheduling); if not, the latest cohort wins
  /// `cohort(tenantID:number:)`.
  public mutating func apply(tenantID: UUID, cohortID: UUID, event: EnrollmentEvent) {
    if case .cohortScheduled(let scheduled) = event {
      tenants[tenantID, default: Tenant()].add(CohortView(cohortID: cohortID, scheduled: scheduled))
    } else {
      tenants[tenantID]?.cohorts[cohortID]?.apply(event)
      if case .cohortCompleted = event, let cohort = tenants[tenantID]?.cohorts[cohortID] {
        for entry in cohort.enrolled { tenants[tenantID]?.completed[entry.memberID, default: []].insert(cohort.number) }
      }
    }
  }

  /// The person was forgotten: their contact is dropped from every roster and waitlist of the
  /// tenant (their seats stay: the log says they held them).
  public mutating func erase(memberID: UUID, tenantID: UUID) {
    guard let ids = tenants[tenantID]?.cohorts.keys else { return }
    for id in ids { tenants[tenantID]?.cohorts[id]?.erase(memberID) }
  }

  /// People who held a seat in a completed cohort of the tenant other than `except` (kept as
  /// cohorts complete, so a query does not walk every roster).
  public func alumni(tenantID: UUID, except number: Int) -> Set<UUID> {
    Set((tenants[tenantID]?.completed ?? [:]).filter { !$0.value.subtracting([number]).isEmpty }.keys)
  }

  /// The tenant's cohorts, lowest number first (earliest scheduled first for equal numbers).
  public func cohorts(tenantID: UUID) -> [CohortView] {
    guard let tenant = tenants[tenantID] else { return [] }
    return tenant.cohorts.values.sorted {
      ($0.number, $0.scheduledAt) < ($1.number, $1.scheduledAt)
    }
  }

  /// The tenant's cohort with this number, e.g. 9 for "9기".
  public func cohort(tenantID: UUID, number: Int) -> CohortView? {
    guard let tenant = tenants[tenantID], let cohortID = tenant.cohortIDsByNumber[number] else {
      return nil
    }
    return tenant.cohorts[cohortID]
  }

  /// The tenant's cohort with this id; `nil` if it belongs to another tenant.
  public func cohort(tenantID: UUID, cohortID: UUID) -> CohortView? {
    tenants[tenantID]?.cohorts[cohortID]
  }
}
