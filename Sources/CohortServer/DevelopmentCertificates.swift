import Crypto
import Foundation
import SwiftASN1
import X509

/// The TLS material `cohortd` makes for itself when no certificate is configured: a local
/// development CA and a server certificate it signs, kept in `<data directory>/tls/`.
///
/// The CLI trusts the CA file (it finds its path in `server.json`), so the connection is
/// verified TLS from the first start; nothing is ever served in plaintext. Files are reused
/// across restarts and renewed when the server certificate nears expiry or lacks a host name.
struct DevelopmentCertificates: Sendable {
  var caCertificatePath: String
  var certificatePath: String
  var privateKeyPath: String

  init(directory: String) {
    caCertificatePath = directory + "/ca.pem"
    certificatePath = directory + "/server.pem"
    privateKeyPath = directory + "/server-key.pem"
  }

  /// Ensures valid files exist for `hosts` (DNS names or IP addresses); returns whether it made new ones.
  @discardableResult
  func ensure(hosts: [String], now: Date = Date()) throws -> Bool {
    if try isCurrent(hosts: hosts, now: now) { return false }
    try create(hosts: hosts, now: now)
    return true
  }

  /// Whether the three files are one set, current for `hosts`: the key is the certificate's, the
  /// certificate is signed by the CA, and it is valid a week longer. A crash while writing them
  /// (a new CA beside an old certificate, a new key beside an old one) fails this, and they are
  /// made again.
  private func isCurrent(hosts: [String], now: Date) throws -> Bool {
    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
    guard let certificate = read(certificatePath).flatMap({ try? Certificate(pemEncoded: $0) }),
      let ca = read(caCertificatePath).flatMap({ try? Certificate(pemEncoded: $0) }),
      let key = read(privateKeyPath).flatMap({ try? P256.Signing.PrivateKey(pemRepresentation: $0) }),
      Certificate.PublicKey(key.publicKey) == certificate.publicKey,
      certificate.issuer == ca.subject, ca.publicKey.isValidSignature(certificate.signature, for: certificate)
    else { return false }
    guard certificate.notValidAfter > now.addingTimeInterval(7 * 86_400) else { return false }
    let names = (try? certificate.extensions.subjectAlternativeNames) ?? nil
    let present = Set(names.map { Array($0) } ?? [])
    return Set(hosts.map(Self.generalName)).isSubset(of: present)
  }

  private func create(hosts: [String], now: Date) throws {
    let caKey = P256.Signing.PrivateKey()
    let caName = try DistinguishedName {
      OrganizationName("Cohort")
      CommonName("Cohort development CA (\(ProcessInfo.processInfo.hostName))")
    }
    let ca = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
      notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(5 * 365 * 86_400),
      issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: .init(caKey.publicKey))
      },
      issuerPrivateKey: .init(caKey))

    let serverKey = P256.Signing.PrivateKey()
    let server = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
      notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(365 * 86_400),
      issuer: caName,
      subject: try DistinguishedName {
        OrganizationName("Cohort")
        CommonName(hosts.first ?? "localhost")
      },
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true))
        try ExtendedKeyUsage([.serverAuth])
        SubjectAlternativeNames(hosts.map(Self.generalName))
        AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
      },
      issuerPrivateKey: .init(caKey))

    try Self.write(try ca.serializeAsPEM().pemString, to: caCertificatePath, mode: 0o644)
    try Self.write(serverKey.pemRepresentation, to: privateKeyPath, mode: 0o600)
    try Self.write(try server.serializeAsPEM().pemString, to: certificatePath, mode: 0o644)
  }

  private static func generalName(_ host: String) -> GeneralName {
    if let bytes = ipv4Bytes(host) ?? ipv6Bytes(host) {
      return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
    }
    return .dnsName(host)
  }

  private static func ipv4Bytes(_ host: String) -> [UInt8]? {
    var address = in_addr()
    return inet_pton(AF_INET, host, &address) == 1 ? withUnsafeBytes(of: address) { Array($0) } : nil
  }

  private static func ipv6Bytes(_ host: String) -> [UInt8]? {
    var address = in6_addr()
    return inet_pton(AF_INET6, host, &address) == 1 ? withUnsafeBytes(of: address) { Array($0) } : nil
  }

  /// Writes a file that is never readable by others while it is being written.
  static func write(_ text: String, to path: String, mode: Int) throws {
    let temporary = path + ".tmp"
    _ = FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: mode])
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
    try handle.write(contentsOf: Data(text.utf8))
    try handle.synchronize()
    try handle.close()
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
    guard rename(temporary, path) == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
  }
}
