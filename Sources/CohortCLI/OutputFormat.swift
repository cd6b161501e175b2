import ArgumentParser

/// Tables for people, JSON (the protobuf JSON mapping of the reply) for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

struct OutputOptions: ParsableArguments {
  @Option(name: .customLong("output"), help: "table or json.")
  var format: OutputFormat = .table
}
