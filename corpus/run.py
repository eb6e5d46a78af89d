#!/usr/bin/env python3
"""Run redis-lua-lint over the corpus that fetch.py built, and tally what it finds.

    python3 corpus/run.py --bin target/release/redis-lua-lint [CORPUS] [--out corpus/baseline.json]
    python3 corpus/run.py --bin ... --bench [--selene /path/to/selene]

Each package is checked in one run with its generated redis-lua-lint.toml
(`--config`, `--format json`). The tallies: scripts and lines per registry and package,
findings per lint and level, scripts with an error, and every error-level finding
(package/script:line, lint, message). `--markdown FILE` writes the same as tables.

`--bench` measures instead: whole-process CPU (user + system) of redis-lua-lint against
selene (`std = "lua51"`) over every `.lua` file of the corpus, medians of 9 paired runs in
alternating order, and the scripts that cost the most microseconds per line (each script
alone with its package's configuration, its best of 5 runs, less the best of 5 runs on a
one-line script with the same configuration; scripts of 50 lines or more, included
helpers counted).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

INCLUDE = re.compile(r"""^\s*---?\s*@include\s+["']([^"']+)["']""", re.M)


def cpu_run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int, bytes, bytes]:
    """Run cmd; its CPU seconds (user + system, from wait4), wall seconds, exit status, output."""
    with tempfile.TemporaryFile() as errfile:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=errfile)
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errfile.seek(0)
        err = errfile.read()
    return usage.ru_utime + usage.ru_stime, wall, proc.returncode, out, err


def lint_package(binary: str, corpus: Path, pkg: dict) -> tuple[list[dict], str | None]:
    pdir = corpus / pkg["dir"]
    cmd = [binary, "--config", str(pdir / "redis-lua-lint.toml"), "--format", "json", "--quiet", pkg["dir"]]
    _, _, code, out, err = cpu_run(cmd, cwd=corpus)
    problem = None
    if code not in (0, 1):
        problem = f"exit status {code}: {err.decode(errors='replace').strip()[-1500:]}"
    try:
        findings = json.loads(out) if out.strip() else []
    except ValueError:
        findings = []
        problem = (problem or "") + " | output is not JSON"
    return findings, problem


CATEGORIES = {
    "hazard": "real hazard",
    "idiom": "intended idiom the declarations cannot express",
    "mistake": "checker mistake",
    "corpus": "not a script as the package sends it (a piece or template it completes at run time)",
}


def judge(errors: list[dict], rules: list[dict]) -> None:
    """Gives each error-level finding the category and reason of the first rule of
    judged.toml that matches it (package, file globs relative to the package's
    directory, lint, and optionally lines or a piece of the message); "unjudged" else."""
    for e in errors:
        rel = e["file"].split("/", 2)[2]
        for rule in rules:
            if rule["package"] not in (e["package"], e["package"].split(":", 1)[1]):
                continue
            if not any(fnmatch.fnmatchcase(rel, g) for g in rule.get("files", ["*"])):
                continue
            if rule.get("lint", e["lint"]) != e["lint"]:
                continue
            if "lines" in rule and e["line"] not in rule["lines"]:
                continue
            if rule.get("message", "") not in e["message"]:
                continue
            e["category"], e["why"] = rule["category"], rule["why"]
            break
        else:
            e["category"], e["why"] = "unjudged", ""


def tally(binary: str, corpus: Path) -> dict:
    manifest = json.loads((corpus / "manifest.json").read_text())
    scripts = {s["path"]: s for s in manifest["scripts"]}
    by_lint: dict[str, Counter] = defaultdict(Counter)
    packages = []
    errors = []
    problems = {}
    registry = defaultdict(lambda: Counter())
    records: dict[str, list[dict]] = {}
    for pkg in manifest["packages"]:
        if pkg["scripts"] == 0:
            continue
        findings, problem = lint_package(binary, corpus, pkg)
        if problem:
            problems[f"{pkg['registry']}:{pkg['name']}"] = problem
        mine = [s for s in manifest["scripts"] if s["path"].startswith(pkg["dir"] + "/")]
        with_error = set()
        levels = Counter()
        lints = defaultdict(Counter)
        for f in findings:
            if f.get("kind") == "script":
                # a script's record, not a finding: where its keys beyond `KEYS` come from
                records[f["script"]] = f["undeclared_keys"]
                continue
            by_lint[f["lint"]][f["level"]] += 1
            lints[f["lint"]][f["level"]] += 1
            levels[f["level"]] += 1
            script = f.get("script") or f["file"]
            if f["level"] == "error":
                with_error.add(script)
                errors.append({
                    "package": f"{pkg['registry']}:{pkg['name']}",
                    "script": script,
                    "file": f["file"],
                    "line": f["line"],
                    "lint": f["lint"],
                    "message": f["message"],
                })
        n_scripts = sum(s["role"] == "script" for s in mine)
        n_lines = sum(s["lines"] for s in mine)
        packages.append({
            "package": f"{pkg['registry']}:{pkg['name']}",
            "version": pkg["version"],
            "scripts": n_scripts,
            "lines": n_lines,
            "errors": levels["error"],
            "warnings": levels["warning"],
            "scripts_with_error": len(with_error),
            "lints": {k: dict(v) for k, v in sorted(lints.items())},
        })
        reg = registry[pkg["registry"]]
        reg["packages"] += 1
        reg["scripts"] += n_scripts
        reg["lines"] += n_lines
        reg["scripts_with_error"] += len(with_error)
    undeclared = sum(1 for s in scripts.values() if s["role"] == "script" and s.get("signature_source") == "none")
    sources = Counter(s.get("signature_source") for s in scripts.values() if s["role"] == "script")
    argv_prefix_scripts = sum(1 for s in scripts.values() if s.get("argv_prefixes"))
    argv_prefix_entries = sum(len(s.get("argv_prefixes", [])) for s in scripts.values())
    roles = Counter()
    for keys in records.values():
        for role in {k["role"] for k in keys}:
            roles[role] += 1
    assumed = sum(1 for keys in records.values() if any(k["declared_by"] in ("file name", "nothing") for k in keys))
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "binary": version,
        "totals": {
            "packages": sum(r["packages"] for r in registry.values()),
            "scripts": sum(r["scripts"] for r in registry.values()),
            "lines": sum(r["lines"] for r in registry.values()),
            "scripts_with_error": sum(r["scripts_with_error"] for r in registry.values()),
            "errors": sum(c["error"] for c in by_lint.values()),
            "warnings": sum(c["warning"] for c in by_lint.values()),
            "signature_sources": dict(sources),
            "scripts_without_signature": undeclared,
            "scripts_with_argv_prefixes": argv_prefix_scripts,
            "argv_prefix_entries": argv_prefix_entries,
            # scripts whose keys beyond `KEYS` come from each kind of prefix, as the run
            # reports them (`kind: "script"` records)
            "scripts_building_keys_from": dict(sorted(roles.items())),
            "scripts_with_keys_taken_as_prefixes": assumed,
        },
        "registries": {k: dict(v) for k, v in sorted(registry.items())},
        "lints": {k: dict(v) for k, v in sorted(by_lint.items())},
        "packages": packages,
        "problems": problems,
        "errors": sorted(errors, key=lambda e: (e["package"], e["file"], e["line"] or 0, e["lint"])),
        "undeclared_keys": dict(sorted(records.items())),
    }


def markdown(result: dict) -> str:
    t = result["totals"]
    out = [
        "# Corpus run",
        "",
        f"{t['packages']} packages, {t['scripts']} scripts, {t['lines']} lines (included helpers counted once); "
        f"{t['errors']} errors and {t['warnings']} warnings; {t['scripts_with_error']} scripts with an error.",
        "",
        "| registry | packages | scripts | lines | scripts with an error |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in result["registries"].items():
        out.append(f"| {name} | {r['packages']} | {r['scripts']} | {r['lines']} | {r['scripts_with_error']} |")
    out += ["", "| lint | errors | warnings |", "|---|---:|---:|"]
    for lint, c in sorted(result["lints"].items(), key=lambda kv: -sum(kv[1].values())):
        out.append(f"| `{lint}` | {c.get('error', 0)} | {c.get('warning', 0)} |")
    out += ["", "| package | version | scripts | lines | errors | warnings | scripts with an error |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for p in sorted(result["packages"], key=lambda p: p["package"]):
        out.append(f"| {p['package']} | {p['version']} | {p['scripts']} | {p['lines']} | {p['errors']} | "
                   f"{p['warnings']} | {p['scripts_with_error']} |")
    if "judged" in result:
        out += ["", "## Every error-level finding, judged", "",
                "| category | findings |", "|---|---:|"]
        out += [f"| {CATEGORIES.get(c, c)} | {n} |" for c, n in result["judged"].items()]
        out += ["", "| lint | " + " | ".join(result["judged"]) + " |", "|---|" + "---:|" * len(result["judged"])]
        for lint, c in result["judged_by_lint"].items():
            out.append(f"| `{lint}` | " + " | ".join(str(c.get(k, 0)) for k in result["judged"]) + " |")
        out += ["", "| package | script:line | lint | category | why |", "|---|---|---|---|---|"]
        for e in result["errors"]:
            why = e["why"].replace("|", "\\|")
            where = f"{e['file'].split('/', 2)[2]}:{e['line']}"
            if e.get("script") and e["script"] != e["file"]:
                where += f" (in {e['script'].rsplit('/', 1)[-1]})"
            out.append(f"| {e['package']} | {where} | `{e['lint']}` | {e['category']} | {why} |")
    if result["problems"]:
        out += ["", "Runs that did not finish normally:", ""]
        out += [f"- {k}: {v}" for k, v in result["problems"].items()]
    return "\n".join(out) + "\n"


def spliced_lines(path: Path, seen: set[Path]) -> int:
    text = path.read_text()
    n = len(text.rstrip("\n").split("\n"))
    for name in INCLUDE.findall(text):
        target = (path.parent / name).resolve()
        if target.suffix != ".lua":
            target = target.with_name(target.name + ".lua")
        if target.is_file() and target not in seen:
            seen.add(target)
            n += spliced_lines(target, seen)
    return n


def bench(binary: str, corpus: Path, selene: str | None, runs: int) -> dict:
    manifest = json.loads((corpus / "manifest.json").read_text())
    files = [str(corpus / s["path"]) for s in manifest["scripts"]]
    total_lines = sum(s["lines"] for s in manifest["scripts"])
    result: dict = {"files": len(files), "lines": total_lines, "runs": runs}
    tmp = Path(tempfile.mkdtemp())
    (tmp / "selene.toml").write_text('std = "lua51"\n')
    ours = [binary, "--no-config", "--format", "json", "--quiet", *files]
    theirs = [selene, "--display-style", "quiet", *files] if selene else None
    ours_cpu, ours_wall, sel_cpu, sel_wall = [], [], [], []
    for i in range(runs):
        order = [("ours", ours), ("selene", theirs)] if i % 2 == 0 else [("selene", theirs), ("ours", ours)]
        for name, cmd in order:
            if cmd is None:
                continue
            cpu, wall, code, _, err = cpu_run(cmd, cwd=tmp)
            if name == "ours":
                if code not in (0, 1):
                    raise SystemExit(f"redis-lua-lint exited {code}: {err.decode()[-2000:]}")
                ours_cpu.append(cpu)
                ours_wall.append(wall)
            else:
                sel_cpu.append(cpu)
                sel_wall.append(wall)
    result["redis_lua_lint"] = {"cpu_s_median": statistics.median(ours_cpu), "wall_s_median": statistics.median(ours_wall),
                                "cpu_s": ours_cpu}
    if selene:
        result["selene"] = {"cpu_s_median": statistics.median(sel_cpu), "wall_s_median": statistics.median(sel_wall),
                            "cpu_s": sel_cpu, "command": "selene --display-style quiet FILES, selene.toml: std = \"lua51\""}
        ratios = [a / b for a, b in zip(ours_cpu, sel_cpu)]
        result["cpu_ratio_median_of_pairs"] = statistics.median(ratios)
        result["cpu_ratio_of_medians"] = statistics.median(ours_cpu) / statistics.median(sel_cpu)
    # per script, with its package's configuration
    one = tmp / "one.lua"
    one.write_text("return redis.call('GET', KEYS[1])\n")
    base = min(cpu_run([binary, "--no-config", "--format", "json", "--quiet", str(one)])[0] for _ in range(9))
    result["startup_cpu_s"] = base
    per = []
    bases: dict[str, float] = {}
    for s in manifest["scripts"]:
        if s["role"] != "script":
            continue
        pkg_dir = s["path"].split("/")[0] + "/" + s["path"].split("/")[1]
        config = ["--config", str(corpus / pkg_dir / "redis-lua-lint.toml")]
        if pkg_dir not in bases:
            # start-up and reading the configuration, which every run of the package pays
            bases[pkg_dir] = min(cpu_run([binary, *config, "--format", "json", "--quiet", str(one)])[0]
                                 for _ in range(5))
        cmd = [binary, *config, "--format", "json", "--quiet", str(corpus / s["path"])]
        best = min(cpu_run(cmd)[0] for _ in range(5))
        lines = spliced_lines(corpus / s["path"], set())
        per.append({"script": s["path"], "lines": lines, "cpu_s": best, "base_cpu_s": bases[pkg_dir],
                    "us_per_line": max(0.0, best - bases[pkg_dir]) * 1e6 / max(lines, 1)})
    per.sort(key=lambda p: -p["us_per_line"])
    # below 50 lines, a script's cost is within the noise of starting the process
    big = [p for p in per if p["lines"] >= 50]
    result["slowest_per_line"] = big[:10]
    result["scripts_of_50_lines_or_more"] = len(big)
    result["of_them_over_10us_per_line"] = sum(p["us_per_line"] > 10 for p in big)
    result["total_us_per_line"] = sum(max(0.0, p["cpu_s"] - p["base_cpu_s"]) for p in per) * 1e6 / max(
        1, sum(p["lines"] for p in per))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=os.environ.get("SCRIPTS_CORPUS"))
    ap.add_argument("--bin", required=True, help="the redis-lua-lint binary")
    ap.add_argument("--out", help="write the tallies (or the bench results) as JSON here")
    ap.add_argument("--markdown", help="write the tallies as markdown tables here")
    ap.add_argument("--judged", help="judged.toml: the category of each error-level finding, listed in --markdown")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--selene", help="the selene binary, for --bench")
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    if not args.corpus:
        sys.exit("give the corpus directory as an argument or in $SCRIPTS_CORPUS")
    corpus = Path(args.corpus).resolve()
    binary = str(Path(args.bin).resolve())
    if args.bench:
        result = bench(binary, corpus, args.selene, args.runs)
    else:
        result = tally(binary, corpus)
        if args.judged:
            judge(result["errors"], tomllib.loads(Path(args.judged).read_text())["judged"])
            result["judged"] = {c: sum(e["category"] == c for e in result["errors"]) for c in [*CATEGORIES, "unjudged"]}
            by = defaultdict(Counter)
            for e in result["errors"]:
                by[e["lint"]][e["category"]] += 1
            result["judged_by_lint"] = {k: dict(v) for k, v in sorted(by.items())}
        if args.markdown:
            Path(args.markdown).write_text(markdown(result))
    text = json.dumps(result, indent=1) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    summary = result.get("totals") or {k: v for k, v in result.items() if k not in ("slowest_per_line",)}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
