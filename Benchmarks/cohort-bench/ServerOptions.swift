import ArgumentParser
import CohortClient
import Foundation

/// Which cohortd to talk to: the `server.json` a local cohortd writes into its data directory
/// (address, development CA, owner token file).
struct ServerOptions: ParsableArguments {
  @Option(name: .customLong("data-dir"), help: "The data directory of a running cohortd (holds server.json).")
  var dataDirectory: String

  /// Connection settings with the owner's token, as the CLI would build them.
  func settings() throws -> ClientSettings {
    let info: LocalServerInfo
    do {
      info = try LocalServerInfo.load(fromDataDirectory: dataDirectory)
    } catch {
      throw BenchFailure("cannot read \(dataDirectory)/\(LocalServerInfo.fileName): \(error); is cohortd serving?")
    }
    guard let tokenPath = info.ownerTokenPath else {
      throw BenchFailure("server.json in \(dataDirectory) names no owner token file")
    }
    let token: String
    do {
      token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    } catch {
      throw BenchFailure("cannot read the owner token \(tokenPath): \(error)")
    }
    return ClientSettings(
      address: ServerAddress(host: info.host, port: info.port),
      caCertificatePath: info.caCertificatePath.isEmpty ? nil : info.caCertificatePath, token: token)
  }
}
