import CohortAPI
import CohortServer
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

/// The HTTP/2 limits of a connection that has finished its TLS handshake, seen by a peer that
/// speaks just enough HTTP/2 (`openssl s_client` sending the client preface and nothing more):
/// the cap on streams it is told, and the server closing it when idle, when old, or when it does
/// not answer keepalive pings. The control keeps the defaults and stays connected.
@Suite("HTTP/2 connection limits")
struct HTTP2LimitsEndToEndTests {
  /// Every limit long, so that each test shortens only the one it checks.
  static func patient(_ configuration: inout ServerConfiguration) {
    configuration.maximumConnectionIdle = .seconds(600)
    configuration.maximumConnectionAge = .seconds(600)
    configuration.keepaliveInterval = .seconds(600)
  }

  @Test("the server tells each connection its cap on concurrent streams")
  func streamCap() async throws {
    let server = try await TestServer.start {
      Self.patient(&$0)
      $0.maximumStreamsPerConnection = 7
    }
    let peer = try HTTP2Peer(server: server)
    try await Task.sleep(for: .milliseconds(500))
    await peer.stop()
    let settings = try #require(peer.frames().first { $0.type == 0x4 && $0.flags & 0x1 == 0 }, "a SETTINGS frame")
    #expect(settings.settings[0x3] == 7, "SETTINGS_MAX_CONCURRENT_STREAMS: \(settings.settings)")
    try await server.stop()
  }

  @Test(
    "a connection is closed (GOAWAY first) when idle, when too old, or when it does not answer pings (GOAWAY's PING neither)",
    arguments: ["idle", "age", "keepalive"])
  func closed(_ limit: String) async throws {
    let server = try await TestServer.start { configuration in
      Self.patient(&configuration)
      switch limit {
      case "idle": configuration.maximumConnectionIdle = .seconds(1)
      case "age":
        configuration.maximumConnectionAge = .seconds(1)
        configuration.connectionGrace = .seconds(1)
      default:
        configuration.keepaliveInterval = .seconds(1)
        configuration.keepaliveTimeout = .seconds(1)
      }
    }
    let peer = try HTTP2Peer(server: server)
    // A live peer answers PINGs, which lets gRPC's graceful close finish; the keepalive case is
    // a peer that has died (or never answers).
    let closed = await peer.waitForClose(within: .seconds(10), answeringPings: limit != "keepalive")
    #expect(closed, "the server closed the \(limit) connection")
    let types = Set(peer.frames().map(\.type))
    #expect(types.contains(0x7), "a GOAWAY frame before closing (\(limit)); frames: \(types.sorted())")
    if limit == "keepalive" { #expect(types.contains(0x6), "the server pinged first") }
    await peer.stop()
    try await server.stop()
  }

  @Test("with the default limits an idle connection stays open")
  func control() async throws {
    let server = try await TestServer.start()
    let peer = try HTTP2Peer(server: server)
    #expect(!(await peer.waitForClose(within: .seconds(3), answeringPings: true)), "the connection is still open")
    await peer.stop()
    #expect(peer.frames().contains { $0.type == 0x4 }, "the server spoke HTTP/2")
    try await server.stop()
  }
}

/// `openssl s_client` over TLS (ALPN h2) that sends the HTTP/2 client preface and an empty
/// SETTINGS frame, then nothing: its output is the server's frames.
final class HTTP2Peer: Sendable {
  struct Frame {
    var type: UInt8
    var flags: UInt8
    var payload: [UInt8]
    /// A SETTINGS frame's values by identifier.
    var settings: [UInt16: UInt32] {
      var values: [UInt16: UInt32] = [:]
      var at = 0
      while at + 6 <= payload.count {
        let identifier = UInt16(payload[at]) << 8 | UInt16(payload[at + 1])
        var value: UInt32 = 0
        for byte in payload[at + 2..<at + 6] { value = value << 8 | UInt32(byte) }
        values[identifier] = value
        at += 6
      }
      return values
    }
  }

  private let process = Process()
  private let input = Pipe()
  private let output: String

  init(server: TestServer) throws {
    output = TestServer.temporaryDirectory() + "-h2peer.out"
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "openssl", "s_client", "-quiet", "-alpn", "h2", "-connect", "127.0.0.1:\(server.info.port)",
      "-CAfile", server.info.caCertificatePath, "-verify_return_error",
    ]
    process.standardInput = input
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = FileHandle.nullDevice
    try process.run()
    let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 0x4, 0, 0, 0, 0, 0]
    try input.fileHandleForWriting.write(contentsOf: Data(preface))
  }

  /// Whether the server closed the connection (s_client ended) within `limit`; meanwhile the
  /// server's SETTINGS and, if `answeringPings`, its PINGs are acknowledged as a client would.
  func waitForClose(within limit: Duration, answeringPings: Bool = false) async -> Bool {
    let deadline = ContinuousClock.now + limit
    var answered = 0
    while process.isRunning, ContinuousClock.now < deadline {
      let frames = frames()
      for frame in frames.dropFirst(answered) where frame.flags & 0x1 == 0 {
        if frame.type == 0x4 {
          try? input.fileHandleForWriting.write(contentsOf: Data([0, 0, 0, 0x4, 0x1, 0, 0, 0, 0]))
        } else if frame.type == 0x6, answeringPings {
          let ack: [UInt8] = [0, 0, 8, 0x6, 0x1, 0, 0, 0, 0] + frame.payload
          try? input.fileHandleForWriting.write(contentsOf: Data(ack))
        }
      }
      answered = frames.count
      try? await Task.sleep(for: .milliseconds(50))
    }
    return !process.isRunning
  }

  /// Ends s_client (if the server has not) and waits for it to go.
  func stop() async {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    _ = await waitForClose(within: .seconds(10))
    try? input.fileHandleForWriting.close()
  }

  /// The frames the server sent, in order.
  func frames() -> [Frame] {
    let bytes = [UInt8](FileManager.default.contents(atPath: output) ?? Data())
    var frames: [Frame] = []
    var at = 0
    while at + 9 <= bytes.count {
      let length = Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
      guard at + 9 + length <= bytes.count else { break }
      frames.append(Frame(type: bytes[at + 3], flags: bytes[at + 4], payload: Array(bytes[at + 9..<at + 9 + length])))
      at += 9 + length
    }
    return frames
  }

  deinit { try? FileManager.default.removeItem(atPath: output) }
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
