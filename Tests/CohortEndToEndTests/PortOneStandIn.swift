import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOSSL
import Synchronization

@testable import CohortServer

/// A stand-in for PortOne on loopback: its REST API answers `GET /payments/{paymentId}` in
/// PortOne V2's documented shape (only with the right `Authorization: PortOne <secret>`), and it
/// sends webhooks signed per Standard Webhooks, as PortOne does.
final class PortOneStandIn: Sendable {
  static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  static let apiSecret = "portone-test-api-secret"

  struct Payment: Sendable {
    var status: String
    var total: Int64
    var cancelled: Int64 = 0
    var currency = "KRW"
  }

  private let payments = Mutex<[String: Payment]>([:])
  private let lookups = Mutex(0)
  let url: String
  private let task: Task<Void, any Error>

  private init(url: String, task: Task<Void, any Error>) {
    self.url = url
    self.task = task
  }

  static func start() async throws -> PortOneStandIn {
    let bound = OneShot<Int>()
    let state = Mutex<PortOneStandIn?>(nil)
    let router = Router()
    router.get("/payments/:id") { request, context -> Response in
      guard request.headers[.authorization] == "PortOne \(Self.apiSecret)" else {
        return Self.json(.unauthorized, #"{"type":"UNAUTHORIZED","message":"bad API secret"}"#)
      }
      let id = try context.parameters.require("id")
      guard let standIn = state.withLock({ $0 }) else { return Self.json(.serviceUnavailable, "{}") }
      standIn.lookups.withLock { $0 += 1 }
      guard let payment = standIn.payments.withLock({ $0[id] }) else {
        return Self.json(.notFound, #"{"type":"PAYMENT_NOT_FOUND","message":"no such payment"}"#)
      }
      return Self.json(
        .ok,
        """
        {"status":"\(payment.status)","id":"\(id)","transactionId":"tx-\(id)","merchantId":"m","storeId":"store-test",
         "amount":{"total":\(payment.total),"taxFree":0,"discount":0,"paid":\(payment.total),"cancelled":\(payment.cancelled)},
         "currency":"\(payment.currency)","customer":{"name":"a customer's name PortOne keeps"}}
        """)
    }
    let application = Application(
      router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in bound.set(.success(channel.localAddress?.port ?? 0)) })
    let task = Task { try await application.run() }
    let port = try await bound.value
    let standIn = PortOneStandIn(url: "http://127.0.0.1:\(port)", task: task)
    state.withLock { $0 = standIn }
    return standIn
  }

  func stop() async {
    task.cancel()
    _ = await task.result
  }

  func set(_ paymentID: String, _ payment: Payment) {
    payments.withLock { $0[paymentID] = payment }
  }

  var lookupCount: Int { lookups.withLock { $0 } }

  /// Writes the secret files a cohortd needs to accept this stand-in's webhooks.
  func configure(_ configuration: inout ServerConfiguration, directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let webhookFile = directory + "/portone-webhook.secret"
    let apiFile = directory + "/portone-api.secret"
    try (Self.webhookSecret + "\n").write(toFile: webhookFile, atomically: true, encoding: .utf8)
    try (Self.apiSecret + "\n").write(toFile: apiFile, atomically: true, encoding: .utf8)
    configuration.portOneWebhookSecretFile = webhookFile
    configuration.portOneAPISecretFile = apiFile
    configuration.portOneAPIURL = url
  }

  /// Runs `body` with this stand-in's cohortd (on SQLite, or on `databaseURL`): one that takes
  /// the stand-in's signed webhooks and looks payments up at it. Stops both afterwards.
  static func withServer(
    databaseURL: String? = nil, log: LogCapture? = nil,
    _ body: (TestServer, PortOneStandIn) async throws -> Void
  ) async throws {
    let portOne = try await start()
    let directory = TestServer.temporaryDirectory()
    var settings = ServerConfiguration(dataDirectory: directory)
    try portOne.configure(&settings, directory: directory + "-secrets")
    let server = try await TestServer.start(directory: directory, databaseURL: databaseURL, log: log) {
      $0.portOneWebhookSecretFile = settings.portOneWebhookSecretFile
      $0.portOneAPISecretFile = settings.portOneAPISecretFile
      $0.portOneAPIURL = settings.portOneAPIURL
    }
    do {
      try await body(server, portOne)
    } catch {
      try? await server.stop()
      await portOne.stop()
      throw error
    }
    try await server.stop()
    await portOne.stop()
  }

  /// The body of a PortOne webhook about `paymentID`.
  static func body(_ type: String, paymentID: String) -> Data {
    Data(
      #"{"type":"\#(type)","timestamp":"2026-12-02T10:00:00Z","data":{"paymentId":"\#(paymentID)","storeId":"store-test","transactionId":"tx-\#(paymentID)"}}"#
        .utf8)
  }

  /// Posts a webhook to `server`'s HTTPS listener, signed with `secret` at `timestamp`; the status.
  static func send(
    _ body: Data, to server: TestServer, id: String = "msg_" + UUID().uuidString, timestamp: Date = Date(),
    secret: String = webhookSecret, signature: String? = nil
  ) async throws -> (status: Int, message: String) {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .file(server.info.caCertificatePath)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    do {
      var request = HTTPClientRequest(url: "https://127.0.0.1:\(server.info.httpsPort ?? 0)/webhooks/portone")
      request.method = .POST
      let stamp = String(Int(timestamp.timeIntervalSince1970))
      request.headers.add(name: "content-type", value: "application/json")
      request.headers.add(name: "webhook-id", value: id)
      request.headers.add(name: "webhook-timestamp", value: stamp)
      let signed = StandardWebhook.sign(
        id: id, timestamp: stamp, body: body, secret: try StandardWebhook.Secret(secret))
      request.headers.add(name: "webhook-signature", value: signature ?? signed)
      request.body = .bytes(ByteBuffer(data: body))
      let response = try await client.execute(request, timeout: .seconds(30))
      let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
      try await client.shutdown()
      return (Int(response.status.code), text)
    } catch {
      try? await client.shutdown()
      throw error
    }
  }

  private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }
}
