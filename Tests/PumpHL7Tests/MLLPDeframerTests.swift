import PumpHL7
import Testing

@Suite struct MLLPDeframerTests {
    @Test func aFrameFedOneByteAtATimeIsOneMessage() {
        var deframer = MLLPDeframer()
        let wire = MLLPDeframer.frame(Array("MSH|^~\\&|A\r".utf8))
        var frames: [MLLPFrame] = []
        for byte in wire { frames += deframer.feed([byte]) }
        #expect(frames == [.message(Array("MSH|^~\\&|A\r".utf8))])
        #expect(!deframer.holdsPartialFrame)
    }

    @Test func twoFramesInOneReadAreTwoMessagesInOrder() {
        var deframer = MLLPDeframer()
        let frames = deframer.feed(MLLPDeframer.frame([0x41]) + MLLPDeframer.frame([0x42]))
        #expect(frames == [.message([0x41]), .message([0x42])])
    }

    @Test func bytesOutsideAFrameAreDroppedAndCounted() {
        var deframer = MLLPDeframer()
        let frames = deframer.feed(Array("MSH|unframed\r\n".utf8) + MLLPDeframer.frame([0x41]) + [0x0D, 0x0A])
        #expect(frames == [.message([0x41])])
        #expect(deframer.discardedBytes == 16)
    }

    @Test func aStartBlockInsideAFrameStartsItAgain() {
        var deframer = MLLPDeframer()
        let frames = deframer.feed([0x0B, 0x41, 0x41] + MLLPDeframer.frame([0x42]))
        #expect(frames == [.message([0x42])])
        #expect(deframer.discardedBytes == 3)
    }

    @Test func anEndBlockWithoutCarriageReturnIsContent() {
        var deframer = MLLPDeframer()
        let frames = deframer.feed([0x0B, 0x41, 0x1C, 0x42, 0x1C, 0x0D])
        #expect(frames == [.message([0x41, 0x1C, 0x42])])
    }

    @Test func aFrameOverTheLimitIsAnsweredWithItsPrefixAndLength() {
        var deframer = MLLPDeframer(maxMessageBytes: 4)
        let frames = deframer.feed(MLLPDeframer.frame(Array("ABCDEFGH".utf8)) + MLLPDeframer.frame([0x41]))
        #expect(frames == [.tooLarge(prefix: Array("ABCD".utf8), length: 8), .message([0x41])])
    }

    @Test func aPartialFrameIsHeldUntilItsEnd() {
        var deframer = MLLPDeframer()
        #expect(deframer.feed([0x0B, 0x41]).isEmpty)
        #expect(deframer.holdsPartialFrame)
        #expect(deframer.feed([0x1C]).isEmpty)
        #expect(deframer.feed([0x0D]) == [.message([0x41])])
    }
}
