"""Nested structures of values (lists, tuples and dicts of leaves), walked the one way every spelling walks them."""


def tree_map(f, tree, kind=object):
    """``tree`` with ``f`` applied to each leaf of ``kind`` inside it (through lists, tuples and dicts); other
    leaves are kept as they are."""
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(f, v, kind) for v in tree)
    if isinstance(tree, dict):
        return {k: tree_map(f, v, kind) for k, v in tree.items()}
    return f(tree) if isinstance(tree, kind) else tree


def leaves(tree, kind=object):
    """The leaves of ``kind`` in ``tree``, in the order ``tree_map`` visits them."""
    found = []
    tree_map(found.append, tree, kind)
    return found
