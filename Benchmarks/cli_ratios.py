"""Ratios of whole-process times measured by hyperfine in one run, against their targets.

usage: cli_ratios.py HYPERFINE_JSON BANKGATE_NAME PEER_NAME TARGET [BANKGATE_NAME PEER_NAME TARGET ...]

Each ratio is bankgate's speed ÷ the peer's speed (= the peer's median time ÷ bankgate's median time;
the median because the machine is shared), so 10 means bankgate is ten times faster and 0.5 that it
takes twice as long. Commands are named with hyperfine's -n. Prints one line per pair.
"""
import json
import sys


def main() -> None:
    path, pairs = sys.argv[1], sys.argv[2:]
    with open(path) as handle:
        results = {result["command"]: result for result in json.load(handle)["results"]}
    for at in range(0, len(pairs), 3):
        ours, peer, target = results[pairs[at]], results[pairs[at + 1]], float(pairs[at + 2])
        ratio = peer["median"] / ours["median"]
        verdict = "met" if ratio >= target else "MISSED"
        print(f"{pairs[at]}: median {ours['median'] * 1000:.1f} ms (mean {ours['mean'] * 1000:.1f}, "
              f"min {ours['min'] * 1000:.1f}); {pairs[at + 1]}: median {peer['median'] * 1000:.1f} ms "
              f"(mean {peer['mean'] * 1000:.1f}, min {peer['min'] * 1000:.1f}) → {ratio:.2f}× "
              f"(target ≥ {target:g}×: {verdict})")


if __name__ == "__main__":
    main()
