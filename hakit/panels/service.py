"""Service（KUBE-SVC 链）与 StatefulSet 身份的面板。"""
from __future__ import annotations

from hakit.figures import service as FS
from hakit.models import service as S
from hakit.panels import Control, Panel, register

__all__ = ["SERVICE", "STATEFULSET", "render_chain", "render_statefulset"]


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


def render_chain(n: int = 3, unready: str = ""):
    """n 个 Pod，``unready`` 中列出的序号未就绪：画出每个 Pod 的概率与链中的规则（一个情形）。"""
    bad = _parse_unready(unready)
    missing = sorted(i for i in bad if i >= n)
    if missing:
        raise ValueError(f"unready: Invalid value: {missing}: 只有 pod-0 到 pod-{n - 1}")
    eps = S.endpoint_slice([(f"pod-{i}", f"10.244.1.{10 + i}", i not in bad) for i in range(n)])
    return FS.kube_svc_chain_figure(eps)


def render_statefulset(replicas: int = 3, delete: int = 1, name: str = "web", service: str = "nginx"):
    """StatefulSet 身份表（最后一步：删除 ``delete`` 号 Pod 并重建之后）。"""
    return FS.statefulset_figure(name=name, replicas=replicas, service=service, delete=delete)


SERVICE = register(Panel(
    name="service", title="ClusterIP 的 KUBE-SVC 链", render=render_chain,
    controls=(
        Control("n", "int", "Pod 数 n", 3, min=1, max=12, slider=True),
        Control("unready", "text", "未就绪序号", "", placeholder="例如 0,2"),
    ),
    largest=dict(n=12, unready="3"),
))

STATEFULSET = register(Panel(
    name="statefulset", title="StatefulSet 的稳定身份", render=render_statefulset,
    controls=(
        Control("replicas", "int", "replicas", 3, min=1, max=8, slider=True),
        Control("delete", "int", "删除序号", 1, min=0, max=7, slider=True),
        Control("name", "text", "名称", "web"),
        Control("service", "text", "Service", "nginx"),
    ),
    largest=dict(replicas=8, delete=7),
))
