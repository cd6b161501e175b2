import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Logging

/// What a PortOne webhook becomes: verified (Standard Webhooks), looked up at PortOne's API,
/// then one `reconcile` command on the payment, appended durably before the answer.
///
/// Statuses: 200 once the events are durable (or nothing needed doing), 400 for a malformed
/// body, 401 for a bad signature or timestamp, 503 when webhooks are not configured or PortOne
/// or the store cannot be reached (PortOne retries). Never a 5xx for bad input.
struct PortOneWebhooks: Sendable {
  struct Answer: Equatable, Sendable {
    var status: Int
    var message: String
  }

  /// The principal recorded in the metadata of events a webhook caused.
  static let principalID = UUID(uuidString: "00000000-0000-8000-8000-0000000f0001")!
  static let method = "POST /webhooks/portone"
  private static let requestNamespace = UUID(uuidString: "d1c3b5a7-9e8f-4a6b-8c2d-0e1f2a3b4c05")!

  let core: ServerCore
  /// `nil` when no webhook secret is configured.
  let verifier: StandardWebhook?
  let api: PortOneAPI?
  let logger: Logger
  let now: @Sendable () -> Date

  /// The body PortOne sends: the event's type and which payment it is about (not the amount).
  private struct Body: Decodable {
    struct Payload: Decodable {
      var paymentId: String?
      var storeId: String?
      var transactionId: String?
    }

    var type: String
    var data: Payload?
  }

  static let handledTypes: Set<String> = ["Transaction.Paid", "Transaction.Cancelled", "Transaction.PartialCancelled"]

  func handle(id: String?, timestamp: String?, signature: String?, body: Data) async -> Answer {
    guard let verifier, let api else {
      return Answer(
        status: 503,
        message:
          "PortOne webhooks are not configured: start cohortd with --portone-webhook-secret-file and --portone-api-secret-file"
      )
    }
    do {
      try verifier.verify(id: id, timestamp: timestamp, signatures: signature, body: body, now: now())
    } catch {
      logger.notice("PortOne webhook refused", metadata: ["reason": "\(error.description)"])
      return Answer(status: error.kind == .malformed ? 400 : 401, message: error.description)
    }
    let webhookID = id ?? ""
    guard let parsed = try? JSONDecoder().decode(Body.self, from: body) else {
      return Answer(status: 400, message: "the body is not a PortOne webhook (JSON with type and data)")
    }
    guard Self.handledTypes.contains(parsed.type) else {
      return Answer(status: 200, message: "\(parsed.type) needs nothing from Cohort")
    }
    guard let providerPaymentID = parsed.data?.paymentId, !providerPaymentID.isEmpty,
      providerPaymentID.utf8.count <= 200
    else {
      return Answer(status: 400, message: "data.paymentId is missing")
    }
    let report: ProviderPayment
    do {
      report = try await api.payment(providerPaymentID)
    } catch {
      logger.warning(
        "PortOne payment look-up failed; PortOne will retry the webhook",
        metadata: ["payment-id": "\(providerPaymentID)", "error": "\(error.description)"])
      return Answer(status: 503, message: "the payment could not be looked up at PortOne; retry later")
    }
    guard let (tenantID, paymentID) = payment(providerPaymentID) else {
      logger.warning(
        "a PortOne webhook names a payment no community expects, and several communities share this server",
        metadata: ["payment-id": "\(providerPaymentID)"])
      return Answer(status: 200, message: "no community expects payment \(providerPaymentID)")
    }
    let principal = Principal(tenantID: tenantID, role: .staff, tokenID: Self.principalID, label: "PortOne webhook")
    do {
      let outcome = try await core.commands.handle(
        .reconcile(report), on: Aggregate<Payments>(codec: core.codecs.payments),
        stream: Codecs.paymentStream(tenantID: tenantID, paymentID: paymentID), subjectID: paymentID,
        request: RequestFingerprint(
          requestID: UUID(namespace: Self.requestNamespace, name: webhookID), method: Self.method, body: body),
        principal: principal)
      let what = outcome.events.map(Self.describe).joined(separator: ", ")
      logger.info(
        "PortOne webhook applied",
        metadata: ["payment-id": "\(providerPaymentID)", "type": "\(parsed.type)", "events": "\(what)"])
      return Answer(status: 200, message: what.isEmpty ? "nothing new" : what)
    } catch let error as RPCError where error.code == .alreadyExists {
      return Answer(status: 400, message: "webhook-id \(webhookID) was already used for another body")
    } catch {
      logger.warning(
        "a PortOne webhook could not be recorded; PortOne will retry it",
        metadata: ["payment-id": "\(providerPaymentID)", "error": "\(error)"])
      return Answer(status: 503, message: "the webhook could not be recorded now; retry later")
    }
  }

  /// The payment PortOne means: the community that expects it, else the only community (where
  /// the unknown payment is recorded as such).
  private func payment(_ providerPaymentID: String) -> (UUID, UUID)? {
    core.readModel.read { model in
      if let known = model.people.payment(providerPaymentID: providerPaymentID) { return known }
      let tenants = model.access.tenants.keys
      guard tenants.count == 1, let only = tenants.first else { return nil }
      return (only, PaymentNames.paymentID(tenantID: only, providerPaymentID: providerPaymentID))
    }
  }

  private static func describe(_ event: PaymentEvent) -> String {
    switch event {
    case .paymentExpected: "expected"
    case .paymentValidated: "validated"
    case .paymentValidationRefused(let refused): "validation refused: \(refused.reason)"
    case .paymentRefunded(let refunded): "refunded \(refunded.amount.formatted)"
    }
  }
}

extension PortOneWebhooks {
  /// The webhooks as `configuration` sets them up: secrets read from their files, the API's URL
  /// checked (plain `http://` only on a loopback address). Without a webhook secret every
  /// webhook is answered 503, "not configured".
  init(_ configuration: ServerConfiguration, core: ServerCore, logger: Logger) throws {
    self.core = core
    self.logger = logger
    self.now = { Date() }
    guard let secretFile = configuration.portOneWebhookSecretFile else {
      verifier = nil
      api = nil
      return
    }
    do {
      verifier = try StandardWebhook(secretsFile: try Self.read(secretFile, flag: "--portone-webhook-secret-file"))
    } catch let refusal as StandardWebhook.Refusal {
      throw ConfigurationError("--portone-webhook-secret-file \(secretFile): \(refusal.description)")
    }
    guard verifier?.secrets.isEmpty == false else {
      throw ConfigurationError("--portone-webhook-secret-file \(secretFile) holds no secret (one whsec_… per line)")
    }
    guard let apiSecretFile = configuration.portOneAPISecretFile else {
      throw ConfigurationError(
        "PortOne webhooks need the API secret to look payments up: add --portone-api-secret-file")
    }
    let apiSecret = try Self.read(apiSecretFile, flag: "--portone-api-secret-file")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard !apiSecret.isEmpty, !apiSecret.contains(where: \.isNewline) else {
      throw ConfigurationError("--portone-api-secret-file \(apiSecretFile) must hold the API secret on one line")
    }
    api = PortOneAPI(baseURL: try Self.checked(configuration.portOneAPIURL), apiSecret: apiSecret, client: .shared)
  }

  private static func read(_ path: String, flag: String) throws -> String {
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ConfigurationError("\(flag) \(path) cannot be read: \(error.localizedDescription)")
    }
  }

  /// PortOne's API URL: https, or http on a loopback address (a stand-in for tests).
  static func checked(_ text: String) throws -> String {
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
      !host.isEmpty
    else {
      throw ConfigurationError("--portone-api-url \(text) is not a URL such as https://api.portone.io")
    }
    let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
    guard scheme == "https" || (scheme == "http" && loopback) else {
      throw ConfigurationError(
        "--portone-api-url \(text) must be https:// (plain http:// is accepted only for a loopback address)")
    }
    return text
  }
}
