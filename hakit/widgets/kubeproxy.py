"""kube-proxy 规则数面板（JupyterLab）：声明见 :mod:`hakit.panels.kubeproxy`。"""
from hakit.panels.kubeproxy import render_rules
from hakit.widgets._common import build

__all__ = ["render_rules", "kubeproxy_panel"]


def kubeproxy_panel():
    """控件：Service 数、每个 Service 的端点数、sessionAffinity: ClientIP。"""
    return build("kubeproxy")
