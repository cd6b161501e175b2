import CohortAPI
import CohortDomain
import EventStore
import Foundation
import GRPCCore
import Projections

/// `cohort.v1.AdminService`: who am I, and tokens for more people.
struct AdminService: Cohort_V1_AdminService.SimpleServiceProtocol {
  let store: any EventStore
  let readModel: ProjectionRunner<CohortReadModel>

  func whoAmI(request: Cohort_V1_WhoAmIRequest, context: ServerContext) async throws -> Cohort_V1_WhoAmIReply {
    let principal = try Authorization.caller()
    let tenantName = readModel.read { $0.access.tenants[principal.tenantID]?.name } ?? ""
    return .with {
      $0.tenantID = principal.tenantID.lowercased
      $0.tenantName = tenantName
      $0.role = principal.role.proto
      $0.tokenID = principal.tokenID.lowercased
      $0.tokenLabel = principal.label
    }
  }

  func issueToken(request: Cohort_V1_IssueTokenRequest, context: ServerContext) async throws
    -> Cohort_V1_IssueTokenReply
  {
    let principal = try Authorization.caller()
    let requestID = try Authorization.requestID(request.requestID)
    guard let role = Principal.Role(request.role) else {
      throw DomainError(.invalidArgument(field: "role"), "role must be owner, staff, partner or member")
    }
    let label = request.label.trimmingCharacters(in: .whitespacesAndNewlines)
    guard (1...200).contains(label.count) else {
      throw DomainError(.invalidArgument(field: "label"), "label must be 1 to 200 characters: who the token is for")
    }
    let token = Token.generate()
    let tokenID = UUID()
    let issued = try AccessEventCodec.tokenIssued(tokenID: tokenID, role: role, token: token, label: label, at: Date())
    let metadata: Data = try Cohort_V1_Events_EventMetadata.with {
      $0.requestID = requestID.lowercased
      $0.tokenID = principal.tokenID.lowercased
      $0.role = principal.role.proto
    }.serializedBytes()
    let event = EventData(
      id: UUID(namespace: requestID, name: "issue-token"), type: issued.type, data: issued.data, metadata: metadata)
    let result = try await append(event, tenantID: principal.tenantID)
    return .with {
      $0.reply = .with {
        $0.position = result.position
        $0.streamVersion = result.nextExpectedVersion
        $0.eventTypes = [issued.type]
      }
      $0.tokenID = tokenID.lowercased
      $0.token = token
    }
  }

  private func append(_ event: EventData, tenantID: UUID) async throws -> AppendResult {
    do {
      return try await store.append([event], to: AccessEventCodec.tenantStream(tenantID), expecting: .any)
    } catch {
      guard error.code == .duplicateEventID else { throw error }
      throw RPCError(
        code: .alreadyExists, message: "this request_id already issued a token, which was shown only once")
    }
  }
}
