import Foundation
import SQLiteNIO

extension UUID {
  /// The UUID's 16 bytes, as the BLOB columns `id` and `tenant_id` hold it.
  var sqliteBlob: SQLiteData {
    withUnsafeBytes(of: uuid) { .blob(ByteBuffer(bytes: $0)) }
  }

  /// Reads a UUID back from its stored bytes; `nil` unless there are exactly 16 of them.
  init?(sqliteBlob buffer: ByteBuffer) {
    guard buffer.readableBytes == MemoryLayout<uuid_t>.size else { return nil }
    var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &bytes) { $0.copyBytes(from: buffer.readableBytesView) }
    self.init(uuid: bytes)
  }
}
