"""Reads HL7 ACKs (one per file, or several MLLP-framed in mllp_send's output) and prints one JSON
line per ACK: MSA-1, MSA-2, ERR-2, ERR-3.1 as python-hl7 parses them, and whether hl7apy validates
the ACK against the HL7 v2.6 message structure (strict)."""
import json
import sys

import hl7
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message


def check(text):
    text = text.strip("\x0b\x1c\r\n").replace("\r\n", "\r").replace("\n", "\r") + "\r"
    parsed = hl7.parse(text)
    msa = parsed.segment("MSA")
    result = {"msa1": str(msa[1]), "msa2": str(msa[2])}
    try:
        err = parsed.segment("ERR")
        result["err2"] = str(err[2])
        result["err3"] = str(err[3][0][0])
    except KeyError:
        pass
    try:
        result["valid"] = bool(parse_message(text, validation_level=VALIDATION_LEVEL.STRICT).validate())
    except Exception as error:  # hl7apy raises its own error types; the test prints the text
        result["valid"] = False
        result["error"] = str(error)
    return result


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for chunk in f.read().split("\x1c"):
            if "MSH" in chunk:
                print(json.dumps(check(chunk[chunk.index("MSH"):])))
