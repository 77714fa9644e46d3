"""Sentinel + HAProxy 故障转移面板（JupyterLab）：声明见 :mod:`hakit.panels.sentinel`。"""
from hakit.panels.sentinel import render_failover
from hakit.widgets._common import build

__all__ = ["render_failover", "failover_panel"]


def failover_panel():
    """控件：down-after-milliseconds、Sentinel 数、quorum、随主节点失去的 Sentinel 数、HAProxy inter/fall/rise、故障类型。"""
    return build("failover")
