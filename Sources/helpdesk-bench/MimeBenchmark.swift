import ArgumentParser
import Foundation
import MIME
#if canImport(Glibc)
import Glibc
#endif

/// Times `Message.parse` with bodies and attachments decoded over files on disk, and the same work
/// done by Python's `email` package on the same files; or, with `--rss`, the peak memory of one parse.
struct MimeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mime",
        abstract: "Parse messages from files and compare with Python's email package.",
        discussion: """
            Every file under the given paths is read into memory first; only the parse loop is timed \
            (text body, HTML body and every attachment decoded). The last line is \
            `mime: <n> messages, <MB> MB in <s> s = <MB/s> MB/s`.
            """
    )

    @Argument(help: "Message files, or directories searched recursively.")
    var paths: [String]

    @Flag(help: "Skip the Python comparison.")
    var noPython = false

    @Option(help: "The Python side of the benchmark (default: scripts/bench_python_email.py of this package).")
    var pythonScript: String?

    @Option(help: "The Python interpreter.")
    var python = "python3"

    @Flag(help: "Parse the one file given and print its peak resident memory against its size.")
    var rss = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one message file or directory.") }
        if rss, paths.count != 1 { throw ValidationError("--rss measures one file: give exactly one path.") }
    }

    func run() throws {
        if rss { return try measurePeakMemory(of: paths[0]) }

        let files = try messageFiles()
        guard !files.isEmpty else { throw ValidationError("No files found under \(paths.joined(separator: " ")).") }
        let messages = try files.map { try Self.read($0) }
        let megabytes = Double(messages.reduce(0) { $0 + $1.count }) / 1e6

        let start = ContinuousClock.now
        var checksum = 0
        for bytes in messages { checksum &+= Self.parseAndDecode(bytes) }
        let seconds = elapsedSeconds(since: start)
        // Keeps the optimiser from dropping work whose result is otherwise unused.
        if checksum == Int.min { print("checksum \(checksum)") }

        let mimeLine = String(format: "mime: %d messages, %.1f MB in %.3f s = %.1f MB/s",
                              messages.count, megabytes, seconds, megabytes / seconds)
        if !noPython {
            let (line, pythonSeconds) = try runPython(on: files)
            print(line)
            print(String(format: "ratio: %.1fx Python", pythonSeconds / seconds))
        }
        print(mimeLine)
    }

    /// The work measured for one message; returns a number derived from everything it touched.
    static func parseAndDecode(_ bytes: [UInt8]) -> Int {
        let message = Message.parse(bytes)
        var total = (message.textBody?.utf8.count ?? 0) + (message.htmlBody?.utf8.count ?? 0)
        for attachment in message.attachments { total &+= attachment.decodedBody().count }
        return total
    }

    /// Every regular file named by `paths`, directories walked recursively, sorted; dot files skipped.
    private func messageFiles() throws -> [String] {
        var result: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or directory.")
            }
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            let root = URL(fileURLWithPath: path)
            guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else { continue }
            var found: [String] = []
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                found.append(url.path)
            }
            result += found.sorted()
        }
        return result
    }

    /// Runs the Python script on the same files; returns its line and its timed seconds.
    private func runPython(on files: [String]) throws -> (String, Double) {
        let script = try pythonScriptPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The list is written from another thread so a full pipe cannot block both processes.
        let list = Data((files.joined(separator: "\n") + "\n").utf8)
        let writer = Thread {
            input.fileHandleForWriting.write(list)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(python) \(script) exited with status \(process.terminationStatus).")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("python:") }).map(String.init),
              let seconds = Self.seconds(inLine: line)
        else {
            throw ValidationError("\(script) printed no \"python: … in <s> s\" line: \(text.prefix(200))")
        }
        return (line, seconds)
    }

    /// The number before " s =" in a benchmark line.
    static func seconds(inLine line: String) -> Double? {
        guard let marker = line.range(of: " s = ") else { return nil }
        let before = line[..<marker.lowerBound]
        guard let space = before.lastIndex(of: " ") else { return nil }
        return Double(before[before.index(after: space)...])
    }

    private func pythonScriptPath() throws -> String {
        if let pythonScript { return pythonScript }
        let relative = "scripts/bench_python_email.py"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        // Run from elsewhere: the script next to the sources this tool was built from.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let beside = packageRoot.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: beside) else {
            throw ValidationError("Cannot find \(relative); give --python-script or use --no-python.")
        }
        return beside
    }

    /// Parses one file with everything decoded and prints the process's peak RSS against the file size.
    private func measurePeakMemory(of path: String) throws {
        let baseline = Self.peakResidentBytes()
        let bytes = try Self.read(path)
        let size = bytes.count
        let checksum = Self.parseAndDecode(bytes)
        if checksum == Int.min { print("checksum \(checksum)") }
        let peak = Self.peakResidentBytes()
        print(String(format: "rss: %.1f MB file, peak RSS %.1f MB (%.1f MB before reading) = %.2fx the file size",
                     Double(size) / 1e6, Double(peak) / 1e6, Double(baseline) / 1e6, Double(peak) / Double(max(size, 1))))
    }

    /// The peak resident set of this process so far (Linux reports `ru_maxrss` in KiB).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Reads a whole file straight into one byte array: going through `Data` would hold two copies
    /// at once and spoil the memory figure.
    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ValidationError("\(path): cannot open (errno \(errno)).") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ValidationError("\(path): cannot stat (errno \(errno)).") }
        let size = Int(info.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    failure = got < 0 ? errno : 0
                    break
                }
                done += got
            }
            count = done
        }
        if failure != 0 { throw ValidationError("\(path): read failed (errno \(failure)).") }
        return bytes
    }
}
