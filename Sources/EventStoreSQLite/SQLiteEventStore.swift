import EventStore
import Foundation
import Logging
import SQLiteNIO

/// The embedded event store: the whole log in one SQLite file, so that `cohortd` runs on a fresh
/// machine with no database server.
///
/// **Durability.** The file is in WAL mode with `synchronous=FULL`: every commit syncs the
/// write-ahead log to disk before the append is acknowledged, so an acknowledged append survives
/// a crash of the process, of the operating system, or a power loss. With `NORMAL`, the log is
/// synced only at checkpoints: the database stays consistent and survives a crash of the process,
/// but the last acknowledged appends can vanish on power loss or an OS crash. That breaks the
/// store's promise, so the store pays one sync per commit and uses group commit to share it
/// among all the appends waiting at that moment.
///
/// **Connections.** One writer connection takes every append, batched by a ``GroupCommitter``
/// into `BEGIN IMMEDIATE … COMMIT` transactions. One reader connection (`query_only`) answers
/// reads: WAL lets it read the last committed state while the writer writes, and it never sees
/// an uncommitted event. Positions come from SQLite's single-writer lock, so they increase in
/// commit order, as readers of the whole log need. Several stores (or processes) may open the
/// same file: they queue on the write lock for up to ``busyTimeoutMilliseconds``. A third connection
/// keeps the personal-data keys (``KeyStore``), with `secure_delete` on.
///
/// **Threads.** Each store has a small thread pool of its own for the blocking SQLite calls.
/// A connection waiting for the write lock blocks its thread; with a shared pool, stores waiting
/// for each other could take every thread, including the one the lock holder needs to commit.
///
/// Call ``close()`` before letting go of a store.
public final class SQLiteEventStore: EventStore {
  /// How long a connection waits for a lock held by another connection before it gives up with
  /// ``EventStoreError/Code/unavailable``.
  public static let busyTimeoutMilliseconds = 5_000

  public let appends = AppendSignal()
  let writer: SQLiteConnection
  let reader: SQLiteConnection
  let keys: SQLiteConnection
  let threadPool: NIOThreadPool
  let logger: Logger
  let gate = OperationGate()
  /// Shared by the writer and the keys connection (see ``WriteTurns``).
  let writeTurns = WriteTurns()
  let committer: GroupCommitter<PendingAppend, AppendResult>

  private init(
    writer: SQLiteConnection, reader: SQLiteConnection, keys: SQLiteConnection, threadPool: NIOThreadPool,
    logger: Logger
  ) {
    self.writer = writer
    self.reader = reader
    self.keys = keys
    self.threadPool = threadPool
    self.logger = logger
    let appendWriter = SQLiteAppendWriter(connection: writer, appends: appends, logger: logger)
    let turns = writeTurns
    committer = GroupCommitter { batch in await turns.run { await appendWriter.commit(batch) } }
  }

  /// The file holds personal data: readable and writable by its owner only, whatever the umask or
  /// whoever created it. SQLite gives the WAL and shared-memory files the database file's mode.
  private static func restrictToOwner(_ path: String) throws(EventStoreError) {
    let files = FileManager.default
    if !files.fileExists(atPath: path) {
      guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
        throw EventStoreError(.unavailable, "cannot create \(path)")
      }
    }
    for file in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: file) {
      do {
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
      } catch {
        throw EventStoreError(.unavailable, "cannot make \(file) private (mode 0600): \(error)")
      }
    }
  }

  /// Opens the store in the SQLite file at `path`, creating the file and its directory if they
  /// are missing, and brings its schema up to date.
  ///
  /// - Throws: ``EventStoreError/Code/unavailable`` when the file cannot be created or opened,
  ///   ``EventStoreError/Code/corrupted`` when it is not an event store database this build can read.
  public static func open(path: String, logger: Logger) async throws(EventStoreError) -> SQLiteEventStore {
    var logger = logger
    logger[metadataKey: "sqlite.path"] = "\(path)"
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw EventStoreError(.unavailable, "cannot create the directory \(directory.path) for \(path): \(error)")
    }
    try restrictToOwner(path)
    let threadPool = NIOThreadPool(numberOfThreads: 2)
    threadPool.start()
    var opened: [SQLiteConnection] = []
    do throws(EventStoreError) {
      let writer = try await connect(path: path, threadPool: threadPool, logger: logger)
      opened.append(writer)
      try await writer.configure(role: .writer, path: path)
      try await SQLiteMigrations.apply(on: writer, logger: logger)
      let reader = try await connect(path: path, threadPool: threadPool, logger: logger)
      opened.append(reader)
      try await reader.configure(role: .reader, path: path)
      let keys = try await connect(path: path, threadPool: threadPool, logger: logger)
      opened.append(keys)
      try await keys.configure(role: .keys, path: path)
      logger.debug("opened the SQLite event store")
      return SQLiteEventStore(writer: writer, reader: reader, keys: keys, threadPool: threadPool, logger: logger)
    } catch {
      for connection in opened {
        try? await connection.close()
      }
      try? await threadPool.shutdownGracefully()
      throw error
    }
  }

  /// Waits for running operations, then closes the connections. Later calls on the store throw
  /// ``EventStoreError/Code/unavailable``; closing twice is harmless.
  public func close() async {
    guard await gate.close() else { return }
    for connection in [keys, reader, writer] {
      do {
        try await connection.close()
      } catch {
        logger.error("closing an SQLite connection failed", metadata: ["error": "\(error)"])
      }
    }
    do {
      try await threadPool.shutdownGracefully()
    } catch {
      logger.error("stopping the SQLite thread pool failed", metadata: ["error": "\(error)"])
    }
  }

  private static func connect(
    path: String, threadPool: NIOThreadPool, logger: Logger
  ) async throws(EventStoreError) -> SQLiteConnection {
    do {
      return try await SQLiteConnection.open(
        storage: .file(path: path), threadPool: threadPool, logger: logger,
        on: MultiThreadedEventLoopGroup.singleton.any())
    } catch {
      throw EventStoreError(sqlite: error, while: "opening \(path)")
    }
  }
}
