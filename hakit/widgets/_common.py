"""Shared plumbing for the widget panels: bad input becomes a Chinese message, never a traceback."""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as W
from IPython.display import HTML, display


def error_html(message: str) -> str:
    """The red message box a panel shows instead of its figure when the input is invalid."""
    return (
        '<div class="hakit-error" style="border-left:4px solid #c62828;background:#fdecea;'
        'padding:6px 10px;color:#8e0000">输入无效：' + html.escape(message) + "</div>"
    )


def guarded_output(render: Callable[..., object]) -> tuple[W.Output, Callable[..., None]]:
    """Return an Output and an ``update(**values)`` that calls ``render(**values)`` into it.

    ``render`` returns something to display (a Figure, HTML, text). A ``ValueError`` from the
    models is shown as :func:`error_html`; the control values are never clamped.
    """
    out = W.Output()

    def update(**values: object) -> None:
        out.clear_output(wait=True)
        with out:
            try:
                result = render(**values)
            except ValueError as exc:
                display(HTML(error_html(str(exc))))
                return
            display(result)

    return out, update


def panel(controls: list[W.Widget], render: Callable[..., object], title: str = "") -> W.VBox:
    """A panel: the controls, then the output; re-renders whenever a control changes.

    Each control's ``description`` is for people; its keyword comes from ``control._hakit_name``
    (set by :func:`named`).
    """
    out, update = guarded_output(render)

    def refresh(_change: object = None) -> None:
        update(**{c._hakit_name: c.value for c in controls})

    for c in controls:
        c.observe(refresh, names="value")
    refresh()
    children: list[W.Widget] = [W.HTML(f"<b>{html.escape(title)}</b>")] if title else []
    return W.VBox(children + [W.HBox(controls, layout=W.Layout(flex_flow="row wrap")), out])


def named(widget: W.Widget, name: str) -> W.Widget:
    """Tag a control with the keyword argument it feeds to the render function."""
    widget._hakit_name = name
    return widget


def show(widget: W.Widget) -> None:
    """Display a panel in JupyterLab; in the static book build show where to find it instead.

    A static page has no kernel, so a live ipywidgets panel there would freeze and mislead (and its
    loaders would come from a CDN). The panel is still built, so its callbacks run and fail loudly.
    ``HAKIT_BOOK_BUILD=1`` is set by ``tools/build_book.py`` for the kernels of the book build.
    """
    import os

    if os.environ.get("HAKIT_BOOK_BUILD") == "1":
        display(HTML(
            '<div class="hakit-widget-note" style="border:1px dashed #90a4ae;padding:6px 10px;'
            'color:#455a64"><b>提示</b>：交互面板（ipywidgets）需要运行中的内核：在 JupyterLab 中打开本页'
            '（<code>make lab</code>）即可使用。上方图中的滑块在静态网页中同样可用。</div>'
        ))
    else:
        display(widget)
