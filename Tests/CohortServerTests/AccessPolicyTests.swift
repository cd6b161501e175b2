import CohortAPI
import EventStore
import Foundation
import GRPCCore
import Logging
import Projections
import Testing

@testable import CohortServer

/// The interceptor itself: what the policy has no row for is refused to everyone.
@Suite("Access policy")
struct AccessPolicyTests {
  @Test("a method with no rule is refused even to the owner; one its rule allows reaches the handler")
  func denyByDefault() async throws {
    let store = InMemoryEventStore()
    let token = Token.generate()
    let tenantID = UUID()
    let appended = try await store.append(
      AccessEventCodec.newTenant(.init(id: tenantID, name: "Community"), ownerToken: token, label: "owner", at: Date()),
      to: AccessEventCodec.tenantStream(tenantID), expecting: .noStream)
    let readModel = ServerCore(store: store, keys: InMemoryKeyStore(), logger: Logger(label: "test")).readModel
    let running = Task { try await readModel.run() }
    defer { running.cancel() }
    #expect(await readModel.waitUntil(position: appended.position, timeout: .seconds(10)))
    let interceptor = AuthenticationInterceptor { hash, now in
      readModel.read { $0.access.authenticate(hash: hash, at: now) }
    }

    let unlisted = MethodDescriptor(fullyQualifiedService: "cohort.v1.EnrollmentService", method: "RefundEveryone")
    #expect(AccessPolicy.rules[unlisted] == nil)
    #expect(try await call(unlisted, token: token, through: interceptor) == .permissionDenied)
    #expect(try await call(Cohort_V1_AdminService.Method.WhoAmI.descriptor, token: token, through: interceptor) == nil)
    #expect(
      try await call(Cohort_V1_AdminService.Method.WhoAmI.descriptor, token: nil, through: interceptor)
        == .unauthenticated)
    // Spaces and tabs around the token are not part of it; anything else in it is.
    let whoAmI = Cohort_V1_AdminService.Method.WhoAmI.descriptor
    #expect(try await call(whoAmI, authorization: "Bearer \t \(token) \t", through: interceptor) == nil)
    #expect(try await call(whoAmI, authorization: "bearer \(token)", through: interceptor) == nil)
    #expect(try await call(whoAmI, authorization: "Bearer \(token)x", through: interceptor) == .unauthenticated)
    #expect(try await call(whoAmI, authorization: "Bearer \t ", through: interceptor) == .unauthenticated)
    #expect(try await call(whoAmI, authorization: "Bearer\t\(token)", through: interceptor) == .unauthenticated)
  }

  /// The status the interceptor answers with, or `nil` when it let the call through to the handler.
  private func call(
    _ method: MethodDescriptor, token: String?, through interceptor: AuthenticationInterceptor
  ) async throws -> RPCError.Code? {
    try await call(method, authorization: token.map { "Bearer \($0)" }, through: interceptor)
  }

  private func call(
    _ method: MethodDescriptor, authorization: String?, through interceptor: AuthenticationInterceptor
  ) async throws -> RPCError.Code? {
    var metadata: Metadata = [:]
    if let authorization { metadata.addString(authorization, forKey: "authorization") }
    let request = StreamingServerRequest<Int>(
      metadata: metadata, messages: RPCAsyncSequence(wrapping: AsyncThrowingStream<Int, any Error> { $0.finish() }))
    return try await withServerContextRPCCancellationHandle { handle in
      let context = ServerContext(descriptor: method, remotePeer: "test", localPeer: "test", cancellation: handle)
      do {
        _ = try await interceptor.intercept(request: request, context: context) { _, _ in
          StreamingServerResponse<Int>(metadata: [:]) { _ in [:] }
        }
        return nil
      } catch let error as RPCError {
        return error.code
      }
    }
  }
}
