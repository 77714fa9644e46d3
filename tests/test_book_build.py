"""The book builds offline with warnings as errors, in Chinese, with one local copy of plotly.js."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.build


def pages(html: Path) -> list[Path]:
    return sorted((html / "book").rglob("*.html")) + sorted((html / "labs").rglob("*.html"))


def test_pages_are_chinese_and_offline(built_book: Path) -> None:
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in text or "lang=\"zh-CN\"" in text, f"{page}: lang is not zh-CN"
        # plotly.js is never inlined (it is ~4.8 MB) and never taken from a CDN
        assert "cdn.plot.ly" not in text and len(text) < 1_500_000, page
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, page
        for src in re.findall(r'<script[^>]+src="([^"]+)"', text):
            assert not src.startswith(("http:", "https:", "//")), f"{page}: external script {src}"


def test_plotly_js_served_once_from_static(built_book: Path) -> None:
    copies = list(built_book.rglob("plotly*.js"))
    assert [p.relative_to(built_book).as_posix() for p in copies] == ["_static/hakit/plotly.min.js"]
    with_fig = [p for p in pages(built_book) if "plotly-graph-div" in p.read_text(encoding="utf-8")]
    assert with_fig, "no page has a Plotly figure"
    for page in with_fig:
        assert "_static/hakit/plotly.min.js" in page.read_text(encoding="utf-8"), page
    for page in set(pages(built_book)) - set(with_fig):
        assert "plotly.min.js" not in page.read_text(encoding="utf-8"), f"{page} loads plotly.js without a figure"


def test_chinese_search_index(built_book: Path) -> None:
    assert (ROOT / "book/appendix/jieba_dict.txt").exists(), "jieba user dictionary missing (Sphinx would ignore it silently)"
    index = (built_book / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1 : index.rindex(")")])["terms"]
    for word in ["高可用", "滚动更新"]:
        assert word in terms, f"search index lacks the term {word}"


def test_chapter_n1_has_four_figures(built_book: Path) -> None:
    n1 = "".join(p.read_text(encoding="utf-8") for p in (built_book / "book/n1").glob("*.html"))
    assert n1.count('class="plotly-graph-div"') >= 4


def test_duplicate_inline_scripts_removed(built_book: Path) -> None:
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert text.count("const THEBE_JS_URL") <= 1, page
        assert text.count("var togglebuttonSelector") <= 1, page


def _tiny_book(tmp: Path, cell_source: str) -> Path:
    """A one-page book with the real configuration and extension."""
    shutil.copy(ROOT / "_config.yml", tmp / "_config.yml")
    shutil.copytree(ROOT / "_ext", tmp / "_ext")
    (tmp / "book").mkdir()
    (tmp / "book/index.md").write_text("# 首页\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 图"), nbformat.v4.new_code_cell(cell_source)]
    nbformat.write(nb, tmp / "book/fig.ipynb")
    (tmp / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/fig\n", encoding="utf-8")
    return tmp


def test_dropped_output_fails_the_build(tmp_path: Path) -> None:
    """A Plotly figure with no html representation is dropped by myst-nb: the build must fail."""
    import build_book

    src = (
        "from IPython.display import display\n"
        "display({'application/vnd.plotly.v1+json': {'data': [{'y': [1, 2]}], 'layout': {}}}, raw=True)\n"
    )
    proc = build_book.build(_tiny_book(tmp_path, src), quiet=True)
    assert proc.returncode != 0
    assert "unknown output mime type: application/vnd.plotly.v1+json" in proc.stdout + proc.stderr


def test_hakit_figure_builds_in_tiny_book(tmp_path: Path) -> None:
    """The same page with hakit's renderer builds (the positive control of the test above)."""
    import build_book

    src = "import hakit.figures\nimport plotly.graph_objects as go\ngo.Figure(go.Scatter(y=[1, 2])).show()\n"
    proc = build_book.build(_tiny_book(tmp_path, src), quiet=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'class="plotly-graph-div"' in (tmp_path / "_build/html/book/fig.html").read_text(encoding="utf-8")
