"""A Lua 5.1 tokenizer, enough to read what a script does with `KEYS` and `ARGV`.

Used by `signatures.py` to find keys and arguments that scripts build other keys from
(`KEYS[1] .. ':' .. id`), which the package's comment blocks seldom say. Tokens, not
regular expressions over the text: strings and comments never look like code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_LONG_OPEN = re.compile(r"\[(=*)\[")
_SYMBOLS = ("...", "..", "==", "~=", "<=", ">=")


@dataclass
class Token:
    kind: str  # name, number, string, symbol, comment
    text: str  # for strings: the value (escapes mostly undone); else the source text
    line: int


def tokenize(src: str) -> list[Token]:
    """Every token of `src`, comments included (kind `comment`); never raises."""
    out: list[Token] = []
    i, n, line = 0, len(src), 1
    if src.startswith("#"):  # a shebang line, as lua.c skips it
        i = src.find("\n")
        i = n if i < 0 else i
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r\f\v":
            i += 1
        elif src.startswith("--", i):
            start_line = line
            m = _LONG_OPEN.match(src, i + 2)
            if m:
                close = "]" + m.group(1) + "]"
                end = src.find(close, m.end())
                end = n if end < 0 else end + len(close)
            else:
                end = src.find("\n", i)
                end = n if end < 0 else end
            text = src[i:end]
            line += text.count("\n")
            out.append(Token("comment", text, start_line))
            i = end
        elif c == "[" and _LONG_OPEN.match(src, i):
            m = _LONG_OPEN.match(src, i)
            close = "]" + m.group(1) + "]"
            end = src.find(close, m.end())
            end = n if end < 0 else end
            value = src[m.end():end]
            if value.startswith("\n"):
                value = value[1:]
            out.append(Token("string", value, line))
            line += src[i:end + len(close)].count("\n")
            i = end + len(close)
        elif c in "\"'":
            j, buf = i + 1, []
            while j < n and src[j] != c and src[j] != "\n":
                if src[j] == "\\" and j + 1 < n:
                    nxt = src[j + 1]
                    buf.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                    if nxt == "\n":
                        line += 1
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append(Token("string", "".join(buf), line))
            i = j + 1
        elif c.isalpha() or c == "_":
            m = _NAME.match(src, i)
            out.append(Token("name", m.group(0), line))
            i = m.end()
        elif c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = _NUMBER.match(src, i)
            out.append(Token("number", m.group(0), line))
            i = m.end()
        else:
            for sym in _SYMBOLS:
                if src.startswith(sym, i):
                    out.append(Token("symbol", sym, line))
                    i += len(sym)
                    break
            else:
                out.append(Token("symbol", c, line))
                i += 1
    return out


def leading_comments(tokens: list[Token]) -> list[str]:
    """The text of the comments before the first statement, one entry per line."""
    lines: list[str] = []
    for tok in tokens:
        if tok.kind != "comment":
            break
        lines.extend(tok.text.splitlines())
    return lines


def comments(tokens: list[Token]) -> list[str]:
    """Every comment line of the script."""
    lines: list[str] = []
    for tok in tokens:
        if tok.kind == "comment":
            lines.extend(tok.text.splitlines())
    return lines
