import Foundation
import PostgresNIO

extension PostgresEventStore.Configuration {
  /// Reads `postgres://user:password@host:port/database?sslmode=disable` (or `postgresql://`).
  ///
  /// User and password may be percent-encoded. The port defaults to 5432, the database to the
  /// user's name, `sslmode` to `prefer`. The other parameters understood are `sslrootcert` (a PEM
  /// file of CA certificates, read now; `system` for the system's roots) and `connect_timeout`
  /// (seconds); anything else is refused rather than silently ignored.
  public init(url: String) throws(InvalidPostgresURL) {
    guard let components = URLComponents(string: url) else {
      throw InvalidPostgresURL("not a URL; expected postgres://user:password@host:port/database")
    }
    guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
      throw InvalidPostgresURL("the scheme must be postgres:// or postgresql://")
    }
    guard var host = components.host, !host.isEmpty else {
      throw InvalidPostgresURL("the host is missing")
    }
    // An IPv6 address comes back in its URL brackets, which a socket address does not take.
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard let username = components.user, !username.isEmpty else {
      throw InvalidPostgresURL("the user name is missing (postgres://USER@host/database)")
    }
    let port = components.port ?? 5432
    guard (1...65_535).contains(port) else {
      throw InvalidPostgresURL("the port \(port) is outside 1 to 65535")
    }
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    guard !path.contains("/") else {
      throw InvalidPostgresURL("the path must be just the database name, got \"\(path)\"")
    }

    var tls = TLSMode.prefer
    var connectTimeout = Duration.seconds(10)
    var rootCertificates: [NIOSSLCertificate]?
    for item in components.queryItems ?? [] {
      let value = item.value ?? ""
      switch item.name {
      case "sslmode":
        // libpq's "allow" tries plain TCP first; TLS when offered is as good or better.
        guard let mode = value == "allow" ? .prefer : TLSMode(rawValue: value) else {
          let known = ["disable", "allow"] + TLSMode.allCases.dropFirst().map(\.rawValue)
          throw InvalidPostgresURL("sslmode \"\(value)\" is not one of \(known.joined(separator: ", "))")
        }
        tls = mode
      case "sslrootcert":
        guard !value.isEmpty else { throw InvalidPostgresURL("sslrootcert needs a file (or system)") }
        guard value != "system" else { continue }
        do {
          rootCertificates = try NIOSSLCertificate.fromPEMFile(value)
        } catch {
          throw InvalidPostgresURL("sslrootcert \(value) cannot be read as PEM certificates: \(error)")
        }
        guard rootCertificates?.isEmpty == false else {
          throw InvalidPostgresURL("sslrootcert \(value) holds no PEM certificate")
        }
      case "connect_timeout":
        guard let seconds = Int(value), seconds > 0 else {
          throw InvalidPostgresURL("connect_timeout must be a positive number of seconds, got \"\(value)\"")
        }
        connectTimeout = .seconds(seconds)
      default:
        throw InvalidPostgresURL(
          "unsupported parameter \"\(item.name)\" (supported: sslmode, sslrootcert, connect_timeout)")
      }
    }

    // The certificate check of verify-full compares a host name (TLS has no name to send for an
    // address, and a certificate for an address is checked against nothing): refused here, with
    // what to do, rather than failing every connection with "<none> not in certificate".
    if tls == .verifyFull, Self.isAddress(host) {
      throw InvalidPostgresURL(
        "sslmode=verify-full checks the server's certificate against the host's name, and \(host) is an address: "
          + "connect by the name in the server's certificate, or use sslmode=verify-ca (the CA only)")
    }
    self.init(
      host: host, port: port, username: username, password: components.password,
      database: path.isEmpty ? nil : path, tls: tls, connectTimeout: connectTimeout)
    self.rootCertificates = rootCertificates
  }

  /// Whether `host` is an IPv4 or IPv6 address rather than a name.
  static func isAddress(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }
}
