"""check(): a student's derivative judged symbolically and at random points, with a readable verdict."""
import json
import re

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.symbolic import check

BAYDIN = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")


def test_correct_claims_are_correct():
    report = check(BAYDIN, {"x1": "1/x1 + x2", "x2": "x1 - cos(x2)"})
    assert report.ok
    assert report.verdict == {"x1": "correct", "x2": "correct"}
    assert all(r.symbolic == "equal" and len(r.points) == 5 for r in report.results.values())


def test_a_wrong_claim_shows_a_point_with_both_values():
    report = check(BAYDIN, {"x1": "1/x1 + x2", "x2": "x1 + cos(x2)"}, seed=3)
    assert not report.ok and report.results["x1"].ok
    verdict = report.verdict["x2"]
    m = re.fullmatch(r"wrong: at x1=(\S+), x2=(\S+) yours gives (\S+), the true value is (\S+)", verdict)
    assert m, verdict
    a, b, yours, true = map(float, m.groups())
    assert yours == pytest.approx(a + np.cos(b), abs=1e-3)     # the claim, by hand
    assert true == pytest.approx(a - np.cos(b), abs=1e-3)      # dy/dx2 = x1 - cos x2
    assert a > 0                                                # ln(x1) is defined there


def test_claims_may_use_the_programs_named_nodes():
    g = gg.parse("phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi))")
    assert check(g, {"z": "phi - y"}).verdict == {"z": "correct"}
    assert check(g, {"z": "y - phi"}).verdict["z"].startswith("wrong: at z=")


def test_points_stay_inside_the_domain():
    g = gg.parse("y = ln(a) + sqrt(b)")
    report = check(g, {"a": "1/a", "b": "1/(2*sqrt(b))"}, points=8)
    assert report.ok
    for row in report.results["a"].points:
        assert row["at"]["a"] > 0 and row["at"]["b"] > 0


def test_a_claim_undefined_where_the_derivative_exists_is_wrong():
    verdict = check(gg.parse("y = ln(x)"), {"x": "ln(-x)"}).verdict["x"]
    assert re.fullmatch(r"wrong: at x=\S+ yours is undefined there, the true value is \S+", verdict)


def test_the_same_seed_gives_the_same_points():
    first = check(BAYDIN, {"x1": "x2"}, seed=7).as_dict()
    assert first == check(BAYDIN, {"x1": "x2"}, seed=7).as_dict()


def test_as_dict_is_json():
    data = json.loads(json.dumps(check(BAYDIN, {"x2": "x1"}).as_dict()))
    assert data["ok"] is False and data["output"] == "y"
    claim = data["claims"]["x2"]
    assert claim["claim"] == "x1" and claim["expected"] == "x1 - cos(x2)"
    assert claim["verdict"].startswith("wrong:")


def test_bad_claims_are_named_and_never_evaluated():
    with pytest.raises(gg.UnknownNameError, match="'x3'"):
        check(BAYDIN, {"x3": "1"})
    with pytest.raises(gg.UnknownNameError, match="'q'"):
        check(BAYDIN, {"x1": "q + 1"})
    with pytest.raises(gg.ParseError):
        check(BAYDIN, {"x1": "__import__('os').system('echo hacked')"})
    with pytest.raises(gg.ParseError, match="syntax error"):
        check(BAYDIN, {"x1": "x1 +"})
