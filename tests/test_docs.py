"""The documentation builds to a static site, and every gallery page the site lists exists with its pictures."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_builds_the_site_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "gallery" / "backprop_network" / "index.html").exists()


def test_every_picture_a_gallery_page_shows_is_there():
    pages = sorted((ROOT / "docs" / "gallery").glob("*/index.md"))
    assert len(pages) >= 8
    for page in pages:
        for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text()):
            assert (page.parent / picture).exists(), f"{page}: {picture} is missing"
