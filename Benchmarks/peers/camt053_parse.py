"""Peer for the camt.053 parsing benchmark: the PyPI package camt053 parsing the same file.

usage: camt053_parse.py FILE [--runs N]
Prints entries per second and MB/s (best and median) and the peak resident memory (ru_maxrss).
The package parses a whole document held in memory (it has no streaming mode), so the file is read
first; reading is not timed.
"""
import resource
import statistics
import sys
import time

import camt053


def main() -> None:
    path = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    with open(path, encoding="utf-8") as handle:
        xml = handle.read()
    size = len(xml.encode("utf-8"))
    times = []
    entries = 0
    for _ in range(runs):
        start = time.perf_counter()
        document = camt053.parse_document(xml)
        times.append(time.perf_counter() - start)
        entries = sum(len(statement.entries) for statement in document.statements)
    best, median = min(times), statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"camt053 {camt053.__version__}: {path}: {size} bytes, {entries} entries")
    print(f"camt053: best {entries / best:,.0f} entries/s, {size / 1048576 / best:.1f} MB/s ({best:.3f} s); "
          f"median {median:.3f} s over {runs} runs; peak resident memory {peak} MiB")


if __name__ == "__main__":
    main()
