import GRPCCore
import GRPCNIOTransportHTTP2

/// How a client reaches cohortd: the address, the CA it trusts, and the bearer token.
public struct ClientSettings: Sendable {
  public var address: ServerAddress
  /// PEM file of the CA certificate(s) to trust; `nil` trusts the system's roots.
  public var caCertificatePath: String?
  public var token: String?

  public init(address: ServerAddress, caCertificatePath: String?, token: String?) {
    self.address = address
    self.caCertificatePath = caCertificatePath
    self.token = token
  }

  /// The TLS transport to the server. There is no plaintext option: cohortd never serves it.
  public func makeTransport() throws -> HTTP2ClientTransport.Posix {
    let target: any ResolvableTarget =
      if address.isIPv4 {
        .ipv4(address: address.host, port: address.port)
      } else if address.isIPv6 {
        .ipv6(address: address.host, port: address.port)
      } else {
        .dns(host: address.host, port: address.port)
      }
    return try HTTP2ClientTransport.Posix(
      target: target,
      transportSecurity: .tls { tls in
        if let caCertificatePath {
          tls.trustRoots = .certificates([.file(path: caCertificatePath, format: .pem)])
        }
      },
      config: .defaults { config in
        config.backoff.max = .seconds(2)
        config.connection.maxIdleTime = .seconds(30)
      }
    )
  }

  /// Runs `body` with a connected client that sends the token on every call.
  public func withClient<Result: Sendable>(
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await withGRPCClient(
      transport: try makeTransport(),
      interceptors: token.map { [BearerTokenInterceptor(token: $0)] } ?? [],
      handleClient: body
    )
  }
}
