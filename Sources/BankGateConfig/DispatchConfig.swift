/// `[dispatch]`: tuning of the dispatcher shared by all banks. Every key is optional.
public struct DispatchConfig: Sendable {
    /// `poll_interval_ms`: how often an idle dispatcher looks for queued payments.
    public var pollIntervalMilliseconds: Int
    /// `group_commit_max_batch`: the most store writes committed in one transaction.
    public var groupCommitMaxBatch: Int

    /// Default of `poll_interval_ms`.
    public static let defaultPollIntervalMilliseconds = 200
    /// Default of `group_commit_max_batch`.
    public static let defaultGroupCommitMaxBatch = 512

    /// Dispatcher settings, the file's defaults unless given.
    public init(pollIntervalMilliseconds: Int = DispatchConfig.defaultPollIntervalMilliseconds,
                groupCommitMaxBatch: Int = DispatchConfig.defaultGroupCommitMaxBatch) {
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.groupCommitMaxBatch = groupCommitMaxBatch
    }

    /// The keys of `[dispatch]`.
    static let keys = ["poll_interval_ms", "group_commit_max_batch"]

    static func decode(_ reader: TableReader) -> DispatchConfig {
        DispatchConfig(
            pollIntervalMilliseconds: reader.integer("poll_interval_ms", default: defaultPollIntervalMilliseconds, range: 1...60_000),
            groupCommitMaxBatch: reader.integer("group_commit_max_batch", default: defaultGroupCommitMaxBatch, range: 1...100_000))
    }
}
