"""Benchmark session summary: rounds, median and p95 of every benchmark, against its goal.

A benchmark states its goal with ``@pytest.mark.goal(ms)`` (the p95 of one call must be at most
``ms`` milliseconds); ``@pytest.mark.goal(ms, stat="median")`` judges the median instead.
Benchmarks without a goal (lab measurements, static figures) are listed with "—".

p95 is computed from the raw per-round timings that pytest-benchmark 5.x keeps for each benchmark
(``config._benchmarksession.benchmarks[i].stats.data``, seconds per iteration), with the
nearest-rank method, so it is always one of the measured timings. A p95 needs rounds: with fewer
than 20 rounds the p95 is the maximum, and the table marks it with ``*``.
"""
from __future__ import annotations

import math

import pytest

#: nodeid -> (goal in ms, statistic judged); filled at collection from the ``goal`` markers.
_GOALS: dict[str, tuple[float, str]] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "goal(ms, stat='p95'): benchmark goal, the statistic (p95 or median) in milliseconds")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        m = item.get_closest_marker("goal")
        if m is not None:
            ms = m.args[0] if m.args else m.kwargs["ms"]
            stat = m.kwargs.get("stat", "p95")
            if stat not in ("p95", "median"):
                raise pytest.UsageError(f"{item.nodeid}: goal stat 只能是 'p95' 或 'median'，而不是 {stat!r}")
            _GOALS[item.nodeid] = (float(ms), stat)


def percentile(data: list[float], q: float) -> float:
    """Nearest-rank percentile (``0 < q <= 100``) of ``data``: the smallest value with at least
    q % of the values at or below it."""
    if not data:
        raise ValueError("data: Required value: 没有计时数据")
    s = sorted(data)
    k = max(1, math.ceil(q / 100.0 * len(s)))
    return s[k - 1]


@pytest.hookimpl(trylast=True)  # after pytest-benchmark's own table
def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    bs = getattr(config, "_benchmarksession", None)
    if bs is None or getattr(bs, "disabled", False):
        return
    rows = []
    for bench in getattr(bs, "benchmarks", []):
        data = list(bench.stats.data)
        if not data:
            continue
        p95 = percentile(data, 95) * 1000
        median = bench.stats.median * 1000
        goal = _GOALS.get(bench.fullname)
        if goal is None:
            verdict = "—"
        else:
            ms, stat = goal
            value = p95 if stat == "p95" else median
            verdict = f"{'✔' if value <= ms else '✘'} {stat} ≤ {ms:g} ms"
        rows.append((bench.name, len(data), median, p95, "" if len(data) >= 20 else "*", verdict))
    if not rows:
        return
    w = max(len(r[0]) for r in rows)
    tr = terminalreporter
    tr.write_sep("=", "benchmark p95 vs goals (ms per call)")
    tr.write_line(f"{'benchmark':<{w}}  {'rounds':>6}  {'median':>9}  {'p95':>10}  goal")
    for name, n, med, p95, star, verdict in sorted(rows):
        tr.write_line(f"{name:<{w}}  {n:>6}  {med:9.2f}  {p95:9.2f}{star or ' '}  {verdict}")
    if any(r[4] for r in rows):
        tr.write_line("* fewer than 20 rounds: p95 is the maximum")
