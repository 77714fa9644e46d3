"""Raft 选举与日志复制面板（离散事件模拟）。

The controls feed :func:`render_raft`, which runs :func:`hakit.models.raft.simulate` and draws
:func:`hakit.figures.raft.raft_timeline_figure`. Numbers are plain text boxes (never clamped):
an invalid value shows a Chinese message.
"""
from __future__ import annotations

from hakit.figures.raft import raft_timeline_figure
from hakit.models import raft as R
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_raft", "LARGEST"]

#: At most this many heartbeat intervals per run: a run is about (followers × periods) messages
#: in pure Python, and the panel must redraw within ~100 ms in the browser (WebAssembly).
MAX_PERIODS = 600

#: The largest values the panel offers (used by the benchmark).
LARGEST = dict(n=9, election_timeout_ms=1000, heartbeat_ms=100, delay_max_ms=50.0, loss=0.0,
               partition=True, crash=True, pre_vote=True, check_quorum=True, seed=0, horizon_s=60)


def render_raft(n: int, election_timeout_ms: float, heartbeat_ms: float, delay_max_ms: float, loss: float,
                partition: bool, crash: bool, pre_vote: bool, check_quorum: bool, seed: int, horizon_s: float):
    """The callback behind the panel. ``partition``: the leader is cut off from the others
    between 30 % and 70 % of the run; ``crash``: the leader crashes at 40 % and restarts at 80 %."""
    if not isinstance(horizon_s, (int, float)) or not 0 < horizon_s <= 60:
        raise ValueError(f"模拟时长: Invalid value: {horizon_s!r}: 必须在 (0, 60] 秒之间")
    if horizon_s * 1000.0 / heartbeat_ms > MAX_PERIODS:
        raise ValueError(f"模拟时长: Invalid value: {horizon_s!r}: 面板一次最多模拟 {MAX_PERIODS} 个心跳周期，"
                         f"heartbeat {heartbeat_ms:g} ms 时最长 {MAX_PERIODS * heartbeat_ms / 1000:g} s")
    cfg = R.RaftConfig(n=n, heartbeat_ms=heartbeat_ms, election_timeout_ms=election_timeout_ms,
                       delay_ms=(min(1.0, delay_max_ms), delay_max_ms), loss=loss,
                       pre_vote=pre_vote, check_quorum=check_quorum)
    H = horizon_s * 1000.0
    parts = (R.Partition(0.3 * H, 0.7 * H, (("leader",),)),) if partition else ()
    crashes = (R.Crash("leader", 0.4 * H, 0.8 * H),) if crash else ()
    # a client write every 250 ms, at most 100 in a run: on a 60 s axis closer commit marks would
    # merge into a band, and every write costs the simulation a round of appends
    tr = R.simulate(cfg, horizon_ms=H, seed=seed, partitions=parts, crashes=crashes,
                    write_every_ms=max(250.0, H / 100), record_messages=False)
    return raft_timeline_figure(tr)


PANEL = register(Panel(
    name="raft", title="Raft 选举与日志复制（离散事件模拟）", render=render_raft,
    controls=(
        Control("n", "int", "节点数 n", 5, min=1, max=9, width="230px"),
        Control("election_timeout_ms", "float", "election timeout (ms)", 1000.0, width="230px"),
        Control("heartbeat_ms", "float", "heartbeat (ms)", 100.0, min=10, max=1000, width="230px"),
        Control("delay_max_ms", "float", "最大延迟 (ms)", 5.0, width="230px"),
        Control("loss", "float", "丢包率", 0.0, min=0.0, max=0.5, step=0.05, slider=True),
        Control("partition", "bool", "网络分区（隔离 Leader）", True),
        Control("crash", "bool", "Leader 崩溃", False),
        Control("pre_vote", "bool", "PreVote", True),
        Control("check_quorum", "bool", "CheckQuorum", True),
        Control("seed", "int", "seed", 1, width="230px"),
        Control("horizon_s", "float", "模拟时长 (s)", 8.0, width="230px"),
    ),
    largest=LARGEST,
))
