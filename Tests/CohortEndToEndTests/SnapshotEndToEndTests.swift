import Foundation
import Testing

@Suite("Read-model snapshots across restarts (SQLite)")
struct SnapshotEndToEndTests {
  static func written(_ log: LogCapture) -> Bool { log.all.contains { $0.contains("read model snapshot written") } }
  static func loaded(_ log: LogCapture) -> Bool {
    log.all.contains { $0.contains("read model loaded from its snapshot") }
  }

  @Test("a stop writes the snapshot the next start loads; a stop with nothing folded since does not write it again")
  func restarts() async throws {
    let directory = TestServer.temporaryDirectory()
    let first = LogCapture()
    try await TestServer.start(directory: directory, log: first).stop()
    #expect(Self.written(first))

    let idle = LogCapture()
    try await TestServer.start(directory: directory, log: idle).stop()
    #expect(Self.loaded(idle))
    #expect(!Self.written(idle), "nothing was folded since the snapshot it loaded")

    let busy = LogCapture()
    let server = try await TestServer.start(directory: directory, log: busy)
    _ = try await cohort(
      "cohorts", "schedule", "--number", "7", "--title", "7기", "--price", "100000", "--capacity", "10",
      "--starts", "2027-03-01", "--ends", "2027-04-30",
      in: try server.ownerSession())
    try await server.stop()
    #expect(Self.loaded(busy) && Self.written(busy))

    let after = LogCapture()
    let restarted = try await TestServer.start(directory: directory, log: after)
    #expect(Self.loaded(after))
    #expect(try await cohort("cohorts", "list", in: try restarted.ownerSession()).contains("7기"))
    try await restarted.stop()
  }
}
