import AsyncHTTPClient
import Logging
import NIOCore
import PumpAlertKit

/// Posts alerts to every configured Alertmanager (`POST /api/v2/alerts`), all of them at once; a
/// failure is logged and forgotten, since the next periodic send carries every alert again.
struct AlertmanagerSender: Sendable {
    let endpoints: [String]
    let timeout: Duration
    let client: HTTPClient
    let logger: Logger

    /// Sends `alerts` to every Alertmanager; returns how many accepted them.
    @discardableResult
    func send(_ alerts: [PostableAlert]) async -> Int {
        guard !alerts.isEmpty else { return 0 }
        let body: [UInt8]
        do {
            body = try PostableAlert.body(alerts)
        } catch {
            logger.error("Could not encode alerts for Alertmanager", metadata: ["error": "\(error)"])
            return 0
        }
        return await withTaskGroup(of: Bool.self) { group in
            for endpoint in endpoints {
                group.addTask { await post(body, count: alerts.count, to: endpoint) }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private func post(_ body: [UInt8], count: Int, to endpoint: String) async -> Bool {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "pumpalert")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            let answer = try await response.body.collect(upTo: 64 << 10)
            guard (200..<300).contains(response.status.code) else {
                logger.error(
                    "Alertmanager refused the alerts",
                    metadata: [
                        "alertmanager": "\(endpoint)", "status": "\(response.status.code)",
                        "answer": "\(String(buffer: answer).prefix(500))", "alerts": "\(count)",
                    ])
                return false
            }
            logger.debug(
                "Alertmanager took the alerts", metadata: ["alertmanager": "\(endpoint)", "alerts": "\(count)"])
            return true
        } catch {
            logger.error(
                "Could not send alerts to Alertmanager; the next send carries them again",
                metadata: ["alertmanager": "\(endpoint)", "error": "\(error)", "alerts": "\(count)"])
            return false
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
