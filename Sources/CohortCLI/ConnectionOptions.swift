import ArgumentParser
import CohortClient
import Foundation

/// How the CLI finds the server, in order: flags, environment (`COHORT_SERVER`, `COHORT_CA`,
/// `COHORT_TOKEN`), the context in use (`--context`, `COHORT_CONTEXT`, else the one `cohort context
/// use` chose), the config file's own fields (`~/.config/cohort/config.json`), and last the local
/// server's `server.json` in the data directory, which a local `cohortd` writes for exactly this.
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

  @Option(name: .customLong("context"), help: "The context to use (env COHORT_CONTEXT; see `cohort context`).")
  var context: String?

  /// The name of the context in use (`local` when none is).
  func contextName(environment: [String: String]) -> String {
    let file = try? CLIConfigFile.load(path: configFile, environment: environment)
    return chosenContext(file, environment: environment) ?? CLIConfigFile.localContext
  }

  private func chosenContext(_ file: CLIConfigFile?, environment: [String: String]) -> String? {
    context ?? environment["COHORT_CONTEXT"].flatMap { $0.isEmpty ? nil : $0 } ?? file?.currentContext
  }

  func settings(environment: [String: String]) throws -> ClientSettings {
    let file = try CLIConfigFile.load(path: configFile, environment: environment)
    let contextName = chosenContext(file, environment: environment)
    var config = file
    if let contextName, contextName != CLIConfigFile.localContext {
      guard let chosen = file?.contexts?[contextName] else {
        let known = ([CLIConfigFile.localContext] + (file?.contexts?.keys.sorted() ?? [])).joined(separator: ", ")
        throw CLIError("there is no context \(contextName); the contexts are \(known)", exitCode: ExitCodes.usage)
      }
      config = chosen
    } else if contextName == CLIConfigFile.localContext {
      config = nil
    }
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

/// `~/.config/cohort/config.json`: `{"server": "host:port", "ca": "/path/ca.pem", "tokenFile":
/// "/path/token"}`, and named contexts of the same fields with the one in use:
/// `{"currentContext": "prod", "contexts": {"prod": {"server": …, "ca": …, "tokenFile": …}}}`.
struct CLIConfigFile: Codable, Equatable {
  /// The context that is no context: the cohortd on this machine, found through its server.json.
  static let localContext = "local"

  var server: String?
  var ca: String?
  var tokenFile: String?
  var currentContext: String?
  var contexts: [String: CLIConfigFile]?

  static func path(_ path: String?, environment: [String: String]) -> String {
    let configHome =
      environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
    return path ?? configHome + "/cohort/config.json"
  }

  static func load(path: String?, environment: [String: String]) throws -> CLIConfigFile? {
    let file = Self.path(path, environment: environment)
    if path != nil, !FileManager.default.fileExists(atPath: file) {
      throw CLIError("config file \(file) does not exist", exitCode: ExitCodes.usage)
    }
    return try loadIfPresent(file)
  }

  static func loadIfPresent(_ file: String) throws -> CLIConfigFile? {
    guard FileManager.default.fileExists(atPath: file) else { return nil }
    do {
      return try JSONDecoder().decode(CLIConfigFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
    } catch {
      throw CLIError("config file \(file) is not valid: \(error)", exitCode: ExitCodes.usage)
    }
  }

}

extension CLIConfigFile {
  /// Writes the file readable by its owner only (it names token files), through a temporary file
  /// renamed over the old one, so a crash never leaves half a config.
  func save(to file: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let directory = (file as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let temporary = file + ".tmp-\(getpid())"
      guard
        FileManager.default.createFile(
          atPath: temporary, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600])
      else { throw CocoaError(.fileWriteUnknown) }
      guard rename(temporary, file) == 0 else { throw CocoaError(.fileWriteUnknown) }
    } catch {
      throw CLIError("cannot write the config file \(file): \(error.localizedDescription)", exitCode: ExitCodes.usage)
    }
  }
}
