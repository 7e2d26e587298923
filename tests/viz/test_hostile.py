"""Names and titles are data: whatever a user calls a variable, a layer or a picture is drawn as text, never
becomes a link, a script or an image, in every picture graphgrad writes (SVG through each renderer, HTML)."""
from html.parser import HTMLParser

import pytest

import graphgrad as gg
import graphgrad.tensorflow as tf
from graphgrad.cli import main
from graphgrad.viz import to_dot, write_frames
from graphgrad.viz.draw import RICH_LIMIT
from graphgrad.viz.network import layer_dot
from graphgrad.viz.render import svg

HOSTILE = ['<a> URL="javascript:alert(1)" <b>', '<IMG SRC="/etc/passwd"/>', 'q" URL="javascript:alert(2)',
           "l/--><script>alert(3)</script>", "\\N:w &amp; \\"]
ACTIVE_TAGS = {"a", "image", "img", "script", "foreignobject", "iframe", "object"}


class Markup(HTMLParser):
    """The tags, attributes and text of an SVG or HTML document."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def active(markup):
    """The links, sources and handlers in ``markup``, and ``javascript:`` anywhere but text and data attributes."""
    return [(k, v) for k, v in markup.attrs if "href" in k or k == "src" or k.startswith("on")
            or ("javascript:" in (v or "").lower() and not k.startswith("data-"))]


def assert_inert(document, shown='URL="javascript:alert(1)"', scripts=0):
    """No link, image or (beyond the page's own ``scripts``) script in ``document``, and ``shown`` is in its text
    (spaces aside: renderers split lines and use non-breaking spaces)."""
    markup = Markup(document)
    assert [t for t in markup.tags if t in ACTIVE_TAGS] == ["script"] * scripts
    assert not active(markup)
    assert shown.replace(" ", "") in "".join(markup.text).replace("\xa0", "").replace(" ", "")


@pytest.fixture
def hostile_graph():
    """A graph whose inputs have the hostile names (some with '/', so they are drawn as clusters too)."""
    xs = gg.vars(HOSTILE)
    out = xs[0]
    for x in xs[1:]:
        out = gg.sin(out) * x
    return gg.Graph(out, list(xs)), {name: 1.0 + i for i, name in enumerate(HOSTILE)}


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_render_title_is_text(renderer, capsys, tmp_path, title):
    path = tmp_path / "t.svg"
    assert main(["render", "y = x*x", "--at", "x=2", "-o", str(path), "--title", title]) == 0
    capsys.readouterr()
    assert_inert(path.read_text(), shown=title)


def test_hostile_node_names_are_text_in_rich_and_plain_labels(renderer, hostile_graph):
    graph, at = hostile_graph
    assert_inert(graph._repr_svg_())
    assert_inert(svg(to_dot(graph, at, view="both")))
    chain = gg.vars([HOSTILE[0]])
    for _ in range(RICH_LIMIT):
        chain = gg.sin(chain)
    assert_inert(gg.Graph(chain)._repr_svg_())        # one-line plain labels for big graphs


def test_a_hostile_variable_name_is_text_in_the_tape_picture(renderer, tmp_path):
    w = tf.Variable(3.0, name=HOSTILE[0])
    with tf.GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    assert_inert(tape.draw(tmp_path / "tape.svg").read_text())


def test_hostile_names_are_text_in_the_html_stepper_and_layer_pictures(renderer, tmp_path, hostile_graph):
    [page] = write_frames(*hostile_graph, tmp_path / "frames", "html", naming="user")
    assert_inert(page.read_text(), scripts=1)
    assert_inert(svg(layer_dot([(HOSTILE[0], 2), (HOSTILE[3], 3, HOSTILE[1]), (HOSTILE[4], 1, HOSTILE[2])])))
