import ArgumentParser
import CohortClient
import Foundation

/// How the CLI finds the server, in order: flags, environment (`COHORT_SERVER`, `COHORT_CA`,
/// `COHORT_TOKEN`), the config file (`~/.config/cohort/config.json`), and last the local server's
/// `server.json` in the data directory, which a local `cohortd` writes for exactly this.
public struct ConnectionOptions: ParsableArguments {
  public init() {}

  @Option(name: .customLong("server"), help: "Server address host:port (env COHORT_SERVER).")
  var server: String?

  @Option(name: .customLong("ca"), help: "PEM file of the CA to trust (env COHORT_CA).")
  var caCertificate: String?

  @Option(
    name: .customLong("token"),
    help: "Bearer token (env COHORT_TOKEN). Prefer --token-file: arguments are visible to other users.")
  var token: String?

  @Option(name: .customLong("token-file"), help: "File holding the bearer token.")
  var tokenFile: String?

  @Option(
    name: .customLong("data-dir"),
    help: "Data directory of a local cohortd (default: $COHORT_HOME, else ~/.local/share/cohort).")
  var dataDirectory: String?

  @Option(name: .customLong("config"), help: "Config file (default: ~/.config/cohort/config.json).")
  var configFile: String?

  func settings(environment: [String: String]) throws -> ClientSettings {
    let config = try CLIConfigFile.load(path: configFile, environment: environment)
    let local = try? LocalServerInfo.load(
      fromDataDirectory: dataDirectory ?? DataDirectory.resolve(environment: environment))

    let addressText =
      server ?? environment["COHORT_SERVER"] ?? config?.server ?? local.map { "\($0.host):\($0.port)" }
    guard let addressText else {
      throw CLIError(
        "no server to talk to: start one with `swift run cohortd` (it writes server.json for this CLI), or pass --server host:port",
        exitCode: ExitCodes.unavailable)
    }
    guard let address = ServerAddress(parsing: addressText) else {
      throw CLIError("server address '\(addressText)' is not host:port", exitCode: ExitCodes.usage)
    }
    let fromLocal = server == nil && environment["COHORT_SERVER"] == nil && config?.server == nil
    let ca = caCertificate ?? environment["COHORT_CA"] ?? config?.ca ?? (fromLocal ? local?.caCertificatePath : nil)

    let tokenPath = tokenFile ?? config?.tokenFile ?? (fromLocal ? local?.ownerTokenPath : nil)
    var bearer = token ?? environment["COHORT_TOKEN"]
    if bearer == nil, let tokenPath {
      do {
        bearer = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
      } catch {
        throw CLIError(
          "cannot read the token file \(tokenPath): \(error.localizedDescription)", exitCode: ExitCodes.usage)
      }
    }
    return ClientSettings(address: address, caCertificatePath: ca, token: bearer)
  }
}

/// `~/.config/cohort/config.json`: `{"server": "host:port", "ca": "/path/ca.pem", "tokenFile": "/path/token"}`.
struct CLIConfigFile: Codable {
  var server: String?
  var ca: String?
  var tokenFile: String?

  static func load(path: String?, environment: [String: String]) throws -> CLIConfigFile? {
    let configHome =
      environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
    let file = path ?? configHome + "/cohort/config.json"
    guard FileManager.default.fileExists(atPath: file) else {
      if path != nil { throw CLIError("config file \(file) does not exist", exitCode: ExitCodes.usage) }
      return nil
    }
    do {
      return try JSONDecoder().decode(CLIConfigFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
    } catch {
      throw CLIError("config file \(file) is not valid: \(error)", exitCode: ExitCodes.usage)
    }
  }
}
