import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// The limits on accepted connections that gRPC's transport configuration lacks: how many may be
/// open at once (one more is closed as it arrives), how long a connection may take to finish its
/// TLS handshake (a caller that opens sockets and never speaks cannot hold them), and how long a
/// peer may send nothing at all. gRPC closes an idle, old or unresponsive connection gracefully:
/// GOAWAY and a PING, then it waits for the PING's answer, which a silent peer never sends, so
/// without the last limit such a peer would keep its connection for ever. Installed through the
/// transport's `onAcceptTCPConnection`, which runs once TLS and HTTP/2 are set up.
final class ConnectionGuard: Sendable {
  let maximumConnections: Int
  let handshakeTimeout: Duration
  /// A live client answers the server's keepalive PINGs, so it is never silent for longer than
  /// the keepalive interval plus its timeout; one silent for this long is closed.
  let silenceLimit: Duration
  private let open = Atomic<Int>(0)

  init(maximumConnections: Int, handshakeTimeout: Duration, silenceLimit: Duration) {
    self.maximumConnections = maximumConnections
    self.handshakeTimeout = handshakeTimeout
    self.silenceLimit = silenceLimit
  }

  /// Connections open now.
  var openConnections: Int { open.load(ordering: .relaxed) }

  func accept(_ channel: any Channel) -> EventLoopFuture<Void> {
    let count = open.add(1, ordering: .relaxed).newValue
    channel.closeFuture.whenComplete { _ in self.open.subtract(1, ordering: .relaxed) }
    guard count <= maximumConnections else {
      channel.close(promise: nil)
      return channel.eventLoop.makeSucceededVoidFuture()
    }
    let handshake = TimeAmount(handshakeTimeout)
    let silence = TimeAmount(silenceLimit)
    return channel.eventLoop.makeCompletedFuture {
      let pipeline = channel.pipeline.syncOperations
      let tls = try pipeline.handler(type: NIOSSLServerHandler.self)
      try pipeline.addHandler(SilenceDeadline(limit: silence), position: .before(tls))
      try pipeline.addHandler(HandshakeDeadline(timeout: handshake), position: .after(tls))
    }
  }
}

extension TimeAmount {
  init(_ duration: Duration) {
    self = .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
  }
}

/// Closes the connection once the peer has sent no byte for between `limit` and twice `limit`
/// (checked every `limit`, so that a busy connection costs nothing per read but a flag).
private final class SilenceDeadline: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let limit: TimeAmount
  private var heard = true
  private var check: RepeatedTask?

  init(limit: TimeAmount) {
    self.limit = limit
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let channel = context.channel
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    check = context.eventLoop.scheduleRepeatedTask(initialDelay: limit, delay: limit) { _ in
      handler.value.tick(channel)
    }
  }

  private func tick(_ channel: any Channel) {
    if heard {
      heard = false
    } else {
      channel.close(promise: nil)
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    check?.cancel()
    check = nil
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    heard = true
    context.fireChannelRead(data)
  }
}

/// Closes the connection unless its TLS handshake completes within `timeout`, then gets out of
/// the way.
private final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = NIOAny

  private let timeout: TimeAmount
  private var deadline: Scheduled<Void>?

  init(timeout: TimeAmount) {
    self.timeout = timeout
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let channel = context.channel
    deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    deadline?.cancel()
    deadline = nil
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted? = event as? TLSUserEvent {
      deadline?.cancel()
      deadline = nil
      context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
    context.fireUserInboundEventTriggered(event)
  }
}
