"""Tests for hakit.models.raft (discrete-event Raft: election + log replication)."""
import pytest
from hypothesis import given, settings, strategies as st

from hakit.models.raft import (ETCD_DEFAULTS, Crash, Partition, RaftConfig, scenario, scenario_names,
                               simulate)

FAST = RaftConfig(n=5, heartbeat_ms=10.0, election_timeout_ms=100.0, delay_ms=(1.0, 5.0))


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
    assert ETCD_DEFAULTS.heartbeat_ms == 100 and ETCD_DEFAULTS.election_timeout_ms == 1000


@pytest.mark.parametrize("kwargs,msg", [
    (dict(n=0), "n: Invalid value: 0"),
    (dict(n=10), "1 到 9"),
    (dict(heartbeat_ms=0), "heartbeat_ms"),
    (dict(election_timeout_ms=50, heartbeat_ms=100), "必须大于 heartbeat_ms"),
    (dict(loss=1.0), "loss"),
    (dict(delay_ms=(5, 1)), "最小延迟不能大于最大延迟"),
])
def test_config_validation(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        simulate(RaftConfig(**kwargs))


def test_input_validation():
    with pytest.raises(ValueError, match="节点编号"):
        simulate(horizon_ms=100, crashes=(Crash(7, 10.0),))
    with pytest.raises(ValueError, match="end 必须大于 start"):
        simulate(horizon_ms=100, partitions=(Partition(50, 10, ((0,),)),))
    with pytest.raises(ValueError, match="horizon_ms"):
        simulate(horizon_ms=-1)


def test_reproducible_with_seed():
    a = simulate(FAST, horizon_ms=1000, seed=7, write_every_ms=20)
    b = simulate(FAST, horizon_ms=1000, seed=7, write_every_ms=20)
    assert a.elections == b.elections and a.commits == b.commits and a.messages == b.messages


def test_first_election_within_randomized_timeout_window():
    tr = simulate(ETCD_DEFAULTS, horizon_ms=5000, seed=0)
    t0, term, _w = tr.elections[0]
    # first timeout fires in [1000, 2000) ms; a vote round trip adds at most 2 * 5 ms
    assert 1000 <= t0 < 2010 and term >= 1
    assert len(tr.elections) == 1          # stable leader with no faults


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
    cfg = RaftConfig(n=n, heartbeat_ms=25.0, election_timeout_ms=50.0, delay_ms=(1.0, dmax), loss=loss,
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
    tr = simulate(**scenario("partition"), seed=1)
    old = tr.elections[0][2]
    assert tr.partitions[0][2][0] == (old,)
    assert any(w != old and 2000 <= t < 4500 for t, _tm, w in tr.elections)


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
    with pytest.raises(ValueError, match="必须大于 heartbeat_ms"):
        render_raft(**{**kw, "election_timeout_ms": 5})
    assert raft_panel().children
