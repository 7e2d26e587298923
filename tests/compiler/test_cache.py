"""The on-disk kernel cache: real modules under hash-keyed folders, reused by a new process, rebuilt when corrupt."""
import ast
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.compiler import cache, compile, kernels
from graphgrad.compiler.executor import compile_step, prepare
from graphgrad.graph import Graph
from graphgrad.keras import layers, models
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


def test_names_do_not_change_the_key_even_in_messages():
    sources = [kernels.forward_module(prepare(Graph([gg.tanh(make_input(name, (4,))) * 2.0]))).source
               for name in ("x", "weights")]
    assert "weights_nd.shape" in sources[1] and cache.key(sources[0]) == cache.key(sources[1])


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


def test_a_kernel_written_under_a_group_writable_umask_is_cached(tmp_path, monkeypatch, capsys, fresh):
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path / "kernels"))
    umask = os.umask(0o002)
    try:
        compiled = compile(_graph(12.0))
    finally:
        os.umask(umask)
    assert Path(compiled.path).parent.parent == tmp_path / "kernels" and capsys.readouterr().err == ""


def _planted(folder, graph):
    """An entry for ``graph`` whose kernel.py, if ever run, writes ``folder/ran`` and returns wrong numbers."""
    source = kernels.forward_module(prepare(graph)).source
    entry = folder / f"k{cache.key(source)}"
    entry.mkdir(parents=True)
    marker = folder / "ran"
    (entry / "kernel.py").write_text(source + f"\nopen({str(marker)!r}, 'w').close()\n"
                                     "def forward(x, *sizes):\n    return x * 0 - 1\n")
    return entry, marker


@pytest.mark.parametrize("unsafe", ["group-writable entry", "world-writable folder", "entry of another user",
                                    "parent writable by others", "symlinked entry"])
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
    elif unsafe == "parent writable by others":   # another user could swap the folder for one of theirs
        os.chmod(tmp_path, 0o777)
    elif unsafe == "symlinked entry":
        entry.rename(tmp_path / "elsewhere")
        entry.symlink_to(tmp_path / "elsewhere")
    else:
        if os.getuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(entry, 12345, 12345)
    np.testing.assert_allclose(compile(graph)(np.ones(4)), np.tanh(1.0) * 8.0)
    assert not marker.exists()
    assert "kernel cache not used" in capsys.readouterr().err


def test_a_cache_below_a_sticky_shared_folder_is_used(tmp_path, monkeypatch, capsys, fresh):
    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)       # like /tmp: others may add entries there but not move this user's
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(shared / "cache"))
    assert Path(compile(_graph(11.0)).path).parent.parent == shared / "cache"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("where", ["/proc/graphgrad-x", "a file", "a file/sub"])
def test_an_unusable_cache_folder_compiles_in_memory_with_one_warning(tmp_path, monkeypatch, capsys, fresh, where):
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", where if where.startswith("/") else str(tmp_path / where))
    np.testing.assert_allclose(compile(_graph(9.0))(np.ones(4)), np.tanh(1.0) * 9.0)
    np.testing.assert_allclose(compile(_graph(10.0))(np.ones(4)), np.tanh(1.0) * 10.0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("graphgrad: warning: kernel cache not used")


# --- one kernel per structure ----------------------------------------------------------------------

def _keras_net(names=(None, None)):
    net = models.Sequential([layers.Dense(4, activation="relu", input_shape=(3,), name=names[0]),
                             layers.Dense(1, name=names[1])])
    net.compile(loss="mse", optimizer="sgd")
    return net


def _nn_net():
    net = gg.nn.Sequential([gg.nn.Dense(4, activation="relu", input_shape=(3,)), gg.nn.Dense(1)])
    net.compile(loss="mse", optimizer="sgd")
    return net


def _entries(folder):
    """The kernels in a cache folder by function: {"train": n, "forward": n}."""
    texts = [path.read_text() for path in folder.glob("k*/kernel.py")]
    return {f: sum(f"def {f}(" in t for t in texts) for f in ("train", "forward")}


@pytest.fixture(scope="module")
def one_structure(tmp_path_factory):
    """Five 3-4-1 nets: three with Keras' automatic names, one graphgrad.nn, one with names of its own,
    each fitted and run on the compiled loop in a fresh cache folder."""
    folder = tmp_path_factory.mktemp("one_structure")
    patch = pytest.MonkeyPatch()
    patch.setenv("GRAPHGRAD_CACHE_DIR", str(folder))
    patch.setenv("GRAPHGRAD_BACKEND", "numba")
    cache.forget()
    x = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
    nets = [_keras_net(), _keras_net(), _keras_net(), _nn_net(), _keras_net(("hidden", "out"))]
    for net in nets:
        net.fit(x, 2 * x[:, :1], batch_size=8, epochs=1, verbose=0)
        net.predict(x, verbose=0)
    yield folder, nets, len(cache._loaded)
    cache.forget()
    patch.undo()


def test_nets_of_one_structure_share_one_kernel_whatever_their_names(one_structure):
    folder, nets, loaded = one_structure
    assert len({net.layers[0].name for net in nets}) == len(nets)    # five sets of names ...
    assert _entries(folder) == {"train": 1, "forward": 1}           # ... one training loop, one forward kernel
    assert loaded == 2                                              # kept once in this process too


def test_each_net_reads_its_own_names_in_its_source(one_structure):
    _, nets, _ = one_structure
    for net in nets:
        source = compile_step(net.step_graph(8)).source
        assert f"{net.layers[0].name}_kernel[" in source


def test_a_new_process_loads_the_shared_kernel_without_compiling(one_structure):
    folder, _, _ = one_structure
    before = sorted(p.name for p in folder.glob("k*"))
    script = ("import numpy as np\n"
              "from graphgrad.compiler import cache\n"
              "from graphgrad.keras import layers, models\n"
              "[layers.Dense(9) for _ in range(10)]\n"      # automatic names no net here had: dense_10, dense_11
              "net = models.Sequential([layers.Dense(4, activation='relu', input_shape=(3,)), layers.Dense(1)])\n"
              "net.compile(loss='mse', optimizer='sgd')\n"
              "net.fit(np.ones((20, 3), np.float32), np.ones((20, 1), np.float32), batch_size=8, verbose=0)\n"
              "[train] = [m.train for m in cache._loaded.values()]\n"
              "print(net.layers[0].name, sum(train.stats.cache_hits.values()), "
              "sum(train.stats.cache_misses.values()))\n")
    env = dict(os.environ, GRAPHGRAD_CACHE_DIR=str(folder), GRAPHGRAD_BACKEND="numba", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    name, hits, misses = out.stdout.split()
    assert name == "dense_10" and (int(hits), int(misses)) == (1, 0)   # machine code loaded, nothing compiled
    assert sorted(p.name for p in folder.glob("k*")) == before


# --- what the key depends on -----------------------------------------------------------------------

def test_the_key_follows_the_runtime_not_the_rest_of_the_compiler(tmp_path, monkeypatch):
    source = kernels.forward_module(prepare(_graph(2.0))).source
    now = cache.key(source)
    copy = shutil.copytree(Path(cache.__file__).parent, tmp_path / "compiler")
    for name, edit in (("codegen.py", "# an edit\n"), ("kernels.py", "# an edit\n"), ("runtime.py", "SMALL = 1\n")):
        with open(copy / name, "a") as file:
            file.write(edit)
        monkeypatch.setattr(cache, "_FINGERPRINT", cache.runtime_fingerprint(copy))
        assert (cache.key(source) == now) is (name != "runtime.py"), name


def test_the_runtime_is_every_compiler_module_a_kernel_imports():
    """``RUNTIME`` holds the compiler's modules a kernel imports, and theirs: the code Numba compiles into it."""
    folder, found, todo = Path(cache.__file__).parent, set(), [kernels.HEADER]
    while todo:
        for node in ast.walk(ast.parse(todo.pop())):
            if isinstance(node, ast.ImportFrom) and (node.level or node.module.startswith("graphgrad.compiler")):
                names = [a.name for a in node.names] if node.module is None else [node.module.rpartition(".")[2]]
                for name in {f"{n}.py" for n in names} - found:
                    found.add(name)
                    todo.append((folder / name).read_text())
    assert found == set(cache.RUNTIME)


def test_a_full_disk_keeps_the_kernel_in_memory_with_one_warning(tmp_path, monkeypatch, capsys, fresh):
    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path / "kernels"))
    monkeypatch.setattr(cache, "atomic_write", full)
    x = np.array([0.1, -0.5, 2.0, 3.0])
    np.testing.assert_allclose(compile(_graph(21.0))(x), np.tanh(x) * 21.0)
    warning = capsys.readouterr().err
    assert warning.count("\n") == 1 and "No space left on device" in warning and "compiling in memory" in warning


def test_a_file_where_an_entry_belongs_is_replaced_by_the_entry(tmp_path, monkeypatch, capsys, fresh):
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path / "kernels"))
    graph = _graph(22.0)
    source = compile(graph).source
    cache.forget()
    entry = cache._cache_folder() / f"k{cache.key(source)}"
    shutil.rmtree(entry)
    entry.write_text("not a folder")
    x = np.array([0.1, -0.5, 2.0, 3.0])
    compiled = compile(graph)
    np.testing.assert_allclose(compiled(x), np.tanh(x) * 22.0)
    assert entry.is_dir() and Path(compiled.path).parent == entry and capsys.readouterr().err == ""
