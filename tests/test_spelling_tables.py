"""The docs' tables of what each spelling covers are what the spellings' name tables hold."""
from graphgrad import spelling_tables
from graphgrad.torch.tensor import BINARY, UNARY
from graphgrad.tensorflow.math import REDUCTIONS


def test_the_page_says_what_the_code_holds():
    assert spelling_tables.written() == spelling_tables.markdown(), \
        "docs/run_your_slides_code.md is out of date: run python -m graphgrad.spelling_tables"


def test_every_table_entry_is_on_the_page():
    page = spelling_tables.written()
    for name in [*UNARY, *BINARY]:
        assert f"| `torch.{name}`, `x.{name}` |" in page
    for name in REDUCTIONS:
        assert f"| `tf.math.{name}`, `tf.{name}` |" in page


def test_write_replaces_only_the_generated_section(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"before\n\n{spelling_tables.BEGIN}\nstale\n{spelling_tables.END}\n\nafter\n")
    spelling_tables.write(page)
    assert page.read_text() == f"before\n\n{spelling_tables.markdown()}\n\nafter\n"
