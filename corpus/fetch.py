#!/usr/bin/env python3
"""Rebuild the corpus of third-party Redis Lua scripts.

    python3 corpus/fetch.py [OUT]          # OUT defaults to $SCRIPTS_CORPUS

Downloads each package of packages.txt with its registry's own client (npm, pip; crates
from the crates.io download host), checks the archive's SHA-256, and extracts every Redis
script: `.lua` files, string constants of Python (ast), JavaScript and TypeScript (Babel's
parser, run by node), Rust string literals, and JSON string values. Writes the scripts
under OUT/<registry>/<package>/, a redis-lua-lint.toml per package with the signatures
(signatures.py), and OUT/manifest.json. Downloads are cached in OUT/.cache.

Options: --only NAME[,NAME] to fetch a few packages; --pin to resolve `latest` versions
and fill in missing hashes in packages.txt (used when adding packages).
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import signatures  # noqa: E402
from luatok import tokenize  # noqa: E402,F401

MARKER = re.compile(r"redis\s*\.\s*(call|pcall|register_function)\b")
INCLUDE = re.compile(r"""^\s*---?\s*@include\s+["']([^"']+)["']""", re.M)
# package paths never read: tests, examples, docs and bundled dependencies
SKIP_DIRS = {
    "test", "tests", "__tests__", "spec", "specs", "example", "examples", "bench", "benches",
    "benchmark", "benchmarks", "docs", "doc", "node_modules", "fixtures", "testing", "e2e",
}
JS_EXT = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")
FLAGS = {"lua-only", "no-lua", "sdist", "keys-from-file-name", "includes", "with-tests", "only"}


@dataclass
class Package:
    registry: str
    name: str
    version: str
    sha256: str
    flags: set[str]
    comment: str
    line: int

    @property
    def key(self) -> str:
        return f"{self.registry}:{self.name}"

    @property
    def dirname(self) -> str:
        return f"{self.registry}/{self.name.replace('/', '__')}"


@dataclass
class Script:
    package: Package
    source: str  # path inside the package
    how: str
    text: str
    name: str | None = None
    line: int | None = None
    number_of_keys: int | None = None
    keys_via: str | None = None
    role: str = "script"  # script | include
    out: str = ""  # path under OUT
    duplicates: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # pieces of an assembled script
    fixed_signature: tuple[str, str] | None = None  # (signature, why) from assemble.toml


def read_packages(path: Path) -> list[Package]:
    out = []
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        body, _, comment = raw.partition("#")
        parts = body.split()
        if not parts:
            continue
        if len(parts) < 4:
            sys.exit(f"{path}:{n}: expected `registry name version sha256 [flags]`")
        registry, name, version, sha = parts[:4]
        flags = set(parts[4:])
        if registry not in ("npm", "pypi", "crates") or {f.split("=")[0] for f in flags} - FLAGS:
            sys.exit(f"{path}:{n}: unknown registry or flag in `{raw.strip()}`")
        out.append(Package(registry, name, version, sha, flags, comment.strip(), n))
    return out


# ---------------------------------------------------------------- downloading


def run(cmd: list[str], cwd: Path | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed:\n{proc.stderr.strip()[-2000:]}")
    return proc.stdout


def latest(pkg: Package) -> str:
    if pkg.registry == "npm":
        return json.loads(run(["npm", "view", pkg.name, "version", "--json"]))
    if pkg.registry == "pypi":
        out = run([sys.executable, "-m", "pip", "index", "versions", pkg.name])
        return re.search(r"\(([^)]+)\)", out).group(1)
    index = f"https://index.crates.io/{_crate_index_path(pkg.name)}"
    lines = urllib.request.urlopen(index, timeout=60).read().decode().splitlines()
    versions = [json.loads(line) for line in lines]
    return [v for v in versions if not v.get("yanked") and "-" not in v["vers"]][-1]["vers"]


def _crate_index_path(name: str) -> str:
    name = name.lower()
    if len(name) <= 2:
        return f"{len(name)}/{name}"
    if len(name) == 3:
        return f"3/{name[0]}/{name}"
    return f"{name[:2]}/{name[2:4]}/{name}"


def download(pkg: Package, cache: Path) -> Path:
    """The package's archive in the cache, downloaded when missing; not yet verified."""
    target = cache / pkg.registry / pkg.name.replace("/", "__") / pkg.version
    if target.is_dir():
        found = [p for p in target.iterdir() if p.is_file()]
        if len(found) == 1:
            return found[0]
        shutil.rmtree(target)
    tmp = Path(tempfile.mkdtemp(dir=cache))
    try:
        if pkg.registry == "npm":
            run(["npm", "pack", f"{pkg.name}@{pkg.version}", "--pack-destination", str(tmp), "--silent"], cwd=tmp)
        elif pkg.registry == "pypi":
            base = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "-d", str(tmp),
                    f"{pkg.name}=={pkg.version}"]
            if "sdist" in pkg.flags:
                run(base + ["--no-binary", ":all:"])
            else:
                try:
                    run(base + ["--only-binary", ":all:"])
                except RuntimeError:
                    run(base + ["--no-binary", ":all:"])
            # pip may leave a build directory next to the archive
            for p in tmp.iterdir():
                if p.is_dir():
                    shutil.rmtree(p)
        else:
            url = f"https://static.crates.io/crates/{pkg.name}/{pkg.name}-{pkg.version}.crate"
            data = urllib.request.urlopen(url, timeout=120).read()
            (tmp / f"{pkg.name}-{pkg.version}.crate").write_bytes(data)
        files = [p for p in tmp.iterdir() if p.is_file()]
        if len(files) != 1:
            raise RuntimeError(f"{pkg.key}: expected one archive, got {[p.name for p in files]}")
        target.mkdir(parents=True, exist_ok=True)
        return Path(shutil.move(str(files[0]), target / files[0].name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def members(archive: Path) -> dict[str, bytes]:
    """The archive's files by path, without the top directory that tarballs put first."""
    files: dict[str, bytes] = {}
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = z.read(info)
    else:
        with tarfile.open(archive) as t:
            for info in t.getmembers():
                if info.isfile():
                    files[info.name] = t.extractfile(info).read()
    if archive.suffix != ".whl":
        tops = {name.split("/", 1)[0] for name in files}
        if len(tops) == 1 and all("/" in name for name in files):
            top = tops.pop() + "/"
            files = {name[len(top):]: data for name, data in files.items()}
    return files


# ---------------------------------------------------------------- extraction


def wanted(path: str, pkg: Package) -> bool:
    for flag in pkg.flags:
        if flag.startswith("only=") and not any(fnmatch.fnmatchcase(path, g) for g in flag[5:].split(",")):
            return False
    parts = path.lower().split("/")
    if any(p.startswith(".") for p in parts):
        return False
    if "with-tests" not in pkg.flags and any(p in SKIP_DIRS for p in parts[:-1]):
        return False
    return not path.endswith((".d.ts", ".d.mts", ".d.cts", ".map"))


def extract_python(path: str, text: str) -> tuple[list[dict], list[dict]]:
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        return [], [{"path": path, "line": e.lineno, "skipped": f"does not parse: {e.msg}"}]
    module: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    module.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            module.setdefault(node.target.id, []).append(node.value)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))

    def resolve(node: ast.AST, depth: int = 0) -> str | None:
        if depth > 30:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            try:
                return node.value.decode("utf-8")
            except UnicodeDecodeError:
                return None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    parts.append(v.value)
                elif isinstance(v, ast.FormattedValue) and depth == 0 and allow_placeholders:
                    # kept as written; the caller keeps the script only when each one lands
                    # inside a Lua string literal
                    written = "{" + (ast.get_source_segment(text, v.value) or "?") + "}"
                    placeholders.append(written)
                    parts.append(written)
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = resolve(node.left, depth + 1), resolve(node.right, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Name):
            inits = module.get(node.id, [])
            return resolve(inits[0], depth + 1) if len(inits) == 1 else None
        if isinstance(node, ast.Call) and not node.keywords:
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if fname == "dedent" and len(node.args) == 1:
                inner = resolve(node.args[0], depth + 1)
                import textwrap

                return None if inner is None else textwrap.dedent(inner)
            if fname in ("strip", "lstrip", "rstrip") and not node.args and isinstance(f, ast.Attribute):
                inner = resolve(f.value, depth + 1)
                return None if inner is None else getattr(inner, fname)()
            if fname == "join" and isinstance(f, ast.Attribute) and len(node.args) == 1 and isinstance(
                node.args[0], (ast.List, ast.Tuple)
            ):
                sep = resolve(f.value, depth + 1)
                parts = [resolve(e, depth + 1) for e in node.args[0].elts]
                return None if sep is None or None in parts else sep.join(parts)
        return None

    def literal_text(node: ast.AST) -> str:
        return " ".join(
            n.value if isinstance(n.value, str) else n.value.decode("utf-8", "replace")
            for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, (str, bytes))
        )

    found, skipped = [], []
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        value = None
        if isinstance(node, ast.Assign):
            target = node.targets[0]
            label = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else None
            value = node.value
        elif isinstance(node, ast.AnnAssign):
            label = node.target.id if isinstance(node.target, ast.Name) else None
            value = node.value
        elif isinstance(node, ast.keyword):
            label, value = node.arg, node.value
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    names[id(v)] = k.value
        if value is not None and label:
            names[id(value)] = label
            if isinstance(value, ast.Call) and _label(value.func) == "register_script" and value.args:
                names[id(value.args[0])] = label
            # `x = f"""...""".encode()`: the string is named after x
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                    value.func.attr in ("encode", "strip", "lstrip", "rstrip"):
                names[id(value.func.value)] = label
        if isinstance(node, ast.Call):
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            for a in node.args:
                names.setdefault(id(a), fname or "call")

    placeholders: list[str] = []
    allow_placeholders = False

    def visit(node: ast.AST):
        nonlocal allow_placeholders
        if isinstance(node, ast.expr) and id(node) not in docstrings:
            value = resolve(node)
            if value is None and isinstance(node, ast.JoinedStr):
                placeholders.clear()
                allow_placeholders = True
                value = resolve(node)
                allow_placeholders = False
                if value is not None and MARKER.search(value):
                    found.append({"path": path, "line": node.lineno, "name": names.get(id(node)),
                                  "how": "f-string-interpolated", "text": value, "placeholders": list(placeholders)})
                    return
                value = None
            if value is not None and not isinstance(node, ast.Name):
                if MARKER.search(value):
                    how = {ast.Constant: "string-constant", ast.JoinedStr: "string-constant",
                           ast.BinOp: "concatenation"}.get(type(node), "call-on-constant")
                    found.append({"path": path, "line": node.lineno, "name": names.get(id(node)), "how": how,
                                  "text": value})
                return
            if isinstance(node, (ast.JoinedStr, ast.BinOp)) and MARKER.search(literal_text(node)):
                skipped.append({"path": path, "line": node.lineno,
                                "skipped": "built with values only known at run time (f-string, % or concatenation)"})
                return
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                    and MARKER.search(literal_text(node.func.value)):
                skipped.append({"path": path, "line": node.lineno, "skipped": "built with str.format at run time"})
                return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    # a constant completed at run time (`X.format(...)`, `X % (...)`) is a template, not a script
    templates = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            templates.add(_label(node.func.value))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            templates.add(_label(node.left))
    templates.discard(None)
    for f in [f for f in found if f.get("name") in templates]:
        found.remove(f)
        skipped.append({"path": path, "line": f["line"], "name": f["name"],
                        "skipped": "a template completed at run time (str.format or %)"})
    counts = _python_key_counts(tree)
    for f in found:
        if f.get("name") in counts:
            n, via = counts[f["name"]]
            f["number_of_keys"], f["keys_via"] = n, via
    return found, skipped


def _label(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _python_key_counts(tree: ast.AST) -> dict[str, tuple[int, str]]:
    """Script name -> the number of keys its callers pass, when every call site agrees:
    `x = r.register_script(NAME)` then `x(keys=[a, b])`, or `r.eval(NAME, 2, ...)`."""
    registered: dict[str, str] = {}  # callable name -> script name
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            call = node.value
            fname = _label(call.func)
            target = _label(node.targets[0] if isinstance(node, ast.Assign) else node.target)
            if fname in ("register_script", "Script") and call.args and target:
                arg = call.args[-1] if fname == "Script" else call.args[0]
                script = _label(arg) if not isinstance(arg, ast.Constant) else target
                if script:
                    registered[target] = script
    seen: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fname = _label(node.func)
        if fname in ("eval", "evalsha", "eval_ro", "evalsha_ro") and len(node.args) >= 2:
            script, n = _label(node.args[0]), node.args[1]
            if script and isinstance(n, ast.Constant) and isinstance(n.value, int):
                seen.setdefault(script, set()).add(n.value)
        if fname in registered or fname in registered.values():
            for kw in node.keywords:
                if kw.arg == "keys" and isinstance(kw.value, (ast.List, ast.Tuple)) and not any(
                    isinstance(e, ast.Starred) for e in kw.value.elts
                ):
                    seen.setdefault(registered.get(fname, fname), set()).add(len(kw.value.elts))
            if node.args and isinstance(node.args[0], (ast.List, ast.Tuple)) and not node.keywords:
                seen.setdefault(registered.get(fname, fname), set()).add(len(node.args[0].elts))
    return {
        name: (ns.pop(), "keys passed at the call sites (register_script / eval)")
        for name, ns in seen.items()
        if len(ns) == 1
    }


_RUST_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def extract_rust(path: str, text: str) -> list[dict]:
    """String literals of a Rust file: a tokenizer for comments, chars and strings."""
    found = []
    i, n, line = 0, len(text), 1
    idents: list[str] = []  # identifiers since the last `;` or `{`, to name a constant
    depth, test_attr, test_depth = 0, False, None  # items under #[cfg(test)] / #[test] are skipped
    while i < n:
        c = text[i]
        if c == "#" and (m := re.compile(r"#\[([^\]]*)\]").match(text, i)):
            if re.search(r"\btest\b", m.group(1)):
                test_attr = True
            line += m.group(0).count("\n")
            i = m.end()
            continue
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            line += text.count("\n", i, j)
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = '"' + m.group(1)
            j = text.find(close, m.end())
            j = n if j < 0 else j
            value = text[m.end():j]
            if not m.group(0).startswith("b") and test_depth is None:
                _rust_found(found, path, line, value, "raw-string", idents, text[max(0, i - 60):i])
            line += text.count("\n", i, j + len(close))
            i = j + len(close)
        elif c == '"' or (c == "b" and text.startswith('b"', i) and (i == 0 or not text[i - 1].isalnum())):
            byte = c == "b"
            j = i + (2 if byte else 1)
            buf = []
            start_line = line
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    e = text[j + 1]
                    if e == "\n":  # line continuation: skip the newline and leading whitespace
                        j += 2
                        line += 1
                        while j < n and text[j] in " \t\r\n":
                            line += text[j] == "\n"
                            j += 1
                        continue
                    if e == "x":
                        buf.append(chr(int(text[j + 2:j + 4], 16)))
                        j += 4
                        continue
                    if e == "u":
                        k = text.find("}", j)
                        buf.append(chr(int(text[j + 3:k], 16)))
                        j = k + 1
                        continue
                    buf.append(_RUST_ESC.get(e, e))
                    j += 2
                else:
                    if text[j] == "\n":
                        line += 1
                    buf.append(text[j])
                    j += 1
            if not byte and test_depth is None:
                _rust_found(found, path, start_line, "".join(buf), "string", idents, text[max(0, i - 60):i])
            i = j + 1
        elif c == "'":
            # a char literal ('a', '\n', '\u{..}') or a lifetime ('a)
            m = re.compile(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'").match(text, i)
            i = m.end() if m else i + 1
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z0-9_]+").match(text, i)
            idents.append(m.group(0))
            i = m.end()
        else:
            if c == "{":
                depth += 1
                if test_attr and test_depth is None:
                    test_depth = depth
                test_attr = False
            elif c == "}":
                if test_depth == depth:
                    test_depth = None
                depth -= 1
            elif c == ";":
                test_attr = False
            if c in ";{}":
                idents.clear()
            i += 1
    return found


def _rust_found(found, path, line, value, how, idents, before=""):
    if MARKER.search(value) and re.search(r"\b(format|format_args|write|writeln)!\s*\(\s*$", before) \
            and re.search(r"\{[^{}]*\}", value.replace("{{", "").replace("}}", "")):
        found.append({"path": path, "line": line, "skipped": "a format! template completed at run time"})
        return
    if MARKER.search(value):
        name = None
        for kw in ("const", "static", "let"):
            if kw in idents:
                rest = [w for w in idents[idents.index(kw) + 1:] if w != "mut"]
                name = rest[0] if rest else None
        found.append({"path": path, "line": line, "name": name, "how": f"rust-{how}", "text": value})


def extract_json(path: str, text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = []

    def walk(value, trail):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, trail + [str(k)])
        elif isinstance(value, list):
            for k, v in enumerate(value):
                walk(v, trail + [str(k)])
        elif isinstance(value, str) and MARKER.search(value):
            found.append({"path": path, "line": None, "name": ".".join(trail) or None, "how": "json-string",
                          "text": value})

    walk(data, [])
    return found


def js_tools(cache: Path) -> Path:
    """A node_modules with the pinned parser (package-lock.json beside extract.js)."""
    tools = cache / "js-tools"
    lock = (HERE / "js" / "package-lock.json").read_bytes()
    stamp = tools / "lock.sha256"
    if not stamp.exists() or stamp.read_text() != hashlib.sha256(lock).hexdigest():
        shutil.rmtree(tools, ignore_errors=True)
        tools.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / "js" / name, tools / name)
        run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], cwd=tools)
        stamp.write_text(hashlib.sha256(lock).hexdigest())
    return tools


def extract_js(files: dict[str, str], cache: Path) -> tuple[list[dict], list[dict]]:
    if not files:
        return [], []
    tools = js_tools(cache)
    payload = "".join(json.dumps({"path": p, "text": t}) + "\n" for p, t in files.items())
    env = dict(os.environ, NODE_PATH=str(tools / "node_modules"))
    proc = subprocess.run(["node", str(HERE / "js" / "extract.js")], input=payload, capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"extract.js failed: {proc.stderr[-2000:]}")
    found, skipped = [], []
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        (skipped if "skipped" in record else found).append(record)
    return found, skipped


def assemble(pkg: Package, texts: dict[str, str], scripts: list[Script], rules: list[dict]) -> list[Script]:
    """Scripts the package builds from pieces at run time (assemble.toml), built the same way."""
    for rule in rules:
        if rule["package"] != pkg.name:
            continue
        made = []
        if rule["mode"] == "concat":
            base = rule["from"].rstrip("/")
            pieces = set()
            for name, parts in rule["scripts"].items():
                paths = [f"{base}/{part}.lua" for part in parts]
                missing = [p for p in paths if p not in texts]
                if missing:
                    raise RuntimeError(f"assemble.toml: {pkg.name} has no {missing}")
                pieces.update(paths)
                made.append(Script(pkg, f"{base}/{name}", "assembled", "\n".join(texts[p] for p in paths), name,
                                   parts=paths, fixed_signature=(rule["signature"], rule["why"])))
            scripts = [s for s in scripts if s.source not in pieces]
        else:
            text = texts[rule["file"]]
            prepend = rule.get("prepend", {})
            for func in text.strip().split("function "):
                if not func:
                    continue
                head, _, rest = func.partition("\n")
                name = head.split("(")[0].strip()
                body = rest.rsplit("end", 1)[0].strip()
                parts = [rule["file"]]
                if name in prepend.get("names", []):
                    body = texts[prepend["file"]] + body
                    parts.insert(0, prepend["file"])
                made.append(Script(pkg, f"{rule['file']}/{name}", "assembled", body, name, parts=parts,
                                   fixed_signature=(rule["signature"], rule["why"])))
            scripts = [s for s in scripts if s.source != rule["file"]]
        scripts += made
    return scripts


def extract(pkg: Package, files: dict[str, bytes], cache: Path, rules: list[dict]) -> tuple[list[Script], list[dict]]:
    scripts: list[Script] = []
    skipped: list[dict] = []
    texts = {}
    for path, data in sorted(files.items()):
        if not wanted(path, pkg):
            continue
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            if path.endswith(".lua"):
                skipped.append({"path": path, "skipped": "not UTF-8"})
    if "no-lua" not in pkg.flags:
        for path, text in texts.items():
            if path.endswith(".lua"):
                scripts.append(Script(pkg, path, "lua-file", text))
    if "lua-only" not in pkg.flags:
        embedded: list[dict] = []
        js = {p: t for p, t in texts.items() if p.endswith(JS_EXT) and MARKER.search(t)}
        found, skip = extract_js(js, cache)
        embedded += found
        skipped += skip
        for path, text in texts.items():
            if not MARKER.search(text):
                continue
            if path.endswith(".py"):
                found, skip = extract_python(path, text)
                embedded += found
                skipped += skip
            elif path.endswith(".rs"):
                for e in extract_rust(path, text):
                    (skipped if "skipped" in e else embedded).append(e)
            elif path.endswith(".json"):
                embedded += extract_json(path, text)
        for e in [e for e in embedded if e.get("placeholders")]:
            strings = [t.text for t in tokenize(e["text"]) if t.kind == "string"]
            if not all(any(p in s for s in strings) for p in e["placeholders"]):
                embedded.remove(e)
                skipped.append({"path": e["path"], "line": e["line"],
                                "skipped": "an interpolation outside a Lua string literal changes the code at run time"})
        for e in sorted(embedded, key=lambda e: (e["path"], e["line"] or 0)):
            scripts.append(Script(pkg, e["path"], e["how"], e["text"], e.get("name"), e.get("line"),
                                  e.get("number_of_keys"), e.get("keys_via"), placeholders=e.get("placeholders", [])))
    return assemble(pkg, texts, scripts, rules), skipped


# ---------------------------------------------------------------- layout


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@+-]", "_", part)


def place(script: Script) -> str:
    """The script's path under OUT: the package's own path for `.lua` files (includes
    resolve as in the package), `<source file>/<name>.L<line>.lua` for embedded ones."""
    base = script.package.dirname
    parts = [_safe(p) for p in script.source.split("/")]
    if script.how == "lua-file":
        return "/".join([base] + parts)
    if script.how == "assembled":
        return "/".join([base, "assembled", _safe(script.name) + ".lua"])
    label = _safe(script.name)[:60] + "." if script.name else ""
    line = f"L{script.line}" if script.line else "json"
    return "/".join([base] + parts + [f"{label}{line}.lua"])


def mark_includes(scripts: list[Script]) -> None:
    """Files named by another file's `--- @include` are helpers, checked inside their includers."""
    by_path = {s.source: s for s in scripts if s.how == "lua-file"}
    for s in list(by_path.values()):
        for name in INCLUDE.findall(s.text):
            target = os.path.normpath(os.path.join(os.path.dirname(s.source), name))
            if not target.endswith(".lua"):
                target += ".lua"
            if target in by_path and by_path[target] is not s:
                by_path[target].role = "include"


def includes_of(script: Script, by_path: dict[str, Script], seen: set[str]) -> None:
    for name in INCLUDE.findall(script.text):
        target = os.path.normpath(os.path.join(os.path.dirname(script.source), name))
        if not target.endswith(".lua"):
            target += ".lua"
        if target in by_path and target not in seen:
            seen.add(target)
            includes_of(by_path[target], by_path, seen)


def spliced(script: Script, by_path: dict[str, Script], seen: set[str] | None = None) -> str:
    """The script's text with its `--- @include` lines replaced by the files they name
    (each once), as BullMQ's loader and redis-lua-lint splice them."""
    seen = set() if seen is None else seen

    def replace(m: re.Match) -> str:
        target = os.path.normpath(os.path.join(os.path.dirname(script.source), m.group(1)))
        if not target.endswith(".lua"):
            target += ".lua"
        if target not in by_path or target in seen:
            return ""
        seen.add(target)
        return spliced(by_path[target], by_path, seen)

    return INCLUDE.sub(replace, script.text)


def norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", default=os.environ.get("SCRIPTS_CORPUS"))
    ap.add_argument("--packages", default=str(HERE / "packages.txt"))
    ap.add_argument("--only", help="comma-separated package names")
    ap.add_argument("--pin", action="store_true", help="resolve `latest` and fill in `-` hashes in packages.txt")
    args = ap.parse_args()
    if not args.out:
        sys.exit("give the output directory as an argument or in $SCRIPTS_CORPUS")
    out = Path(args.out).resolve()
    cache = out / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    pkgs_path = Path(args.packages)
    packages = read_packages(pkgs_path)
    if args.only:
        only = set(args.only.split(","))
        packages = [p for p in packages if p.name in only]
    declared = tomllib.loads((HERE / "signatures.toml").read_text())
    hand = declared.get("scripts", [])
    hand_annotations = declared.get("annotations", [])
    rules = tomllib.loads((HERE / "assemble.toml").read_text()).get("assemble", [])

    pins: dict[int, tuple[str, str]] = {}
    failed = []
    all_scripts: list[Script] = []
    skipped_all: list[dict] = []
    archives = {}
    for pkg in packages:
        try:
            if pkg.version == "latest":
                if not args.pin:
                    raise RuntimeError("version `latest`: run with --pin to resolve it")
                pkg.version = latest(pkg)
            archive = download(pkg, cache)
            digest = sha256(archive)
            if pkg.sha256 == "-":
                if not args.pin:
                    raise RuntimeError("no SHA-256 in packages.txt: run with --pin to record it")
                pkg.sha256 = digest
            elif digest != pkg.sha256:
                shutil.rmtree(archive.parent)
                raise RuntimeError(f"SHA-256 mismatch: {archive.name} is {digest}, packages.txt says {pkg.sha256}")
            pins[pkg.line] = (pkg.version, pkg.sha256)
            archives[pkg.key] = {"archive": archive.name, "sha256": digest}
            scripts, skipped = extract(pkg, members(archive), cache, rules)
            for s in skipped:
                s["package"] = pkg.key
            skipped_all += skipped
            all_scripts += scripts
            print(f"{pkg.key}@{pkg.version}: {len(scripts)} candidate texts", file=sys.stderr)
        except Exception as e:  # one bad package must not lose the others
            failed.append(f"{pkg.key}: {e}")
            print(f"{pkg.key}: FAILED {e}", file=sys.stderr)

    if args.pin and pins:
        lines = pkgs_path.read_text().splitlines()
        for n, (version, digest) in pins.items():
            raw = lines[n - 1]
            body, sep, comment = raw.partition("#")
            parts = body.split()
            parts[2], parts[3] = version, digest
            lines[n - 1] = "  ".join(parts) + (f"  # {comment.strip()}" if sep else "")
        pkgs_path.write_text("\n".join(lines) + "\n")

    # keep real scripts: includes first marked, then drop texts without a Redis call
    by_pkg: dict[str, list[Script]] = {}
    for s in all_scripts:
        by_pkg.setdefault(s.package.key, []).append(s)
    kept: list[Script] = []
    for key, scripts in by_pkg.items():
        mark_includes(scripts)
        for s in scripts:
            if s.role == "include" or MARKER.search(s.text):
                kept.append(s)
    # de-duplicate scripts (not includes) by text, first one wins
    seen: dict[str, Script] = {}
    unique: list[Script] = []
    for s in kept:
        if s.role == "include":
            unique.append(s)
            continue
        t = norm(s.text)
        if t in seen:
            seen[t].duplicates.append(f"{s.package.key}/{s.source}" + (f":{s.line}" if s.line else ""))
            continue
        seen[t] = s
        unique.append(s)
    # keep the includes that a kept script uses
    final: list[Script] = []
    for key in by_pkg:
        mine = [s for s in unique if s.package.key == key]
        by_path = {s.source: s for s in mine if s.how == "lua-file"}
        used: set[str] = set()
        for s in mine:
            if s.role == "script":
                includes_of(s, by_path, used)
        final += [s for s in mine if s.role == "script" or s.source in used]

    # write
    for sub in out.iterdir():
        if sub.is_dir() and sub.name in ("npm", "pypi", "crates") and not args.only:
            shutil.rmtree(sub)
    for key in by_pkg:
        pkg = by_pkg[key][0].package
        shutil.rmtree(out / pkg.dirname, ignore_errors=True)
    taken = set()
    for s in final:
        path = place(s)
        base, k = path, 2
        while path in taken:
            path = re.sub(r"\.lua$", f".{k}.lua", base)
            k += 1
        taken.add(path)
        s.out = path
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(s.text if s.text.endswith("\n") else s.text + "\n")

    manifest_scripts = []
    configs: dict[str, list[str]] = {}
    # (path under OUT, line, annotation, why) to write into the extracted files
    patches: list[tuple[str, int, str, str]] = []
    for a in hand_annotations:
        # `files` (globs) and `match` (a regular expression: every line it matches), or
        # one `file` and its `line`
        globs = a.get("files", [a.get("file")])
        mine = [x for x in final if x.package.name == a["package"]
                and any(fnmatch.fnmatchcase(x.out[len(x.package.dirname) + 1:], g) for g in globs)]
        if not mine:
            if not args.only or a["package"] in args.only.split(","):
                failed.append(f"signatures.toml: annotation for {a['package']}/{globs}: no such file")
            continue
        for x in mine:
            if "match" in a:
                hits = [i for i, text in enumerate(x.text.split("\n"), start=1) if re.search(a["match"], text)]
                if not hits:
                    failed.append(f"signatures.toml: annotation for {x.out}: no line matches `{a['match']}`")
                patches += [(x.out, i, a["annotation"], a["why"]) for i in hits]
            else:
                patches.append((x.out, a["line"], a["annotation"], a["why"]))
    lua_files = {(s.package.key, s.source): s for s in final if s.how == "lua-file"}
    for s in final:
        entry = {
            "package": s.package.name,
            "registry": s.package.registry,
            "version": s.package.version,
            "source": s.source,
            "line": s.line,
            "name": s.name,
            "how": s.how,
            "role": s.role,
            "path": s.out,
            "lines": len(s.text.rstrip("\n").split("\n")),
            "sha256": hashlib.sha256(s.text.encode()).hexdigest(),
        }
        if s.duplicates:
            entry["duplicates"] = s.duplicates
        if s.placeholders:
            entry["interpolations"] = s.placeholders
        if s.parts:
            entry["assembled_from"] = s.parts
        if s.role == "script":
            # what the included helpers do with the script's locals counts too
            mine = {src: x for (pkg, src), x in lua_files.items() if pkg == s.package.key}
            whole = spliced(s, mine) if s.how == "lua-file" and INCLUDE.search(s.text) else s.text
            sig, notes, prefixes, use, doc = signature_of(s, hand, whole)
            sig = signatures.with_arg_prefixes(sig, prefixes, doc, sig.source == "file-name")
            entry["signature"] = sig.text
            entry["signature_source"] = sig.source
            if sig.notes or notes:
                entry["signature_notes"] = sig.notes + notes
            if prefixes:
                entry["argv_prefixes"] = prefixes
            for a in signatures.annotations_for(use, prefixes):
                patches.append((s.out, a["line"], a["annotation"], a["why"]))
            if sig.text:
                rel = s.out[len(s.package.dirname) + 1:]
                configs.setdefault(s.package.key, []).append(
                    f'[[scripts]]  # {sig.source}\nfiles = ["{rel}"]\nsignature = "{sig.text}"\n'
                )
        manifest_scripts.append(entry)

    # annotation comments: a trailing comment on the line of the assignment they declare,
    # so no line moves (the judged findings name lines of these files)
    by_out = {m["path"]: m for m in manifest_scripts}
    for path, line, annotation, why in sorted(set(patches)):
        target = out / path
        lines = target.read_text().split("\n")
        if not 1 <= line <= len(lines) or "--" in lines[line - 1]:
            failed.append(f"annotation `{annotation}` for {path}:{line}: the line is missing or has a comment already")
            continue
        lines[line - 1] += f"  -- redis-lua-lint: {annotation}"
        target.write_text("\n".join(lines))
        by_out[path].setdefault("annotations", []).append({"line": line, "annotation": annotation, "why": why})

    for key, scripts in by_pkg.items():
        pkg = scripts[0].package
        if not (out / pkg.dirname).is_dir():
            continue
        head = [
            f"# {pkg.registry} {pkg.name} {pkg.version}: signatures for redis-lua-lint, written by corpus/fetch.py",
            "# from the package's file names, comment blocks, calling code and corpus/signatures.toml.",
        ]
        if "includes" in pkg.flags:
            head.append("includes = true")
        if "keys-from-file-name" in pkg.flags:
            head.append("keys_from_file_name = true")
        body = "\n".join(configs.get(key, []))
        (out / pkg.dirname / "redis-lua-lint.toml").write_text("\n".join(head) + "\n\n" + body)

    packages_out = []
    for pkg in packages:
        if pkg.key not in archives:
            continue
        mine = [m for m in manifest_scripts if f"{m['registry']}:{m['package']}" == pkg.key]
        packages_out.append({
            "registry": pkg.registry, "name": pkg.name, "version": pkg.version, "dir": pkg.dirname,
            **archives[pkg.key],
            "scripts": sum(m["role"] == "script" for m in mine),
            "includes": sum(m["role"] == "include" for m in mine),
            "lines": sum(m["lines"] for m in mine),
            "flags": sorted(pkg.flags),
        })
    manifest = {
        "packages": packages_out,
        "scripts": manifest_scripts,
        "skipped": skipped_all,
        "failed": failed,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    n_scripts = sum(m["role"] == "script" for m in manifest_scripts)
    n_lines = sum(m["lines"] for m in manifest_scripts)
    print(f"{len(packages_out)} packages, {n_scripts} scripts, {n_lines} lines (with includes) -> {out}",
          file=sys.stderr)
    if failed:
        print("failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


def signature_of(s: Script, hand: list[dict], whole: str):
    """The script's signature (signatures.Signature), extra notes, its argument prefixes
    (read from `whole`, the script with its includes), and what its own code and comment
    block say (signatures.Usage, signatures.Doc)."""
    sig, use, doc = signatures.build(s.text, s.number_of_keys, s.keys_via)
    whole_use = use if whole is s.text else signatures.read_usage(signatures.tokenize(whole))
    prefixes = signatures.arg_prefixes(whole_use, doc)
    rel = s.out[len(s.package.dirname) + 1:]
    if s.fixed_signature:
        text = signatures.with_key_prefixes(s.fixed_signature[0], use)
        return signatures.Signature(text, "hand"), [s.fixed_signature[1]], prefixes, use, doc
    for entry in hand:
        if entry["package"] == s.package.name and any(fnmatch.fnmatchcase(rel, g) for g in entry["files"]):
            notes = [entry["why"]] if entry.get("why") else []
            if "argv_prefixes" in entry:
                prefixes = entry["argv_prefixes"]
            return signatures.Signature(entry["signature"], "hand"), notes, prefixes, use, doc
    if "keys-from-file-name" in s.package.flags and s.how == "lua-file" and \
            re.search(r"-\d{1,3}$", Path(s.source).stem):
        return signatures.Signature(None, "file-name"), [], prefixes, use, doc
    return sig, [], prefixes, use, doc


if __name__ == "__main__":
    main()
