"""Runs a command with its stdout into a file and prints the command's peak resident memory in
KiB (getrusage of this process's only child), then its exit status.

Usage: peak_memory.py OUTFILE COMMAND [ARG...]
"""
import resource
import subprocess
import sys

with open(sys.argv[1], "wb") as out:
    status = subprocess.run(sys.argv[2:], stdout=out, check=False).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)
