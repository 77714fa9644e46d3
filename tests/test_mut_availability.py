"""Pinning tests for hakit.models.availability: hand-computed vectors from the definitions in the module
(365-day year, series/parallel/k-of-n under independence, A = MTBF/(MTBF+MTTR)) and input-domain edges."""
from __future__ import annotations

import dataclasses
import math

import pytest

from hakit.models import availability as A


@pytest.mark.parametrize("bad", [True, None, math.nan, "0.9"])
def test_probability_type_checks(bad):
    with pytest.raises(ValueError, match="availabilities\\[0\\]"):
        A.series(bad)


@pytest.mark.parametrize("bad", [True, None, math.inf, "5"])
def test_seconds_type_checks(bad):
    with pytest.raises(ValueError, match="downtime_s"):
        A.availability_from_downtime(bad)


@pytest.mark.parametrize("bad", [True, None, 2.0])
def test_int_type_checks(bad):
    with pytest.raises(ValueError, match="n"):
        A.k_of_n(1, bad, 0.9)


@pytest.mark.parametrize("bad", [True, None, math.inf, "4"])
def test_nines_type_checks(bad):
    with pytest.raises(ValueError, match="nines"):
        A.nines_to_availability(bad)


def test_probability_closed_interval_ends():
    assert A.series(0.0) == 0.0 and A.series(1.0) == 1.0 and A.parallel(0.0, 0.0) == 0.0
    assert A.series(0.5, 0.5) == 0.25
    with pytest.raises(ValueError):
        A.series(-0.01)


def test_downtime_may_equal_the_whole_period():
    assert A.availability_from_downtime(A.YEAR) == 0.0
    assert A.availability_from_downtime(86_400, "day") == 0.0
    assert A.availability_from_downtime(0) == 1.0
    with pytest.raises(ValueError, match="downtime_s"):
        A.availability_from_downtime(86_400.5, "day")


def test_single_component_forms():
    assert A.unavailability_series(1, 0.9) == pytest.approx(0.1)
    assert A.unavailability_parallel(1, 0.9) == pytest.approx(0.1)
    assert A.unavailability_series(2, 0.0) == 1.0       # p = 0: nothing is ever up
    assert A.unavailability_series(3, 1.0) == 0.0
    for f in (A.unavailability_series, A.unavailability_parallel):
        with pytest.raises(ValueError, match="n"):
            f(0, 0.9)


def test_small_positive_seconds_are_accepted():
    assert A.availability_from_mtbf(0.5, 0) == 1.0       # MTBF only has to be > 0
    assert A.availability_from_mtbf(0.5, 0.5) == 0.5
    assert A.detection_time(0.5, 2) == 1.0
    assert A.detection_time(10, 1) == 10                 # failureThreshold 1 is the minimum
    assert A.outages_per_budget(0.5, 0.9, "day") == pytest.approx(0.1 * 86_400 / 0.5)
    for call in (lambda: A.detection_time(10, 0), lambda: A.availability_from_mtbf(0, 1),
                 lambda: A.outages_per_budget(0, 0.999), lambda: A.budget_fraction(60, 1.0)):
        with pytest.raises(ValueError):
            call()


def test_budget_fraction_vector():
    # 99.99 % a year = 3153.6 s; a 30 min outage uses 1800 / 3153.6
    assert A.budget_fraction(1800, 0.9999) == pytest.approx(1800 / 3153.6)
    assert A.budget_fraction(0, 0.0) == 0.0


def test_incidents_are_frozen_and_sized():
    assert [i.duration_s for i in A.INCIDENTS] == [140 * 60, 30 * 60]  # 140 min estimate, 30 min (erratum E31)
    with pytest.raises(dataclasses.FrozenInstanceError):
        A.INCIDENTS[0].duration_s = 0


@pytest.mark.parametrize("seconds, text", [
    (0.999, "999 毫秒"), (1, "1.0 秒"), (1.5, "1.5 秒"), (59.9, "59.9 秒"), (60, "1 分钟"), (61, "1 分 1 秒"),
    (3599, "59 分 59 秒"), (3600, "1 小时"), (3660, "1 小时 1 分"), (7199, "2 小时"), (86_399, "24 小时"),
    (86_400, "1 天"), (90_000, "1 天 1 小时"), (3 * 86_400 + 5 * 3600, "3 天 5 小时"), (0, "0 毫秒"),
    (30 * 3600 + 1801, "1 天 7 小时"),  # 30.5003 h rounds up to 31 h
])
def test_format_duration_boundaries(seconds, text):
    assert A.format_duration(seconds) == text


def test_hundred_percent_has_no_finite_nines():
    # -log10(1 - A) is undefined at A = 1: the model refuses it with its own message, not a math domain error
    with pytest.raises(ValueError, match="availability: Invalid value"):
        A.availability_to_nines(1.0)
    assert A.availability_to_nines(0.999) == pytest.approx(3)
