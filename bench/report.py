# SPDX-License-Identifier: MIT
"""Turns the measurements of bench_peers and peers.py (tab-separated: threads, op,
implementation, n, ns per element) into bench/RESULTS.md: ns per element and, in
brackets, the ratio of the limit's time to each implementation's (1.00 = as fast as
memcpy, or as the 3-stream a + b for a backward; above 1 is faster than the limit, which
happens in place and in cache).

usage: report.py MEASUREMENTS.tsv MACHINE_DESCRIPTION > RESULTS.md
"""
import collections
import datetime
import sys


def size_label(n):
    return f"{n >> 20}M" if n >= 1 << 20 else f"{n >> 10}K"


def limit_name(op):
    """The limit an op's row is measured against: memcpy of the same bytes for a forward
    (the op names of bench_narrow end in their type), the 3-stream add for a backward."""
    if "backward" in op:
        return "a + b"
    last = op.split()[-1]
    return {"f16": "memcpy 2 B", "bf16": "memcpy 2 B", "s8": "memcpy 1 B", "u8": "memcpy 1 B",
            "f64": None}.get(last, "memcpy")


def main():
    rows = collections.OrderedDict()
    sizes = []
    with open(sys.argv[1]) as handle:
        for line in handle:
            threads, op, implementation, n, ns = line.rstrip("\n").split("\t")
            n = int(n)
            if n not in sizes:
                sizes.append(n)
            rows.setdefault((threads, op), {}).setdefault(implementation, {})[n] = float(ns)
    sizes.sort()
    print("# actfn benchmark results\n")
    print(f"Measured {datetime.date.today()} on {sys.argv[2]}, by `make bench` "
          "(bench/run.sh). f32 unless the op names another type (f16, bf16, s8: bench_narrow, "
          "against a memcpy of the same bytes), 64-byte-aligned warm arrays.")
    print("Each cell: ns per element (median of 7 repetitions of >= 10 ms), and in brackets "
          "the limit's time over this implementation's, measured in the same run: the limit "
          "is memcpy for a forward and the 3-stream `y = a + b` for a backward. "
          "Higher is better; 1.00 is the limit.\n")
    for threads in ("1", "all"):
        limits = rows.get((threads, "limit"), {})
        if not limits:
            continue
        print(f"## {'One thread' if threads == '1' else 'All threads'}\n")
        header = "| op | implementation | " + " | ".join(size_label(n) for n in sizes) + " |"
        print(header)
        print("|" + "---|" * (len(sizes) + 2))
        for name in [name for name in ("memcpy", "a + b", "memcpy 2 B", "memcpy 1 B") if name in limits]:
            cells = [f"{limits[name][n]:.3f}" if n in limits.get(name, {}) else "" for n in sizes]
            print(f"| limit | {name} | " + " | ".join(cells) + " |")
        for (row_threads, op), implementations in rows.items():
            if row_threads != threads or op == "limit":
                continue
            limit = limits.get(limit_name(op), {})  # f64: no 8-byte limit measured
            for implementation, values in implementations.items():
                cells = []
                for n in sizes:
                    if n in values and n in limit:
                        cells.append(f"{values[n]:.3f} ({limit[n] / values[n]:.2f})")
                    elif n in values:
                        cells.append(f"{values[n]:.3f}")
                    else:
                        cells.append("")
                print(f"| {op} | {implementation} | " + " | ".join(cells) + " |")
        print()
        peer_table(rows, threads, sizes)


def peer_table(rows, threads, sizes):
    """Per op and accuracy tier: the fastest peer's time over actfn's at each size (> 1:
    actfn faster), the peer named in the cell where it is not the same at every size."""
    lines = []
    for (row_threads, op), implementations in rows.items():
        if row_threads != threads or not any(name.startswith("actfn") for name in implementations):
            continue
        # actfn's other faces (through Python, a prepared quantized op) are not peers
        peers = {name: values for name, values in implementations.items()
                 if not name.startswith("actfn")}
        if not peers:
            continue
        for face in [name for name in implementations if name.startswith("actfn")]:
            line = peer_line(op, face, implementations[face], peers, sizes)
            if line is not None:
                lines.append(line)
    if not lines:
        return
    print(f"### Against the fastest peer ({'one thread' if threads == '1' else 'all threads'})\n")
    print("The fastest peer's time over actfn's, same run (> 1: actfn faster); the accuracy "
          "tier as `actfn_op.accuracy` (docs/accuracy.md); actfn's other faces (a prepared "
          "quantized op, the Python ufuncs) on rows of their own.\n")
    print("| op | tier | peer | " + " | ".join(size_label(n) for n in sizes) + " |")
    print("|" + "---|" * (len(sizes) + 3))
    for line in sorted(lines):
        print(line)
    print()


def peer_line(op, face, ours, peers, sizes):
    """One row of the peer table: actfn's face `face` against the fastest peer."""
    cells, names = [], set()
    for n in sizes:
        timed = {name: values[n] for name, values in peers.items() if n in values}
        if n not in ours or not timed:
            cells.append("")
            continue
        best = min(timed, key=timed.get)
        names.add(best)
        cells.append((f"{timed[best] / ours[n]:.2f}", best))
    if not names:
        return None
    shown = [c if c == "" else c[0] if len(names) == 1 else f"{c[0]} {c[1]}" for c in cells]
    tier = "fast" if op.endswith(" fast") else "accurate"
    name = op[: -len(" fast")] if tier == "fast" else op
    if face != "actfn":
        name = f"{name} ({face[len('actfn'):].strip(' ()')})"
    peer = names.pop() if len(names) == 1 else "fastest"
    return f"| {name} | {tier} | {peer} | " + " | ".join(shown) + " |"


if __name__ == "__main__":
    main()
