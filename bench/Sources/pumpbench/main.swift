// pumpbench: the benchmarks of issue 7 (`make bench`). Each row is measured against a baseline
// taken in the same run on the same machine, because absolute times on shared machines drift.
//
//   pumpbench run --bin DIR [--data DIR] [--results DIR] [--messages N] [--big-pumps N] [--big-messages N]
//   pumpbench gen-store --store PATH [--from FILE]     (lines on stdin when --from is absent)
import Foundation

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: String? = nil, in args: [String] = CommandLine.arguments) -> String? {
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

do {
    switch args.first {
    case "gen-store":
        guard let store = option("--store") else { throw BenchError("gen-store needs --store PATH") }
        let from = option("--from").flatMap { $0 == "-" ? nil : $0 }
        let (n, s) = try await generateStore(from: from, store: store)
        print("stored \(n) messages in \(String(format: "%.1f", s)) s (\(Int(Double(n) / s)) messages/s)")
    case "run":
        guard let bin = option("--bin") else {
            throw BenchError("run needs --bin DIR (swift build -c release --show-bin-path)")
        }
        let bench = Bench(
            bin: bin, data: option("--data", "bench/data")!, results: option("--results", "bench/results")!,
            messages: Int(option("--messages", "1000000")!) ?? 1_000_000,
            bigPumps: Int(option("--big-pumps", "100000")!) ?? 100_000,
            bigMessages: Int(option("--big-messages", "10000000")!) ?? 10_000_000,
            only: option("--only").map { Set($0.split(separator: ",").map(String.init)) })
        try await bench.run()
    default:
        FileHandle.standardError.write(
            Data("usage: pumpbench run --bin DIR | gen-store --store PATH [--from FILE]\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("pumpbench: \(error)\n".utf8))
    exit(1)
}
