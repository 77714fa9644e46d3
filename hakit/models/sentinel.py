"""Redis Sentinel + HAProxy 故障转移的时间模型：从主节点 (master) 宕机到第一次写入经 HAProxy 成功。

各阶段与依据（``sentinel.c`` 指 redis/redis 的 ``src/sentinel.c``，7.x）：

1. **SDOWN 检测**（主观下线）：``sentinelCheckSubjectivelyDown`` 在 ``elapsed >
   down-after-milliseconds`` 时置 SDOWN；``elapsed`` 在有未回复的 PING 时从它的发送时刻
   (``act_ping_time``) 算起，否则若连接断开，从最后一次有效回复 (``last_avail_time``，由
   ``sentinelPingReplyCallback`` 在收到 PONG/LOADING/MASTERDOWN 时更新) 算起。

   进程被杀 (``failure="crash"``) 时连接立即断开，下一个定时器周期 ``sentinelReconnectInstance``
   重连并 "Send a PING ASAP when reconnecting"（``sentinelSendPing`` 在 ``act_ping_time == 0``
   时把它设为当前时刻）。Linux 上对本机已关闭端口的非阻塞 ``connect()`` 返回 ``EINPROGRESS``
   而不是立即失败（本机实测 20/20 次），hiredis 于是照常排队这个 PING——所以通常计时起点在
   宕机后一个周期内，SDOWN 落在 ``(down-after, down-after + 2 个周期]``。本机 4 次单独的 kill：
   三个 Sentinel 的 ``+sdown`` 全部在 kill 后 2.036–2.144 s（down-after 2000）。

   例外（``after_failover=True``）：``sentinelReconnectInstance`` 在 ``now - last_reconn_time <
   SENTINEL_PING_PERIOD`` 时直接返回。刚经历过故障转移的 master，Sentinel 到它的连接往往在
   kill 前不到 1 s 才（重）建（提升时 ``sentinelSendSlaveOf`` 发送 ``CLIENT KILL TYPE normal/pubsub``，
   ``+switch-master`` 时 ``sentinelResetMaster`` 重置连接）。这时：(a) 在重连被推迟的这段时间里
   连接处于断开状态，``elapsed`` 从宕机前的时刻算起——没有待回复的 PING 时是 ``last_avail_time``，
   有时是宕机前刚发出、没等到回复的 PING 的 ``act_ping_time``——最多比宕机
   早一个 PING 间隔（PING 在 ``now - last_pong_time > ping_period`` 的周期发送，间隔不超过
   ``ping_period`` + 一个周期），SDOWN 可比 ``down-after`` 早约 1 s；(b) 若重连先发生，那个 PING
   把计时起点推迟到 ``last_reconn_time + SENTINEL_PING_PERIOD``，SDOWN 可晚约 1 s。本机 8 次
   连续的 kill（实验笔记本的做法）：每次都有一个 Sentinel 在 1.86–1.99 s 进入 SDOWN，另外两个在
   2.47–2.83 s。PING 间隔为 ``min(down-after-milliseconds, 1000)``（``sentinel_ping_period``；
   ``sentinelSendPeriodicCommands``）。

   进程挂起或网络分区 (``failure="hang"``) 时连接不断，起点是宕机后第一个没有回复的 PING。
2. **ODOWN 协商**（客观下线）：SDOWN 的 Sentinel 用 ``SENTINEL is-master-down-by-addr``
   询问其他 Sentinel（``sentinelAskMasterStateToOtherSentinels``：进入 SDOWN 的那个周期立即询问，
   此后对同一个 Sentinel 要等 ``sentinel_ask_period`` 1000 ms 才再问）；回复为 “已下线” 的数目加上
   自己达到 ``quorum`` 即 ODOWN（``sentinelCheckObjectivelyDown``）。先进入 SDOWN 的 Sentinel 问到的
   是 “还没下线”，要 1 s 后才再问，所以**它自己的** ODOWN 会比它的 SDOWN 晚约 1 s（本机实测
   3.14–3.19 s）；但第 ``quorum`` 个进入 SDOWN 的 Sentinel 一问就得到 “已下线”，下一个周期即
   ODOWN 并开始故障转移——故障转移由它推动。所以 ODOWN = 第 ``quorum`` 个 SDOWN + 一个周期，
   “比第一个 SDOWN 晚近 1 s” 只在各 Sentinel 的 SDOWN 本身相差近 1 s 时发生（上面的例外）。
   另外，``is-master-down-by-addr`` 的 “已下线” 回复要过 ``5 × SENTINEL_ASK_PERIOD`` 才被清除：
   上一次故障转移后 5 s 内再次宕机时，Sentinel 可以在进入 SDOWN 的同一个周期凭旧回复达到
   ODOWN（本机实测 ``+odown ... #quorum 3/2`` 与 ``+sdown`` 同一毫秒）。
3. **选举 leader**：进入 ODOWN 的 Sentinel 开始故障转移（``sentinelStartFailover``，epoch+1），
   并请求投票；得票数要同时达到 Sentinel 总数的多数派和 ``quorum``（``sentinelGetLeader``）。
   无竞争时在下一个周期当选。若票数分裂，``failover_start_time`` 加上 0–1000 ms 随机量
   (``SENTINEL_MAX_DESYNC``)，要等 ``2 × failover-timeout`` 后才能重试（见 :attr:`FailoverTimeline.split_vote_retry_ms`）。
4. **提升 (promotion)**：状态机每个周期前进一步：SELECT_SLAVE，然后发送 ``REPLICAOF NO ONE``；
   副本执行后立即报告 ``role:master``（HAProxy 直接检查 Redis，不必等 Sentinel 的 INFO）。
5. **HAProxy 标记新主 UP**：``tcp-check`` 期望 ``role:master``。服务器处于 DOWN 时按
   ``downinter``（缺省等于 ``inter``）检查，转换中按 ``fastinter``（缺省等于 ``inter``）检查，
   连续 ``rise`` 次成功才标记 UP（HAProxy ``srv_getinter``；文档
   https://docs.haproxy.org/2.6/configuration.html#5.2-inter ，缺省 ``inter 2s``、
   ``fall 3``、``rise 2``）。
6. **HAProxy 标记旧主 DOWN**（与 1–5 并行）：连续 ``fall`` 次失败；进程挂起时每次检查要等到
   ``timeout check``。``on-marked-down shutdown-sessions`` 会在标记 DOWN 时切断仍连在旧主上的会话。

Sentinel 的定时器 ``sentinelTimer`` 每次把 ``server.hz`` 设为 ``10 + rand() % 10``，所以一个
周期是 1000/19 ≈ 52.6 ms 到 100 ms 之间（故意打乱，避免各 Sentinel 同步而反复平票）。

Sentinel 文档与缺省值：https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
（``down-after-milliseconds`` 30000，``failover-timeout`` 180000）。

与实验的对照：

* 设计文档 “Lab facts”：``down-after-milliseconds 1000``、HAProxy ``inter 500ms fall 2 rise 1``
  （:data:`LAB`）实测约 1.9 s（:data:`LAB_MEASURED_FAILOVER_MS`），落在模型的 [最小, 最大] 之内。
* 实验笔记本 ``labs/redis_sentinel_lab.ipynb``（:data:`LAB_NOTEBOOK`：down-after 2000，本机
  Debian redis 7.0.15 / haproxy 2.6.12）15 次 kill：写不可用 2.06 / 2.9 / 3.34 s（最小/中位/最大，
  :data:`LAB_NOTEBOOK_MEASURED_MS`）。笔记本连续做多次故障转移，所以要用 ``after_failover=True``
  的区间（约 1.06–4.10 s）；单独一次 kill 的区间是 2.21–3.10 s，2.06 s 不可能落在里面——它正是
  上面 “先于 down-after 的 SDOWN + 凭旧回复立即 ODOWN” 的情形。

“旧主以空数据、``role:master`` 重启” 的双主窗口见 :func:`two_master_window`。

所有时间单位为毫秒 (ms)。
"""
from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from numbers import Integral, Real

from hakit.models.quorum import majority

__all__ = [
    "DOWN_AFTER_DEFAULT",
    "FAILOVER_TIMEOUT_DEFAULT",
    "PING_PERIOD",
    "ASK_PERIOD",
    "INFO_PERIOD",
    "PUBLISH_PERIOD",
    "MAX_DESYNC",
    "TICK_MIN",
    "TICK_MAX",
    "HAPROXY_DEFAULTS",
    "LAB",
    "LAB_MEASURED_FAILOVER_MS",
    "LAB_NOTEBOOK",
    "LAB_NOTEBOOK_MEASURED_MS",
    "LAB_NOTEBOOK_FIRST_SDOWN_MS",
    "Phase",
    "FailoverTimeline",
    "failover_timeline",
    "haproxy_mark_up",
    "haproxy_mark_down",
    "two_master_window",
    "votes_needed",
]

# Sources: redis/redis src/sentinel.c at 7.4.1 (lines cited) and 7.0.15 (the Debian 12 lab binary;
# the same values, lines +20): ``sentinel_default_down_after = 30000`` (:68),
# ``sentinel_default_failover_timeout = 60*3*1000`` (:76), ``sentinel_ping_period 1000`` (:62),
# ``sentinel_ask_period = 1000`` (:66), ``sentinel_info_period = 10000`` (:64),
# ``sentinel_publish_period = 2000`` (:67), ``SENTINEL_MAX_DESYNC 1000`` (:83); sentinel.conf
# (``down-after-milliseconds mymaster 30000``, ``failover-timeout mymaster 180000``).
DOWN_AFTER_DEFAULT = 30_000  #: ``sentinel down-after-milliseconds`` 缺省值
FAILOVER_TIMEOUT_DEFAULT = 180_000  #: ``sentinel failover-timeout`` 缺省值
PING_PERIOD = 1000  #: ``sentinel_ping_period``
ASK_PERIOD = 1000  #: ``sentinel_ask_period``（旧版本中的宏名 ``SENTINEL_ASK_PERIOD``）
INFO_PERIOD = 10_000  #: ``sentinel_info_period``（故障转移期间对副本改为 1000）
PUBLISH_PERIOD = 2000  #: ``sentinel_publish_period``
MAX_DESYNC = 1000  #: ``SENTINEL_MAX_DESYNC``
TICK_MIN = 1000 / 19  #: hz = 19 时的定时器周期
TICK_MAX = 1000 / 10  #: hz = 10 时的定时器周期
#: HAProxy ``server ... check`` 的缺省参数（毫秒、次数）。
HAPROXY_DEFAULTS = {"inter_ms": 2000, "fall": 3, "rise": 2}
#: 设计文档 “Lab facts” 中测得约 1.9 s 时使用的参数（down-after-milliseconds 1000）。
LAB = {"down_after_ms": 1000, "sentinels": 3, "quorum": 2, "inter_ms": 500, "fall": 2, "rise": 1}
#: 设计文档 “Lab facts”：经 HAProxy 的故障转移约 1.9 s（参数 :data:`LAB`）。
LAB_MEASURED_FAILOVER_MS = 1900
#: 实验笔记本 ``labs/redis_sentinel_lab.ipynb`` 的参数（1000 ms 在本机偶尔触发第二次误判的故障转移）。
LAB_NOTEBOOK = {"down_after_ms": 2000, "sentinels": 3, "quorum": 2, "inter_ms": 500, "fall": 2, "rise": 1}
#: 用 :data:`LAB_NOTEBOOK` 在本机（Debian redis 7.0.15 / haproxy 2.6.12）kill -9 master 15 次，经 HAProxy 的
#: 写不可用窗口（毫秒）。笔记本连续做故障转移，对应 ``failover_timeline(**LAB_NOTEBOOK, after_failover=True)``。
LAB_NOTEBOOK_MEASURED_MS = {"n": 15, "min": 2060, "median": 2900, "max": 3340}
#: 同一批测量中第一个 ``+sdown`` 距 kill 的时间（毫秒）：早于 down-after 2000 的原因见模块说明第 1 条的例外。
LAB_NOTEBOOK_FIRST_SDOWN_MS = (1780, 2050)


def _int(v: object, name: str, lo: int, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是整数")
    if v < lo or (hi is not None and v > hi):
        rng = f"{lo} 到 {hi}" if hi is not None else f"大于等于 {lo}"
        raise ValueError(f"{name}: Invalid value: {v}: 必须{'在 ' + rng + ' 之间' if hi is not None else rng}")
    return int(v)


def _ms(v: object, name: str, positive: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是有限的毫秒数")
    if (positive and v <= 0) or v < 0:
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须{'大于 0' if positive else '不小于 0'}（单位：毫秒）")
    return float(v)


def votes_needed(sentinels: int, quorum: int) -> int:
    """当选 leader 需要的票数：``max(majority(sentinels), quorum)``。

    ``sentinelGetLeader``（sentinel.c 7.4.1:4839-4840，7.0.15:4746）：``voters_quorum = voters/2+1``，
    得票少于它或少于 ``master->quorum`` 都不能当选。quorum 可以大于 Sentinel 总数：Redis 只拒绝
    ``quorum <= 0``（``sentinel monitor`` 的配置与命令，7.4.1:1844、4039），这时返回的票数凑不齐。
    """
    s = _int(sentinels, "sentinels", 1)
    q = _int(quorum, "quorum", 1)
    return max(majority(s), q)


@dataclass(frozen=True)
class Phase:
    """时间线上的一个阶段：起止时刻（典型值，从主节点宕机算起）与持续时间 (最小, 典型, 最大)。"""

    key: str
    label: str
    start: float
    end: float
    duration: tuple  # (min, typical, max)
    parallel: bool = False


@dataclass(frozen=True)
class FailoverTimeline:
    """:func:`failover_timeline` 的结果（毫秒）。

    * ``write_unavailable``：主节点宕机到第一次写入经 HAProxy 成功（新主被标记 UP）的 (最小, 典型, 最大)；
    * ``old_marked_down``：HAProxy 把旧主标记 DOWN 的时刻；
    * ``all_writes_ok``：``max(新主 UP, 旧主 DOWN)``——在此之前 HAProxy 仍可能把一部分连接发给已死的旧主；
    * ``phases``：依次为 SDOWN、ODOWN、选举、提升、HAProxy 标记新主 UP，另有并行的 “HAProxy 标记旧主 DOWN”；
    * ``possible`` / ``reason``：存活的 Sentinel 不够 ``quorum`` 或多数派时无法故障转移。
    """

    params: dict
    possible: bool
    reason: str
    phases: list
    write_unavailable: tuple
    old_marked_down: tuple
    all_writes_ok: tuple
    split_vote_retry_ms: float

    def summary(self) -> str:
        """中文小结。"""
        if not self.possible:
            return "无法故障转移：" + self.reason
        lo, typ, hi = self.write_unavailable
        return (f"写不可用窗口：最短 {lo / 1000:.2f} s，典型 {typ / 1000:.2f} s，最长 {hi / 1000:.2f} s；"
                f"HAProxy 标记旧主 DOWN 约在 {self.old_marked_down[1] / 1000:.2f} s。")


def haproxy_mark_up(inter_ms: float = 2000, rise: int = 2, fastinter_ms: float | None = None,
                    downinter_ms: float | None = None, check_ms: float = 1.0) -> tuple[float, float]:
    """服务器从能通过检查起，到被 HAProxy 标记 UP 的 (最短, 最长) 时间：
    第一次成功的检查在 ``[0, downinter]`` 内开始，每次检查耗时 ``check_ms``；HAProxy 在一次检查
    **结束后**才排下一次（``fastinter`` 之后），所以之后 ``rise - 1`` 次检查相隔 ``fastinter + check_ms``
    （HAProxy v3.4.0 ``src/check.c`` ``process_chk_conn``：``t->expire = tick_add(now_ms, srv_getinter(check) + rv)``）。"""
    inter = _ms(inter_ms, "inter")
    rise = _int(rise, "rise", 1)
    fast = inter if fastinter_ms is None else _ms(fastinter_ms, "fastinter")
    down = inter if downinter_ms is None else _ms(downinter_ms, "downinter")
    c = _ms(check_ms, "check_ms", positive=False)
    return ((rise - 1) * (fast + c) + c, down + (rise - 1) * (fast + c) + c)


def haproxy_mark_down(inter_ms: float = 2000, fall: int = 3, fastinter_ms: float | None = None,
                      check_fail_ms: float = 0.0) -> tuple[float, float]:
    """服务器故障起，到被 HAProxy 标记 DOWN 的 (最短, 最长) 时间：第一次失败的检查在
    ``[0, inter]`` 内开始；每次失败的检查耗时 ``check_fail_ms``（连接被拒绝时约为 0，进程挂起时等于
    ``timeout check``），结束后过 ``fastinter`` 才开始下一次，所以之后 ``fall - 1`` 次相隔
    ``fastinter + check_fail_ms``（见 :func:`haproxy_mark_up` 引用的 ``process_chk_conn``）。"""
    inter = _ms(inter_ms, "inter")
    fall = _int(fall, "fall", 1)
    fast = inter if fastinter_ms is None else _ms(fastinter_ms, "fastinter")
    cf = _ms(check_fail_ms, "check_fail_ms", positive=False)
    return ((fall - 1) * (fast + cf) + cf, inter + (fall - 1) * (fast + cf) + cf)


def _tick(rand) -> float:
    """随机的定时器周期：1000 / hz，hz 在 10..19 中均匀取整数（``sentinelTimer``：``10 + rand() % 10``）。"""
    return 1000.0 / (10 + int(rand() * 10))


def _timeline_params(down_after_ms, sentinels, quorum, sentinels_lost, failover_timeout_ms, inter_ms, fall,
                     rise, fastinter_ms, downinter_ms, timeout_check_ms, failure, rtt_ms, samples, seed,
                     after_failover) -> dict:
    s = _int(sentinels, "sentinels", 1, 15)
    inter = _ms(inter_ms, "inter")
    if failure not in ("crash", "hang"):
        raise ValueError(f"failure: Unsupported value: {failure!r}: 支持的取值为 crash（进程退出）, hang（挂起或网络分区）")
    if not isinstance(after_failover, bool):
        raise ValueError(f"after_failover: Invalid value: {after_failover!r}: 必须是 True 或 False")
    _int(seed, "seed", -(2**63))
    return dict(down_after_ms=_ms(down_after_ms, "sentinel down-after-milliseconds"), sentinels=s,
                quorum=_int(quorum, "quorum", 1), sentinels_lost=_int(sentinels_lost, "sentinels_lost", 0, s),
                failover_timeout_ms=_ms(failover_timeout_ms, "sentinel failover-timeout"),
                inter_ms=inter, fall=_int(fall, "fall", 1), rise=_int(rise, "rise", 1),
                fastinter_ms=inter if fastinter_ms is None else _ms(fastinter_ms, "fastinter"),
                downinter_ms=inter if downinter_ms is None else _ms(downinter_ms, "downinter"),
                timeout_check_ms=inter if timeout_check_ms is None else _ms(timeout_check_ms, "timeout check"),
                failure=failure, rtt_ms=_ms(rtt_ms, "rtt_ms", positive=False),
                samples=_int(samples, "samples", 1, 200_000), after_failover=after_failover)


def _no_failover_reason(sentinels: int, quorum: int, alive: int) -> str:
    if quorum > sentinels:
        # accepted by Redis (only quorum <= 0 is refused), but ODOWN needs quorum agreeing Sentinels
        # (sentinelCheckObjectivelyDown, 7.4.1:4606), so the master is never failed over
        return (f"quorum={quorum} 大于 Sentinel 总数 {sentinels}：Redis 接受这个配置，但永远凑不齐 {quorum} 个"
                "Sentinel 判定客观下线 (ODOWN)，主节点永远不会被故障转移")
    if alive < quorum:
        return f"只剩 {alive} 个 Sentinel，达不到 quorum={quorum}（无法进入 ODOWN）"
    need = votes_needed(sentinels, quorum)
    if alive < need:
        return f"只剩 {alive} 个 Sentinel，达不到当选所需的 {need} 票（Sentinel 总数 {sentinels} 的多数派）"
    return ""


def _sample(rand, p: dict, alive: int, ping: float, check_fail: float) -> tuple:
    """One failover: (old master marked DOWN, SDOWN of the quorum-th Sentinel, ODOWN, election,
    promotion, new master marked UP), the last five as durations (ms)."""
    # the next check starts fastinter after the previous one ended (haproxy_mark_down)
    old_down = rand() * p["inter_ms"] + (p["fall"] - 1) * (p["fastinter_ms"] + check_fail) + check_fail
    da, crash = p["down_after_ms"], p["failure"] == "crash"
    each = []
    for _ in range(alive):
        # crash: the reconnect PING goes out within a timer tick; hang: the first unanswered PING
        start = rand() * _tick(rand) if crash else rand() * ping
        each.append(start + da + rand() * _tick(rand))  # the check runs on the next timer tick
    if not each:
        return (old_down,)
    each.sort()
    rtt = p["rtt_ms"]
    odown = _tick(rand) + rtt          # replies are counted on the next tick
    elect = _tick(rand) + rtt          # vote requests, counted on the next tick
    promo = _tick(rand) + _tick(rand) + rtt  # SELECT_SLAVE, then SEND_SLAVEOF_NOONE
    up = rand() * p["downinter_ms"] + (p["rise"] - 1) * (p["fastinter_ms"] + rtt) + rtt
    return old_down, each[p["quorum"] - 1], odown, elect, promo, up


def _sample_medians(p: dict, alive: int, ping: float, check_fail: float, seed: int) -> tuple:
    """Medians over ``samples`` seeded runs: (old_down, sdown, odown, election, promotion, new_up,
    write_unavailable, all_writes_ok)."""
    rand = random.Random(seed).random
    runs = [_sample(rand, p, alive, ping, check_fail) for _ in range(p["samples"])]
    cols = [list(c) for c in zip(*runs)]
    if alive == 0:
        return (statistics.median(cols[0]),)
    total = [sd + od + el + pr + up for _old, sd, od, el, pr, up in runs]
    all_ok = [max(t, r[0]) for t, r in zip(total, runs)]
    return tuple(statistics.median(c) for c in cols + [total, all_ok])


def failover_timeline(down_after_ms: float = DOWN_AFTER_DEFAULT, sentinels: int = 3, quorum: int = 2,
                      sentinels_lost: int = 0, failover_timeout_ms: float = FAILOVER_TIMEOUT_DEFAULT,
                      inter_ms: float = 2000, fall: int = 3, rise: int = 2,
                      fastinter_ms: float | None = None, downinter_ms: float | None = None,
                      timeout_check_ms: float | None = None, failure: str = "crash",
                      rtt_ms: float = 1.0, samples: int = 2000, seed: int = 0,
                      after_failover: bool = False) -> FailoverTimeline:
    """主节点宕机后的写不可用窗口，分阶段给出 (最小, 典型, 最大)。

    最小/最大是解析的上下界（所有随机等待取两端）；典型值是固定种子的蒙特卡洛中位数
    (``samples`` 次)。``sentinels_lost`` 是随主节点一起失去的 Sentinel 个数（例如同机部署）。

    ``after_failover=True``：被杀的 master 是不久前（约 5 s 内）由故障转移提升的，Sentinel 到它的
    连接在 kill 前不到 ``sentinel_ping_period`` 才重建（见模块说明第 1、2 条的例外）。这时
    SDOWN 的区间放宽为 ``[down-after − (ping + 周期), down-after + ping + 2 个周期]``（仅 ``crash``），
    ODOWN 可以与 SDOWN 在同一周期（旧的 “已下线” 回复仍有效），于是 [最小, 最大] 变宽；典型值
    仍按连接早已建立的情形计算（模型不跟踪每条连接的重连时刻）。

    >>> t = failover_timeline(**LAB)
    >>> 1000 < t.write_unavailable[0] < t.write_unavailable[1] < 1900 < t.write_unavailable[2]
    True
    """
    p = _timeline_params(down_after_ms, sentinels, quorum, sentinels_lost, failover_timeout_ms, inter_ms, fall,
                         rise, fastinter_ms, downinter_ms, timeout_check_ms, failure, rtt_ms, samples, seed,
                         after_failover)
    samples = p.pop("samples")
    s, q, da, rtt = p["sentinels"], p["quorum"], p["down_after_ms"], p["rtt_ms"]
    alive = s - p["sentinels_lost"]
    ping = min(da, PING_PERIOD)
    check_fail = 0.0 if failure == "crash" else p["timeout_check_ms"]
    down_lo, down_hi = haproxy_mark_down(p["inter_ms"], p["fall"], p["fastinter_ms"], check_fail)
    split_retry = 2 * p["failover_timeout_ms"]
    why = _no_failover_reason(s, q, alive)
    # without a failover only HAProxy's view of the old master is sampled (no Sentinel reaches ODOWN)
    med = _sample_medians({**p, "samples": samples}, 0 if why else alive, ping, check_fail, seed)
    old_down_t = (down_lo, med[0], down_hi)
    old_phase = Phase("old_down", f"HAProxy 标记旧主 DOWN（fall={p['fall']}）", 0.0, old_down_t[1], old_down_t,
                      parallel=True)
    if why:
        inf = (math.inf, math.inf, math.inf)
        return FailoverTimeline(p, False, why, [old_phase], inf, old_down_t, inf, split_retry)

    start_lo, start_hi = (0.0, TICK_MAX) if failure == "crash" else (0.0, ping)
    if p["after_failover"] and failure == "crash":
        # 重连被 last_reconn_time 推迟（sentinelReconnectInstance）：计时起点最早是宕机前最后一次有效
        # 回复 last_avail_time（至多早一个 PING 间隔 = ping + 一个周期），最晚是推迟后的重连 PING
        # （至多晚 SENTINEL_PING_PERIOD + 一个周期）。
        start_lo, start_hi = -(ping + TICK_MAX), PING_PERIOD + TICK_MAX
    tick_lo, tick_hi = TICK_MIN + rtt, TICK_MAX + rtt
    up_lo, up_hi = haproxy_mark_up(p["inter_ms"], p["rise"], p["fastinter_ms"], p["downinter_ms"], rtt)
    # after_failover：旧的 is-master-down-by-addr 回复在 5 × SENTINEL_ASK_PERIOD 内仍计入
    # （sentinelAskMasterStateToOtherSentinels 只在 elapsed > ask_period*5 时清除 SRI_MASTER_DOWN），
    # sentinelCheckObjectivelyDown 在进入 SDOWN 的同一次 sentinelHandleRedisInstance 中即可置 ODOWN。
    bounds = [(max(0.0, da + start_lo), da + start_hi + TICK_MAX),
              (0.0 if p["after_failover"] else tick_lo, tick_hi), (tick_lo, tick_hi),
              (2 * TICK_MIN + rtt, 2 * TICK_MAX + rtt), (up_lo, up_hi)]
    durations = [(lo, typ, hi) for (lo, hi), typ in zip(bounds, med[1:6])]
    total = (sum(b[0] for b in bounds), med[6], sum(b[1] for b in bounds))
    all_ok = (max(total[0], down_lo), med[7], max(total[2], down_hi))
    labels = [("sdown", f"SDOWN 检测（第 {q} 个 Sentinel）"), ("odown", "ODOWN 协商（is-master-down-by-addr）"),
              ("election", "选举 leader（多数派投票）"), ("promotion", "提升副本（REPLICAOF NO ONE）"),
              ("new_up", f"HAProxy 标记新主 UP（rise={p['rise']}）")]
    t, phases = 0.0, []
    for (key, label), dur in zip(labels, durations):
        phases.append(Phase(key, label, t, t + dur[1], dur))
        t += dur[1]
    phases.append(old_phase)
    return FailoverTimeline(p, True, "", phases, total, old_down_t, all_ok, split_retry)


def two_master_window(inter_ms: float = 2000, rise: int = 2, fall: int = 3,
                      fastinter_ms: float | None = None, downinter_ms: float | None = None,
                      info_period_ms: float = INFO_PERIOD, wait_ms: float = 4 * PUBLISH_PERIOD,
                      reconnect_ms: float = PING_PERIOD, startup_ms: float = 100.0,
                      samples: int = 2000, seed: int = 0) -> dict:
    """旧主节点以空数据、``role:master`` 重启后，HAProxy 同时把流量发给两个 master 的窗口。

    * HAProxy：重启后 ``startup_ms`` 能通过 ``role:master`` 检查，再经 :func:`haproxy_mark_up` 标记 UP；
    * Sentinel：每 ``reconnect_ms``（``sentinel_ping_period``）尝试重连，连上后立即发 INFO，记下
      ``role_reported_time``；之后每 ``info_period_ms``（``sentinel_info_period`` 10 s）发 INFO，
      在第一次 ``now - role_reported_time > wait_ms``（``sentinel_publish_period*4`` = 8 s）的 INFO
      回复时发送 ``REPLICAOF``（``sentinelRefreshInstanceInfo``，"+convert-to-slave"）；
    * HAProxy 再经 :func:`haproxy_mark_down` 标记它 DOWN（``shutdown-sessions`` 切断其会话）。

    假设重启发生在故障转移完成 8 s 之后（否则还要等 ``sentinelRedisInstanceNoDownFor``）。
    返回 ``{"up": (...), "demoted": (...), "down": (...), "window": (最小, 典型, 最大)}``，
    各项是从重启时刻算起的毫秒数；窗口 = 标记 DOWN − 标记 UP（不为负）。
    """
    inter = _ms(inter_ms, "inter")
    rise = _int(rise, "rise", 1)
    fall = _int(fall, "fall", 1)
    fast = inter if fastinter_ms is None else _ms(fastinter_ms, "fastinter")
    dinter = inter if downinter_ms is None else _ms(downinter_ms, "downinter")
    info = _ms(info_period_ms, "info_period_ms")
    wait = _ms(wait_ms, "wait_ms", positive=False)
    rec = _ms(reconnect_ms, "reconnect_ms")
    st = _ms(startup_ms, "startup_ms", positive=False)
    samples = _int(samples, "samples", 1, 200_000)
    k = math.floor(wait / info) + 1  # 第几次 INFO 满足 “超过 wait_ms”
    up_lo, up_hi = haproxy_mark_up(inter, rise, fast, dinter, 0.0)
    dn_lo, dn_hi = haproxy_mark_down(inter, fall, fast, 0.0)
    _int(seed, "seed", -(2**63))
    rand = random.Random(seed).random
    up, demoted, down, win = [], [], [], []
    for _ in range(samples):
        u = st + rand() * dinter + (rise - 1) * fast
        dem = st + rand() * rec + rand() * TICK_MAX + k * info   # reconnect, first INFO, then k polls
        dn = dem + rand() * inter + (fall - 1) * fast
        up.append(u)
        demoted.append(dem)
        down.append(dn)
        win.append(max(dn - u, 0.0))
    dem_lo, dem_hi = st + k * info, st + rec + TICK_MAX + k * info
    med = statistics.median
    res = {
        "up": (st + up_lo, med(up), st + up_hi),
        "demoted": (dem_lo, med(demoted), dem_hi),
        "down": (dem_lo + dn_lo, med(down), dem_hi + dn_hi),
        "window": (max(0.0, dem_lo + dn_lo - (st + up_hi)), med(win),
                   max(0.0, dem_hi + dn_hi - (st + up_lo))),
        "info_polls": k,
    }
    return res
