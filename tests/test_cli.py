"""The command line: every verb's output, and one-line errors with exit status 2."""
import json
import math

import pytest

from graphgrad.cli import main

BAYDIN = "y = ln(x1) + x1*x2 - sin(x2)"


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_grad_json_has_output_value_and_grad(capsys):
    status, out, _ = run(capsys, "grad", BAYDIN, "--at", "x1=2", "--at", "x2=5", "--json")
    data = json.loads(out)
    assert status == 0 and data["output"] == "y"
    assert round(data["value"], 3) == 11.652
    assert data["grad"]["x1"] == pytest.approx(5.5) and round(data["grad"]["x2"], 3) == 1.716


@pytest.mark.parametrize("method", ["reverse", "forward", "numeric"])
def test_grad_methods_agree_on_the_gradient_tape_example(capsys, method):
    status, out, _ = run(capsys, "grad", "y = 2*x*x + 3", "--at", "x=[[1,2],[3,4]]", "--method", method, "--json")
    assert status == 0
    assert json.loads(out)["grad"]["x"] == [[pytest.approx(4), pytest.approx(8)], [pytest.approx(12), pytest.approx(16)]]


def test_eval_prints_the_named_output(capsys):
    status, out, _ = run(capsys, "eval", "u = a*b; v = u + c; J = 3*v", "--at", "a=5", "--at", "b=4", "--at", "c=1")
    assert (status, out.strip()) == (0, "J = 63")


def test_trace_json_lists_forward_and_reverse_rows(capsys):
    status, out, _ = run(capsys, "trace", BAYDIN, "--at", "x1=2", "--at", "x2=5", "--json")
    data = json.loads(out)
    assert status == 0
    assert [r["var"] for r in data["forward"]] == ["v-1", "v0", "v1", "v2", "v3", "v4", "v5", "y"]
    assert {"var", "expr", "value"} <= set(data["reverse"][0])
    assert data["reverse"][-2]["var"] == "x̄1" and data["reverse"][-2]["value"] == pytest.approx(5.5)


def test_trace_latex_format(capsys):
    status, out, _ = run(capsys, "trace", BAYDIN, "--at", "x1=2", "--at", "x2=5", "--format", "latex")
    assert status == 0 and r"\begin{tabular}" in out and "11.652" in out


@pytest.mark.parametrize("argv, words", [
    (["eval", "y = ln(x1 +", "--at", "x1=1"], ["syntax error", "column"]),
    (["eval", "y = foo(x)", "--at", "x=1"], ["unknown function 'foo'", "column 5"]),
    (["eval", "y = x + z", "--at", "x=1", "--at", "z=1", "--at", "w=2"], ["unknown variable 'w'"]),
    (["eval", "y = x + z", "--at", "x=1"], ["no value given for input 'z'"]),
    (["eval", "y = 2*x", "--at", "x=abc"], ["value of 'x'", "abc"]),
    (["eval", "y = x + z", "--at", "x=[1,2,3]", "--at", "z=[1,2]"], ["(3,)", "(2,)", "broadcasting", "x + z"]),
    (["eval", "y = x @ W", "--at", "x=[1,2,3]", "--at", "W=[[1,2],[3,4]]"], ["(3,) @ (2, 2)", "last axis"]),
    (["eval", "y = ln(x)", "--at", "x=-2"], ["ln", "v1", "-2", "x > 0"]),
    (["eval", "y = sqrt(x - 3)", "--at", "x=1"], ["sqrt", "v2", "-2"]),
    (["grad", "y = x", "--at", "x=1", "--method", "magic"], ["unknown method 'magic'", "reverse"]),
    (["eval", "y = __import__('os')", "--at", "x=1"], ["unknown function '__import__'"]),
    (["eval", "y = x", "--at", "x=[1,[2]]"], ["not a rectangular array"]),
    (["eval", "y = sin(x, 2)", "--at", "x=1"], ["sin takes 1 argument, got 2", "column 5"]),
    (["eval", "y = x; x = 2", "--at", "x=1"], ["cannot assign to 'x'", "input"]),
    (["eval", "y = " + "+".join(["x"] * 3000), "--at", "x=1"], ["nested too deeply"]),
    (["trace", "y = x*x", "--at", "x=1", "--places", "-3"], ["decimal places"]),
    (["trace", "y = x*x", "--at", "x=1", "--direction", "q=1"], ["unknown variable 'q' in the direction"]),
    (["trace", "y = x*x", "--at", "x=1", "--direction", "x=[1,2]"], ["direction for 'x'", "(2,)", "()"]),
])
def test_bad_input_gives_one_line_and_status_2(capsys, argv, words):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("graphgrad: error: ")
    for word in words:
        assert word in err


def test_an_output_path_that_cannot_be_written_is_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    status, _, err = run(capsys, "frames", "y = x*x", "--at", "x=1", "-o", str(blocker / "frames"), "--format", "dot")
    assert status == 2 and err.count("\n") == 1 and str(blocker) in err
    assert blocker.read_text() == "keep me"


def test_compare_keeps_the_other_methods_when_symbolic_cannot_run(capsys):
    status, out, _ = run(capsys, "compare", "y = sum(softmax(x))", "--at", "x=[1,2,3]", "--json")
    rows = {r["method"]: r for r in json.loads(out)["methods"]}
    assert status == 0 and "softmax" in rows["symbolic"]["unavailable"]
    assert rows["reverse"]["grad"]["x"] == pytest.approx([0, 0, 0], abs=1e-12)
    assert rows["numeric"]["abs_diff"] < 1e-8


def test_demo_writes_tables_and_prints_the_textbook_numbers(capsys, tmp_path):
    status, out, _ = run(capsys, "demo", "--out", str(tmp_path / "gallery"))
    assert status == 0
    for number in ("11.652", "5.5", "1.716", "12"):
        assert number in out
    assert (tmp_path / "gallery" / "baydin_trace.tex").read_text().count(r"\toprule") == 2
    assert (tmp_path / "gallery" / "moons_boundary.png").read_bytes()[:4] == b"\x89PNG"
    accuracy = float(out.split("training accuracy ")[1].split(";")[0])
    assert accuracy >= 0.95


def test_compare_lists_four_methods_that_agree(capsys):
    status, out, _ = run(capsys, "compare", BAYDIN, "--at", "x1=2", "--at", "x2=5", "--json")
    rows = json.loads(out)["methods"]
    assert status == 0 and [r["method"] for r in rows] == ["reverse", "forward", "symbolic", "numeric"]
    for r in rows:
        assert r["grad"]["x1"] == pytest.approx(5.5, rel=1e-7) and r["seconds"] >= 0
    assert max(r["rel_diff"] for r in rows[:3]) < 1e-12 and rows[3]["rel_diff"] < 1e-6


def test_compare_and_trace_handle_numpys_functions(capsys, recwarn):
    status, out, _ = run(capsys, "compare", "J = floor(x)*y + fmod(x, y) + arcsinh(x) * cbrt(y) + x % y",
                         "--at", "x=2.5", "--at", "y=0.7", "--json")
    rows = json.loads(out)["methods"]
    assert status == 0 and [r["method"] for r in rows] == ["reverse", "forward", "symbolic", "numeric"]
    assert max(r["rel_diff"] for r in rows[:3]) < 1e-12 and rows[3]["rel_diff"] < 1e-6
    program = "J = where(x > y, sinh(x), y % 1.5) + hypot(x, y) * log1p(x*x)"
    status, out, _ = run(capsys, "compare", program, "--at", "x=1.5", "--at", "y=0.5")
    assert status == 0 and "symbolic               n/a  (symbolic gradients work on float expressions" in out
    status, out, _ = run(capsys, "trace", program, "--at", "x=1.5", "--at", "y=0.5")
    assert status == 0 and "where(v1, v2, v3)" in out and "v̄3  = v̄6·∂v6/∂v3 = v̄6·~v1" in out
    assert not [w for w in recwarn if "sympy" in str(w.category).lower()]


def test_check_says_correct_or_shows_a_counterexample(capsys):
    status, out, _ = run(capsys, "check", BAYDIN, "--claim", "x1: 1/x1 + x2", "--claim", "x2: x1 + cos(x2)")
    lines = out.strip().splitlines()
    assert status == 1
    assert lines[0].endswith("correct") and "wrong: at x1=" in lines[1] and "the true value is" in lines[1]
    status, out, _ = run(capsys, "check", BAYDIN, "--claim", "x2: x1 - cos(x2)", "--json")
    assert status == 0 and json.loads(out)["ok"] is True


def test_check_rejects_a_claim_with_an_unknown_variable(capsys):
    status, _, err = run(capsys, "check", BAYDIN, "--claim", "x1: 1/x1 + q")
    assert status == 2 and "unknown variable 'q'" in err


@pytest.mark.parametrize("argv, message", [
    (["grad", "y = ln(x)", "--at", "x=-1", "--method", "symbolic"], "ln outside its domain at node"),
    (["grad", "y = sqrt(x)", "--at", "x=0", "--method", "symbolic"], "sqrt has no finite derivative"),
    (["grad", "y = x**-1", "--at", "x=0", "--method", "numeric"], "pow outside its domain"),
    (["eval", "y = x**-1", "--at", "x=0"], "pow outside its domain"),
    (["trace", "y = sqrt(x)", "--at", "x=0"], "sqrt has no finite derivative"),
    (["compare", "y = x*x + log(0)", "--at", "x=1"], "ln outside its domain at node v2 = ln 0: the constant 0"),
])
def test_every_verb_refuses_a_point_outside_the_domain(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "") and message in err and err.count("\n") == 1


def test_several_values_after_one_at_and_the_same_name_twice_is_an_error(capsys):
    assert run(capsys, "eval", "y = a + b", "--at", "a=2", "b=3")[:2] == (0, "y = 5\n")
    assert run(capsys, "eval", "y = a + b", "--at", "a=2", "--at", "b=3")[:2] == (0, "y = 5\n")
    status, out, err = run(capsys, "eval", "y = a + b", "--at", "a=2", "a=3", "b=1")
    assert (status, out) == (2, "") and "'a' is given twice in --at" in err


def test_a_program_comes_from_a_file_or_standard_input(capsys, tmp_path, monkeypatch):
    import io
    program = "\n".join(["u0 = x"] + [f"u{i} = u{i - 1} + x" for i in range(1, 10_000)])
    (tmp_path / "prog.txt").write_text(program)
    assert run(capsys, "grad", str(tmp_path / "prog.txt"), "--at", "x=2")[:2] == (0, "u9999 = 20000\ndu9999/dx = 10000\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("u = a*b; y = u + 1"))
    assert run(capsys, "eval", "-", "--at", "a=2", "b=5")[:2] == (0, "y = 11\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("y = x"))
    assert run(capsys, "eval", "-", "--at", "x=4")[:2] == (0, "y = 4\n")


def test_a_flat_sum_of_1500_terms_parses(capsys):
    program = "y = " + " + ".join(f"{i}*x" for i in range(1500))
    assert run(capsys, "grad", program, "--at", "x=1")[:2] == (0, f"y = {sum(range(1500))}\ndy/dx = {sum(range(1500))}\n")


def test_json_is_strict_everywhere(capsys):
    status, out, _ = run(capsys, "eval", "y = exp(x)", "--at", "x=1000", "--json")
    assert status == 0 and json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))["value"] == "inf"
    status, out, _ = run(capsys, "trace", "y = x*x", "--at", "x=2", "--format", "json")
    assert status == 0 and json.loads(out)["reverse"][-1]["value"] == 4.0


def test_an_assigned_input_is_printed_under_the_assigned_name(capsys):
    assert run(capsys, "eval", "y = x", "--at", "x=3")[:2] == (0, "y = 3\n")
    assert run(capsys, "grad", "u = 2*x; y = u", "--at", "x=3")[:2] == (0, "y = 6\ndy/dx = 2\n")


@pytest.mark.parametrize("argv, message", [
    (["render", "y = x*x", "--at", "x=2", "-o", "{tmp}/t.svg", "--title", "J = 3·(a·b + c)"], None),
    (["eval", "y = x * 1" + "0" * 310, "--at", "x=1"], "is too large for a float"),
    (["eval", "y = x * 1e400", "--at", "x=1"], "is too large for a float"),
    (["eval", "y = softmax(x)", "--at", "x=[]"], None),
    (["grad", "y = max(x)", "--at", "x=[]"], "max of no elements has no value"),
    (["eval", "y = mean(x)", "--at", "x=[]"], "mean of no elements has no value"),
    (["eval", "y = sum(x, axis=(0,0))", "--at", "x=[1,2]"], "axis 0 is repeated"),
    (["eval", "y = x", "--at", "x=NaN"], "holds NaN or infinity"),
])
def test_no_command_prints_a_traceback(capsys, tmp_path, argv, message):
    status, out, err = run(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    if message is None:
        assert status == 0 and err == ""
    else:
        assert (status, out) == (2, "") and message in err and err.count("\n") == 1


def test_a_renderer_that_crashes_without_a_message_is_named_with_advice(capsys, tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then echo "dot - graphviz version 2.43.0" >&2; exit 0; fi\n'
                    "kill -SEGV $$\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GRAPHGRAD_DOT", str(fake))
    status, out, err = run(capsys, "render", "y = x*x", "--at", "x=2", "-o", str(tmp_path / "p.svg"))
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert f"cannot draw {tmp_path / 'p.svg'}: dot crashed (signal 11)" in err and "--max-nodes" in err


def test_a_program_in_slide_notation_runs_and_a_guess_is_said_in_a_note(capsys):
    status, out, err = run(capsys, "eval", "J = 3(ab+c)", "--at", "a=5", "b=4", "c=1")
    assert (status, out.strip(), err) == (0, "J = 63", "")
    status, out, err = run(capsys, "eval", "y = f(x) + 1", "--at", "x=3")
    note, error = err.splitlines()
    assert status == 2 and note.startswith("graphgrad: note: read 'f(x)' as a product")
    assert error == "graphgrad: error: no value given for input 'f'"


def test_symbolic_grad_prints_each_derivative_before_its_value(capsys):
    status, out, _ = run(capsys, "grad", "J = 3*(a*b + c)", "--at", "a=5", "b=4", "c=1", "--method", "symbolic")
    assert status == 0
    assert out.splitlines() == ["J = 63", "dJ/da = 3·b = 12", "dJ/db = 3·a = 15", "dJ/dc = 3"]


def test_symbolic_grad_json_adds_the_expressions_sympy_agrees_with(capsys):
    import sympy
    status, out, _ = run(capsys, "grad", BAYDIN, "--at", "x1=2", "x2=5", "--method", "symbolic", "--json")
    data = json.loads(out)
    assert status == 0 and data["grad"]["x1"] == pytest.approx(5.5) and data["method"] == "symbolic"
    x1, x2 = sympy.symbols("x1 x2")
    y = sympy.log(x1) + x1 * x2 - sympy.sin(x2)
    for name, symbol in (("x1", x1), ("x2", x2)):
        printed = sympy.sympify(data["grad_expressions"][name].replace("·", "*").replace("^", "**"))
        assert sympy.simplify(printed - sympy.diff(y, symbol)) == 0


def test_symbolic_grad_too_large_to_write_out_still_prints_its_numbers(capsys):
    program = "y = " + "sigmoid(" * 40 + "x" + ")" * 40
    status, out, _ = run(capsys, "grad", program, "--at", "x=0.3", "--method", "symbolic")
    lines = out.splitlines()
    assert status == 0 and lines[1].startswith("dy/dx = ") and lines[1].count("=") == 1
    assert lines[2] == "(the closed forms are too large to write out: not printed)"


@pytest.mark.parametrize("direction", [["--direction", "x1=1", "x2=1"], ["--direction", "x1=1", "--direction", "x2=1"]])
def test_trace_direction_takes_several_inputs_as_at_does(capsys, direction):
    status, out, _ = run(capsys, "trace", BAYDIN, "--at", "x1=2", "x2=5", *direction, "--json")
    tangent = json.loads(out)["tangent"]
    assert status == 0 and tangent[-1]["var"] == "ẏ"
    assert tangent[-1]["value"] == pytest.approx(1 / 2 + 5 + 2 - math.cos(5))   # ∂y/∂x1 + ∂y/∂x2 at (2, 5)


def test_a_bad_direction_is_named_as_direction(capsys):
    status, _, err = run(capsys, "trace", BAYDIN, "--at", "x1=2", "x2=5", "--direction", "x1=1", "x1")
    assert status == 2 and err.strip() == "graphgrad: error: --direction expects NAME=VALUE, got 'x1'"


def test_trace_latex_says_it_needs_booktabs_and_standalone_makes_a_document(capsys):
    with pytest.raises(SystemExit):
        main(["trace", "--help"])
    assert r"\usepackage{booktabs,amsmath}" in " ".join(capsys.readouterr().out.split())
    status, out, _ = run(capsys, "trace", BAYDIN, "--at", "x1=2", "x2=5", "--format", "latex", "--standalone")
    assert status == 0 and out.startswith("\\documentclass") and "\\usepackage{booktabs" in out
    assert out.rstrip().endswith("\\end{document}") and "11.652" in out
