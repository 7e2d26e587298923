"""Placing weight labels on straight edges so that no two overlap: each label slides along its own edge.

Used by the pixel-by-pixel convolution picture, whose edges carry the kernel weight they meet.
"""


# Where along its edge a weight label may sit (fractions from the source), middle first.
ALONG = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.46, 0.54, 0.38, 0.62, 0.3, 0.7, 0.22, 0.78)
SPREADS = 8          # times the columns are moved 25% further apart when labels do not fit


def label_size(text, fontsize):
    """A generous box (points) for one line of Helvetica: 0.6 em a character, plus a little room."""
    return 0.6 * fontsize * len(text) + 4, 1.25 * fontsize


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(segments, keep_clear):
    """A centre for each label on its own segment so that no two label boxes overlap (None if impossible).

    ``segments`` are ``((x0, y0), (x1, y1), (width, height))``; ``keep_clear`` boxes (the neurons) are avoided.
    """
    placed, centres = [], []
    for (x0, y0), (x1, y1), (w, h) in segments:
        for t in ALONG:
            cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(_overlap(box, other) for other in placed) and not any(_overlap(box, c) for c in keep_clear):
                placed.append(box)
                centres.append((cx, cy))
                break
        else:
            return None
    return centres


def spread_columns(columns, segments, radius, dy, dx):
    """Centres of columns of circles (each column a list of keys, centred on the tallest) and of the labels on
    the edges between them: columns move apart (x1.25) until ``place_labels`` fits every label.

    ``segments(pos)`` gives ``place_labels``' segments for positions ``pos``. Returns ``(pos, centres, dx)``;
    ``centres`` is None when the labels never fit.
    """
    tallest = max(len(col) for col in columns)
    for _ in range(SPREADS):
        pos = {}
        for k, col in enumerate(columns):
            top = 30 + (tallest - 1) * dy / 2 + (len(col) - 1) * dy / 2
            for r, key in enumerate(col):
                pos[key] = (40 + k * dx, top - r * dy)
        clear = [(x - radius, y - radius, x + radius, y + radius) for x, y in pos.values()]
        centres = place_labels(segments(pos), clear)
        if centres is not None:
            return pos, centres, dx
        dx *= 1.25
    return pos, None, dx
