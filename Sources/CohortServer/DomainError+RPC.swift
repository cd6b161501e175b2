import CohortDomain
import GRPCCore
import GRPCProtobuf

/// Business-rule failures become gRPC statuses here, once, at the edge. An invalid argument
/// also carries a `google.rpc.BadRequest` naming the field, for programs to act on.
extension DomainError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch kind {
    case .invalidArgument: .invalidArgument
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .failedPrecondition: .failedPrecondition
    }
  }

  /// The message, bounded: a status travels in HTTP/2 trailers, which clients cap in size.
  public var rpcErrorMessage: String { String(message.prefix(1_000)) }

  public var rpcErrorMetadata: Metadata {
    guard case .invalidArgument(let field) = kind else { return [:] }
    let status = GoogleRPCStatus(
      code: .invalidArgument, message: rpcErrorMessage,
      details: [.badRequest(violations: [.init(field: field, description: rpcErrorMessage)])])
    return status.rpcErrorMetadata
  }
}
