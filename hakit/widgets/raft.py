"""Raft 面板（JupyterLab）：声明见 :mod:`hakit.panels.raft`。"""
from hakit.panels.raft import LARGEST, render_raft
from hakit.widgets._common import build

__all__ = ["raft_panel", "render_raft", "LARGEST"]


def raft_panel():
    """Controls: nodes, election timeout, heartbeat, delay, loss, partition / crash toggles,
    PreVote, CheckQuorum, seed, horizon."""
    return build("raft")
