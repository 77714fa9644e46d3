"""Mutation testing of ``hakit.models``: does the unit-test suite notice a small change to a rule?

A small AST mutator (no dependency; mutmut 3 copies the whole tree into ``mutants/`` and runs
every test, which does not fit a working tree shared by several people). For each module it
enumerates mutants, one change each:

- comparisons ``<``/``<=``/``>``/``>=`` shifted by one (``<`` → ``<=`` …), ``==`` ↔ ``!=``;
- arithmetic ``+`` ↔ ``-``, ``*`` → ``/``, ``/`` → ``*``, ``//`` → ``/``;
- ``and`` ↔ ``or``, ``not x`` → ``x``, ``True`` ↔ ``False``;
- integer and float constants ``c`` → ``c + 1``;
- ``math.ceil`` ↔ ``math.floor``, ``min`` ↔ ``max``.

Docstrings, f-strings and the message of ``raise`` statements are not mutated (only what
decides behaviour). Each mutant runs in a forked child: the mutated source is executed into the
already imported module, then pytest runs only that module's fast unit tests (``TESTS`` below)
with ``-x``. A failing run kills the mutant; a run longer than ``--timeout`` seconds kills it
too (an infinite loop is a detected change). Survivors are listed with their line so they can
be triaged.

Usage: ``.venv/bin/python tools/mutation.py [module …] [--jobs N] [--timeout S] [--json PATH]``
(``make mutation``); modules are names under hakit/models (default: every module in TESTS).
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib
import json
import os
import select
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module (under hakit/models) -> its fast unit tests; figure/widget tests are deselected.
TESTS = {
    "rollout": ["tests/test_rollout.py"],
    "hpa": ["tests/test_hpa.py"],
    "probes": ["tests/test_probes.py"],
    "quorum": ["tests/test_quorum.py"],
    "availability": ["tests/test_availability.py"],
    "sentinel": ["tests/test_sentinel.py"],
    "leaderelection": ["tests/test_leaderelection.py"],
    "kubeproxy": ["tests/test_kubeproxy.py"],
    "service": ["tests/test_service.py"],
    "topology": ["tests/test_topology.py"],
    "raft": ["tests/test_raft.py"],
}
# tests written to pin what mutation testing found loose (tests/test_mut_<module>.py) run as well
for _m, _files in TESTS.items():
    if (ROOT / f"tests/test_mut_{_m}.py").exists():
        _files.append(f"tests/test_mut_{_m}.py")
DESELECT = "not figure and not widget and not slider"

_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div}
_SWAP_NAMES = {"min": "max", "max": "min"}
_SWAP_ATTRS = {"ceil": "floor", "floor": "ceil"}


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    what: str


def _skipped_nodes(tree: ast.AST) -> set:
    """ids of nodes never mutated: docstrings, f-strings, raise statements' arguments."""
    skip: set = set()

    def mark(node: ast.AST) -> None:
        for sub in ast.walk(node):
            skip.add(id(sub))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                mark(body[0])
        elif isinstance(node, ast.JoinedStr):
            mark(node)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            mark(node.exc)
    return skip


def _candidates(node: ast.AST) -> list:
    """(description, apply) pairs for one node; ``apply`` mutates the node in place."""
    out = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            new = _CMP.get(type(op))
            if new is not None:
                out.append((f"{type(op).__name__} → {new.__name__}",
                            lambda n, i=i, new=new: n.ops.__setitem__(i, new())))
    elif isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        new = _BIN[type(node.op)]
        out.append((f"{type(node.op).__name__} → {new.__name__}", lambda n, new=new: setattr(n, "op", new())))
    elif isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        out.append((f"{type(node.op).__name__} → {new.__name__}", lambda n, new=new: setattr(n, "op", new())))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(("remove not", lambda n: setattr(n, "op", ast.UAdd())))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append((f"{node.value} → {not node.value}", lambda n: setattr(n, "value", not n.value)))
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        out.append((f"{node.value!r} → {node.value + 1!r}", lambda n: setattr(n, "value", n.value + 1)))
    elif isinstance(node, ast.Name) and node.id in _SWAP_NAMES and isinstance(node.ctx, ast.Load):
        new = _SWAP_NAMES[node.id]
        out.append((f"{node.id} → {new}", lambda n, new=new: setattr(n, "id", new)))
    elif isinstance(node, ast.Attribute) and node.attr in _SWAP_ATTRS:
        new = _SWAP_ATTRS[node.attr]
        out.append((f".{node.attr} → .{new}", lambda n, new=new: setattr(n, "attr", new)))
    return out


def _walk(tree: ast.AST, skip: set):
    """Mutable nodes in a fixed order (so the i-th candidate is the same in every copy)."""
    for node in ast.walk(tree):
        if id(node) not in skip:
            for desc, apply in _candidates(node):
                yield node, desc, apply


def enumerate_mutants(source: str) -> list:
    tree = ast.parse(source)
    return [Mutant(i, getattr(node, "lineno", 0), desc)
            for i, (node, desc, _a) in enumerate(_walk(tree, _skipped_nodes(tree)))]


def mutated_source_tree(source: str, index: int) -> ast.Module:
    tree = ast.parse(source)
    for i, (node, _desc, apply) in enumerate(_walk(tree, _skipped_nodes(tree))):
        if i == index:
            apply(node)
            return ast.fix_missing_locations(tree)
    raise ValueError(f"mutant {index}: no such mutation")


def _preimport() -> None:
    """Import the heavy third-party and hakit modules once, before forking."""
    for name in ("pytest", "hypothesis", "plotly.graph_objects", "plotly.io", "networkx", "numpy",
                 "ipywidgets"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    for folder in ("models", "figures", "panels", "widgets", "exercises"):
        for path in sorted((ROOT / "hakit" / folder).glob("*.py")):
            try:
                importlib.import_module(f"hakit.{folder}.{path.stem}" if path.stem != "__init__" else f"hakit.{folder}")
            except Exception:  # noqa: BLE001 - a module that cannot import is not under test here
                pass


def _child(module: str, code, tests: list) -> None:
    """In the forked child: install the mutant, run the tests, exit with pytest's code."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import pytest

    if code is not None:
        mod = importlib.import_module(f"hakit.models.{module}")
        exec(code, mod.__dict__)  # noqa: S102 - the mutant of our own module
    os.chdir(ROOT)
    # only the plugin the unit tests need (nbval, benchmark, playwright … cost seconds to load)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    rc = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "_hypothesis_pytestplugin",
                      "-m", "not build", "-k", DESELECT, *tests])
    os._exit(int(rc))


def _spawn(module: str, code, tests: list) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            _child(module, code, tests)
        finally:
            os._exit(99)
    return pid


def run_module(module: str, jobs: int, timeout: float, log) -> dict:
    path = ROOT / "hakit" / "models" / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    tests = TESTS[module]
    t0 = time.perf_counter()
    pid = _spawn(module, None, tests)
    _, status = os.waitpid(pid, 0)
    baseline = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{module}: the unmutated tests fail ({' '.join(tests)}); fix them first")
    mutants = enumerate_mutants(source)
    limit = max(timeout, 5 * baseline)
    running: dict = {}
    survivors, killed, timeouts = [], 0, 0
    queue = list(mutants)
    while queue or running:
        while queue and len(running) < jobs:
            m = queue.pop(0)
            code = compile(mutated_source_tree(source, m.index), str(path), "exec")
            running[_spawn(module, code, tests)] = (m, time.perf_counter())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.perf_counter()
            for p, (m, start) in list(running.items()):
                if now - start > limit:
                    os.kill(p, signal.SIGKILL)
                    os.waitpid(p, 0)
                    del running[p]
                    killed += 1
                    timeouts += 1
            select.select([], [], [], 0.02)
            continue
        m, _start = running.pop(pid)
        if os.waitstatus_to_exitcode(status) == 0:
            survivors.append(m)
            log(f"  survived: {module}.py:{m.line}  {m.what}")
        else:
            killed += 1
    elapsed = time.perf_counter() - t0
    return {"module": module, "mutants": len(mutants), "killed": killed, "timeouts": timeouts,
            "survived": [{"line": m.line, "mutation": m.what} for m in survivors],
            "kill_rate": killed / len(mutants) if mutants else 1.0, "seconds": round(elapsed, 1),
            "baseline_seconds": round(baseline, 2)}


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", default=list(TESTS), help="modules under hakit/models")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before a mutant counts as killed")
    ap.add_argument("--json", type=Path, help="write the report (survivors included) as JSON")
    ap.add_argument("--list", action="store_true", help="only list the mutants")
    args = ap.parse_args(argv)
    unknown = [m for m in args.modules if m not in TESTS]
    if unknown:
        ap.error(f"没有为 {unknown} 配置测试文件；可选：{', '.join(TESTS)}")
    if args.jobs < 1 or args.timeout <= 0:
        ap.error("--jobs 必须 ≥ 1，--timeout 必须 > 0")
    if args.list:
        for module in args.modules:
            for m in enumerate_mutants((ROOT / "hakit" / "models" / f"{module}.py").read_text(encoding="utf-8")):
                print(f"{module}.py:{m.line}  #{m.index}  {m.what}")
        return 0
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("HYPOTHESIS_PROFILE", "mutation")
    _preimport()
    t0 = time.perf_counter()
    reports = []
    for module in args.modules:
        print(f"== {module}: {' '.join(TESTS[module])}", flush=True)
        reports.append(run_module(module, args.jobs, args.timeout, lambda s: print(s, flush=True)))
    total = sum(r["mutants"] for r in reports)
    killed = sum(r["killed"] for r in reports)
    print("\nmutation kill rate (killed / mutants)")
    for r in reports:
        print(f"  {r['module']:<14} {r['killed']:>4} / {r['mutants']:<4} {100 * r['kill_rate']:5.1f} %"
              f"   ({r['seconds']:.0f} s, {r['timeouts']} by timeout)")
    rate = killed / total if total else 1.0
    print(f"  {'overall':<14} {killed:>4} / {total:<4} {100 * rate:5.1f} %   ({time.perf_counter() - t0:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({"overall": rate, "modules": reports}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
