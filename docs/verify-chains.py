#!/usr/bin/env python3
"""Recomputes pumpmond's hash chains (records and audit trail) from a copy of the store alone.

    python3 docs/verify-chains.py /var/lib/pumpmond/pumpmond.sqlite

Prints, per chain, the rows found intact and the head (last row id and chain hash: compare them
with the journal's "Hash chain heads" entries), or the first row that breaks it. Exits 1 when a
chain is broken. Work on a copy (or a stopped daemon's store): this only reads.

Each row's chain_hash = SHA-256(previous row's chain_hash as 32 bytes, 32 zero bytes before the
first row || canonical content). The canonical content is the columns below, in this order, each as
SQLite stores it: NULL 0x00; INTEGER 0x01 + 8 bytes big-endian two's complement; REAL 0x02 + the 8
bytes of the IEEE 754 double, big-endian; TEXT 0x03 + byte count (8 bytes big-endian) + UTF-8;
BLOB 0x04 + byte count (8 bytes big-endian) + bytes.
"""
import hashlib
import sqlite3
import struct
import sys

CHAINS = {
    "record": ["id", "serial", "type", "trigger", "request_reason", "determination", "clause",
               "replacement_criterion", "indication_status", "indication_clause", "missing",
               "supplies_covered", "evidence", "note", "therapy_id", "created_at"],
    "audit": ["id", "at", "uid", "user", "command", "arguments", "outcome", "request"],
}


class Text(bytes):
    """A TEXT value's bytes as stored (a BLOB arrives as plain bytes)."""


def encode(value):
    if value is None:
        return b"\x00"
    if isinstance(value, int):
        return b"\x01" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"\x02" + struct.pack(">d", value)
    if isinstance(value, Text):
        return b"\x03" + struct.pack(">Q", len(value)) + bytes(value)
    data = bytes(value)
    return b"\x04" + struct.pack(">Q", len(data)) + data


def main(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    db.text_factory = Text
    intact = True
    for table, columns in CHAINS.items():
        previous, rows, head = bytes(32), 0, None
        query = "SELECT %s, chain_hash FROM %s ORDER BY id" % (", ".join(columns), table)
        for row in db.execute(query):
            content = b"".join(encode(v) for v in row[:-1])
            expected = hashlib.sha256(previous + content).hexdigest()
            stored = row[-1].decode("ascii", "replace") if row[-1] is not None else None
            if stored != expected:
                print("%s: broken at row %d (%d rows intact before it)" % (table, row[0], rows))
                intact = False
                break
            previous, rows, head = bytes.fromhex(expected), rows + 1, (row[0], expected)
        else:
            print("%s: %d rows intact, head %s %s" % (table, rows, head[0] if head else 0, head[1] if head else ""))
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
