"""Slide notation made Python: ``x^2`` is a power and a number before a name multiplies it (``2x``, ``3ab``).

``Source`` rewrites the typed program into the text ``ast`` parses and keeps, for
every rewritten column, the column the user typed, so an error quotes and points at
the program as it was written (``2x``, not ``2*x``).
"""
import re

# A number not inside a name (x1) or after a dot (x.T): digits, a fraction, an exponent
NUMBER = re.compile(r"(?<![\w.])(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
PREFIXED = {"0" + letter for letter in "xXoObB"}   # 0x1f, 0o17, 0b101 stay Python's numbers


def _rewrite(line):
    """(Python text of one line, the typed column of each of its characters, whether a product was implied)."""
    out, cols, implied = [], [], False
    numbers = {m.end(): m.group() for m in NUMBER.finditer(line)}
    for col, ch in enumerate(line):
        number = numbers.get(col)
        if number and ch.isalpha() and (number + ch)[:2] not in PREFIXED:
            out.append("*")             # 2x -> 2*x: the product is written at the letter
            cols.append(col)
            implied = True
        if ch == "^":
            out.append("**")            # x^2 means x**2 (Python's ^ binds looser than +)
            cols += [col, col]
        else:
            out.append(ch)
            cols.append(col)
    return "".join(out), cols, implied


class Source:
    """A program as typed and as Python, with the way back from Python's positions to the typed ones."""

    def __init__(self, typed):
        self.typed = typed.strip()
        self.typed_lines = self.typed.split("\n")
        rewritten = [_rewrite(line) for line in self.typed_lines]
        self.lines = [text for text, _, _ in rewritten]
        self.columns = [cols for _, cols, _ in rewritten]
        self.text = "\n".join(self.lines)
        self.implied = any(implied for _, _, implied in rewritten)   # a number multiplies a name somewhere

    def column(self, lineno, offset):
        """The typed column (from 0) of character ``offset`` of Python's line ``lineno``."""
        cols = self.columns[lineno - 1]
        return cols[offset] if offset < len(cols) else len(self.typed_lines[lineno - 1]) + offset - len(cols)

    def _char(self, lineno, byte_offset):
        """``ast`` counts columns in UTF-8 bytes: the character offset in Python's line ``lineno``."""
        return len(self.lines[lineno - 1].encode()[:byte_offset].decode(errors="ignore"))

    def segment(self, node):
        """The typed text of an ``ast`` node (``2x`` where Python saw ``2*x``)."""
        start = self.column(node.lineno, self._char(node.lineno, node.col_offset))
        end = self.column(node.end_lineno, self._char(node.end_lineno, node.end_col_offset) - 1) + 1
        lines = self.typed_lines[node.lineno - 1:node.end_lineno]
        if len(lines) == 1:
            return lines[0][start:end]
        return "\n".join([lines[0][start:], *lines[1:-1], lines[-1][:end]])

    def where(self, node):
        """' at line 1, column 7: `foo(x)`' for an ``ast`` node, as the user typed it."""
        segment = self.segment(node)
        if len(segment) > 60:
            segment = segment[:57] + "..."
        column = self.column(node.lineno, self._char(node.lineno, node.col_offset)) + 1
        return f" at line {node.lineno}, column {column}" + (f": `{segment}`" if segment else "")

    def syntax_error(self, exc):
        """A SyntaxError of the Python text, told at the typed line and column."""
        lineno = exc.lineno or 1
        typed = self.typed_lines[lineno - 1] if lineno <= len(self.typed_lines) else ""
        column = self.column(lineno, exc.offset - 1) + 1 if exc.offset and lineno <= len(self.lines) else exc.offset
        near = f" in `{typed.strip()}`" if typed.strip() else ""
        return f"syntax error at line {lineno}, column {column}: {exc.msg}{near}"
