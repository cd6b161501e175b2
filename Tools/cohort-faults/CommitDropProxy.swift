import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// A TCP proxy between cohortd and PostgreSQL that breaks the connection right after PostgreSQL
/// has committed a transaction, before cohortd hears so: the answer (up to the ReadyForQuery
/// that follows the commit) is swallowed and both sides are closed. cohortd then cannot know whether its append
/// is stored. A retry with the same request id must answer with the stored result, and the
/// next command on the stream must decide from the committed state, not from a cache that
/// missed it.
///
/// A commit is an explicit COMMIT or an append batch (one `events_commit` statement, its own
/// transaction). Every `--every`-th commit (over all connections) is dropped, at most `--drops` times. It
/// understands just enough of the protocol to find message boundaries: after the startup
/// packet, each backend message is a type byte and a 4-byte length (cohortd connects without
/// TLS through it).
struct CommitDropProxy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "commit-drop-proxy", abstract: "Proxy PostgreSQL, dropping connections right after COMMIT.")

  @Option(help: "The loopback port to listen on.")
  var listenPort: Int

  @Option(help: "PostgreSQL's loopback port.")
  var upstreamPort: Int

  @Option(help: "Drop the connection after every Nth COMMIT.")
  var every = 7

  @Option(help: "Stop dropping after this many drops.")
  var drops = 25

  @Option(help: "Drop only while this file exists (so that cohortd can start and migrate first).")
  var armFile: String

  func run() async throws {
    let counter = CommitCounter(every: max(every, 1), limit: drops, armFile: armFile)
    let upstreamPort = upstreamPort
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.autoRead, value: false)
      .childChannelInitializer { inbound in
        ClientBootstrap(group: inbound.eventLoop)
          .channelInitializer { outbound in
            outbound.eventLoop.makeCompletedFuture {
              try outbound.pipeline.syncOperations.addHandler(ByteToMessageHandler(BackendMessages()))
              try outbound.pipeline.syncOperations.addHandler(CommitWatcher(client: inbound, counter: counter))
            }
          }
          .connect(host: "127.0.0.1", port: upstreamPort)
          .flatMapThrowing { outbound in
            try inbound.pipeline.syncOperations.addHandler(Relay(peer: outbound))
          }
          // Read the client only once PostgreSQL is connected to take its bytes.
          .flatMap { inbound.setOption(.autoRead, value: true) }
      }
      .bind(host: "127.0.0.1", port: listenPort).get()
    say(
      "proxy: 127.0.0.1:\(listenPort) -> 127.0.0.1:\(upstreamPort), dropping after every \(every)th COMMIT, \(drops) times"
    )
    try await server.closeFuture.get()
  }
}

/// Counts COMMITs while armed and says which to drop.
final class CommitCounter: Sendable {
  private let state = Locked((commits: 0, dropped: 0))
  let every: Int
  let limit: Int
  let armFile: String

  init(every: Int, limit: Int, armFile: String) {
    self.every = every
    self.limit = limit
    self.armFile = armFile
  }

  func shouldDrop() -> Bool {
    guard FileManager.default.fileExists(atPath: armFile) else { return false }
    return state.withLock { state in
      state.commits += 1
      guard state.dropped < limit, state.commits.isMultiple(of: every) else { return false }
      state.dropped += 1
      return true
    }
  }
}

/// Client to PostgreSQL: bytes as they come.
final class Relay: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  private let peer: any Channel

  init(peer: any Channel) { self.peer = peer }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    peer.close(promise: nil)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }
}

/// PostgreSQL's messages to the client, one buffer each.
struct BackendMessages: ByteToMessageDecoder {
  typealias InboundOut = ByteBuffer

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    guard let length: Int32 = buffer.getInteger(at: buffer.readerIndex + 1) else { return .needMoreData }
    guard length >= 4 else { throw ProxyError.malformed(length) }
    guard let message = buffer.readSlice(length: 1 + Int(length)) else { return .needMoreData }
    context.fireChannelRead(wrapInboundOut(message))
    return .continue
  }

  enum ProxyError: Error { case malformed(Int32) }
}

/// PostgreSQL to the client, message by message. What a commit answers is held back until the
/// server says it is ready again (ReadyForQuery, sent once the transaction has committed); a
/// commit whose answer is to be dropped closes both connections instead, so cohortd never hears
/// that it committed. A commit is an explicit COMMIT, or the single statement of an append
/// batch (`events_commit`, whose rows are seven columns, the first an int4), which commits as it ends.
final class CommitWatcher: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  private static let commit = Array("COMMIT\0".utf8)
  private let client: any Channel
  private let counter: CommitCounter
  /// The answer of a commit, held until ReadyForQuery.
  private var held: [ByteBuffer]?

  init(client: any Channel, counter: CommitCounter) {
    self.client = client
    self.counter = counter
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let message = unwrapInboundIn(data)
    let type = message.getInteger(at: message.readerIndex, as: UInt8.self)
    if held == nil, Self.isCommit(message, type: type) { held = [] }
    guard var answer = held else {
      client.writeAndFlush(message, promise: nil)
      return
    }
    answer.append(message)
    held = answer
    guard type == UInt8(ascii: "Z") else { return }
    held = nil
    if counter.shouldDrop() {
      say("proxy: committed; dropping the connection before cohortd hears it")
      context.close(promise: nil)
      client.close(promise: nil)
      return
    }
    for message in answer { client.write(message, promise: nil) }
    client.flush()
  }

  /// CommandComplete("COMMIT"), or the first row of `events_commit`'s answer.
  private static func isCommit(_ message: ByteBuffer, type: UInt8?) -> Bool {
    let start = message.readerIndex
    switch type {
    case UInt8(ascii: "C"):
      return message.getBytes(at: start + 5, length: message.readableBytes - 5) == commit
    case UInt8(ascii: "D"):
      return message.getInteger(at: start + 5, as: Int16.self) == 7
        && message.getInteger(at: start + 7, as: Int32.self) == 4
    default:
      return false
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    client.close(promise: nil)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }
}

/// One line on standard output at once (unbuffered): the script counts them while the proxy runs.
private func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
