import Foundation
import Testing

@testable import CohortServer

/// Standard Webhooks signature checks, against the specification's published test vector.
@Suite("Standard Webhooks verification")
struct StandardWebhookTests {
  static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
  static let timestamp = "1614265330"
  static let body = Data(#"{"test": 2432232314}"#.utf8)
  static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
  static let sentAt = Date(timeIntervalSince1970: 1_614_265_330)

  static func verifier(_ secrets: String...) throws -> StandardWebhook {
    try StandardWebhook(secretsFile: secrets.joined(separator: "\n"))
  }

  static func refusal(
    _ webhook: StandardWebhook, id: String? = id, timestamp: String? = timestamp, signatures: String? = signature,
    body: Data = body, now: Date = sentAt
  ) -> StandardWebhook.Refusal? {
    do {
      try webhook.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, now: now)
      return nil
    } catch {
      return error
    }
  }

  @Test("the specification's test vector verifies, and signing reproduces it")
  func testVector() throws {
    let webhook = try Self.verifier(Self.secret)
    #expect(Self.refusal(webhook) == nil)
    let secret = try StandardWebhook.Secret(Self.secret)
    #expect(
      StandardWebhook.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: secret) == Self.signature)
  }

  @Test("any listed v1 signature may match; other versions are ignored")
  func severalSignatures() throws {
    let webhook = try Self.verifier(Self.secret)
    #expect(Self.refusal(webhook, signatures: "v1a,abc v1,AAAA " + Self.signature) == nil)
    #expect(Self.refusal(webhook, signatures: "v2," + Self.signature.dropFirst(3)) != nil)
  }

  @Test("a forged body, id or signature is refused as unauthenticated")
  func forged() throws {
    let webhook = try Self.verifier(Self.secret)
    for refusal in [
      Self.refusal(webhook, body: Data(#"{"test": 2432232315}"#.utf8)),
      Self.refusal(webhook, id: "msg_other"),
      Self.refusal(webhook, signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="),
      Self.refusal(webhook, signatures: "v1,not base64!"),
      Self.refusal(webhook, signatures: nil),
      Self.refusal(webhook, id: nil),
    ] {
      #expect(refusal?.kind == .unauthenticated)
    }
  }

  @Test("timestamps more than five minutes old or ahead are refused; the edges are accepted")
  func staleAndFuture() throws {
    let webhook = try Self.verifier(Self.secret)
    #expect(Self.refusal(webhook, now: Self.sentAt.addingTimeInterval(300)) == nil)
    #expect(Self.refusal(webhook, now: Self.sentAt.addingTimeInterval(-300)) == nil)
    #expect(Self.refusal(webhook, now: Self.sentAt.addingTimeInterval(301))?.description.contains("too old") == true)
    #expect(Self.refusal(webhook, now: Self.sentAt.addingTimeInterval(-301))?.description.contains("future") == true)
    #expect(Self.refusal(webhook, timestamp: "yesterday")?.kind == .unauthenticated)
  }

  @Test("a wrong secret is refused; during a rotation either secret verifies")
  func rotation() throws {
    let other = "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()
    #expect(Self.refusal(try Self.verifier(other)) != nil)
    #expect(Self.refusal(try Self.verifier(other, Self.secret)) == nil)
    #expect(Self.refusal(try Self.verifier(Self.secret, "# comment", "", other)) == nil)
  }

  @Test("a secret that is not base64 is refused when the file is read")
  func badSecret() {
    #expect(throws: StandardWebhook.Refusal.self) { try StandardWebhook(secretsFile: "whsec_***") }
  }
}
