import ArgumentParser
import SwiftProtobuf

/// Tables for people, JSON (the protobuf JSON mapping of the reply) for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

struct OutputOptions: ParsableArguments {
  @Option(name: .customLong("output"), help: "table or json.")
  var format: OutputFormat = .table
}

extension OutputOptions {
  /// The reply as JSON with `--output json`, else `text` for people.
  func render(_ reply: some SwiftProtobuf.Message, _ text: () -> String) throws -> String {
    format == .json ? try Rendering.json(reply) : text()
  }
}
