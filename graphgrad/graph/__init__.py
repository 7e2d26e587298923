"""The graph IR: primitives (``primitive.py``), immutable nodes in SSA form and the graphs they make.

It imports nothing of graphgrad above it; the layers above install what nodes and graphs do for users
(operators, evaluation, pictures)."""
from .node import Node
from .graph import Graph
