import EventStore
import Foundation
import Logging
import Testing

@testable import CohortServer

@Suite("Read-model snapshots")
struct ReadModelSnapshotsTests {
  /// A core on an in-memory log holding one tenant with its owner token, folded.
  func folded(directory: String) async throws -> (ServerCore, InMemoryKeyStore, UUID) {
    let store = InMemoryEventStore()
    let keys = InMemoryKeyStore()
    let core = ServerCore(store: store, keys: keys, logger: Logger(label: "test"), snapshotDirectory: directory)
    let tenant = AccessRegistry.Tenant(id: UUID(), name: "Snapshot community")
    let events = try AccessEventCodec.newTenant(tenant, ownerToken: "cohort_owner", label: "owner", at: Date())
    let appended = try await store.append(events, to: AccessEventCodec.tenantStream(tenant.id), expecting: .noStream)
    let run = Task { try await core.readModel.run() }
    #expect(await core.readModel.waitUntil(position: appended.position, timeout: .seconds(10)))
    run.cancel()
    try await run.value
    return (core, keys, tenant.id)
  }

  func directory() throws -> String {
    let path = NSTemporaryDirectory() + "cohort-snapshot-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test(
    "a snapshot is due every N events, or every tenth of the log once that is more",
    arguments: [
      // (position, last written, every, due)
      (0, 0, 100_000, false),
      (99_999, 0, 100_000, false),
      (100_000, 0, 100_000, true),
      (10_000_000, 0, 100_000, true),  // a start without one, once it has folded the log
      (1_099_999, 1_000_000, 100_000, false),  // a tenth of a million is N itself
      (1_100_000, 1_000_000, 100_000, true),
      (10_100_000, 10_000_000, 100_000, false),  // at ten million: every million, not every 100,000
      (10_999_999, 10_000_000, 100_000, false),
      (11_000_000, 10_000_000, 100_000, true),
      (10_000_100, 10_000_000, 100, false),
      (500, 400, 100, true),  // a small N on a small log
      (10, 0, 1, true),
    ] as [(Int64, Int64, Int, Bool)])
  func due(position: Int64, lastWritten: Int64, every: Int, due: Bool) {
    #expect(ReadModelSnapshots.isDue(position: position, lastWritten: lastWritten, every: every) == due)
  }

  @Test("a snapshot loads back as the model it was written from, sealed and private to its owner")
  func roundTrip() async throws {
    let dir = try directory()
    let (core, _, tenantID) = try await folded(directory: dir)
    let snapshots = try #require(core.snapshots)
    let position = try #require(try await snapshots.write(core.readModel, wait: .zero)).position
    #expect(position == core.readModel.position)
    let file = try #require(FileManager.default.contents(atPath: snapshots.path))
    #expect(file.range(of: Data("Snapshot community".utf8)) == nil, "the model is sealed on disk")
    let mode = try FileManager.default.attributesOfItem(atPath: snapshots.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    let (content, loadedAt) = try await snapshots.load()
    #expect(loadedAt == position)
    #expect(content.access.tenants[tenantID]?.name == "Snapshot community")
    #expect(content == core.readModel.read { $0.content })
  }

  @Test("a snapshot is ignored once its key is deleted (a person forgotten), when damaged, or of another build")
  func ignored() async throws {
    let dir = try directory()
    let (core, keys, _) = try await folded(directory: dir)
    let snapshots = try #require(core.snapshots)
    func reason() async -> String? {
      do {
        _ = try await snapshots.load()
        return nil
      } catch {
        return "\(error)"
      }
    }
    try await snapshots.write(core.readModel, wait: .zero)
    #expect(await reason() == nil)

    let other = ReadModelSnapshots(directory: dir, store: core.store, keys: keys, schemas: "another build")
    #expect(
      await {
        do {
          _ = try await other.load()
          return false
        } catch { return "\(error)".contains("other event schemas") }
      }())

    var file = try #require(FileManager.default.contents(atPath: snapshots.path))
    file[file.count - 20] ^= 0xFF
    try file.write(to: URL(fileURLWithPath: snapshots.path))
    #expect(await reason()?.contains("does not open") == true)

    try await snapshots.write(core.readModel, wait: .zero)
    try await ReadModelSnapshots.invalidateEverywhere(keys)
    #expect(await reason()?.contains("key is gone") == true)

    snapshots.discard()
    #expect(await reason()?.contains("there is none") == true)
  }

  @Test("a snapshot sealed in many chunks loads back; one dropped, moved, cut off or damaged makes it not open")
  func chunks() async throws {
    let dir = try directory()
    let (core, keys, _) = try await folded(directory: dir)
    let snapshots = ReadModelSnapshots(
      directory: dir, store: core.store, keys: keys, schemas: core.eventCatalog.schemas, chunkSize: 16)
    // What an interrupted write leaves behind does not stop the next one, nor stay.
    try Data("half a snapshot".utf8).write(to: URL(fileURLWithPath: snapshots.path + ".partial"))
    try await snapshots.write(core.readModel, wait: .zero)
    #expect(!FileManager.default.fileExists(atPath: snapshots.path + ".partial"))
    let file = try #require(FileManager.default.contents(atPath: snapshots.path))

    // The opening (magic, header length, header), then chunks: a big-endian UInt32 length and a box.
    func bigEndian(_ at: Int) -> Int { file[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    let magic = Data("cohort read-model snapshot\n".utf8).count
    let openingEnd = magic + 4 + bigEndian(magic)
    var chunks: [Data] = []
    var offset = openingEnd
    while offset < file.count {
      let end = offset + 4 + bigEndian(offset)
      chunks.append(file[offset..<end])
      offset = end
    }
    #expect(chunks.count > 3, "a model of a tenant and its token is more than 48 bytes")
    #expect(chunks.allSatisfy { $0.count <= 4 + 12 + 16 + 16 })

    func loads(_ chunks: [Data]) async -> String? {
      var rewritten = file[..<openingEnd]
      for chunk in chunks { rewritten.append(chunk) }
      do {
        try rewritten.write(to: URL(fileURLWithPath: snapshots.path))
        let (content, _) = try await snapshots.load()
        return content == core.readModel.read({ $0.content }) ? nil : "another model"
      } catch {
        return "\(error)"
      }
    }
    #expect(await loads(chunks) == nil)
    #expect(await loads(Array(chunks.dropLast()))?.contains("does not open") == true)
    var swapped = chunks
    swapped.swapAt(1, 2)
    #expect(await loads(swapped)?.contains("does not open") == true)
    var damaged = chunks
    damaged[1][damaged[1].startIndex + 20] ^= 0x01
    #expect(await loads(damaged)?.contains("does not open") == true)
    var cut = chunks
    cut[cut.count - 1] = cut[cut.count - 1].dropLast(3)
    #expect(await loads(cut)?.contains("cut short") == true)

    // Discarding the snapshot (a person forgotten) takes what a write cut short left too.
    try Data("half a snapshot".utf8).write(to: URL(fileURLWithPath: snapshots.path + ".partial"))
    snapshots.discard()
    #expect(!FileManager.default.fileExists(atPath: snapshots.path))
    #expect(!FileManager.default.fileExists(atPath: snapshots.path + ".partial"))
  }

  @Test("a snapshot beyond the log's head (another database, an older backup) is ignored")
  func beyondTheLog() async throws {
    let dir = try directory()
    let (core, keys, _) = try await folded(directory: dir)
    try await #require(core.snapshots).write(core.readModel, wait: .zero)
    let empty = ReadModelSnapshots(
      directory: dir, store: InMemoryEventStore(), keys: keys, schemas: core.eventCatalog.schemas)
    await #expect(throws: ReadModelSnapshots.Ignored.self) { try await empty.load() }
  }
}
