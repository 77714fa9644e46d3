"""ipywidgets panel for the Raft simulation (JupyterLab).

The controls feed :func:`render_raft`, which runs :func:`hakit.models.raft.simulate` and draws
:func:`hakit.figures.raft.raft_timeline_figure`. Numbers are plain text boxes (never clamped):
an invalid value shows a Chinese message.
"""
from __future__ import annotations

import ipywidgets as W

from hakit.figures.raft import raft_timeline_figure
from hakit.models import raft as R
from hakit.widgets._common import named, panel

#: The largest values the panel offers (used by the benchmark).
LARGEST = dict(n=9, election_timeout_ms=100, heartbeat_ms=10, delay_max_ms=50.0, loss=0.5,
               partition=True, crash=True, pre_vote=True, check_quorum=True, seed=0, horizon_s=60)


def render_raft(n: int, election_timeout_ms: float, heartbeat_ms: float, delay_max_ms: float, loss: float,
                partition: bool, crash: bool, pre_vote: bool, check_quorum: bool, seed: int, horizon_s: float):
    """The callback behind the panel. ``partition``: the leader is cut off from the others
    between 30 % and 70 % of the run; ``crash``: the leader crashes at 40 % and restarts at 80 %."""
    if not isinstance(horizon_s, (int, float)) or not 0 < horizon_s <= 60:
        raise ValueError(f"模拟时长: Invalid value: {horizon_s!r}: 必须在 (0, 60] 秒之间")
    cfg = R.RaftConfig(n=n, heartbeat_ms=heartbeat_ms, election_timeout_ms=election_timeout_ms,
                       delay_ms=(min(1.0, delay_max_ms), delay_max_ms), loss=loss,
                       pre_vote=pre_vote, check_quorum=check_quorum)
    H = horizon_s * 1000.0
    parts = (R.Partition(0.3 * H, 0.7 * H, (("leader",),)),) if partition else ()
    crashes = (R.Crash("leader", 0.4 * H, 0.8 * H),) if crash else ()
    tr = R.simulate(cfg, horizon_ms=H, seed=seed, partitions=parts, crashes=crashes,
                    write_every_ms=max(heartbeat_ms, H / 200), record_messages=False)
    return raft_timeline_figure(tr)


def raft_panel() -> W.VBox:
    """Controls: nodes, election timeout, heartbeat, delay, loss, partition / crash toggles,
    PreVote, CheckQuorum, seed, horizon."""
    style = {"description_width": "initial"}
    lay = W.Layout(width="230px")
    controls = [
        named(W.IntText(value=5, description="节点数 n", style=style, layout=lay), "n"),
        named(W.FloatText(value=1000, description="election timeout (ms)", style=style, layout=lay),
              "election_timeout_ms"),
        named(W.FloatText(value=100, description="heartbeat (ms)", style=style, layout=lay), "heartbeat_ms"),
        named(W.FloatText(value=5, description="最大延迟 (ms)", style=style, layout=lay), "delay_max_ms"),
        named(W.FloatSlider(value=0.0, min=0.0, max=0.5, step=0.05, description="丢包率", style=style), "loss"),
        named(W.Checkbox(value=True, description="网络分区（隔离 Leader）", style=style), "partition"),
        named(W.Checkbox(value=False, description="Leader 崩溃", style=style), "crash"),
        named(W.Checkbox(value=False, description="PreVote", style=style), "pre_vote"),
        named(W.Checkbox(value=False, description="CheckQuorum", style=style), "check_quorum"),
        named(W.IntText(value=1, description="seed", style=style, layout=lay), "seed"),
        named(W.FloatText(value=8, description="模拟时长 (s)", style=style, layout=lay), "horizon_s"),
    ]
    return panel(controls, render_raft, title="Raft 选举与日志复制（离散事件模拟）")
