import CohortAPI
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Sockets a caller opens without a token: cohortd closes those that never finish a TLS
/// handshake, and those beyond its connection cap, and keeps serving everybody else.
@Suite("Connection limits against callers without a token")
struct ConnectionLimitsEndToEndTests {
  @Test("a connection that never finishes its TLS handshake is closed after the timeout")
  func stalledHandshake() async throws {
    let server = try await TestServer.start { $0.tlsHandshakeTimeout = .seconds(1) }
    let stalled = try (0..<3).map { _ in try RawSocket(port: server.info.port) }
    for socket in stalled {
      #expect(await socket.waitUntilClosed() == .closed, "the server closed the silent connection")
    }
    #expect(try await cohort("whoami", in: try server.ownerSession()).contains("owner"))
    try await server.stop()
  }

  @Test("beyond the connection cap a new connection is closed at once; those within it are served")
  func connectionCap() async throws {
    let server = try await TestServer.start {
      $0.maximumConnections = 2
      $0.tlsHandshakeTimeout = .seconds(60)
    }
    let held = try (0..<2).map { _ in try RawSocket(port: server.info.port) }
    // Give the server the time to accept both, so that the third is the one beyond the cap.
    try await Task.sleep(for: .milliseconds(300))
    let third = try RawSocket(port: server.info.port)
    #expect(await third.waitUntilClosed() == .closed)
    for socket in held { socket.close() }
    try await Task.sleep(for: .milliseconds(300))
    #expect(try await cohort("whoami", in: try server.ownerSession()).contains("owner"))
    try await server.stop()
  }
}

/// A TCP connection that sends nothing, as a flood of stalled handshakes would.
final class RawSocket: Sendable {
  enum End: Equatable { case closed, stillOpen }
  let descriptor: Int32

  init(port: Int) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    // A read never waits longer than 15 s: a server that keeps the socket is a failure, not a hang.
    var limit = timeval(tv_sec: 15, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Blocks a thread of its own (not one of Swift's few cooperative ones) until the server closes
  /// the connection or 15 s pass.
  func waitUntilClosed() async -> End {
    let descriptor = self.descriptor
    return await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        var byte: UInt8 = 0
        let read = recv(descriptor, &byte, 1, 0)
        continuation.resume(returning: read == 0 || (read < 0 && errno == ECONNRESET) ? .closed : .stillOpen)
      }
    }
  }

  /// Closed once only: a second close could hit a descriptor number another test reuses.
  private let closed = Mutex(false)

  func close() {
    let first = closed.withLock { closed in
      defer { closed = true }
      return !closed
    }
    if first { _ = Glibc.close(descriptor) }
  }

  deinit { close() }
}
