#!/usr/bin/env python3
"""Turns kernel_copy_bench's JSON (Google Benchmark, with aggregates) into the
README's Markdown table: for each pair, the median time of each variant, the
path sysport took, and sysport's time against its read/write loop's.

Usage: kernel_copy_report.py BENCH.json > table.md
"""

import json
import re
import sys

# The enums of tools/bench/kernel_copy_bench.cc, by number.
PAIRS = {
    0: "ext4 file → tmpfs file",
    1: "tmpfs file → ext4 file",
    2: "ext4 file → TCP (loopback)",
    3: "ext4 file → pipe",
    4: "pipe → ext4 file",
    5: "pipe → tmpfs file",
    6: "TCP (loopback) → ext4 file",
    7: "pipe → pipe",
    8: "pipe → TCP",
    9: "TCP → TCP",
    10: "TCP → pipe",
    11: "Unix socket → ext4 file",
    12: "ext4 file → Unix socket",
}
LIBRARY, GENERIC, PLAIN_SENDFILE, PLAIN_SPLICE, RUST = range(5)

# A median over repetitions, or (one repetition) the run itself.
NAME = re.compile(r"^BM_\w+/pair:(\d+)/variant:(\d+)/manual_time(_median)?$")


def seconds(entry):
    unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[entry.get("time_unit", "ns")]
    return entry["real_time"] * unit


def fmt(value):
    if value is None:
        return "–"
    return f"{value:.3f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        report = json.load(f)
    times = {}
    labels = {}
    reps = 0
    for entry in report["benchmarks"]:
        m = NAME.match(entry["name"])
        if not m or entry.get("error_occurred"):
            continue
        pair, variant = int(m.group(1)), int(m.group(2))
        if m.group(3) is None and (pair, variant) in times:
            continue  # a single repetition of a case that has a median
        times[(pair, variant)] = seconds(entry)
        reps = max(reps, int(entry.get("repetitions", 1)))
        if variant == LIBRARY and entry.get("label"):
            labels[pair] = entry["label"]
    print("| pair | sysport's path | sysport | read/write loop | plain sendfile | plain splice "
          "| Rust `io::copy` | sysport ÷ read/write | sysport ÷ best other |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for pair, name in PAIRS.items():
        row = [times.get((pair, v)) for v in range(5)]
        if row[LIBRARY] is None:
            continue
        others = [t for v, t in enumerate(row) if v != LIBRARY and t is not None]
        ratio = f"{row[LIBRARY] / row[GENERIC]:.2f}" if row[GENERIC] else "–"
        best = f"{row[LIBRARY] / min(others):.2f}" if others else "–"
        print(f"| {name} | {labels.get(pair, '?')} | " + " | ".join(fmt(t) for t in row) +
              f" | {ratio} | {best} |")
    print()
    print(f"Medians of {reps} repetitions, run in a random interleaved order.")


if __name__ == "__main__":
    main()
