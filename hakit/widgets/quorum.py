"""法定人数面板（JupyterLab）：声明见 :mod:`hakit.panels.quorum`。"""
from hakit.panels.quorum import render_quorum
from hakit.widgets._common import build

__all__ = ["render_quorum", "quorum_panel"]


def quorum_panel():
    """控件：n、p (%)、存活成员数。"""
    return build("quorum")
