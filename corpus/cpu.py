#!/usr/bin/env python3
"""CPU per line of two redis-lua-lint binaries on scripts of one corpus package, side by side.

    python3 corpus/cpu.py BEFORE AFTER PACKAGE_DIR SCRIPT... [--runs N]

Each script is checked as run.py checks it (`--config redis-lua-lint.toml --format json
--quiet`, from the package's directory, so BullMQ's `--- @include`s are spliced), the two
binaries alternating, N times each (7 unless told); then an empty file, as often, for the
start-up. Prints per binary the median CPU (user + system of the process) less the
median on the empty file, per line of the script with its includes (each included file
counted once, as the loader splices it), and the ratio AFTER / BEFORE, with the load
average before and after: on a shared machine only the ratio measured side by side
means much.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def spliced_lines(path: Path, seen: set[Path]) -> int:
    """Lines of `path` and of what it includes, each file once."""
    path = path.resolve()
    if path in seen:
        return 0
    seen.add(path)
    text = path.read_text()
    lines = text.count("\n")
    for include in re.findall(r'^--- @include "([^"]+)"', text, re.M):
        name = include if include.endswith(".lua") else include + ".lua"
        lines += spliced_lines(path.parent / name, seen)
    return lines


def cpu(binary: str, script: str, cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [binary, "--config", "redis-lua-lint.toml", "--format", "json", "--quiet", script]
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    args = sys.argv[1:]
    runs = 7
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at : at + 2]
    if len(args) < 4:
        sys.exit(__doc__)
    binaries = {"before": os.path.abspath(args[0]), "after": os.path.abspath(args[1])}
    package = Path(args[2])
    with tempfile.NamedTemporaryFile(suffix=".lua") as empty:
        for script in args[3:]:
            lines = spliced_lines(package / script, set())
            times: dict[str, list[float]] = {k: [] for k in binaries}
            idle: dict[str, list[float]] = {k: [] for k in binaries}
            load = os.getloadavg()[0]
            for _ in range(runs):
                for name, binary in binaries.items():
                    times[name].append(cpu(binary, script, package))
                    idle[name].append(cpu(binary, empty.name, package))
            net = {k: statistics.median(times[k]) - statistics.median(idle[k]) for k in binaries}
            print(f"{script} ({lines} lines), load average {load:.1f} to {os.getloadavg()[0]:.1f}")
            for name in binaries:
                spread = f"{min(times[name]):.4f}-{max(times[name]):.4f}"
                print(
                    f"  {name}: {net[name]:.4f} s less start-up ({spread} s whole), "
                    f"{net[name] / lines * 1e6:.1f} us per line"
                )
            print(f"  after / before: {net['after'] / net['before']:.3f}")


if __name__ == "__main__":
    main()
