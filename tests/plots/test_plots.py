"""Plots are written as real PNG/SVG files, atomically, and frames follow training."""
import numpy as np
import pytest

from graphgrad import nn
from graphgrad.datasets import xor
from graphgrad.errors import UnknownNameError
from graphgrad.plots import BoundaryFrames, plot_decision_boundary, plot_history, save

PNG = b"\x89PNG\r\n\x1a\n"


def trained(epochs=3, callbacks=()):
    x, y = xor(64, seed=0)
    model = nn.Sequential([nn.Dense(4, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=nn.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=epochs, validation_split=0.25, callbacks=list(callbacks), verbose=0)
    return model, history, x, y


def test_history_curves_png_and_svg(tmp_path):
    _, history, _, _ = trained()
    fig = plot_history(history, tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes().startswith(PNG)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[0].lines) == 2                       # training and validation
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), history.history["loss"])
    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= len(history.history["loss"])]
    assert ticks and all(float(t).is_integer() for t in ticks)    # epochs, not 1.5
    plot_history(history, tmp_path / "h.svg")
    assert b"<svg" in (tmp_path / "h.svg").read_bytes()[:500]


def test_decision_boundary(tmp_path):
    model, _, x, y = trained()
    fig = plot_decision_boundary(model, x, y, tmp_path / "b.png", resolution=30)
    assert (tmp_path / "b.png").read_bytes().startswith(PNG)
    assert len(fig.axes[0].collections) >= 2               # filled contours and the points
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plot_decision_boundary(model, np.zeros((3, 3)), y[:3])


def test_boundary_frames_follow_training(tmp_path):
    x, y = xor(64, seed=0)
    frames = BoundaryFrames(x, y, every=2, resolution=20)
    trained(epochs=4, callbacks=[frames])
    assert [f[0] for f in frames.frames] == [0, 2, 4]
    assert not np.allclose(frames.frames[0][1], frames.frames[-1][1])   # the boundary moved
    paths = frames.save(tmp_path / "frames")
    assert [p.split("/")[-1] for p in map(str, paths)] == ["frame_000.png", "frame_001.png", "frame_002.png"]
    assert all(open(p, "rb").read(8) == PNG for p in paths)
    assert {_width(p) for p in paths} == {1920}


def _width(path):
    from PIL import Image
    with Image.open(path) as image:
        return image.size[0]


def test_figures_are_slide_wide_like_the_graphviz_renders(tmp_path):
    """A PNG is 1920 px wide (a full-HD slide) whatever its size in inches, unless a dpi is asked for."""
    model, history, x, y = trained(epochs=1)
    plot_decision_boundary(model, x, y, tmp_path / "b.png", resolution=20)
    plot_history(history, tmp_path / "h.png")
    assert _width(tmp_path / "b.png") == _width(tmp_path / "h.png") == 1920
    save(plot_history(history), tmp_path / "small.png", dpi=50)
    assert _width(tmp_path / "small.png") == 50 * 9                  # two panels of 4.5 in


def test_save_rejects_unknown_format_and_keeps_old_file(tmp_path):
    _, history, _, _ = trained(epochs=1)
    fig = plot_history(history)
    with pytest.raises(UnknownNameError, match="unknown figure format 'gif'"):
        save(fig, tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []
