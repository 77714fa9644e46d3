"""Write hakit/figures/_template.py: plotly_white as the pinned plotly resolves it.

Usage: python tools/plotly_template.py   (after changing the plotly pin; tests/test_fast.py says when)
"""
from __future__ import annotations

import pprint
from pathlib import Path

import plotly
import plotly.io as pio

OUT = Path(__file__).resolve().parent.parent / "hakit" / "figures" / "_template.py"

HEAD = '''"""plotly_white as plotly {version} resolves it (``pio.templates["plotly_white"].to_plotly_json()``),
kept as data so that figures can be assembled without importing plotly (the live book's browser
ships no plotly). Written by ``python tools/plotly_template.py``; ``tests/test_fast.py`` checks it
against the installed plotly."""

PLOTLY_WHITE = '''


def main() -> None:
    body = pprint.pformat(pio.templates["plotly_white"].to_plotly_json(), width=100, sort_dicts=False)
    OUT.write_text(HEAD.format(version=plotly.__version__) + body + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
