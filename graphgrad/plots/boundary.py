"""Decision boundaries of 2D classifiers: one figure, or a sequence of frames over training."""
import os

import numpy as np

from ..nn.callbacks import Callback
from ..viz.figures import new_figure, save


def _grid(x, resolution, margin=0.5):
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    return gx, gy, np.stack([gx.ravel(), gy.ravel()], 1)


def _scores(model, points):
    """P(class 1) for one output unit, else the predicted class index."""
    p = model.predict(points, batch_size=len(points))
    return p[:, 0] if p.shape[1] == 1 else np.argmax(p, axis=1).astype(float)


def _draw(ax, gx, gy, scores, x, y, title=None):
    classes = np.unique(y)
    labels = np.argmax(y, axis=1) if np.ndim(y) == 2 and np.shape(y)[1] > 1 else np.ravel(y)
    if scores.max() <= 1 and len(classes) <= 2:
        ax.contourf(gx, gy, scores.reshape(gx.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(gx, gy, scores.reshape(gx.shape), levels=[0.5], colors="k", linewidths=1)
    else:
        ax.contourf(gx, gy, scores.reshape(gx.shape), levels=np.arange(labels.max() + 2) - 0.5,
                    cmap="tab10", alpha=0.4)
    ax.scatter(x[:, 0], x[:, 1], c=labels, cmap="RdBu_r" if len(classes) <= 2 else "tab10",
               edgecolors="k", linewidths=0.5, s=18)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title:
        ax.set_title(title)


def _check_2d(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2D points of shape (n, 2), got {x.shape}")
    return x


def plot_decision_boundary(model, x, y, path=None, resolution=150, title=None):
    """The model's output over the plane of ``x``, with the points coloured by ``y``."""
    x = _check_2d(x)
    gx, gy, points = _grid(x, resolution)
    fig, (ax,) = new_figure(5, 4.5)
    _draw(ax, gx, gy, _scores(model, points), x, y, title)
    if path is not None:
        save(fig, path)
    return fig


class BoundaryFrames(Callback):
    """Records the decision boundary every ``every`` epochs during ``fit``; ``save(folder)`` writes the frames."""

    def __init__(self, x, y, every=1, resolution=80):
        self.x, self.y, self.every = _check_2d(x), np.asarray(y), int(every)
        self.gx, self.gy, self.points = _grid(self.x, resolution)
        self.frames = []          # (epoch, scores on the grid, loss)

    def on_train_begin(self, logs=None):
        self.frames = [(0, _scores(self.model, self.points), None)]

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.frames.append((epoch + 1, _scores(self.model, self.points), (logs or {}).get("loss")))

    def save(self, folder, prefix="frame", fmt="png"):
        """Write ``folder/prefix_000.png`` ... one per recorded epoch; returns the paths."""
        os.makedirs(folder, exist_ok=True)
        paths = []
        for i, (epoch, scores, loss) in enumerate(self.frames):
            fig, (ax,) = new_figure(5, 4.5)
            title = f"epoch {epoch}" + (f", loss {loss:.4f}" if loss is not None else "")
            _draw(ax, self.gx, self.gy, scores, self.x, self.y, title)
            paths.append(save(fig, os.path.join(folder, f"{prefix}_{i:03d}.{fmt}")))
        return paths
