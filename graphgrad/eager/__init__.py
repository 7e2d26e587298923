"""Eager tensors on the one graph IR, shared by the framework spellings (``graphgrad.tensorflow``, ``graphgrad.torch``).

An eager :class:`Tensor` holds a value *and* is a node: ``t.value`` (``t.numpy()``)
is computed when the operation is applied (or, in a traced training step, when it is
first read: ``tracing``), ``t.node`` is that operation in the core IR. Every operation funnels into one application, ``call(builder, *args)``,
where ``builder`` is any graph builder of ``graphgrad.ops`` or ``graphgrad.nn``;
``lift(builder)`` makes a function on tensors of it. Nothing here knows a
derivative rule: gradients are ``autodiff.adjoints`` over what was recorded.

API (framework-neutral; spellings subclass ``Tensor`` and ``Variable``):

- ``Tensor.leaf(value, dtype=None, name=None, requires_grad=False)``: a tensor with no history.
- ``made(cls, node, value, parents=(), requires_grad=False)``: ``cls(node, value, ...)`` made quickly (``node``
  None: a leaf whose node is made when asked for).
- ``Variable(value, dtype=None, name=None, requires_grad=True)``: a mutable leaf;
  ``assign`` swaps in a new value without changing what was recorded with the old one.
- ``call(builder, *args, **kwargs)`` / ``lift(builder)``: apply an op now. The result
  keeps its operands as ``parents`` when ``cls.records(operands)`` says so (default:
  recording is on and some operand ``requires_grad``); ``cls.recorded(result, operands)``
  is then called, so a spelling can note it (TensorFlow's tapes do).
- ``recording(enabled)``, ``no_grad()``, ``is_recording()``: the recording switch (``set_recording(enabled)``:
  from now on, returning what it was).
- ``DType(name)``: a spelling's dtype over a NumPy one (subclasses set ``prefix``: ``tf.float32``).
- ``WeakIdKeyDictionary()``: weak keys compared by identity (a spelling's ``==`` may be elementwise).
- ``unique_name(prefix)``: ``prefix``, ``prefix_1``, ... (leaves, Keras layers); ``clear_names()`` starts again.
- ``gradients(target, sources, create_graph=False, through=None)``: d sum(target)/d source
  (None where unconnected; a variable's sums those of its recorded reads, each at the value it read);
  ``create_graph`` records the adjoint operations for higher derivatives; ``through(tensor)`` limits
  which recorded tensors gradients flow through.
- ``jacobian(target, source, through=None)``: shape ``target.shape + source.shape``.
- ``graph_of(*targets)``: ``(Graph, tensors by node id)``; ``values_of(graph, known)``: input
  values by name, for ``graphgrad.viz.render`` and ``graphgrad.traces.record``.
- ``custom(name, operands, value, backward)``: a recorded operation whose gradient is Python code
  (``torch.autograd.Function``, ``tf.custom_gradient``); eager only.
- ``draw(target, path=None, **options)``: the recorded graph with values and adjoints.
- ``apply_layer(layer, x, params, training=False, rng=None)``: a ``graphgrad.nn`` layer on tensors now, with
  its training noise drawn from ``rng``: ``(output, new values of its non-trainable parameters)``.
- ``tree_map(f, tree, kind=object)``, ``leaves(tree, kind=object)``: the leaves of nested lists, tuples and dicts.
- ``Updater(optimizer).apply(pairs)``: a ``graphgrad.nn`` optimizer's step on (gradient, variable) pairs.
- ``tracing.step(updater, variables, grads, assign=None)``: the optimizer's step, run as the traced step's one
  program when its loop repeats (``tracing.defer_backward`` / ``defer_gradients`` defer the gradients);
  ``tracing.programs(optimizer)`` lists the programs; ``GRAPHGRAD_EAGER=1`` turns tracing off.
"""
from .tensor import (Tensor, Variable, WeakIdKeyDictionary, call, clear_names, evaluate, is_recording, lift,
                     no_grad, recording, set_recording, unique_name, made)
from .dtypes import DType
from .gradients import gradients, graph_of, history, jacobian, values_of
from .custom import custom
from .drawing import draw, evaluated
from .layers import apply_layer
from .trees import leaves, tree_map
from .updates import Updater
from . import tracing
