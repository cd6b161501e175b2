import CohortAPI
import EventStore
import Foundation
import SwiftProtobuf

/// Tenant and token events: stream `tenant` of each tenant.
enum AccessEventCodec {
  static let tenantStreamName = "tenant"

  static func tenantStream(_ tenantID: UUID) -> StreamName {
    StreamName(trustedTenantID: tenantID, name: tenantStreamName)
  }

  static func tenantCreated(_ tenant: AccessRegistry.Tenant, at: Date) throws -> (type: String, data: Data) {
    let message = Cohort_V1_Events_TenantCreated.with {
      $0.tenantID = tenant.id.lowercased
      $0.name = tenant.name
      $0.at = .init(at)
    }
    return (Cohort_V1_Events_TenantCreated.protoMessageName, try message.serializedBytes())
  }

  static func tokenIssued(
    tokenID: UUID, role: Principal.Role, token: String, label: String, at: Date
  ) throws -> (type: String, data: Data) {
    let message = Cohort_V1_Events_TokenIssued.with {
      $0.tokenID = tokenID.lowercased
      $0.role = role.proto
      $0.tokenSha256 = AccessRegistry.hash(token)
      $0.label = label
      $0.at = .init(at)
    }
    return (Cohort_V1_Events_TokenIssued.protoMessageName, try message.serializedBytes())
  }

  /// The events that start a tenant's stream: the tenant, and its owner's token.
  static func newTenant(_ tenant: AccessRegistry.Tenant, ownerToken: String, label: String, at: Date) throws
    -> [EventData]
  {
    let created = try tenantCreated(tenant, at: at)
    let issued = try tokenIssued(tokenID: UUID(), role: .owner, token: ownerToken, label: label, at: at)
    return [
      EventData(id: UUID(), type: created.type, data: created.data),
      EventData(id: UUID(), type: issued.type, data: issued.data),
    ]
  }

  /// Folds an access event into the registry; other events are ignored.
  static func apply(_ event: RecordedEvent, to registry: inout AccessRegistry) throws(EventStoreError) {
    do {
      switch event.type {
      case Cohort_V1_Events_TenantCreated.protoMessageName:
        let m = try Cohort_V1_Events_TenantCreated(serializedBytes: event.data)
        registry.add(AccessRegistry.Tenant(id: event.stream.tenantID, name: m.name))
      case Cohort_V1_Events_TokenIssued.protoMessageName:
        let m = try Cohort_V1_Events_TokenIssued(serializedBytes: event.data)
        guard let tokenID = UUID(uuidString: m.tokenID), let role = Principal.Role(m.role) else {
          throw EventStoreError(.corrupted, "event \(event.position): token id or role unreadable")
        }
        registry.add(
          tokenHash: m.tokenSha256,
          principal: Principal(tenantID: event.stream.tenantID, role: role, tokenID: tokenID, label: m.label))
      default:
        return
      }
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.corrupted, "event \(event.position) (\(event.type)) does not decode: \(error)")
    }
  }
}
