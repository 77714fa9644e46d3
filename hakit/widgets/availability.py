"""可用性面板（JupyterLab）：声明见 :mod:`hakit.panels.availability`。"""
from hakit.panels.availability import render_composition, render_nines
from hakit.widgets._common import build

__all__ = ["render_nines", "nines_panel", "render_composition", "composition_panel"]


def nines_panel():
    """控件：可用性 (%)、一次中断的分钟数。"""
    return build("nines")


def composition_panel():
    """控件：p (%)、n、k。"""
    return build("composition")
