import EventStore
import SQLiteNIO

extension SQLiteError {
  /// The event store code for this failure, chosen by SQLite's extended result code alone.
  ///
  /// Messages are for people and change between SQLite versions, so they never decide the code;
  /// they only go into the error's `detail`.
  var eventStoreCode: EventStoreError.Code {
    switch reason {
    // The events table has two unique keys. `(tenant_id, stream, version)` cannot collide: every
    // version is computed inside the same `BEGIN IMMEDIATE` transaction that writes it, under
    // SQLite's single-writer lock. So a unique violation is the event id.
    case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
      .duplicateEventID
    // The only triggers in the schema are the ones that refuse UPDATE and DELETE of events.
    case .constraintTriggerFailed:
      .appendOnly
    // Another connection holds the lock, or the file or disk cannot be used right now
    // (a full disk included): retrying later may succeed.
    case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout, .locked, .lockedBySharedCache,
      .lockedVirtualTable, .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenCygwinPath,
      .cantOpenUnfollowedSymlink, .full, .ioError, .ioErrorFailedRead, .ioErrorIncompleteRead,
      .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedDirSync, .ioErrorFailedTruncate,
      .ioErrorFailedStat, .ioErrorFailedUnlock, .ioErrorFailedReadLock, .ioErrorFailedDelete,
      .ioErrorNoMemory, .ioErrorFailedAccess, .ioErrorFailedLockCheck, .ioErrorFailedAdvisoryLock,
      .ioErrorFailedClose, .ioErrorFailedSharedMemOpen, .ioErrorFailedSharedMemSize,
      .ioErrorFailedSharedMemMap, .ioErrorFailedDeleteNonexistent, .ioErrorFailedMemoryMap,
      .ioErrorCantFindTempdir, .ioErrorCygwinPath:
      .unavailable
    // The bytes on disk are not a valid database, or fail their checksums.
    case .corrupt, .corruptVirtualTable, .corruptSequenceSchema, .corruptIndex, .notADatabase,
      .ioErrorBadDataChecksum, .ioErrorCorruptedFilesystem:
      .corrupted
    default:
      .storage
    }
  }
}
