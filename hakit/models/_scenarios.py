"""Named scenario tables shared by the simulators (probes, raft).

A table maps a scenario name to ``{"label": ..., "title": ..., "kwargs": {...}}``; the kwargs are
passed to the module's ``simulate``.
"""
from __future__ import annotations

from collections.abc import Mapping


def names(table: Mapping) -> list:
    """The scenario names, in the table's (teaching) order."""
    return list(table)


def kwargs(table: Mapping, name: str) -> dict:
    """A copy of the keyword arguments of scenario ``name``; an unknown name is a Chinese ValueError."""
    if name not in table:
        raise ValueError(f"未知场景 {name!r}；可选：{', '.join(table)}")
    return dict(table[name]["kwargs"])
