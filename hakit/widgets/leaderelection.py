"""领导者选举面板（JupyterLab）：声明见 :mod:`hakit.panels.leaderelection`。"""
from hakit.panels.leaderelection import render_leaderelection
from hakit.widgets._common import build

__all__ = ["render_leaderelection", "leaderelection_panel"]


def leaderelection_panel():
    """控件是纯文本/数值框（从不截断）；不合法的组合显示中文提示。"""
    return build("leaderelection")
