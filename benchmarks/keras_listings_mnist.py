"""Seed 004's MNIST listings 2.1-2.6, run as docs/run_your_slides_code.md shows them (imports swapped only).

Reads the cell from the docs page (one copy of the slide's code) and runs it on
the real MNIST files: ``$GRAPHGRAD_DATA/mnist`` (default ``../shared/data``).
Target: test accuracy >= 0.975 (Keras on the slide: 0.9785).
Run: ``python benchmarks/keras_listings_mnist.py [--threads 1]``.
"""
import os
import re
import time

from common import ROOT, machine

PAGE = ROOT / "docs" / "run_your_slides_code.md"


def listings():
    """The python cell of the page's MNIST section."""
    section = PAGE.read_text().split("## Seed 004: MNIST", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def main():
    os.environ.setdefault("GRAPHGRAD_DATA", str(ROOT.parent / "shared" / "data"))
    print(machine())
    namespace = {}
    start = time.perf_counter()
    exec(compile(listings(), str(PAGE), "exec"), namespace)
    print(f"\nlistings 2.1-2.6 end to end: {time.perf_counter() - start:.1f} s; "
          f"test accuracy {namespace['test_acc']:.4f} (target >= 0.975)")


if __name__ == "__main__":
    main()
