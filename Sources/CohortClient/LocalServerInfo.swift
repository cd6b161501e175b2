import Foundation

/// What a local `cohortd` writes into its data directory (`server.json`) so that the CLI on the
/// same machine finds it with no flags: where it listens, the CA that signed its development
/// certificate, and the file holding the owner's token.
public struct LocalServerInfo: Codable, Equatable, Sendable {
  public static let fileName = "server.json"

  public var host: String
  public var port: Int
  /// PEM file of the CA to trust for this server's certificate.
  public var caCertificatePath: String
  /// File holding the first owner's token, if this server created one.
  public var ownerTokenPath: String?
  /// The HTTPS port of the webhook listener (`POST /webhooks/portone`).
  public var httpsPort: Int?

  public init(host: String, port: Int, caCertificatePath: String, ownerTokenPath: String?, httpsPort: Int? = nil) {
    self.host = host
    self.port = port
    self.caCertificatePath = caCertificatePath
    self.ownerTokenPath = ownerTokenPath
    self.httpsPort = httpsPort
  }

  /// Reads `server.json` from a data directory.
  public static func load(fromDataDirectory directory: String) throws -> LocalServerInfo {
    let url = URL(fileURLWithPath: directory).appendingPathComponent(fileName)
    return try JSONDecoder().decode(LocalServerInfo.self, from: Data(contentsOf: url))
  }

  /// Writes `server.json` into a data directory, atomically.
  public func save(toDataDirectory directory: String) throws {
    let url = URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try encoder.encode(self).write(to: url, options: .atomic)
  }
}
