"""Service（KUBE-SVC 链）与 StatefulSet 身份的面板 (JupyterLab)。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures import service as FS
from hakit.widgets._common import named, panel

__all__ = ["render_chain", "service_panel", "render_statefulset", "statefulset_panel"]


def _parse_unready(text: str) -> set[int]:
    out = set()
    for part in str(text).replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"unready: Invalid value: {part!r}: 请填写 Pod 序号（非负整数），用逗号分隔，例如 0,2")
        out.add(int(part))
    return out


def render_chain(n: int = 3, unready: str = "") -> go.Figure:
    """n 个 Pod，``unready`` 中列出的序号未就绪：画出每个 Pod 的概率与链中的规则（一个情形）。"""
    bad = _parse_unready(unready)
    missing = sorted(i for i in bad if i >= n)
    if missing:
        raise ValueError(f"unready: Invalid value: {missing}: 只有 pod-0 到 pod-{n - 1}")
    from hakit.models import service as S
    eps = S.endpoint_slice([(f"pod-{i}", f"10.244.1.{10 + i}", i not in bad) for i in range(n)])
    rules = S.kube_svc_rules(eps)
    shares = S.endpoint_shares(rules)
    fig = FS.kube_svc_figure(n_grid=(n,), n=n, unready_choices=())
    fig.data[0].y = [float(shares.get(e.pod, 0)) for e in eps]
    fig.data[0].text = [f"{shares[e.pod]}" if e.pod in shares else "未就绪" for e in eps]
    fig.data[0].marker.color = ["#43a047" if e.pod in shares else "#bdbdbd" for e in eps]
    fig.layout.annotations[0].text = "<br>".join(S.iptables_save(eps)[:1 + len(rules)]).replace(" -m comment --comment \"default/web:http\"", "")
    fig.layout.annotations[0].font.size = 9
    fig.update_layout(sliders=[], updatemenus=[])
    return fig


def service_panel() -> W.VBox:
    """控件：后端 Pod 数 n、未就绪的 Pod 序号（逗号分隔）。"""
    controls = [
        named(W.IntSlider(value=3, min=1, max=12, description="Pod 数 n"), "n"),
        named(W.Text(value="", description="未就绪序号", placeholder="例如 0,2"), "unready"),
    ]
    return panel(controls, render_chain, "ClusterIP 的 KUBE-SVC 链")


def render_statefulset(replicas: int = 3, delete: int = 1, name: str = "web", service: str = "nginx") -> go.Figure:
    """StatefulSet 身份表（最后一步：删除 ``delete`` 号 Pod 并重建之后）。"""
    return FS.statefulset_figure(name=name, replicas=replicas, service=service, delete=delete)


def statefulset_panel() -> W.VBox:
    """控件：replicas、要删除的序号、StatefulSet 名、headless Service 名。"""
    controls = [
        named(W.IntSlider(value=3, min=1, max=8, description="replicas"), "replicas"),
        named(W.IntSlider(value=1, min=0, max=7, description="删除序号"), "delete"),
        named(W.Text(value="web", description="名称"), "name"),
        named(W.Text(value="nginx", description="Service"), "service"),
    ]
    return panel(controls, render_statefulset, "StatefulSet 的稳定身份")
