"""Replay series night by night through Apache Otava (defaults: window 50,
p = 0.001) and print the alert events as JSON. Input on stdin:
{"from": F, "series": [{"id": ..., "values": [...]}]}."""
import json
import sys

from otava.analysis import compute_change_points

MATCH = 2


def replay(values, start):
    events = []
    for t in range(start, len(values) + 1):
        cps, _ = compute_change_points(values[:t], window_len=50, max_pvalue=0.001)
        now = sorted(int(c.index) for c in cps)
        open_events = [e for e in events if "withdrawnAt" not in e]
        matched = set()
        for e in open_events:
            hit = [i for i in now if abs(i - e["index"]) <= MATCH]
            if hit:
                matched.update(hit)
            else:
                e["withdrawnAt"] = t
        for i in now:
            if i not in matched:
                events.append({"index": i, "night": t})
    return events


def main():
    doc = json.load(sys.stdin)
    out = {s["id"]: replay(s["values"], doc["from"]) for s in doc["series"]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
