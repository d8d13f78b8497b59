import Foundation

extension Bench {
    // MARK: 1b: durable ingest over mutual TLS, and handshakes per second

    /// Row 1's load (the same file, 8 connections x 1024) sent by pumpsim as a gateway over mutual
    /// TLS to a fresh daemon's TCP listener, as a ratio to row 1 of the same run (goal >= 0.8x);
    /// then full handshakes per second of short connections (`openssl s_time -new`, a client
    /// certificate each time, nothing sent after the handshake).
    func tlsIngest(unixRate: Double) throws -> [Row] {
        let pki = "\(data)/tls"
        try makeCertificates(in: pki)
        let state = "\(data)/run-tls"
        try? FileManager.default.removeItem(atPath: state)
        let port = 17_000 + Int(getpid() % 1000)
        let tls = [
            "--listen", "127.0.0.1:\(port)", "--tls-cert", "\(pki)/server.pem", "--tls-key", "\(pki)/server.key",
            "--tls-client-ca", "\(pki)/ca.pem",
        ]
        let daemon = try DaemonRun(
            binDir: bin, stateDir: state, logPath: "\(data)/pumpmond-tls.log", extraArguments: tls)
        self.log("pumpsim load over mutual TLS: \(messages) messages")
        let loadOut = "\(data)/pumpsim-load-tls.txt"
        let load = try runTimed(
            "\(bin)/pumpsim",
            [
                "load", "--from", ingestFile, "--socket", "tcp:127.0.0.1:\(port)", "--connections", "8", "--window",
                "1024", "--tls-cert", "\(pki)/gateway.pem", "--tls-key", "\(pki)/gateway.key", "--tls-ca",
                "\(pki)/ca.pem",
            ],
            outputPath: loadOut)
        let text = (try? String(contentsOfFile: loadOut, encoding: .utf8)) ?? ""
        guard load.status == 0, let accepted = number(after: "accepted:", in: text),
            let elapsed = number(after: "elapsed:", in: text), elapsed > 0
        else {
            daemon.stop()
            throw BenchError("pumpsim load over TLS failed:\n\(text)")
        }
        let rate = accepted / elapsed
        self.log("handshakes: openssl s_time -new for 5 s")
        let handshakeOut = "\(data)/s_time.txt"
        let handshake = try runTimed(
            "/usr/bin/openssl",
            [
                "s_time", "-connect", "127.0.0.1:\(port)", "-new", "-time", "5", "-cert", "\(pki)/gateway.pem",
                "-key", "\(pki)/gateway.key", "-CAfile", "\(pki)/ca.pem",
            ],
            outputPath: handshakeOut)
        daemon.stop()
        let timed = (try? String(contentsOfFile: handshakeOut, encoding: .utf8)) ?? ""
        // "1234 connections in 5.00s; 246.80 connections/user sec, ..." and "1234 connections in 6 real seconds"
        let perSecond = handshakeRate(in: timed)
        var rows = [
            Row(
                name: "1b durable ingest over mutual TLS (pumpsim load, 8 conn x 1024)", figure: "\(Int(rate)) msg/s",
                value: rate, unit: "msg/s", baselineName: "row 1, Unix socket, this run: \(Int(unixRate)) msg/s",
                baseline: unixRate, ratio: rate / unixRate, goal: ">= 0.8x",
                met: rate / unixRate >= 0.8 && accepted == Double(messages))
        ]
        rows.append(
            Row(
                name: "1c TLS handshakes, short connections (openssl s_time -new)",
                figure: perSecond.map { String(format: "%.0f handshakes/s", $0) } ?? "n/a (\(handshake.status))",
                value: perSecond ?? 0, unit: "handshakes/s", baselineName: "-", baseline: 0, ratio: 0, goal: "reported",
                met: nil))
        return rows
    }

    /// Handshakes per wall-clock second from `openssl s_time`'s "N connections in T real seconds".
    private func handshakeRate(in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.contains("real seconds") {
            let words = line.split(separator: " ")
            guard words.count >= 4, let n = Double(words[0]), let t = Double(words[3]), t > 0 else { continue }
            return n / t
        }
        return nil
    }

    /// A CA, the server (IP SAN 127.0.0.1) and one gateway, EC P-256, made once with `openssl`.
    private func makeCertificates(in directory: String) throws {
        guard !FileManager.default.fileExists(atPath: "\(directory)/gateway.pem") else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = """
            set -e; cd '\(directory)'
            openssl req -x509 \(ec) -keyout ca.key -out ca.pem -subj /CN=bench-ca -days 30 2>/dev/null
            for n in server gateway; do
              openssl req -new \(ec) -keyout $n.key -out $n.csr -subj /CN=$n 2>/dev/null
            done
            printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext
            printf 'extendedKeyUsage=clientAuth\\n' > gateway.ext
            for n in server gateway; do
              openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile $n.ext \\
                -out $n.pem 2>/dev/null
            done
            """
        let made = try runTimed("/bin/sh", ["-c", script])
        guard made.status == 0 else { throw BenchError("making the bench's certificates with openssl failed") }
    }
}
