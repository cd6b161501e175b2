import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore
import SwiftProtobuf

/// Whose token the fuzzer sends: it decides which refusals are right.
enum FuzzRole: String, CaseIterable, ExpressibleByArgument, Sendable {
  case owner, staff, partner, member, none
}

/// A request message's shape as the API's descriptor set has it: each field's number, name and
/// kind, so that the fuzzer can write plausible values as well as malformed ones.
struct FuzzMessage: Sendable {
  var typeName: String
  var fields: [UInt64: FuzzField] = [:]
  var names: [UInt64: String] = [:]
  var nested: [UInt64: FuzzMessage] = [:]
  var repeated: Set<UInt64> = []
  var booleans: Set<UInt64> = []
}

/// One RPC the server serves, found in the descriptor set it serves by reflection
/// (`Sources/CohortAPI/DescriptorSet.swift`): every RPC of every service is fuzzed, the ones
/// added later included, without a list here to keep up to date.
struct FuzzRPC: Hashable, Sendable {
  enum Shape { case unary, serverStreaming, bidirectional }
  /// What kind of answer is right: a command (it has a request_id) refuses by the business
  /// rules; a query may also find its position beyond the head or not folded yet.
  enum Kind { case command, query, tail, health, healthWatch, reflection }

  /// "EnrollmentService/Enroll" (the service's package only where two share a name).
  let name: String
  let descriptor: MethodDescriptor
  let shape: Shape
  let kind: Kind
  let request: FuzzMessage
  var fields: [UInt64: FuzzField] { request.fields }

  static func == (left: FuzzRPC, right: FuzzRPC) -> Bool { left.name == right.name }
  func hash(into hasher: inout Hasher) { hasher.combine(name) }

  /// Correct answers to a random request from the owner. OUT_OF_RANGE is right for a query only
  /// (it asked for a log position beyond the head), and UNAVAILABLE (a wait for a position the
  /// read model has not folded yet ran out); ABORTED for a command (a conflict). A following
  /// tail ends at the deadline when nothing new is logged, and tails beyond the cap are refused.
  var acceptable: Set<String> {
    let query: Set<String> = ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "OUT_OF_RANGE", "UNAVAILABLE"]
    return switch kind {
    case .command: ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION", "ABORTED"]
    case .query: query
    case .tail: query.union(["RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"])
    case .health: ["OK", "INVALID_ARGUMENT", "NOT_FOUND"]
    case .healthWatch, .reflection: ["OK", "INVALID_ARGUMENT"]
    }
  }

  /// The right answers for a caller of `role`: without a token only UNAUTHENTICATED (health
  /// needs none; reflection does); a token of another role than the owner's may also be refused.
  func acceptable(as role: FuzzRole) -> Set<String> {
    switch (kind, role) {
    case (.health, _), (.healthWatch, _), (_, .owner): acceptable
    case (_, .none): ["UNAUTHENTICATED"]
    default: acceptable.union(["PERMISSION_DENIED"])
    }
  }

  /// The longest one call may take: a following tail waits for events by design.
  func deadline(_ limit: Duration) -> Duration { kind == .tail ? min(limit, .seconds(2)) : limit }

  /// Every RPC of the descriptor set, in its order.
  static let all: [FuzzRPC] = {
    guard let data = Data(base64Encoded: cohortAPIDescriptorSetBase64),
      let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: data)
    else { fatalError("the embedded descriptor set (CohortAPI) cannot be read") }
    var messages: [String: Google_Protobuf_DescriptorProto] = [:]
    func index(_ message: Google_Protobuf_DescriptorProto, prefix: String) {
      let name = prefix + "." + message.name
      messages[name] = message
      for nested in message.nestedType { index(nested, prefix: name) }
    }
    for file in set.file {
      for message in file.messageType { index(message, prefix: "." + file.package) }
    }
    func describe(_ typeName: String, depth: Int) -> FuzzMessage {
      var shape = FuzzMessage(typeName: typeName)
      guard let message = messages[typeName] else { return shape }
      for field in message.field {
        let number = UInt64(field.number)
        shape.names[number] = field.name
        if field.label == .repeated { shape.repeated.insert(number) }
        switch field.type {
        case .string, .bytes: shape.fields[number] = .string
        case .int64, .uint64, .sint64, .fixed64, .sfixed64, .double: shape.fields[number] = .int64
        case .enum: shape.fields[number] = .enumeration
        case .message, .group:
          let nested = depth < 4 ? describe(field.typeName, depth: depth + 1) : FuzzMessage(typeName: field.typeName)
          shape.nested[number] = nested
          shape.fields[number] = .message(nested.fields)
        case .bool:
          shape.booleans.insert(number)
          shape.fields[number] = .int32
        default: shape.fields[number] = .int32
        }
      }
      return shape
    }
    var rpcs: [FuzzRPC] = []
    var seen: Set<String> = []
    for file in set.file {
      for service in file.service {
        let shortName =
          seen.contains(service.name)
          ? "\(file.package.split(separator: ".").last ?? "").\(service.name)" : service.name
        seen.insert(service.name)
        for method in service.method {
          let request = describe(method.inputType, depth: 0)
          let kind: Kind =
            switch (file.package, method.name) {
            case (_, "ServerReflectionInfo"): .reflection
            case ("grpc.health.v1", "Watch"): .healthWatch
            case ("grpc.health.v1", _): .health
            case (_, "TailEvents"): .tail
            default: request.names.values.contains("request_id") ? .command : .query
            }
          rpcs.append(
            FuzzRPC(
              name: "\(shortName)/\(method.name)",
              descriptor: MethodDescriptor(
                fullyQualifiedService: "\(file.package).\(service.name)", method: method.name),
              shape: method.clientStreaming ? .bidirectional : method.serverStreaming ? .serverStreaming : .unary,
              kind: kind, request: request))
        }
      }
    }
    return rpcs
  }()

  static func named(_ name: String) -> FuzzRPC {
    guard let rpc = all.first(where: { $0.name == name }) else {
      fatalError("the embedded descriptor set has no \(name)")
    }
    return rpc
  }

  static let healthWatch = named("Health/Watch")
  static let whoAmI = named("AdminService/WhoAmI")
}
