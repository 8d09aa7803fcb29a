#!/usr/bin/env python3
"""Turns copy_file_bench's JSON (Google Benchmark, with aggregates) into the
README's table: per case, the median time of os::CopyFile,
std::filesystem::copy_file and cp, sysport's time over each other's, and the
destination's allocated MiB for each.

Usage: copy_file_report.py BENCH.json [MORE.json ...] > table.md
"""

import json
import sys

IMPLS = ("sysport", "std_filesystem", "cp")


def medians(paths):
    """{case: {impl: (median time, unit, allocated MiB)}} from the files."""
    cases = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        for b in report["benchmarks"]:
            failed = b.get("error_occurred") or b.get("skipped") or b.get("error_message")
            # The median of the repetitions; a single run (--quick) stands alone.
            is_median = b.get("aggregate_name") == "median"
            if failed or not (is_median or b.get("repetitions", 1) == 1):
                continue
            # copy_file/LABEL/SIZE/IMPL[/iterations:N][/manual_time], or sparse/...
            parts = [p for p in b["run_name"].split("/")
                     if p != "manual_time" and not p.startswith("iterations:")]
            family, label, size, impl = parts[:4]
            case = f"{label}, sparse {size} (1 MiB of data)" if family == "sparse" else f"{label}, {size}"
            order = (label, family == "sparse", size_bytes(size))
            cases.setdefault((order, case), {})[impl] = (
                b["real_time"], b["time_unit"], b.get("dst_allocated_MiB"))
    return cases


def size_bytes(size):
    """4KiB -> 4096: the benchmark names sizes with binary units."""
    units = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
    for unit, factor in units.items():
        if size.endswith(unit):
            return float(size[: -len(unit)]) * factor
    return float(size.rstrip("B") or 0)


def cell(entry):
    if entry is None:
        return "-"
    t, unit, _ = entry
    return f"{t:.3f} {unit}" if t < 10 else f"{t:.0f} {unit}"


def ratio(a, b):
    if a is None or b is None or b[0] <= 0:
        return "-"
    # Three significant digits: 0.912, and 0.000164 where sysport clones.
    return f"{a[0] / b[0]:.3g}"


def allocated(entry):
    return "-" if entry is None or entry[2] is None else f"{entry[2]:.0f}"


def main(paths):
    print("| case | os::CopyFile | std::filesystem::copy_file | cp | ÷ std::filesystem | ÷ cp "
          "| allocated MiB (sysport, std, cp) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    # Filesystem by filesystem (in the benchmark's order of labels), sizes up,
    # the sparse file last: the JSON itself is in random interleaved order.
    for (_, case), impls in sorted(medians(paths).items(), key=lambda kv: kv[0][0]):
        s, f, c = (impls.get(i) for i in IMPLS)
        print(f"| {case} | {cell(s)} | {cell(f)} | {cell(c)} | {ratio(s, f)} | {ratio(s, c)} "
              f"| {allocated(s)}, {allocated(f)}, {allocated(c)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
