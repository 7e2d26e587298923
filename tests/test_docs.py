"""The documentation builds to a static site, and every gallery page the site lists exists with its pictures."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# A reference the browser would fetch from elsewhere: src=/href=/url(/@import to http(s) or protocol-relative.
# (xmlns="http://www.w3.org/2000/svg" in inline SVG is a name, not a fetch.)
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
                      r"""(?:https?:)?//""", re.I)


def test_mkdocs_builds_a_site_that_browses_from_files_and_fetches_nothing(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[test]')")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed (pip install -e '.[test]')")
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (site / "gallery" / "backprop_network" / "index.html").exists()
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), f"{page.relative_to(site)} fetches {EXTERNAL.search(html).group(0)}..."
        links = [] if page.name == "404.html" else re.findall(r'href="([^"#:?]+)"', html)  # 404: server-rooted
        for link in links:                                     # every local link opens a file, not a folder
            target = (page.parent / link).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to {link}, which is not a file"
    for sheet in site.rglob("*.css"):
        assert not EXTERNAL.search(sheet.read_text(encoding="utf-8", errors="replace")), sheet
    api = (site / "api.html").read_text(encoding="utf-8")
    for documented in ("graphgrad.viz.render.render", "graphgrad.viz.frames.write_frames", "graphgrad.traces.record.record"):
        assert f'id="{documented}"' in api, documented


def test_the_external_reference_check_finds_cdn_links():
    assert EXTERNAL.search('<script src="https://cdnjs.cloudflare.com/x.js">')
    assert EXTERNAL.search("<link href='//fonts.googleapis.com/css'>") and EXTERNAL.search("a{b:url(http://x/y.png)}")
    assert not EXTERNAL.search('<svg xmlns="http://www.w3.org/2000/svg">') and not EXTERNAL.search('href="api.html"')


def test_every_picture_a_gallery_page_shows_is_there():
    pages = sorted((ROOT / "docs" / "gallery").glob("*/index.md"))
    assert len(pages) >= 8
    for page in pages:
        for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text()):
            assert (page.parent / picture).exists(), f"{page}: {picture} is missing"
