import AsyncHTTPClient
import CohortDomain
import Foundation
import NIOCore
import NIOHTTP1

/// PortOne V2's REST API, as far as Cohort needs it: what it knows about one payment.
///
/// A webhook says only *that* something happened to a payment; the amount comes from this
/// look-up (`GET {base}/payments/{paymentId}`, `Authorization: PortOne <API secret>`).
struct PortOneAPI: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  static let publicURL = "https://api.portone.io"

  enum Failure: Error, CustomStringConvertible {
    /// PortOne could not be asked, or answered with an error of its own: try again later.
    case unavailable(String)

    var description: String {
      switch self {
      case .unavailable(let why): why
      }
    }
  }

  let baseURL: String
  let apiSecret: String
  let client: HTTPClient
  let timeout: TimeAmount = .seconds(10)

  /// Never the API secret.
  var description: String { "PortOneAPI(\(baseURL))" }
  var debugDescription: String { description }

  /// What PortOne reports about `paymentID`; status `NOT_FOUND` when PortOne does not know it.
  func payment(_ paymentID: String) async throws(Failure) -> ProviderPayment {
    let path = paymentID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? paymentID
    var request = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + "/payments/" + path)
    request.method = .GET
    request.headers.add(name: "Authorization", value: "PortOne \(apiSecret)")
    request.headers.add(name: "Accept", value: "application/json")
    let status: HTTPResponseStatus
    let body: ByteBuffer
    do {
      let response = try await client.execute(request, timeout: timeout)
      status = response.status
      body = try await response.body.collect(upTo: 1 << 20)
    } catch {
      throw .unavailable("PortOne's API could not be reached: \(error)")
    }
    if status == .notFound {
      return ProviderPayment(status: "NOT_FOUND", total: 0, currency: "", transactionID: "")
    }
    guard status == .ok else {
      throw .unavailable("PortOne's API answered \(status.code) to the payment look-up")
    }
    do {
      let payment = try JSONDecoder().decode(Payment.self, from: Data(buffer: body))
      return ProviderPayment(
        status: payment.status, total: payment.amount.total, cancelled: payment.amount.cancelled ?? 0,
        currency: payment.currency.hasPrefix("CURRENCY_") ? String(payment.currency.dropFirst(9)) : payment.currency,
        transactionID: payment.transactionId ?? "")
    } catch {
      throw .unavailable("PortOne's payment look-up answered with an unexpected shape: \(error)")
    }
  }

  /// The fields of PortOne's payment object that a validation needs.
  private struct Payment: Decodable {
    struct Amount: Decodable {
      var total: Int64
      var cancelled: Int64?
    }

    var status: String
    var transactionId: String?
    var amount: Amount
    var currency: String
  }
}

extension String {
  fileprivate func trimmingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}
