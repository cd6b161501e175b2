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

  /// The message, bounded in UTF-8 bytes (a status travels in HTTP/2 trailers, which clients cap
  /// in size; a character of endless combining marks is one character but not a short one).
  public var rpcErrorMessage: String { Self.bounded(message, bytes: 1_000) }

  /// `text` cut at a character boundary so that it, with the "…" that says so, fits in `bytes`.
  static func bounded(_ text: String, bytes: Int) -> String {
    guard text.utf8.count > bytes else { return text }
    var kept = ""
    for character in text {
      guard kept.utf8.count + character.utf8.count <= bytes - "…".utf8.count else { break }
      kept.append(character)
    }
    return kept + "…"
  }

  public var rpcErrorMetadata: Metadata {
    guard case .invalidArgument(let field) = kind else { return [:] }
    let status = GoogleRPCStatus(
      code: .invalidArgument, message: rpcErrorMessage,
      details: [.badRequest(violations: [.init(field: field, description: rpcErrorMessage)])])
    return status.rpcErrorMetadata
  }
}
