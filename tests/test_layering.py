"""The import layering: every unit imports only the layers below it, so the IR imports nothing above it and no
import cycle crosses a package (docs/architecture.md draws the layers).

Every import counts, at module level or inside a function: an import deferred to a call is still a
dependency. A unit is a subpackage of graphgrad (``graphgrad.ops``) or a top-level module
(``graphgrad.errors``; ``graphgrad`` itself is the package's ``__init__``).
"""
import ast
import subprocess
import sys
from pathlib import Path

import graphgrad

ROOT = Path(graphgrad.__file__).parent

# Bottom to top; a unit imports units of lower layers only.
LAYERS = [
    {"errors", "lazy_sympy", "files", "jsontext"},
    {"graph", "datasets"},
    {"ops", "backends", "export"},
    {"autodiff"},
    {"build", "compiler"},
    {"symbolic"},
    {"numeric"},
    {"traces"},
    {"viz"},
    {"nn"},
    {"plots", "eager"},
    {"torch", "tensorflow"},
    {"keras", "spelling_tables"},
    {"demo"},
    {"cli"},
    {"graphgrad", "__main__"},
]


def module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imports(module, source):
    """(graphgrad module imported, line) for every import in ``source``, the code of ``module``."""
    package = module if MODULES.get(module, Path()).name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names if alias.name.startswith("graphgrad"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [node.module or ""])
            else:
                base = node.module or ""
            base = base.rstrip(".")
            if base.split(".")[0] == "graphgrad":
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"   # ``from .. import ops`` imports a module
                    yield (submodule if submodule in MODULES else base), node.lineno


def unit(module):
    """The subpackage or top-level module ``module`` belongs to, without the ``graphgrad.`` prefix."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "graphgrad"


def unit_imports():
    """For each unit, the other units it imports."""
    edges = {}
    for module, path in MODULES.items():
        for target, _ in imports(module, path.read_text(encoding="utf-8")):
            if unit(target) != unit(module):
                edges.setdefault(unit(module), set()).add(unit(target))
    return edges


def reachable(edges, start):
    seen, stack = set(), [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def cycles(edges):
    """The import cycles between units: the sets of two or more units that each reach all the others."""
    reach = {u: reachable(edges, u) for u in edges}
    found = []
    for u in sorted(edges):
        cycle = {u} | {v for v in reach[u] if u in reach.get(v, ())}
        if len(cycle) > 1 and cycle not in found:
            found.append(cycle)
    return found


def test_imports_are_found_at_module_level_and_inside_functions_relative_or_absolute():
    source = ("from ..errors import ShapeError\nimport graphgrad.viz.draw\n"
              "def f():\n    from .. import ops\n    from .printing import program\n")
    assert sorted(imports("graphgrad.graph.graph", source)) == [
        ("graphgrad.errors", 1), ("graphgrad.graph.printing", 5), ("graphgrad.ops", 4), ("graphgrad.viz.draw", 2)]


def test_the_graph_ir_imports_nothing_above_it():
    upward = [f"{module}:{line} imports {target}"
              for module, path in MODULES.items() if unit(module) == "graph"
              for target, line in imports(module, path.read_text(encoding="utf-8"))
              if unit(target) not in LAYERS[0] | {"graph"}]
    assert upward == []


def test_each_layer_imports_only_layers_below_it():
    edges = unit_imports()
    upward = [f"{u} imports {v}" for i, layer in enumerate(LAYERS) for u in sorted(layer)
              for v in sorted(edges.get(u, ())) if v not in set().union(*LAYERS[:i])]
    assert upward == []


def test_every_unit_has_a_layer():
    assert {unit(m) for m in MODULES} == set().union(*LAYERS)


def test_no_import_cycle_crosses_a_package():
    assert cycles(unit_imports()) == []


def test_the_architecture_page_draws_these_layers():
    page = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = page.split("## Layers", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    units = {unit(m) for m in MODULES}
    drawn = [{word for word in line.split() if word in units} for line in picture.splitlines()]
    assert drawn[::-1] == LAYERS


def test_a_cycle_is_the_units_that_reach_each_other():
    assert cycles({"graph": {"errors"}, "ops": {"graph"}, "backends": {"graph"}}) == []
    assert cycles({"graph": {"ops"}, "ops": {"graph", "errors"}}) == [{"graph", "ops"}]


INSTALLED = """
import sys
from graphgrad.graph import Graph, primitive
x = primitive.input("x")
graph = Graph([3 * (x * x + 1)])
print(float(graph(2.0)), "graphgrad.viz" in sys.modules)
graph._repr_svg_()
print("graphgrad.viz" in sys.modules)
"""


def test_importing_graphgrad_installs_operators_and_evaluation_and_pictures_load_viz_when_asked():
    out = subprocess.run([sys.executable, "-c", INSTALLED], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["15.0", "False", "True"]
