"""Peer of the intake benchmark: persist-queue (pip) enqueuing the same JSON payloads durably.

Reads the request bodies written by `bankgate-bench gen` (payments.jsonl, one JSON object a line),
parses each one (as the gateway parses its request body) and puts it into a
persistqueue.SQLiteAckQueue, which commits every put in its own transaction (auto-commit is
always on for the ack queue). SQLite runs in WAL mode (persist-queue's choice) and we set
synchronous=FULL, the same durability as bankgate's store. Reports puts per second with
--threads producer threads (persist-queue serialises puts behind one lock and one connection),
then drains the queue with get() + ack() and reports that rate too.

usage: persistqueue_intake.py PAYMENTS_JSONL WORK_DIR [--threads N]
"""
import json
import os
import shutil
import sys
import threading
import time

import persistqueue
import persistqueue.serializers.json as json_serializer


def open_queue(path, multithreading):
    queue = persistqueue.SQLiteAckQueue(path, multithreading=multithreading, serializer=json_serializer,
                                        auto_resume=False)
    for conn in {id(queue._conn): queue._conn, id(queue._putter): queue._putter}.values():
        conn.execute("PRAGMA synchronous=FULL")
    modes = (queue._putter.execute("PRAGMA journal_mode").fetchone()[0],
             queue._putter.execute("PRAGMA synchronous").fetchone()[0])
    return queue, modes


def main():
    args = sys.argv[1:]
    threads = 1
    if "--threads" in args:
        at = args.index("--threads")
        threads = int(args[at + 1])
        del args[at:at + 2]
    source, work = args
    with open(source, "rb") as f:
        lines = f.read().splitlines()
    path = os.path.join(work, "persistqueue-%d" % threads)
    shutil.rmtree(path, ignore_errors=True)
    queue, (journal, synchronous) = open_queue(path, multithreading=threads > 1)

    items = iter(lines)
    take = threading.Lock()

    def produce():
        while True:
            with take:
                line = next(items, None)
            if line is None:
                return
            queue.put(json.loads(line))

    start = time.perf_counter()
    if threads == 1:
        produce()
    else:
        workers = [threading.Thread(target=produce) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    put_seconds = time.perf_counter() - start
    assert queue.qsize() == len(lines), (queue.qsize(), len(lines))

    start = time.perf_counter()
    drained = 0
    while True:
        item = queue.get(block=False) if queue.qsize() else None
        if item is None:
            break
        queue.ack(item)
        drained += 1
    drain_seconds = time.perf_counter() - start
    assert drained == len(lines), drained
    queue.close()

    print("persist-queue %s: SQLiteAckQueue journal_mode=%s synchronous=%s (2=FULL), %d producer thread(s)"
          % (persistqueue.__version__, journal, synchronous, threads))
    print("persist-queue: put %d payloads in %.3f s = %d/s" % (len(lines), put_seconds, len(lines) / put_seconds))
    print("persist-queue: get+ack %d payloads in %.3f s = %d/s" % (drained, drain_seconds, drained / drain_seconds))
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
