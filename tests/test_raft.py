"""Tests for hakit.models.raft (discrete-event Raft: election + log replication)."""
import pytest
from hypothesis import given, settings, strategies as st

import ast
import inspect
from hakit.models import raft as R
from hakit.models.raft import (ETCD_DEFAULTS, ETCD_V34_DEFAULTS, Crash, Partition, RaftConfig, scenario,
                               scenario_names, simulate)

FAST = RaftConfig(n=5, heartbeat_ms=10.0, election_timeout_ms=100.0, delay_ms=(1.0, 5.0))
#: the raft library's bare behaviour: no CheckQuorum, no PreVote, no tick advance
BARE = dict(check_quorum=False, pre_vote=False, initial_election_tick_advance=False)


def _check_log_matching(tr):
    """[RAFT §5.3] same index and term => identical prefixes; committed entries never change."""
    assert tr.violations == []
    logs = tr.logs
    nodes = list(logs)
    for a in nodes:
        for b in nodes:
            la, lb = logs[a], logs[b]
            for i in range(min(len(la), len(lb)) - 1, -1, -1):
                if la[i][0] == lb[i][0]:
                    assert la[: i + 1] == lb[: i + 1]
                    break
    committed = {}
    for _t, idx, term, value in tr.commits:
        assert idx not in committed
        committed[idx] = (term, value)
    assert sorted(committed) == list(range(1, len(committed) + 1))
    for node, ci in tr.commit_index.items():
        for k in range(1, ci + 1):
            assert logs[node][k - 1] == committed[k]


def test_etcd_defaults():
    # etcd v3.6 server/embed/config.go:671-695 (TickMs 100, ElectionMs 1000, InitialElectionTickAdvance,
    # PreVote true), bootstrap.go:532 (CheckQuorum: true); v3.4.23 embed/config.go:438 (PreVote: false)
    c = RaftConfig()
    assert (c.heartbeat_ms, c.election_timeout_ms, c.election_ticks) == (100, 1000, 10)
    assert c.check_quorum is True and c.pre_vote is True and c.initial_election_tick_advance is True
    assert ETCD_DEFAULTS == c
    assert ETCD_V34_DEFAULTS.pre_vote is False and ETCD_V34_DEFAULTS.check_quorum is True
    assert RaftConfig(heartbeat_ms=100, election_timeout_ms=1050).election_ticks == 10   # integer division


@pytest.mark.parametrize("kwargs,msg", [
    (dict(n=0), "n: Invalid value: 0"),
    (dict(n=10), "1 到 9"),
    (dict(heartbeat_ms=0), "heartbeat_ms"),
    (dict(election_timeout_ms=499, heartbeat_ms=100), "5 倍"),      # etcd: at least 5 x heartbeat
    (dict(election_timeout_ms=50_001), "50000"),                     # etcd maxElectionMs
    (dict(heartbeat_ms=12.5), "整数毫秒"),
    (dict(loss=1.0), "loss"),
    (dict(delay_ms=(5, 1)), "最小延迟不能大于最大延迟"),
    (dict(pre_vote=1), "pre_vote"),
])
def test_config_validation(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        simulate(RaftConfig(**kwargs))
    assert simulate(RaftConfig(election_timeout_ms=500), horizon_ms=10).violations == []  # exactly 5 x is allowed


def test_input_validation():
    with pytest.raises(ValueError, match="节点编号"):
        simulate(horizon_ms=100, crashes=(Crash(7, 10.0),))
    with pytest.raises(ValueError, match="每一组必须是节点编号的元组"):
        simulate(horizon_ms=100, partitions=(Partition(0, 100, (0, 1)),))
    with pytest.raises(ValueError, match="节点编号"):
        simulate(horizon_ms=100, partitions=(Partition(0, 100, ((True,),)),))
    with pytest.raises(ValueError, match="end 必须大于 start"):
        simulate(horizon_ms=100, partitions=(Partition(50, 10, ((0,),)),))
    with pytest.raises(ValueError, match="horizon_ms"):
        simulate(horizon_ms=-1)


def test_reproducible_with_seed():
    a = simulate(FAST, horizon_ms=1000, seed=7, write_every_ms=20)
    b = simulate(FAST, horizon_ms=1000, seed=7, write_every_ms=20)
    assert a.elections == b.elections and a.commits == b.commits and a.messages == b.messages


def test_first_election_without_tick_advance_waits_a_whole_timeout():
    tr = simulate(RaftConfig(initial_election_tick_advance=False), horizon_ms=5000, seed=0)
    t0, term, _w = tr.elections[0]
    # the first timeout is 10..19 whole ticks of 100 ms after the first tick; a vote round trip adds at
    # most 2 x 2 x 5 ms (pre-vote, then vote)
    assert 1000 <= t0 < 2000 + 100 + 20 and term == 1
    assert len(tr.elections) == 1          # stable leader with no faults


def _campaign_starts(tr, node, role):
    return [s.start for s in tr.roles[node] if s.role == role]


def test_election_timeouts_are_whole_ticks_in_etcd_range():
    # node 0 alone (the others stopped at 0): every campaign resets the randomized timeout
    # (becomeCandidate -> reset), drawn in [electionTick, 2 electionTick) = [10, 20) ticks of 10 ms
    cfg = RaftConfig(n=3, heartbeat_ms=10, election_timeout_ms=100, **BARE)
    tr = simulate(cfg, horizon_ms=20_000, seed=4, crashes=(Crash(1, 0.0), Crash(2, 0.0)), record_messages=False)
    starts = _campaign_starts(tr, 0, "candidate")
    gaps = [(b - a) / 10 for a, b in zip(starts, starts[1:])]
    assert len(gaps) > 100
    assert all(abs(g - round(g)) < 1e-6 for g in gaps)               # whole ticks, not a continuous draw
    assert {round(g) for g in gaps} == set(range(10, 20))             # 2 x 10 = 20 is never drawn


def test_pre_candidate_keeps_its_term_and_randomized_timeout():
    # becomePreCandidate changes neither the term nor the randomized timeout: an isolated node
    # retries every R ticks with the same R, and its term stays 0
    cfg = RaftConfig(n=3, heartbeat_ms=10, election_timeout_ms=100, pre_vote=True, check_quorum=False,
                     initial_election_tick_advance=False)
    tr = simulate(cfg, horizon_ms=5000, seed=4, crashes=(Crash(1, 0.0), Crash(2, 0.0)))
    starts = [m.send for m in tr.messages if m.kind == "PV" and m.dst == 1]
    gaps = {round((b - a) / 10, 6) for a, b in zip(starts, starts[1:])}
    assert len(starts) > 20 and len(gaps) == 1 and 10 <= gaps.pop() < 20
    assert {m.term for m in tr.messages if m.kind == "PV"} == {1}            # always "my term + 1"
    assert {s.term for s in tr.roles[0]} == {0} and not _campaign_starts(tr, 0, "candidate")


def test_initial_election_tick_advance():
    # etcd adjustTicks: once more than one peer is connected (polled every 50 ms) a member advances
    # ElectionTicks - 2 = 8 ticks, so the first timeout is 2..11 ticks after the 50 ms poll
    with_adv = [simulate(ETCD_DEFAULTS, horizon_ms=3000, seed=s, record_messages=False).first_leader_time()
                for s in range(30)]
    without = [simulate(RaftConfig(initial_election_tick_advance=False), horizon_ms=3000, seed=s,
                        record_messages=False).first_leader_time() for s in range(30)]
    assert all(t < 50 + 12 * 100 + 20 for t in with_adv) and min(with_adv) < 400
    # the first campaign: (R - 8) ticks after the advance, R in [10, 20): 200..1100 ms after the member's
    # start (its first tick comes one period after the start, the poll 50 ms after it)
    firsts = []
    for s in range(30):
        tr = simulate(ETCD_DEFAULTS, horizon_ms=1500, seed=s)
        firsts.append(min(m.send for m in tr.messages if m.kind == "PV"))
    assert 200 <= min(firsts) < 300 and max(firsts) < 1100 + 100
    assert all(t >= 1000 for t in without)
    # ActivePeers() > 1: in a 3-member cluster with one member down only one peer is connected: no advance
    lone = [simulate(RaftConfig(n=3), horizon_ms=3000, seed=s, crashes=(Crash(2, 0.0),),
                     record_messages=False).first_leader_time() for s in range(10)]
    assert all(t >= 1000 for t in lone)
    # a single member advances ElectionTicks - 1 = 9 ticks at once: leader after 1..10 ticks
    single = [simulate(RaftConfig(n=1), horizon_ms=3000, seed=s).first_leader_time() for s in range(20)]
    assert all(0 < t <= 11 * 100 for t in single) and min(single) < 300


def _isolated_leader(check_quorum, seed):
    cfg = RaftConfig(n=5, check_quorum=check_quorum)
    tr = simulate(cfg, horizon_ms=9000, seed=seed, partitions=(Partition(3000, 8000, (("leader",),)),),
                  record_messages=False)
    t_el, term, old = tr.elections[0]
    assert tr.partitions[0].groups[0] == (old,)
    return tr, t_el, term, old


@pytest.mark.parametrize("seed", range(8))
def test_check_quorum_every_fixed_election_timeout(seed):
    tr, t_el, term, old = _isolated_leader(True, seed)
    end = tr.leadership_end(old, term)
    # steps down within two election timeouts of being cut off ...
    assert 3000 < end <= 3000 + 2 * 1000
    # ... at a CheckQuorum tick: m * electionTimeout ticks after becoming leader (the first tick after
    # the election is tick 1), never at a randomized deadline
    x = (end - t_el) / 100
    assert x % 10 >= 9 - 1e-6 or x % 10 < 1e-6
    # without CheckQuorum the isolated leader keeps its role until it hears the new term
    tr2, _t, term2, old2 = _isolated_leader(False, seed)
    assert tr2.leadership_end(old2, term2) >= 8000


def _sim_with_follower(cfg):
    """A 3-member _Sim where node 1 follows leader 0 in term 1 and heard from it at t = 0."""
    sim = R._Sim(cfg, 10_000.0, 0, True)
    for nd in sim.nodes:
        nd.term, nd.phase = 1, 0.0
    sim.nodes[0].role, sim.nodes[0].lead = "leader", 0
    f = sim.nodes[1]
    f.lead, f.rto = 0, 15
    sim.reset_elapsed(f, 0.0)
    return sim


@pytest.mark.parametrize("check_quorum,pre_vote,answered", [
    (True, True, False), (True, False, False), (False, True, True), (False, False, True)])
def test_vote_lease_applies_only_with_check_quorum(check_quorum, pre_vote, answered):
    # [RAFT-GO] Step: inLease := r.checkQuorum && r.lead != None && r.electionElapsed < r.electionTimeout
    cfg = RaftConfig(n=3, check_quorum=check_quorum, pre_vote=pre_vote)
    for kind, resp in ((R._PV, "PVR"), (R._RV, "RVR")):
        sim = _sim_with_follower(cfg)
        sim.deliver(250.0, 1, (kind, 2, 2, 1, 1))          # 2 ticks after the leader's message
        replies = [m for m in sim.tr.messages if m.kind == resp]
        assert bool(replies) == answered
        if answered:
            assert replies[0].term == 2                       # granted, at the candidate's term
        # out of the lease (10 ticks without the leader) the request is answered in every mode
        sim = _sim_with_follower(cfg)
        sim.deliver(1050.0, 1, (kind, 2, 2, 1, 1))
        assert [m.kind for m in sim.tr.messages] == [resp]


def test_stale_leader_is_told_the_new_term_only_with_check_quorum_or_pre_vote():
    # [RAFT-GO] Step :1126: a lower-term MsgHeartbeat / MsgApp is answered only with CheckQuorum or PreVote
    for cq, pv, told in ((True, False, True), (False, True, True), (False, False, False)):
        sim = _sim_with_follower(RaftConfig(n=3, check_quorum=cq, pre_vote=pv))
        sim.nodes[1].term = 2
        sim.deliver(50.0, 1, (R._HB, 1, 0, 0))
        assert [m.kind for m in sim.tr.messages] == (["AER"] if told else [])


def test_lower_term_pre_vote_is_rejected_with_our_term():
    # [RAFT-GO] Step: a MsgPreVote of a lower term is answered with a rejection carrying our term
    # (other lower-term vote messages are ignored)
    sim = _sim_with_follower(RaftConfig(n=3))
    sim.nodes[1].term = 3
    sim.deliver(50.0, 1, (R._PV, 2, 2, 1, 1))
    sim.deliver(60.0, 1, (R._RV, 2, 2, 1, 1))
    assert [(m.kind, m.term) for m in sim.tr.messages] == [("PVR", 3)]


def test_single_node_cluster():
    tr = simulate(RaftConfig(n=1), horizon_ms=3000, writes=(2500.0,))
    assert len(tr.elections) == 1 and tr.commits[-1][3] == 1


def test_writes_commit_on_quorum():
    tr = simulate(FAST, horizon_ms=1000, seed=3, write_every_ms=50)
    values = [v for _t, _i, _tm, v in tr.commits if v is not None]
    accepted = [w[4] for w in tr.writes if w[1] is not None]
    assert values == accepted[: len(values)] and len(values) >= len(accepted) - 2
    _check_log_matching(tr)


def test_minority_cannot_commit():
    # 2 of 5 nodes alive: no quorum, nothing is committed after the crash
    crashes = tuple(Crash(i, 0.0) for i in (2, 3, 4))
    tr = simulate(FAST, horizon_ms=1000, seed=1, crashes=crashes, write_every_ms=20)
    assert tr.elections == [] and tr.commits == []


@settings(max_examples=250, deadline=None)
@given(seed=st.integers(0, 10**9), n=st.integers(1, 7), loss=st.sampled_from([0.0, 0.1, 0.3]),
       dmax=st.sampled_from([2.0, 20.0, 80.0]), pre_vote=st.booleans(), cq=st.booleans())
def test_never_two_leaders_in_one_term(seed, n, loss, dmax, pre_vote, cq):
    # 250 examples x 16 seeds = 4,000 runs with short horizons and many elections
    cfg = RaftConfig(n=n, heartbeat_ms=10.0, election_timeout_ms=50.0, delay_ms=(1.0, dmax), loss=loss,
                     pre_vote=pre_vote, check_quorum=cq)
    for k in range(16):
        tr = simulate(cfg, horizon_ms=400, seed=seed * 16 + k, record_messages=False)
        assert all(len(w) == 1 for w in tr.leaders_by_term().values()), (seed * 16 + k, tr.elections)
        assert tr.violations == []


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), pre_vote=st.booleans(), cq=st.booleans())
def test_elects_a_leader_in_bounded_time_with_connected_majority(seed, pre_vote, cq):
    cfg = RaftConfig(n=5, heartbeat_ms=10.0, election_timeout_ms=100.0, pre_vote=pre_vote, check_quorum=cq)
    # two nodes down from the start: the 3 others are a connected majority
    tr = simulate(cfg, horizon_ms=1500, seed=seed, crashes=(Crash(0, 0.0), Crash(1, 0.0)),
                  record_messages=False)
    t = tr.first_leader_time()
    assert t is not None and t < 1000, f"no leader within 10 election timeouts (seed {seed})"
    assert tr.elections[0][2] in (2, 3, 4)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**9), pre_vote=st.booleans(), cq=st.booleans())
def test_reelects_after_leader_crash_in_bounded_time(seed, pre_vote, cq):
    cfg = RaftConfig(n=5, heartbeat_ms=10.0, election_timeout_ms=100.0, pre_vote=pre_vote, check_quorum=cq)
    tr = simulate(cfg, horizon_ms=2000, seed=seed, crashes=(Crash("leader", 800.0),), record_messages=False)
    assert tr.crashes, "a leader existed at 800 ms"
    t = tr.first_leader_time(after=800.0)
    assert t is not None and t - 800.0 < 1000, f"no new leader within 10 election timeouts (seed {seed})"
    assert tr.elections[-1][2] != tr.crashes[0][0]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), minority=st.sets(st.integers(0, 4), min_size=1, max_size=2),
       start=st.floats(0, 300))
def test_never_elects_a_leader_on_the_minority_side(seed, minority, start):
    end = start + 600
    tr = simulate(FAST, horizon_ms=1200, seed=seed, write_every_ms=25,
                  partitions=(Partition(start, end, (tuple(sorted(minority)),)),))
    # The partition drops messages sent after it starts; votes already in flight at the cut still
    # arrive (at most delay_ms[1] later), so a minority candidate can complete an election that a
    # majority voted for *before* the cut. After that window no minority node may win.
    in_flight = FAST.delay_ms[1]
    for t, _term, w in tr.elections:
        if start + in_flight <= t < end:
            assert w not in minority, f"minority node {w} elected at {t:.1f} ms, partition {start}–{end} ms"
    # the majority side elects a leader during the partition
    assert any(start <= t < end and w not in minority for t, _tm, w in tr.elections) or \
        any(a <= start and b >= end and r == "leader" for node, segs in tr.roles.items()
            if node not in minority for a, b, r, _t in segs)
    _check_log_matching(tr)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**9),
       crash_times=st.lists(st.floats(150, 1200), min_size=1, max_size=4),
       down=st.floats(20, 300), loss=st.sampled_from([0.0, 0.05]))
def test_committed_entries_survive_leader_crashes(seed, crash_times, down, loss):
    cfg = RaftConfig(n=5, heartbeat_ms=10.0, election_timeout_ms=100.0, delay_ms=(1.0, 10.0), loss=loss)
    crashes = tuple(Crash("leader", t, t + down) for t in sorted(crash_times))
    tr = simulate(cfg, horizon_ms=1800, seed=seed, crashes=crashes, write_every_ms=20,
                  record_messages=False)
    _check_log_matching(tr)
    # leader completeness: the last leader's log holds every committed entry
    last_t, last_term, leader = tr.elections[-1]
    committed = [(tm, v) for _t, _i, tm, v in sorted(tr.commits, key=lambda c: c[1]) if _t < last_t]
    assert tr.logs[leader][: len(committed)] == committed


def test_scenarios_run_and_show_what_they_claim():
    for name in scenario_names():
        tr = simulate(**scenario(name), seed=1)
        assert tr.violations == [] and tr.elections
    tr = simulate(**scenario("leader-crash"), seed=1)
    assert tr.crashes and len(tr.elections) >= 2
    for name, stale in (("partition", False), ("partition-no-checkquorum", True)):
        tr = simulate(**scenario(name), seed=1)
        old, term = tr.elections[0].winner, tr.elections[0].term
        assert tr.partitions[0].groups[0] == (old,)
        assert any(w != old and 2000 <= t < 4500 for t, _tm, w in tr.elections)
        # with CheckQuorum (etcd) the cut-off leader steps down within two election timeouts;
        # without it, it stays "leader" of the old term until the partition heals
        assert (tr.leadership_end(old, term) >= 4500) == stale
        assert (len(tr.leaders_at(3800)) == 2) == stale


def test_lazy_heartbeats_give_exactly_the_queued_run():
    """The lazily applied heartbeats (record_messages=False) must give the same run as queuing
    every message (record_messages=True): per-link random streams make the two comparable."""
    cases = [scenario(nm) for nm in scenario_names()]
    cases.append(dict(config=RaftConfig(n=9, heartbeat_ms=10, election_timeout_ms=100, delay_ms=(1.0, 50.0),
                                        loss=0.5), horizon_ms=8000, write_every_ms=40,
                      partitions=(Partition(2400, 5600, (("leader",),)),), crashes=(Crash("leader", 3200, 6400),)))
    cases.append(dict(config=RaftConfig(n=4, heartbeat_ms=10, election_timeout_ms=50, delay_ms=(0.0, 30.0),
                                        loss=0.2, check_quorum=False), horizon_ms=3000, write_every_ms=20,
                      crashes=(Crash("leader", 800, 1200), Crash(1, 1500, 1700))))
    for kw in cases:
        for seed in (1, 2):
            a = simulate(**kw, seed=seed, record_messages=True)
            b = simulate(**kw, seed=seed, record_messages=False)
            assert a.messages and not b.messages
            for name in ("elections", "roles", "commits", "writes", "logs", "commit_index", "violations",
                         "crashes", "partitions"):
                assert getattr(a, name) == getattr(b, name), (name, kw["config"], seed)


def test_records_are_named_tuples_in_the_old_field_order():
    tr = simulate(FAST, horizon_ms=500, seed=2, write_every_ms=50, crashes=(Crash("leader", 300, 400),))
    t, term, w = tr.elections[0]
    assert tr.elections[0] == R.Election(t, term, w) and tr.elections[0].winner == w
    assert tr.roles[0][0]._fields == ("start", "end", "role", "term")
    assert tr.writes[0]._fields == ("time", "leader", "index", "term", "value")
    assert tr.commits[0]._fields == ("time", "index", "term", "value")
    assert tr.messages[0]._fields == ("send", "recv", "src", "dst", "kind", "term", "delivered")
    assert tr.crashes[0]._fields == ("node", "at", "restart_at")
    assert tr.leader_at(tr.elections[0].time + 1) == w and tr.leaders_at(-1) == []


def test_library_code_has_small_functions_and_no_assert():
    import hakit.models.quorum as Q
    import hakit.models.sentinel as S
    for mod in (R, S, Q):
        tree = ast.parse(inspect.getsource(mod))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Assert)], mod.__name__
        long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 100]
        assert long == [], (mod.__name__, long)


# ---- figure and widget --------------------------------------------------------------------------

def test_scenarios_figure_is_static_and_small():
    from hakit.figures.raft import raft_scenarios_figure
    fig = raft_scenarios_figure(seeds=(1, 2))
    steps = fig.layout.sliders[0].steps
    assert len(steps) == 2 * len(scenario_names()) and all(s.method == "update" for s in steps)
    part = [s for s in steps if s.label.startswith("网络分区")][0]
    assert part.args[1]["shapes"]                     # the partition interval is shaded
    assert len(fig.to_json()) < 300_000


def test_widget_callback_and_error_message():
    from hakit.widgets.raft import raft_panel, render_raft
    kw = dict(n=3, election_timeout_ms=100, heartbeat_ms=10, delay_max_ms=5.0, loss=0.0, partition=True,
              crash=True, pre_vote=False, check_quorum=False, seed=0, horizon_s=2)
    fig = render_raft(**kw)
    assert len(fig.data) == 8 and len(fig.data[5].x) >= 1     # at least one election star
    with pytest.raises(ValueError, match="heartbeat_ms（10）的 5 倍"):
        render_raft(**{**kw, "election_timeout_ms": 45})
    assert raft_panel().children
