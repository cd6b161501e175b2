// swift-tools-version:6.2
import PackageDescription

// Every dependency is pinned to the exact version this project is built and tested with.
let dependencies: [Package.Dependency] = [
  .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
  .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
  .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
  .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
  .package(url: "https://github.com/apple/swift-async-algorithms.git", exact: "1.1.4"),
  .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
  .package(url: "https://github.com/vapor/sqlite-nio.git", exact: "1.13.2"),
  .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
  .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
  .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
  .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
  .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
  .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
  .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
  .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
  .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
  .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
  .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
]

// Our own code: Swift 6 language mode, explicit existentials, and no warnings.
let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .treatAllWarnings(as: .error),
]

let grpc: [Target.Dependency] = [
  .product(name: "GRPCCore", package: "grpc-swift-2"),
  .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
  .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
  .product(name: "SwiftProtobuf", package: "swift-protobuf"),
]

let package = Package(
  name: "cohort",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "cohortd", targets: ["cohortd"]),
    .executable(name: "cohort", targets: ["cohort"]),
    .executable(name: "cohort-bench", targets: ["cohort-bench"]),
    .executable(name: "cohort-faults", targets: ["cohort-faults"]),
  ],
  dependencies: dependencies,
  targets: [
    // Pure business rules: commands, events, decide/evolve, read-model folds.
    .target(name: "CohortDomain", swiftSettings: strict),

    // The event log: protocol, stream names, errors, in-memory store, group commit, subscriptions.
    .target(
      name: "EventStore",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict
    ),
    .target(
      name: "EventStorePostgres",
      dependencies: [
        "EventStore",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    .target(
      name: "EventStoreSQLite",
      dependencies: [
        "EventStore",
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    // The one contract every store passes (used by the tests of each store).
    .target(name: "EventStoreTesting", dependencies: ["EventStore"], swiftSettings: strict),

    // Subscription runner, read models in memory, position waiting.
    .target(
      name: "Projections",
      dependencies: [
        "EventStore",
        .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),

    // Generated protobuf and gRPC code only (see Scripts/generate-protos.sh).
    .target(
      name: "CohortAPI",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: [.swiftLanguageMode(.v6)]
    ),

    // What the CLI and the server share: TLS material, connection settings, the local discovery file.
    .target(
      name: "CohortClient",
      dependencies: ["CohortAPI"] + grpc + [
        .product(name: "NIOSSL", package: "swift-nio-ssl")
      ],
      swiftSettings: strict
    ),

    // The one mapping between API messages and domain values (Money, CalendarDate, roles, ids).
    .target(
      name: "CohortMapping",
      dependencies: [
        "CohortDomain", "CohortAPI", "EventStore", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: strict),

    .target(
      name: "CohortServer",
      dependencies: [
        "CohortDomain", "CohortMapping", "EventStore", "EventStorePostgres", "EventStoreSQLite", "Projections",
        "CohortAPI", "CohortClient",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ] + grpc,
      swiftSettings: strict
    ),
    .executableTarget(
      name: "cohortd",
      dependencies: [
        "CohortServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: strict
    ),

    .target(
      name: "CohortCLI",
      dependencies: [
        "CohortAPI", "CohortClient", "CohortDomain", "CohortMapping", "EventStore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "CSV", package: "CSV.swift"),
      ] + grpc,
      swiftSettings: strict
    ),
    .executableTarget(name: "cohort", dependencies: ["CohortCLI"], swiftSettings: strict),

    // Load generator and measurements for Scripts/bench.sh (never part of the tests).
    .executableTarget(
      name: "cohort-bench",
      dependencies: [
        "CohortAPI", "CohortClient", "CohortDomain", "CohortMapping", "CohortServer", "EventStore",
        "EventStorePostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ] + grpc,
      path: "Benchmarks/cohort-bench",
      swiftSettings: strict
    ),
    // Fault injection client for Scripts/faults.sh: load with retries, verification, fuzzing.
    .executableTarget(
      name: "cohort-faults",
      dependencies: [
        "CohortAPI", "CohortClient", "CohortDomain", "CohortMapping", "EventStore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ] + grpc,
      path: "Tools/cohort-faults",
      swiftSettings: strict
    ),

    .testTarget(
      name: "CohortServerTests",
      dependencies: [
        "CohortServer", "CohortDomain", "CohortMapping", "EventStore", "CohortAPI", "Projections",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
      ] + grpc,
      swiftSettings: strict
    ),
    .testTarget(
      name: "CohortCLITests",
      dependencies: ["CohortCLI", "CohortClient", "CohortAPI"],
      swiftSettings: strict
    ),
    .testTarget(
      name: "ProjectionsTests",
      dependencies: ["Projections", "EventStore", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strict
    ),
    .testTarget(name: "CohortDomainTests", dependencies: ["CohortDomain"], swiftSettings: strict),
    .testTarget(
      name: "EventStoreTests",
      dependencies: [
        "EventStore", "EventStoreTesting", "EventStoreSQLite",
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    .testTarget(
      name: "EventStorePostgresTests",
      dependencies: [
        "EventStore", "EventStoreTesting", "EventStorePostgres",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    .testTarget(
      name: "CohortEndToEndTests",
      dependencies: [
        "CohortServer", "CohortCLI", "CohortClient", "CohortAPI", "CohortDomain", "CohortMapping", "EventStore",
        "EventStoreTesting", "EventStoreSQLite",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
      ] + grpc,
      swiftSettings: strict
    ),
  ]
)
