"""Raft 领导者选举与日志复制的离散事件模拟 (leader election + log replication), with etcd's timing.

Sources (each rule in the code cites one of these):
- [RAFT] D. Ongaro, J. Ousterhout, "In Search of an Understandable Consensus Algorithm"
  (USENIX ATC 2014): Figure 2 (persistent state currentTerm/votedFor/log, volatile commitIndex;
  RequestVote and AppendEntries receiver rules), §5.2 election, §5.3 log replication, §5.4.1
  election restriction (up-to-date log), §5.4.2 a leader only commits entries of its own term.
- [THESIS] D. Ongaro, "Consensus: Bridging Theory and Practice" (2014) §9.6 Pre-Vote, §6.2 a
  leader steps down without a quorum (CheckQuorum).
- [RAFT-GO] go.etcd.io/raft/v3 v3.6.0 (the version etcd v3.6 builds with, server/go.mod),
  raft.go: ``resetRandomizedElectionTimeout`` (:2049, ``electionTimeout + rand.Intn(electionTimeout)``
  ticks), ``tickElection`` (:850), ``tickHeartbeat`` (:862, MsgCheckQuorum every fixed
  ``electionTimeout`` ticks), ``becomePreCandidate`` (:917, keeps term, vote and randomized timeout),
  ``Step`` (:1095 lease ``inLease := r.checkQuorum && r.lead != None && r.electionElapsed <
  r.electionTimeout``; :1126 answer a lower-term MsgApp/MsgHeartbeat only with CheckQuorum or PreVote;
  :1206 ``canVote``), stepLeader MsgCheckQuorum (:1273, ``QuorumActive`` then clear RecentActive),
  MsgHeartbeatResp (:1571), stepCandidate VoteLost (:1702), ``sendHeartbeat`` (:700, commit =
  min(match, committed)), ``becomeLeader`` (an empty entry of the new term). etcd v3.4's in-tree
  raft (etcd-io/etcd v3.4.23 raft/raft.go:846, :1587) has the same rules.
- [ETCD] etcd-io/etcd v3.6.14: server/embed/config.go:671-673 (``TickMs: 100``, ``ElectionMs: 1000``,
  ``InitialElectionTickAdvance: true``), :695 (``PreVote: true``), :1270 (election timeout at least
  5 × heartbeat), :125 (``maxElectionMs = 50000``), :1497 (``ElectionTicks = ElectionMs / TickMs``);
  server/etcdserver/bootstrap.go:524-535 (``HeartbeatTick: 1``, ``CheckQuorum: true``);
  server/etcdserver/server.go:476-536 (``adjustTicks``: a single member advances ElectionTicks-1
  ticks; a member of a larger cluster, once more than one peer is connected (polled every 50 ms
  for up to 5 s), advances ElectionTicks-2 ticks). etcd v3.4.23: embed/config.go:438
  (``PreVote: false``), etcdserver/raft.go:552 (``CheckQuorum: true``), server.go:680-726 (same
  tick advance).

Model: every node has its own ticker (period ``heartbeat_ms``, one raft tick as in etcd, random
phase); election timeouts are whole ticks; a leader heartbeats every tick. Commit is quorum
replication — an entry of the leader's current term is committed once stored on a majority (the
leader included) [RAFT §5.3, §5.4.2] — not two-phase commit. Simplifications: no flow control
(probe/replicate states, inflight limits), no snapshots, no membership changes; a client write
goes to whichever node is leader with the highest term.

Speed: election timers are lazy (an event only when a deadline can be due), and while a follower
is in step with its leader the leader's heartbeats and their responses are not queued one by one:
they are drawn when the leader ticks and applied, in arrival order, the next time the follower or
the leader has an event (see ``_Sim.flush``). ``record_messages=True`` queues every message.

Public API:
- ``RaftConfig`` / ``ETCD_DEFAULTS`` / ``ETCD_V34_DEFAULTS``
- ``Partition(start, end, groups)``, ``Crash(node, at, restart_at)`` (node may be ``"leader"``)
- ``simulate(config, *, horizon_ms, seed, partitions, crashes, writes, write_every_ms,
  record_messages)`` -> ``RaftTrace``
- ``SCENARIOS`` / ``scenario(name)`` / ``scenario_names()``
"""
from __future__ import annotations

import heapq
import math
import numbers
import operator
import random
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Union

from hakit.models import _scenarios
from hakit.models.quorum import majority

__all__ = ["RaftConfig", "ETCD_DEFAULTS", "ETCD_V34_DEFAULTS", "Partition", "Crash", "RaftTrace", "simulate",
           "SCENARIOS", "scenario", "scenario_names", "ROLES", "RoleSegment", "Election", "Commit", "Write",
           "Message", "Entry", "PartitionSpan", "CrashSpan", "Violation"]

ROLES = ("follower", "precandidate", "candidate", "leader", "down")
_FOL, _PRE, _CAN, _LEAD, _DOWN = ROLES

# message kinds (PV = pre-vote); a message is a plain tuple (kind, term, src, ...)
_PV, _PVR, _RV, _RVR, _AE, _AER, _HB, _HBR = range(8)
_KIND_NAMES = ("PV", "PVR", "RV", "RVR", "AE", "AER", "HB", "HBR")
# event kinds; lower sorts first at equal times
_E_CRASH, _E_RESTART, _E_PART, _E_PART_END, _E_MSG, _E_TIMER, _E_LTICK, _E_WRITE, _E_ADVANCE, _E_WAKE = range(10)

_ADVANCE_POLL_MS = 50.0   # [ETCD] adjustTicks polls ActivePeers every 50 ms ...
_ADVANCE_POLLS = 100      # ... for rafthttp.ConnReadTimeout (5 s)
_MAX_ENTRIES = 64         # entries per AppendEntries
_WON, _LOST, _PENDING = range(3)


_arrival = operator.itemgetter(0)


def _stopped(nd, until: float) -> bool:
    """``nd`` is down and does not restart by ``until`` (a message arriving by then is dropped)."""
    return not nd.alive and (nd.restart_at is None or nd.restart_at > until)


class RoleSegment(NamedTuple):
    start: float
    end: float
    role: str
    term: int


class Election(NamedTuple):
    time: float
    term: int
    winner: int


class Commit(NamedTuple):
    time: float
    index: int
    term: int
    value: Optional[int]


class Write(NamedTuple):
    time: float
    leader: Optional[int]
    index: Optional[int]
    term: Optional[int]
    value: int


class Message(NamedTuple):
    send: float
    recv: float
    src: int
    dst: int
    kind: str
    term: int
    delivered: bool


class Entry(NamedTuple):
    term: int
    value: Optional[int]


class PartitionSpan(NamedTuple):
    start: float
    end: float
    groups: tuple


class CrashSpan(NamedTuple):
    node: int
    at: float
    restart_at: Optional[float]


class Violation(NamedTuple):
    time: Optional[float]
    text: str


def _num(name: str, v: object, lo: float, *, lo_open: bool = False, hi: Optional[float] = None,
         hi_open: bool = False) -> None:
    if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是有限的数")
    if (v <= lo) if lo_open else (v < lo):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须{'>' if lo_open else '≥'} {lo:g}")
    if hi is not None and ((v >= hi) if hi_open else (v > hi)):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须{'<' if hi_open else '≤'} {hi:g}")


def _whole_ms(name: str, v: object, flag: str) -> None:
    _num(name, v, 0, lo_open=True)
    if not float(v).is_integer():
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是整数毫秒（etcd 的 {flag} 是整数毫秒）")


@dataclass(frozen=True)
class RaftConfig:
    """Cluster and network parameters (times in milliseconds); the defaults are etcd v3.6's.

    - ``n``: cluster size (1–9).
    - ``heartbeat_ms``: etcd ``--heartbeat-interval`` = the raft tick; a leader heartbeats every tick
      [ETCD bootstrap.go ``HeartbeatTick: 1``].
    - ``election_timeout_ms``: etcd ``--election-timeout``; ``election_ticks`` =
      election_timeout_ms // heartbeat_ms, and each reset draws a whole number of ticks in
      [election_ticks, 2 × election_ticks) [RAFT-GO resetRandomizedElectionTimeout]. etcd requires
      at least 5 × heartbeat_ms and at most 50000 ms [ETCD config.go].
    - ``delay_ms``: (min, max) one-way message delay, uniform; ``loss``: drop probability in [0, 1).
    - ``pre_vote``: etcd ``--pre-vote`` (true since v3.5, false in v3.4); ``check_quorum``: always
      true in etcd [ETCD bootstrap.go]; here a switch to show what it prevents.
    - ``initial_election_tick_advance``: etcd ``--initial-election-tick-advance`` (default true).
    """

    n: int = 5
    heartbeat_ms: float = 100.0
    election_timeout_ms: float = 1000.0
    delay_ms: tuple = (1.0, 5.0)
    loss: float = 0.0
    pre_vote: bool = True
    check_quorum: bool = True
    initial_election_tick_advance: bool = True

    @property
    def election_ticks(self) -> int:
        """``ElectionTicks = ElectionMs / TickMs`` (integer division) [ETCD config.go:1497]."""
        return int(self.election_timeout_ms) // int(self.heartbeat_ms)

    def validate(self) -> None:
        if not isinstance(self.n, numbers.Integral) or isinstance(self.n, bool) or not 1 <= self.n <= 9:
            raise ValueError(f"n: Invalid value: {self.n!r}: 集群成员数必须是 1 到 9 之间的整数")
        _whole_ms("heartbeat_ms", self.heartbeat_ms, "--heartbeat-interval")
        _whole_ms("election_timeout_ms", self.election_timeout_ms, "--election-timeout")
        if self.election_timeout_ms < 5 * self.heartbeat_ms:
            raise ValueError(f"election_timeout_ms: Invalid value: {self.election_timeout_ms:g}: 必须至少是 "
                             f"heartbeat_ms（{self.heartbeat_ms:g}）的 5 倍（etcd 拒绝更小的 --election-timeout）")
        if self.election_timeout_ms > 50_000:
            raise ValueError(f"election_timeout_ms: Invalid value: {self.election_timeout_ms:g}: "
                             "必须 ≤ 50000（etcd 的上限 maxElectionMs）")
        d = self.delay_ms
        if not isinstance(d, (tuple, list)) or len(d) != 2:
            raise ValueError(f"delay_ms: Invalid value: {d!r}: 必须是 (最小, 最大) 两个毫秒数")
        _num("delay_ms[0]", d[0], 0)
        _num("delay_ms[1]", d[1], 0)
        if d[0] > d[1]:
            raise ValueError(f"delay_ms: Invalid value: {tuple(d)!r}: 最小延迟不能大于最大延迟")
        _num("loss", self.loss, 0, hi=1, hi_open=True)
        for name in ("pre_vote", "check_quorum", "initial_election_tick_advance"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: Invalid value: {getattr(self, name)!r}: 必须是 True 或 False")


#: etcd v3.6 (the version Kubernetes ships): heartbeat 100 ms, election timeout 1000 ms,
#: CheckQuorum on, PreVote on, initial election tick advance on [ETCD].
ETCD_DEFAULTS = RaftConfig()
#: etcd v3.4 (the Debian 12 lab binary, 3.4.23): the same except ``--pre-vote`` false.
ETCD_V34_DEFAULTS = RaftConfig(pre_vote=False)


@dataclass(frozen=True)
class Partition:
    """From ``start`` to ``end`` ms only nodes in the same group can talk (messages sent earlier
    are still delivered).

    ``groups``: a tuple of node-id collections; the string ``"leader"`` inside a group stands for
    the node that is leader at ``start``. Nodes named in no group form one more group together.
    """

    start: float
    end: float
    groups: tuple


@dataclass(frozen=True)
class Crash:
    """Node ``node`` stops at ``at`` ms; restarts at ``restart_at`` (None = stays down).

    ``node`` may be ``"leader"``: whoever leads at ``at`` (nothing happens if there is none).
    Persistent state (currentTerm, votedFor, log) survives; volatile state (commitIndex, role,
    leader state) does not [RAFT Figure 2]. A restarted member advances its ticks as etcd does.
    """

    node: Union[int, str]
    at: float
    restart_at: Optional[float] = None


@dataclass
class RaftTrace:
    """Result of :func:`simulate` (rows are named tuples; their field order is the old tuple order).

    - ``roles[node]``: [RoleSegment(start, end, role, term)], role in ``ROLES``
    - ``elections``: [Election(time, term, winner)]
    - ``commits``: [Commit(time, index, term, value)] the first time each index is committed
    - ``writes``: [Write(time, leader, index, term, value)] client writes (``leader`` None: refused)
    - ``messages``: [Message(send, recv, src, dst, kind, term, delivered)] if recorded, kind in
      PV/PVR/RV/RVR/AE/AER/HB/HBR
    - ``logs[node]``: final log [Entry(term, value)]; ``commit_index[node]``: final commit index
    - ``violations``: [Violation(time, text)] safety violations found while running (must stay empty)
    - ``partitions`` / ``crashes``: [PartitionSpan(start, end, groups)] and [CrashSpan(node, at, restart_at)]
    """

    config: RaftConfig
    horizon_ms: float
    seed: int
    roles: dict = field(default_factory=dict)
    elections: list = field(default_factory=list)
    commits: list = field(default_factory=list)
    writes: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    logs: dict = field(default_factory=dict)
    commit_index: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    partitions: list = field(default_factory=list)
    crashes: list = field(default_factory=list)

    def leaders_by_term(self) -> dict:
        """{term: set of nodes that became leader in that term} (must have size 1)."""
        out: dict = {}
        for _t, term, node in self.elections:
            out.setdefault(term, set()).add(node)
        return out

    def leaders_at(self, t: float) -> list:
        """[(node, term)] of every node that considers itself leader at time ``t``, sorted by node."""
        return sorted((node, s.term) for node, segs in self.roles.items() for s in segs
                      if s.role == _LEAD and s.start <= t < s.end)

    def leader_at(self, t: float) -> Optional[int]:
        """Node that is leader at time ``t`` with the highest term, or None."""
        best = max(self.leaders_at(t), key=lambda nt: nt[1], default=None)
        return None if best is None else best[0]

    def leadership_end(self, node: int, term: int) -> Optional[float]:
        """When ``node`` stopped being leader of ``term`` (the horizon if it still was), or None."""
        ends = [s.end for s in self.roles.get(node, []) if s.role == _LEAD and s.term == term]
        return max(ends) if ends else None

    def first_leader_time(self, after: float = 0.0) -> Optional[float]:
        """Time of the first election at or after ``after``."""
        ts = [t for t, _term, _w in self.elections if t >= after]
        return min(ts) if ts else None


def _node_id(m: object, n: int, what: str) -> None:
    if m == "leader" and isinstance(m, str):
        return
    if not isinstance(m, numbers.Integral) or isinstance(m, bool) or not 0 <= m < n:
        raise ValueError(f"{what}: Invalid value: {m!r}: 节点编号必须在 0 到 {n - 1} 之间，或为 \"leader\"")


def _validate_partition(p: object, n: int) -> None:
    if not isinstance(p, Partition):
        raise ValueError(f"partitions: Invalid value: {p!r}: 每一项必须是 Partition(start, end, groups)")
    _num("Partition.start", p.start, 0)
    _num("Partition.end", p.end, 0)
    if p.end <= p.start:
        raise ValueError(f"Partition: Invalid value: ({p.start:g}, {p.end:g}): end 必须大于 start")
    if isinstance(p.groups, (str, bytes)) or not isinstance(p.groups, (tuple, list)):
        raise ValueError(f"Partition.groups: Invalid value: {p.groups!r}: 必须是若干组节点编号，例如 ((0, 1),)")
    seen = set()
    for g in p.groups:
        if isinstance(g, (str, bytes)) or not isinstance(g, (tuple, list, set, frozenset)):
            raise ValueError(f"Partition.groups: Invalid value: {g!r}: 每一组必须是节点编号的元组，例如 (0, 1)")
        for m in g:
            _node_id(m, n, "Partition.groups")
            if m in seen:
                raise ValueError(f"Partition.groups: Invalid value: {m!r}: 同一节点不能出现在两个分组中")
            seen.add(m)


def _validate_crash(c: object, n: int) -> None:
    if not isinstance(c, Crash):
        raise ValueError(f"crashes: Invalid value: {c!r}: 每一项必须是 Crash(node, at, restart_at)")
    _node_id(c.node, n, "Crash.node")
    _num("Crash.at", c.at, 0)
    if c.restart_at is not None:
        _num("Crash.restart_at", c.restart_at, 0)
        if c.restart_at <= c.at:
            raise ValueError(f"Crash.restart_at: Invalid value: {c.restart_at:g}: 必须晚于 at（{c.at:g}）")


def _validate_inputs(config, horizon_ms, seed, partitions, crashes, writes, write_every_ms) -> None:
    if not isinstance(config, RaftConfig):
        raise ValueError("config 必须是 RaftConfig 对象（例如 ETCD_DEFAULTS）")
    config.validate()
    _num("horizon_ms", horizon_ms, 0, lo_open=True, hi=3_600_000)
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise ValueError(f"seed: Invalid value: {seed!r}: 必须是整数")
    for p in partitions:
        _validate_partition(p, config.n)
    for c in crashes:
        _validate_crash(c, config.n)
    for w in writes:
        _num("writes[]", w, 0)
    if write_every_ms is not None:
        _num("write_every_ms", write_every_ms, 1)


class _Node:
    """One member: persistent state (term, vote, log), volatile state, its ticker and, while it
    leads, the leader's per-peer progress. ``pending``: heartbeats in flight to it that are applied
    lazily (see ``_Sim.flush``); ``resp``: (leader) per peer, arrival times of heartbeat responses."""

    __slots__ = ("i", "alive", "epoch", "term", "vote", "log", "commit", "role", "lead", "phase", "ref", "base",
                 "rto", "tgen", "timer_at", "votes", "lead_tick0", "next", "match", "active", "resp", "pending",
                 "seg", "restart_at", "hb_k", "next_tick_k", "idle")

    def __init__(self, i: int, n: int, phase: float):
        self.i, self.alive, self.epoch = i, True, 0
        self.term, self.vote, self.log, self.commit = 0, None, [], 0
        self.role, self.lead = _FOL, None
        self.phase, self.ref, self.base, self.rto = phase, 0, 0, 0   # tick k happens at phase + k * heartbeat
        self.tgen, self.timer_at = 0, None
        self.votes: dict = {}
        self.lead_tick0, self.next, self.match, self.active = 0, [1] * n, [0] * n, [False] * n
        self.resp: list = [[] for _ in range(n)]
        self.pending: list = []
        self.seg = (0.0, _FOL, 0)                                      # open role segment (since, role, term)
        self.restart_at: Optional[float] = None
        self.hb_k: Optional[list] = None    # (leader) per peer: next tick whose heartbeat is drawn lazily
        self.next_tick_k = 0                 # (leader) the tick of its next tick event
        self.idle = False                    # (leader) it skips ticks: lazy heartbeats may be behind


class _Sim:
    """The event loop and one handler per event / message kind (the step functions of [RAFT-GO])."""

    def __init__(self, cfg: RaftConfig, horizon: float, seed: int, record: bool):
        self.cfg, self.n, self.maj, self.H = cfg, cfg.n, majority(cfg.n), horizon
        self.hb, self.et = float(int(cfg.heartbeat_ms)), cfg.election_ticks
        self.rand = random.Random(seed).random             # timer phases and randomized timeouts
        # one stream per directed link, so that a message's delay and loss do not depend on when other
        # links were drawn: lazily applied heartbeats then give exactly the run of queued ones
        self.links = [[random.Random((seed << 8) | (a << 4) | b).random for b in range(cfg.n)]
                      for a in range(cfg.n)]
        self.dmin, self.span = float(cfg.delay_ms[0]), float(cfg.delay_ms[1]) - float(cfg.delay_ms[0])
        self.loss, self.lossy = float(cfg.loss), cfg.loss > 0
        self.cq, self.pv = cfg.check_quorum, cfg.pre_vote
        self.record, self.virtual = record, not record
        self.heap: list = []
        self.seq = 0
        self.parts: list = []                        # active partitions: (end, group id per node)
        self.committed: dict = {}                    # index -> first committed entry
        self.tr = RaftTrace(config=cfg, horizon_ms=horizon, seed=int(seed))
        self.roles: dict = {i: [] for i in range(cfg.n)}
        # the members' processes start within one tick of each other, so their tickers are not in step
        self.nodes = [_Node(i, cfg.n, self.rand() * self.hb) for i in range(cfg.n)]
        self.peers = [[(j, self.nodes[j], self.links[i][j]) for j in range(cfg.n) if j != i] for i in range(cfg.n)]
        self.handlers = (self.on_vote, self.on_vote_resp, self.on_vote, self.on_vote_resp, self.on_append,
                         self.on_append_resp, self.on_heartbeat, self.on_heartbeat_resp)

    # ---- plumbing -------------------------------------------------------------------------------

    def push(self, t: float, kind: int, a, b=None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, kind, self.seq, a, b))

    def can_talk(self, a: int, b: int) -> bool:
        for _end, gid in self.parts:
            if gid[a] != gid[b]:
                return False
        return True

    def send(self, t: float, src: int, dst: int, msg: tuple) -> None:
        rand = self.links[src][dst]
        at = t + self.dmin + self.span * rand()
        ok = (not self.parts or self.can_talk(src, dst)) and (not self.lossy or rand() >= self.loss)
        self.post(t, at, src, dst, msg, ok)

    def send_drawn(self, t: float, src: int, dst: int, msg: tuple, u_delay: float, u_loss: float) -> None:
        """Send with uniform draws made earlier (a heartbeat carries its response's draws)."""
        at = t + self.dmin + self.span * u_delay
        ok = (not self.parts or self.can_talk(src, dst)) and (not self.lossy or u_loss >= self.loss)
        self.post(t, at, src, dst, msg, ok)

    def post(self, t: float, at: float, src: int, dst: int, msg: tuple, ok: bool) -> None:
        if self.record:
            self.tr.messages.append(Message(t, at, src, dst, _KIND_NAMES[msg[0]], msg[1], ok))
        if ok:
            f = self.nodes[dst]
            if not f.alive and (f.restart_at is None or f.restart_at > at):
                return                                # it would reach a stopped member: dropped
            self.seq += 1
            heapq.heappush(self.heap, (at, _E_MSG, self.seq, dst, msg))

    def set_role(self, nd: _Node, t: float, role: str) -> None:
        s_t, s_r, s_term = nd.seg
        if s_r != role or s_term != nd.term:
            if t > s_t:
                self.roles[nd.i].append(RoleSegment(s_t, t, s_r, s_term))
            nd.seg = (t, role, nd.term)
        nd.role = role

    def current_leader(self) -> Optional[int]:
        best = None
        for nd in self.nodes:
            if nd.alive and nd.role == _LEAD and (best is None or nd.term > self.nodes[best].term):
                best = nd.i
        return best

    # ---- ticks and the election timer ([RAFT-GO] tickElection, resetRandomizedElectionTimeout) ---

    def first_tick_after(self, nd: _Node, t: float) -> int:
        """Index k >= 1 of the first tick after ``t``: a member's ticker (Go ``time.NewTicker``) first
        fires one period after its process started at ``nd.phase``."""
        hb, ph = self.hb, nd.phase
        k = int((t - ph) // hb) + 1
        while k > 1 and ph + (k - 1) * hb > t:
            k -= 1
        while ph + k * hb <= t:
            k += 1
        return max(k, 1)

    def elapsed(self, nd: _Node, t: float) -> int:
        """``electionElapsed``: ticks since the last reset, plus any advanced ticks."""
        return nd.base + self.first_tick_after(nd, t) - nd.ref

    def reset_elapsed(self, nd: _Node, t: float) -> None:
        """``r.electionElapsed = 0`` (the randomized timeout is kept)."""
        nd.ref, nd.base = self.first_tick_after(nd, t), 0
        self.arm_timer(nd)

    def reset(self, nd: _Node, t: float, term: int) -> None:
        """``raft.reset(term)``: a new term clears the vote; new randomized timeout; no known leader."""
        if term != nd.term:
            nd.term, nd.vote = term, None
        self.set_lead(nd, None, t)
        nd.votes = {}
        nd.rto = self.et + int(self.rand() * self.et)   # [et, 2 et) whole ticks
        nd.ref, nd.base = self.first_tick_after(nd, t), 0

    def arm_timer(self, nd: _Node) -> None:
        """Make sure an event is queued no later than the election deadline (lazy: a later deadline
        is found when the queued event fires; an earlier one queues a new event)."""
        due = nd.phase + (nd.ref + nd.rto - nd.base - 1) * self.hb
        if nd.timer_at is None or due < nd.timer_at:
            nd.tgen += 1
            nd.timer_at = due
            self.push(due, _E_TIMER, nd.i, (nd.epoch, nd.tgen))

    def on_timer(self, t: float, i: int, token: tuple) -> None:
        nd = self.nodes[i]
        if not nd.alive or token != (nd.epoch, nd.tgen):
            return
        nd.timer_at = None
        if nd.role == _LEAD:
            return
        self.catch_up(nd, t)
        if nd.pending:
            self.flush(nd, t)
        due = nd.phase + (nd.ref + nd.rto - nd.base - 1) * self.hb
        if due > t:
            nd.timer_at = due
            self.push(due, _E_TIMER, i, token)
            return
        nd.ref, nd.base = self.first_tick_after(nd, t), 0     # tickElection: electionElapsed = 0, MsgHup
        self.campaign(nd, t, self.pv)

    def schedule_advance(self, nd: _Node, t: float) -> None:
        """[ETCD] adjustTicks at member start."""
        if self.n == 1:
            self.advance(nd, t, self.et - 1)
        elif self.cfg.initial_election_tick_advance:
            self.push(t + _ADVANCE_POLL_MS, _E_ADVANCE, nd.i, (nd.epoch, 1))

    def on_advance(self, t: float, i: int, token: tuple) -> None:
        nd = self.nodes[i]
        epoch, k = token
        if not nd.alive or epoch != nd.epoch:
            return
        active = sum(1 for p in self.nodes if p.i != i and p.alive and self.can_talk(i, p.i))
        if active > 1:                                       # ActivePeers() > 1
            self.advance(nd, t, self.et - 2)
        elif k < _ADVANCE_POLLS:
            self.push(t + _ADVANCE_POLL_MS, _E_ADVANCE, i, (epoch, k + 1))

    def advance(self, nd: _Node, t: float, ticks: int) -> None:
        """``advanceTicks``: ``ticks`` calls of tickElection at once (a leader is left alone)."""
        if nd.role == _LEAD or ticks <= 0:
            return
        self.catch_up(nd, t)
        if nd.pending:
            self.flush(nd, t)
        e = self.elapsed(nd, t) + ticks
        if e < nd.rto:
            nd.ref, nd.base = self.first_tick_after(nd, t), e
            self.arm_timer(nd)
            return
        rest = e - nd.rto                                   # the rest of the advance ticks the new state
        nd.ref, nd.base = self.first_tick_after(nd, t), 0
        self.campaign(nd, t, self.pv)
        if nd.role != _LEAD:
            nd.base = rest
            self.arm_timer(nd)

    # ---- roles ([RAFT-GO] becomeFollower / becomePreCandidate / becomeCandidate / becomeLeader) ---

    def become_follower(self, nd: _Node, t: float, term: int, lead: Optional[int]) -> None:
        self.reset(nd, t, term)
        nd.hb_k = None                                        # a leader stepping down: no more heartbeats
        self.set_lead(nd, lead, t)
        nd.resp = None
        self.set_role(nd, t, _FOL)
        self.arm_timer(nd)

    def campaign(self, nd: _Node, t: float, pre: bool) -> None:
        if nd.pending:
            self.materialize(nd)
        if pre:      # becomePreCandidate: term, vote and randomized timeout unchanged [THESIS §9.6]
            self.set_lead(nd, None, t)
            nd.votes = {nd.i: True}
            self.set_role(nd, t, _PRE)
            term, kind = nd.term + 1, _PV
        else:
            self.reset(nd, t, nd.term + 1)
            nd.vote, nd.votes = nd.i, {nd.i: True}
            self.set_role(nd, t, _CAN)
            term, kind = nd.term, _RV
        self.arm_timer(nd)
        if self.tally(nd) == _WON:                        # a single member votes for itself
            if pre:
                self.campaign(nd, t, False)
            else:
                self.become_leader(nd, t)
            return
        lg = nd.log
        msg = (kind, term, nd.i, len(lg), lg[-1][0] if lg else 0)
        for j in range(self.n):
            if j != nd.i:
                self.send(t, nd.i, j, msg)

    def tally(self, nd: _Node) -> int:
        granted = sum(1 for v in nd.votes.values() if v)
        if granted >= self.maj:
            return _WON
        if granted + self.n - len(nd.votes) < self.maj:
            return _LOST
        return _PENDING

    def become_leader(self, nd: _Node, t: float) -> None:
        self.reset(nd, t, nd.term)
        nd.lead = nd.i
        self.set_role(nd, t, _LEAD)
        self.tr.elections.append(Election(t, nd.term, nd.i))
        n, last = self.n, len(nd.log)
        nd.next, nd.match = [last + 1] * n, [0] * n
        nd.active = [j == nd.i for j in range(n)]        # RecentActive: only the leader itself
        nd.resp = [[] for _ in range(n)]
        nd.log.append(Entry(nd.term, None))               # an empty entry of the new term
        nd.match[nd.i] = last + 1
        if n == 1:
            self.maybe_commit(nd, t)
        for j in range(n):
            if j != nd.i:
                self.send_append(t, nd, j)
        nd.lead_tick0 = nd.next_tick_k = self.first_tick_after(nd, t)
        nd.hb_k, nd.idle = [None] * n, False
        self.push(nd.phase + nd.lead_tick0 * self.hb, _E_LTICK, nd.i, (nd.epoch, nd.term, nd.lead_tick0))

    def on_leader_tick(self, t: float, i: int, token: tuple) -> None:
        """[RAFT-GO] tickHeartbeat: CheckQuorum every ``electionTimeout`` ticks, a heartbeat every tick
        (to followers in step with it the heartbeats are drawn lazily, see ``draw_heartbeats``)."""
        nd = self.nodes[i]
        epoch, term, k = token
        if not nd.alive or epoch != nd.epoch or nd.role != _LEAD or nd.term != term or k != nd.next_tick_k:
            return
        nd.next_tick_k = math.inf                          # this tick is done (a second event for it is void)
        self.draw_all(nd, t, k - 1)
        m = (k - nd.lead_tick0 + 1) % self.et
        if m == 0 and self.cq:
            self.absorb_responses(nd, t)
            if sum(nd.active) < self.maj:                # [THESIS §6.2] step down without a quorum
                self.become_follower(nd, t, nd.term, None)
                return
            nd.active = [j == i for j in range(self.n)]
        self.broadcast_heartbeat(t, nd, k)
        nxt = k + 1
        nd.idle = self.can_idle(nd, nd.phase + nxt * self.hb)
        if nd.idle:
            nxt = (k + self.et - m) if self.cq else None     # only CheckQuorum needs the leader's ticks
        nd.next_tick_k = math.inf if nxt is None else nxt
        if nxt is not None:
            self.push(nd.phase + nxt * self.hb, _E_LTICK, i, (epoch, term, nxt))

    def can_idle(self, nd: _Node, t: float) -> bool:
        """No tick event is needed at ``t``: every peer is followed lazily and has the whole log (a
        lagging follower's responses are queued as the heartbeats are drawn, so they are drawn on
        time), or cannot receive anything."""
        last, dmax = len(nd.log), self.dmin + self.span
        for j, f, _r in self.peers[nd.i]:
            if nd.hb_k[j] is None:
                if not _stopped(f, t + dmax):
                    return False
            elif nd.match[j] != last:
                return False
        return True

    def need_ticks(self, nd: _Node, t: float) -> None:
        """Leader ``nd`` ticks again from its next tick (a follower fell out of step with it)."""
        if nd.alive and nd.role == _LEAD:
            k = self.first_tick_after(nd, t)
            if k < nd.next_tick_k:
                nd.next_tick_k = k
                self.push(nd.phase + k * self.hb, _E_LTICK, nd.i, (nd.epoch, nd.term, k))

    def set_lead(self, nd: _Node, lead: Optional[int], t: float) -> None:
        """``r.lead``; opens or closes the lazy heartbeat stream of the leader it follows."""
        old = nd.lead
        if old is not None and old != nd.i and old != lead:
            ld = self.nodes[old]
            if ld.hb_k is not None and ld.hb_k[nd.i] is not None:
                ld.hb_k[nd.i] = None
                self.need_ticks(ld, t)
        nd.lead = lead
        if lead is not None and lead != nd.i and self.virtual:
            ld = self.nodes[lead]
            if ld.hb_k is not None and ld.alive and ld.term == nd.term and ld.hb_k[nd.i] is None:
                ld.hb_k[nd.i] = self.first_tick_after(ld, t)

    def on_wake(self, t: float, i: int, _b=None) -> None:
        for nd in self.nodes:
            self.need_ticks(nd, t)

    # ---- messages ([RAFT-GO] Step, then the role's step function) --------------------------------

    def deliver(self, t: float, i: int, msg: tuple) -> None:
        nd = self.nodes[i]
        if not nd.alive or (msg[0] == _HBR and len(msg) > 3 and not msg[3][0]):   # stopped / withdrawn
            return
        if nd.role == _LEAD:
            self.draw_all(nd, t)
        else:
            self.catch_up(nd, t)
        if nd.pending:                                    # lazily applied heartbeats come first
            self.flush(nd, t)
            if nd.pending:
                before = (nd.lead, nd.term)
                self.step(t, nd, msg)
                if nd.pending and (nd.role != _FOL or (nd.lead, nd.term) != before):
                    self.materialize(nd, *before)         # no longer in step: the rest become messages
                return
        self.step(t, nd, msg)

    def step(self, t: float, nd: _Node, msg: tuple) -> None:
        i = nd.i
        kind, mterm, src = msg[0], msg[1], msg[2]
        if mterm > nd.term:
            if kind == _PV or kind == _RV:
                # lease: within an election timeout of hearing from a leader, ignore (only with CheckQuorum)
                if self.cq and nd.lead is not None and (nd.role == _LEAD or self.elapsed(nd, t) < self.et):
                    return
                if kind == _RV:
                    self.become_follower(nd, t, mterm, None)
            elif kind == _AE or kind == _HB:
                self.become_follower(nd, t, mterm, src)
            elif not (kind == _PVR and msg[3]):           # a granted pre-vote carries our next term
                self.become_follower(nd, t, mterm, None)
        elif mterm < nd.term:
            if (kind == _AE or kind == _HB) and (self.cq or self.pv):
                self.send(t, i, src, (_AER, nd.term, i, None, 0))   # tells a stale leader our term
            elif kind == _PV:
                self.send(t, i, src, (_PVR, nd.term, i, False))
            return
        self.handlers[kind](t, nd, msg)

    def on_vote(self, t: float, nd: _Node, msg: tuple) -> None:
        kind, mterm, src, lli, llt = msg
        pre = kind == _PV
        can = nd.vote == src or (nd.vote is None and nd.lead is None) or (pre and mterm > nd.term)
        lg = nd.log
        my_t = lg[-1][0] if lg else 0
        if can and (llt > my_t or (llt == my_t and lli >= len(lg))):    # [RAFT §5.4.1] up to date
            self.send(t, nd.i, src, (_PVR if pre else _RVR, mterm, nd.i, True))
            if not pre:
                nd.vote = src
                self.reset_elapsed(nd, t)
        else:
            self.send(t, nd.i, src, (_PVR if pre else _RVR, nd.term, nd.i, False))

    def on_vote_resp(self, t: float, nd: _Node, msg: tuple) -> None:
        kind, _mterm, src, granted = msg
        if not ((kind == _PVR and nd.role == _PRE) or (kind == _RVR and nd.role == _CAN)):
            return
        nd.votes.setdefault(src, granted)
        result = self.tally(nd)
        if result == _WON:
            if nd.role == _PRE:
                self.campaign(nd, t, False)
            else:
                self.become_leader(nd, t)
        elif result == _LOST:
            self.become_follower(nd, t, nd.term, None)

    def follow(self, nd: _Node, t: float, src: int) -> bool:
        """A message of our term from its leader: a (pre)candidate steps down; electionElapsed = 0."""
        if nd.role == _LEAD:
            return False
        if nd.role != _FOL:
            self.become_follower(nd, t, nd.term, src)
            return True
        if nd.lead != src:
            self.set_lead(nd, src, t)
        hb, ph = self.hb, nd.phase                         # reset_elapsed, inlined (the hot path)
        k = int((t - ph) // hb) + 1
        if k < 1 or ph + k * hb <= t or ph + (k - 1) * hb > t:
            k = self.first_tick_after(nd, t)
        nd.ref, nd.base = k, 0
        if nd.timer_at is None:
            self.arm_timer(nd)
        return True

    def on_heartbeat(self, t: float, nd: _Node, msg: tuple) -> None:
        _k, _mterm, src, commit, u_delay, u_loss = msg
        if self.follow(nd, t, src):
            if commit > nd.commit:
                self.set_commit(nd, min(commit, len(nd.log)), t)
            self.send_drawn(t, nd.i, src, (_HBR, nd.term, nd.i), u_delay, u_loss)

    def on_heartbeat_resp(self, t: float, nd: _Node, msg: tuple) -> None:
        if nd.role != _LEAD:
            return
        src = msg[2]
        nd.active[src] = True
        if nd.match[src] < len(nd.log):
            self.send_append(t, nd, src)

    def on_append(self, t: float, nd: _Node, msg: tuple) -> None:
        _k, _mterm, src, prev, prev_term, entries, lcommit = msg
        if not self.follow(nd, t, src):
            return
        lg = nd.log
        if prev < nd.commit:
            self.send(t, nd.i, src, (_AER, nd.term, nd.i, True, nd.commit))
            return
        if prev > len(lg) or (prev >= 1 and lg[prev - 1][0] != prev_term):
            self.send(t, nd.i, src, (_AER, nd.term, nd.i, False, min(prev - 1, len(lg))))
            return
        idx = prev                      # append, truncating only at the first conflict [RAFT Fig. 2]
        for e in entries:
            idx += 1
            if idx > len(lg):
                lg.append(e)
            elif lg[idx - 1][0] != e[0]:
                if idx <= nd.commit:
                    self.tr.violations.append(Violation(t, f"node {nd.i} would truncate committed index {idx}"))
                del lg[idx - 1:]
                lg.append(e)
        last_new = prev + len(entries)
        if min(lcommit, last_new) > nd.commit:
            self.set_commit(nd, min(lcommit, last_new), t)
        self.send(t, nd.i, src, (_AER, nd.term, nd.i, True, last_new))

    def on_append_resp(self, t: float, nd: _Node, msg: tuple) -> None:
        if nd.role != _LEAD:
            return
        _k, _mterm, src, success, mi = msg
        nd.active[src] = True
        if success is None:
            return
        if success:
            if mi > nd.match[src]:
                nd.match[src] = mi
                self.maybe_commit(nd, t)
            if mi + 1 > nd.next[src]:
                nd.next[src] = mi + 1
            if nd.next[src] <= len(nd.log):
                self.send_append(t, nd, src)
        else:
            nd.next[src] = max(1, min(nd.next[src] - 1, mi + 1))
            self.send_append(t, nd, src)

    def send_append(self, t: float, nd: _Node, j: int) -> None:
        prev = nd.next[j] - 1
        lg = nd.log
        self.send(t, nd.i, j, (_AE, nd.term, nd.i, prev, lg[prev - 1][0] if prev >= 1 else 0,
                               tuple(lg[prev:prev + _MAX_ENTRIES]), nd.commit))

    def maybe_commit(self, nd: _Node, t: float) -> None:
        """[RAFT §5.3, §5.4.2] the largest N stored on a majority, if log[N] is of the current term."""
        top = sorted(nd.match, reverse=True)[self.maj - 1]
        if top > nd.commit and nd.log[top - 1][0] == nd.term:
            self.set_commit(nd, top, t)

    def set_commit(self, nd: _Node, upto: int, t: float) -> None:
        lg = nd.log
        for k in range(nd.commit + 1, upto + 1):
            e = lg[k - 1]
            c = self.committed.get(k)
            if c is None:
                self.committed[k] = e
                self.tr.commits.append(Commit(t, k, e[0], e[1]))
            elif c != e:
                self.tr.violations.append(Violation(t, f"node {nd.i} commits index {k} = {tuple(e)}, "
                                                       f"but {tuple(c)} was committed"))
        nd.commit = upto

    # ---- heartbeats: queued one by one, or drawn now and applied lazily --------------------------
    # While follower j is in step with leader L (alive, a follower of L in L's term, and L knows j
    # has its whole log), a heartbeat's only effects are: j's electionElapsed = 0, j's commit index,
    # and a response that marks j RecentActive at L. Those are drawn when L ticks (j.pending) and
    # applied in arrival order at j's next event or at any event of L that reads them (CheckQuorum,
    # a write, which makes j lag): j's state cannot change between its own events, so this is the
    # same run as queuing each message, with fewer events. Whatever is still in flight when j or L
    # leaves that state is queued as ordinary messages (materialize / absorb_responses).

    def broadcast_heartbeat(self, t: float, nd: _Node, k: int) -> None:
        """The heartbeats of tick ``k`` (at ``t``), drawn now also for lazily followed peers."""
        i, term, last, match, c = nd.i, nd.term, len(nd.log), nd.match, nd.commit
        loss, dmin, span, parts, virtual = self.loss, self.dmin, self.span, self.parts, self.virtual
        streams, dmax = nd.hb_k, dmin + span
        for j, f, rand in self.peers[i]:
            h = streams[j]
            if h is not None:
                if h != k:
                    continue                                  # (cannot happen: drawn up to k - 1 above)
                streams[j] = k + 1
            elif _stopped(f, t + dmax):                       # cannot arrive: no draws
                continue
            # the same draws in every mode: loss first, then (if sent) the delay and the response's two
            if (loss and rand() < loss) or (parts and not self.can_talk(i, j)):
                if self.record:
                    self.tr.messages.append(Message(t, t, i, j, "HB", term, False))
                continue
            a = t + dmin + span * rand()
            u3, u4 = rand(), rand()
            mj = match[j]
            commit = mj if mj < c else c                       # [RAFT-GO] sendHeartbeat: min(match, committed)
            # f.lead == i: f is a live follower of i (crash, campaign and reset clear lead)
            if virtual and f.lead == i and f.term == term:
                # a lagging follower's response makes the leader send entries: queue it now
                f.pending.append((a, commit, u3, u4, None if mj == last else self.queue_response(nd, j, a, u3, u4)))
            else:
                self.post(t, a, i, j, (_HB, term, i, commit, u3, u4), True)

    def draw_heartbeats(self, nd: _Node, j: int, last_k: int) -> None:
        """Draw leader ``nd``'s heartbeats to follower j for its ticks up to ``t`` (the same draws, in
        the same order, as ``broadcast_heartbeat``) for its ticks up to ``last_k``. Called before
        anything at the leader or at j changes what those heartbeats carry or whether j follows, so
        the leader's state is constant over them."""
        k, hb, ph = nd.hb_k[j], self.hb, nd.phase
        if k > last_k:
            return
        rand, loss, dmin, span = self.links[nd.i][j], self.loss, self.dmin, self.span
        mj, c = nd.match[j], nd.commit
        commit, lag = (mj if mj < c else c), mj != len(nd.log)
        cut = self.parts and not self.can_talk(nd.i, j)
        pend = self.nodes[j].pending
        while k <= last_k:
            ts = ph + k * hb
            k += 1
            if (loss and rand() < loss) or cut:
                continue
            a = ts + dmin + span * rand()
            u3, u4 = rand(), rand()
            pend.append((a, commit, u3, u4, self.queue_response(nd, j, a, u3, u4) if lag else None))
        nd.hb_k[j] = k

    def draw_all(self, nd: _Node, t: float, last_k: Optional[int] = None) -> None:
        """Draw the lazy heartbeats of leader ``nd`` for its ticks up to ``t`` (or tick ``last_k``)."""
        if nd.hb_k is not None and nd.idle:
            if last_k is None:
                last_k = self.first_tick_after(nd, t) - 1
            for j, h in enumerate(nd.hb_k):
                if h is not None and h <= last_k:
                    self.draw_heartbeats(nd, j, last_k)

    def catch_up(self, nd: _Node, t: float) -> None:
        """Before an event at ``nd``: the leader it follows draws its heartbeats to it up to ``t``."""
        if nd.lead is not None and nd.lead != nd.i:
            ld = self.nodes[nd.lead]
            if ld.idle and ld.hb_k is not None and ld.hb_k[nd.i] is not None:
                self.draw_heartbeats(ld, nd.i, self.first_tick_after(ld, t) - 1)

    def queue_response(self, nd: _Node, j: int, a: float, u_delay: float, u_loss: float):
        """Queue follower j's response (sent at ``a``) to leader ``nd``; returns a handle to withdraw
        it (``False``: it is lost)."""
        if (self.parts and not self.can_talk(j, nd.i)) or (self.lossy and u_loss < self.loss):
            return False
        tok = [True]
        self.push(a + self.dmin + self.span * u_delay, _E_MSG, nd.i, (_HBR, nd.term, j, tok))
        return tok

    def flush(self, nd: _Node, t: float) -> None:
        """Apply the lazily drawn heartbeats that arrived at ``nd`` by ``t`` (all from ``nd.lead``)."""
        pend = nd.pending
        pend.sort(key=_arrival)
        k, src = 0, nd.lead
        leader = self.nodes[src]
        take = leader.alive and leader.role == _LEAD and leader.term == nd.term and leader.resp is not None
        lossy, loss, dmin, span = self.lossy, self.loss, self.dmin, self.span
        talk = not self.parts or self.can_talk(nd.i, src)
        times = leader.resp[nd.i] if take else None
        if times and not self.cq and times[0] <= t:          # without CheckQuorum only those in flight matter
            times[:] = [r for r in times if r > t]
        for a, commit, u3, u4, tok in pend:
            if a > t:
                break
            k += 1
            if commit > nd.commit:
                self.set_commit(nd, min(commit, len(nd.log)), a)
            if tok is None and take and talk and (not lossy or u4 >= loss):   # the response, sent at a
                times.append(a + dmin + span * u3)
        if k:
            a, hb, ph = pend[k - 1][0], self.hb, nd.phase      # electionElapsed = 0 at the last arrival
            j = int((a - ph) // hb) + 1
            if j < 1 or ph + j * hb <= a or ph + (j - 1) * hb > a:
                j = self.first_tick_after(nd, a)
            nd.ref, nd.base = j, 0
            del pend[:k]

    def materialize(self, nd: _Node, lead: Optional[int] = None, term: Optional[int] = None) -> None:
        """Queue the heartbeats still in flight to ``nd`` (from ``lead`` in ``term``, by default its
        current ones) as ordinary messages; their responses, if already queued, are withdrawn (the
        ordinary heartbeat answers for itself)."""
        lead = nd.lead if lead is None else lead
        term = nd.term if term is None else term
        for a, commit, u3, u4, tok in nd.pending:
            if tok:
                tok[0] = False
            self.seq += 1
            heapq.heappush(self.heap, (a, _E_MSG, self.seq, nd.i, (_HB, term, lead, commit, u3, u4)))
        nd.pending = []

    def requeue_responses(self, nd: _Node, leader: _Node) -> None:
        """Queue the responses of ``nd``'s in-flight heartbeats as ordinary messages (the leader
        lags it now, or the network changed under responses queued earlier)."""
        out = []
        for a, commit, u3, u4, tok in nd.pending:
            if tok:
                tok[0] = False
            out.append((a, commit, u3, u4, self.queue_response(leader, nd.i, a, u3, u4)))
        nd.pending = out

    def absorb_responses(self, nd: _Node, t: float, lagging: bool = False) -> None:
        """Leader ``nd`` reads the responses that arrived by ``t`` (RecentActive); with ``lagging``
        (a new entry: every follower lags) the ones still in flight become ordinary messages."""
        for j, f in enumerate(self.nodes):
            if f.pending and f.lead == nd.i:
                self.flush(f, t)
                if lagging:
                    self.requeue_responses(f, nd)
            times = nd.resp[j]
            if not times:
                continue
            if min(times) <= t:
                nd.active[j] = True
            if lagging:
                for r in times:
                    if r > t:
                        self.push(r, _E_MSG, nd.i, (_HBR, nd.term, j))
            nd.resp[j] = [] if lagging else [r for r in times if r > t]

    # ---- scheduled events -----------------------------------------------------------------------

    def on_write(self, t: float, value: int, _b=None) -> None:
        ld = self.current_leader()
        if ld is None:
            self.tr.writes.append(Write(t, None, None, None, value))
            return
        nd = self.nodes[ld]
        self.draw_all(nd, t)
        self.absorb_responses(nd, t, lagging=True)        # every follower lags now
        nd.log.append(Entry(nd.term, value))
        last = len(nd.log)
        nd.match[ld] = last
        self.need_ticks(nd, t)
        self.tr.writes.append(Write(t, ld, last, nd.term, value))
        if self.n == 1:
            self.maybe_commit(nd, t)
        for j in range(self.n):
            if j != ld and nd.next[j] == last:
                self.send_append(t, nd, j)

    def on_crash(self, t: float, c: Crash, _b=None) -> None:
        node = self.current_leader() if c.node == "leader" else c.node
        if node is None or not self.nodes[node].alive:
            return
        nd = self.nodes[node]
        self.draw_all(nd, t)
        self.catch_up(nd, t)
        if nd.pending:
            self.flush(nd, t)
            self.materialize(nd)
        nd.alive, nd.epoch, nd.commit = False, nd.epoch + 1, 0    # commitIndex is volatile [RAFT Fig. 2]
        self.set_lead(nd, None, t)
        nd.resp, nd.timer_at, nd.hb_k = None, None, None
        nd.restart_at = None if c.restart_at is None else float(c.restart_at)
        if nd.restart_at is not None:     # leaders draw heartbeats to it again once they could arrive
            self.push(max(t, nd.restart_at - self.dmin - self.span), _E_WAKE, node)
        self.set_role(nd, t, _DOWN)
        self.tr.crashes.append(CrashSpan(node, float(c.at), None if c.restart_at is None else float(c.restart_at)))
        if c.restart_at is not None:
            self.push(float(c.restart_at), _E_RESTART, node)

    def on_restart(self, t: float, i: int, _b=None) -> None:
        nd = self.nodes[i]
        if nd.alive:
            return
        nd.alive, nd.phase = True, t                          # a new process: its ticker starts now
        self.become_follower(nd, t, nd.term, None)
        self.schedule_advance(nd, t)

    def flush_all(self, t: float) -> None:
        for nd in self.nodes:
            self.draw_all(nd, t)
        for nd in self.nodes:
            if nd.pending:
                self.flush(nd, t)

    def network_changed(self, t: float) -> None:
        """Responses drawn so far saw the old network: apply what arrived, redo what was queued."""
        self.flush_all(t)
        for nd in self.nodes:
            if any(e[4] is not None for e in nd.pending):
                self.requeue_responses(nd, self.nodes[nd.lead])

    def on_partition(self, t: float, p: Partition, _b=None) -> None:
        self.flush_all(t)
        n, leader = self.n, self.current_leader()
        gid = [-1] * n
        for g, members in enumerate(p.groups):
            for m in members:
                if m == "leader":
                    if leader is None:
                        continue
                    m = leader
                gid[m] = g
        gid = [len(p.groups) if x < 0 else x for x in gid]
        self.parts.append((float(p.end), gid))
        self.network_changed(t)
        self.push(float(p.end), _E_PART_END, self.parts[-1])
        self.tr.partitions.append(PartitionSpan(float(p.start), float(p.end), tuple(
            tuple(i for i in range(n) if gid[i] == g) for g in sorted(set(gid)))))

    def on_partition_end(self, t: float, part: tuple, _b=None) -> None:
        self.flush_all(t)
        self.parts = [q for q in self.parts if q is not part]
        self.network_changed(t)

    # ---- the loop -------------------------------------------------------------------------------

    def run(self, partitions, crashes, write_times) -> RaftTrace:
        for nd in self.nodes:
            self.become_follower(nd, 0.0, 0, None)
            self.schedule_advance(nd, nd.phase)
        for c in crashes:
            self.push(float(c.at), _E_CRASH, c)
        for p in partitions:
            self.push(float(p.start), _E_PART, p)
        for k, w in enumerate(sorted(write_times), start=1):
            self.push(float(w), _E_WRITE, k)
        other = {_E_CRASH: self.on_crash, _E_RESTART: self.on_restart, _E_PART: self.on_partition,
                 _E_PART_END: self.on_partition_end, _E_WRITE: self.on_write, _E_ADVANCE: self.on_advance,
                 _E_LTICK: self.on_leader_tick, _E_WAKE: self.on_wake}
        heap, pop, H = self.heap, heapq.heappop, self.H
        while heap:
            t, kind, _s, a, b = pop(heap)
            if t > H:
                break
            if kind == _E_MSG:
                self.deliver(t, a, b)
            elif kind == _E_TIMER:
                self.on_timer(t, a, b)
            else:
                other[kind](t, a, b)
        return self.finish()

    def finish(self) -> RaftTrace:
        self.flush_all(self.H)
        tr, H = self.tr, self.H
        for nd in self.nodes:
            s_t, s_r, s_term = nd.seg
            if H > s_t:
                self.roles[nd.i].append(RoleSegment(s_t, H, s_r, s_term))
        tr.roles = self.roles
        tr.logs = {nd.i: list(nd.log) for nd in self.nodes}
        tr.commit_index = {nd.i: nd.commit for nd in self.nodes}
        for tm, winners in tr.leaders_by_term().items():       # never two leaders in one term [RAFT §5.2]
            if len(winners) > 1:
                tr.violations.append(Violation(None, f"term {tm} has leaders {sorted(winners)}"))
        return tr


def simulate(
    config: RaftConfig = ETCD_DEFAULTS,
    *,
    horizon_ms: float = 10_000.0,
    seed: int = 0,
    partitions: tuple = (),
    crashes: tuple = (),
    writes: tuple = (),
    write_every_ms: Optional[float] = None,
    record_messages: bool = True,
) -> RaftTrace:
    """Run the discrete-event simulation (seeded, reproducible) and return a :class:`RaftTrace`.

    ``writes``: times (ms) at which a client submits a write to the current leader (refused if
    there is none); ``write_every_ms``: a periodic writer in addition. ``record_messages``: keep
    every message in ``trace.messages`` (slower: every heartbeat is then queued).
    """
    partitions, crashes, writes = tuple(partitions), tuple(crashes), tuple(writes)
    _validate_inputs(config, horizon_ms, seed, partitions, crashes, writes, write_every_ms)
    times = [float(w) for w in writes]
    if write_every_ms is not None:
        times += [k * write_every_ms for k in range(1, int(horizon_ms // write_every_ms) + 1)]
    return _Sim(config, float(horizon_ms), seed, bool(record_messages)).run(partitions, crashes, times)


_NO_CQ = dict(check_quorum=False, pre_vote=False, initial_election_tick_advance=False)

SCENARIOS: dict = {
    "steady": dict(
        label="稳定",
        title="etcd 默认参数（CheckQuorum、PreVote 开启）：选出 Leader 后稳定复制写入",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0)),
    "leader-crash": dict(
        label="Leader 崩溃",
        title="t=2.5 s Leader 崩溃，t=4.5 s 重启：剩余多数派重新选举",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0,
                    crashes=(Crash("leader", 2500.0, 4500.0),))),
    "partition": dict(
        label="网络分区",
        title="t=2 s–4.5 s 网络分区：旧 Leader 被单独隔开，CheckQuorum 让它在两个选举超时内退位；其余 4 个节点选出新 Leader",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0,
                    partitions=(Partition(2000.0, 4500.0, (("leader",),)),))),
    "partition-no-checkquorum": dict(
        label="网络分区（关闭 CheckQuorum）",
        title="同一分区，但关闭 CheckQuorum 与 PreVote（raft 库的选项，etcd 不这样运行）：旧 Leader 直到分区结束仍自认为 Leader",
        kwargs=dict(config=RaftConfig(n=5, **_NO_CQ), horizon_ms=6000.0, write_every_ms=250.0,
                    partitions=(Partition(2000.0, 4500.0, (("leader",),)),))),
    "lossy": dict(
        label="丢包 30%",
        title="30% 丢包、5–40 ms 延迟：选举变慢、可能多轮",
        kwargs=dict(config=RaftConfig(n=5, delay_ms=(5.0, 40.0), loss=0.3), horizon_ms=6000.0,
                    write_every_ms=250.0)),
}


def scenario_names() -> list:
    """Names of the preset scenarios."""
    return _scenarios.names(SCENARIOS)


def scenario(name: str) -> dict:
    """Keyword arguments for :func:`simulate` of a named scenario (``simulate(**scenario(n))``)."""
    return _scenarios.kwargs(SCENARIOS, name)
