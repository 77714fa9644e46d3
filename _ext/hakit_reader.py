"""Local Sphinx extension for what the reader meets on every page.

* the course's target versions as MyST substitutions: ``{{ k8s_minor }}`` and the other keys of
  :data:`hakit.versions.SUBSTITUTIONS`, so a version number is typed once, in ``hakit/versions.py``;
* ``hakit-reader.css``: code and tables scroll in their own box and figures fit the column, so a
  page reads on a 390 px phone screen;
* the ``errata-table`` directive: the table of all errata, read from ``book/errata/e*.md`` (each
  erratum is written once, in its own file, and included where it corrects the seed).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

CSS = Path(__file__).parent / "reader" / "hakit-reader.css"
ERRATA = Path(__file__).parent.parent / "book" / "errata"

_TITLE = re.compile(r"\{admonition\} 勘误 (E\d+)：(.+)")
_SECTION = re.compile(r"\*\*原文（([^）]+)）\*\*")
_SOURCE = re.compile(r"^\*\*来源\*\*[：:]\s*(.+)$", re.M)


class Erratum(NamedTuple):
    number: str      # "E07"
    section: str     # "N.2.3"
    title: str       # the correction in one line (the box's title)
    sources: str     # the box's 来源 line, as MyST


def read_errata(folder: Path = ERRATA) -> list[Erratum]:
    """Every erratum file, in number order; a file without title, section or sources is an error."""
    rows = []
    for path in sorted(folder.glob("e*.md")):
        text = path.read_text(encoding="utf-8")
        title, section, source = _TITLE.search(text), _SECTION.search(text), _SOURCE.search(text)
        if not (title and section and source):
            raise ValueError(f"{path}: 勘误文件缺少标题、“**原文（节号）**”或“**来源**：”一行")
        rows.append(Erratum(title.group(1), section.group(1), title.group(2).strip(),
                            source.group(1).strip()))
    return rows


class ErrataTable(SphinxDirective):
    """``{errata-table}``: 编号 | 章节 | 更正 | 来源, one row per file in book/errata."""

    def run(self) -> list[nodes.Node]:
        lines = ["```{list-table}", ":header-rows: 1", ":widths: 8 9 48 35", ":width: 100%", "",
                 "* - 编号", "  - 章节", "  - 更正", "  - 来源"]
        for e in read_errata():
            lines += [f"* - {{ref}}`{e.number} <erratum-{e.number.lower()}>`", f"  - {e.section}",
                      f"  - {e.title}", f"  - {e.sources}"]
        lines.append("```")
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="book/errata"), 0, container)
        return container.children


def _add_substitutions(app: Sphinx, config: Config) -> None:
    from hakit.versions import SUBSTITUTIONS

    merged = dict(SUBSTITUTIONS, errata_count=str(len(read_errata())))
    merged.update(config.myst_substitutions or {})   # a value set in _config.yml wins
    config.myst_substitutions = merged


def _copy_css(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static" / "hakit"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CSS, dest / CSS.name)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_substitutions, priority=900)
    app.connect("builder-inited", _copy_css)
    app.add_css_file("hakit/" + CSS.name)
    app.add_directive("errata-table", ErrataTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
