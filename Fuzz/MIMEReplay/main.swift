// Release replay for scripts/fuzz-mime.sh: reads every input the fuzzer kept (and the seeds) with
// an optimised, unsanitized build, the way the gateway runs, and checks that none is slow.
// The fuzzer's own timings include address-sanitizer and coverage overhead, so they cannot judge
// "no input slower than 100 ms in release".
//
//   mime-replay [--limit-ms N] [--repeats N] [--top N] PATH...   (files or folders, recursive)
//
// Exit status: 0 all inputs read within the limit; 1 an input was slower or broke an invariant;
// 2 bad arguments or unreadable paths.
import Foundation

struct Timing {
    var path: String
    var size: Int
    var seconds: Double
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mime-replay: \(message)\n".utf8))
    exit(2)
}

var limitMilliseconds = 100.0
var repeats = 3
var top = 5
var roots: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--limit-ms":
        guard let value = arguments.popFirst().flatMap(Double.init), value > 0 else { fail("--limit-ms needs a positive number") }
        limitMilliseconds = value
    case "--repeats":
        guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { fail("--repeats needs a positive whole number") }
        repeats = value
    case "--top":
        guard let value = arguments.popFirst().flatMap(Int.init), value >= 0 else { fail("--top needs a whole number") }
        top = value
    default:
        roots.append(argument)
    }
}
if roots.isEmpty { fail("no inputs; usage: mime-replay [--limit-ms N] [--repeats N] [--top N] PATH...") }

var files: [String] = []
for root in roots {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { fail("\(root) does not exist") }
    guard isDirectory.boolValue else {
        files.append(root)
        continue
    }
    guard let walker = FileManager.default.enumerator(atPath: root) else { fail("cannot list \(root)") }
    for case let relative as String in walker {
        let path = root + "/" + relative
        var nested: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &nested), !nested.boolValue { files.append(path) }
    }
}

let clock = ContinuousClock()
var timings: [Timing] = []
var broken: [(path: String, problem: String)] = []
var totalSeconds = 0.0
for path in files.sorted() {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let bytes = [UInt8](data)
    // The fastest of a few runs: this machine may be busy with other work (a CI run, a build),
    // and a one-off stall is the scheduler's, not the parser's.
    var best = Double.infinity
    for _ in 0..<repeats {
        var problem: String?
        let elapsed = clock.measure { problem = FuzzRead.readEverything(bytes) }
        if let problem {
            broken.append((path, problem))
            break
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = min(best, seconds)
    }
    if best.isFinite {
        timings.append(Timing(path: path, size: bytes.count, seconds: best))
        totalSeconds += best
    }
}

timings.sort { $0.seconds > $1.seconds }
func milliseconds(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
print("release replay: \(timings.count) inputs (\(files.count) files), best of \(repeats) runs each, total \(milliseconds(totalSeconds))")
for timing in timings.prefix(top) {
    print("  \(milliseconds(timing.seconds))  \(timing.size) bytes  \(timing.path)")
}
for (path, problem) in broken {
    print("BROKEN INVARIANT: \(path): \(problem)")
}
let slowest = timings.first
print("slowest input in release: \(slowest.map { milliseconds($0.seconds) } ?? "-")\(slowest.map { " (\($0.path))" } ?? "")")
let tooSlow = timings.filter { $0.seconds * 1000 > limitMilliseconds }
if !tooSlow.isEmpty {
    print("FAIL: \(tooSlow.count) input(s) took longer than \(limitMilliseconds) ms in release")
}
exit(tooSlow.isEmpty && broken.isEmpty ? 0 : 1)
