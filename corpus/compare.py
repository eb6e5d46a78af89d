#!/usr/bin/env python3
"""Compare the findings of two redis-lua-lint binaries on the corpus, byte for byte.

    python3 corpus/compare.py BEFORE AFTER [CORPUS]

For a change that must not alter any finding (a speed-up): each package checked with its
redis-lua-lint.toml (`--config`, `--format json`, as run.py does, so BullMQ's includes
are spliced), then every `.lua` file of the corpus in one run with `--no-config`. Prints
each run whose exit status, output or error output differs, with the findings only one
binary gives; exits 1 when any differs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def runs(binary: str, corpus: Path) -> dict[str, tuple[int, str, str]]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    out = {}
    for pkg in manifest["packages"]:
        if pkg["scripts"] == 0:
            continue
        config = corpus / pkg["dir"] / "redis-lua-lint.toml"
        cmd = [binary, "--config", str(config), "--format", "json", "--quiet", pkg["dir"]]
        p = subprocess.run(cmd, cwd=corpus, capture_output=True)
        out[pkg["dir"]] = (p.returncode, p.stdout.decode(), p.stderr.decode())
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.lua") if ".cache" not in p.parts)
    p = subprocess.run([binary, "--no-config", "--format", "json", "--quiet", *files], cwd=corpus, capture_output=True)
    out["(every .lua file, --no-config)"] = (p.returncode, p.stdout.decode(), p.stderr.decode())
    return out


def findings(text: str) -> set[str]:
    try:
        return {json.dumps(f, sort_keys=True) for f in json.loads(text)} if text.strip() else set()
    except ValueError:
        return {text}


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    before, after = (os.path.abspath(b) for b in sys.argv[1:3])
    corpus = Path(sys.argv[3] if len(sys.argv) == 4 else os.environ.get("SCRIPTS_CORPUS", ""))
    if not (corpus / "manifest.json").is_file():
        sys.exit("no corpus: pass its directory or set SCRIPTS_CORPUS (corpus/README.md)")
    a, b = runs(before, corpus), runs(after, corpus)
    differ = [name for name in a if a[name] != b[name]]
    for name in differ:
        print(f"{name}: exit status {a[name][0]} -> {b[name][0]}")
        for f in sorted(findings(a[name][1]) - findings(b[name][1])):
            print(f"  - {f}")
        for f in sorted(findings(b[name][1]) - findings(a[name][1])):
            print(f"  + {f}")
        if a[name][2] != b[name][2]:
            print("  error output differs")
    print(f"{len(a)} runs, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
