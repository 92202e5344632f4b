"""Ratios of whole-process times measured by hyperfine in one run, against their targets.

usage: cli_ratios.py HYPERFINE_JSON BANKGATE_NAME PEER_NAME TARGET [BANKGATE_NAME PEER_NAME TARGET ...]

Each ratio is bankgate's speed ÷ the peer's speed, so 10 means bankgate is ten times faster and 0.5
that it takes twice as long. Two ratios per pair: from the median wall-clock times (what a user waits
for) and from the mean CPU time, user + system (what the load of a shared machine disturbs least:
there, wall time is mostly waiting for a core). Commands are named with hyperfine's -n.
"""
import json
import sys


def main() -> None:
    path, pairs = sys.argv[1], sys.argv[2:]
    with open(path) as handle:
        results = {result["command"]: result for result in json.load(handle)["results"]}
    verdict = lambda ratio, target: "met" if ratio >= target else "MISSED"
    for at in range(0, len(pairs), 3):
        ours, peer, target = results[pairs[at]], results[pairs[at + 1]], float(pairs[at + 2])
        wall = peer["median"] / ours["median"]
        cpu_ours, cpu_peer = ours["user"] + ours["system"], peer["user"] + peer["system"]
        cpu = cpu_peer / cpu_ours
        print(f"{pairs[at]} vs {pairs[at + 1]} (target ≥ {target:g}×):"
              f" wall {ours['median'] * 1000:.1f} vs {peer['median'] * 1000:.1f} ms median → {wall:.2f}× {verdict(wall, target)};"
              f" CPU {cpu_ours * 1000:.1f} vs {cpu_peer * 1000:.1f} ms → {cpu:.2f}× {verdict(cpu, target)}")


if __name__ == "__main__":
    main()
