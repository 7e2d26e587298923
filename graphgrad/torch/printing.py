"""How PyTorch prints a tensor: ``tensor([1.0000, 2.5000], grad_fn=<AddBackward0>)``.

PyTorch's rules (``torch/_tensor_str.py``, default print options): floats whose
nonzero finite values are all whole print as ``1.``; otherwise with 4 decimals, or
in scientific notation when the largest and smallest magnitudes are more than
1000 apart, the largest exceeds 1e8 or the smallest is below 1e-4. Every element is
padded to one width, lines wrap at 80 characters, and a tensor of more than 1000
elements shows its first and last 3 along each axis. A dtype other than float32,
int64 and bool is named.
"""
import math

import numpy as np

PRECISION, LINEWIDTH, THRESHOLD, EDGEITEMS = 4, 80, 1000, 3
_DEFAULT_DTYPES = {np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_)}


class _Formatter:
    """One width and one notation for every element of a tensor."""

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.max_width = max([self.max_width] + [len(str(v)) for v in flat.tolist()])
            return
        shown = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if not shown.size:
            return
        magnitudes = np.abs(shown)
        low, high = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        self.sci_mode = high / low > 1000.0 or high > 1.0e8 or (not self.int_mode and low < 1.0e-4)
        if self.sci_mode:
            widths = [len(f"{v:.{PRECISION}e}") for v in shown.tolist()]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in shown.tolist()]
        else:
            widths = [len(f"{v:.{PRECISION}f}") for v in shown.tolist()]
        self.max_width = max(self.max_width, *widths)

    def format(self, value):
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRECISION}f}"
        return (self.max_width - len(text)) * " " + text


def _summarized(values):
    """The elements the printout shows: the first and last EDGEITEMS along each axis (for the formatter)."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * EDGEITEMS:
        values = np.concatenate([values[:EDGEITEMS], values[-EDGEITEMS:]])
    return np.stack([_summarized(row) for row in values]) if values.ndim > 1 else values


def _vector(values, indent, summarize, formatter):
    per_line = max(1, (LINEWIDTH - indent) // (formatter.max_width + 2))
    items = values.tolist()
    if summarize and len(items) > 2 * EDGEITEMS:
        data = [formatter.format(v) for v in items[:EDGEITEMS]] + [" ..."] + \
               [formatter.format(v) for v in items[-EDGEITEMS:]]
    else:
        data = [formatter.format(v) for v in items]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values, indent, summarize, formatter):
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, formatter)
    rows = range(values.shape[0])
    if summarize and values.shape[0] > 2 * EDGEITEMS:
        rows = [*range(EDGEITEMS), None, *range(values.shape[0] - EDGEITEMS, values.shape[0])]
    parts = ["..." if i is None else _nested(values[i], indent + 1, summarize, formatter) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(text, suffixes, indent):
    """``text`` and its suffixes (``dtype=...``, ``grad_fn=...``), each on a new line when it would pass 80."""
    parts, last = [text], len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(values, grad_fn_name=None, requires_grad=False):
    """PyTorch's printout of a tensor of ``values`` (with its ``grad_fn``'s name, or requires_grad)."""
    values = np.asarray(values)
    prefix, suffixes = "tensor(", []
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if values.dtype != np.float32:
            suffixes.append(f"dtype=torch.{values.dtype.name}")
        text = "[]"
    else:
        if values.dtype not in _DEFAULT_DTYPES:
            suffixes.append(f"dtype=torch.{values.dtype.name}")
        summarize = values.size > THRESHOLD
        shown = values.astype(np.float32) if values.dtype == np.float16 else values
        formatter = _Formatter(_summarized(shown) if summarize else shown)
        text = _nested(shown, len(prefix), summarize, formatter)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + text, suffixes, len(prefix))
