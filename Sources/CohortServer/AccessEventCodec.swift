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
  static let currentSchemaVersion: Int32 = 1

  static let aggregate = Aggregate<Access>(decode: decode, encode: encode, schemaVersion: currentSchemaVersion)

  static let types: Set<String> = [
    Cohort_V1_Events_TenantCreated.protoMessageName,
    Cohort_V1_Events_TokenIssued.protoMessageName,
  ]

  static func tenantStream(_ tenantID: UUID) -> StreamName {
    StreamName(trustedTenantID: tenantID, name: tenantStreamName)
  }

  static func encode(_ event: AccessEvent) throws -> (type: String, data: Data) {
    switch event {
    case .tenantCreated(let e):
      return try pack(
        Cohort_V1_Events_TenantCreated.with {
          $0.tenantID = e.tenantID.lowercased
          $0.name = e.name
          $0.at = .init(e.at)
        })
    case .tokenIssued(let e):
      return try pack(
        Cohort_V1_Events_TokenIssued.with {
          $0.tokenID = e.tokenID.lowercased
          $0.role = e.role.proto
          $0.tokenSha256 = e.secretHash
          $0.label = e.label
          $0.at = .init(e.at)
        })
    }
  }

  static func decode(_ recorded: RecordedEvent) throws(EventStoreError) -> AccessEvent? {
    guard types.contains(recorded.type) else { return nil }
    guard recorded.schemaVersion == currentSchemaVersion else {
      throw EventStoreError(
        .corrupted,
        "event \(recorded.position) has unknown schema version \(recorded.schemaVersion) of \(recorded.type)")
    }
    do {
      switch recorded.type {
      case Cohort_V1_Events_TenantCreated.protoMessageName:
        let m = try Cohort_V1_Events_TenantCreated(serializedBytes: recorded.data)
        // The stream says whose tenant it is; early events may leave the id out.
        return .tenantCreated(TenantCreated(tenantID: recorded.stream.tenantID, name: m.name, at: m.at.date))
      default:
        let m = try Cohort_V1_Events_TokenIssued(serializedBytes: recorded.data)
        guard let tokenID = UUID(uuidString: m.tokenID), let role = AccessRole(m.role) else {
          throw EventStoreError(.corrupted, "event \(recorded.position): token id or role unreadable")
        }
        return .tokenIssued(
          TokenIssued(tokenID: tokenID, role: role, secretHash: m.tokenSha256, label: m.label, at: m.at.date))
      }
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.corrupted, "event \(recorded.position) (\(recorded.type)) does not decode: \(error)")
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
    let (type, data) = try encode(event)
    return EventData(id: UUID(), type: type, schemaVersion: currentSchemaVersion, data: data)
  }

  private static func pack(_ message: some SwiftProtobuf.Message) throws -> (type: String, data: Data) {
    (type(of: message).protoMessageName, try message.serializedBytes())
  }
}
