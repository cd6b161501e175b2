import CohortDomain
import CohortMapping
import EventStore
import Foundation

/// Names of cohort streams, and the deterministic ids that make cohort numbers unique per tenant
/// without a separate index.
public enum CohortStreams {
  public static let category = "cohort"
  private static let cohortNamespace = UUID(uuidString: "6f1c1f0e-2d51-4c1e-9a51-5a0f2f3c9a01")!
  private static let memberNamespace = UUID(uuidString: "b7d8e5a2-8d3b-4f49-a1a2-3c4d5e6f7a02")!

  /// Cohort 9 of a tenant always has the same id, so scheduling it twice hits the same stream
  /// (and the store's expected-version check refuses the second).
  public static func cohortID(tenantID: UUID, number: Int) -> UUID {
    UUID(namespace: cohortNamespace, name: "\(tenantID.lowercased)/\(number)")
  }

  /// How members were identified before members were people (their person id, a keyed hash of
  /// the e-mail, is used since): by the normalized e-mail within a tenant. Events of those members
  /// still carry these ids.
  public static func legacyMemberID(tenantID: UUID, email: String) -> UUID {
    UUID(namespace: memberNamespace, name: "\(tenantID.lowercased)/\(EmailAddress.normalized(email))")
  }

  public static func stream(tenantID: UUID, cohortID: UUID) -> StreamName {
    StreamName(tenantID: tenantID, category: category, id: cohortID)
  }

  public static func cohortID(of stream: StreamName) -> UUID? {
    stream.id(in: category)
  }
}
