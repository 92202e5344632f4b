"""Peer of the pain.001 benchmark: sepaxml (pip) writing the same 10,000 credit transfers.

Reads payments.json written by `bankgate-bench gen` (the same transfers, amounts, creditors,
remittance texts and end-to-end ids as the in-process Swift benchmark), and builds one
SepaTransfer in batch mode with schema pain.001.001.09, then export(). Timed per run: the
add_payment() calls and export(validate=False) (bankgate's encoder does not run an XSD validator
either); export(validate=True) (xmlschema) is timed once separately. Payment dicts are built
before the clock starts. sepaxml's default clean=True (transliteration to ASCII) is kept.

usage: sepaxml_pain001.py PAYMENTS_JSON [--runs N] [--out FILE]
       sepaxml_pain001.py PAYMENTS_JSON --once --out FILE

--once is the whole-process peer of `bankgate messages render` (timed from outside, by hyperfine):
read the file, build and export once without validation, write the XML, print nothing.
"""
import datetime
import json
import statistics
import sys
import time

import sepaxml
from sepaxml import SepaTransfer

CONFIG = {"name": "ACME Trading GmbH", "IBAN": "DE75512108001245126199", "BIC": "SOGEDEFFXXX",
          "batch": True, "currency": "EUR"}
EXECUTION_DATE = datetime.date(2026, 1, 1)


def cents(text):
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def payment_dicts(bodies):
    return [{"name": b["creditor"]["name"], "IBAN": b["creditor"]["account"], "BIC": b["creditor"]["bank_code"],
             "amount": cents(b["amount"]), "currency": "EUR", "execution_date": EXECUTION_DATE,
             "description": b["remittance_info"], "endtoend_id": b["end_to_end_id"]} for b in bodies]


def build(bodies, validate):
    payments = payment_dicts(bodies)
    start = time.perf_counter()
    sepa = SepaTransfer(dict(CONFIG), schema="pain.001.001.09", clean=True)
    for payment in payments:
        sepa.add_payment(payment)
    out = sepa.export(validate=validate)
    return time.perf_counter() - start, out


def main():
    args = sys.argv[1:]
    runs, out_path = 5, None
    if "--runs" in args:
        at = args.index("--runs"); runs = int(args[at + 1]); del args[at:at + 2]
    if "--out" in args:
        at = args.index("--out"); out_path = args[at + 1]; del args[at:at + 2]
    with open(args[0], "rb") as f:
        bodies = json.load(f)
    if "--once" in args:
        _, out = build(bodies, validate=False)
        with open(out_path, "wb") as f:
            f.write(out)
        return
    count = len(bodies)
    build(bodies, validate=False)  # warm-up
    times = []
    for _ in range(runs):
        seconds, out = build(bodies, validate=False)
        times.append(seconds)
    best, median = min(times), statistics.median(times)
    version = getattr(sepaxml, "version", "?")
    print("sepaxml %s: pain.001.001.09, %d transfers, %d bytes, %d runs after 1 warm-up" % (version, count, len(out), runs))
    print("sepaxml: best %d tx/s (%.1f ms), median %d tx/s (%.1f ms)"
          % (count / best, best * 1000, count / median, median * 1000))
    seconds, out = build(bodies, validate=True)
    print("sepaxml: with export(validate=True): %d tx/s (%.1f ms)" % (count / seconds, seconds * 1000))
    if out_path:
        with open(out_path, "wb") as f:
            f.write(out)
        print("sepaxml: wrote %s" % out_path)


if __name__ == "__main__":
    main()
