"""Pictures for lectures: Graphviz renders of graphs and traces, step-by-step backprop frames, networks.

``render(graph, "g.svg", values)`` draws a graph (``.tex``: TikZ); ``write_frames`` the
backprop steps (numbered pictures, PDF, HTML, GIF or a Beamer frame); ``layer_dot``/
``neuron_dot`` networks,
``convolution_picture`` a small convolution pixel by pixel; ``show``, ``stepper`` and ``trace_html`` display in notebooks.
Renderer: ``dot`` on PATH, else ``graphviz-pure``, or ``$GRAPHGRAD_DOT``.
"""
from .draw import to_dot
from .frames import Frames, write_frames
from ..traces.html import trace_html
from .jupyter import repr_svg, show, stepper
from .network import Layer, graph_layers, layer_dot, network_picture, neuron_dot, stack_dot
from .render import render, render_source
from .renderer import RendererError, find as find_renderer
from .style import Style
from .gallery import write_pictures
from .broadcasting import broadcast_picture
from .convolution import convolution_dot, convolution_picture
