"""eager.tree_map and eager.leaves: nested lists, tuples and dicts keep their shape; leaves are visited in order."""
from graphgrad import eager


def test_tree_map_keeps_containers_and_other_kinds():
    tree = {"a": [1, (2.5, "x")], "b": 3}
    assert eager.tree_map(lambda v: v * 10, tree, int) == {"a": [10, (2.5, "x")], "b": 30}


def test_leaves_in_order_and_rebuilt_in_that_order():
    tree = [{"w": 1, "b": (2, 3)}, 4]
    assert eager.leaves(tree) == [1, 2, 3, 4]
    names = iter("abcd")
    assert eager.tree_map(lambda _: next(names), tree) == [{"w": "a", "b": ("b", "c")}, "d"]


def test_a_bare_leaf_is_a_tree_of_one():
    assert eager.leaves(7) == [7] and eager.tree_map(str, 7) == "7"
