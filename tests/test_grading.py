"""The exercise registry and the grader: registered wrong answers are rejected, hand-computed
answers (never the solver's own output) pass, and the grader on a private registry."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import hakit.exercises
from hakit import grading
from hakit.grading import check, exercise

ALL_IDS = grading.load_all()
# Registered wrong answers that are real answers; the missing-answer placeholder every exercise
# must register is covered once by test_missing_answer_says_not_answered.
WRONG = [(i, k) for i in ALL_IDS for k, w in enumerate(grading.get(i).wrong_answers) if not grading.is_missing(w)]


def test_every_exercise_module_is_discovered():
    modules = {m.name for m in pkgutil.iter_modules(hakit.exercises.__path__) if not m.name.startswith("_")}
    assert {"n1", "n2", "n3", "n4", "n5", "labs"} <= modules
    prefixes = {i.split(".")[0] for i in ALL_IDS}
    assert prefixes == modules, "each module registers ids that start with its own name"
    assert len(ALL_IDS) >= 40


def test_package_docstring_lists_exactly_the_registered_ids():
    listed = set(re.findall(r"^\s+((?:n\d|labs)\.[a-z0-9_]+)\s", hakit.exercises.__doc__, re.M))
    assert listed == set(ALL_IDS)


def test_registrations_are_complete():
    bad = []
    for ex_id in ALL_IDS:
        ex = grading.get(ex_id)
        ok = (re.search(r"[\u4e00-\u9fff]", ex.hint) and re.search(r"[\u4e00-\u9fff]", ex.question)
              and len(ex.wrong_answers) >= 2 and any(grading.is_missing(w) for w in ex.wrong_answers)
              and any(not grading.is_missing(w) for w in ex.wrong_answers)
              and grading.describe(ex_id) == ex.question)
        if not ok:
            bad.append(ex_id)
    assert not bad, f"incomplete registrations: {bad}"


@pytest.mark.parametrize("ex_id,k", WRONG)
def test_wrong_answer_is_rejected(ex_id, k, capsys):
    want = grading.expected_answer(ex_id)
    wrong = grading.get(ex_id).wrong_answers[k]
    with pytest.raises(AssertionError) as info:
        check(ex_id, wrong)
    message = str(info.value)
    assert re.search(r"[\u4e00-\u9fff]", message), "the message is in Chinese"
    assert "提示" in message
    assert "✔" not in capsys.readouterr().out
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        # never the solution: neither the exact value nor a 4-significant-digit rounding of it
        for text in {repr(want), f"{want:.4g}", f"{want:g}"}:
            if len(text) >= 2:
                assert text not in message.replace(repr(wrong), ""), f"{ex_id} leaks {text}"


@pytest.mark.parametrize("missing", [None, ..., NotImplemented, "", "请在此作答"], ids=repr)
def test_missing_answer_says_not_answered(missing):
    with pytest.raises(AssertionError, match="尚未作答"):
        check("n1.downtime_9995", missing)


def test_every_exercise_refuses_a_missing_answer_before_solving(monkeypatch):
    # check() tests is_missing() before it calls the solver, for every registered id
    def boom(**_):
        raise RuntimeError("solver must not run for a missing answer")
    for ex_id in ALL_IDS:
        ex = grading.get(ex_id)
        monkeypatch.setitem(grading._REGISTRY, ex_id, grading.Exercise(**{**ex.__dict__, "solve": boom}))
        with pytest.raises(AssertionError, match="尚未作答"):
            check(ex_id, None)


# ------------------------------------------------------------ known values (not via the solver)
@pytest.mark.parametrize("ex_id,answer", [
    ("n1.downtime_9995", 262.8),
    ("n1.budget_fraction_30min_9999", 0.571),
    ("n1.series_two_999", 0.998),
    ("n1.parallel_two_999", 0.999999),
    ("n1.k_of_n_2of3_99", 0.9997),
    ("n2.cluster_availability_3_099", 0.999702),
    ("n4.sdown_default_seconds", 30),
    ("n5.q2_majority", "（c）"),
    ("n5.q6_removed", "c、a"),
    ("n5.q5_statefulset", {"A", "B", "D"}),
    ("labs.old_master_role_after_empty_restart", " Master "),
])
def test_hand_computed_answers_pass(ex_id, answer, capsys):
    check(ex_id, answer)
    assert "✔ 正确" in capsys.readouterr().out


#: Every registered exercise whose answer depends on rounding (⌈⌉, ⌊⌋, int truncation, the
#: majority ⌊n/2⌋+1, the HPA tolerance band), with the answer computed by hand and the answer
#: the other rounding gives (None: the exercise's numbers make both roundings agree; see
#: ROUNDING_BLIND). The derivation is the last column.
ROUNDING = [
    ("n1.outages_per_year_9999", 35, 36, "0.0001 × 31 536 000 s = 3153.6 s; ÷ (30 + 60) s = 35.04 → ⌊⌋ 35"),
    ("n1.nines_9995", 3.30, 3, "−log10(0.0005) = 3.301 → 3.30 (two decimals), not the integer 3"),
    ("n2.majority_5", 3, 4, "⌊5/2⌋ + 1 = 3 (⌈5/2⌉ + 1 = 4)"),
    ("n2.fault_tolerance_4", 1, 2, "⌊(4 − 1)/2⌋ = 1 (⌈1.5⌉ = 2)"),
    ("n2.min_size_tolerate_2", 5, 4, "smallest n with ⌊(n − 1)/2⌋ ≥ 2 is 5 (with ⌈⌉ it would be 4)"),
    ("n2.even_sizes_no_gain", {2, 4, 6}, {3, 5, 7}, "⌊(n−1)/2⌋ for n = 1…7: 0 0 1 1 2 2 3"),
    ("n2.partition_2_2", 0, 2, "each side needs ⌊4/2⌋ + 1 = 3 of 4; 2 + 2 gives neither"),
    ("n2.has_quorum_5_2alive", False, None, "2 < ⌊5/2⌋ + 1 = 3"),
    ("n2.stacked_cp_failures_to_lose_quorum", 2, None, "3 members, majority 2: losing 2 hosts leaves 1"),
    ("n2.lease_takeover_latest", 18, 16, "observed ≤ 2 s after the renewal, then ⌈15/2⌉ × 2 = 16 s of polls"),
    ("n3.etcd_two_dc_survivors", {"B"}, None, "losing A leaves 1 < 2, losing B leaves 2 ≥ 2"),
    ("n3.fenceposts_10_25pct", (3, 2), (3, 3), "⌈2.5⌉ = 3 surge, ⌊2.5⌋ = 2 unavailable"),
    ("n3.rollout_bounds_10", {"max_pods": 13, "min_available": 8}, {"max_pods": 12, "min_available": 8},
     "10 + ⌈2.5⌉ = 13, 10 − ⌊2.5⌋ = 8"),
    ("n3.fenceposts_both_zero", (0, 1), (0, 0), "⌊0.4⌋ = 0 and surge 0: ResolveFenceposts sets 1"),
    ("n3.startup_failure_threshold", 25, 24, "⌈245/10⌉ = ⌈24.5⌉ = 25 (⌊⌋ gives 24: 240 s, short of 245 s)"),
    ("n3.hpa_scale_up", 6, 5, "80/60 = 1.33 > 1.1; ⌈4 × 80/60⌉ = ⌈5.33⌉ = 6 (⌊⌋ gives 5)"),
    ("n3.hpa_tolerance", 4, 5, "64/60 = 1.067 ∈ [0.9, 1.1]: keep 4 (⌈4.27⌉ = 5 ignores the tolerance)"),
    ("n3.hpa_scale_down", 5, 4, "22/50 = 0.44 < 0.9; ⌈10 × 0.44⌉ = ⌈4.4⌉ = 5 (⌊⌋ gives 4)"),
    ("n3.hpa_max_replicas", 10, None, "⌈8 × 4⌉ = 32 → maxReplicas 10 (one sync: min(10, 16))"),
    ("n3.rollout_max_pods_6", 8, 7, "6 + ⌈25 % × 6⌉ = 6 + ⌈1.5⌉ = 8 (⌊⌋ gives 7)"),
    ("n4.sentinel_votes_5_q2", 3, None, "max(quorum 2, ⌊5/2⌋ + 1 = 3)"),
    ("n4.sentinel_3_one_box_down", True, None, "2 left ≥ max(2, ⌊3/2⌋ + 1 = 2)"),
    ("n4.sentinel_2_one_box_down", False, True, "1 left < max(1, ⌊2/2⌋ + 1 = 2) (⌈2/2⌉ = 1 would allow it)"),
    ("labs.etcd_minority_write", False, None, "1 < ⌊3/2⌋ + 1 = 2"),
    ("labs.k2_rollout_bounds", (8, 5), None, "integers: 6 + 2, 6 − 1 (no rounding to tell apart)"),
    ("labs.k3_backoff_delays", [0, 10, 20, 40, 80, 160], [10, 20, 40, 80, 160, 300],
     "first restart immediate, then 10 s doubling (cap 300 s)"),
    ("labs.k4_hpa_desired", 4, 3, "⌈2 × 90/50⌉ = ⌈3.6⌉ = 4 (⌊⌋ gives 3)"),
]
#: Exercises whose numbers do not tell ⌈⌉ from ⌊⌋ (reported to the chapter owners).
ROUNDING_BLIND = {"n3.hpa_max_replicas", "labs.k2_rollout_bounds"}


def test_rounding_blind_rows_have_no_other_answer():
    assert ROUNDING_BLIND <= {row[0] for row in ROUNDING if row[2] is None}


@pytest.mark.parametrize("ex_id,answer,other,why", ROUNDING, ids=[r[0] for r in ROUNDING])
def test_rounding_answers_computed_by_hand(ex_id, answer, other, why, capsys):
    check(ex_id, answer)
    assert "✔ 正确" in capsys.readouterr().out, why
    if other is not None:
        with pytest.raises(AssertionError):
            check(ex_id, other)


_ROUNDING_CALLS = re.compile(r"ceil|floor|//|\bint\(|majority|fault_tolerance|has_quorum|_sentinels_needed|"
                             r"resolve_fenceposts|desired_replicas|partition_quorum|takeover_bounds|\.simulate\(|"
                             r"hpa_desired|fenceposts|backoff")


def test_rounding_table_covers_every_rounding_exercise():
    """A new exercise whose solver rounds must get a hand-computed row in ROUNDING."""
    listed = {row[0] for row in ROUNDING}
    def body(fn):            # the solver's code, without the decorator's question text
        src = inspect.getsource(fn)
        return src[src.index("def "):]
    rounding = {i for i in ALL_IDS if _ROUNDING_CALLS.search(body(grading.get(i).solve))}
    assert rounding <= listed, f"add hand-computed rows for {sorted(rounding - listed)}"


def test_lab_exercise_uses_measured_parameters(capsys):
    check("labs.failover_budget_share", 3.0 / 3153.6, failover_s=3.0)
    assert "✔" in capsys.readouterr().out
    with pytest.raises(AssertionError):
        check("labs.failover_budget_share", 3.0 / 3153.6)  # default example is 1.5 s


# ------------------------------------------------------------ the grader on a private registry
@pytest.fixture
def scratch():
    """Register throw-away exercises and remove them afterwards."""
    before = dict(grading._REGISTRY)
    yield
    grading._REGISTRY.clear()
    grading._REGISTRY.update(before)


def _reg(ex_id, kind, value, **kw):
    kw.setdefault("wrong_answers", [object(), None])
    exercise(ex_id, question="测试题", kind=kind, hint="测试提示", **kw)(lambda: value)


def test_number_tolerance_and_diagnosis(scratch):
    _reg("zz.num", "number", 262.8, rel_tol=0.005)
    check("zz.num", 263.0)
    with pytest.raises(AssertionError, match="60 倍"):
        check("zz.num", 262.8 / 60)
    with pytest.raises(AssertionError, match="100 倍"):
        check("zz.num", 2.628)
    with pytest.raises(AssertionError, match="偏大"):
        check("zz.num", 300)
    with pytest.raises(AssertionError, match="字符串"):
        check("zz.num", "262.8")
    with pytest.raises(AssertionError, match="数字"):
        check("zz.num", True)
    with pytest.raises(AssertionError, match="有限"):
        check("zz.num", float("nan"))


def test_availability_compares_unavailability(scratch):
    _reg("zz.av", "availability", 0.999702)
    check("zz.av", 0.9997)
    with pytest.raises(AssertionError, match="偏低"):
        check("zz.av", 0.999)
    with pytest.raises(AssertionError, match="偏高"):
        check("zz.av", 0.99999)
    with pytest.raises(AssertionError, match="百分数"):
        check("zz.av", 99.97)


def test_int_set_seq_dict_bool_str_choice(scratch):
    _reg("zz.int", "int", 3)
    check("zz.int", 3.0)
    with pytest.raises(AssertionError, match="整数"):
        check("zz.int", 3.5)
    _reg("zz.set", "set", {"a", "b"})
    check("zz.set", ["B", " a"])
    with pytest.raises(AssertionError, match="少了 1 个"):
        check("zz.set", {"a"})
    with pytest.raises(AssertionError, match="多了 1 个"):
        check("zz.set", {"a", "b", "c"})
    with pytest.raises(AssertionError, match="集合"):
        check("zz.set", "ab")
    _reg("zz.seq", "seq", (3, 2))
    check("zz.seq", [3, 2])
    with pytest.raises(AssertionError, match="第 2 个元素"):
        check("zz.seq", (3, 3))
    with pytest.raises(AssertionError, match="2 个元素"):
        check("zz.seq", (3,))
    with pytest.raises(AssertionError, match="尚未作答"):
        check("zz.seq", (3, None))
    _reg("zz.dict", "dict", {"max_pods": 13, "ok": True})
    check("zz.dict", {"max_pods": 13.0, "ok": "是"})
    with pytest.raises(AssertionError, match="缺少键"):
        check("zz.dict", {"max_pods": 13})
    with pytest.raises(AssertionError, match="'max_pods' 的值不对"):
        check("zz.dict", {"max_pods": 12, "ok": True})
    _reg("zz.bool", "bool", False)
    check("zz.bool", "否")
    with pytest.raises(AssertionError, match="True 或 False"):
        check("zz.bool", 0)
    _reg("zz.str", "str", "master", aliases=["primary"])
    check("zz.str", "ＭＡＳＴＥＲ。")
    check("zz.str", "Primary")
    with pytest.raises(AssertionError, match="答案不对"):
        check("zz.str", "replica")
    _reg("zz.one", "choice", "B")
    check("zz.one", "b")
    with pytest.raises(AssertionError, match="单选"):
        check("zz.one", "A, B")
    with pytest.raises(AssertionError, match="选项字母"):
        check("zz.one", "答案是B")
    _reg("zz.many", "choice", "A, C")
    check("zz.many", ["c", "A"])
    with pytest.raises(AssertionError, match="多选"):
        check("zz.many", "A")


def test_failure_message_never_contains_the_solution(scratch):
    _reg("zz.secret", "number", 52.56)
    for wrong in (50, 5256, 0.5256, 60):
        with pytest.raises(AssertionError) as info:
            check("zz.secret", wrong)
        assert "52.56" not in str(info.value)
    _reg("zz.secret_set", "set", {"alpha"})
    with pytest.raises(AssertionError) as info:
        check("zz.secret_set", {"beta"})
    assert "alpha" not in str(info.value)


@pytest.mark.parametrize("kwargs,match", [
    (dict(kind="nope"), "kind"),
    (dict(wrong_answers=[None]), "至少需要两个"),
    (dict(wrong_answers=[1, 2]), "未作答"),
    (dict(wrong_answers=[None, ...]), "典型错误"),
    (dict(hint=" "), "hint"),
])
def test_registration_is_validated(scratch, kwargs, match):
    args = dict(question="题", kind="int", wrong_answers=[1, None], hint="提示")
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        exercise("zz.bad", **args)(lambda: 0)


def test_duplicate_and_bad_ids_are_refused(scratch):
    _reg("zz.dup", "int", 1)
    with pytest.raises(ValueError, match="重复"):
        _reg("zz.dup", "int", 1)
    with pytest.raises(ValueError, match="无效"):
        _reg("NoChapter", "int", 1)


def test_unknown_id():
    with pytest.raises(KeyError, match="没有编号"):
        check("n1.no_such_exercise", 1)


def test_chapter_module_is_loaded_on_demand():
    # a fresh import of a chapter module registers into the same registry (ids are unique)
    mod = importlib.import_module("hakit.exercises.n2")
    assert grading.get("n2.majority_5").solve.__module__ == mod.__name__


def test_notebooks_use_registered_ids():
    """Every ``check("<id>", ...)`` in book/ and labs/ names a registered exercise."""
    import nbformat
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"(?<![\w.])check\(\s*[\"']([A-Za-z0-9_.]+)[\"']")
    unknown = []
    for folder in ("book", "labs"):
        for path in sorted((root / folder).rglob("*.ipynb")) if (root / folder).is_dir() else []:
            if ".ipynb_checkpoints" in path.parts:
                continue
            nb = nbformat.read(path, as_version=4)
            for idx, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    unknown += [f"{path.relative_to(root)} 第 {idx} 个单元格: {i}"
                                for i in pattern.findall(cell.source) if i not in ALL_IDS]
    assert not unknown, "未注册的练习编号：\n" + "\n".join(unknown)
