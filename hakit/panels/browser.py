"""The browser front end of the static book: the HTML form of a panel and the calls its script
(``_ext/live/live.js``) makes in Pyodide.

The book build writes :func:`panel_html` where a notebook calls ``show(panel)``. In the reader's
browser nothing loads until the button ``[data-hakit-start]`` is pressed; the script then loads
Pyodide and hakit from the site itself, reads the form's controls (each ``name=`` is the Python
parameter) and calls :func:`run`, which is :meth:`hakit.panels.Panel.compute` plus JSON. Exercise
hooks (``<div class="hakit-exercise" data-exercise="<id>">``) are answered with
:func:`check_answer`, the same :func:`hakit.grading.check` that notebooks call.

This module imports no Plotly, ipywidgets or IPython at import time.
"""
from __future__ import annotations

import ast
import contextlib
import gc
import html
import io
import json
from typing import Any

from hakit.panels import Control, get

__all__ = ["panel_html", "run", "settle", "check_answer", "parse_answer", "answer_placeholder", "START_LABEL"]

START_LABEL = "在浏览器中运行"

#: What to type for each hakit.grading answer kind (the answer box's placeholder).
PLACEHOLDERS = {
    "number": "一个数字，例如 12.5",
    "int": "一个整数，例如 3",
    "availability": "0 到 1 之间的小数，例如 0.999",
    "bool": "True 或 False",
    "str": "一段文字",
    "set": "一个集合，例如 {'a', 'b'}",
    "seq": "一个元组，例如 (1, 2, 3)",
    "dict": "一个字典，例如 {'键': 1}",
    "choice": "选项字母，例如 B 或 A, C",
}
_TEXT_KINDS = ("str", "choice", "bool")


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


def _control_html(c: Control) -> str:
    label = f'<span class="hakit-live-label">{_esc(c.label)}</span>'
    name = _esc(c.name)
    if c.kind in ("int", "float") and c.slider:
        step = c.step if c.step is not None else 1
        field = (f'<input type="range" name="{name}" min="{_num(c.min)}" max="{_num(c.max)}" '
                 f'step="{_num(step)}" value="{_num(c.default)}">'
                 f'<output class="hakit-live-readout">{_num(c.default)}</output>')
    elif c.kind == "bool":
        checked = " checked" if c.default else ""
        return (f'<label class="hakit-live-control hakit-live-check"><input type="checkbox" name="{name}"'
                f'{checked}>{label}</label>')
    elif c.kind == "choice":
        options = "".join(
            f'<option value="{_esc(v)}"{" selected" if v == c.default else ""}>{_esc(lab)}</option>'
            for lab, v in c.choices)
        field = f'<select name="{name}">{options}</select>'
    else:
        mode = {"int": ' inputmode="numeric"', "float": ' inputmode="decimal"'}.get(c.kind, "")
        ph = f' placeholder="{_esc(c.placeholder)}"' if c.placeholder else ""
        field = f'<input type="text" name="{name}" value="{_esc(_num(c.default))}"{mode}{ph}>'
    return f'<label class="hakit-live-control">{label}{field}</label>'


def panel_html(name: str) -> str:
    """The live panel of the static book (DOM contract in design.md, "Library contract")."""
    decl = get(name)
    controls = "".join(_control_html(c) for c in decl.controls)
    return (
        f'<div class="hakit-live" data-hakit-panel="{_esc(decl.name)}">'
        f'<div class="hakit-live-head"><b>{_esc(decl.title)}</b>'
        f'<button type="button" class="hakit-live-start" data-hakit-start>{START_LABEL}</button>'
        '<span class="hakit-live-note">在本页中运行与 JupyterLab 相同的 hakit 代码（Pyodide）；'
        '全部文件来自本站，按下按钮后才加载。</span></div>'
        '<div class="hakit-live-progress" hidden><progress max="1" value="0"></progress>'
        '<span class="hakit-live-progress-text"></span></div>'
        f'<form class="hakit-live-controls" hidden onsubmit="return false">{controls}</form>'
        '<div class="hakit-live-status" data-hakit-status="idle" role="status" aria-live="polite"></div>'
        '<div class="hakit-live-figure"></div></div>'
    )


def run(name: str, values_json: str) -> str:
    """``{"figure": …}`` (the figure's Plotly JSON) or ``{"error": "<Chinese message>"}``.

    The figure is built as plain dicts (``hakit.figures._fast.as_dicts``: no plotly import, no
    ``go.Figure``), the same figure the panel draws in JupyterLab (``tests/test_fast.py``)."""
    from hakit.figures import _fast
    from hakit.figures._fit import fit_text

    try:
        with _fast.as_dicts():
            fig = get(name).compute(json.loads(values_json))
    except ValueError as exc:
        return json.dumps({"error": str(exc)}, ensure_ascii=False)
    # titles wrapped for the 640 px figure, as the static book's figures (hakit.figures._render)
    return '{"figure": ' + _json(fit_text(fig)) + "}"


def _json(fig: dict) -> str:
    try:
        return json.dumps(fig, allow_nan=False, separators=(",", ":"))
    except ValueError:  # NaN or ±inf: null, as plotly's JSON encoder writes them
        strict = json.loads(json.dumps(fig), parse_constant=lambda _const: None)
        return json.dumps(strict, separators=(",", ":"))


def settle() -> None:
    """Called by the page after boot and after a panel's first figure: what is loaded by then (the
    modules, their functions and constants) lives as long as the page, so move it out of the cyclic
    GC's reach (``gc.freeze``); otherwise a full collection walks it in the middle of a redraw."""
    gc.freeze()


def answer_placeholder(kind: str) -> str:
    return PLACEHOLDERS.get(kind, "你的答案")


def parse_answer(text: str, kind: str) -> Any:
    """The typed answer as a Python value: a Python literal (``ast.literal_eval``); for text,
    choice and yes/no answers the text itself when it is not a literal. Empty -> ``None``."""
    text = str(text).strip()
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        if kind in _TEXT_KINDS:
            return text
        raise ValueError(f"无法读出答案 {text!r}：请按提示填写（{answer_placeholder(kind)}），"
                         "不要带单位或百分号") from None
    if kind in _TEXT_KINDS and not isinstance(value, (str, bool, set, frozenset, list, tuple)):
        return text
    return value


def check_answer(exercise_id: str, text: str) -> str:
    """``{"ok": bool, "message": …}``: ✔ or the Chinese reason from :func:`hakit.grading.check`,
    never the solution."""
    from hakit import grading

    ex = grading.get(exercise_id)
    try:
        answer = parse_answer(text, ex.kind)
        if grading.is_missing(answer):
            return json.dumps({"ok": False, "message": f"{grading.MISSING_MESSAGE}：请先在框里填写答案。\n提示：{ex.hint}"},
                              ensure_ascii=False)
        with contextlib.redirect_stdout(io.StringIO()):
            grading.check(exercise_id, answer)
    except ValueError as exc:
        return json.dumps({"ok": False, "message": str(exc)}, ensure_ascii=False)
    except AssertionError as exc:
        return json.dumps({"ok": False, "message": str(exc)}, ensure_ascii=False)
    return json.dumps({"ok": True, "message": grading.OK_MESSAGE}, ensure_ascii=False)
