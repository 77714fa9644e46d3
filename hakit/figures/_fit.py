"""Fit a figure's titles and annotations to the book's narrowest figure width.

Plotly draws each line of a title or an annotation as one SVG text line and never wraps it, so a
long Chinese title runs off the figure. ``fit_text`` inserts ``<br>`` where a line would be wider
than the space it has when the figure is ``FIGURE_MIN_WIDTH`` pixels wide (the book's CSS keeps
figures at least that wide and lets narrower screens scroll them sideways). It rewrites the texts
that slider steps and menu buttons set as well, and grows the top margin for the extra title lines.
Text widths are estimated: a full-width (CJK) character is one em, anything else about 0.6 em.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["FIGURE_MIN_WIDTH", "fit_text", "text_width", "wrap"]

FIGURE_MIN_WIDTH = 640
_TAG = re.compile(r"(<[^>]*>)")
_BR = re.compile(r"<br\s*/?>", re.I)
_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px", re.I)
_NO_BREAK_BEFORE = set("，。、；：）》」』！？%,.;:)!?")
_DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}  # plotly.js layout.margin defaults


def _char_em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


def _tokens(line: str) -> list[str]:
    """Tags, single wide characters and runs of other characters (a word with its trailing space)."""
    out: list[str] = []
    for part in _TAG.split(line):
        if not part:
            continue
        if part.startswith("<"):
            out.append(part)
            continue
        out += re.findall(r"[^\s\u1100-\uffff]+\s*|\s+|[\u1100-\uffff]", part)
    return out


def _scale_after(tag: str, stack: list[float], size: float) -> float:
    """The font size after ``tag``: <sup>/<sub> are about 70 %, a span may set font-size."""
    low = tag.lower()
    if low.startswith("</"):
        if low[2:5] in ("sup", "sub", "spa") and stack:
            return stack.pop()
        return size
    if low.startswith(("<sup", "<sub")):
        stack.append(size)
        return size * 0.7
    if low.startswith("<span"):
        stack.append(size)
        m = _SIZE.search(tag)
        return float(m.group(1)) if m else size
    return size


def text_width(text: str, size: float) -> float:
    """Estimated width in pixels of the widest line of ``text`` at font ``size`` px."""
    widest = 0.0
    for line in _BR.split(text):
        line = line.rstrip()  # a trailing space is not drawn
        w, cur, stack = 0.0, size, []
        for tok in _tokens(line):
            if tok.startswith("<"):
                cur = _scale_after(tok, stack, cur)
            else:
                w += sum(_char_em(c) for c in tok) * cur
        widest = max(widest, w)
    return widest


def _wrap_line(line: str, max_px: float, size: float) -> str:
    out, w, cur, stack = [], 0.0, size, []
    for tok in _tokens(line):
        if tok.startswith("<"):
            cur = _scale_after(tok, stack, cur)
            out.append(tok)
            continue
        tw = sum(_char_em(c) for c in tok.rstrip()) * cur
        if w > 0 and w + tw > max_px and tok[0] not in _NO_BREAK_BEFORE:
            while out and not out[-1].startswith("<") and out[-1].isspace():
                out.pop()
            if out and not out[-1].startswith("<"):
                out[-1] = out[-1].rstrip()
            out.append("<br>")
            w = 0.0
            tok = tok.lstrip()
        out.append(tok)
        w += sum(_char_em(c) for c in tok) * cur
    return "".join(out)


def wrap(text: str, max_px: float, size: float) -> str:
    """``text`` with ``<br>`` inserted so that no line is wider than ``max_px`` (where possible:
    a single word wider than that stays whole). Existing line breaks and tags are kept."""
    if not isinstance(text, str) or text_width(text, size) <= max_px:
        return text
    return "<br>".join(_wrap_line(line, max_px, size) for line in _BR.split(text))


def _lines(text) -> int:
    return len(_BR.split(text)) if isinstance(text, str) else 0


def _annotation_room(a: dict, plot_w: float, m: dict) -> float:
    """Pixels an annotation has to the figure's edges, from its anchor (paper coordinates), or the
    plot width for one placed in data coordinates."""
    if not str(a.get("xref", "x")).startswith("paper"):
        return plot_w
    # axis labels may widen the left margin (automargin), so the plot area is narrower than
    # width − l − r: never count on more than 70 % of the figure
    x, anchor = float(a.get("x", 0.5)), a.get("xanchor", "auto")
    left, right = m["l"] + x * plot_w, m["r"] + (1 - x) * plot_w
    if anchor == "left":
        room = right - 4
    elif anchor == "right":
        room = left - 4
    else:
        room = 2 * min(left, right) - 8
    return min(room, 0.7 * (plot_w + m["l"] + m["r"]))


def _font_size(layout: dict) -> float:
    """The figure's base font size (plotly.js default 12 px)."""
    return (layout.get("font") or {}).get("size") or 12


def _annotation_size(a: dict, layout: dict) -> float:
    return (a.get("font") or {}).get("size") or _font_size(layout)


def _fit_annotation(a: dict, layout: dict, plot_w: float, m: dict) -> dict:
    if not isinstance(a, dict) or not isinstance(a.get("text"), str):
        return a
    return dict(a, text=wrap(a["text"], max(120.0, _annotation_room(a, plot_w, m)), _annotation_size(a, layout)))


def _above_plot_px(old: list, new: list, layout: dict) -> float:
    """Extra height of the wrapped annotations that sit above the plot area and grow upwards
    (paper y ≥ 1, anchored at the bottom), which the top margin must make room for."""
    extra = 0.0
    for a, b in zip(old or [], new or []):
        if (isinstance(a, dict) and str(a.get("yref", "y")).startswith("paper") and float(a.get("y", 0)) >= 1
                and a.get("yanchor") == "bottom"):
            extra = max(extra, (_lines(b.get("text")) - _lines(a.get("text"))) * 1.3 * _annotation_size(a, layout))
    return extra


def _title_size(layout: dict) -> float:
    title = layout.get("title") if isinstance(layout.get("title"), dict) else {}
    return (title.get("font") or {}).get("size") or 1.4 * _font_size(layout)


def _fit_update(update: dict, layout: dict, width: float, plot_w: float, m: dict) -> tuple[dict, float]:
    """Fit the texts of a layout update (a slider step's or menu button's, or the figure's own
    title and annotations); return it and the pixels the extra lines add on top."""
    out, added = dict(update), 0.0
    size = _title_size(layout)
    for key, val in update.items():
        if key == "title.text" or (key == "title" and isinstance(val, str)):
            out[key] = wrap(val, width - 40, size)
            added += (_lines(out[key]) - _lines(val)) * 1.3 * size
        elif key == "annotations" and isinstance(val, list):
            out[key] = [_fit_annotation(a, layout, plot_w, m) for a in val]
            added += _above_plot_px(val, out[key], layout)
        elif re.fullmatch(r"annotations\[\d+\]\.text", key) and isinstance(val, str):
            out[key] = wrap(val, plot_w, _font_size(layout))
    return out, added


def _fit_controls(layout: dict, width: float, plot_w: float, m: dict) -> float:
    added = 0.0
    for group, items in (("sliders", "steps"), ("updatemenus", "buttons")):
        for ctl in layout.get(group) or []:
            for item in ctl.get(items) or []:
                args = list(item.get("args") or [])
                i = {"update": 1, "relayout": 0}.get(item.get("method"))
                if i is None or len(args) <= i or not isinstance(args[i], dict):
                    continue
                args[i], extra = _fit_update(args[i], layout, width, plot_w, m)
                item["args"] = args
                added = max(added, extra)
    return added


def fit_text(fig: dict, width: float = FIGURE_MIN_WIDTH) -> dict:
    """Wrap the title and annotations of a figure dict (``fig.to_plotly_json()``) in place for a
    figure ``width`` px wide; also the texts its sliders and menus set. Returns ``fig``."""
    layout = fig.setdefault("layout", {})
    m = {**_DEFAULT_MARGIN, **(layout.get("margin") or {})}
    plot_w = max(100.0, width - m["l"] - m["r"])
    title = layout.get("title")
    own = {}
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        own["title.text"] = title["text"]
    if layout.get("annotations"):
        own["annotations"] = layout["annotations"]
    fitted, added = _fit_update(own, layout, width, plot_w, m)
    if "title.text" in fitted:
        layout["title"] = dict(title, text=fitted["title.text"])
    if "annotations" in fitted:
        layout["annotations"] = fitted["annotations"]
    added = max(added, _fit_controls(layout, width, plot_w, m))
    if added > 0:
        layout["margin"] = dict(layout.get("margin") or {}, t=m["t"] + round(added))
    return fig
