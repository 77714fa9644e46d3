"""A real local etcd cluster for the labs: :class:`LocalEtcdCluster`.

Runs ``n`` real etcd members (Debian ``etcd-server`` 3.4, macOS ``brew install etcd``) on
127.0.0.1 with free client/peer ports and temporary data directories, and talks to them through
etcd's gRPC JSON gateway (https://etcd.io/docs/v3.4/dev-guide/api_grpc_gateway/):

- ``POST /v3/maintenance/status`` with ``{}`` → ``header.member_id``, ``leader`` (absent when the
  member knows no leader), ``raftTerm``, ``raftIndex``; int64/uint64 fields come back as strings
  (proto3 JSON mapping, https://protobuf.dev/programming-guides/proto3/#json).
- ``POST /v3/kv/put`` ``{"key": b64, "value": b64}`` and ``POST /v3/kv/range``
  ``{"key": b64, "serializable": bool}``: keys and values are base64 (``bytes`` in proto3 JSON).
  ``serializable`` is the per-request ``RangeRequest.serializable`` field
  (etcd ``api/etcdserverpb/rpc.proto``) that ``etcdctl get --consistency=s`` sets; it is not a
  server switch. A serializable read is answered from the member's local state without going
  through the leader (ReadIndex), so a member cut off from the quorum still answers it (possibly
  stale), while linearizable reads and writes fail there (https://etcd.io/docs/v3.4/learning/api_guarantees/).

Flags (https://etcd.io/docs/v3.4/op-guide/configuration/): ``election_timeout`` (ms, default
1000), ``heartbeat_interval`` (ms, default 100), ``snapshot_count`` (default 100000 since v3.2,
https://github.com/etcd-io/etcd/blob/main/CHANGELOG/CHANGELOG-3.2.md); any other keyword
``foo_bar=x`` becomes ``--foo-bar=x``. etcd refuses an election timeout shorter than 5 heartbeat
intervals (``server/etcdmain/config.go``: "--election-timeout[...] should be at least as 5 times
as --heartbeat-interval[...]"); we check that up front with a Chinese message.

Each member preallocates a 64 MB WAL segment plus its bbolt file (about 123 MB on disk): the data
dirs are always removed when the cluster is closed (``with`` block, ``close()``, interpreter exit,
SIGTERM; see :mod:`hakit.lab.process`).

Also here: small measurement helpers the lab notebook calls (failover time, write gap,
acknowledged-write audit, minority behaviour, snapshot files), so the notebook stays short.
"""
from __future__ import annotations

import base64
import json
import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .process import (
    LabLifecycle,
    ManagedProcess,
    check_seconds,
    MissingBinaryError,
    ProcessSet,
    free_port,
    leftover_processes,
    require_binary,
    wait_until,
)

__all__ = [
    "ETCD_DEBIAN_PKG",
    "ETCDCTL_DEBIAN_PKG",
    "ETCD_BREW_PKG",
    "EtcdRequestError",
    "LocalEtcdCluster",
    "preflight",
    "measure_failover",
    "acknowledged_write_audit",
    "minority_probe",
    "summary",
    "failover_series",
    "pause_leader_experiment",
    "write_many",
    "try_etcd_args",
    "snap_index",
    "MissingBinaryError",
    "leftover_processes",
]

ETCD_DEBIAN_PKG = "etcd-server"
ETCDCTL_DEBIAN_PKG = "etcd-client"
ETCD_BREW_PKG = "etcd"
MARKER_PREFIX = "hakit-etcd-"


def preflight(need_etcdctl: bool = False) -> dict:
    """Check that ``etcd`` (and optionally ``etcdctl``) is installed; return their paths.

    Raises :class:`MissingBinaryError` naming the package (``etcd-server`` / ``etcd-client`` on
    Debian/Ubuntu, ``etcd`` on macOS).
    """
    paths = {"etcd": require_binary("etcd", ETCD_DEBIAN_PKG, ETCD_BREW_PKG)}
    if need_etcdctl:
        paths["etcdctl"] = require_binary("etcdctl", ETCDCTL_DEBIAN_PKG, ETCD_BREW_PKG)
    return paths


class EtcdRequestError(RuntimeError):
    """A request to one member did not succeed.

    ``outcome`` is ``"failed"`` when the write certainly did not happen (connection refused, no
    leader to propose to) and ``"unknown"`` when it may have been committed anyway (client
    timeout, "request timed out", "leader changed": the proposal may already be in the log).
    """

    def __init__(self, message: str, member: int | None, outcome: str, elapsed: float):
        super().__init__(message)
        self.member = member
        self.outcome = outcome
        self.elapsed = elapsed


def _b64(s: str | bytes) -> str:
    if isinstance(s, str):
        s = s.encode()
    return base64.b64encode(s).decode()


def _unb64(s: str) -> str:
    return base64.b64decode(s).decode("utf-8", errors="replace")


# Error messages after which a write is known NOT to be in the raft log: etcd
# etcdserver/errors.go ErrNoLeader / ErrNotEnoughStartedMembers-style refusals, ErrTooManyRequests
# (refused before proposing), and raft's ErrProposalDropped ("raft proposal dropped": a follower
# that knows no leader drops the proposal, raft/raft.go stepFollower). Everything else that is
# not a clean answer (client timeout, "request timed out", "leader changed") is "unknown".
_DEFINITE_FAILURES = ("no leader", "not capable", "too many requests", "proposal dropped", "connection refused")


@dataclass
class Member:
    index: int
    name: str
    client_port: int
    peer_port: int
    data_dir: Path
    process: ManagedProcess
    member_id: str | None = None

    @property
    def client_url(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    @property
    def peer_url(self) -> str:
        return f"http://127.0.0.1:{self.peer_port}"


class LocalEtcdCluster(LabLifecycle):
    """``n`` real etcd members on 127.0.0.1; a context manager that always cleans up.

    >>> with LocalEtcdCluster(3) as c:          # doctest: +SKIP
    ...     c.put("k", "v"); c.get("k"); c.leader()
    """

    def __init__(
        self,
        n: int = 3,
        *,
        election_timeout: int = 1000,
        heartbeat_interval: int = 100,
        start_timeout: float = 20.0,
        **flags,
    ):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or n > 9:
            raise ValueError(f"n: Invalid value: {n!r}: 成员数必须是 1 到 9 之间的整数（生产上常用 3 或 5）")
        for fname, v in (("election_timeout", election_timeout), ("heartbeat_interval", heartbeat_interval)):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"{fname}: Invalid value: {v!r}: 必须是正整数（毫秒）")
        if election_timeout < 5 * heartbeat_interval:
            raise ValueError(
                f"election_timeout: Invalid value: {election_timeout}: 必须至少是 heartbeat_interval"
                f"（{heartbeat_interval} ms）的 5 倍（etcd: --election-timeout should be at least as 5 "
                f"times as --heartbeat-interval）"
            )
        sc = flags.get("snapshot_count")
        if sc is not None and (not isinstance(sc, int) or isinstance(sc, bool) or sc < 1):
            raise ValueError(f"snapshot_count: Invalid value: {sc!r}: 必须是正整数（etcd 默认 100000）")
        self.start_timeout = check_seconds("start_timeout", start_timeout)
        self.binary = require_binary("etcd", ETCD_DEBIAN_PKG, ETCD_BREW_PKG)
        self.n = n
        self.election_timeout = election_timeout
        self.heartbeat_interval = heartbeat_interval
        self.flags = dict(flags)
        self.token = uuid.uuid4().hex[:10]
        self.marker = f"{MARKER_PREFIX}{self.token}"
        self.set_name = self.marker
        self.members: list[Member] = []
        self.root: Path | None = None

    # ---------------------------------------------------------------------------------
    # lifecycle
    # ---------------------------------------------------------------------------------
    def _argv(self, m: Member, initial_cluster: str) -> list[str]:
        argv = [
            self.binary,
            f"--name={m.name}",
            f"--data-dir={m.data_dir}",
            f"--listen-client-urls={m.client_url}",
            f"--advertise-client-urls={m.client_url}",
            f"--listen-peer-urls={m.peer_url}",
            f"--initial-advertise-peer-urls={m.peer_url}",
            f"--initial-cluster={initial_cluster}",
            "--initial-cluster-state=new",
            f"--initial-cluster-token={self.marker}",
            f"--election-timeout={self.election_timeout}",
            f"--heartbeat-interval={self.heartbeat_interval}",
            "--logger=zap",
            "--log-outputs=stderr",
        ]
        for k, v in self.flags.items():
            argv.append(f"--{k.replace('_', '-')}={v}")
        return argv

    def _start(self, deadline: float) -> None:
        """Start all members and wait (bounded) until every member reports the same leader."""
        self.root = self.ps.mkdtemp(prefix=f"{self.marker}-")
        used: set[int] = set()

        def port() -> int:
            while True:
                p = free_port()
                if p not in used:
                    used.add(p)
                    return p

        specs = []
        for i in range(self.n):
            name = f"m{i}"
            specs.append((i, name, port(), port(), self.root / name))
        initial = ",".join(f"{name}=http://127.0.0.1:{pp}" for _, name, _, pp, _ in specs)
        t0 = time.monotonic()
        for i, name, cp, pp, d in specs:
            m = Member(i, name, cp, pp, d, None)  # type: ignore[arg-type]
            proc = ManagedProcess(name, self._argv(m, initial), self.root / f"{name}.log")
            m.process = proc
            self.ps.add(proc)
            self.members.append(m)
            proc.start()
        dead: list[Member] = []

        def ready():
            dead[:] = [m for m in self.members if not m.process.running]
            return bool(dead) or self._all_agree_on_leader()

        try:
            wait_until(ready, max(0.0, deadline - time.monotonic()), f"{self.n} 个 etcd 成员选出 Leader", interval=0.05)
        except TimeoutError as e:
            raise TimeoutError(f"{e}\n{self.logs(8)}") from None
        if dead:
            m = dead[0]
            raise RuntimeError(
                f"etcd 成员 {m.name} 启动后立即退出（退出码 {m.process.returncode}），日志最后几行：\n"
                f"{m.process.log_tail(8)}"
            )

    def _all_agree_on_leader(self) -> bool:
        leaders = set()
        for m in self.members:
            st = self.status(m.index, timeout=0.5)
            if st is None or st["leader"] is None:
                return False
            leaders.add(st["leader"])
        return len(leaders) == 1

    def _before_close(self) -> None:
        """SIGKILL the members before the process set cleans up.

        Members are SIGKILLed rather than asked to shut down: their data dirs are deleted right
        after, and a graceful stop of an etcd leader first tries to transfer leadership, which
        costs seconds per cluster (measured: about 3 s for 3 members on a loaded 2-core host).
        """
        for m in self.members:
            if m.process.running:
                m.process.kill(timeout=3)

    def __repr__(self) -> str:
        states = []
        for m in self.members:
            if not m.process.running:
                states.append(f"{m.name}:down")
            elif m.process.paused:
                states.append(f"{m.name}:paused")
            else:
                states.append(f"{m.name}:up")
        return f"<LocalEtcdCluster n={self.n} {' '.join(states)}>"

    # ---------------------------------------------------------------------------------
    # member control
    # ---------------------------------------------------------------------------------
    def _member(self, i: int) -> Member:
        if not isinstance(i, int) or not 0 <= i < len(self.members):
            raise ValueError(f"member: Invalid value: {i!r}: 成员编号必须在 0 到 {len(self.members) - 1} 之间")
        return self.members[i]

    def kill(self, i: int) -> None:
        """SIGKILL member ``i`` (a crash)."""
        self._member(i).process.kill()

    def pause(self, i: int) -> None:
        """SIGSTOP member ``i``: it keeps its ports but says nothing (like a long GC pause or a hung disk)."""
        self._member(i).process.pause()

    def resume(self, i: int) -> None:
        """SIGCONT member ``i``."""
        self._member(i).process.resume()

    def restart(self, i: int, wait: bool = True, timeout: float = 10.0) -> None:
        """Start member ``i`` again with its old data dir (it rejoins as the same member)."""
        check_seconds("timeout", timeout)  # before the member is touched
        m = self._member(i)
        if m.process.running:
            m.process.stop(timeout=3)
        m.process.start()
        if wait:
            wait_until(
                lambda: (self.status(i, timeout=0.5) or {}).get("leader"),
                timeout,
                f"成员 {m.name} 重启后重新加入集群",
            )

    def alive(self) -> list[int]:
        """Indices of members that are running and not paused."""
        return [m.index for m in self.members if m.process.running and not m.process.paused]

    def data_dir(self, i: int) -> Path:
        return self._member(i).data_dir

    def snap_files(self, i: int) -> list[Path]:
        """Snapshot files ``member/snap/*.snap`` of member ``i`` (the bbolt ``db`` file is not one)."""
        return sorted((self._member(i).data_dir / "member" / "snap").glob("*.snap"))

    def logs(self, lines: int = 20) -> str:
        return "\n".join(f"--- {m.name} ---\n{m.process.log_tail(lines)}" for m in self.members)

    def endpoints(self) -> str:
        """Comma-separated client URLs (for ``etcdctl --endpoints=``)."""
        return ",".join(m.client_url for m in self.members)

    # ---------------------------------------------------------------------------------
    # JSON gateway
    # ---------------------------------------------------------------------------------
    def _post(self, i: int, path: str, body: dict, timeout: float) -> dict:
        m = self._member(i)
        data = json.dumps(body).encode()
        req = urllib.request.Request(
            m.client_url + path, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                out = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            try:
                payload = json.loads(e.read() or b"{}")
                msg = payload.get("error") or payload.get("message") or str(e)
            except ValueError:
                msg = str(e)
            outcome = "failed" if any(s in msg for s in _DEFINITE_FAILURES) else "unknown"
            raise EtcdRequestError(f"{m.name}: {msg}", i, outcome, time.monotonic() - t0) from None
        except (socket.timeout, TimeoutError) as e:
            raise EtcdRequestError(f"{m.name}: 客户端超时（{timeout} s）", i, "unknown", time.monotonic() - t0) from e
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise EtcdRequestError(
                    f"{m.name}: 客户端超时（{timeout} s）", i, "unknown", time.monotonic() - t0
                ) from None
            outcome = "failed" if isinstance(reason, ConnectionRefusedError) else "unknown"
            raise EtcdRequestError(f"{m.name}: {reason}", i, outcome, time.monotonic() - t0) from None
        except (ConnectionError, OSError) as e:
            outcome = "failed" if isinstance(e, ConnectionRefusedError) else "unknown"
            raise EtcdRequestError(f"{m.name}: {e}", i, outcome, time.monotonic() - t0) from None
        if isinstance(out, dict) and "error" in out and "header" not in out:
            msg = str(out.get("error"))
            outcome = "failed" if any(s in msg for s in _DEFINITE_FAILURES) else "unknown"
            raise EtcdRequestError(f"{m.name}: {msg}", i, outcome, time.monotonic() - t0)
        return out

    def status(self, i: int, timeout: float = 1.0) -> dict | None:
        """Member ``i``'s view: ``{"member", "name", "id", "leader", "is_leader", "raftTerm", "raftIndex"}``.

        ``leader`` is None when the member knows no leader. Returns None when the member does not
        answer within ``timeout`` (down, paused, or still starting).
        """
        m = self._member(i)
        if not m.process.running or m.process.paused:
            return None
        try:
            out = self._post(i, "/v3/maintenance/status", {}, timeout)
        except EtcdRequestError:
            return None
        mid = out.get("header", {}).get("member_id")
        if mid:
            m.member_id = mid
        leader = out.get("leader") or None  # absent (or "0") when there is no leader
        if leader == "0":
            leader = None
        return {
            "member": i,
            "name": m.name,
            "id": mid,
            "leader": leader,
            "is_leader": leader is not None and leader == mid,
            "raftTerm": int(out.get("raftTerm", 0)),
            "raftIndex": int(out.get("raftIndex", 0)),
        }

    def statuses(self, timeout: float = 1.0) -> list[dict | None]:
        return [self.status(m.index, timeout) for m in self.members]

    def leader(self, timeout: float = 0.5) -> int | None:
        """Index of the member that currently calls itself leader (highest term wins), else None."""
        best = None
        for m in self.members:
            st = self.status(m.index, timeout)
            if st and st["is_leader"] and (best is None or st["raftTerm"] > best["raftTerm"]):
                best = st
        return None if best is None else best["member"]

    def wait_for_leader(self, timeout: float = 10.0, exclude: Iterable[int] = ()) -> int:
        """Wait (bounded) for a leader not in ``exclude``; return its index."""
        ex = set(exclude)

        def pred():
            li = self.leader(timeout=0.3)
            return (li,) if li is not None and li not in ex else None

        return wait_until(pred, timeout, f"选出新的 Leader（排除 {sorted(ex)}）", interval=0.02)[0]

    def _pick(self, member: int | None) -> int:
        if member is not None:
            return self._member(member).index
        li = self.leader(timeout=0.3)
        if li is not None:
            return li
        alive = self.alive()
        if not alive:
            raise EtcdRequestError("没有正在运行的成员", None, "failed", 0.0)
        return alive[0]

    def put(self, key: str, value: str, timeout: float = 2.0, member: int | None = None) -> int:
        """Write ``key=value`` through ``member`` (default: the leader). Returns the new revision.

        Raises :class:`EtcdRequestError` (``.outcome`` "failed" or "unknown").
        """
        i = self._pick(member)
        out = self._post(i, "/v3/kv/put", {"key": _b64(key), "value": _b64(value)}, timeout)
        return int(out.get("header", {}).get("revision", 0))

    def get(self, key: str, serializable: bool = False, timeout: float = 2.0, member: int | None = None) -> str | None:
        """Read ``key`` from ``member``; ``serializable=True`` is ``etcdctl get --consistency=s``."""
        i = self._pick(member)
        body = {"key": _b64(key)}
        if serializable:
            body["serializable"] = True
        out = self._post(i, "/v3/kv/range", body, timeout)
        kvs = out.get("kvs") or []
        return _unb64(kvs[0]["value"]) if kvs and "value" in kvs[0] else ("" if kvs else None)

    def get_prefix(self, prefix: str, timeout: float = 5.0, member: int | None = None) -> dict[str, str]:
        """All keys starting with ``prefix`` (linearizable), as a dict."""
        i = self._pick(member)
        p = prefix.encode()
        if not p:  # every key: key "\0", range_end "\0" (etcd rpc.proto RangeRequest)
            p, end = b"\0", b"\0"
        elif p[-1] < 0xFF:
            end = p[:-1] + bytes([p[-1] + 1])
        else:
            end = b"\0"
        out = self._post(i, "/v3/kv/range", {"key": _b64(p), "range_end": _b64(end)}, timeout)
        return {_unb64(kv["key"]): _unb64(kv.get("value", "")) for kv in out.get("kvs") or []}


# -------------------------------------------------------------------------------------------
# measurement helpers used by labs/etcd_lab.ipynb and benchmarks/bench_lab_etcd.py
# -------------------------------------------------------------------------------------------
def _watch_leader(cluster: LocalEtcdCluster, i: int, old_term: int, stop: threading.Event,
                  seen: list, lock: threading.Lock) -> None:
    """Poll member ``i`` until it calls itself leader in a term after ``old_term``; record
    ``(time, member, term)`` in ``seen`` (first one wins). One watcher per survivor, so a slow
    answer from one member does not delay noticing another."""
    while not stop.is_set():
        st = cluster.status(i, timeout=0.3)
        now = time.monotonic()
        if st and st["is_leader"] and st["raftTerm"] > old_term:
            with lock:
                if not seen:
                    seen.append((now, i, st["raftTerm"]))
            return
        time.sleep(0.02)


def _write_until_stopped(cluster: LocalEtcdCluster, i: int, client_timeout: float, stop: threading.Event,
                         t_kill: list, first_ok: list, failed: list, lock: threading.Lock) -> None:
    """Write to member ``i`` in a loop; record when the first write *sent* after the kill succeeds."""
    k = 0
    while not stop.is_set():
        k += 1
        t_sent = time.monotonic()
        try:
            cluster.put(f"/failover/{i}/{k}", "x", timeout=client_timeout, member=i)
            now = time.monotonic()
            with lock:
                # only a write sent after the kill proves the cluster accepts writes again
                if t_kill and t_sent > t_kill[0] and not first_ok:
                    first_ok.append(now)
        except EtcdRequestError:
            with lock:
                if t_kill:
                    failed[0] += 1
            time.sleep(0.01)


def measure_failover(cluster: LocalEtcdCluster, client_timeout: float = 0.25, max_wait: float = 15.0) -> dict:
    """Kill the leader and measure, from the kill:

    - ``new_leader_s``: until a surviving member calls itself leader (in a later term);
    - ``first_write_s``: until the first write succeeds again (the write-unavailability window:
      writes sent in between fail or time out);
    - ``term_increase``: how many election rounds (terms) it took. 1 means the first round elected
      a leader; more means a round failed (a split vote, or a vote request ignored because the voter
      had heard from the old leader less than an election timeout ago, raft.go ``inLease``) and a
      further randomized timeout had to pass. It cannot tell the two causes apart. Pre-vote rounds
      (etcd v3.5+) do not raise the term.

    One writer thread and one status watcher per survivor, each talking to its own member with a
    short client timeout, so the client timeout does not dominate the number (design "Lab facts").
    Afterwards the old leader is restarted and the function waits until it has rejoined.
    """
    check_seconds("client_timeout", client_timeout)
    check_seconds("max_wait", max_wait)
    old = cluster.wait_for_leader(timeout=max_wait)
    st = cluster.status(old, timeout=max_wait)
    old_term = st["raftTerm"] if st else 0
    survivors = [i for i in cluster.alive() if i != old]
    stop, lock = threading.Event(), threading.Lock()
    t_kill: list[float] = []
    first_ok: list[float] = []
    seen: list[tuple] = []
    failed = [0]
    writers = [threading.Thread(target=_write_until_stopped, daemon=True,
                                args=(cluster, i, client_timeout, stop, t_kill, first_ok, failed, lock))
               for i in survivors]
    watchers = [threading.Thread(target=_watch_leader, args=(cluster, i, old_term, stop, seen, lock), daemon=True)
                for i in survivors]
    for t in writers:
        t.start()
    try:
        time.sleep(0.15)
        with lock:
            t_kill.append(time.monotonic())
        cluster.kill(old)
        for t in watchers:
            t.start()
        wait_until(lambda: seen, max_wait, f"选出新的 Leader（排除 {old}）", interval=0.01)
        wait_until(lambda: first_ok, max_wait, "Leader 被杀后第一次写入成功", interval=0.01)
    finally:
        stop.set()
        for t in writers + watchers:
            if t.is_alive():
                t.join(timeout=client_timeout + 2)
    t_leader, new, new_term = seen[0]
    result = {
        "n": cluster.n,
        "election_timeout_ms": cluster.election_timeout,
        "old_leader": old,
        "new_leader": new,
        "new_leader_s": t_leader - t_kill[0],
        "first_write_s": first_ok[0] - t_kill[0],
        "term_increase": new_term - old_term,
        "failed_writes": failed[0],
    }
    cluster.restart(old, wait=True)
    return result


def summary(values: list[float]) -> dict:
    """min / median / max of a list of numbers."""
    if not values:
        raise ValueError("values: Invalid value: []: 至少需要一个测量值")
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "count": len(values)}


@dataclass
class AuditResult:
    acknowledged: int = 0
    failed: int = 0
    unknown: int = 0
    lost: int = 0
    unknown_committed: int = 0
    kills: int = 0
    failed_but_committed: int = 0   # must be 0: a write reported as failed was applied
    leaders: list = field(default_factory=list)
    acked_keys: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {
            "acknowledged": self.acknowledged,
            "failed": self.failed,
            "unknown": self.unknown,
            "unknown_committed": self.unknown_committed,
            "failed_but_committed": self.failed_but_committed,
            "lost": self.lost,
            "kills": self.kills,
        }


def acknowledged_write_audit(
    cluster: LocalEtcdCluster,
    kills: int = 3,
    between: float = 1.5,
    client_timeout: float = 0.5,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """One writer writes ``/audit/<seq>`` continuously while the leader is killed ``kills`` times
    (restarting it each time after ``between`` s). Then every write is checked:

    - acknowledged (the server answered OK) must be present — otherwise it is *lost*;
    - failed (certainly not applied) must be absent;
    - unknown outcome (client timeout etc.): present or absent, both are legal; we count how many
      were in fact committed (``unknown_committed``).
    """
    if isinstance(kills, bool) or not isinstance(kills, int) or kills < 1:
        raise ValueError(f"kills: Invalid value: {kills!r}: 必须是正整数")
    check_seconds("between", between)
    check_seconds("client_timeout", client_timeout)
    res = AuditResult()
    prefix = f"/audit/{uuid.uuid4().hex[:6]}/"
    stop = threading.Event()
    outcome: dict[str, str] = {}

    def writer():
        seq = 0
        target = None  # cached leader; looked up again after any error
        while not stop.is_set():
            seq += 1
            key = f"{prefix}{seq:07d}"
            try:
                if target is None:
                    target = cluster.leader(timeout=0.2)
                    if target is None:
                        alive = cluster.alive()
                        target = alive[seq % len(alive)] if alive else 0
                cluster.put(key, str(seq), timeout=client_timeout, member=target)
                outcome[key] = "ack"
            except EtcdRequestError as e:
                outcome[key] = e.outcome
                target = None
                time.sleep(0.02)

    th = threading.Thread(target=writer, daemon=True)
    th.start()
    try:
        time.sleep(between / 2)
        for k in range(kills):
            li = cluster.wait_for_leader(timeout=10)
            res.leaders.append(li)
            cluster.kill(li)
            res.kills += 1
            if progress:
                acked = sum(1 for v in list(outcome.values()) if v == "ack")
                progress(f"第 {k + 1}/{kills} 次杀掉 Leader m{li}；已确认写入 {acked} 条")
            time.sleep(between)
            cluster.restart(li, wait=True)
            time.sleep(between / 2)
    finally:
        stop.set()
        th.join(timeout=client_timeout + 3)
    if th.is_alive():  # never read the outcomes while the writer may still change them
        raise RuntimeError(f"写入线程在 {client_timeout + 3:.1f} s 内没有结束，无法核对写入")
    cluster.wait_for_leader(timeout=10)
    stored = cluster.get_prefix(prefix, timeout=5)
    for key, oc in outcome.items():
        if oc == "ack":
            res.acknowledged += 1
            res.acked_keys.append(key)
            if key not in stored:
                res.lost += 1
        elif oc == "failed":
            res.failed += 1
            if key in stored:  # a "certain" failure that was applied: a driver bug, counted apart
                res.failed_but_committed += 1
        else:
            res.unknown += 1
            if key in stored:
                res.unknown_committed += 1
    return res


def minority_probe(cluster: LocalEtcdCluster, member: int, key: str, timeout: float = 1.0) -> dict:
    """On one member, try a write, a linearizable read and a serializable read of ``key``.

    Returns ``{op: {"ok": bool, "value" or "error": ..., "seconds": float}}``.
    """
    out = {}
    ops = {
        "put": lambda: cluster.put(key, "from-minority", timeout=timeout, member=member),
        "get_linearizable": lambda: cluster.get(key, serializable=False, timeout=timeout, member=member),
        "get_serializable": lambda: cluster.get(key, serializable=True, timeout=timeout, member=member),
    }
    for name, fn in ops.items():
        t0 = time.monotonic()
        try:
            v = fn()
            out[name] = {"ok": True, "value": v, "seconds": time.monotonic() - t0}
        except EtcdRequestError as e:
            out[name] = {"ok": False, "error": str(e), "outcome": e.outcome, "seconds": time.monotonic() - t0}
    return out


def failover_series(
    n: int,
    repeats: int = 3,
    election_timeout: int = 1000,
    heartbeat_interval: int = 100,
    client_timeout: float = 0.25,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Start an ``n``-member cluster, kill its leader ``repeats`` times (restarting it each time)
    and return ``{"startup_s", "runs": [measure_failover(...) ...], "new_leader_s": summary,
    "first_write_s": summary}``. The cluster is always removed afterwards."""
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats: Invalid value: {repeats!r}: 必须是正整数")
    runs = []
    with LocalEtcdCluster(n, election_timeout=election_timeout, heartbeat_interval=heartbeat_interval) as c:
        startup = c.startup_seconds
        for r in range(repeats):
            res = measure_failover(c, client_timeout=client_timeout)
            runs.append(res)
            if progress:
                progress(
                    f"n={n}, election-timeout={election_timeout} ms，第 {r + 1}/{repeats} 次：新 Leader "
                    f"{res['new_leader_s']:.2f} s，写入恢复 {res['first_write_s']:.2f} s"
                )
    return {
        "n": n,
        "election_timeout_ms": election_timeout,
        "marker": c.marker,
        "startup_s": startup,
        "runs": runs,
        "new_leader_s": summary([r["new_leader_s"] for r in runs]),
        "first_write_s": summary([r["first_write_s"] for r in runs]),
    }


def pause_leader_experiment(cluster: LocalEtcdCluster, pause_s: float | None = None, max_wait: float = 15.0) -> dict:
    """SIGSTOP the leader for ``pause_s`` seconds (default: 2 × election timeout), then SIGCONT it.

    A paused leader sends no heartbeats, so after an election timeout the others elect a new
    leader in a higher term; when the old one wakes up it sees that higher term in the next
    message and steps down to follower (Raft §5.1, https://raft.github.io/raft.pdf).
    """
    if pause_s is None:
        pause_s = 2 * cluster.election_timeout / 1000
    check_seconds("pause_s", pause_s)
    check_seconds("max_wait", max_wait)
    old = cluster.wait_for_leader(timeout=max_wait)
    old_term = cluster.status(old)["raftTerm"]
    t0 = time.monotonic()
    cluster.pause(old)
    try:
        new = cluster.wait_for_leader(timeout=max_wait, exclude=[old])
        t_new = time.monotonic() - t0
        rest = pause_s - (time.monotonic() - t0)
        if rest > 0:
            time.sleep(rest)
        paused_for = time.monotonic() - t0
    finally:
        cluster.resume(old)
    t1 = time.monotonic()
    # Measured with etcd 3.4.23: right after SIGCONT the status answer already names the new
    # leader but may still carry the old raftTerm for a few ms (the leader and the term are
    # published separately by the raft loop), so wait for both.
    st = wait_until(
        lambda: (lambda s: s if s and s["leader"] and not s["is_leader"] and s["raftTerm"] > old_term else None)(
            cluster.status(old, timeout=0.5)
        ),
        max_wait,
        f"被暂停的旧 Leader m{old} 恢复后退位为 Follower",
    )
    leaders_now = [s["member"] for s in cluster.statuses(timeout=0.5) if s and s["is_leader"]]
    return {
        "old_leader": old,
        "old_term": old_term,
        "new_leader": new,
        "new_leader_s": t_new,
        "paused_s": paused_for,
        "old_steps_down_s": time.monotonic() - t1,
        "old_is_leader_after": st["is_leader"],
        "old_term_after": st["raftTerm"],
        "leaders_after": leaders_now,
    }


def write_many(cluster: LocalEtcdCluster, count: int, prefix: str = "/snap/", timeout: float = 2.0,
               progress: Callable[[str], None] | None = None, every: int = 50) -> int:
    """Write ``count`` keys one by one through the leader; return the number written."""
    if not isinstance(count, int) or count < 0:
        raise ValueError(f"count: Invalid value: {count!r}: 必须是非负整数")
    li = cluster.wait_for_leader(timeout=10)
    for k in range(count):
        cluster.put(f"{prefix}{k:06d}", "x", timeout=timeout, member=li)
        if progress and (k + 1) % every == 0:
            progress(f"已写入 {k + 1}/{count} 条")
    return count


def snap_index(path: str | Path) -> int:
    """The raft index encoded in a snapshot file name ``<term:016x>-<index:016x>.snap``
    (etcd ``server/etcdserver/api/snap/snapshotter.go``: ``fmt.Sprintf("%016x-%016x.snap", term, index)``)."""
    name = Path(path).name
    if not name.endswith(".snap") or "-" not in name:
        raise ValueError(f"path: Invalid value: {name!r}: 不是 etcd 快照文件名（应为 <term>-<index>.snap）")
    return int(name[: -len(".snap")].split("-")[1], 16)


def try_etcd_args(extra: list[str], timeout: float = 3.0) -> dict:
    """Run ``etcd <safe flags> <extra>`` briefly to see whether etcd accepts ``extra``.

    The safe flags (free loopback ports, a temporary data dir) come first so that, if ``extra``
    is accepted, nothing touches the default ports 2379/2380. Returns ``{"accepted": bool,
    "returncode": int | None, "log": str}``; the process and dir are always removed.
    ``accepted`` is True when etcd is still running after ``timeout`` s (or serves /health).
    """
    check_seconds("timeout", timeout)
    binary = require_binary("etcd", ETCD_DEBIAN_PKG, ETCD_BREW_PKG)
    with ProcessSet(name=f"{MARKER_PREFIX}flags") as ps:
        d = ps.mkdtemp(prefix=f"{MARKER_PREFIX}flags-")
        cp, pp = free_port(), free_port()
        argv = [
            binary, "--name=probe", f"--data-dir={d / 'data'}",
            f"--listen-client-urls=http://127.0.0.1:{cp}", f"--advertise-client-urls=http://127.0.0.1:{cp}",
            f"--listen-peer-urls=http://127.0.0.1:{pp}", f"--initial-advertise-peer-urls=http://127.0.0.1:{pp}",
            f"--initial-cluster=probe=http://127.0.0.1:{pp}",
            "--logger=zap", "--log-outputs=stderr",
        ] + [str(a) for a in extra]
        p = ps.spawn("probe", argv, d / "probe.log")

        def done():
            if not p.running:
                return ("exited",)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{cp}/health", timeout=0.3) as r:
                    return ("healthy",) if b"true" in r.read() else None
            except OSError:
                return None

        try:
            state = wait_until(done, timeout, "etcd 参数检查")[0]
        except TimeoutError:
            state = "running"
        rc = p.returncode
        log = p.log_tail(400)
    return {"accepted": state != "exited", "returncode": rc, "log": log}
