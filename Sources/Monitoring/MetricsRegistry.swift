public import Prometheus
import CoreMetrics

/// The process's Prometheus registry, bootstrapped as the swift-metrics backend once per process.
public enum MetricsRegistry {
    /// Histogram buckets for the gateway's timers, in seconds: acknowledgements are expected in
    /// about a second, polls of a backlog may take minutes.
    static let buckets: [String: [Duration]] = [
        "mailgate_acknowledgement_seconds": [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300].map { .milliseconds(Int($0 * 1000)) },
        "mailgate_poll_duration_seconds": [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300].map { .milliseconds(Int($0 * 1000)) },
    ]

    /// Makes a registry and routes swift-metrics into it. Call once, before the gateway starts.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = buckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
