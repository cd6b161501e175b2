import CohortMapping
import Foundation
import GRPCCore

/// Authenticates and authorizes every RPC by ``AccessPolicy``: a method without a rule is refused,
/// an open method needs nothing, every other one needs `authorization: Bearer <token>` with a role
/// its rule allows. The caller's tenant and role reach the handler as ``Principal/current``.
struct AuthenticationInterceptor: ServerInterceptor {
  /// What the token with this SHA-256 is worth now (from whichever read model keeps tokens).
  let authenticate: @Sendable (_ tokenHash: Data, _ now: Date) -> AccessRegistry.Authentication
  /// Why a service cannot answer now (its read model stopped at an event this build cannot read).
  var stopped: @Sendable (_ service: String) -> String? = { _ in nil }

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    guard let rule = AccessPolicy.rules[context.descriptor] else {
      throw RPCError(
        code: .permissionDenied, message: "\(context.descriptor) has no access rule, so no token may call it")
    }
    if let why = stopped(context.descriptor.service.fullyQualifiedService) {
      throw RPCError(code: .unavailable, message: why)
    }
    var principal: Principal
    switch rule {
    case .open:
      return try await next(request, context)
    case .roles(let roles, let action):
      principal = try authenticate(request.metadata)
      guard roles.contains(principal.role) else {
        throw RPCError(code: .permissionDenied, message: "a \(principal.role.rawValue) token may not \(action)")
      }
    case .rolesOrOwn(let roles, let own, let action):
      principal = try authenticate(request.metadata)
      if !roles.contains(principal.role) {
        guard own.contains(principal.role), principal.personID != nil else {
          let unless = own.contains(principal.role) ? " unless it is bound to a person" : ""
          throw RPCError(
            code: .permissionDenied, message: "a \(principal.role.rawValue) token may not \(action)\(unless)")
        }
        principal.restrictedToOwn = true
      }
    }
    var response = try await Principal.$current.withValue(principal) {
      try await next(request, context)
    }
    // A response that streams is produced after `next` returns: its producer needs the caller too.
    if case .success(var contents) = response.accepted {
      let producer = contents.producer
      let caller = principal
      contents.producer = { writer in
        try await Principal.$current.withValue(caller) { try await producer(writer) }
      }
      response.accepted = .success(contents)
    }
    return response
  }

  private func authenticate(_ metadata: Metadata) throws -> Principal {
    guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
      throw RPCError(
        code: .unauthenticated, message: "missing authorization metadata: send 'authorization: Bearer <token>'")
    }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
      throw RPCError(code: .unauthenticated, message: "authorization must be 'Bearer <token>'")
    }
    // A header value is ASCII: trimming spaces and tabs needs no Foundation (it showed per RPC).
    var token = parts[1]
    while token.first == " " || token.first == "\t" { token.removeFirst() }
    while token.last == " " || token.last == "\t" { token.removeLast() }
    // Hashed here, not inside the read model's lock.
    switch authenticate(AccessRegistry.hash(String(token)), Date()) {
    case .valid(let principal): return principal
    case .unknown: throw RPCError(code: .unauthenticated, message: "the bearer token is not valid")
    case .revoked(let at):
      throw RPCError(
        code: .unauthenticated, message: "the bearer token was revoked at \(at.ISO8601Format()); ask for a new one")
    case .expired(let at):
      throw RPCError(
        code: .unauthenticated, message: "the bearer token expired at \(at.ISO8601Format()); ask for a new one")
    }
  }
}
