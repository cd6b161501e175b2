import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The HTTPS listener for webhooks (`POST /webhooks/portone`), one more service of the server:
/// Hummingbird over TLS with the gRPC server's certificate, on a port of its own.
struct WebhookListener: Service, CustomStringConvertible {
  /// The most a webhook body may be; PortOne's are a few hundred bytes.
  static let maximumBodyBytes = 64 << 10

  let host: String
  let port: Int
  let tls: TLSFiles
  let webhooks: PortOneWebhooks
  /// Resolves with the bound port once the listener is up.
  let bound: OneShot<Int>
  /// Resolves once the store is migrated: webhooks are answered only after that.
  let ready: OneShot<Void>
  let logger: Logger

  /// What the service group logs: never the secrets the webhooks hold.
  var description: String { "WebhookListener(https://\(host):\(port)/webhooks/portone)" }

  func run() async throws {
    try await ready.value
    let router = Router()
    let webhooks = self.webhooks
    router.post("/webhooks/portone") { request, _ -> Response in
      let body: ByteBuffer
      do {
        body = try await request.body.collect(upTo: Self.maximumBodyBytes)
      } catch {
        return Self.response(413, "a webhook body is at most \(Self.maximumBodyBytes) bytes")
      }
      let answer = await webhooks.handle(
        id: request.headers[HTTPField.Name("webhook-id")!],
        timestamp: request.headers[HTTPField.Name("webhook-timestamp")!],
        signature: request.headers[HTTPField.Name("webhook-signature")!], body: Data(buffer: body))
      return Self.response(answer.status, answer.message)
    }
    let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
      certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { .certificate($0) },
      privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)))
    let bound = self.bound
    let application = Application(
      router: router, server: try .tls(.http1(), tlsConfiguration: tlsConfiguration),
      configuration: .init(address: .hostname(host, port: port), serverName: "cohortd"),
      onServerRunning: { channel in bound.set(.success(channel.localAddress?.port ?? 0)) }, logger: logger)
    do {
      try await application.run()
    } catch {
      bound.set(.failure(error))
      throw error
    }
  }

  private static func response(_ status: Int, _ message: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; charset=utf-8"
    return Response(
      status: HTTPResponse.Status(code: status), headers: headers,
      body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
  }
}
