/// A `host:port` pair as users type it (`127.0.0.1:7443`, `[::1]:7443`, `cohort.example.org:7443`).
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
  public static let defaultPort = 7443

  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `host:port`, `[v6]:port` or a bare host (default port).
  public init?(parsing text: String) {
    var host = Substring(text)
    var port = Self.defaultPort
    if host.hasPrefix("[") {
      guard let close = host.firstIndex(of: "]") else { return nil }
      let rest = host[host.index(after: close)...]
      host = host[host.index(after: host.startIndex)..<close]
      if !rest.isEmpty {
        guard rest.hasPrefix(":"), let parsed = Int(rest.dropFirst()) else { return nil }
        port = parsed
      }
    } else if let colon = host.lastIndex(of: ":") {
      guard let parsed = Int(host[host.index(after: colon)...]) else { return nil }
      port = parsed
      host = host[..<colon]
    }
    guard !host.isEmpty, (1...65535).contains(port) else { return nil }
    self.host = String(host)
    self.port = port
  }

  public var isIPv6: Bool { host.contains(":") }
  public var isIPv4: Bool {
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
  }

  public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
