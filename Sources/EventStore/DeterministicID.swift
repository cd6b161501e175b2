import Crypto
import Foundation

extension UUID {
  /// A name-based UUID (RFC 9562 version 5, SHA-1): the same namespace and name always give
  /// the same id. Used to derive event ids from a client's request id, so that a retried
  /// command appends nothing new.
  public init(namespace: UUID, name: String) {
    var hash = Insecure.SHA1()
    withUnsafeBytes(of: namespace.uuid) { hash.update(bufferPointer: $0) }
    hash.update(data: Data(name.utf8))
    var bytes = Array(hash.finalize().prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x50
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    self = UUID(
      uuid: (
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
      ))
  }
}
