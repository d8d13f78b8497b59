import NIOCore
import PumpSimKit
import Testing

@testable import PumpDaemon

/// The framer only frames: lines split at `\n`, whatever the read boundaries, over-long lines cut
/// without being buffered whole.
@Suite struct LineFramerTests {
    private func frames(_ chunks: [[UInt8]], maxLine: Int = LineFramer.maxLineBytes) -> [String] {
        let framer = LineFramer(maxLineBytes: maxLine)
        var out: [String] = []
        for chunk in chunks {
            var buffer = ByteBuffer(bytes: chunk)
            framer.frame(&buffer)
            out += framer.takePending().map(Self.describe)
        }
        return out
    }

    private static func describe(_ frame: InboundFrame) -> String {
        switch frame {
        case .line(let b): "line:" + String(decoding: b.readableBytesView, as: UTF8.self)
        case .tooLarge(let p, let n): "big:\(p.readableBytes):\(n)"
        case .hl7(let frame): "hl7:\(frame)"  // only MLLPFramer makes these
        }
    }

    @Test func linesFedOneByteAtATimeComeOutWhole() {
        let text = Array("{\"a\":1}\n\n{\"b\":2}\r\nrest".utf8)
        #expect(frames(text.map { [$0] }) == ["line:{\"a\":1}", "line:", "line:{\"b\":2}\r"])
    }

    @Test(arguments: 0..<50) func randomSplitsGiveTheSameLines(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let lines = (0..<20).map { i in String(repeating: "x", count: Int(rng.next() % 300)) + "\(i)" }
        let text = Array(lines.map { $0 + "\n" }.joined().utf8)
        var chunks: [[UInt8]] = []
        var i = 0
        while i < text.count {
            let n = min(text.count - i, Int(rng.next() % 97) + 1)
            chunks.append(Array(text[i..<(i + n)]))
            i += n
        }
        #expect(frames(chunks) == lines.map { "line:" + $0 })
    }

    @Test func aLineAtTheLimitIsALineAndOneByteMoreIsTooLarge() {
        let exact = [UInt8](repeating: UInt8(ascii: "a"), count: 64) + [10]
        let over = [UInt8](repeating: UInt8(ascii: "b"), count: 65) + [10]
        #expect(
            frames([exact + over + Array("ok\n".utf8)], maxLine: 64) == [
                "line:" + String(repeating: "a", count: 64), "big:64:65", "line:ok",
            ])
    }

    @Test func anOverLongLineSplitAcrossReadsKeepsOnlyItsPrefixAndCountsItsLength() {
        let framer = LineFramer(maxLineBytes: 16)
        var total = 0
        for _ in 0..<100 {
            var chunk = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "z"), count: 10))
            framer.frame(&chunk)
            total += 10
        }
        var end = ByteBuffer(bytes: Array("zz\nnext\n".utf8))
        framer.frame(&end)
        #expect(framer.takePending().map(Self.describe) == ["big:16:\(total + 2)", "line:next"])
    }

    @Test func aPartialLineAtTheEndIsNotFramed() {
        #expect(frames([Array("one\ntw".utf8)]) == ["line:one"])
    }
}
