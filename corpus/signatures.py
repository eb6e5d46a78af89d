"""Signatures of corpus scripts, as the packages document them, in redis-lua-lint's syntax.

Sources, first match wins (the manifest records which one gave each signature):
1. `signatures.toml` beside this file: signatures written by hand from a package's calling
   code or documentation, with the reason.
2. The package's `name-N.lua` file names (BullMQ's convention): `keys_from_file_name` in the
   package's configuration, no entry per script.
3. The key count the calling code passes (ioredis `numberOfKeys`, `EVAL script N`), with
   the names of the script's comment block when it lists as many keys.
4. The script's comment block listing `KEYS[i]` / `ARGV[i]`.
5. Keys read from the code when it builds other keys from them (declared prefixes need a
   signature): `KEYS[1] .. ':' .. id`. Recorded as inferred, not documented.
A key that the code appends to (`KEYS[i] ..`, directly or through a local) is declared
`name(prefix)`. An argument the code builds keys from, or that the comment block calls a
prefix, is declared `name(prefix)` too (`with_arg_prefixes`); a field of a msgpack
argument that is one (BullMQ's `args[1]`) is declared next to the value, by an
annotation comment (`annotations_for`), since no signature reaches inside an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luatok import Token, comments, tokenize

_DOC_LINE = re.compile(r"^[\s\-\[\]=*#]*(KEYS|ARGV)\s*\[\s*(\d+)\s*\]\s*[-:=,)]*\s*(.*)$")
_FIELD_LINE = re.compile(r"^[\s\-*]*\[\s*(\d+)\s*\]\s*[-:=]*\s*(.*)$")
_STOP = {"the", "a", "an", "of", "to", "for", "is", "key", "keys", "name", "which", "this", "with", "in", "and", "or"}
_LUA_KEYWORDS = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local",
    "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}
_CALLS = {"call", "pcall"}


@dataclass
class Usage:
    """What the code does with `KEYS` and `ARGV`."""

    max_key: int = 0
    max_arg: int = 0
    dynamic_keys: bool = False
    dynamic_args: bool = False
    key_prefixes: set[int] = field(default_factory=set)
    # ARGV index -> evidence strings
    arg_prefixes: dict[int, list[str]] = field(default_factory=dict)
    # (ARGV index, msgpack field) -> evidence strings
    msgpack_prefixes: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    # ARGV index -> (local, line) of each `local x = cmsgpack.unpack(ARGV[i])`
    msgpack_locals: dict[int, list[tuple[str, int]]] = field(default_factory=dict)


@dataclass
class Doc:
    """A comment block's list of keys and arguments: index -> description."""

    keys: dict[int, str] = field(default_factory=dict)
    args: dict[int, str] = field(default_factory=dict)
    fields: dict[tuple[int, int], str] = field(default_factory=dict)


def read_doc(tokens: list[Token]) -> Doc:
    doc = Doc()
    current_arg = None
    for line in comments(tokens):
        m = _DOC_LINE.match(line)
        if m:
            table = doc.keys if m.group(1) == "KEYS" else doc.args
            index = int(m.group(2))
            table.setdefault(index, m.group(3).strip())
            current_arg = index if m.group(1) == "ARGV" else None
            continue
        f = _FIELD_LINE.match(line)
        if f and current_arg is not None:
            doc.fields.setdefault((current_arg, int(f.group(1))), f.group(2).strip())
    return doc


def _index(tokens: list[Token], i: int) -> int | None:
    """The literal index of `X [ n ]` whose `[` is at i, else None."""
    if (
        i + 2 < len(tokens)
        and tokens[i].text == "["
        and tokens[i + 1].kind == "number"
        and tokens[i + 2].text == "]"
        and tokens[i + 1].text.isdigit()
    ):
        return int(tokens[i + 1].text)
    return None


def read_usage(tokens: list[Token]) -> Usage:
    code = [t for t in tokens if t.kind != "comment"]
    use = Usage()
    # local name -> ("KEYS", i) | ("ARGV", i) | ("MSGPACK", i) | ("FIELD", i, j)
    alias: dict[str, tuple] = {}
    call_names = set()  # locals bound to redis.call / redis.pcall

    def value_at(k: int) -> tuple[tuple | None, int]:
        """What the expression starting at token k denotes, and the index after it."""
        t = code[k] if k < len(code) else None
        if t is None:
            return None, k
        if t.kind == "name" and t.text in ("KEYS", "ARGV"):
            idx = _index(code, k + 1)
            if idx is not None:
                return (t.text, idx), k + 4
        if t.kind == "name" and t.text == "cmsgpack" and k + 5 < len(code):
            if code[k + 1].text == "." and code[k + 2].text == "unpack" and code[k + 3].text == "(":
                inner, after = value_at(k + 4)
                if inner and inner[0] == "ARGV" and after < len(code) and code[after].text == ")":
                    return ("MSGPACK", inner[1]), after + 1
        if t.kind == "name" and t.text in alias:
            base = alias[t.text]
            idx = _index(code, k + 1)
            if base[0] == "MSGPACK" and idx is not None:
                return ("FIELD", base[1], idx), k + 4
            return base, k + 1
        if t.kind == "name" and t.text == "redis" and k + 2 < len(code) and code[k + 1].text == ".":
            if code[k + 2].text in _CALLS:
                return ("CALL",), k + 3
        return None, k

    i = 0
    while i < len(code):
        t = code[i]
        # local a, b = KEYS[1], ARGV[2]  /  a = KEYS[1]
        if t.kind == "name" and (t.text == "local" or (i + 1 < len(code) and code[i + 1].text in ("=", ","))):
            j = i + 1 if t.text == "local" else i
            names = []
            while j < len(code) and code[j].kind == "name" and code[j].text not in _LUA_KEYWORDS:
                names.append(code[j].text)
                if j + 1 < len(code) and code[j + 1].text == ",":
                    j += 2
                else:
                    j += 1
                    break
            if names and j < len(code) and code[j].text == "=":
                k = j + 1
                for n_i, name in enumerate(names):
                    value, after = value_at(k)
                    nxt = code[after] if after < len(code) else None
                    # the whole expression: `local x = KEYS[1] .. ':'` binds no alias
                    whole = nxt is None or nxt.text in (",", ";") or (
                        nxt.kind == "name" and nxt.text not in ("and", "or")
                    ) or (nxt.line != code[after - 1].line and nxt.text not in ("..", "(", "[", ".", ":"))
                    if value and whole:
                        if value[0] == "CALL":
                            call_names.add(name)
                        else:
                            alias[name] = value
                            if value[0] == "MSGPACK":
                                use.msgpack_locals.setdefault(value[1], []).append((name, code[j].line))
                    else:
                        alias.pop(name, None)
                    if not (value and whole and nxt is not None and nxt.text == ","):
                        for rest in names[n_i + 1:]:
                            alias.pop(rest, None)
                        break
                    k = after + 1
        # dynamic uses: KEYS[i], #KEYS, unpack(KEYS), KEYS passed whole
        if t.kind == "name" and t.text in ("KEYS", "ARGV"):
            idx = _index(code, i + 1)
            if idx is not None:
                if t.text == "KEYS":
                    use.max_key = max(use.max_key, idx)
                else:
                    use.max_arg = max(use.max_arg, idx)
            elif not (i > 0 and code[i - 1].text == "."):
                if t.text == "KEYS":
                    use.dynamic_keys = True
                else:
                    use.dynamic_args = True
        # X .. : X a key, an argument, or a msgpack field of one
        value, after = value_at(i)
        if value and value[0] != "CALL" and after < len(code) and code[after].text == "..":
            if i == 0 or code[i - 1].text != "..":  # the first operand: a prefix, not a suffix
                in_call = _inside_call(code, i, call_names)
                where = f"line {t.line}: `{_snippet(code, i, after + 2)}`" + (" in a command's arguments" if in_call else "")
                if value[0] == "KEYS":
                    use.key_prefixes.add(value[1])
                elif value[0] == "ARGV":
                    use.arg_prefixes.setdefault(value[1], []).append(where)
                elif value[0] == "FIELD":
                    use.msgpack_prefixes.setdefault((value[1], value[2]), []).append(where)
        i += 1
    return use


def _snippet(code: list[Token], start: int, end: int) -> str:
    parts = []
    for t in code[start:end]:
        parts.append(repr(t.text) if t.kind == "string" else t.text)
    return " ".join(parts)


def _inside_call(code: list[Token], at: int, call_names: set[str]) -> bool:
    """Whether token `at` is inside the argument list of redis.call/pcall or an alias of them."""
    depth = 0
    k = at - 1
    while k >= 0:
        text = code[k].text
        if text in (")", "]", "}"):
            depth += 1
        elif text in ("(", "[", "{"):
            if depth == 0:
                if text != "(" or k == 0:
                    return False
                name = code[k - 1]
                if name.text in _CALLS and k >= 3 and code[k - 3].text == "redis":
                    return True
                return name.text in call_names
            depth -= 1
        k -= 1
    return False


def _ident(description: str, fallback: str, taken: set[str]) -> str:
    description = re.split(r"[(,;.]| - ", description)[0]
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", description)]
    words = [w for w in words if w not in _STOP][:3]
    name = "_".join(words) or fallback
    if not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in _LUA_KEYWORDS:
        name = fallback
    base, n = name, 2
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


def _contiguous(table: dict[int, str]) -> int:
    """N when the table lists exactly 1..N, else 0."""
    if table and sorted(table) == list(range(1, len(table) + 1)):
        return len(table)
    return 0


@dataclass
class Signature:
    text: str | None  # `keys: ...  args: ...` or None when nothing declares one
    source: str  # hand, file-name, caller, comment-block, inferred, none
    notes: list[str] = field(default_factory=list)


def build(text: str, number_of_keys: int | None, keys_via: str | None) -> tuple[Signature, Usage, Doc]:
    """The signature of a script that no hand entry or file name covers."""
    tokens = tokenize(text)
    use = read_usage(tokens)
    doc = read_doc(tokens)
    notes: list[str] = []
    n_doc_keys = _contiguous(doc.keys)
    if number_of_keys is not None:
        source = "caller"
        notes.append(f"{number_of_keys} keys: {keys_via}")
        n_keys = number_of_keys
        key_docs = doc.keys if n_doc_keys == n_keys else {}
    elif n_doc_keys:
        source = "comment-block"
        n_keys = n_doc_keys
        key_docs = doc.keys
    elif use.key_prefixes and not use.dynamic_keys:
        source = "inferred"
        n_keys = use.max_key
        key_docs = {}
        notes.append("undocumented: key count read from the code, which builds keys from "
                     + ", ".join(f"KEYS[{i}]" for i in sorted(use.key_prefixes)))
    else:
        return Signature(None, "none"), use, doc
    taken: set[str] = set()
    keys = []
    for i in range(1, n_keys + 1):
        name = _ident(key_docs.get(i, ""), f"key{i}", taken)
        keys.append(f"{name}(prefix)" if i in use.key_prefixes else name)
    if source != "caller" and use.max_key > n_keys:
        notes.append(f"the comment block lists {n_keys} keys, the code reads KEYS[{use.max_key}]")
        for i in range(n_keys + 1, use.max_key + 1):
            name = _ident("", f"key{i}", taken)
            keys.append(f"{name}(prefix)" if i in use.key_prefixes else name)
    if use.dynamic_keys and source != "caller":
        keys.append(_ident("", "more_keys", taken).join(["*", ""]))
    n_doc_args = _contiguous(doc.args)
    if n_doc_args and source in ("comment-block", "caller"):
        args = [_ident(doc.args[i], f"arg{i}", taken) for i in range(1, n_doc_args + 1)]
        if use.max_arg > n_doc_args or use.dynamic_args:
            notes.append(f"the comment block lists {n_doc_args} arguments, the code reads more")
            args.append("*" + _ident("", "more", taken))
    else:
        args = ["*" + _ident("", "args", taken)]
    sig = f"keys: {', '.join(keys)}  args: {', '.join(args)}"
    return Signature(sig, source, notes), use, doc


def arg_prefixes(use: Usage, doc: Doc) -> list[dict]:
    """ARGV entries (and msgpack fields of them) the script builds keys from."""
    out = []
    indices = set(use.arg_prefixes)
    indices |= {i for i, d in doc.args.items() if "prefix" in d.lower() or documents_a_key(d)}
    for i in sorted(indices):
        entry = {"argv": i}
        if i in doc.args:
            entry["documented_as"] = doc.args[i]
        if use.arg_prefixes.get(i):
            entry["built_from"] = use.arg_prefixes[i][:3]
        out.append(entry)
    fields = set(use.msgpack_prefixes)
    fields |= {k for k, d in doc.fields.items() if "prefix" in d.lower()}
    for i, j in sorted(fields | {k for k, d in doc.fields.items() if documents_a_key(d)}):
        entry = {"argv": i, "msgpack_field": j}
        if (i, j) not in fields:
            # a key the caller passes inside the argument, used as it is
            entry["role"] = "key"
        if (i, j) in doc.fields:
            entry["documented_as"] = doc.fields[(i, j)]
        if use.msgpack_prefixes.get((i, j)):
            entry["built_from"] = use.msgpack_prefixes[(i, j)][:3]
        out.append(entry)
    return out


def documents_a_key(description: str) -> bool:
    """True when a comment block describes an argument as a Redis key: its last word is
    `key` (`ARGV[1] base key`, `[6] parent dependencies key.`), or it names one
    (`parentKey?`, `job id key`). An id (`job id`), a `key prefix` or a table whose
    fields name keys (`parent? {id, queueKey}`) is not one."""
    # a table's own fields (`parent? {id, queueKey}`) are not the argument
    d = re.sub(r"\{[^}]*\}?", "", description).strip().rstrip(".,?;:'\"").lower()
    words = re.findall(r"[a-z]+", d.replace("key", " key"))
    return bool(words) and words[-1] == "key" and "prefix" not in words


def _arg_names(doc: Doc, upto: int, taken: set[str]) -> list[str]:
    return [_ident(doc.args.get(i, ""), f"arg{i}", taken) for i in range(1, upto + 1)]


def with_key_prefixes(text: str, use: Usage) -> str:
    """A signature written for a whole family of scripts (assemble.toml) with the keys
    this script appends to (`KEYS[1] .. 'temp'`) declared `name(prefix)`."""
    m = re.match(r"^keys:(.*?)(\s{2,}.*)?$", text)
    if not m or not use.key_prefixes:
        return text
    keys = [k.strip() for k in m.group(1).split(",")]
    for i in use.key_prefixes:
        if 1 <= i <= len(keys) and keys[i - 1] and not keys[i - 1].startswith("*") and "(prefix)" not in keys[i - 1]:
            keys[i - 1] += "(prefix)"
    return f"keys: {', '.join(keys)}{m.group(2) or ''}"


def with_arg_prefixes(sig: Signature, prefixes: list[dict], doc: Doc, file_name_keys: bool) -> Signature:
    """`sig` with the `ARGV` entries of `prefixes` declared `name(prefix)`.

    A signature that names its arguments marks the prefix ones; one that takes `*args`
    (or none at all) lists the arguments up to the last prefix, then `*more`. Keys counted
    from a file name stay so: the declaration then gives only `args:`. A script nothing
    declared keeps open key counts (`*keys(prefix)`, as the command assumes without a
    signature).
    """
    direct = sorted({p["argv"] for p in prefixes if "msgpack_field" not in p})
    if not direct:
        return sig
    note = "argument prefixes declared: " + ", ".join(f"ARGV[{i}]" for i in direct)
    text = sig.text
    keys_part, args_part = "", None
    if text:
        m = re.match(r"^keys:(.*?)(?:\s{2,}args:(.*?))?(\s{2,}.*)?$", text)
        if m:
            keys_part, args_part, rest = m.group(1).strip(), m.group(2), (m.group(3) or "")
        else:
            rest = ""
    else:
        rest = ""
    taken = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", keys_part))
    named = [a.strip() for a in args_part.split(",")] if args_part is not None else []
    fixed = [a for a in named if a and not a.startswith("*")]
    if fixed and len(fixed) >= max(direct):
        args = []
        for i, a in enumerate(named, start=1):
            args.append(f"{a}(prefix)" if i in direct and not a.startswith("*") else a)
    else:
        args = [f"{n}(prefix)" if i in direct else n
                for i, n in enumerate(_arg_names(doc, max(direct), taken), start=1)]
        args.append("*" + _ident("", "more", taken))
    allow = ["unused_arg"]
    if file_name_keys:
        new = f"args: {', '.join(args)}  allow: {', '.join(allow)}"
    elif text:
        new = f"keys: {keys_part}  args: {', '.join(args)}{rest}"
    else:
        new = f"keys: *keys(prefix)  args: {', '.join(args)}  allow: unused_key, unused_arg"
    return Signature(new, sig.source, sig.notes + [note])


def annotations_for(use: Usage, prefixes: list[dict]) -> list[dict]:
    """Annotation comments for the msgpack fields of `prefixes`: `prefix(args[1])` after
    each `local args = cmsgpack.unpack(ARGV[i])`."""
    out = []
    fields: dict[int, dict[str, list[int]]] = {}
    for p in prefixes:
        if "msgpack_field" in p:
            fields.setdefault(p["argv"], {}).setdefault(p.get("role", "prefix"), []).append(p["msgpack_field"])
    for argv, roles in sorted(fields.items()):
        for name, line in use.msgpack_locals.get(argv, []):
            words = " ".join(f"{role}({', '.join(f'{name}[{n}]' for n in sorted(numbers))})"
                             for role, numbers in sorted(roles.items(), reverse=True))
            out.append({"line": line, "annotation": words,
                        "why": f"ARGV[{argv}] is a msgpack array whose fields the package documents or uses as "
                               + "; ".join(f"{'key prefixes' if role == 'prefix' else 'keys'} {sorted(numbers)}"
                                           for role, numbers in sorted(roles.items(), reverse=True))})
    return out
