import GRPCCore
import GRPCProtobuf

/// A failure said in words, with the exit code a script can act on.
public struct CLIError: Error, CustomStringConvertible {
  public var description: String
  public var exitCode: Int32

  public init(_ description: String, exitCode: Int32) {
    self.description = description
    self.exitCode = exitCode
  }

  /// An RPC failure in words: the server's message, the field it names, and what to do.
  public init(_ error: RPCError, server: String) {
    var text = error.message
    if let status = try? error.unpackGoogleRPCStatus() {
      for detail in status.details {
        if let request = detail.badRequest {
          for violation in request.violations { text += " (field: \(violation.field))" }
        }
      }
    }
    switch error.code {
    case .unavailable:
      text = "cannot reach cohortd at \(server), or it cannot reach its database: \(error.message)"
    case .unauthenticated:
      text += "; pass a token with --token-file or COHORT_TOKEN"
    case .aborted:
      text += " (someone else changed the same record; run the command again)"
    default:
      if text.isEmpty { text = "cohortd at \(server) answered \(error.code) without saying why" }
    }
    self.init(text, exitCode: ExitCodes.forRPC(error.code))
  }
}

/// Exit codes: 0 success, 64 usage, and 10 + the gRPC status code for a refused call
/// (13 invalid argument, 15 not found, 16 already exists, 17 permission denied,
/// 19 failed precondition, 20 aborted, 24 unavailable, 26 unauthenticated).
public enum ExitCodes {
  public static let usage: Int32 = 64
  public static let unavailable: Int32 = forRPC(.unavailable)

  public static func forRPC(_ code: RPCError.Code) -> Int32 {
    10 + Int32(code.rawValue)
  }
}
