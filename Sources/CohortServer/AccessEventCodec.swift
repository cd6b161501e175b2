import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Tenant and token events (``AccessEvent``) as stored in the log: stream `tenant` of each tenant,
/// protobuf messages typed by their full name and a schema version, like every area's events.
enum AccessEventCodec {
  static let tenantStreamName = "tenant"

  static let codec = EventCodec<AccessEvent>(
    [
      // The stream says whose tenant it is.
      .message(Cohort_V1_Events_TenantCreated.self) { m, recorded in
        .tenantCreated(
          TenantCreated(tenantID: recorded.stream.tenantID, name: m.name, at: try m.at.checkedDate(field: "at")))
      },
      .message(Cohort_V1_Events_TokenIssued.self) { m, recorded in
        guard let tokenID = UUID(uuidString: m.tokenID), let role = AccessRole(m.role) else {
          throw EventStoreError(.corrupted, "event \(recorded.position): token id or role unreadable")
        }
        return .tokenIssued(
          TokenIssued(
            tokenID: tokenID, role: role, secretHash: m.tokenSha256, label: m.label,
            personID: m.personID.isEmpty ? nil : try UUID(field: "person_id", m.personID),
            at: try m.at.checkedDate(field: "at"),
            expiresAt: m.hasExpiresAt ? try m.expiresAt.checkedDate(field: "expires_at") : nil))
      },
      .message(Cohort_V1_Events_TokenRevoked.self) { m, recorded in
        .tokenRevoked(
          TokenRevoked(
            tokenID: try UUID(field: "token_id", m.tokenID), reason: m.reason,
            revokedBy: m.revokedByTokenID.isEmpty ? nil : try UUID(field: "revoked_by_token_id", m.revokedByTokenID),
            at: try m.at.checkedDate(field: "at")))
      },
    ], encode: encode)

  static let aggregate = Aggregate<Access>(codec: codec)

  static func tenantStream(_ tenantID: UUID) -> StreamName {
    StreamName(trustedTenantID: tenantID, name: tenantStreamName)
  }

  private static func encode(_ event: AccessEvent) -> any SwiftProtobuf.Message {
    switch event {
    case .tenantCreated(let e):
      Cohort_V1_Events_TenantCreated.with {
        $0.tenantID = e.tenantID.lowercased
        $0.name = e.name
        $0.at = .init(e.at)
      }
    case .tokenIssued(let e):
      Cohort_V1_Events_TokenIssued.with {
        $0.tokenID = e.tokenID.lowercased
        $0.role = e.role.proto
        $0.tokenSha256 = e.secretHash
        $0.label = e.label
        $0.personID = e.personID?.lowercased ?? ""
        $0.at = .init(e.at)
        if let expiresAt = e.expiresAt { $0.expiresAt = .init(expiresAt) }
      }
    case .tokenRevoked(let e):
      Cohort_V1_Events_TokenRevoked.with {
        $0.tokenID = e.tokenID.lowercased
        $0.reason = e.reason
        $0.at = .init(e.at)
        $0.revokedByTokenID = e.revokedBy?.lowercased ?? ""
      }
    }
  }

  /// The events that start a tenant's stream: the tenant, and its owner's token.
  static func newTenant(
    _ tenant: AccessRegistry.Tenant, ownerToken: String, label: String, at: Date
  ) throws -> [EventData] {
    let events = try Access.decide(
      .createTenant(
        name: tenant.name, owner: NewToken(role: .owner, secretHash: AccessRegistry.hash(ownerToken), label: label)),
      state: Access.initial, context: DecisionContext(now: at, subjectID: tenant.id))
    return try events.map(eventData)
  }

  /// An access event to append outside the command pipeline (first start, owner token recovery).
  static func eventData(_ event: AccessEvent) throws -> EventData {
    let (type, schemaVersion, data) = try codec.encode(event)
    return EventData(id: UUID(), type: type, schemaVersion: schemaVersion, data: data)
  }
}
