import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// The limits on accepted connections that gRPC's transport configuration lacks: how many may be
/// open at once (one more is closed as it arrives), and how long a connection may take to finish
/// its TLS handshake (a caller that opens sockets and never speaks cannot hold them). Installed
/// through the transport's `onAcceptTCPConnection`, which runs once TLS and HTTP/2 are set up.
final class ConnectionGuard: Sendable {
  let maximumConnections: Int
  let handshakeTimeout: Duration
  private let open = Atomic<Int>(0)

  init(maximumConnections: Int, handshakeTimeout: Duration) {
    self.maximumConnections = maximumConnections
    self.handshakeTimeout = handshakeTimeout
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
    let timeout = TimeAmount.nanoseconds(
      handshakeTimeout.components.seconds * 1_000_000_000 + handshakeTimeout.components.attoseconds / 1_000_000_000)
    return channel.eventLoop.makeCompletedFuture {
      let pipeline = channel.pipeline.syncOperations
      let tls = try pipeline.handler(type: NIOSSLServerHandler.self)
      try pipeline.addHandler(HandshakeDeadline(timeout: timeout), position: .after(tls))
    }
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
