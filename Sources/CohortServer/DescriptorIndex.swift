import Foundation
import SwiftProtobuf

/// The API's file descriptors, indexed by file name and by fully qualified symbol, for reflection.
struct DescriptorIndex: Sendable {
  private var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
  private var fileOfSymbol: [String: String] = [:]
  private(set) var services: [String] = []

  init(serializedSet: Data) throws {
    let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: serializedSet)
    for file in set.file {
      files[file.name] = file
      let prefix = file.package.isEmpty ? "" : file.package + "."
      for message in file.messageType { index(message, prefix: prefix, file: file.name) }
      for enumeration in file.enumType { fileOfSymbol[prefix + enumeration.name] = file.name }
      for service in file.service {
        let name = prefix + service.name
        services.append(name)
        fileOfSymbol[name] = file.name
        for method in service.method { fileOfSymbol["\(name).\(method.name)"] = file.name }
      }
    }
    services.sort()
  }

  private mutating func index(_ message: Google_Protobuf_DescriptorProto, prefix: String, file: String) {
    let name = prefix + message.name
    fileOfSymbol[name] = file
    for nested in message.nestedType { index(nested, prefix: name + ".", file: file) }
    for enumeration in message.enumType { fileOfSymbol["\(name).\(enumeration.name)"] = file }
  }

  func fileName(containing symbol: String) -> String? {
    fileOfSymbol[symbol]
  }

  func isMessage(_ symbol: String) -> Bool { fileOfSymbol[symbol] != nil }

  /// The serialized file and every file it imports, transitively, the file itself first.
  func serializedFileWithDependencies(_ name: String) throws -> [Data]? {
    guard files[name] != nil else { return nil }
    var order: [String] = []
    var pending = [name]
    while let next = pending.popLast() {
      guard !order.contains(next), let file = files[next] else { continue }
      order.append(next)
      pending += file.dependency
    }
    return try order.compactMap { try files[$0]?.serializedBytes() }
  }
}
