"""Panels, each declared once: its controls and the function that computes and draws.

A :class:`Panel` names its :class:`Control` s after the keyword parameters of its ``render``
function (``max_surge`` …), with a kind, a range or choices, a default and a Chinese label. Two
thin, generic front ends read the declaration: :mod:`hakit.widgets` builds ipywidgets for
JupyterLab, and :mod:`hakit.panels.browser` writes the HTML form of the static book, whose
script runs the same :meth:`Panel.compute` in Pyodide. Values from either front end go through
:meth:`Control.parse`, so bad input gives the same Chinese ``ValueError`` message in both.

Panels are registered by their modules (``hakit.panels.rollout`` …); :func:`get` imports the
module of a panel on demand, so the browser imports only what a page uses.
"""
from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Control", "Panel", "KINDS", "MODULES", "register", "get", "names"]

KINDS = ("int", "float", "text", "bool", "choice")

#: panel name -> module under hakit.panels that declares it
MODULES = {
    "nines": "availability", "composition": "availability", "hpa": "hpa", "kubeproxy": "kubeproxy",
    "leaderelection": "leaderelection", "probes": "probes", "quorum": "quorum", "raft": "raft",
    "rollout": "rollout", "failover": "sentinel", "service": "service", "statefulset": "service",
    "topology": "topology", "placement": "topology",
}

_INT = re.compile(r"[+-]?\d+")
_TRUE, _FALSE = {"true", "1", "on"}, {"false", "0", "off", ""}


@dataclass(frozen=True)
class Control:
    """One input of a panel. ``name`` is the render function's keyword parameter.

    ``kind``: ``int``/``float`` (``slider=True`` for a slider over ``min``..``max``, else a text
    box whose value is checked against ``min``/``max`` when given), ``text``, ``bool`` or
    ``choice`` (``choices`` = ``((label, value), …)``). ``width`` is a CSS width for the box.
    """

    name: str
    kind: str
    label: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple = ()
    placeholder: str = ""
    slider: bool = False
    width: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"control {self.name}: kind={self.kind!r} must be one of {KINDS}")
        if self.slider and (self.kind not in ("int", "float") or self.min is None or self.max is None):
            raise ValueError(f"control {self.name}: a slider needs kind int/float and min and max")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"control {self.name}: a choice needs choices")

    def parse(self, raw: Any) -> Any:
        """The Python value for ``raw`` (a widget value or the text of an HTML control).

        Raises ``ValueError`` with a Chinese message; never clamps."""
        parser = {"int": self._number, "float": self._number, "text": str, "bool": self._bool,
                  "choice": self._choice}[self.kind]
        return parser(raw)

    def _invalid(self, raw: Any, why: str) -> ValueError:
        return ValueError(f"{self.label}: Invalid value: {raw!r}: {why}")

    def _number(self, raw: Any) -> int | float:
        if isinstance(raw, bool):
            raise self._invalid(raw, "必须是数字")
        if isinstance(raw, str):
            text = raw.strip()
            if self.kind == "int":
                if not _INT.fullmatch(text):
                    raise self._invalid(raw, "必须是整数")
                value: int | float = int(text)
            else:
                try:
                    value = float(text)
                except ValueError:
                    raise self._invalid(raw, "必须是数字") from None
        elif self.kind == "float" and isinstance(raw, (int, float)):
            value = float(raw)
        elif isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer()):
            value = int(raw)
        else:
            raise self._invalid(raw, "必须是整数" if self.kind == "int" else "必须是数字")
        if isinstance(value, float) and not math.isfinite(value):
            raise self._invalid(raw, "必须是有限的数字")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise self._invalid(raw, f"必须在 {self.min:g} 到 {self.max:g} 之间" if self.min is not None
                                and self.max is not None else
                                (f"必须 ≥ {self.min:g}" if self.min is not None else f"必须 ≤ {self.max:g}"))
        return value

    def _bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise self._invalid(raw, "必须是 true 或 false")

    def _choice(self, raw: Any) -> Any:
        for _label, value in self.choices:
            if raw == value or str(raw) == str(value):
                return value
        allowed = "、".join(str(v) for _l, v in self.choices)
        raise ValueError(f"{self.label}: Unsupported value: {raw!r}: 支持的取值为 {allowed}")


@dataclass(frozen=True)
class Panel:
    """A panel: ``render(**values)`` returns a Plotly figure; ``controls`` feed its keywords."""

    name: str
    title: str
    controls: tuple[Control, ...]
    render: Callable[..., Any]
    #: the largest values the panel offers (benchmarks run the panel there)
    largest: dict = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.controls}

    def compute(self, values: dict[str, Any] | None = None) -> Any:
        """Parse ``values`` (missing ones take their defaults) and return ``render``'s figure."""
        values = dict(values or {})
        unknown = set(values) - {c.name for c in self.controls}
        if unknown:
            raise ValueError(f"panel {self.name}: unknown controls {sorted(unknown)}")
        kwargs = {c.name: c.parse(values.get(c.name, c.default)) for c in self.controls}
        return self.render(**kwargs)


_REGISTRY: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Register a declared panel (called once by its module)."""
    if MODULES.get(panel.name) is None:
        raise ValueError(f"panel {panel.name!r} is not listed in hakit.panels.MODULES")
    _REGISTRY[panel.name] = panel
    return panel


def get(name: str) -> Panel:
    """The panel declared as ``name`` (its module is imported on first use)."""
    if name not in MODULES:
        raise KeyError(f"没有名为 {name!r} 的面板；已有：{', '.join(sorted(MODULES))}")
    if name not in _REGISTRY:
        importlib.import_module(f"hakit.panels.{MODULES[name]}")
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(MODULES)
