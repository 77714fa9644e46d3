"""kube-proxy 规则数面板 (JupyterLab)：任意 Service 数、端点数与 sessionAffinity。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures.kubeproxy import rules_bar_figure
from hakit.widgets._common import named, panel

__all__ = ["render_rules", "kubeproxy_panel"]


def render_rules(services: int = 1000, endpoints_per_service: int = 3, session_affinity: bool = False) -> go.Figure:
    """模型的 ``ValueError``（如负数）由面板显示为中文提示。"""
    return rules_bar_figure(services, endpoints_per_service, session_affinity)


def kubeproxy_panel() -> W.VBox:
    """控件：Service 数、每个 Service 的端点数、sessionAffinity: ClientIP。"""
    controls = [
        named(W.IntText(value=1000, description="Service 数"), "services"),
        named(W.IntText(value=3, description="端点数 n"), "endpoints_per_service"),
        named(W.Checkbox(value=False, description="sessionAffinity: ClientIP"), "session_affinity"),
    ]
    return panel(controls, render_rules, "iptables 模式的规则数")
