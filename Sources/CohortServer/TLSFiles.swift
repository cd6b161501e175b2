import Foundation
import Logging

/// The certificate and key the server presents: configured ones, or the development CA's.
struct TLSFiles: Sendable {
  var certificatePath: String
  var privateKeyPath: String
  /// The CA a local client should trust (only for the development CA).
  var caCertificatePath: String?

  static func prepare(_ configuration: ServerConfiguration, logger: Logger) throws -> TLSFiles {
    switch (configuration.tlsCertificatePath, configuration.tlsPrivateKeyPath) {
    case (let certificate?, let key?):
      return TLSFiles(certificatePath: certificate, privateKeyPath: key, caCertificatePath: nil)
    case (nil, nil):
      try ServerConfiguration.makePrivateDirectory(configuration.tlsDirectory)
      let development = DevelopmentCertificates(directory: configuration.tlsDirectory)
      var hosts = ["localhost", "127.0.0.1", "::1"]
      if !hosts.contains(configuration.host), !["0.0.0.0", "::"].contains(configuration.host) {
        hosts.append(configuration.host)
      }
      if try development.ensure(hosts: hosts) {
        logger.notice(
          "created a development CA and server certificate", metadata: ["ca": "\(development.caCertificatePath)"])
      }
      return TLSFiles(
        certificatePath: development.certificatePath, privateKeyPath: development.privateKeyPath,
        caCertificatePath: development.caCertificatePath)
    default:
      throw ConfigurationError("give both a TLS certificate and its private key, or neither (development CA)")
    }
  }
}

/// A configuration mistake, said in words.
public struct ConfigurationError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
