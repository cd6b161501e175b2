import ArgumentParser
import CohortClient
import Foundation

/// Which servers to talk to: one or more cohortd data directories (their `server.json` names the
/// address and CA), and the token to send (by default the first directory's owner token).
struct Targets: ParsableArguments {
  @Option(
    name: .customLong("data-dir"), help: "A cohortd data directory holding server.json (repeat for several servers).")
  var dataDirectories: [String] = []

  @Option(
    name: .customLong("token-file"), help: "File holding the bearer token (default: the first server's owner token).")
  var tokenFile: String?

  func validate() throws {
    guard !dataDirectories.isEmpty else { throw ValidationError("give at least one --data-dir") }
  }

  /// Connection settings per server, in the order given.
  func settings(requireToken: Bool = true) throws -> [ClientSettings] {
    let infos = try dataDirectories.map { try LocalServerInfo.load(fromDataDirectory: $0) }
    let tokenPath = tokenFile ?? infos.first?.ownerTokenPath
    var token: String?
    if let tokenPath {
      token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    } else if requireToken {
      throw ValidationError("no token: \(dataDirectories[0]) has no owner token; pass --token-file")
    }
    return infos.map { info in
      ClientSettings(
        address: ServerAddress(host: info.host, port: info.port), caCertificatePath: info.caCertificatePath,
        token: token)
    }
  }
}
