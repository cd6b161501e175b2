import Crypto
import Foundation

/// Verification of webhooks signed per the Standard Webhooks specification, as PortOne signs
/// them: `webhook-signature` lists `v1,<base64 HMAC-SHA256>` signatures (space-separated) over
/// the bytes `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed by the base64-decoded secret after
/// its `whsec_` prefix. A webhook is accepted if any listed v1 signature matches any configured
/// secret (several during a rotation), compared in constant time, and its timestamp is at most
/// five minutes old or ahead.
struct StandardWebhook: Sendable {
  /// A signing secret, `whsec_` followed by base64.
  struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let bytes: Data
    var key: SymmetricKey { SymmetricKey(data: bytes) }
    var description: String { "whsec_(redacted)" }
    var debugDescription: String { description }

    init(_ text: String) throws(Refusal) {
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      let encoded = trimmed.hasPrefix("whsec_") ? String(trimmed.dropFirst(6)) : trimmed
      guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
        throw Refusal(.malformed, "a webhook secret must be whsec_ followed by base64")
      }
      self.bytes = bytes
    }
  }

  /// Why a webhook was refused: `malformed` is a bad request, `unauthenticated` a bad signature.
  struct Refusal: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable { case malformed, unauthenticated }
    let kind: Kind
    let description: String

    init(_ kind: Kind, _ description: String) {
      self.kind = kind
      self.description = description
    }
  }

  static let tolerance: TimeInterval = 5 * 60

  let secrets: [Secret]

  /// Secrets one per line (blank lines and `#` comments ignored), as the secret file holds them.
  init(secretsFile text: String) throws(Refusal) {
    var secrets: [Secret] = []
    for line in text.split(whereSeparator: \.isNewline) {
      let line = line.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      secrets.append(try Secret(line))
    }
    self.secrets = secrets
  }

  init(secrets: [Secret]) {
    self.secrets = secrets
  }

  /// Accepts the webhook or says why not.
  func verify(id: String?, timestamp: String?, signatures: String?, body: Data, now: Date) throws(Refusal) {
    guard let id, !id.isEmpty, let timestamp, let signatures, !signatures.isEmpty else {
      throw Refusal(.unauthenticated, "the webhook-id, webhook-timestamp and webhook-signature headers are required")
    }
    guard let seconds = Int64(timestamp) else {
      throw Refusal(.unauthenticated, "webhook-timestamp must be Unix seconds")
    }
    let age = now.timeIntervalSince1970 - TimeInterval(seconds)
    guard age <= Self.tolerance else { throw Refusal(.unauthenticated, "the webhook's timestamp is too old") }
    guard age >= -Self.tolerance else { throw Refusal(.unauthenticated, "the webhook's timestamp is in the future") }
    let signed = Data("\(id).\(timestamp).".utf8) + body
    for entry in signatures.split(separator: " ") {
      let parts = entry.split(separator: ",", maxSplits: 1)
      guard parts.count == 2, parts[0] == "v1", let signature = Data(base64Encoded: String(parts[1])) else { continue }
      for secret in secrets
      where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: secret.key) {
        return
      }
    }
    throw Refusal(.unauthenticated, "no webhook signature matches a configured secret")
  }

  /// The signature header a sender with `secret` would send (for tests and the stand-in).
  static func sign(id: String, timestamp: String, body: Data, secret: Secret) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + body, using: secret.key)
    return "v1," + Data(mac).base64EncodedString()
  }
}
