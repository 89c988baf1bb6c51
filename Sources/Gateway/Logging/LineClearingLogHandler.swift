public import Logging

/// Passes every event to `wrapped`, calling `beforeEachLine` first: a log line then never starts
/// on a progress line drawn on the same terminal.
public struct LineClearingLogHandler: LogHandler {
    public var wrapped: any LogHandler
    let beforeEachLine: @Sendable () -> Void

    public init(wrapping wrapped: any LogHandler, beforeEachLine: @escaping @Sendable () -> Void) {
        self.wrapped = wrapped
        self.beforeEachLine = beforeEachLine
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        beforeEachLine()
        wrapped.log(event: event)
    }
}
