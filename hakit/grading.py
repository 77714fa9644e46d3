"""A small registry of exercises and the ``check`` call that every check cell uses.

An exercise is registered once, in a chapter module under :mod:`hakit.exercises`::

    @exercise("n1.downtime_9995",
              question="可用性 99.95% 时，一年（365 天）最多允许停机多少分钟？",
              kind="number", rel_tol=0.005,
              wrong_answers=[26.28, 4.38, None],
              hint="允许停机时间 = (1 - 可用性) × 一年的分钟数。")
    def _():
        return availability.downtime(0.9995, "year") / 60

The decorated function computes the expected answer from :mod:`hakit.models` (or returns a
fixed, sourced fact). It is called at check time, so a chapter module stays cheap to import.
Functions may take keyword parameters; a lab then passes measured values with
``check(id, answer, measured_s=1.4)`` and the registration gives example values in ``params``.

In a notebook the check cell is one line::

    from hakit.grading import check
    check("n1.downtime_9995", downtime_min)

It prints ``✔ 正确`` or raises ``AssertionError`` with a Chinese message that says what is
wrong and gives the hint, never the expected value. A missing answer (``None``, ``...``,
``NotImplemented``, an empty or placeholder string) fails with ``尚未作答``.

Answer kinds and how they are compared:

``number``        a real number (``bool`` and strings are refused); ``rel_tol``/``abs_tol``.
``int``           an integer (``3.0`` is accepted as 3), exact.
``availability``  a probability close to 1: compared through the unavailability ``1 - a``
                  with ``rel_tol`` (default 2 %), so 0.9997 matches 0.999702 but 0.9990 does not.
``bool``          ``True``/``False`` (also 是/否、对/错、yes/no as strings).
``str``           normalised: NFKC (full-width → half-width), case-folded, whitespace and
                  trailing punctuation removed; ``aliases`` lists other accepted spellings.
``set``           any iterable, compared as a set of normalised elements (order ignored).
``seq``           a tuple/list compared element by element (numbers with the tolerance).
``dict``          same keys, each value compared as a number/str/bool.
``choice``        multiple-choice letters: ``"B"``, ``"b"``, ``"（B）"`` → ``{"B"}``;
                  several letters (``"A, C"`` or ``{"A", "C"}``) for multiple-answer questions.
"""
from __future__ import annotations

import importlib
import inspect
import math
import numbers
import pkgutil
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

__all__ = [
    "Exercise",
    "exercise",
    "check",
    "get",
    "ids",
    "load_all",
    "describe",
    "is_missing",
    "expected_answer",
    "KINDS",
    "MISSING_MESSAGE",
]

KINDS = ("number", "int", "availability", "bool", "str", "set", "seq", "dict", "choice")
MISSING_MESSAGE = "尚未作答"
OK_MESSAGE = "✔ 正确"
# Strings a learner may leave in place of an answer; compared after normalisation.
_PLACEHOLDER_STRINGS = {"", "todo", "?", "？", "...", "…", "请在此作答", "在此作答", "答案", "none"}
_TRUE_WORDS = {"true", "yes", "y", "是", "对", "正确", "能", "可以"}
_FALSE_WORDS = {"false", "no", "n", "否", "错", "错误", "不能", "不可以"}


@dataclass(frozen=True)
class Exercise:
    """One registered exercise. ``solve(**params)`` returns the expected answer."""

    id: str
    question: str
    kind: str
    solve: Callable[..., Any]
    wrong_answers: tuple
    hint: str
    rel_tol: float = 1e-6
    abs_tol: float = 0.0
    aliases: tuple = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""

    def expected(self, **params: Any) -> Any:
        """The expected answer (for tests and instructors, never shown by :func:`check`)."""
        merged = {**self.params, **params}
        return self.solve(**merged)


_REGISTRY: dict[str, Exercise] = {}


def exercise(
    id: str,
    *,
    question: str,
    kind: str,
    wrong_answers: Iterable[Any],
    hint: str,
    rel_tol: float | None = None,
    abs_tol: float = 0.0,
    aliases: Iterable[str] = (),
    params: Mapping[str, Any] | None = None,
    source: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator that registers the function it wraps as the solver of exercise ``id``.

    ``wrong_answers`` must hold at least two examples, one of them a missing answer
    (``None``, ``...`` or ``NotImplemented``); the tests check every one is rejected.
    Registering the same id twice raises ``ValueError``.
    """
    if not isinstance(id, str) or not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", id):
        raise ValueError(f"练习编号 {id!r} 无效：应形如 'n1.downtime_9995'（小写字母、数字、下划线，用点分隔章节）")
    if kind not in KINDS:
        raise ValueError(f"练习 {id}：kind={kind!r} 无效，允许的取值为 {', '.join(KINDS)}")
    wrong = tuple(wrong_answers)
    if len(wrong) < 2:
        raise ValueError(f"练习 {id}：wrong_answers 至少需要两个示例（一个典型错误，一个未作答）")
    if not any(is_missing(w) for w in wrong):
        raise ValueError(f"练习 {id}：wrong_answers 中至少要有一个未作答的示例（None、... 或 NotImplemented）")
    if not any(not is_missing(w) for w in wrong):
        raise ValueError(f"练习 {id}：wrong_answers 中至少要有一个典型错误答案")
    if not isinstance(hint, str) or not hint.strip():
        raise ValueError(f"练习 {id}：hint 不能为空，请给出中文提示")
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"练习 {id}：question 不能为空")
    if rel_tol is None:
        rel_tol = 0.02 if kind == "availability" else 1e-6
    if rel_tol < 0 or abs_tol < 0:
        raise ValueError(f"练习 {id}：rel_tol 与 abs_tol 必须 ≥ 0")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if id in _REGISTRY:
            raise ValueError(f"练习编号 {id!r} 重复注册")
        _REGISTRY[id] = Exercise(
            id=id,
            question=question.strip(),
            kind=kind,
            solve=fn,
            wrong_answers=wrong,
            hint=hint.strip(),
            rel_tol=float(rel_tol),
            abs_tol=float(abs_tol),
            aliases=tuple(aliases),
            params=dict(params or {}),
            source=source or (inspect.getdoc(fn) or ""),
        )
        return fn

    return register


# ---------------------------------------------------------------- registry access
def load_all() -> list[str]:
    """Import every module of :mod:`hakit.exercises` and return all registered ids, sorted."""
    import hakit.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    return sorted(_REGISTRY)


def ids() -> list[str]:
    """All registered ids (after loading every chapter module), sorted."""
    return load_all()


def get(id: str) -> Exercise:
    """The exercise registered as ``id``; its chapter module is imported on demand."""
    if id not in _REGISTRY:
        chapter = id.split(".", 1)[0]
        try:
            importlib.import_module(f"hakit.exercises.{chapter}")
        except ModuleNotFoundError as exc:
            if exc.name != f"hakit.exercises.{chapter}":
                raise
        if id not in _REGISTRY:
            load_all()
    if id not in _REGISTRY:
        raise KeyError(f"没有编号为 {id!r} 的练习；已有的练习编号见 hakit.exercises 的说明")
    return _REGISTRY[id]


def describe(id: str) -> str:
    """The question text of ``id`` (a notebook may print it above the answer cell)."""
    return get(id).question


def expected_answer(id: str, **params: Any) -> Any:
    """The expected answer of ``id``: for tests and instructors, never printed by :func:`check`."""
    return get(id).expected(**params)


# ---------------------------------------------------------------- normalisation
def is_missing(answer: Any) -> bool:
    """True for a missing answer: ``None``, ``...``, ``NotImplemented`` or a placeholder string."""
    if answer is None or answer is Ellipsis or answer is NotImplemented:
        return True
    if isinstance(answer, str):
        return _norm_str(answer) in _PLACEHOLDER_STRINGS
    return False


def _norm_str(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"\s+", "", text)
    return text.rstrip("。.，,；;！!")


def _fail(ex: Exercise, what: str) -> None:
    raise AssertionError(f"✘ 练习 {ex.id}：{what}\n提示：{ex.hint}")


def _type_name(value: Any) -> str:
    return type(value).__name__


def _as_real(ex: Exercise, value: Any, where: str = "答案") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, str):
            _fail(ex, f"{where}应是一个数字，而你给的是字符串 {value!r}；请去掉引号和单位。")
        _fail(ex, f"{where}应是一个数字（int 或 float），收到的是 {_type_name(value)}。")
    x = float(value)
    if not math.isfinite(x):
        _fail(ex, f"{where}必须是有限的数字，收到的是 {value!r}。")
    return x


def _close(ex: Exercise, got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=ex.rel_tol, abs_tol=ex.abs_tol)


def _number_diagnosis(ex: Exercise, got: float, want: float) -> str:
    """What is wrong with a number, without giving the number."""
    if want != 0 and got != 0:
        ratio = got / want
        for factor, label in ((100, "百分数与小数混淆了吗？"), (60, "分钟、小时、秒的换算有误？"),
                              (1000, "毫秒与秒的换算有误？"), (24, "小时与天的换算有误？"),
                              (365, "天与年的换算有误？")):
            if math.isclose(ratio, factor, rel_tol=0.02) or math.isclose(ratio, 1 / factor, rel_tol=0.02):
                return f"数量级不对：与正确值相差约 {factor} 倍，{label}"
        if ratio < 0:
            return "符号不对。"
    return "偏大。" if got > want else "偏小。"


def _compare_number(ex: Exercise, got: Any, want: float, where: str = "答案") -> None:
    x = _as_real(ex, got, where)
    if not _close(ex, x, float(want)):
        _fail(ex, f"{where}不对：{_number_diagnosis(ex, x, float(want))}")


def _compare_int(ex: Exercise, got: Any, want: int, where: str = "答案") -> None:
    x = _as_real(ex, got, where)
    if not float(x).is_integer():
        _fail(ex, f"{where}应是整数（个数、副本数、秒数等），收到的是 {got!r}。")
    if int(x) != int(want):
        _fail(ex, f"{where}不对：{'偏大' if x > want else '偏小'}。")


def _compare_availability(ex: Exercise, got: Any, want: float) -> None:
    x = _as_real(ex, got)
    if 1 < x <= 100:
        _fail(ex, "请用 0 到 1 之间的小数表示可用性（例如 0.999），不要写成百分数。")
    if not 0 <= x <= 1:
        _fail(ex, f"可用性是概率，应在 0 到 1 之间，收到的是 {got!r}。")
    u_got, u_want = 1 - x, 1 - float(want)
    if not math.isclose(u_got, u_want, rel_tol=ex.rel_tol, abs_tol=max(ex.abs_tol, 1e-12)):
        more = "偏高（不可用时间算少了）" if u_got < u_want else "偏低（不可用时间算多了）"
        _fail(ex, f"可用性{more}。")


def _to_bool(ex: Exercise, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = _norm_str(value)
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    if type(value).__name__ == "bool_":  # numpy.bool_
        return bool(value)
    _fail(ex, f"答案应是 True 或 False，收到的是 {_type_name(value)} {value!r}。")
    raise AssertionError  # unreachable


def _scalar_equal(ex: Exercise, got: Any, want: Any) -> bool:
    if isinstance(want, bool):
        try:
            return _to_bool(ex, got) == want
        except AssertionError:
            return False
    if isinstance(want, numbers.Real):
        if isinstance(got, bool) or not isinstance(got, numbers.Real):
            return False
        if isinstance(want, numbers.Integral):
            return float(got) == float(want)
        return _close(ex, float(got), float(want))
    if isinstance(want, str):
        return isinstance(got, str) and _norm_str(got) == _norm_str(want)
    return got == want


def _norm_element(value: Any) -> Any:
    if isinstance(value, str):
        return _norm_str(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return value


def _parse_choice(ex: Exercise, value: Any) -> set[str]:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).upper()
        text = re.sub(r"[()\[\]{}（）【】.。:：]", " ", text)
        tokens = [t for t in re.split(r"[\s,，、;；/&+和与及]+", text) if t]
        if any(not re.fullmatch(r"[A-H]+", t) for t in tokens):
            _fail(ex, f"请只填写选项字母（如 \"B\" 或 \"A, C\"），收到的是 {value!r}。")
        return {letter for t in tokens for letter in t}
    if isinstance(value, (set, frozenset, list, tuple)):
        out: set[str] = set()
        for item in value:
            out |= _parse_choice(ex, item)
        return out
    _fail(ex, f"请用字符串填写选项字母（如 \"B\"），收到的是 {_type_name(value)}。")
    raise AssertionError  # unreachable


# ---------------------------------------------------------------- the check
def _compare_bool(ex: Exercise, answer: Any, want: Any) -> None:
    if _to_bool(ex, answer) != bool(want):
        _fail(ex, "判断不对。")


def _compare_str(ex: Exercise, answer: Any, want: Any) -> None:
    if not isinstance(answer, str):
        _fail(ex, f"答案应是字符串，收到的是 {_type_name(answer)}。")
    accepted = {_norm_str(want)} | {_norm_str(a) for a in ex.aliases}
    if _norm_str(answer) not in accepted:
        _fail(ex, "答案不对。")


def _compare_choice(ex: Exercise, answer: Any, want: Any) -> None:
    got = _parse_choice(ex, answer)
    want_set = _parse_choice(ex, want)
    if not got:
        _fail(ex, MISSING_MESSAGE + "：请填写选项字母。")
    if got != want_set:
        if len(want_set) > 1 and len(got) == 1:
            _fail(ex, "选择不对：这是多选题，正确选项不止一个。")
        if len(want_set) == 1 and len(got) > 1:
            _fail(ex, "选择不对：这是单选题，只有一个正确选项。")
        _fail(ex, "选择不对。")


def _compare_set(ex: Exercise, answer: Any, want: Any) -> None:
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, Iterable):
        _fail(ex, f"答案应是一个集合（如 {{'a', 'b'}}），收到的是 {_type_name(answer)}。")
    got = {_norm_element(a) for a in answer}
    want_set = {_norm_element(w) for w in want}
    if got != want_set:
        missing, extra = want_set - got, got - want_set
        parts = []
        if missing:
            parts.append(f"少了 {len(missing)} 个元素")
        if extra:
            parts.append(f"多了 {len(extra)} 个不该有的元素")
        _fail(ex, "集合不对：" + "，".join(parts) + "。")


def _compare_seq(ex: Exercise, answer: Any, want: Any) -> None:
    if isinstance(answer, (str, bytes, Mapping, set, frozenset)) or not isinstance(answer, Iterable):
        _fail(ex, f"答案应是一个有序的元组或列表，收到的是 {_type_name(answer)}。")
    got = list(answer)
    if len(got) != len(want):
        _fail(ex, f"答案应有 {len(want)} 个元素，你给了 {len(got)} 个。")
    for i, (g, w) in enumerate(zip(got, want)):
        if is_missing(g):
            _fail(ex, f"{MISSING_MESSAGE}：第 {i + 1} 个元素还没有填写。")
        if not _scalar_equal(ex, g, w):
            _fail(ex, f"第 {i + 1} 个元素不对。")


def _compare_dict(ex: Exercise, answer: Any, want: Any) -> None:
    if not isinstance(answer, Mapping):
        _fail(ex, f"答案应是一个字典，键为 {sorted(want)}，收到的是 {_type_name(answer)}。")
    if set(answer) != set(want):
        missing = sorted(set(want) - set(answer), key=str)
        extra = sorted(set(answer) - set(want), key=str)
        text = []
        if missing:
            text.append(f"缺少键 {missing}")
        if extra:
            text.append(f"多了键 {extra}")
        _fail(ex, "字典的键不对：" + "，".join(text) + "。")
    for key in want:
        if is_missing(answer[key]):
            _fail(ex, f"{MISSING_MESSAGE}：键 {key!r} 的值还没有填写。")
        if not _scalar_equal(ex, answer[key], want[key]):
            _fail(ex, f"键 {key!r} 的值不对。")


#: kind -> the comparison that raises (through ``_fail``) when ``answer`` is not ``want``.
_COMPARE: dict[str, Callable[[Exercise, Any, Any], None]] = {
    "number": _compare_number,
    "int": _compare_int,
    "availability": _compare_availability,
    "bool": _compare_bool,
    "str": _compare_str,
    "set": _compare_set,
    "seq": _compare_seq,
    "dict": _compare_dict,
    "choice": _compare_choice,
}


def _judge(ex: Exercise, answer: Any, want: Any) -> None:
    compare = _COMPARE.get(ex.kind)
    if compare is None:  # guarded at registration
        raise ValueError(f"未知的练习类型 {ex.kind!r}")
    compare(ex, answer, want)


def check(id: str, answer: Any, **params: Any) -> None:
    """Grade ``answer`` for exercise ``id``: print ``✔ 正确`` or raise ``AssertionError``.

    ``params`` are passed to the exercise's solver (e.g. values a lab measured). The
    failure message says what is wrong and gives the hint; it never contains the solution.
    """
    ex = get(id)
    if is_missing(answer):
        raise AssertionError(f"✘ 练习 {ex.id}：{MISSING_MESSAGE}（答案仍是 {answer!r}）。请在上面的作答单元格里填写答案后再运行本单元格。\n提示：{ex.hint}")
    want = ex.expected(**params)
    _judge(ex, answer, want)
    print(OK_MESSAGE)
