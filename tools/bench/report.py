#!/usr/bin/env python3
"""Turns copy_bench's JSON (--benchmark_out_format=json) into the README's tables.

Usage: report.py BENCH_JSON... [--syscalls TSV] [--machine CPU] [--memory TEXT] [--mount LABEL=TEXT]...
                            [--load-end "1 5 15"] [--seconds N]

  BENCH_JSON  copy_bench's output, with repetitions: every figure is the median
              aggregate of a run's repetitions. A benchmark in a later file replaces
              the same one in an earlier file (a second run with more repetitions)
  --syscalls  system calls per 4 KiB copy, from tools/bench/run's strace counts:
              lines "FS<TAB>PATH<TAB>SYSCALL<TAB>CALLS_PER_COPY"
  --machine   the CPU model (and hypervisor), for the machine line
  --memory    the machine's memory ("24 GiB"), for the machine line
  --mount     what a filesystem label stands for ("/tmp on /dev/vda (ext4, ...)")
  --load-end  the load averages when the benchmark ended
  --seconds   how long the benchmark ran

Writes Markdown to stdout: the machine line, one table per family, and the
issue-10 targets, measured. Benchmark names are family/arg:value/...; a run's
label spells the same arguments out for people, in the same order, joined by
", " (byte counts formatted by sysport's tools::HumanBytes, so this script
never formats one). To add a family's table, write a function like
file_to_file_table() and call it from main().
"""

import argparse
import collections
import json
import math
import re
import sys

PATHS = ("fast", "generic", "plain32k")
# small_copy's own calls around each copy (rewind the source, open and close a
# new destination), not the copy's: left out of the system-call counts.
SET_UP = ("lseek", "openat", "close")
# The issue-10 targets at 4 KiB (time ratios of the medians).
SMALL = 4096
GENERIC_OVER_PLAIN_MAX = 1.03
FAST_OVER_GENERIC_MAX = 1.00

Run = collections.namedtuple("Run", "family args labels seconds cv counters error counter_cvs")


COUNTERS = ("kernel_calls", "kernel_bytes", "rw_reads", "rw_writes", "rw_bytes",
            # paths_paired's: each path's median µs per copy, and the ratios of those medians
            "fast_us", "generic_us", "plain32k_us", "file_calls_us", "interface_calls_us", "read_from_us",
            "plain_kernel_us", "generic_vs_plain32k", "file_calls_vs_plain32k",
            "interface_calls_vs_plain32k", "read_from_vs_plain32k", "fast_vs_generic",
            "plain_kernel_vs_plain32k", "fast_vs_plain_kernel")
# paths_paired's layers under the generic path, each the one before plus one layer (copy_paths.h).
LAYERS = (("file_calls", "(the floor: File's own calls)"),
          ("interface_calls", "(+ virtual Read and Write: Go's interfaces)"),
          ("read_from", "(+ the reader's frame, io's loop, File::ReadFrom)"))
SCALE = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load_runs(data, runs):
    """Adds {(family, args tuple): Run} from one JSON's median aggregates (and errors) to runs; a
    benchmark already there (from an earlier file) is replaced."""
    found, cvs, counter_cvs = {}, {}, {}
    for b in data["benchmarks"]:
        parts = b["run_name"].split("/")
        args = tuple((k, int(v)) for k, v in (p.split(":") for p in parts[1:] if re.fullmatch(r"\w+:-?\d+", p)))
        labels = dict(zip((k for k, _ in args), b.get("label", "").split(", ")))
        # A filesystem is known by its label: "fs" indexes each run's own --fs list.
        args = tuple((k, labels.get(k, str(v)) if k == "fs" else v) for k, v in args)
        key = (parts[0], args)
        counters = {k: v for k, v in b.items() if k in COUNTERS}
        median = Run(parts[0], dict(args), labels, b["real_time"] * SCALE[b["time_unit"]], None, counters, None, {})
        if b.get("error_occurred"):
            found[key] = Run(parts[0], dict(args), labels, None, None, {}, b.get("error_message", "error"), {})
        elif b.get("run_type") == "aggregate" and b.get("aggregate_name") == "cv":
            cvs[key] = b["real_time"]
            counter_cvs[key] = counters
        elif b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
            found[key] = median
        elif b.get("run_type") == "iteration" and b.get("repetitions", 1) == 1:
            found[key] = median  # without repetitions, no aggregates: the one run is the median
    runs.update({k: r._replace(cv=cvs.get(k), counter_cvs=counter_cvs.get(k, {})) for k, r in found.items()})


def fmt_time(seconds):
    if seconds < 1e-3:
        return "%.2f µs" % (seconds * 1e6)
    if seconds < 1:
        return "%.2f ms" % (seconds * 1e3)
    return "%.2f s" % seconds


def fmt_gibs(bytes_, seconds):
    rate = bytes_ / seconds / 2**30
    return "%.0f" % rate if rate >= 100 else "%.1f" % rate if rate >= 10 else "%.2f" % rate


def fmt_cv(run):
    return "" if run.cv is None else " ±%.1f%%" % (run.cv * 100)


def cell(run, size):
    if run is None:
        return "–"
    if run.error:
        return "error: " + run.error
    return "%s (%s GiB/s)" % (fmt_time(run.seconds), fmt_gibs(size, run.seconds))


def ratio(a, b):
    if a is None or b is None or a.error or b.error:
        return "–"
    return "%.3f" % (a.seconds / b.seconds)


def table(header, rows, right_from=1):
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" if i < right_from else "---:" for i in range(len(header))) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def by_family(runs, family):
    """{(fs, size, third): run} for a family whose arguments are fs, size and a third one; the third is the
    run's label for a path ("fast"), else the argument's value (a buffer size)."""
    out = {}
    for (f, args), r in runs.items():
        if f == family:
            values = [v for _, v in args]
            third = r.labels.get("path", values[2]) if args[2][0] == "path" else values[2]
            out[(values[0], values[1], third)] = r
    return out


def size_names(runs):
    return {r.args["size"]: r.labels.get("size", str(r.args["size"])) for r in runs.values() if "size" in r.args}


def kernel_note(run):
    """What File::ReadFrom did in the fast path, per copy (the run's counters)."""
    if run is None or run.error or not run.counters:
        return "–"
    c = run.counters
    note = "copy_file_range %g" % c.get("kernel_calls", 0)
    if c.get("rw_reads", 0) or c.get("rw_writes", 0):
        note += ", then read %g, write %g" % (c.get("rw_reads", 0), c.get("rw_writes", 0))
    return note


def file_to_file_table(runs):
    ff = by_family(runs, "file_to_file")
    if not ff:
        return ""
    sizes = size_names(runs)
    rows = []
    for fs, size in sorted({(k[0], k[1]) for k in ff}):
        r = {p: ff.get((fs, size, p)) for p in PATHS}
        rows.append([fs, sizes[size], cell(r["fast"], size), cell(r["generic"], size), cell(r["plain32k"], size),
                     ratio(r["fast"], r["generic"]), ratio(r["generic"], r["plain32k"]), kernel_note(r["fast"])])
    return ("### File to file\n\nMedian time per copy (and throughput). The ratios are of times: above 1, the first is slower. "
            "The last column is what `File::ReadFrom` did on the fast path, per copy (the benchmark's counters).\n\n" +
            table(["filesystem", "size", "fast", "generic", "plain32k", "fast ÷ generic", "generic ÷ plain32k",
                   "fast path: system calls"], rows, right_from=2))


def pipe_table(runs):
    rows = []
    sizes = size_names(runs)
    for family, direction in (("pipe_to_file", "pipe → file"), ("file_to_pipe", "file → pipe")):
        fam = by_family(runs, family)
        for fs, size in sorted({(k[0], k[1]) for k in fam}):
            r = {p: fam.get((fs, size, p)) for p in PATHS}
            rows.append([direction, fs, sizes[size], cell(r["fast"], size), cell(r["generic"], size),
                         cell(r["plain32k"], size), ratio(r["fast"], r["generic"]), ratio(r["generic"], r["plain32k"])])
    if not rows:
        return ""
    return ("### Pipes\n\nThe fast path is `io::Copy` with both ends `os::File`s: from a file into a pipe, "
            "`File::WriteTo` sends the file with sendfile(2); from a pipe into a file, `File::ReadFrom` chooses the "
            "read/write loop, which splice(2) did not beat (\"Measured: which method for which pair\"), after one "
            "fstat(2) of the new file to learn that it is one.\n\n" +
            table(["direction", "filesystem", "size", "fast", "generic", "plain32k", "fast ÷ generic",
                   "generic ÷ plain32k"], rows, right_from=3))


def sweep_table(runs, context):
    sweep = by_family(runs, "buffer_sweep")
    if not sweep:
        return ""
    ff = by_family(runs, "file_to_file")
    sizes = size_names(runs)
    buffers = sorted({k[2] for k in sweep})
    buffer_names = {}
    for k, r in sweep.items():
        buffer_names[k[2]] = r.labels.get("buffer", str(k[2]))
    columns = [buffer_names[b] for b in buffers] + ["generic (%s)" % context.get("sysport_copy_buffer", "io::Copy"), "plain32k"]
    rows, shares = [], collections.defaultdict(list)
    for fs, size in sorted({(k[0], k[1]) for k in sweep}):
        measured = [sweep.get((fs, size, b)) for b in buffers] + [ff.get((fs, size, "generic")), ff.get((fs, size, "plain32k"))]
        ok = [r.seconds for r in measured[:len(buffers)] if r and not r.error]
        if not ok:
            continue
        best = min(ok)
        row = [fs, sizes[size]]
        for i, r in enumerate(measured):
            if r is None or r.error:
                row.append("–")
                continue
            share = best / r.seconds
            shares[i].append(share)
            text = "%.0f%%" % (share * 100)
            row.append("**%s**" % text if i < len(buffers) and r.seconds == best else text)
        row.append(fmt_time(best))
        rows.append(row)
    geo = ["geometric mean", ""]
    for i in range(len(columns)):
        s = shares.get(i)
        geo.append("%.1f%%" % (100 * math.exp(sum(map(math.log, s)) / len(s))) if s else "–")
    geo.append("")
    rows.append(geo)
    return ("### The generic path's buffer\n\n`io::CopyBuffer` file to file with a new buffer of each size per copy "
            "(what the generic path does with `io::kCopyBufferSize`): each cell is the fastest buffer's median time "
            "over this one's (100% is the fastest, in bold; the last column is its time). The generic path as built "
            "and the plain 32 KiB loop are measured by `file_to_file`.\n\n" +
            table(["filesystem", "size"] + columns + ["fastest"], rows, right_from=2))


def read_syscalls(path):
    """{(fs, path): {syscall: calls per copy}}"""
    counts = collections.defaultdict(dict)
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if len(fields) == 4:
                    counts[(fields[0], fields[1])][fields[2]] = float(fields[3])
    return counts


def syscall_table(counts):
    if not counts:
        return ""
    rows = []
    for (fs, path), calls in counts.items():
        main = [calls.get(c, 0) for c in ("copy_file_range", "read", "write")]
        others = ", ".join("%s %g" % (c, n) for c, n in sorted(calls.items())
                           if c not in ("copy_file_range", "read", "write") + SET_UP and round(n, 2) != 0)
        rows.append([fs, path] + ["%g" % round(n, 2) for n in main] + [others or "none"])
    return ("### System calls per 4 KiB copy\n\n`strace -f -c` of `tools/bench/small_copy` making 1000 copies, less "
            "the same with none (start-up), divided by 1000; every system call is counted, except small_copy's "
            "set-up around each copy: an lseek(2) that rewinds the source, and the open(2) and close(2) of a new "
            "destination `File` (O_TRUNC).\n\n" +
            table(["filesystem", "path", "copy_file_range", "read", "write", "others"], rows, right_from=2))


def paired_runs(runs):
    """{fs: run} of paths_paired at SMALL."""
    return {args[0][1]: r for (f, args), r in runs.items()
            if f == "paths_paired" and dict(args).get("size") == SMALL and not r.error}


def paired_figures(run, a, b, ratio_name):
    c, cvs = run.counters, run.counter_cvs
    spread = " ±%.1f%%" % (cvs[ratio_name] * 100) if ratio_name in cvs else ""
    return "%s %.2f µs vs %s %.2f µs: %.3f%s" % (a, c[a + "_us"], b, c[b + "_us"], c[ratio_name], spread)


def targets_table(runs, counts):
    ff = by_family(runs, "file_to_file")
    paired = paired_runs(runs)
    rows = []
    for fs in sorted(paired):
        run = paired[fs]
        g, f = run.counters["generic_vs_plain32k"], run.counters["fast_vs_generic"]
        rows.append(["generic within 3% of plain32k", fs, paired_figures(run, "generic", "plain32k", "generic_vs_plain32k"),
                     "holds" if g <= GENERIC_OVER_PLAIN_MAX else "**misses**"])
        for layer, name in LAYERS:
            if layer + "_vs_plain32k" in run.counters:  # JSON from before the layer was measured has none
                rows.append([name, fs, paired_figures(run, layer, "plain32k", layer + "_vs_plain32k"), "–"])
        rows.append(["fast no slower than generic", fs, paired_figures(run, "fast", "generic", "fast_vs_generic"),
                     "holds" if f <= FAST_OVER_GENERIC_MAX else "**misses**"])
        if "plain_kernel_vs_plain32k" in run.counters:  # JSON from before it was measured has none
            rows.append(["(the kernel alone: its in-kernel copy ÷ its read/write)", fs,
                         paired_figures(run, "plain_kernel", "plain32k",
                                        "plain_kernel_vs_plain32k"), "–"])
            rows.append(["(sysport's fast path ÷ the kernel's calls alone)", fs,
                         paired_figures(run, "fast", "plain_kernel",
                                        "fast_vs_plain_kernel"), "–"])
    for fs in sorted({k[0] for k in ff if k[1] == SMALL} - set(paired)):
        fast, generic, plain = (ff.get((fs, SMALL, p)) for p in PATHS)
        if any(r is None or r.error for r in (fast, generic, plain)):
            continue
        g = generic.seconds / plain.seconds
        f = fast.seconds / generic.seconds
        rows.append(["generic within 3% of plain32k", fs,
                     "%s vs %s (%s vs %s): %.3f" % (fmt_time(generic.seconds), fmt_time(plain.seconds),
                                                   fmt_cv(generic).strip() or "–", fmt_cv(plain).strip() or "–", g),
                     "holds" if g <= GENERIC_OVER_PLAIN_MAX else "**misses**"])
        rows.append(["fast no slower than generic", fs,
                     "%s vs %s (%s vs %s): %.3f" % (fmt_time(fast.seconds), fmt_time(generic.seconds),
                                                   fmt_cv(fast).strip() or "–", fmt_cv(generic).strip() or "–", f),
                     "holds" if f <= FAST_OVER_GENERIC_MAX else "**misses**"])
    want = {"fast": {"copy_file_range": 2, "read": 0, "write": 0}, "generic": {"copy_file_range": 0, "read": 2, "write": 1}}
    for (fs, path), calls in counts.items():
        if path not in want:
            continue
        extra = {c: n for c, n in calls.items() if c not in want[path] and c not in SET_UP and round(n, 2) != 0}
        got = ", ".join("%s %g" % (c, round(calls.get(c, 0), 2)) for c in want[path])
        same = all(round(calls.get(c, 0), 2) == n for c, n in want[path].items()) and not extra
        rows.append(["system calls per copy unchanged (%s)" % path, fs,
                     got + (", " + ", ".join("%s %g" % kv for kv in extra.items()) if extra else ""),
                     "holds" if same else "**misses**"])
    if not rows:
        return ""
    return ("### Issue 10's targets at 4 KiB, measured\n\nTime ratios: generic ÷ plain32k at most %.2f, fast ÷ generic "
            "at most %.2f; system calls: fast 2 copy_file_range, generic 2 reads and 1 write, nothing else. Where "
            "`paths_paired` ran, its figures: per repetition, each path's median copy time when the paths take turns "
            "copy by copy, and the ratio of those medians; the table gives the median across repetitions and (±) "
            "the ratio's coefficient of variation across them. Elsewhere, file_to_file's medians (± the times' "
            "coefficients of variation).\n\n" % (GENERIC_OVER_PLAIN_MAX, FAST_OVER_GENERIC_MAX) +
            table(["target", "filesystem", "figures", "result"], rows, right_from=4))


def header(files, args):
    """The machine line (from the first file), what each file's run did, and the filesystems."""
    context = files[0]["context"]
    lines = ["From `tools/bench/run` on %s: %s, %s CPUs%s; %s; %s (optimised: %s). Load average (1, 5, 15 min) "
             "%s at the start%s%s." % (
                 context.get("date", "?")[:10], args.machine or "?", context.get("num_cpus", "?"),
                 ", %s RAM" % args.memory if args.memory else "", context.get("sysport_kernel", "?"),
                 context.get("sysport_compiler", "?"), context.get("sysport_optimized", "?"),
                 " ".join("%.2f" % x for x in context.get("load_avg", [])) or "?",
                 ", %s at the end" % args.load_end if args.load_end else "",
                 "; it took %s s in all" % args.seconds if args.seconds else ""), ""]
    mounts = dict(m.split("=", 1) for m in args.mount)
    for key, dirs in sorted(context.items()):
        if key.startswith("sysport_fs_"):
            label = key[len("sysport_fs_"):]
            lines.append("- %s: %s" % (label, mounts.get(label, "`%s`" % dirs)))
    lines.append("")
    for data in files:
        command = data["context"].get("sysport_command_line", "").split()
        reps = max((b.get("repetitions", 1) for b in data["benchmarks"]), default=1)
        shown = [f for f in command if not f.startswith(("--fs=", "--pipes_on=", "--sweep_on=", "--benchmark_out"))]
        lines.append("- `copy_bench %s`: each figure the median of %d repetition%s%s" % (
            " ".join(shown), reps, "s" if reps != 1 else "",
            ", in a random interleaved order" if "--benchmark_enable_random_interleaving=true" in command else ""))
    lines.append("")
    lines.append("Each copy goes to a new file, deleted afterwards (page-cache copies: dirty pages never reach the "
                 "disk); only the copy is timed, with the source in the page cache. A later line's benchmarks "
                 "replace the same ones of an earlier line.")
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench_json", nargs="+")
    parser.add_argument("--syscalls")
    parser.add_argument("--machine")
    parser.add_argument("--memory")
    parser.add_argument("--mount", action="append", default=[])
    parser.add_argument("--load-end")
    parser.add_argument("--seconds")
    args = parser.parse_args(argv[1:])
    files, runs = [], {}
    for path in args.bench_json:
        with open(path, encoding="utf-8") as f:
            files.append(json.load(f))
        load_runs(files[-1], runs)
    context = files[0]["context"]
    counts = read_syscalls(args.syscalls)
    parts = [header(files, args), file_to_file_table(runs), pipe_table(runs), sweep_table(runs, context),
             syscall_table(counts), targets_table(runs, counts)]
    sys.stdout.write("\n".join(p for p in parts if p))


if __name__ == "__main__":
    main(sys.argv)
