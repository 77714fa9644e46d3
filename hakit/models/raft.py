"""Raft 领导者选举与日志复制的离散事件模拟 (leader election + log replication).

Sources (each rule cites a tag):
- [RAFT] D. Ongaro, J. Ousterhout, "In Search of an Understandable Consensus Algorithm"
  (USENIX ATC 2014): Figure 2 (persistent state currentTerm/votedFor/log, volatile commitIndex;
  RequestVote and AppendEntries receiver rules; "Rules for Servers"), §5.2 election, §5.3 log
  replication and the log matching property, §5.4.1 election restriction (up-to-date log),
  §5.4.2 a leader only commits entries of its own term by counting replicas.
- [THESIS] D. Ongaro, "Consensus: Bridging Theory and Practice" (2014) §9.6 Pre-Vote, §6.2 a
  leader steps down without a quorum (CheckQuorum).
- [ETCD-TUNING] https://etcd.io/docs/v3.5/tuning/ — heartbeat-interval 100 ms,
  election-timeout 1000 ms.
- [ETCD-RAFT] go.etcd.io/raft raft.go — randomized election timeout in
  [electionTimeout, 2*electionTimeout) (resetRandomizedElectionTimeout); a new leader appends an
  empty entry (becomeLeader); with CheckQuorum a follower that heard from a leader within the
  election timeout ignores a vote request (lease); PreVote does not bump terms.

Commit is quorum replication — an entry of the leader's current term is committed once stored
on a majority (the leader included) [RAFT §5.3, §5.4.2] — not two-phase commit.

The event loop is a seeded ``heapq`` queue: timers are lazy (one pending timer per node, its
deadline checked when it fires), so a 5-node, 60-second run takes a few tens of milliseconds.

Public API:
- ``RaftConfig`` / ``ETCD_DEFAULTS``
- ``Partition(start, end, groups)``, ``Crash(node, at, restart_at)`` (node may be ``"leader"``)
- ``simulate(config, *, horizon_ms, seed, partitions, crashes, writes, write_every_ms,
  record_messages)`` -> ``RaftTrace``
- ``SCENARIOS`` / ``scenario(name)`` / ``scenario_names()``
"""
from __future__ import annotations

from hakit.models import _scenarios

import heapq
import math
import numbers
import random
from dataclasses import dataclass, field
from typing import Optional, Union

__all__ = ["RaftConfig", "ETCD_DEFAULTS", "Partition", "Crash", "RaftTrace", "simulate",
           "SCENARIOS", "scenario", "scenario_names", "ROLES"]

ROLES = ("follower", "precandidate", "candidate", "leader", "down")
_FOL, _PRE, _CAN, _LEAD, _DOWN = ROLES


def _num(name: str, v: object, lo: float, *, lo_open: bool = False, hi: Optional[float] = None,
         hi_open: bool = False) -> None:
    if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是有限的数")
    if (v <= lo) if lo_open else (v < lo):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须{'>' if lo_open else '≥'} {lo:g}")
    if hi is not None and ((v >= hi) if hi_open else (v > hi)):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须{'<' if hi_open else '≤'} {hi:g}")


@dataclass(frozen=True)
class RaftConfig:
    """Cluster and network parameters (times in milliseconds).

    - ``n``: cluster size (1–9).
    - ``heartbeat_ms``: leader heartbeat (empty AppendEntries) interval [ETCD-TUNING].
    - ``election_timeout_ms``: base election timeout; each reset draws uniformly in
      [election_timeout_ms, 2*election_timeout_ms) [ETCD-RAFT]. Must exceed heartbeat_ms
      (etcd recommends about 10× the round-trip time and ≥ 5× the heartbeat) [ETCD-TUNING].
    - ``delay_ms``: (min, max) one-way message delay, uniform.
    - ``loss``: probability that a message is dropped, in [0, 1).
    - ``pre_vote`` / ``check_quorum``: the etcd raft options [THESIS §9.6, §6.2].
    """

    n: int = 5
    heartbeat_ms: float = 100.0
    election_timeout_ms: float = 1000.0
    delay_ms: tuple = (1.0, 5.0)
    loss: float = 0.0
    pre_vote: bool = False
    check_quorum: bool = False

    def validate(self) -> None:
        if not isinstance(self.n, numbers.Integral) or isinstance(self.n, bool) or not 1 <= self.n <= 9:
            raise ValueError(f"n: Invalid value: {self.n!r}: 集群成员数必须是 1 到 9 之间的整数")
        _num("heartbeat_ms", self.heartbeat_ms, 0, lo_open=True)
        _num("election_timeout_ms", self.election_timeout_ms, 0, lo_open=True)
        if self.election_timeout_ms <= self.heartbeat_ms:
            raise ValueError(f"election_timeout_ms: Invalid value: {self.election_timeout_ms:g}: "
                             f"必须大于 heartbeat_ms（{self.heartbeat_ms:g}），etcd 建议至少 5 倍")
        d = self.delay_ms
        if not isinstance(d, (tuple, list)) or len(d) != 2:
            raise ValueError(f"delay_ms: Invalid value: {d!r}: 必须是 (最小, 最大) 两个毫秒数")
        _num("delay_ms[0]", d[0], 0)
        _num("delay_ms[1]", d[1], 0)
        if d[0] > d[1]:
            raise ValueError(f"delay_ms: Invalid value: {tuple(d)!r}: 最小延迟不能大于最大延迟")
        _num("loss", self.loss, 0, hi=1, hi_open=True)
        for name in ("pre_vote", "check_quorum"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: Invalid value: {getattr(self, name)!r}: 必须是 True 或 False")


#: etcd's defaults [ETCD-TUNING]: --heartbeat-interval=100, --election-timeout=1000 (ms).
ETCD_DEFAULTS = RaftConfig(heartbeat_ms=100.0, election_timeout_ms=1000.0)


@dataclass(frozen=True)
class Partition:
    """From ``start`` to ``end`` ms only nodes in the same group can talk.

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
    leader state) does not [RAFT Figure 2].
    """

    node: Union[int, str]
    at: float
    restart_at: Optional[float] = None


@dataclass
class RaftTrace:
    """Result of :func:`simulate`.

    - ``roles[node]``: [(start_ms, end_ms, role, term)], role in ``ROLES``
    - ``elections``: [(time_ms, term, winner)]
    - ``commits``: [(time_ms, index, term, value)] the first time each index is committed
    - ``writes``: [(time_ms, leader, index, term, value)] accepted client writes
      (``leader`` None: no leader, write refused)
    - ``messages``: [(send_ms, recv_ms, src, dst, kind, term, delivered)], kind in
      RV/RVR/PV/PVR/AE/AER (PV = pre-vote)
    - ``logs[node]``: final log [(term, value)]; ``commit_index[node]``: final commit index
    - ``violations``: safety violations found while running (must stay empty)
    - ``partitions`` / ``crashes``: resolved [(start, end, groups)] and [(node, at, restart_at)]
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

    def leader_at(self, t: float) -> Optional[int]:
        """Node that is leader at time ``t`` with the highest term, or None."""
        best = None
        for node, segs in self.roles.items():
            for a, b, role, term in segs:
                if role == _LEAD and a <= t < b and (best is None or term > best[0]):
                    best = (term, node)
        return None if best is None else best[1]

    def first_leader_time(self, after: float = 0.0) -> Optional[float]:
        """Time of the first election at or after ``after``."""
        ts = [t for t, _term, _w in self.elections if t >= after]
        return min(ts) if ts else None


def _resolve_groups(groups: tuple, n: int, leader: Optional[int]) -> Optional[list]:
    """Return a node -> group-number list, or None if the partition names no node."""
    gid = [-1] * n
    for g, members in enumerate(groups):
        for m in members:
            if m == "leader":
                if leader is None:
                    continue
                m = leader
            gid[m] = g
    rest = len(groups)
    return [rest if x < 0 else x for x in gid]


def _validate_inputs(config: RaftConfig, horizon_ms, seed, partitions, crashes, writes, write_every_ms):
    if not isinstance(config, RaftConfig):
        raise ValueError("config 必须是 RaftConfig 对象（例如 ETCD_DEFAULTS）")
    config.validate()
    n = config.n
    _num("horizon_ms", horizon_ms, 0, lo_open=True, hi=3_600_000)
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise ValueError(f"seed: Invalid value: {seed!r}: 必须是整数")
    for p in partitions:
        if not isinstance(p, Partition):
            raise ValueError(f"partitions: Invalid value: {p!r}: 每一项必须是 Partition(start, end, groups)")
        _num("Partition.start", p.start, 0)
        _num("Partition.end", p.end, 0)
        if p.end <= p.start:
            raise ValueError(f"Partition: Invalid value: ({p.start:g}, {p.end:g}): end 必须大于 start")
        seen = set()
        for g in p.groups:
            for m in g:
                if m != "leader" and (not isinstance(m, numbers.Integral) or not 0 <= m < n):
                    raise ValueError(f"Partition.groups: Invalid value: {m!r}: 节点编号必须在 0 到 {n - 1} 之间，"
                                     "或为 \"leader\"")
                if m in seen:
                    raise ValueError(f"Partition.groups: Invalid value: {m!r}: 同一节点不能出现在两个分组中")
                seen.add(m)
    for c in crashes:
        if not isinstance(c, Crash):
            raise ValueError(f"crashes: Invalid value: {c!r}: 每一项必须是 Crash(node, at, restart_at)")
        if c.node != "leader" and (not isinstance(c.node, numbers.Integral) or not 0 <= c.node < n):
            raise ValueError(f"Crash.node: Invalid value: {c.node!r}: 节点编号必须在 0 到 {n - 1} 之间，或为 \"leader\"")
        _num("Crash.at", c.at, 0)
        if c.restart_at is not None:
            _num("Crash.restart_at", c.restart_at, 0)
            if c.restart_at <= c.at:
                raise ValueError(f"Crash.restart_at: Invalid value: {c.restart_at:g}: 必须晚于 at（{c.at:g}）")
    for w in writes:
        _num("writes[]", w, 0)
    if write_every_ms is not None:
        _num("write_every_ms", write_every_ms, 1)


# event kinds; lower sorts first at equal times
_E_CRASH, _E_RESTART, _E_PART, _E_MSG, _E_TIMER, _E_HB, _E_WRITE = range(7)


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
    there is none); ``write_every_ms``: a periodic writer in addition.
    """
    _validate_inputs(config, horizon_ms, seed, tuple(partitions), tuple(crashes), tuple(writes), write_every_ms)
    n = config.n
    maj = n // 2 + 1
    hb = float(config.heartbeat_ms)
    et = float(config.election_timeout_ms)
    dmin, dmax = float(config.delay_ms[0]), float(config.delay_ms[1])
    loss = float(config.loss)
    pre_vote, check_quorum = config.pre_vote, config.check_quorum
    rng = random.Random(seed)
    rand = rng.random
    H = float(horizon_ms)

    tr = RaftTrace(config=config, horizon_ms=H, seed=int(seed))
    msgs = tr.messages
    rec = record_messages

    # persistent state [RAFT Fig. 2]
    term = [0] * n
    voted = [None] * n
    logs: list = [[] for _ in range(n)]          # entries (term, value); index i is logs[x][i-1]
    # volatile state
    commit = [0] * n
    role = [_FOL] * n
    alive = [True] * n
    epoch = [0] * n                               # bumped on crash: stale timers are ignored
    deadline = [0.0] * n                          # election deadline (lazy timer)
    votes: list = [set() for _ in range(n)]
    next_idx = [[1] * n for _ in range(n)]
    match_idx = [[0] * n for _ in range(n)]
    last_leader_contact = [-1e18] * n             # for pre-vote / check-quorum leases
    peer_active = [[-1e18] * n for _ in range(n)]  # leader: last response time from each peer
    seg = [(0.0, _FOL, 0)] * n                    # open role segment (since, role, term)
    roles = {i: [] for i in range(n)}
    committed: dict = {}                          # index -> (term, value) first committed
    part_gid: list = []                           # active partitions: (end, gid list)

    heap: list = []
    seq = 0
    hpush = heapq.heappush

    def push(t, kind, a=None, b=None):
        nonlocal seq
        seq += 1
        hpush(heap, (t, kind, seq, a, b))

    def set_role(i, t, r):
        s_t, s_r, s_term = seg[i]
        if s_r != r or s_term != term[i]:
            if t > s_t:
                roles[i].append((s_t, t, s_r, s_term))
            seg[i] = (t, r, term[i])
        role[i] = r

    def reset_timer(i, t):
        deadline[i] = t + et + rand() * et       # [ETCD-RAFT] [et, 2et)

    def can_talk(a, b):
        for _end, gid in part_gid:
            if gid[a] != gid[b]:
                return False
        return True

    dspan = dmax - dmin
    lossy = loss != 0.0
    e_msg = _E_MSG

    def send(t, src, dst, msg):
        # msg = (kind, term, src, ...)
        # Hot path (most events are messages): the same draws in the same order as
        # ``ok = can_talk(src, dst) and (loss == 0.0 or rand() >= loss)``, with push() inlined.
        nonlocal seq
        delay = dmin + dspan * rand()
        if part_gid and not can_talk(src, dst):
            ok = False
        else:
            ok = not lossy or rand() >= loss
        if rec:
            msgs.append((t, t + delay, src, dst, msg[0], msg[1], ok))
        if ok:
            seq += 1
            hpush(heap, (t + delay, e_msg, seq, dst, msg))

    def last_info(i):
        lg = logs[i]
        return (len(lg), lg[-1][0] if lg else 0)

    def up_to_date(i, lli, llt):
        # [RAFT §5.4.1] candidate's log at least as up-to-date as the voter's
        my_i, my_t = last_info(i)
        return llt > my_t or (llt == my_t and lli >= my_i)

    def become_follower(i, t, new_term):
        if new_term > term[i]:
            term[i] = new_term
            voted[i] = None
        set_role(i, t, _FOL)

    def send_append(t, i, j):
        ni = next_idx[i][j]
        lg = logs[i]
        prev = ni - 1
        prev_term = lg[prev - 1][0] if prev >= 1 else 0
        entries = tuple(lg[prev:prev + 64])
        send(t, i, j, ("AE", term[i], i, prev, prev_term, entries, commit[i]))

    def advance_commit(i, t):
        # [RAFT §5.3/§5.4.2] largest N with a majority match[N] and log[N].term == currentTerm
        lg = logs[i]
        mi = match_idx[i]
        mi[i] = len(lg)
        srt = sorted(mi, reverse=True)
        N = srt[maj - 1]
        if N > commit[i] and lg[N - 1][0] == term[i]:
            set_commit(i, N, t)

    def set_commit(i, N, t):
        lg = logs[i]
        for k in range(commit[i] + 1, N + 1):
            e = lg[k - 1]
            c = committed.get(k)
            if c is None:
                committed[k] = e
                tr.commits.append((t, k, e[0], e[1]))
            elif c != e:
                tr.violations.append((t, f"node {i} commits index {k} = {e}, but {c} was committed"))
        commit[i] = N

    def become_leader(i, t):
        set_role(i, t, _LEAD)
        tr.elections.append((t, term[i], i))
        L = len(logs[i])
        logs[i].append((term[i], None))          # [ETCD-RAFT] empty entry of the new term
        for j in range(n):
            next_idx[i][j] = L + 1
            match_idx[i][j] = 0
            peer_active[i][j] = t
        if n == 1:
            advance_commit(i, t)
        for j in range(n):
            if j != i:
                send_append(t, i, j)
        push(t + hb, _E_HB, i, (epoch[i], term[i]))

    def start_election(i, t, pre):
        if pre:
            set_role(i, t, _PRE)
            votes[i] = {i}
            lli, llt = last_info(i)
            msg = ("PV", term[i] + 1, i, lli, llt)   # pre-vote: term not bumped [THESIS §9.6]
        else:
            term[i] += 1
            voted[i] = i
            set_role(i, t, _CAN)
            votes[i] = {i}
            lli, llt = last_info(i)
            msg = ("RV", term[i], i, lli, llt)
        reset_timer(i, t)
        push(deadline[i], _E_TIMER, i, epoch[i])
        if len(votes[i]) >= maj:                    # single node
            if pre:
                start_election(i, t, False)
            else:
                become_leader(i, t)
            return
        for j in range(n):
            if j != i:
                send(t, i, j, msg)

    def on_msg(t, i, msg):
        kind = msg[0]
        mterm = msg[1]
        src = msg[2]
        if kind == "AE":
            if mterm < term[i]:
                send(t, i, src, ("AER", term[i], i, False, 0))
                return
            if mterm > term[i] or role[i] != _FOL:
                become_follower(i, t, mterm)
            last_leader_contact[i] = t
            reset_timer(i, t)
            _k, _t, _s, prev, prev_term, entries, lcommit = msg
            lg = logs[i]
            if prev > len(lg) or (prev >= 1 and lg[prev - 1][0] != prev_term):
                hint = min(prev - 1, len(lg))
                send(t, i, src, ("AER", term[i], i, False, hint))
                return
            # append, truncating only at the first conflicting entry [RAFT Fig. 2, rule 3-4]
            idx = prev
            for e in entries:
                idx += 1
                if idx <= len(lg):
                    if lg[idx - 1][0] != e[0]:
                        if idx <= commit[i]:
                            tr.violations.append((t, f"node {i} would truncate committed index {idx}"))
                        del lg[idx - 1:]
                        lg.append(e)
                else:
                    lg.append(e)
            last_new = prev + len(entries)
            if lcommit > commit[i]:
                N = min(lcommit, last_new)
                if N > commit[i]:
                    set_commit(i, N, t)
            send(t, i, src, ("AER", term[i], i, True, last_new))
        elif kind == "AER":
            if mterm > term[i]:
                become_follower(i, t, mterm)
                reset_timer(i, t)
                return
            if role[i] != _LEAD or mterm != term[i]:
                return
            _k, _t, _s, success, mi = msg
            peer_active[i][src] = t
            if success:
                if mi > match_idx[i][src]:
                    match_idx[i][src] = mi
                    advance_commit(i, t)
                if mi + 1 > next_idx[i][src]:
                    next_idx[i][src] = mi + 1
                if next_idx[i][src] <= len(logs[i]):
                    send_append(t, i, src)
            else:
                ni = max(1, min(next_idx[i][src] - 1, mi + 1))
                next_idx[i][src] = ni
                send_append(t, i, src)
        elif kind == "RV" or kind == "PV":
            pre = kind == "PV"
            lli, llt = msg[3], msg[4]
            # a leader, or a follower that heard from one within the election timeout, is "in lease"
            in_lease = role[i] == _LEAD or (t - last_leader_contact[i] < et)
            if pre:
                # [THESIS §9.6]: grant if the candidate's log is up to date and we have not
                # heard from a leader within the election timeout; never changes our term.
                grant = (mterm > term[i] and not in_lease and up_to_date(i, lli, llt))
                send(t, i, src, ("PVR", mterm if grant else term[i], i, grant))
                return
            if check_quorum and in_lease and mterm > term[i]:
                return                                  # [ETCD-RAFT] lease: ignore
            if mterm > term[i]:
                become_follower(i, t, mterm)
            grant = (mterm == term[i] and voted[i] in (None, src) and up_to_date(i, lli, llt))
            if grant:
                voted[i] = src
                reset_timer(i, t)
            send(t, i, src, ("RVR", term[i], i, grant))
        elif kind == "RVR":
            if mterm > term[i]:
                become_follower(i, t, mterm)
                reset_timer(i, t)
                return
            if role[i] == _CAN and mterm == term[i] and msg[3]:
                votes[i].add(src)
                if len(votes[i]) >= maj:
                    become_leader(i, t)
        elif kind == "PVR":
            if role[i] == _PRE and msg[3] and mterm == term[i] + 1:
                votes[i].add(src)
                if len(votes[i]) >= maj:
                    start_election(i, t, False)
            elif not msg[3] and mterm > term[i]:
                become_follower(i, t, mterm)

    def current_leader():
        best = None
        for i in range(n):
            if alive[i] and role[i] == _LEAD and (best is None or term[i] > term[best]):
                best = i
        return best

    # initial timers, scheduled events
    for i in range(n):
        reset_timer(i, 0.0)
        push(deadline[i], _E_TIMER, i, 0)
    for c in crashes:
        push(float(c.at), _E_CRASH, c, None)
    for p in partitions:
        push(float(p.start), _E_PART, p, None)
    wtimes = list(writes)
    if write_every_ms is not None:
        k = 1
        while k * write_every_ms <= H:
            wtimes.append(k * write_every_ms)
            k += 1
    for w in wtimes:
        push(float(w), _E_WRITE, None, None)

    wcount = 0
    pop = heapq.heappop
    while heap:
        t, kind, _s, a, b = pop(heap)
        if t > H:
            break
        if part_gid and part_gid[0][0] <= t:
            part_gid = [pg for pg in part_gid if pg[0] > t]
        if kind == _E_MSG:
            if alive[a]:
                on_msg(t, a, b)
        elif kind == _E_TIMER:
            i = a
            if not alive[i] or b != epoch[i]:
                continue
            if t < deadline[i]:
                push(deadline[i], _E_TIMER, i, b)
                continue
            if role[i] == _LEAD:
                # [THESIS §6.2] CheckQuorum: step down without a recently active majority
                if check_quorum:
                    act = sum(1 for j in range(n) if j == i or t - peer_active[i][j] < et)
                    if act < maj:
                        set_role(i, t, _FOL)
                reset_timer(i, t)
                push(deadline[i], _E_TIMER, i, b)
                continue
            start_election(i, t, pre_vote)
        elif kind == _E_HB:
            i = a
            ep, hterm = b
            if not alive[i] or ep != epoch[i] or role[i] != _LEAD or term[i] != hterm:
                continue
            for j in range(n):
                if j != i:
                    send_append(t, i, j)
            push(t + hb, _E_HB, i, b)
        elif kind == _E_WRITE:
            wcount += 1
            ld = current_leader()
            if ld is None:
                tr.writes.append((t, None, None, None, wcount))
                continue
            logs[ld].append((term[ld], wcount))
            tr.writes.append((t, ld, len(logs[ld]), term[ld], wcount))
            if n == 1:
                advance_commit(ld, t)
            for j in range(n):
                if j != ld and next_idx[ld][j] == len(logs[ld]):
                    send_append(t, ld, j)
        elif kind == _E_CRASH:
            c = a
            node = current_leader() if c.node == "leader" else c.node
            if node is None or not alive[node]:
                continue
            alive[node] = False
            epoch[node] += 1
            commit[node] = 0                       # volatile [RAFT Fig. 2]
            set_role(node, t, _DOWN)
            tr.crashes.append((node, float(c.at), None if c.restart_at is None else float(c.restart_at)))
            if c.restart_at is not None:
                push(float(c.restart_at), _E_RESTART, node, None)
        elif kind == _E_RESTART:
            i = a
            if alive[i]:
                continue
            alive[i] = True
            last_leader_contact[i] = -1e18
            set_role(i, t, _FOL)
            reset_timer(i, t)
            push(deadline[i], _E_TIMER, i, epoch[i])
        elif kind == _E_PART:
            p = a
            gid = _resolve_groups(p.groups, n, current_leader())
            part_gid.append((float(p.end), gid))
            part_gid.sort(key=lambda x: x[0])
            tr.partitions.append((float(p.start), float(p.end), tuple(tuple(i for i in range(n) if gid[i] == g)
                                                                      for g in sorted(set(gid)))))

    for i in range(n):
        s_t, s_r, s_term = seg[i]
        if H > s_t:
            roles[i].append((s_t, H, s_r, s_term))
    tr.roles = roles
    tr.logs = {i: list(logs[i]) for i in range(n)}
    tr.commit_index = {i: commit[i] for i in range(n)}
    # safety: never two leaders in one term [RAFT §5.2]
    for tm, winners in tr.leaders_by_term().items():
        if len(winners) > 1:
            tr.violations.append((None, f"term {tm} has leaders {sorted(winners)}"))
    return tr


SCENARIOS: dict = {
    "steady": dict(
        label="稳定",
        title="etcd 默认参数：选出 Leader 后稳定复制写入",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0)),
    "leader-crash": dict(
        label="Leader 崩溃",
        title="t=2.5 s Leader 崩溃，t=4.5 s 重启：剩余多数派重新选举",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0,
                    crashes=(Crash("leader", 2500.0, 4500.0),))),
    "partition": dict(
        label="网络分区",
        title="t=2 s–4.5 s 网络分区：旧 Leader 被单独隔开（少数派），其余 4 个节点选出新 Leader",
        kwargs=dict(config=RaftConfig(n=5), horizon_ms=6000.0, write_every_ms=250.0,
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
