"""Peer for the MT940 parsing benchmark: the PyPI package mt-940 parsing the same file.

usage: mt940_parse.py FILE [--runs N]
Prints entries per second and MB/s (best and median) and the peak resident memory (ru_maxrss).
"""
import resource
import statistics
import sys
import time

import mt940


def main() -> None:
    path = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    with open(path, encoding="utf-8") as handle:
        data = handle.read()
    size = len(data.encode("utf-8"))
    times = []
    entries = 0
    for _ in range(runs):
        start = time.perf_counter()
        transactions = mt940.models.Transactions()
        transactions.parse(data)
        times.append(time.perf_counter() - start)
        entries = len(transactions.transactions)
    best, median = min(times), statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"mt-940: {path}: {size} bytes, {entries} entries")
    print(f"mt-940: best {entries / best:,.0f} entries/s, {size / 1048576 / best:.1f} MB/s ({best:.3f} s); "
          f"median {median:.3f} s over {runs} runs; peak resident memory {peak} MiB")


if __name__ == "__main__":
    main()
