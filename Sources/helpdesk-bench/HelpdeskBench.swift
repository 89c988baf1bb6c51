import ArgumentParser

/// `helpdesk-bench`: performance figures, printed; never asserted in tests.
@main
struct HelpdeskBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdesk-bench",
        abstract: "Measure Mailgate's throughput: mail servers end to end, and the MIME reader, the SLA clocks.",
        subcommands: [PollBenchmark.self, OutboxBenchmark.self, MimeBenchmark.self, SLABenchmark.self]
    )
}
