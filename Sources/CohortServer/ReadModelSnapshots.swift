import CohortDomain
import Crypto
import EventStore
import Foundation
import Logging
import Projections

/// The read model on disk, so that a start folds only the log's tail: written every so many
/// events and at shutdown, loaded at start. A snapshot that does not fit is ignored and the whole
/// log is folded, as without one: another format or another build's event schemas, a position
/// the log does not reach (another database, or one restored from an older backup), a file that
/// does not open (damaged, or sealed with a key that is gone).
///
/// A snapshot holds personal data in the clear as the read model does, so it is sealed
/// (AES-GCM, in chunks that also authenticate its header: ``SealedFile``) with a key kept in the
/// key store beside people's keys. Forgetting a person deletes that key after the `PersonForgotten` is appended, which
/// makes every server's snapshot unreadable at once, those of servers that are down included. A
/// snapshot is written only once the model has folded the log's head as it was when the key
/// was fetched: with a key made after a deletion, the model has folded the forget before it.
struct ReadModelSnapshots: Sendable {
  /// Bump when a type the read model holds changes its shape or meaning.
  static let format: Int32 = 3
  /// Who the key that seals snapshots belongs to in the key store.
  static let keySubject = UUID(uuidString: "5ea1ed00-5a95-4000-8000-000000000001")!
  private static let magic = Data("cohort read-model snapshot\n".utf8)

  struct Header: Codable, Equatable {
    var format: Int32
    /// ``EventCatalog/schemas`` of the build that wrote it.
    var schemas: String
    /// The log position the model had folded.
    var position: Int64
  }

  /// Whether a snapshot is due, with the model at `position` and the last snapshot (or the
  /// loaded one, 0 for none) at `lastWritten`: once `every` events were folded since, or a tenth
  /// of `lastWritten` once that is more. Writing one costs time in proportion to the model (about
  /// 20 s of a core at ten million events), so spacing them in proportion to the log keeps the
  /// share of the server they take alike at any size, where a fixed spacing would spend half of it
  /// on snapshots at ten million; and a start still folds at most a tenth of the log after one.
  static func isDue(position: Int64, lastWritten: Int64, every: Int) -> Bool {
    position - lastWritten >= max(Int64(every), lastWritten / 10)
  }

  /// Why a snapshot was not loaded.
  struct Ignored: Error, CustomStringConvertible {
    var description: String
  }

  let path: String
  let store: any EventStore
  let keys: any KeyStore
  let schemas: String
  /// The most plaintext one sealed chunk of the file holds (``SealedFile``).
  let chunkSize: Int

  init(directory: String, store: any EventStore, keys: any KeyStore, schemas: String, chunkSize: Int = 8 << 20) {
    precondition(chunkSize > 0, "a snapshot's chunks hold at least a byte")
    path = Self.path(in: directory)
    self.store = store
    self.keys = keys
    self.schemas = schemas
    self.chunkSize = chunkSize
  }

  /// Makes every server's snapshot unreadable (after a person is forgotten).
  static func invalidateEverywhere(_ keys: any KeyStore) async throws(EventStoreError) {
    try await keys.deleteKey(for: keySubject)
  }

  static func path(in directory: String) -> String { directory + "/read-model.snapshot" }

  /// Deletes the snapshot file in `directory`, if there is one, and what a write cut short left.
  static func discard(in directory: String) {
    discard(path(in: directory))
  }

  /// Deletes this server's snapshot file, if there is one, and what a write cut short left.
  func discard() {
    Self.discard(path)
  }

  private static func discard(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: SealedFile.partial(of: path))
  }

  /// The snapshot's model and position; ``Ignored`` saying why it does not fit.
  func load() async throws -> (content: CohortReadModel.Content, position: Int64) {
    // Mapped rather than copied: AES-GCM reads it once, and a new file replaces it by a rename.
    guard let file = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
      throw Ignored(description: "there is none")
    }
    guard file.starts(with: Self.magic), let length = Self.bigEndianLength(in: file, at: Self.magic.count) else {
      throw Ignored(description: "the file is not a snapshot")
    }
    let headerAt = Self.magic.count + 4
    guard file.count - headerAt > length else { throw Ignored(description: "the file is cut short") }
    guard let header = try? JSONDecoder().decode(Header.self, from: file[headerAt..<headerAt + length]) else {
      throw Ignored(description: "its header does not decode")
    }
    guard header.format == Self.format else {
      throw Ignored(description: "it is of format \(header.format), this build's is \(Self.format)")
    }
    guard header.schemas == schemas else {
      throw Ignored(description: "another build wrote it, with other event schemas")
    }
    let head = try await store.headPosition()
    guard header.position <= head else {
      throw Ignored(description: "it is at position \(header.position), beyond the log's head \(head)")
    }
    guard let key = try await keys.existingKeys([Self.keySubject])[Self.keySubject] else {
      throw Ignored(description: "its key is gone (a person was forgotten since it was written)")
    }
    let plaintext = try Self.open(file, after: headerAt + length, with: key)
    do {
      return (try await Self.decode(plaintext), header.position)
    } catch {
      throw Ignored(description: "its read model does not decode: \(error)")
    }
  }

  /// The plaintext of the chunks that follow the file's first `start` bytes (``SealedFile``).
  private static func open(_ file: Data, after start: Int, with key: EncryptionKey) throws -> Data {
    let opening = file[..<start]
    var plaintext = Data(capacity: file.count - start)
    var offset = start
    var index: UInt64 = 0
    while offset < file.count {
      guard let size = bigEndianLength(in: file, at: offset), file.count - offset - 4 >= size else {
        throw Ignored(description: "the file is cut short")
      }
      let boxAt = offset + 4
      offset = boxAt + size
      do {
        let box = try AES.GCM.SealedBox(combined: file[boxAt..<offset])
        plaintext.append(
          try AES.GCM.open(
            box, using: key.symmetricKey,
            authenticating: chunkContext(opening, index: index, last: offset == file.count)))
      } catch {
        throw Ignored(description: "it does not open (damaged, cut short, or sealed with a key that is gone)")
      }
      index += 1
    }
    return plaintext
  }

  /// What a chunk's box authenticates besides its bytes: the file's opening (magic and header),
  /// its place among the chunks and whether it is the last, so that chunks cannot be swapped,
  /// dropped or cut off at the end without the file failing to open.
  fileprivate static func chunkContext(_ opening: Data, index: UInt64, last: Bool) -> Data {
    var context = opening
    withUnsafeBytes(of: index.bigEndian) { context.append(contentsOf: $0) }
    context.append(last ? 1 : 0)
    return context
  }

  /// The `UInt32` (big-endian) at `offset` of `data` (whose indices start at 0).
  private static func bigEndianLength(in data: Data, at offset: Int) -> Int? {
    guard data.count - offset >= 4 else { return nil }
    return data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
  }

  /// The model in three sections, each to be framed by a `UInt32` (little-endian) length:
  /// the cohorts and the people (nearly all of it, each coded on a core of its own) and the rest.
  static func encode(_ content: CohortReadModel.Content) async throws -> [[UInt8]] {
    async let enrollment = SnapshotCoding.encode(content.enrollment, reservingCapacity: 1 << 20)
    async let people = SnapshotCoding.encode(content.people, reservingCapacity: 1 << 20)
    var rest = content
    rest.enrollment = CohortCatalog()
    rest.people = CustomerDirectory()
    return [try await enrollment, try await people, try SnapshotCoding.encode(rest)]
  }

  static func decode(_ plaintext: Data) async throws -> CohortReadModel.Content {
    var sections: [Data] = []
    var offset = plaintext.startIndex
    while offset < plaintext.endIndex, sections.count < 3 {
      guard plaintext.endIndex - offset >= 4 else { break }
      let length = plaintext[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
      guard plaintext.endIndex - offset - 4 >= length else { break }
      sections.append(plaintext[offset + 4..<offset + 4 + length])
      offset += 4 + length
    }
    guard sections.count == 3, offset == plaintext.endIndex else {
      throw Ignored(description: "its model is not the three sections this build writes")
    }
    let (enrollmentBytes, peopleBytes) = (sections[0], sections[1])
    async let enrollment = SnapshotCoding.decode(CohortCatalog.self, from: enrollmentBytes)
    async let people = SnapshotCoding.decode(CustomerDirectory.self, from: peopleBytes)
    var content = try SnapshotCoding.decode(CohortReadModel.Content.self, from: sections[2])
    content.enrollment = try await enrollment
    content.people = try await people
    return content
  }

  /// Writes the model of `runner` once it has folded the log's head, waiting at most `wait` for
  /// that. The position written and how long writing took (the wait aside), or `nil` when the
  /// model is behind or has a stopped area.
  @discardableResult
  func write(
    _ runner: ProjectionRunner<CohortReadModel>, wait: Duration
  ) async throws -> (position: Int64, took: Duration)? {
    let key = try await keys.key(for: Self.keySubject, tenantID: StreamName.systemTenant)
    let head = try await store.headPosition()
    if wait > .zero { await runner.waitUntil(position: head, timeout: wait) }
    let started = ContinuousClock.now
    let (content, position, whole) = runner.snapshot { model, position in (model.content, position, model.isWhole) }
    guard position >= head, whole else { return nil }
    var sections = try await Self.encode(content)
    let header = try JSONEncoder().encode(Header(format: Self.format, schemas: schemas, position: position))
    var opening = Self.magic
    opening.append(contentsOf: withUnsafeBytes(of: UInt32(header.count).bigEndian) { Array($0) })
    opening.append(header)
    let file = try SealedFile(replacing: path, opening: opening, key: key, chunkSize: chunkSize)
    do {
      for index in sections.indices {
        let frame = SnapshotWriter()
        try frame.length(sections[index].count, of: "a snapshot section")
        try file.append(frame.bytes)
        try file.append(sections[index])
        sections[index] = []
      }
      try file.commit()
    } catch {
      file.abandon()
      throw error
    }
    return (position, ContinuousClock.now - started)
  }
}

/// The snapshot file as it is written: ``ReadModelSnapshots``'s magic and header (its opening),
/// then the model sealed in chunks of at most `chunkSize` bytes, each a
/// `UInt32` (big-endian) length and an AES-GCM box that also authenticates the opening, the
/// chunk's index and whether it is the last. Writing holds one chunk at a time besides the
/// encoded model, where sealing the model whole held two more copies of it (gigabytes at ten
/// million events). It is written beside the file it replaces, readable by its owner only from
/// the start, and renamed over it once whole and on disk.
private final class SealedFile {
  private let path: String
  private let partial: String
  private let handle: FileHandle
  private let opening: Data
  private let key: EncryptionKey
  private let chunkSize: Int
  private var pending: [UInt8] = []
  private var index: UInt64 = 0

  init(replacing path: String, opening: Data, key: EncryptionKey, chunkSize: Int) throws {
    self.path = path
    self.chunkSize = chunkSize
    partial = Self.partial(of: path)
    self.opening = opening
    self.key = key
    unlink(partial)  // left by a write that did not finish
    let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw SnapshotFileError(path: partial, doing: "create", errno: errno) }
    handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
      try handle.write(contentsOf: opening)
    } catch {
      abandon()
      throw error
    }
    pending.reserveCapacity(chunkSize)
  }

  /// Where the file that replaces `path` is written.
  static func partial(of path: String) -> String { path + ".partial" }

  func append(_ bytes: [UInt8]) throws {
    var rest = bytes[...]
    while !rest.isEmpty {
      // A full chunk is sealed only once more follows, so that the last one is never empty.
      if pending.count == chunkSize { try seal(last: false) }
      let taken = rest.prefix(chunkSize - pending.count)
      pending.append(contentsOf: taken)
      rest = rest[taken.endIndex...]
    }
  }

  /// Seals the last chunk, flushes the file to disk and puts it in place of the old one.
  func commit() throws {
    try seal(last: true)
    try handle.synchronize()
    try handle.close()
    guard rename(partial, path) == 0 else { throw SnapshotFileError(path: path, doing: "rename onto", errno: errno) }
  }

  /// Deletes what was written (after a failure).
  func abandon() {
    try? handle.close()
    unlink(partial)
  }

  private func seal(last: Bool) throws {
    let box = try AES.GCM.seal(
      pending, using: key.symmetricKey,
      authenticating: ReadModelSnapshots.chunkContext(opening, index: index, last: last))
    guard let combined = box.combined, let size = UInt32(exactly: combined.count) else {
      throw EventStoreError(.storage, "AES-GCM gave no combined box")
    }
    var chunk = Data(capacity: 4 + combined.count)
    withUnsafeBytes(of: size.bigEndian) { chunk.append(contentsOf: $0) }
    chunk.append(combined)
    try handle.write(contentsOf: chunk)
    pending.removeAll(keepingCapacity: true)
    index += 1
  }
}

/// A system call on the snapshot file failed.
private struct SnapshotFileError: Error, CustomStringConvertible {
  var path: String
  var doing: String
  var errno: Int32
  var description: String { "could not \(doing) \(path): \(String(cString: strerror(errno)))" }
}
