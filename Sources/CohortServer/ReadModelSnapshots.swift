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
/// (AES-GCM, its header authenticated with it) with a key kept in the key store beside people's
/// keys. Forgetting a person deletes that key after the `PersonForgotten` is appended, which
/// makes every server's snapshot unreadable at once, those of servers that are down included. A
/// snapshot is written only once the model has folded the log's head as it was when the key
/// was fetched: with a key made after a deletion, the model has folded the forget before it.
struct ReadModelSnapshots: Sendable {
  /// Bump when a type the read model holds changes its shape or meaning.
  static let format: Int32 = 2
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

  init(directory: String, store: any EventStore, keys: any KeyStore, schemas: String) {
    path = Self.path(in: directory)
    self.store = store
    self.keys = keys
    self.schemas = schemas
  }

  /// Makes every server's snapshot unreadable (after a person is forgotten).
  static func invalidateEverywhere(_ keys: any KeyStore) async throws(EventStoreError) {
    try await keys.deleteKey(for: keySubject)
  }

  static func path(in directory: String) -> String { directory + "/read-model.snapshot" }

  /// Deletes the snapshot file in `directory`, if there is one.
  static func discard(in directory: String) {
    try? FileManager.default.removeItem(atPath: path(in: directory))
  }

  /// Deletes this server's snapshot file, if there is one.
  func discard() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The snapshot's model and position; ``Ignored`` saying why it does not fit.
  func load() async throws -> (content: CohortReadModel.Content, position: Int64) {
    // Mapped rather than copied: AES-GCM reads it once, and a new file replaces it by a rename.
    guard let file = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
      throw Ignored(description: "there is none")
    }
    guard file.starts(with: Self.magic), file.count >= Self.magic.count + 4 else {
      throw Ignored(description: "the file is not a snapshot")
    }
    let lengthAt = file.startIndex + Self.magic.count
    let length = file[lengthAt..<lengthAt + 4].reduce(0) { $0 << 8 | Int($1) }
    let headerAt = lengthAt + 4
    guard file.endIndex - headerAt > length else { throw Ignored(description: "the file is cut short") }
    let headerBytes = file[headerAt..<headerAt + length]
    guard let header = try? JSONDecoder().decode(Header.self, from: headerBytes) else {
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
    let plaintext: Data
    do {
      let box = try AES.GCM.SealedBox(combined: file[(headerAt + length)...])
      plaintext = try AES.GCM.open(box, using: key.symmetricKey, authenticating: file[..<(headerAt + length)])
    } catch {
      throw Ignored(description: "it does not open (damaged, or sealed with a key that is gone)")
    }
    do {
      return (try await Self.decode(plaintext), header.position)
    } catch {
      throw Ignored(description: "its read model does not decode: \(error)")
    }
  }

  /// The model in three sections, each a `UInt32` length and ``SnapshotCoding``: the cohorts and
  /// the people (nearly all of it, each coded on a core of its own) and the rest.
  static func encode(_ content: CohortReadModel.Content) async throws -> [UInt8] {
    async let enrollment = SnapshotCoding.encode(content.enrollment, reservingCapacity: 1 << 20)
    async let people = SnapshotCoding.encode(content.people, reservingCapacity: 1 << 20)
    var rest = content
    rest.enrollment = CohortCatalog()
    rest.people = CustomerDirectory()
    let sections = [try await enrollment, try await people, try SnapshotCoding.encode(rest)]
    let writer = SnapshotWriter()
    writer.bytes.reserveCapacity(sections.reduce(12) { $0 + $1.count })
    for section in sections {
      try writer.length(section.count, of: "a snapshot section")
      writer.bytes.append(contentsOf: section)
    }
    return writer.bytes
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
    let plaintext = try await Self.encode(content)
    let header = try JSONEncoder().encode(Header(format: Self.format, schemas: schemas, position: position))
    var file = Self.magic
    file.append(contentsOf: withUnsafeBytes(of: UInt32(header.count).bigEndian) { Array($0) })
    file.append(header)
    let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, authenticating: file)
    guard let sealed = box.combined else { throw EventStoreError(.storage, "AES-GCM gave no combined box") }
    file.append(sealed)
    try file.write(to: URL(fileURLWithPath: path), options: .atomic)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    return (position, ContinuousClock.now - started)
  }
}
