"""Process plumbing shared by the lab drivers (etcd, Redis Sentinel, HAProxy).

Everything here is about one promise made to the learner: a lab never leaves a process or a
data directory behind, and no wait is unbounded.

- :func:`free_port` picks a free TCP port (bind to port 0, read it, close it).
- :func:`require_binary` finds an executable or says, in Chinese and English, which package to
  install on Debian/Ubuntu and on macOS.
- :func:`wait_until` polls a predicate with a deadline; it raises ``TimeoutError``
  ("等待超时（{timeout} s）：{what}") instead of hanging.
- :class:`ManagedProcess` is one child process in its own session (process group), with its
  output in a log file: ``start``, ``kill`` (SIGKILL), ``pause`` (SIGSTOP), ``resume`` (SIGCONT),
  ``stop`` (SIGTERM, then SIGKILL; a paused process is resumed first so it can act on SIGTERM).
- :class:`ProcessSet` owns processes and temporary directories; leaving its ``with`` block (also
  through an exception or a KeyboardInterrupt, i.e. a kernel interrupt) stops every process and
  removes the directories. A module-level registry also cleans up at interpreter exit
  (``atexit``) and on SIGTERM, for sets that were never closed (e.g. a notebook kernel shut down).
- :func:`leftover_processes` lists pids whose command line contains a marker (scans ``/proc``),
  so tests can prove nothing is left.
- Children never outlive the interpreter, even when it is SIGKILLed: on Linux each child gets a
  parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), a watchdog process removes the temp
  dirs (and kills what runs from them) when the interpreter is gone, and :func:`sweep_stale` cleans
  up at the next start what both missed. See "children never outlive this interpreter" below.
- :class:`LabLifecycle` is the one lifecycle both lab drivers share (validate in the constructor,
  ``start()`` returns the lab, ``close()``/``with``/``guard()``).

Signal semantics: signal(7) (SIGSTOP cannot be caught or ignored; SIGCONT resumes a stopped
process); a process started with ``start_new_session=True`` is the leader of a new session and
process group, so ``os.killpg(pid, sig)`` reaches it and its children
(https://docs.python.org/3/library/subprocess.html#subprocess.Popen, setsid(2)).
"""
from __future__ import annotations

import atexit
import collections
import ctypes
import functools
import math
import os
import queue
import sys
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

__all__ = [
    "free_port",
    "MissingBinaryError",
    "require_binary",
    "wait_until",
    "ManagedProcess",
    "ProcessSet",
    "leftover_processes",
    "cleanup_all",
    "check_seconds",
    "sweep_stale",
    "OWNER_FILE",
]


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now (bind to port 0, read it, close).

    There is an unavoidable race between closing and the child binding it; on a loopback lab
    machine that is acceptable (the child fails loudly if it loses the race).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class MissingBinaryError(RuntimeError):
    """An executable the lab needs is not installed; the message names the package."""


def require_binary(name: str, debian_pkg: str, brew_pkg: str) -> str:
    """Return the absolute path of executable ``name`` (``shutil.which``).

    Raises :class:`MissingBinaryError` whose message says (in 简体中文 and English) what to install:
    ``sudo apt-get install <debian_pkg>`` on Debian/Ubuntu, ``brew install <brew_pkg>`` on macOS.
    """
    path = shutil.which(name)
    if path:
        return path
    raise MissingBinaryError(
        f"未找到可执行文件 {name!r}。请先安装：Debian/Ubuntu 上运行 `sudo apt-get install {debian_pkg}`，"
        f"macOS 上运行 `brew install {brew_pkg}`，然后重新运行本单元。\n"
        f"Executable {name!r} not found. Install it: on Debian/Ubuntu `sudo apt-get install {debian_pkg}`, "
        f"on macOS `brew install {brew_pkg}`, then run this cell again."
    )


def check_seconds(name: str, value: Any, allow_zero: bool = False) -> float:
    """Return ``value`` as float seconds; ``ValueError`` unless it is a finite number > 0
    (>= 0 with ``allow_zero``). NaN and infinity are refused: no wait may be unbounded."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        bound = "非负" if allow_zero else "正"
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是有限的{bound}秒数")
    return float(value)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Call ``predicate()`` every ``interval`` seconds until it returns a truthy value; return it.

    An exception raised by the predicate counts as "not yet" (a server that is still starting
    refuses connections); the last one is quoted in the timeout message. After ``timeout``
    seconds raise ``TimeoutError("等待超时（{timeout} s）：{what}")``. The predicate is always
    called at least once.
    """
    check_seconds("timeout", timeout, allow_zero=True)
    check_seconds("interval", interval)
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            value = predicate()
        except Exception as exc:  # noqa: BLE001 - "not ready yet"
            last_exc = exc
            value = None
        if value:
            return value
        now = time.monotonic()
        if now >= deadline:
            msg = f"等待超时（{timeout} s）：{what}"
            if last_exc is not None:
                msg += f"（最后一次错误 / last error: {type(last_exc).__name__}: {last_exc}）"
            raise TimeoutError(msg)
        time.sleep(min(interval, max(0.0, deadline - now)))


# --------------------------------------------------------------------------------------------
# module-level registry: everything started here is cleaned at exit and on SIGTERM
# --------------------------------------------------------------------------------------------
_registry_lock = threading.RLock()
_live_processes: "set[ManagedProcess]" = set()
_live_sets: "set[ProcessSet]" = set()
_sigterm_installed = False
_atexit_registered = False
_previous_sigterm: Any = None


def cleanup_all() -> None:
    """Stop every live :class:`ProcessSet` and :class:`ManagedProcess` started in this interpreter.

    Registered with ``atexit`` and called from the SIGTERM handler; safe to call any time.
    """
    with _registry_lock:
        sets = list(_live_sets)
        procs = list(_live_processes)
    for ps in sets:
        try:
            ps.close()
        except BaseException:  # noqa: BLE001 - best effort at exit
            pass
    for p in procs:
        try:
            p.stop(timeout=2)
        except BaseException:  # noqa: BLE001
            pass


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    cleanup_all()
    prev = _previous_sigterm
    if callable(prev):
        prev(signum, frame)
        return
    if prev == signal.SIG_IGN:
        return
    # default action: terminate as SIGTERM would have
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _install_handlers() -> None:
    global _sigterm_installed, _previous_sigterm
    with _registry_lock:
        global _atexit_registered
        if not _atexit_registered:
            atexit.register(cleanup_all)
            _atexit_registered = True
        # only the main thread may set a signal handler: retried until a main-thread call succeeds
        if _sigterm_installed or threading.current_thread() is not threading.main_thread():
            return
        try:
            _previous_sigterm = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, _on_sigterm)
            _sigterm_installed = True
        except (ValueError, OSError):  # not allowed here (embedded interpreter)
            _previous_sigterm = None
            _sigterm_installed = True


# --------------------------------------------------------------------------------------------
# children never outlive this interpreter
# --------------------------------------------------------------------------------------------
# Three layers, so that a SIGKILLed kernel (nbval timeout, OOM, forced restart) leaves nothing:
# 1. Linux: every child asks for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG, prctl(2)).
#    The "parent" is the *thread* that forked (prctl(2): "the parent thread"), so children are
#    forked from the main thread or from one long-lived daemon thread, never from a short-lived one.
# 2. A watchdog process (its own session, no death signal) holds the read end of a pipe; at EOF
#    (this interpreter is gone) it SIGKILLs every process whose command line names one of our
#    temp dirs and removes those dirs. Also covers macOS, which has no PR_SET_PDEATHSIG.
# 3. At the next start, :func:`sweep_stale` removes hakit-* dirs whose owner process is dead
#    (and kills what still runs from them): the case where the watchdog was killed too.
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_prctl = None
if sys.platform.startswith("linux"):
    try:
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # no libc symbol: layers 2 and 3 still apply
        _prctl = None

#: Written into every ProcessSet temp dir: "<pid> <start time>" of the interpreter that owns it.
OWNER_FILE = ".hakit-owner"
#: Temp dirs of every lab start with this; :func:`sweep_stale` looks only at these.
TEMP_PREFIX = "hakit-"


def _child_setup(parent_pid: int) -> None:  # runs in the child between fork and exec
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)


_spawn_queue: "queue.Queue | None" = None


def _spawner_loop(q: "queue.Queue") -> None:
    while True:
        fn, box, done = q.get()
        try:
            box.append((True, fn()))
        except BaseException as e:  # noqa: BLE001 - handed back to the caller
            box.append((False, e))
        done.set()


def _spawn(argv, **kw) -> subprocess.Popen:
    """``subprocess.Popen`` with the death signal, forked from a thread that lives as long as
    the interpreter (the main thread, or else one daemon spawner thread)."""
    global _spawn_queue
    if _prctl is not None:
        kw["preexec_fn"] = functools.partial(_child_setup, os.getpid())
    _watchdog()
    call = functools.partial(subprocess.Popen, argv, **kw)
    if _prctl is None or threading.current_thread() is threading.main_thread():
        return call()
    with _registry_lock:
        if _spawn_queue is None:
            _spawn_queue = queue.Queue()
            threading.Thread(target=_spawner_loop, args=(_spawn_queue,), name="hakit-spawner",
                             daemon=True).start()
    box: list = []
    done = threading.Event()
    _spawn_queue.put((call, box, done))
    done.wait()
    ok, value = box[0]
    if not ok:
        raise value
    return value


_WATCHDOG_SRC = r"""
import os, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
dirs = set()
for line in sys.stdin:
    op, _, d = line.rstrip("\n").partition(" ")
    (dirs.add if op == "+" else dirs.discard)(d)
def pids_using(d):
    out = []
    if os.path.isdir("/proc"):
        for e in os.listdir("/proc"):
            if e.isdigit():
                try:
                    with open("/proc/%s/cmdline" % e, "rb") as f:
                        if d.encode() in f.read():
                            out.append(int(e))
                except OSError:
                    pass
    else:
        ps = subprocess.run(["ps", "-axo", "pid=,command="], capture_output=True, text=True).stdout
        out = [int(l.split()[0]) for l in ps.splitlines() if d in l]
    return [p for p in out if p != os.getpid()]
for d in dirs:
    for p in pids_using(d):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(d, ignore_errors=True)
"""
_watchdog_proc: "subprocess.Popen | None" = None


def _watchdog() -> "subprocess.Popen | None":
    """Start the watchdog once per interpreter (and again if it died); None if impossible."""
    global _watchdog_proc
    with _registry_lock:
        if _watchdog_proc is not None and _watchdog_proc.poll() is None:
            return _watchdog_proc
        try:
            _watchdog_proc = subprocess.Popen(
                [sys.executable, "-c", _WATCHDOG_SRC], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True, text=True)
        except OSError:
            _watchdog_proc = None
            return None
        for ps in _live_sets:  # a restarted watchdog learns the dirs that already exist
            for d in ps.dirs:
                _watchdog_proc.stdin.write(f"+ {d}\n")
        _watchdog_proc.stdin.flush()
        return _watchdog_proc


def _watchdog_note(op: str, d: Path) -> None:
    with _registry_lock:
        w = _watchdog()
        if w is None:
            return
        try:
            w.stdin.write(f"{op} {d}\n")
            w.stdin.flush()
        except (OSError, ValueError):  # watchdog gone: layer 3 (sweep_stale) still applies
            pass


def _start_time(pid: int) -> str | None:
    """Start time of ``pid`` (field 22 of /proc/<pid>/stat) or "" without /proc; None if gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "" if not Path("/proc").is_dir() else None
    return stat.rsplit(")", 1)[1].split()[19]


def _owner_alive(d: Path) -> bool | None:
    """True/False from the dir's owner file; None when it has none (not ours to judge yet)."""
    try:
        pid_s, _, start = (d / OWNER_FILE).read_text().strip().partition(" ")
    except OSError:
        return None
    now = _start_time(int(pid_s)) if pid_s.isdigit() else None
    return now is not None and (now == start or now == "")


def sweep_stale(tmpdir: str | os.PathLike | None = None, grace_s: float = 60.0) -> dict:
    """Remove ``hakit-*`` temp dirs left by a dead interpreter and kill what still runs there.

    A dir is stale when its owner file names a process that no longer exists, or when it has no
    owner file, is older than ``grace_s`` and no process names it. Returns
    ``{"killed": [pids], "removed": [dirs]}``.
    """
    check_seconds("grace_s", grace_s, allow_zero=True)
    base = Path(tmpdir or tempfile.gettempdir())
    killed, removed = [], []
    try:
        candidates = [d for d in base.iterdir() if d.name.startswith(TEMP_PREFIX) and d.is_dir()]
    except OSError:
        return {"killed": killed, "removed": removed}
    for d in candidates:
        alive = _owner_alive(d)
        users = leftover_processes(str(d))
        if alive is None:
            try:
                old = time.time() - d.stat().st_mtime > grace_s
            except OSError:
                continue
            if users or not old:
                continue
        elif alive:
            continue
        for pid in users:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:
                pass
        shutil.rmtree(d, ignore_errors=True)
        removed.append(str(d))
    return {"killed": killed, "removed": removed}


# --------------------------------------------------------------------------------------------
# one process
# --------------------------------------------------------------------------------------------
class ManagedProcess:
    """One child process in its own session, its stdout+stderr appended to ``log_path``.

    ``env`` (if given) is merged over ``os.environ``. The process can be started again after it
    has exited (``restart`` in the drivers), appending to the same log.
    """

    def __init__(self, name: str, argv: Iterable[str], log_path: str | os.PathLike, env: dict | None = None):
        self.name = str(name)
        self.argv = [str(a) for a in argv]
        if not self.argv:
            raise ValueError("argv: Invalid value: []: 至少需要可执行文件名")
        self.log_path = Path(log_path)
        self.env = dict(env) if env else None
        self._popen: subprocess.Popen | None = None
        self._log = None
        self.paused = False

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        if self.running and self.paused:
            state = "paused"
        return f"<ManagedProcess {self.name} pid={self.pid} {state}>"

    # -- state --------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen is not None else None

    @property
    def running(self) -> bool:
        """True while the process exists (also when it is paused with SIGSTOP)."""
        return self._popen is not None and self._popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._popen is None else self._popen.poll()

    # -- control ------------------------------------------------------------------------
    def start(self) -> "ManagedProcess":
        if self.running:
            raise RuntimeError(f"{self.name} 已在运行（pid {self.pid}），不能重复启动")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._close_log()
        self._log = open(self.log_path, "ab")
        full_env = None
        if self.env is not None:
            full_env = dict(os.environ)
            full_env.update({str(k): str(v) for k, v in self.env.items()})
        _install_handlers()
        try:
            self._popen = _spawn(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env=full_env,
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            self._close_log()
            raise
        self.paused = False
        with _registry_lock:
            _live_processes.add(self)
        return self

    def _signal(self, sig: int) -> bool:
        """Send ``sig`` to the process group; False if the process is already gone."""
        if not self.running:
            return False
        try:
            os.killpg(self._popen.pid, sig)
        except ProcessLookupError:
            return False
        except PermissionError:  # group vanished and pid got reused: fall back to the pid
            try:
                self._popen.send_signal(sig)
            except ProcessLookupError:
                return False
        return True

    def kill(self, timeout: float = 5) -> int | None:
        """SIGKILL (a crash: no clean shutdown), then reap. Returns the exit code."""
        self._signal(signal.SIGKILL)
        return self._reap(timeout)

    def pause(self) -> None:
        """SIGSTOP: the process is frozen (it still holds its ports; peers see silence)."""
        if not self.running:
            raise RuntimeError(f"{self.name} 没有在运行，无法暂停")
        self._signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        """SIGCONT: continue a paused process."""
        if self.running:
            self._signal(signal.SIGCONT)
        self.paused = False

    def stop(self, timeout: float = 5) -> int | None:
        """SIGTERM (resuming a paused process first), wait ``timeout`` s, then SIGKILL."""
        if self._popen is None:
            return None
        if self.running:
            if self.paused:
                self._signal(signal.SIGCONT)
                self.paused = False
            self._signal(signal.SIGTERM)
            try:
                self._popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
        return self._reap(5)

    def _reap(self, timeout: float) -> int | None:
        rc = None
        if self._popen is not None:
            try:
                rc = self._popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                rc = None
        # No killpg after reaping: once the leader is reaped its pid (= the group id) may be
        # reused by an unrelated process. Signals go to the group only while the leader exists.
        self.paused = False
        self._close_log()
        if rc is not None:
            with _registry_lock:
                _live_processes.discard(self)
        return rc

    def _close_log(self) -> None:
        if self._log is not None:
            try:
                self._log.close()
            finally:
                self._log = None

    # -- output -------------------------------------------------------------------------
    def log_tail(self, n: int = 20) -> str:
        """The last ``n`` lines of the process log (empty string if there is none yet)."""
        if n < 0:
            raise ValueError(f"n: Invalid value: {n}: 必须 >= 0")
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - max(4096, 400 * n)))
                data = f.read()
        except FileNotFoundError:
            return ""
        lines: collections.deque = collections.deque(
            data.decode("utf-8", errors="replace").splitlines(), maxlen=n or 1
        )
        return "\n".join(lines) if n else ""


# --------------------------------------------------------------------------------------------
# a set of processes + temp dirs with guaranteed cleanup
# --------------------------------------------------------------------------------------------
class ProcessSet:
    """Owns :class:`ManagedProcess` objects and temporary directories.

    ``with ProcessSet() as ps: ...`` — on leaving (normally, by an exception, or by
    KeyboardInterrupt) every process is stopped and every directory removed. ``close()`` does
    the same and is idempotent. Unclosed sets are closed at interpreter exit and on SIGTERM.
    """

    def __init__(self, name: str = "hakit-lab"):
        self.name = name
        self.processes: list[ManagedProcess] = []
        self.dirs: list[Path] = []
        self.closed = False
        _install_handlers()
        self.swept = sweep_stale()
        with _registry_lock:
            _live_sets.add(self)

    def __enter__(self) -> "ProcessSet":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False

    def add(self, proc: ManagedProcess) -> ManagedProcess:
        if self.closed:
            raise RuntimeError(f"{self.name} 已关闭，不能再添加进程")
        self.processes.append(proc)
        return proc

    def spawn(self, name: str, argv: Iterable[str], log_path, env: dict | None = None) -> ManagedProcess:
        """Create, register and start a :class:`ManagedProcess`."""
        proc = self.add(ManagedProcess(name, argv, log_path, env))
        proc.start()
        return proc

    def mkdtemp(self, prefix: str = "hakit-") -> Path:
        """A fresh temporary directory that is removed on close."""
        if self.closed:
            raise RuntimeError(f"{self.name} 已关闭，不能再创建目录")
        if not prefix.startswith(TEMP_PREFIX):
            raise ValueError(f"prefix: Invalid value: {prefix!r}: 必须以 {TEMP_PREFIX!r} 开头（清理靠这个前缀）")
        d = Path(tempfile.mkdtemp(prefix=prefix))
        self.dirs.append(d)
        _watchdog_note("+", d)
        me = os.getpid()
        (d / OWNER_FILE).write_text(f"{me} {_start_time(me) or ''}\n")
        return d

    def close(self, timeout: float = 5) -> None:
        """Stop every process (SIGTERM, then SIGKILL after ``timeout``) and remove the dirs.

        Keeps going if one step fails or is interrupted, then re-raises the first error.
        """
        first: BaseException | None = None
        # SIGTERM all first (resume paused ones), then wait: faster than one by one
        for p in self.processes:
            try:
                if p.running:
                    if p.paused:
                        p.resume()
                    p._signal(signal.SIGTERM)
            except BaseException as e:  # noqa: BLE001
                first = first or e
        for p in self.processes:
            try:
                p.stop(timeout=timeout)
            except BaseException as e:  # noqa: BLE001
                first = first or e
                try:
                    p.kill()
                except BaseException:  # noqa: BLE001
                    pass
        for d in self.dirs:
            try:
                shutil.rmtree(d, ignore_errors=True)
                if not d.exists():
                    _watchdog_note("-", d)
            except BaseException as e:  # noqa: BLE001
                first = first or e
        self.dirs = [d for d in self.dirs if d.exists()]
        self.closed = True
        with _registry_lock:
            _live_sets.discard(self)
        if first is not None:
            raise first


def leftover_processes(marker: str) -> list[int]:
    """Pids (other than this one) whose command line contains ``marker`` (scans ``/proc``).

    Zombies have an empty command line and are not reported. On systems without ``/proc``
    (macOS) this falls back to ``ps -axo pid=,command=``.
    """
    if not marker:
        raise ValueError("marker: Invalid value: '': 不能为空（否则会匹配所有进程）")
    me = os.getpid()
    found: list[int] = []
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            if pid == me:
                continue
            try:
                raw = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in raw.replace(b"\0", b" ").decode("utf-8", errors="replace"):
                found.append(pid)
        return sorted(found)
    out = subprocess.run(["ps", "-axo", "pid=,command="], capture_output=True, text=True, timeout=10).stdout
    for line in out.splitlines():
        pid_s, _, cmd = line.strip().partition(" ")
        if pid_s.isdigit() and int(pid_s) != me and marker in cmd:
            found.append(int(pid_s))
    return sorted(found)


# --------------------------------------------------------------------------------------------
# one lifecycle for every lab driver
# --------------------------------------------------------------------------------------------
class LabLifecycle:
    """The lifecycle both lab drivers share.

    The constructor only validates (no process, no directory). ``start()`` creates the
    :class:`ProcessSet` ``self.ps``, runs the driver's ``_start(deadline)`` bounded by
    ``self.start_timeout`` and returns ``self``; on any failure it closes everything and
    re-raises. ``startup_seconds`` is the measured start-up time. ``with Driver(...) as lab:``
    starts and always closes; ``close()`` (alias ``stop``) is idempotent; ``guard()`` closes the
    lab when a step of a notebook cell fails.
    """

    ps: "ProcessSet | None" = None
    startup_seconds: "float | None" = None
    start_timeout: float = 20.0
    set_name: str = "hakit-lab"

    def _start(self, deadline: float) -> None:  # pragma: no cover - each driver defines it
        raise NotImplementedError

    def _before_close(self) -> None:
        """Driver hook run first by :meth:`close` (e.g. SIGKILL instead of a slow SIGTERM)."""

    def start(self):
        if self.ps is not None:
            raise RuntimeError(f"{type(self).__name__} 已经启动过；请新建一个")
        t0 = time.monotonic()
        self.ps = ProcessSet(self.set_name)
        try:
            self._start(t0 + self.start_timeout)
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def close(self) -> None:
        """Stop every process and remove the temp dirs (idempotent)."""
        if self.ps is None or self.ps.closed:
            return
        try:
            self._before_close()
        finally:
            self.ps.close(timeout=3)

    stop = close

    @property
    def started(self) -> bool:
        return self.ps is not None and not self.ps.closed

    def __enter__(self):
        return self if self.started else self.start()

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False

    def guard(self):
        """``with lab.guard(): ...``: if the step raises (or is interrupted), close the lab first."""
        return _Guard(self)


class _Guard:
    def __init__(self, lab: LabLifecycle):
        self.lab = lab

    def __enter__(self):
        return self.lab

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            self.lab.close()
        return False
