"""JSON as the standard defines it: NaN and infinities, which JSON has no numbers for, written as strings."""
import json
import math


def strict(data):
    """``data`` with every non-finite float replaced by the string "nan", "inf" or "-inf"."""
    if isinstance(data, float) and not math.isfinite(data):
        return str(data)
    if isinstance(data, dict):
        return {k: strict(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [strict(v) for v in data]
    return data


def dumps(data):
    """Strict JSON text of ``data`` (indented, Unicode kept), parseable by any JSON reader."""
    return json.dumps(strict(data), ensure_ascii=False, indent=2, allow_nan=False)
