"""The JupyterLab front end: ipywidgets built from the panel declarations in :mod:`hakit.panels`;
bad input becomes a Chinese message, never a traceback."""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as W
from IPython.display import HTML, display

from hakit.panels import Control
from hakit.panels import get as get_panel


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


def _widget_for(control: Control) -> W.Widget:
    """The ipywidget for one declared control (sliders for ranges, plain boxes otherwise: a box
    never clamps, :meth:`Control.parse` checks its range)."""
    style = {"description_width": "initial"}
    extra = {"layout": W.Layout(width=control.width)} if control.width else {}
    kw = dict(value=control.default, description=control.label, style=style, **extra)
    if control.kind in ("int", "float") and control.slider:
        cls = W.IntSlider if control.kind == "int" else W.FloatSlider
        step = {"step": control.step} if control.step is not None else {}
        return cls(min=control.min, max=control.max, **step, **kw)
    if control.kind == "int":
        return W.IntText(**kw)
    if control.kind == "float":
        return W.FloatText(**({"step": control.step} if control.step is not None else {}), **kw)
    if control.kind == "bool":
        return W.Checkbox(**kw)
    if control.kind == "choice":
        return W.Dropdown(options=list(control.choices), **kw)
    return W.Text(placeholder=control.placeholder, **kw)


def build(name: str) -> W.VBox:
    """The JupyterLab front end of the panel declared as ``name`` in :mod:`hakit.panels`.

    Every value goes through :meth:`hakit.panels.Panel.compute`, the same call the static book
    makes in the browser, so both show the same Chinese message for bad input."""
    decl = get_panel(name)
    controls = [named(_widget_for(c), c.name) for c in decl.controls]
    box = panel(controls, lambda **values: decl.compute(values), decl.title)
    box._hakit_panel = decl.name
    return box


def show(widget: W.Widget) -> None:
    """Display a panel in JupyterLab; in the static book build, the live panel instead.

    A static page has no kernel: there the panel's HTML form (:func:`hakit.panels.browser.panel_html`)
    runs the same declaration in the reader's browser (Pyodide) once the reader presses its button.
    ``HAKIT_BOOK_BUILD=1`` is set by ``tools/build_book.py`` for the kernels of the book build.
    """
    import os

    name = getattr(widget, "_hakit_panel", None)
    if not name:
        display(widget)
        return
    from hakit.panels.browser import panel_html

    if os.environ.get("HAKIT_BOOK_BUILD") == "1":
        display(HTML(panel_html(name)))
        return
    # JupyterLab renders the widget; the live panel's HTML rides along as the fallback, so an
    # output executed outside the book build (a reused execution cache) still carries it.
    bundle = widget._repr_mimebundle_()
    display({**bundle, "text/html": panel_html(name)}, raw=True)
