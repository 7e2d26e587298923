"""Loop merging (multi-output fusion): loops over the same domain that feed each other run as one loop.

Fusion (``fusion.py``) puts a value into its consumer's loop only when that
consumer is its only user; a value that is also a graph output or has other
users stays a loop of its own. RMSprop's new slot is such a value: an output,
read again by the weight update. Here a later loop over the same domain that
reads such a value element by element is moved right after it and run in the
same loop, so the value is stored once and used from a register, and the
operands they share are read once (RMSprop over 401k weights: one pass
instead of two). A reduction over that domain (a bias gradient summing a
layer's delta) can join too.

The result is a *schedule*: the order the code generator, the buffer planner
and the in-place update rule all follow, and the groups of nodes that share a
loop.
"""
from dataclasses import dataclass

from .fusion import FUSED, fusable


@dataclass
class Schedule:
    """Nodes in the order they run; ``groups`` lists the nodes that share one loop, each in order."""
    order: list
    groups: list          # lists of nodes; one per loop that holds several nodes

    def __post_init__(self):
        self.position = {n.id: k for k, n in enumerate(self.order)}
        self.group_of = {n.id: g for g in self.groups for n in g}

    def done(self, node):
        """Position of the last node of ``node``'s loop: what ``node`` reads stays live until then."""
        group = self.group_of.get(node.id)
        return self.position[(group[-1] if group else node).id]


def loop_domain(node):
    """The shape a node's loop runs over (a reduction's is its operand's), or None if it is not a loop."""
    if node.op is FUSED:
        reduce = node.params["reduce"]
        return node.params["expr"].output.shape if reduce else node.shape
    if node.op.reduction:
        return node.inputs[0].shape
    if fusable(node):
        return node.shape
    return None


def _elementwise_loop(node):
    """Whether ``node``'s loop stores one element per step (a loop ending in a reduction does not)."""
    if node.op is FUSED:
        return node.params["reduce"] is None
    return not node.op.reduction


def schedule(graph, barrier=None):
    """The graph's nodes in a valid order with merged loops adjacent; no node is moved across ``barrier``.

    A loop B joins the loop of an earlier elementwise loop A over the same
    (non-scalar) domain when B reads a value of A's loop at its full shape
    (element i of the loop reads element i), reads no reduction of that loop,
    and everything else B reads is computed before A.
    """
    nodes = list(graph.nodes)
    position = {n.id: k for k, n in enumerate(nodes)}
    cut = position[barrier.id] if barrier is not None else None
    uses = graph.consumers()
    joined = {}                 # guest id -> host id
    groups = {}                 # host id -> [host, guests...]
    for host in nodes:
        domain = loop_domain(host)
        if host.id in joined or not domain or not _elementwise_loop(host):
            continue
        group, members = [host], {host.id}
        queue = [host]
        while queue:
            member = queue.pop(0)
            if not _elementwise_loop(member):
                continue
            for user, _ in sorted(uses[member.id], key=lambda u: position[u[0].id]):
                if user.id in members or user.id in joined or user.id in groups or loop_domain(user) != domain:
                    continue
                if cut is not None and (position[host.id] <= cut) != (position[user.id] <= cut):
                    continue
                if all(_may_read(arg, members, group, domain, position[host.id], position)
                       for arg in user.inputs):
                    group.append(user)
                    members.add(user.id)
                    joined[user.id] = host.id
                    queue.append(user)
        if len(group) > 1:
            groups[host.id] = group
    order = []
    for node in nodes:
        if node.id in joined:
            continue
        order.extend(groups.get(node.id, [node]))
    return Schedule(order, list(groups.values()))


def _may_read(arg, members, group, domain, start, position):
    """Whether a loop joining ``group`` (which starts at ``start``) may read ``arg`` inside it."""
    if arg.id in members:
        member = next(m for m in group if m.id == arg.id)
        return _elementwise_loop(member) and arg.shape == domain
    return arg.is_input or arg.is_const or position[arg.id] < start
