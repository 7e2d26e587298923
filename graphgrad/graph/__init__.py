"""The graph IR: immutable nodes in SSA form and the graphs they make."""
from .node import Node
from .graph import Graph
