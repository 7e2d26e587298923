"""The on-disk kernel cache: real modules under hash-keyed folders, reused by a new process, rebuilt when corrupt."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.compiler import cache, compile, kernels
from graphgrad.compiler.executor import prepare
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input

ROOT = Path(__file__).resolve().parents[2]


def _graph(scale):
    x = make_input("x", (4,))
    return Graph([gg.tanh(x) * scale], [x])


def test_kernels_are_modules_in_folders_named_by_their_key(kernel_cache):
    compiled = compile(_graph(2.0))
    path = Path(compiled.path)
    assert path.parent.parent == kernel_cache and path.name == "kernel.py"
    assert path.read_text() == compiled.source
    assert path.parent.name == "k" + cache.key(compiled.source)


def test_graph_and_dtype_change_the_key_sizes_do_not():
    keys = [cache.key(compile(g).source) for g in (
        _graph(2.0).with_shapes(x=(64,)), _graph(3.0).with_shapes(x=(64,)),
        Graph([gg.tanh(make_input("x", (64,), np.float32)) * 2.0]),
        _graph(2.0).with_shapes(x=(300,)), _graph(2.0), _graph(2.0).with_shapes(x=(5,)))]
    assert len(set(keys[:3])) == 3
    assert keys[3] == keys[0]      # sizes are arguments of the kernel ...
    assert keys[4] != keys[5]      # ... from SMALLEST on: smaller extents are part of its structure


def test_graphs_of_one_structure_share_a_kernel_each_with_its_own_sizes():
    small, large = compile(_graph(2.0).with_shapes(x=(70,))), compile(_graph(2.0).with_shapes(x=(200,)))
    assert small.path == large.path
    np.testing.assert_allclose(large(np.arange(200.0)), np.tanh(np.arange(200.0)) * 2.0)
    np.testing.assert_allclose(small(np.arange(70.0)), np.tanh(np.arange(70.0)) * 2.0)
    with pytest.raises(gg.ShapeError, match=r"input 'x': the graph was built for shape \(70,\), the value has shape"):
        small(np.arange(200.0))


def test_a_corrupt_entry_is_ignored_and_rebuilt():
    graph = _graph(5.0)
    first = compile(graph)
    folder = Path(first.path).parent
    cache.forget()
    Path(first.path).write_text("this is not python (")
    for data in (folder / "__pycache__").glob("*.nb*"):
        data.write_bytes(b"\x00garbage")
    again = compile(graph)
    np.testing.assert_allclose(again(np.arange(4.0)), np.tanh(np.arange(4.0)) * 5.0)
    assert Path(again.path).read_text() == again.source


def test_corrupt_machine_code_alone_is_rebuilt():
    graph = _graph(6.0)
    first = compile(graph)
    cache.forget()
    for data in (Path(first.path).parent / "__pycache__").glob("*.nbi"):
        data.write_bytes(b"\x80\x04garbage")
    again = compile(graph)
    np.testing.assert_allclose(again(np.ones(4)), np.tanh(1.0) * 6.0 * np.ones(4))


def test_a_new_process_loads_from_the_cache_without_compiling(kernel_cache):
    script = ("import time, numpy as np, graphgrad as gg\n"
              "from graphgrad.compiler import compile\n"
              "g = gg.parse('ln(x1) + x1*x2 - sin(x2)')\n"
              "t = time.perf_counter(); c = compile(g, wrt=['x1', 'x2']); took = time.perf_counter() - t\n"
              "import numba\n"
              "print(c(2.0, 5.0)[0], c.kernel.stats.cache_hits.most_common(1)[0][1] "
              "if c.kernel.stats.cache_hits else 0)\n")
    env = dict(os.environ, GRAPHGRAD_CACHE_DIR=str(kernel_cache), PYTHONPATH=str(ROOT))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    (value1, hits1), (value2, hits2) = (r.stdout.split() for r in runs)
    assert float(value1) == pytest.approx(np.log(2) + 10 - np.sin(5))
    assert value1 == value2
    assert int(hits2) >= 1  # the second process loaded machine code instead of compiling


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("GRAPHGRAD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "graphgrad"


@pytest.fixture
def fresh(monkeypatch):
    """Loads from disk (nothing kept from earlier tests) with the warning not yet printed in this process."""
    cache.forget()
    monkeypatch.setattr(cache, "_warned", [], raising=False)
    yield
    cache.forget()


def test_a_new_cache_folder_is_private(tmp_path, monkeypatch, fresh):
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path / "new" / "kernels"))
    compiled = compile(_graph(7.0))
    assert (tmp_path / "new" / "kernels").stat().st_mode & 0o777 == 0o700
    assert all(not p.stat().st_mode & 0o022 for p in Path(compiled.path).parent.rglob("*"))


def _planted(folder, graph):
    """An entry for ``graph`` whose kernel.py, if ever run, writes ``folder/ran`` and returns wrong numbers."""
    source = kernels.forward_module(prepare(graph)).source
    entry = folder / f"k{cache.key(source)}"
    entry.mkdir(parents=True)
    marker = folder / "ran"
    (entry / "kernel.py").write_text(source + f"\nopen({str(marker)!r}, 'w').close()\n"
                                     "def forward(x, *sizes):\n    return x * 0 - 1\n")
    return entry, marker


@pytest.mark.parametrize("unsafe", ["group-writable entry", "world-writable folder", "entry of another user"])
def test_an_entry_others_could_have_written_is_not_loaded(tmp_path, monkeypatch, capsys, fresh, unsafe):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(folder))
    graph = _graph(8.0)
    entry, marker = _planted(folder, graph)
    if unsafe == "group-writable entry":
        os.chmod(entry / "kernel.py", 0o664)
    elif unsafe == "world-writable folder":
        os.chmod(folder, 0o777)
    else:
        if os.getuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(entry, 12345, 12345)
    np.testing.assert_allclose(compile(graph)(np.ones(4)), np.tanh(1.0) * 8.0)
    assert not marker.exists()
    assert "kernel cache not used" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["/proc/graphgrad-x", "a file", "a file/sub"])
def test_an_unusable_cache_folder_compiles_in_memory_with_one_warning(tmp_path, monkeypatch, capsys, fresh, where):
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", where if where.startswith("/") else str(tmp_path / where))
    np.testing.assert_allclose(compile(_graph(9.0))(np.ones(4)), np.tanh(1.0) * 9.0)
    np.testing.assert_allclose(compile(_graph(10.0))(np.ones(4)), np.tanh(1.0) * 10.0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("graphgrad: warning: kernel cache not used")
