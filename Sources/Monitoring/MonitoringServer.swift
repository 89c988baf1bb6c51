import Dispatch
import Hummingbird
import Synchronization
public import Logging
public import Prometheus

/// The running gateway's HTTP side: `/metrics` (Prometheus text format), `/healthz` (the process
/// answers) and `/readyz` (503 with the reasons while `readiness` names any).
/// Runs on SwiftNIO's threads beside the gateway's own.
public final class MonitoringServer: Sendable {
    /// The server could not start (address in use, not an address of this machine …).
    public struct StartFailure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The port bound (useful when asked for port 0).
    public let port: Int
    private let task: Task<Void, Never>

    private init(port: Int, task: Task<Void, Never>) {
        self.port = port
        self.task = task
    }

    /// Starts serving on `address`; returns once the port is bound, or throws why it could not be.
    public static func start(
        address: ListenAddress, registry: PrometheusCollectorRegistry, readiness: @escaping @Sendable () -> [String], logger: Logger
    ) async throws -> MonitoringServer {
        let router = Router()
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ in
            // The checks read SQLite and may wait on its busy timeout: off Swift concurrency's
            // threads.
            let reasons = await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: readiness()) }
            }
            let body = reasons.isEmpty ? "ready\n" : reasons.map { "not ready: \($0)\n" }.joined()
            return Response(
                status: reasons.isEmpty ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let started = Mutex(false)
        let (outcomes, report) = AsyncStream<Result<Int, StartFailure>>.makeStream()
        var quiet = logger
        // Hummingbird reports a normal shutdown (cancelled child channels) at error level.
        quiet.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                started.withLock { $0 = true }
                report.yield(.success(channel.localAddress?.port ?? address.port))
            }, logger: quiet)
        let task = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                // Before the start, the caller hears of it; after, only the log can tell.
                report.yield(.failure(StartFailure(description: "cannot serve on \(address): \(error)")))
                if started.withLock({ $0 }) { logger.error("monitoring server stopped", metadata: ["error": "\(error)"]) }
            }
            report.finish()
        }
        for await outcome in outcomes {
            switch outcome {
            case .success(let port): return MonitoringServer(port: port, task: task)
            case .failure(let failure): throw failure
            }
        }
        throw StartFailure(description: "the server on \(address) stopped before it started")
    }

    /// Stops serving and waits for open requests to finish.
    public func stop() async {
        task.cancel()
        await task.value
    }
}
