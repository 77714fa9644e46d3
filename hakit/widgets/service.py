"""Service 与 StatefulSet 面板（JupyterLab）：声明见 :mod:`hakit.panels.service`。"""
from hakit.panels.service import render_chain, render_statefulset
from hakit.widgets._common import build

__all__ = ["render_chain", "service_panel", "render_statefulset", "statefulset_panel"]


def service_panel():
    """控件：后端 Pod 数 n、未就绪的 Pod 序号（逗号分隔）。"""
    return build("service")


def statefulset_panel():
    """控件：replicas、要删除的序号、StatefulSet 名、headless Service 名。"""
    return build("statefulset")
