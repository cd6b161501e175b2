import GRPCCore
import Projections

/// Requires `authorization: Bearer <token>` on every RPC except the health service, and makes
/// the token's tenant and role available to the handler as ``Principal/current``.
struct AuthenticationInterceptor: ServerInterceptor {
  static let openServices: Set<String> = ["grpc.health.v1.Health"]

  let readModel: ProjectionRunner<CohortReadModel>

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    if Self.openServices.contains(context.descriptor.service.fullyQualifiedService) {
      return try await next(request, context)
    }
    guard let header = request.metadata[stringValues: "authorization"].first(where: { _ in true }) else {
      throw RPCError(
        code: .unauthenticated, message: "missing authorization metadata: send 'authorization: Bearer <token>'")
    }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
      throw RPCError(code: .unauthenticated, message: "authorization must be 'Bearer <token>'")
    }
    let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
    guard let principal = readModel.read({ $0.access.principal(forToken: token) }) else {
      throw RPCError(code: .unauthenticated, message: "the bearer token is not valid")
    }
    return try await Principal.$current.withValue(principal) {
      try await next(request, context)
    }
  }
}

import Foundation
