/// The direction of a stream read.
public enum ReadDirection: Hashable, Sendable {
  /// Oldest first, starting at a version and going up.
  case forward
  /// Newest first, starting at a version and going down.
  case backward
}
