"""kube-proxy 规则数面板：任意 Service 数、端点数与 sessionAffinity。"""
from __future__ import annotations

from hakit.figures.kubeproxy import rules_bar_figure
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_rules"]


def render_rules(services: int = 1000, endpoints_per_service: int = 3, session_affinity: bool = False):
    """模型的 ``ValueError``（如负数）由面板显示为中文提示。"""
    return rules_bar_figure(services, endpoints_per_service, session_affinity)


PANEL = register(Panel(
    name="kubeproxy", title="iptables 模式的规则数", render=render_rules,
    controls=(
        Control("services", "int", "Service 数", 1000),
        Control("endpoints_per_service", "int", "端点数 n", 3),
        Control("session_affinity", "bool", "sessionAffinity: ClientIP", False),
    ),
    largest=dict(services=10_000, endpoints_per_service=100, session_affinity=True),
))
