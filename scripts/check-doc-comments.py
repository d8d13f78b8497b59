#!/usr/bin/env python3
"""Fails when a public or open declaration in the project's own Swift sources has no `///` summary.

A declaration counts as documented when the nearest non-attribute line above it is a `///` line.
Members of a `public` extension are checked like any public declaration. Test targets are skipped.
"""
import pathlib
import re
import sys

ROOTS = ["Sources", "simulator/Sources", "bench", "fuzz"]
DECL = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s+(?:(?:final|static|class|override|mutating|nonisolated|"
    r"indirect|convenience|required|private\(set\)|fileprivate\(set\)|internal\(set\))\s+)*"
    r"(?:func|var|let|init|subscript|struct|enum|class|actor|protocol|typealias|case|extension)\b"
)


def undocumented(path: pathlib.Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not DECL.match(line) or re.match(r"^\s*(public|open)\s+extension\b", line):
            continue
        j = i - 1
        while j >= 0 and (lines[j].strip().startswith("@") or lines[j].strip() == ""):
            if lines[j].strip() == "":
                break
            j -= 1
        if j < 0 or not lines[j].strip().startswith("///"):
            # Conformance requirements documented by their protocol (description, ==, hash, Codable).
            if re.search(r"\b(var description|func hash\(into|static func ==|static func <|init\(from decoder|"
                         r"func encode\(to encoder|func run\(\) async throws|var errorDescription|"
                         r"func log\(event|subscript\(metadataKey|var metadata|var logLevel|var metadataProvider)", line):
                continue
            yield i + 1, line.strip()


def main() -> int:
    top = pathlib.Path(__file__).resolve().parent.parent
    missing = []
    for root in ROOTS:
        for path in sorted((top / root).rglob("*.swift")):
            for number, text in undocumented(path):
                missing.append(f"{path.relative_to(top)}:{number}: {text}")
    if missing:
        print(f"{len(missing)} public declarations lack a /// summary:")
        print("\n".join(missing))
        return 1
    print("every public declaration has a /// summary")
    return 0


if __name__ == "__main__":
    sys.exit(main())
