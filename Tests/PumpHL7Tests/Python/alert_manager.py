"""A small IHE ACM Alert Manager for the tests: python-hl7's MLLP server (hl7.mllp.start_hl7_server)
on 127.0.0.1:PORT that answers every message with ANSWER (AA, AE or AR; AE and AR carry an ERR) and
appends one JSON line per message to OUT: the message as received, the answer, what python-hl7
reads from it (MSH-9, MSH-10, MSH-21, each OBX's identifier, value and equipment id), and what
hl7apy says: it parses the message (tolerant: hl7apy 1.3.5 has no ORU_R40 structure) and validates
each segment strictly against HL7 v2.6. Prints "listening" once bound.

usage: alert_manager.py PORT OUT ANSWER"""
import asyncio
import json
import sys

import hl7
from hl7.mllp import start_hl7_server
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message, parse_segment

PORT, OUT, ANSWER = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def hl7apy_check(text):
    try:
        parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)
        for line in text.strip("\r").split("\r"):
            segment = parse_segment(line, version="2.6", validation_level=VALIDATION_LEVEL.STRICT)
            if not segment.validate():
                return f"{line[:3]} does not validate"
    except Exception as error:  # hl7apy raises its own error types; the test prints the text
        return f"{type(error).__name__}: {error}"
    return "ok"


def record(message):
    text = str(message)
    msh = message.segment("MSH")
    entry = {
        "message": text,
        "answer": ANSWER,
        "msh9": str(msh[9]),
        "msh10": str(msh[10]),
        "msh21": str(msh[21]) if len(msh) > 21 else "",
        "obx": [
            {"id": str(obx[3]), "value": str(obx[5]), "flags": str(obx[8]),
             "equipment": str(obx[18]).split("^")[0] if len(obx) > 18 else ""}
            for obx in message.segments("OBX")
        ],
        "hl7apy": hl7apy_check(text),
    }
    with open(OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


async def answer(reader, writer):
    try:
        while not writer.is_closing():
            message = await reader.readmessage()
            record(message)
            ack = str(message.create_ack(ack_code=ANSWER)).rstrip("\r")
            if ANSWER != "AA":
                ack += "\rERR|||207^Application internal error^HL70357|E||||the test Alert Manager answers " + ANSWER
            writer.writemessage(hl7.parse(ack))
            await writer.drain()
    except asyncio.IncompleteReadError:
        if not writer.is_closing():
            writer.close()
            await writer.wait_closed()


async def main():
    async with await start_hl7_server(answer, host="127.0.0.1", port=PORT) as server:
        print("listening", flush=True)
        await server.serve_forever()


asyncio.run(main())
