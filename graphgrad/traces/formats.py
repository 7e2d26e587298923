"""A Trace as text, Markdown, LaTeX (booktabs, ready for a paper or a beamer slide) or JSON.

The LaTeX is a fragment for a document that loads ``LATEX_PACKAGES``; ``latex_document`` wraps it
into a document that pdflatex compiles alone.
"""
import unicodedata
from html import escape as escape_html

import numpy as np

from ..graph.printing import decimals
from ..jsontext import dumps


def sections(trace):
    """(title, key, rows) for the forward primal, forward tangent (if any) and reverse adjoint traces."""
    yield "Forward primal trace", "f", trace.forward
    if trace.tangent:
        yield "Forward tangent trace", "t", trace.tangent
    yield "Reverse adjoint trace", "r", trace.reverse


def cells(trace, row):
    """[variable, the steps joined by ' = ', value]: one row as every format shows it."""
    value = decimals(row.value, trace.places)
    parts = [p for p in row.steps if p and p != value]
    return [row.var, " = ".join(parts), value]


def _width(text):
    """Columns a string takes on screen (combining marks such as the bar of v̄ take none)."""
    return sum(not unicodedata.combining(ch) for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def text(trace):
    """Aligned columns: ``v1 = ln v-1 = ln 2 = 0.693``."""
    out = []
    for title, _, rows in sections(trace):
        table = [cells(trace, r) for r in rows]
        w0 = max(_width(c[0]) for c in table)
        w1 = max(_width(c[1]) for c in table)
        out.append(title)
        out += [f"  {_pad(c[0], w0)} = {_pad(c[1], w1)} = {c[2]}" if c[1] else f"  {_pad(c[0], w0)} = {c[2]}"
                for c in table]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _markdown_cell(text):
    """A table cell's text as Markdown: no HTML (names are data), no column break, one line."""
    return " ".join(escape_html(text, quote=False).replace("|", "\\|").split())


def markdown(trace):
    """One Markdown table per section (variable, expression, value)."""
    out = []
    for title, _, rows in sections(trace):
        out += [f"**{title}**", "", "| variable | expression | value |", "|---|---|---:|"]
        out += ["| {} | {} | {} |".format(*(_markdown_cell(c) for c in cells(trace, r))) for r in rows]
        out.append("")
    return "\n".join(out)


LATEX_PACKAGES = r"\usepackage{booktabs,amsmath}"   # what the tables use: \toprule, \operatorname


def latex(trace):
    """A booktabs ``tabular`` per section, math in ``$...$``, as in Baydin et al.'s table (a fragment: the
    document needs ``LATEX_PACKAGES``)."""
    out = []
    for title, _, rows in sections(trace):
        out += [r"\begin{tabular}{lll}", r"\toprule", rf"\multicolumn{{3}}{{l}}{{\textbf{{{title}}}}} \\", r"\midrule"]
        for r in rows:
            value = decimals(r.value, trace.places)
            parts = [p for p in r.tex[1:] if p and p != value]
            middle = f"${' = '.join(parts)}$" if parts else ""
            out.append(f"${r.tex[0]}$ & {middle} & ${value}$ \\\\")
        out += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(out)


def latex_document(trace):
    """The LaTeX tables as a whole A4 document, one table under another, that pdflatex compiles alone."""
    return "\n".join([r"\documentclass{article}", r"\usepackage[margin=2cm]{geometry}", LATEX_PACKAGES,
                      r"\pagestyle{empty}\setlength{\parindent}{0pt}\setlength{\parskip}{1.5em}",
                      r"\begin{document}", latex(trace).rstrip(), r"\end{document}", ""])


def _jsonable(value):
    value = np.asarray(value)
    return value.item() if value.ndim == 0 else value.tolist()


def as_dict(trace):
    """Rows in the order computed: ``{"var", "expr", "value"}`` (reverse rows also carry ``derivative``)."""
    return {
        "output": trace.graph.output.name or "y",
        "at": {k: _jsonable(v) for k, v in trace.values.items()},
        "forward": [{"var": r.var, "expr": r.expr, "subst": r.subst, "value": _jsonable(r.value)}
                    for r in trace.forward],
        "tangent": [{"var": r.var, "expr": r.expr, "value": _jsonable(r.value)} for r in trace.tangent],
        "reverse": [{"var": r.var, "expr": r.partial or r.expr, "derivative": r.expr, "value": _jsonable(r.value),
                     "accumulate": r.accumulate} for r in trace.reverse],
    }


def to_json(trace):
    return dumps(as_dict(trace))


def html(trace):
    """A page of HTML tables in Baydin et al.'s layout, accumulation rows marked."""
    from .html import trace_page
    return trace_page(trace)


FORMATS = {"text": text, "markdown": markdown, "latex": latex, "html": html, "json": to_json}
