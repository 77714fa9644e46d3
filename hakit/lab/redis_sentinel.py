"""A real, local Redis Sentinel + HAProxy lab (the seed's N.4.2 / N.4.2.1 design).

The configuration is the N.4.2 Kubernetes example's (``labs/manifests/redis-ha``, see
:mod:`hakit.lab.redis_ha`): its ``redis.conf``, ``sentinel.conf`` and ``haproxy.cfg`` templates,
rendered by its own init scripts with loopback addresses and free ports. Only
:data:`LAB_REDIS_OPTIONS` are added on the command line.

:class:`LocalRedisSentinel` starts, on 127.0.0.1 with free ports and temporary directories:

- one Redis master (``redis-0``) and ``replicas`` replicas (``redis-1`` …): ``redis-init.sh``
  finds no Sentinel yet (first bootstrap) and makes them replicas of ``redis-0``;
  ``--repl-diskless-sync-delay 0`` (else the first full sync waits 5 s for more replicas);
- ``sentinels`` Sentinels (``sentinel-0`` …), ``redis-server <conf> --sentinel``, each with a
  writable config file rendered once by ``sentinel-init.sh`` (Sentinel rewrites it to persist
  its state; a restarted Sentinel keeps it);
  they are started only after every replica is linked (``master_link_status:up``);
- an HAProxy (``haproxy``) whose single backend contains every Redis instance and routes to
  the one that passes a ``tcp-check`` (``PING``/``+PONG``, ``info replication``/``role:master``,
  ``QUIT``/``+OK``), with ``on-marked-down shutdown-sessions`` so clients of a demoted or dead
  master are cut off instead of lingering.

Everything belongs to a :class:`hakit.lab.process.ProcessSet`: leaving the ``with`` block (also
by an exception or a kernel interrupt) stops every process and removes the directories.

Semantics used here, with their sources:

- Sentinel: a master is SDOWN after ``down-after-milliseconds`` without a valid PING reply,
  ODOWN when ``quorum`` Sentinels agree; a failover needs a majority of Sentinels to elect a
  leader, which sends ``REPLICAOF NO ONE`` to the chosen replica and reconfigures the others;
  clients ask ``SENTINEL get-master-addr-by-name``.  Defaults: down-after-milliseconds 30000,
  failover-timeout 180000.  https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
  and redis/redis ``sentinel.conf``.
- SDOWN after a crash: Sentinel reconnects on its next timer tick and the PING it sends then
  starts the clock (``act_ping_time``), so on a single kill ``+sdown`` comes just after
  ``down-after-milliseconds``.  Only when the link was reconnected less than 1 s before the kill
  (back-to-back failovers: a failover resets the links) can SDOWN come up to ~1 s earlier or later
  — redis/redis ``src/sentinel.c`` (``sentinelCheckSubjectivelyDown``, ``sentinelReconnectInstance``,
  ``last_reconn_time``); ``hakit.models.sentinel.failover_timeline(after_failover=True)`` models it.
  Measured here in back-to-back kills: first ``+sdown`` at 1.78–2.05 s with down-after 2000.
- Sentinel turns a returned instance that still claims ``role:master`` into a replica only
  after it has reported that role for a while (``sentinel_publish_period*4`` = 8 s) and INFO
  is polled every 10 s (1 s while a failover is running) — redis/redis ``src/sentinel.c``
  (``sentinelRefreshInstanceInfo``).  Hence the ~10 s two-master window shown in the lab.
- Replication is asynchronous; ``WAIT numreplicas timeout`` blocks until the write reached that
  many replicas and returns how many did; ``min-replicas-to-write`` / ``min-replicas-max-lag``
  make a master refuse writes (``NOREPLICAS``) without enough recent replicas.
  https://redis.io/docs/latest/commands/wait/ and
  https://redis.io/docs/latest/operate/oss_and_stack/management/replication/
- HAProxy: ``option tcp-check`` with ``tcp-check send``/``expect string``; ``check inter``,
  ``fall`` (consecutive failed checks to mark DOWN), ``rise`` (successes to mark UP);
  ``on-marked-down shutdown-sessions``; runtime ``show stat`` on the ``stats socket`` (CSV,
  ``status`` column).  https://docs.haproxy.org/2.6/configuration.html (sections 5.2, 4.2
  "option tcp-check") and https://docs.haproxy.org/2.6/management.html ("show stat").
- redis-py retries a failed command by default; ``Retry(NoBackoff(), 0)`` makes each failure
  visible (https://redis.readthedocs.io/en/stable/retry.html).

Never touches a system Redis on 6379: every port comes from :func:`free_port`.
"""
from __future__ import annotations

import socket
import statistics
import time
from pathlib import Path
from typing import Callable

from hakit.models.quorum import majority

from . import redis_ha
from .process import (
    LabLifecycle,
    ManagedProcess,
    MissingBinaryError,
    check_seconds,
    ProcessSet,
    free_port,
    leftover_processes,
    require_binary,
    wait_until,
)

__all__ = [
    "LocalRedisSentinel",
    "preflight",
    "no_retry_client",
    "MARKER",
    "MissingBinaryError",
    "leftover_processes",
    "summarize",
]

#: Every temp dir (and so every process command line) of this lab contains this marker.
MARKER = "hakit-redis-lab-"
MASTER_NAME = "mymaster"
HOST = "127.0.0.1"

#: Options the local lab adds on the command line after the example's redis.conf: no RDB
#: snapshots (with appendonly no a restarted instance comes back empty, the worst case), no
#: 5 s wait before the first diskless sync, and the temp-dir marker kept in /proc/<pid>/cmdline.
LAB_REDIS_OPTIONS = ("--save", "", "--repl-diskless-sync-delay", "0", "--set-proc-title", "no")
LAB_SENTINEL_OPTIONS = ("--set-proc-title", "no")

REDIS_PKG = ("redis-server", "redis-server", "redis")
REDIS_CLI_PKG = ("redis-cli", "redis-tools", "redis")  # the init scripts ask Sentinel with redis-cli
HAPROXY_PKG = ("haproxy", "haproxy", "haproxy")


def preflight(haproxy: bool = True) -> dict:
    """Check the binaries; return ``{"redis-server": path, "haproxy": path}``.

    Raises :class:`MissingBinaryError` naming the package to install (Debian ``redis-server`` /
    ``haproxy``; macOS ``brew install redis haproxy``).
    """
    found = {"redis-server": require_binary(*REDIS_PKG), "redis-cli": require_binary(*REDIS_CLI_PKG)}
    if haproxy:
        found["haproxy"] = require_binary(*HAPROXY_PKG)
    return found


def no_retry_client(port: int, timeout: float = 0.3, **kw):
    """A redis-py client that fails fast and never retries (``Retry(NoBackoff(), 0)``)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        host=HOST,
        port=port,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
        **kw,
    )


def summarize(values) -> dict:
    """min / median / max / n of a list of numbers (for repeated measurements)."""
    vals = [float(v) for v in values if v is not None]
    if not vals:
        return {"n": 0, "min": None, "median": None, "max": None}
    return {"n": len(vals), "min": min(vals), "median": statistics.median(vals), "max": max(vals)}


def _check_int(name: str, value, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        allowed = f">= {lo}" if hi is None else f"{lo}..{hi}"
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是整数，允许范围 {allowed}")
    return value


class LocalRedisSentinel(LabLifecycle):
    """Master + replicas + Sentinels (+ HAProxy) on loopback; see the module docstring.

    Instance names: ``redis-0`` (the first master), ``redis-1`` …, ``sentinel-0`` …, ``haproxy``.
    Use as a context manager (``with LocalRedisSentinel() as lab:``) or call :meth:`start` and
    :meth:`close`.  ``startup_seconds`` holds the measured start-up time.
    """

    def __init__(
        self,
        replicas: int = 2,
        sentinels: int = 3,
        haproxy: bool = True,
        down_after_milliseconds: int = 2000,
        failover_timeout: int = 10000,
        quorum: int | None = None,
        parallel_syncs: int = 1,
        haproxy_inter_ms: int = 500,
        haproxy_fall: int = 2,
        haproxy_rise: int = 1,
        min_replicas_to_write: int = 0,
        min_replicas_max_lag: int = 10,
        start_timeout: float = 20.0,
        log: Callable[[str], None] | None = None,
        announce_host: str = HOST,
    ):
        self.replicas = _check_int("replicas", replicas, 0, 8)
        self.sentinels = _check_int("sentinels", sentinels, 1, 9)
        self.down_after_milliseconds = _check_int("down-after-milliseconds", down_after_milliseconds, 100)
        self.failover_timeout = _check_int("failover-timeout", failover_timeout, 1000)
        if quorum is None:
            quorum = majority(self.sentinels)
        self.quorum = _check_int("quorum", quorum, 1, self.sentinels)
        self.parallel_syncs = _check_int("parallel-syncs", parallel_syncs, 1)
        self.haproxy = bool(haproxy)
        self.haproxy_inter_ms = _check_int("haproxy inter (ms)", haproxy_inter_ms, 50)
        self.haproxy_fall = _check_int("haproxy fall", haproxy_fall, 1)
        self.haproxy_rise = _check_int("haproxy rise", haproxy_rise, 1)
        self.min_replicas_to_write = _check_int("min-replicas-to-write", min_replicas_to_write, 0)
        self.min_replicas_max_lag = _check_int("min-replicas-max-lag", min_replicas_max_lag, 1)
        self.start_timeout = check_seconds("start_timeout", start_timeout)
        if announce_host not in (HOST, "localhost"):
            raise ValueError(f"announce_host: Unsupported value: {announce_host!r}: 可选 {HOST!r} 或 'localhost'")
        # "localhost" makes every instance announce a host *name*, as the Pods of the example do
        self.announce_host = announce_host
        self.set_name = "redis-sentinel-lab"
        self._log = log
        self.ps: ProcessSet | None = None
        self.dir: Path | None = None
        self.ports: dict[str, int] = {}
        self.procs: dict[str, ManagedProcess] = {}
        self.startup_seconds: float | None = None
        self.timings: dict[str, float] = {}
        self._killed_master: str | None = None

    # ------------------------------------------------------------------ names
    @property
    def redis_names(self) -> list[str]:
        return [f"redis-{i}" for i in range(self.replicas + 1)]

    @property
    def sentinel_names(self) -> list[str]:
        return [f"sentinel-{i}" for i in range(self.sentinels)]

    def _say(self, msg: str) -> None:
        if self._log is not None:
            self._log(msg)

    def _check_name(self, name: str, kinds=("redis", "sentinel", "haproxy")) -> str:
        valid = []
        if "redis" in kinds:
            valid += self.redis_names
        if "sentinel" in kinds:
            valid += self.sentinel_names
        if "haproxy" in kinds and self.haproxy:
            valid += ["haproxy"]
        if name not in valid:
            raise ValueError(f"name: Invalid value: {name!r}: 允许的实例名为 {', '.join(valid)}")
        return name

    # ------------------------------------------------------------------ configs
    # The configs come from labs/manifests/redis-ha (the N.4.2 example): the same templates and
    # init scripts as the Kubernetes manifest, filled in with loopback addresses and free ports.
    def _require_dir(self) -> Path:
        if self.dir is None:
            raise RuntimeError("实验环境还没有启动：配置要在 start() 分配端口和目录之后才能生成")
        return self.dir

    def _sentinel_addrs(self) -> str:
        return " ".join(f"{self.announce_host}:{self.ports[n]}" for n in self.sentinel_names)

    def redis_init_env(self, name: str, ask_sentinels: bool = True) -> dict:
        """Environment of ``redis-init.sh`` for one instance (the values the Pod spec sets).

        ``ask_sentinels=False`` is the seed's design without an init step: no Sentinel is asked
        and the instance starts as a master.
        """
        d = self._require_dir() / self._check_name(name, ("redis",))
        me = f"{self.announce_host}:{self.ports[name]}"
        return {
            "TEMPLATE": redis_ha.path("redis.conf"), "CONF": d / "redis.conf", "DATA_DIR": d,
            "BIND": HOST, "REDIS_PORT": self.ports[name], "ANNOUNCE_HOST": self.announce_host,
            "APPENDONLY": "no", "MIN_REPLICAS_TO_WRITE": self.min_replicas_to_write,
            "MIN_REPLICAS_MAX_LAG": self.min_replicas_max_lag, "MASTER_NAME": MASTER_NAME,
            "SENTINELS": self._sentinel_addrs() if ask_sentinels else "",
            "FALLBACK_MASTER": f"{self.announce_host}:{self.ports[self.redis_names[0]]}" if ask_sentinels else me,
            "ASK_ATTEMPTS": 5, "ASK_INTERVAL": 0.5,
        }

    def sentinel_init_env(self, name: str) -> dict:
        """Environment of ``sentinel-init.sh`` for one Sentinel."""
        d = self._require_dir() / self._check_name(name, ("sentinel",))
        return {
            "TEMPLATE": redis_ha.path("sentinel.conf"), "SENTINEL_DIR": d, "BIND": HOST,
            "SENTINEL_PORT": self.ports[name], "ANNOUNCE_HOST": self.announce_host, "MASTER_NAME": MASTER_NAME,
            "QUORUM": self.quorum, "DOWN_AFTER_MS": self.down_after_milliseconds,
            "FAILOVER_TIMEOUT_MS": self.failover_timeout, "PARALLEL_SYNCS": self.parallel_syncs,
            "SENTINELS": self._sentinel_addrs(),
            "FALLBACK_MASTER": f"{self.announce_host}:{self.ports[self.redis_names[0]]}",
        }

    def haproxy_init_env(self) -> dict:
        """Environment of ``haproxy-init.sh`` (one ``server`` line per Redis instance)."""
        d = self._require_dir()
        return {
            "TEMPLATE": redis_ha.path("haproxy.cfg"), "CONF": d / "haproxy.cfg", "RUN_DIR": d,
            "BIND": HOST, "HAPROXY_PORT": self.ports["haproxy"],
            "CHECK_TIMEOUT_MS": max(100, self.haproxy_inter_ms), "CHECK_INTER_MS": self.haproxy_inter_ms,
            "CHECK_FALL": self.haproxy_fall, "CHECK_RISE": self.haproxy_rise,
            "SERVERS": " ".join(f"{n}={self.announce_host}:{self.ports[n]}" for n in self.redis_names),
        }

    def redis_argv(self, name: str) -> list[str]:
        """argv of one Redis data instance: its rendered ``redis.conf`` plus the lab-only options
        (:data:`LAB_REDIS_OPTIONS`: no persistence, so a restart comes back empty)."""
        d = self._require_dir()
        return [self._redis_bin, str(d / name / "redis.conf"), *LAB_REDIS_OPTIONS]

    def sentinel_argv(self, name: str) -> list[str]:
        d = self._require_dir()
        return [self._redis_bin, str(d / name / "sentinel.conf"), "--sentinel", *LAB_SENTINEL_OPTIONS]

    def _render(self, script: str, env: dict, log: Path, timeout: float) -> None:
        redis_ha.run_init(script, env, timeout, log)

    # ------------------------------------------------------------------ lifecycle
    # start() / close() / with / guard() come from LabLifecycle (the same for the etcd driver).
    def _start(self, deadline: float) -> None:
        t0 = time.monotonic()
        bins = preflight(self.haproxy)
        self._redis_bin = bins["redis-server"]
        self._haproxy_bin = bins.get("haproxy")
        left = lambda: max(0.1, deadline - time.monotonic())  # noqa: E731
        self.dir = self.ps.mkdtemp(prefix=MARKER)
        names = self.redis_names + self.sentinel_names + (["haproxy"] if self.haproxy else [])
        used: set[int] = set()
        for n in names:
            p = free_port()
            while p in used or p == 6379:
                p = free_port()
            used.add(p)
            self.ports[n] = p
        master = self.redis_names[0]
        for n in self.redis_names:
            (self.dir / n).mkdir()
        for n in self.sentinel_names:
            (self.dir / n).mkdir()
        for n in self.redis_names:  # first bootstrap: no Sentinel answers yet, so redis-0 is the master
            self._render("redis-init.sh", self.redis_init_env(n), self.dir / f"{n}.log", left())
            self.procs[n] = self.ps.spawn(n, self.redis_argv(n), self.dir / f"{n}.log")
        self._say(f"启动 {len(self.redis_names)} 个 Redis（1 主 {self.replicas} 从）…")
        wait_until(lambda: self.client(master).ping(), left(), f"{master} 接受连接")
        if self.replicas:
            wait_until(self._replicas_linked, left(), "所有 replica 完成全量同步（master_link_status:up）")
        self.timings["replicas_linked"] = time.monotonic() - t0
        if self.haproxy:
            self._render("haproxy-init.sh", self.haproxy_init_env(), self.dir / "haproxy.log", left())
            self.procs["haproxy"] = self.ps.spawn(
                "haproxy", [self._haproxy_bin, "-f", str(self.dir / "haproxy.cfg"), "-db"],
                self.dir / "haproxy.log")
        for n in self.sentinel_names:
            self._render("sentinel-init.sh", self.sentinel_init_env(n), self.dir / f"{n}.log", left())
            self.procs[n] = self.ps.spawn(n, self.sentinel_argv(n), self.dir / f"{n}.log")
        self._say(f"启动 {self.sentinels} 个 Sentinel" + ("和 HAProxy" if self.haproxy else "") + "…")
        wait_until(self._sentinels_converged, left(), "每个 Sentinel 都发现了全部 replica 和其他 Sentinel")
        self.timings["sentinels_converged"] = time.monotonic() - t0
        if self.haproxy:
            wait_until(lambda: self.haproxy_up() == [master], left(), f"HAProxy 只把 {master} 标记为 UP")
            self.timings["haproxy_routed"] = time.monotonic() - t0
        self._say(f"就绪：{time.monotonic() - t0:.2f} s")

    def _replicas_linked(self) -> bool:
        info = self.client(self.redis_names[0]).info("replication")
        if info.get("connected_slaves", 0) < self.replicas:
            return False
        return all(self.client(n).info("replication").get("master_link_status") == "up"
                   for n in self.redis_names[1:])

    def _sentinels_converged(self) -> bool:
        for n in self.sentinel_names:
            m = self.sentinel_client(n).sentinel_master(MASTER_NAME)
            if int(m.get("num-slaves", 0)) < self.replicas or int(m.get("num-other-sentinels", 0)) < self.sentinels - 1:
                return False
        return True

    def set_min_replicas_to_write(self, n: int, max_lag: int | None = None) -> None:
        """``CONFIG SET min-replicas-to-write`` on every running Redis (and for later restarts)."""
        self.min_replicas_to_write = _check_int("min-replicas-to-write", n, 0)
        if max_lag is not None:
            self.min_replicas_max_lag = _check_int("min-replicas-max-lag", max_lag, 1)
        for name in self.redis_names:
            if self.role(name) in ("master", "slave"):
                c = self.client(name)
                c.config_set("min-replicas-to-write", self.min_replicas_to_write)
                c.config_set("min-replicas-max-lag", self.min_replicas_max_lag)

    # ------------------------------------------------------------------ clients
    def addr(self, name: str) -> tuple[str, int]:
        self._check_name(name)
        return HOST, self.ports[name]

    def client(self, name: str, timeout: float = 0.3):
        """A fail-fast, no-retry redis-py client to one instance (Redis or Sentinel)."""
        self._check_name(name, ("redis", "sentinel"))
        return no_retry_client(self.ports[name], timeout)

    sentinel_client = client

    def client_via_haproxy(self, timeout: float = 0.3):
        """A fail-fast, no-retry client to the HAProxy frontend (the "always the master" address)."""
        if not self.haproxy:
            raise ValueError("haproxy: Invalid value: False: 这个实验环境没有启动 HAProxy")
        return no_retry_client(self.ports["haproxy"], timeout)

    def name_of_port(self, port: int) -> str | None:
        for n, p in self.ports.items():
            if p == int(port):
                return n
        return None

    # ------------------------------------------------------------------ state
    def master_addr_by_sentinel(self) -> dict[str, tuple[str, int] | None]:
        """``SENTINEL get-master-addr-by-name`` asked of every Sentinel (None if it does not answer)."""
        out = {}
        for n in self.sentinel_names:
            try:
                host, port = self.sentinel_client(n).sentinel_get_master_addr_by_name(MASTER_NAME)
                out[n] = (host, int(port))
            except Exception:  # noqa: BLE001 - down or paused sentinel
                out[n] = None
        return out

    def sentinel_master(self) -> str | None:
        """The instance name that a majority of Sentinels report as master, else None."""
        votes: dict[str, int] = {}
        for a in self.master_addr_by_sentinel().values():
            if a is not None:
                nm = self.name_of_port(a[1])
                votes[nm] = votes.get(nm, 0) + 1
        for nm, v in votes.items():
            if v >= majority(self.sentinels):
                return nm
        return None

    def role(self, name: str) -> str:
        """``master`` / ``slave`` (from ``INFO replication``), ``paused`` or ``down``."""
        self._check_name(name, ("redis",))
        p = self.procs.get(name)
        if p is None or not p.running:
            return "down"
        if p.paused:
            return "paused"
        try:
            return self.client(name).info("replication")["role"]
        except Exception:  # noqa: BLE001
            return "down"

    def roles(self) -> dict[str, str]:
        return {n: self.role(n) for n in self.redis_names}

    def masters(self) -> list[str]:
        """Every Redis instance that currently says ``role:master``."""
        return [n for n, r in self.roles().items() if r == "master"]

    def haproxy_states(self) -> dict[str, str]:
        """Backend server states from ``show stat`` on the stats socket (``UP``, ``DOWN`` …)."""
        if not self.haproxy:
            raise ValueError("haproxy: Invalid value: False: 这个实验环境没有启动 HAProxy")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            s.connect(str(self.dir / "haproxy.sock"))
            s.sendall(b"show stat\n")
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        text = b"".join(chunks).decode()
        lines = [ln for ln in text.splitlines() if ln.strip()]
        header = lines[0].lstrip("# ").split(",")
        ix_px, ix_sv, ix_st = header.index("pxname"), header.index("svname"), header.index("status")
        out = {}
        for ln in lines[1:]:
            f = ln.split(",")
            if f[ix_px] == "redis_nodes" and f[ix_sv] not in ("BACKEND", "FRONTEND"):
                out[f[ix_sv]] = f[ix_st]
        return out

    def haproxy_up(self) -> list[str]:
        """Backend servers HAProxy routes to right now (status starting with ``UP``)."""
        return sorted(n for n, st in self.haproxy_states().items() if st.startswith("UP"))

    # ------------------------------------------------------------------ faults
    def kill(self, name: str) -> None:
        """SIGKILL one instance (a crash)."""
        self._check_name(name)
        if name in self.redis_names and self.role(name) == "master":
            self._killed_master = name
        self._say(f"kill -9 {name}")
        self.procs[name].kill()

    def pause(self, name: str) -> None:
        """SIGSTOP: frozen, still holding its port (peers see silence, not a refusal)."""
        self._check_name(name)
        self.procs[name].pause()

    def resume(self, name: str) -> None:
        """SIGCONT a paused instance."""
        self._check_name(name)
        self.procs[name].resume()

    def restart(self, name: str, as_replica: bool = False, timeout: float = 5.0) -> None:
        """Start a stopped/killed instance again on the same port.

        A Redis instance always comes back **empty** (no persistence).  ``as_replica=False`` is
        the seed's design (no init step): it starts without ``replicaof`` and reports
        ``role:master``.  ``as_replica=True`` waits until the Sentinels agree on another master
        and then runs the example's ``redis-init.sh``, which asks them and adds ``replicaof``.
        Sentinels restart with the config they rewrote (``sentinel-init.sh`` keeps it).
        """
        self._check_name(name)
        check_seconds("timeout", timeout)  # before anything is killed
        p = self.procs[name]
        if p.running:
            p.kill()
        if name.startswith("redis-"):
            for f in (self.dir / name).glob("*.rdb"):
                f.unlink()
            if not as_replica:  # no bootstrap marker: redis-init.sh falls back to "I am the master"
                (self.dir / name / ".hakit-bootstrapped").unlink(missing_ok=True)
            if as_replica:  # the lab waits for the failover; redis-init.sh then asks the Sentinels
                wait_until(lambda: self.sentinel_master() not in (None, name), timeout + 10,
                           f"Sentinel 多数选出 {name} 以外的 master（才能以 replica 身份重启）")
            self._render("redis-init.sh", self.redis_init_env(name, ask_sentinels=as_replica),
                         self.dir / f"{name}.log", timeout + 20)
        elif as_replica:
            raise ValueError(f"as_replica: Invalid value: True: 只适用于 Redis 实例，不适用于 {name}")
        elif name.startswith("sentinel-"):  # keeps the config Sentinel rewrote (its state)
            self._render("sentinel-init.sh", self.sentinel_init_env(name), self.dir / f"{name}.log", timeout)
        self._say(f"重启 {name}" + ("（作为 replica）" if as_replica else ""))
        p.start()
        if name.startswith("redis-") or name.startswith("sentinel-"):
            wait_until(lambda: self.client(name).ping(), timeout, f"{name} 重启后接受连接")

    def cut_off_replicas(self) -> list[str]:
        """SIGSTOP every replica and ``CLIENT KILL TYPE replica`` on the master.

        From now on the master acknowledges writes that no replica has.  Returns the paused names.
        """
        m = self.sentinel_master()
        if m is None:
            raise RuntimeError("Sentinel 多数派还没有一致的 master")
        paused: list[str] = []
        try:
            return self._cut_off_replicas(m, paused)
        except BaseException:
            for n in paused:
                self.resume(n)
            raise

    def _cut_off_replicas(self, master: str, paused: list) -> list:
        """Pause the replicas of ``master`` one by one, appending each to ``paused`` (so a caller's
        ``finally`` can resume exactly those), then drop the master's replica connections."""
        for n in [n for n in self.redis_names if n != master and self.role(n) == "slave"]:
            self.pause(n)
            paused.append(n)
        self.client(master).client_kill_filter(_type="replica")
        return paused

    # ------------------------------------------------------------------ waits
    def wait_for_failover(self, timeout: float = 15.0, old_master: str | None = None) -> str:
        """Wait until a majority of Sentinels name a new master that says ``role:master``.

        ``old_master`` defaults to the last master this lab killed.  Returns the new master's
        name; raises ``TimeoutError`` after ``timeout`` s.
        """
        if old_master is None:
            old_master = self._killed_master
        if old_master is None:
            raise ValueError("old_master: Required value: 还没有 kill 过 master，请指定 old_master")
        def done():
            m = self.sentinel_master()
            return m if m not in (None, old_master) and self.role(m) == "master" else None
        return wait_until(done, timeout, f"Sentinel 完成故障转移（{old_master} 之外的新 master）")

    def wait_haproxy_routes_to(self, name: str, timeout: float = 10.0) -> None:
        wait_until(lambda: self.haproxy_up() == [name], timeout, f"HAProxy 只路由到 {name}")

    def wait_replica_linked(self, name: str, timeout: float = 10.0) -> None:
        """Wait until ``name`` is an online replica and every Sentinel lists it."""
        def ok():
            if self.client(name).info("replication").get("master_link_status") != "up":
                return False
            port = self.ports[name]
            for s in self.sentinel_names:
                reps = self.sentinel_client(s).sentinel_slaves(MASTER_NAME)
                if not any(int(r["port"]) == port and "s_down" not in r["flags"] for r in reps):
                    return False
            return True
        wait_until(ok, timeout, f"{name} 作为 replica 同步完成且所有 Sentinel 都看到它")

    def heal(self, timeout: float = 15.0) -> None:
        """Bring every dead or paused Redis instance back as a replica of the current master."""
        check_seconds("timeout", timeout)
        for n in self.redis_names:
            p = self.procs[n]
            if p.running and p.paused:
                p.resume()
        for n in self.redis_names:
            if not self.procs[n].running:
                self.restart(n, as_replica=True)
        m = self.sentinel_master()
        for n in self.redis_names:
            if n != m:
                self.wait_replica_linked(n, timeout)
        if self.haproxy:
            self.wait_haproxy_routes_to(m, timeout)

    # ------------------------------------------------------------------ experiments
    def _write(self, c, key: str, wait_replicas: int = 0, wait_ms: int = 100):
        """SET key through client c on one connection; returns (ok, served_by_name, error)."""
        try:
            pipe = c.pipeline(transaction=False)
            pipe.set(key, "1")
            pipe.client_info()
            if wait_replicas:
                pipe.execute_command("WAIT", wait_replicas, wait_ms)
            res = pipe.execute()
            served = self.name_of_port(int(res[1]["laddr"].rsplit(":", 1)[1]))
            if wait_replicas and int(res[2]) < wait_replicas:
                return False, served, f"WAIT: 只有 {res[2]} 个 replica 确认"
            return True, served, None
        except Exception as e:  # noqa: BLE001
            c.connection_pool.disconnect()
            return False, None, f"{type(e).__name__}: {e}"

    def measure_failover(self, timeout: float = 20.0, interval: float = 0.02,
                         progress: Callable[[str], None] | None = None) -> dict:
        """Kill the current master while writing through HAProxy; time everything.

        Returns a dict with seconds since the kill: ``first_failure``, ``last_failure``,
        ``first_success_new`` (first write acknowledged by another instance = the write
        unavailability window), ``sdown``/``odown``/``switch_master`` (from the Sentinel
        pub/sub events), ``haproxy_old_down``/``haproxy_new_up``, plus ``old``, ``new`` and the
        write log ``writes`` = [(t, ok, served_by)].
        """
        check_seconds("timeout", timeout)
        check_seconds("interval", interval)
        say = progress or self._say
        old = self.sentinel_master()
        c = self.client_via_haproxy(0.2)
        subs = []
        writes, events = [], {}
        try:
            for s in self.sentinel_names:  # every Sentinel: only the elected leader publishes +promoted-slave
                ev = self.sentinel_client(s, 1.0).pubsub()
                subs.append(ev)
                ev.psubscribe("*")
                ev.get_message(timeout=0.5)
            for _ in range(5):  # warm up: writes succeed through HAProxy before the crash
                ok, served, _e = self._write(c, "warmup")
                if not ok or served != old:
                    raise RuntimeError(f"故障注入前写入失败或不在 {old} 上：{_e}")
            self.procs[old].kill()
            self._killed_master = old
            t0 = time.monotonic()
            say(f"已 kill -9 {old}，持续写入中 …")
            result = {"old": old, "new": None}
            i, next_poll, last_say = 0, 0.0, 0.0
            while True:
                now = time.monotonic() - t0
                if now > timeout:
                    raise TimeoutError(f"等待超时（{timeout} s）：经 HAProxy 的写入在新 master 上恢复")
                ok, served, _e = self._write(c, f"fo:{i}")
                t = time.monotonic() - t0
                writes.append((t, ok, served))
                i += 1
                if not ok:
                    result.setdefault("first_failure", t)
                    result["last_failure"] = t
                elif served != old and "first_success_new" not in result:
                    result["first_success_new"] = t
                    result["new"] = served
                for ev in subs:
                    while True:
                        m = ev.get_message(timeout=0)
                        if m is None:
                            break
                        if m.get("type") == "pmessage":
                            events.setdefault(m["channel"], time.monotonic() - t0)
                if t >= next_poll and self.haproxy:
                    try:
                        st = self.haproxy_states()
                        if not st[old].startswith("UP"):
                            result.setdefault("haproxy_old_down", t)
                        ups = [n for n, s in st.items() if s.startswith("UP") and n != old]
                        if ups:
                            result.setdefault("haproxy_new_up", t)
                    except Exception:  # noqa: BLE001
                        pass
                    next_poll = t + 0.05
                if t - last_say > 1.0:
                    say(f"  t={t:4.1f} s  写入 {'成功' if ok else '失败'}")
                    last_say = t
                if "first_success_new" in result and (
                        "+switch-master" in events and t - result["first_success_new"] > 0.3
                        or t - result["first_success_new"] > 3.0):
                    break
                time.sleep(interval)
        finally:
            for closable in [*subs, c]:
                try:
                    closable.close()
                except Exception:  # noqa: BLE001 - best effort, the lab may be half down
                    pass
        result["sdown"] = events.get("+sdown")
        result["odown"] = events.get("+odown")
        result["switch_master"] = events.get("+switch-master")
        result["events"] = dict(sorted(events.items(), key=lambda kv: kv[1]))
        result["writes"] = writes
        result["window"] = result.get("first_success_new")
        say(f"新 master：{result['new']}，写入不可用窗口 {result['window']:.2f} s")
        return result

    def measure_async_loss(self, n_writes: int = 30, wait_replicas: int = 0, wait_ms: int = 100,
                           timeout: float = 20.0, progress: Callable[[str], None] | None = None) -> dict:
        """Cut the replicas off, write ``n_writes`` keys to the master, kill it, fail over.

        With ``wait_replicas`` > 0 every SET is followed by ``WAIT wait_replicas wait_ms`` and
        counts as acknowledged only if enough replicas confirmed.  Returns counts:
        ``acknowledged``, ``executed`` (SET returned OK), ``lost_acknowledged`` (acknowledged
        but missing on the new master), ``new`` master name.
        """
        _check_int("n_writes", n_writes, 1, 10000)
        _check_int("wait_replicas", wait_replicas, 0, 8)
        _check_int("wait_ms", wait_ms, 0)
        check_seconds("timeout", timeout)
        say = progress or self._say
        old = self.sentinel_master()
        if old is None:
            raise RuntimeError("Sentinel 多数派还没有一致的 master：先等实验环境就绪（或 heal()）")
        tag = f"loss{'W' if wait_replicas else ''}:{time.monotonic_ns()}"
        executed, acked, paused = [], [], []
        c = self.client(old, 1.0)
        try:
            paused = self._cut_off_replicas(old, paused)
            say(f"已暂停 {', '.join(paused)} 并断开 {old} 的 replica 连接；写入 {n_writes} 个键 …")
            for i in range(n_writes):
                key = f"{tag}:{i}"
                if not c.set(key, "1"):
                    raise RuntimeError(f"{old} 没有确认 SET {key}")
                executed.append(key)
                if wait_replicas:
                    if int(c.execute_command("WAIT", wait_replicas, wait_ms)) >= wait_replicas:
                        acked.append(key)
                else:
                    acked.append(key)
            self.procs[old].kill()
            self._killed_master = old
            say(f"已 kill -9 {old}；恢复 replica，等待故障转移 …")
        finally:  # whatever failed above, no replica stays SIGSTOPped
            for n in paused:
                self.resume(n)
            c.close()
        new = self.wait_for_failover(timeout, old)
        cn = self.client(new, 1.0)
        present = set(k for k, v in zip(executed, cn.mget(executed) if executed else []) if v is not None)
        lost = [k for k in acked if k not in present]
        res = {"old": old, "new": new, "n_writes": n_writes, "wait_replicas": wait_replicas,
               "executed": len(executed), "acknowledged": len(acked),
               "present_on_new_master": len(present), "lost_acknowledged": len(lost)}
        say(f"确认 {len(acked)} 个，新 master {new} 上缺失其中 {len(lost)} 个")
        return res

    def measure_two_masters(self, restart_as_replica: bool = False, duration: float = 15.0,
                            interval: float = 0.05, progress: Callable[[str], None] | None = None) -> dict:
        """After a failover, restart the dead old master and watch HAProxy for ``duration`` s.

        Requires a dead instance (call after :meth:`measure_failover`).  Restarts it empty, as a
        master (``restart_as_replica=False``) or as a replica.  Writes through HAProxy with a new
        connection each time and records which instance acknowledged each write.  Returns
        ``two_master_seconds`` (total time HAProxy had >= 2 servers UP), ``demoted_after`` (s
        until the restarted instance says role:slave), ``acked_by_rogue``, ``lost`` (acked
        writes missing from the real master afterwards), ``rejected``, and a ``timeline``.
        """
        check_seconds("duration", duration)
        check_seconds("interval", interval)
        say = progress or self._say
        dead = [n for n in self.redis_names if not self.procs[n].running]
        if not dead:
            raise RuntimeError("没有已停止的 Redis 实例：请先做一次故障转移（measure_failover）")
        rogue = dead[0]
        master = self.sentinel_master()
        self.restart(rogue, as_replica=restart_as_replica)
        t0 = time.monotonic()
        say(f"{rogue} 已{'以 replica 身份' if restart_as_replica else '空数据、以 master 身份'}重启，观察 {duration:.0f} s …")
        timeline, acked, rejected = [], [], 0
        demoted_after = None
        i, last_say = 0, -1.0
        while True:
            t = time.monotonic() - t0
            if t > duration:
                break
            try:
                up = self.haproxy_up()
            except Exception:  # noqa: BLE001
                up = []
            role = self.role(rogue)
            if role == "slave" and demoted_after is None:
                demoted_after = t
            c = self.client_via_haproxy(0.2)
            key = f"split:{rogue}:{i}"
            ok, served, err = self._write(c, key)
            c.close()
            i += 1
            if ok:
                acked.append((key, served))
            elif err and ("NOREPLICAS" in err or "READONLY" in err):
                rejected += 1
            timeline.append((t, len(up), role, served if ok else None))
            if t - last_say >= 2.0:
                say(f"  t={t:4.1f} s  HAProxy UP={up}  {rogue} role={role}")
                last_say = t
            if demoted_after is not None and t > demoted_after + 1.0 and len(up) <= 1 and t > 2.0:
                break
            time.sleep(interval)
        two = 0.0
        for (ta, na, _r, _s), (tb, _nb, _r2, _s2) in zip(timeline, timeline[1:]):
            if na >= 2:
                two += tb - ta
        by_rogue = [k for k, s in acked if s == rogue]
        real = self.sentinel_master() or master
        vals = self.client(real, 1.0).mget([k for k, _ in acked]) if acked else []
        lost = sum(1 for v in vals if v is None)
        res = {"rogue": rogue, "master": real, "restart_as_replica": restart_as_replica,
               "two_master_seconds": two, "demoted_after": demoted_after,
               "acknowledged": len(acked), "acked_by_rogue": len(by_rogue), "lost": lost,
               "rejected": rejected, "timeline": timeline}
        say(f"两个 master 同时在 HAProxy 中 UP 共 {two:.1f} s；{rogue} 确认了 {len(by_rogue)} 个写入，丢失 {lost} 个")
        return res
