"""DOT text: the one place where Python strings become DOT, so a name or a title is always drawn as data.

The ``graphviz`` package writes any string of the form ``<...>`` unquoted, as an
HTML-like label, and leaves ``\\`` escapes and ``&...;`` entities to Graphviz. A
title or node called ``<a> URL="javascript:alert(1)" <b>`` therefore ended the label
and added a link to the SVG, and an ``<IMG SRC=...>`` made Graphviz open a local
file. Here every string is written as a quoted DOT string with its ``"``, ``\\`` and
``&`` escaped, and only an ``Html`` value is written as an HTML-like label: ``table``
makes one from text escaped by ``esc``. Node names are quoted whole, so a ``:`` in a
name is never read as a port.
"""
import html
import re

import graphviz

BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")  # DOT reads these literally
KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


class Html(str):
    """The inside of an HTML-like label (without the outer ``<>``), every piece of text in it escaped by ``esc``."""


def esc(text):
    """``text`` inside an HTML-like label, as text or as an attribute's value: markup characters as entities."""
    return html.escape(str(text))


def quote(value):
    """``value`` as one DOT ID: an ``Html`` label in ``<>``, a plain word or number as it is, else a quoted string.

    Inside quotes Graphviz reads ``\\`` as an escape (``\\N`` is the node's name, ``\\l``
    a line break) and ``&...;`` as an entity, so both are escaped too: a plain string
    is drawn exactly as written.
    """
    if isinstance(value, Html):
        return f"<{value}>"
    text = str(value)
    if BARE.fullmatch(text) and text.lower() not in KEYWORDS:
        return text
    return '"' + text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"') + '"'


def a_list(label=None, kwargs=None, attributes=None):
    """``name=value`` pairs, each side written by ``quote`` (the signature of ``graphviz.quoting.a_list``)."""
    pairs = [("label", label)] if label is not None else []
    pairs += sorted((kwargs or {}).items()) + list(dict(attributes or {}).items())
    return " ".join(f"{quote(k)}={quote(v)}" for k, v in pairs if v is not None)


def attr_list(label=None, kwargs=None, attributes=None):
    """``a_list`` in brackets, or nothing when it is empty (the signature of ``graphviz.quoting.attr_list``)."""
    content = a_list(label, kwargs, attributes)
    return f" [{content}]" if content else ""


class Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that writes every name and attribute value with ``quote``; its subgraphs must be too."""
    _quote = staticmethod(quote)
    _quote_edge = staticmethod(quote)
    _a_list = staticmethod(a_list)
    _attr_list = staticmethod(attr_list)
