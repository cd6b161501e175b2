import GRPCCore

/// A failure said in words; `cohort-bench` prints it and exits non-zero.
struct BenchFailure: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }

  /// The server refused or failed `call`: names the RPC and shows the status code and message.
  static func rpc(_ call: String, _ error: any Error) -> BenchFailure {
    if let error = error as? RPCError {
      return BenchFailure("the server refused \(call): \(error.code): \(error.message)")
    }
    if let error = error as? BenchFailure { return error }
    return BenchFailure("\(call) failed: \(String(reflecting: error))")
  }
}
