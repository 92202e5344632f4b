"""Measures the latency of the storage's fdatasync: appends 8 KiB (two WAL frames' worth) to a
file and calls os.fdatasync, N times, and prints the median and 90th percentile. Every durable
commit of bankgate's store (and of persist-queue) waits for one of these, so with C concurrent
clients each waiting for its own commit, intake cannot exceed C / latency requests per second.

usage: fsync_latency.py DIR [N]
"""
import os
import statistics
import sys
import time

directory = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
path = os.path.join(directory, "fsync-probe.bin")
block = os.urandom(8192)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
times = []
try:
    for _ in range(count):
        os.write(fd, block)
        start = time.perf_counter()
        os.fdatasync(fd)
        times.append(time.perf_counter() - start)
finally:
    os.close(fd)
    os.unlink(path)
times.sort()
median = statistics.median(times)
p90 = times[int(len(times) * 0.9)]
print("fdatasync: %d calls, median %.2f ms, p90 %.2f ms; 32 clients waiting one each: at most %d commits-worth/s"
      % (count, median * 1000, p90 * 1000, 32 / median))
