"""Loss and metric curves from a History: one panel per quantity, training and validation together."""
from matplotlib.ticker import MaxNLocator

from ..viz.figures import new_figure, save


def plot_history(history, path=None, keys=None, title=None):
    """Figure of ``history.history`` (or a dict) per epoch; saved to ``path`` when given."""
    logs = getattr(history, "history", history)
    keys = keys or [k for k in logs if not k.startswith("val_")]
    if not keys:
        raise ValueError("the history is empty: nothing to plot")
    fig, axes = new_figure(4.5, 3.5, ncols=len(keys))
    for ax, key in zip(axes, keys):
        epochs = range(1, len(logs[key]) + 1)
        ax.plot(epochs, logs[key], label=f"training {key}")
        if f"val_{key}" in logs:
            ax.plot(epochs, logs[f"val_{key}"], label=f"validation {key}", linestyle="--")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # epochs are whole numbers
        ax.set_ylabel(key)
        ax.legend()
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    if path is not None:
        save(fig, path)
    return fig
