"""The frame stepper: one HTML page stepping through backprop beside its trace tables."""


def test_stepper_buttons_use_glyphs_every_font_has(renderer, tmp_path, backprop_j):
    from graphgrad.viz import Frames
    page = Frames(*backprop_j).write(tmp_path, "html")[0].read_text()
    import re
    labels = "".join(re.findall(r"<button[^>]*>([^<]*)</button>", page))
    assert len(re.findall("<button", page)) == 4 and "first" in labels and "last" in labels
    assert all(ord(ch) < 0x2100 for ch in labels), labels   # Latin-1 and ‹ ›: no ⏮ ⏭ (U+23xx)
    assert "<title>Backprop step by step: J = 3·(a·b + c) at a = 5, b = 4, c = 1</title>" in page


def test_stepper_keeps_hostile_names_as_text(renderer, tmp_path):
    import graphgrad as gg
    from graphgrad.viz import Frames
    name = 'a"<script>alert(1)</script>\n&amp;'
    x = gg.ops.input(name)
    page = Frames(gg.Graph([(gg.sin(x) * 2).named("</title><b>")], [x]), {name: 1.0}).write(tmp_path, "html")[0]
    text = page.read_text()
    assert "<script>alert" not in text and "<b>" not in text and "&lt;script&gt;alert(1)" in text
