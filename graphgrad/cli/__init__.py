"""The ``graphgrad`` command line: eval, grad, compare, check, trace, demo, render and frames (``--json`` each).

The verbs that draw, render and frames, are in ``pictures``.

Errors print one line, ``graphgrad: error: ...``, and exit with status 2;
the Python API raises the same messages as ``graphgrad.GraphgradError``.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np

from ..errors import GraphgradError, InputValueError, NotationWarning, SizeError
from ..jsontext import dumps


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes in one line instead of a usage block."""

    def error(self, message):
        raise GraphgradError(f"{message} (see '{self.prog} --help')")


def parse_at(items, flag="--at"):
    """``["x=2", "W=[[1,2],[3,4]]"]`` -> {"x": 2.0, "W": array}; a value is a number or JSON array.

    ``flag`` names the option the items came from (``--at``, ``--direction``) in error messages.
    """
    values = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputValueError(f"{flag} expects NAME=VALUE, got '{item}'")
        if name in values:
            raise InputValueError(f"'{name}' is given twice in {flag}; give each input one value")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise InputValueError(f"the value of '{name}' is not a number or JSON array: '{text}'") from None
        try:
            array = np.asarray(value)
        except ValueError:
            raise InputValueError(f"the value of '{name}' is not a rectangular array: '{text}'") from None
        if array.dtype.kind not in "biuf" or array.dtype.kind == "b":
            raise InputValueError(f"the value of '{name}' is not a number or array of numbers: '{text}'")
        if not np.all(np.isfinite(array)):
            raise InputValueError(f"the value of '{name}' holds NaN or infinity: '{text}'")
        values[name] = array.astype(np.float64)
    return values


def program_arguments(p, program=True, at=True):
    """The arguments every verb shares: the program, its input values, ``--json``."""
    if program:
        p.add_argument("program", help="e.g. 'y = ln(x1) + x1*x2 - sin(x2)' or 'u = a*b; z = u + c; J = 3*z', "
                                       "a file holding the program, or - to read it from standard input")
    if at:
        values_argument(p, "--at", "input values: numbers or JSON arrays (--at a=2 b=3, or --at repeated)")
    p.add_argument("--json", action="store_true", help="print JSON")


def values_argument(p, flag, help):
    """An option taking NAME=VALUE items, several after one flag or the flag repeated (read by ``parse_at``)."""
    p.add_argument(flag, action="extend", nargs="+", metavar="NAME=VALUE", default=[], help=help)


def naming_argument(p):
    p.add_argument("--naming", default="baydin", choices=["baydin", "user"],
                   help="name values v-1, v0, v1, ... as Baydin et al. (default), or by the program's own names")


def places(text):
    """``--places``: a whole number of decimal places from 0 to 12."""
    if not text.isdigit() or int(text) > 12:
        raise argparse.ArgumentTypeError(f"decimal places must be a whole number from 0 to 12, got '{text}'")
    return int(text)


def program_text(program):
    """The program as typed, or read from standard input (``-``) or from the file it names."""
    if program == "-":
        return sys.stdin.read()
    if os.path.isfile(program):
        try:
            with open(program, encoding="utf-8") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputValueError(f"cannot read the program from '{program}': {exc}") from None
    return program


def program_graph(args):
    """The program parsed with input shapes taken from the ``--at`` values."""
    from ..build import parse
    values = parse_at(args.at)
    graph = parse(args.program, shapes={k: v.shape for k, v in values.items()})
    return graph, values


def output_name(args, graph):
    """What the program calls its result: the name its last statement assigns (``y`` of ``y = x``)."""
    from ..build import output_name as assigned
    return assigned(args.program) or graph.output.name or "y"


def tolist(value):
    value = np.asarray(value)
    return value.item() if value.ndim == 0 else value.tolist()


def _show(value):
    value = np.asarray(value)
    return f"{float(value):.10g}" if value.ndim == 0 else np.array2string(value, precision=10)


# --- verbs --------------------------------------------------------------------------
def cmd_eval(args):
    from ..backends.numpy_backend import evaluate
    graph, values = program_graph(args)
    value = evaluate(graph, values)[0]
    name = output_name(args, graph)
    if args.json:
        return {"output": name, "value": tolist(value)}
    return f"{name} = {_show(value)}"


def cmd_grad(args):
    from ..numeric import differentiate
    graph, values = program_graph(args)
    value, grad = differentiate(graph, values, args.method)
    name = output_name(args, graph)
    symbolic = args.method == "symbolic"
    forms = closed_forms(graph) if symbolic else {}
    if args.json:
        result = {"output": name, "value": tolist(value), "grad": {k: tolist(v) for k, v in grad.items()},
                  "method": args.method}
        return {**result, "grad_expressions": forms} if symbolic else result
    lines = [f"{name} = {_show(value)}"]
    for k, v in grad.items():
        form = (forms or {}).get(k)
        lines.append(f"d{name}/d{k} = " + (f"{form} = " if form and form != _show(v) else "") + _show(v))
    if forms is None:
        lines.append("(the closed forms are too large to write out: not printed)")
    return "\n".join(lines)


def closed_forms(graph):
    """Each derivative as a lecturer writes it (``3·b`` of dJ/da), or None when they are too large to print."""
    from ..symbolic import gradient, plain
    try:
        return {k: plain(form) for k, form in gradient(graph).items()}
    except SizeError:
        return None


def cmd_compare(args):
    from ..numeric import compare
    graph, values = program_graph(args)
    result = compare(graph, values)
    return result.as_dict() if args.json else result.format()


def cmd_check(args):
    from ..build import parse
    from ..symbolic import check
    graph = parse(args.program)
    claims = {}
    for claim in args.claim:
        name, sep, expr = claim.partition(":")
        if not sep:
            raise InputValueError(f"--claim expects 'VARIABLE: EXPRESSION', got '{claim}'")
        claims[name.strip()] = expr.strip()
    report = check(graph, claims)
    args.status = 0 if report.ok else 1  # a wrong claim is an answer, not an error: status 1
    if args.json:
        return report.as_dict()
    return str(report)


def cmd_trace(args):
    from ..traces import record
    from ..traces.formats import as_dict
    graph, values = program_graph(args)
    direction = parse_at(args.direction, "--direction") if args.direction else None
    trace = record(graph, values, direction=direction, places=args.places, naming=args.naming)
    return as_dict(trace) if args.json else trace.format(args.format, standalone=args.standalone)


def cmd_demo(args):
    from ..demo import run
    return run(args)


def build_parser():
    from ..traces.formats import LATEX_PACKAGES
    from .pictures import register as register_pictures
    parser = _Parser(prog="graphgrad", description="Computation graphs for teaching: evaluate, differentiate four "
                     "ways, check derivatives, trace and draw backprop (every verb has --json).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def verb(name, func, help, program=True, at=True):
        p = sub.add_parser(name, help=help, description=help)
        program_arguments(p, program, at)
        p.set_defaults(func=func)
        return p

    verb("eval", cmd_eval, "evaluate a program at a point")
    p = verb("grad", cmd_grad, "value and gradient of the program's output")
    p.add_argument("--method", default="reverse", help="reverse (default), forward, symbolic or numeric")
    verb("compare", cmd_compare, "reverse vs forward vs symbolic vs numeric, with differences and times")
    p = verb("check", cmd_check, "check hand-derived derivatives symbolically and numerically", at=False)
    p.add_argument("--claim", action="append", required=True, metavar="'VAR: EXPR'",
                   help="your derivative with respect to VAR, e.g. 'x1: 1/x1 + x2'")
    p = verb("trace", cmd_trace, "forward primal, tangent and reverse adjoint traces (Baydin et al.)")
    p.add_argument("--format", default="text", choices=["text", "markdown", "latex", "html", "json"],
                   help=f"text (default), markdown, latex (tabulars for a document that loads {LATEX_PACKAGES}), "
                        "html (a whole page) or json")
    p.add_argument("--standalone", action="store_true",
                   help="with --format latex: a whole document that pdflatex compiles alone")
    values_argument(p, "--direction", "add a forward tangent trace along this direction, given as --at is "
                                      "(--direction x1=1 x2=0; inputs left out are 0)")
    p.add_argument("--places", type=places, default=3, help="decimal places shown, 0 to 12 (default 3)")
    naming_argument(p)
    register_pictures(sub)
    p = verb("demo", cmd_demo, "the textbook examples, printed and written to a folder", program=False, at=False)
    p.add_argument("--out", default="graphgrad-demo", help="folder for the pictures (default ./graphgrad-demo)")
    return parser


def main(argv=None):
    """Entry point of the ``graphgrad`` console script; returns the exit status.

    How a program was read, where it could be read two ways (``ab`` as a·b), is printed as one line
    ``graphgrad: note: ...`` on standard error; other warnings are shown as Python shows them.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("always", NotationWarning)
        show = warnings.showwarning

        def note(message, category, *where, **options):
            if issubclass(category, NotationWarning):
                print(f"graphgrad: note: {' '.join(str(message).split())}", file=sys.stderr)
            else:
                show(message, category, *where, **options)
        warnings.showwarning = note
        return _run(argv)


def _run(argv):
    """Parse the arguments, run the verb and print its result; errors become one line and a status."""
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "program", None) is not None:
            args.program = program_text(args.program)
        result = args.func(args)
    except GraphgradError as exc:
        print(f"graphgrad: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that is a file, no permission, a full disk: say which path
        where = f" '{exc.filename}'" if exc.filename else ""
        print(f"graphgrad: error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print("graphgrad: error: the program is nested too deeply for this verb; split it into more statements",
              file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of graphgrad's, still told in one line
        print(f"graphgrad: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
              "(please report this with the command that caused it)", file=sys.stderr)
        return 3
    try:
        if getattr(args, "json", False):
            print(dumps(result))
        elif result is not None:
            print(result)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")
    return getattr(args, "status", 0)


if __name__ == "__main__":
    sys.exit(main())
