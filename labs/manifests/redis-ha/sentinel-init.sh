#!/bin/sh
# sentinel-init.sh: render sentinel.conf into the Sentinel's persistent directory once. When
# the file is already there (the Pod was recreated), keep it: Sentinel has rewritten it with its
# myid, epochs and the replicas and Sentinels it knows, so it comes back as the same Sentinel.
# A fresh Sentinel monitors the master its peers name, or FALLBACK_MASTER when none answers
# (first bootstrap). Used by the redis-sentinel StatefulSet and by the local lab.
# Environment: TEMPLATE SENTINEL_DIR BIND SENTINEL_PORT ANNOUNCE_HOST MASTER_NAME QUORUM
#   DOWN_AFTER_MS FAILOVER_TIMEOUT_MS PARALLEL_SYNCS SENTINELS ("host:port ...") FALLBACK_MASTER ("host:port").
set -eu
conf="$SENTINEL_DIR/sentinel.conf"
if [ -s "$conf" ]; then
    echo "sentinel-init: keeping $conf (Sentinel state survives the Pod)"
    exit 0
fi
t=""
if command -v timeout >/dev/null 2>&1; then t="timeout 3"; fi

master=""
for peer in $SENTINELS; do
    [ "$peer" = "$ANNOUNCE_HOST:$SENTINEL_PORT" ] && continue
    out=$($t redis-cli -h "${peer%:*}" -p "${peer##*:}" --raw \
          SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null) || continue
    host=$(printf '%s\n' "$out" | sed -n 1p)
    port=$(printf '%s\n' "$out" | sed -n 2p)
    case "$port" in ''|*[!0-9]*) continue ;; esac
    [ -n "$host" ] && master="$host $port" && break
done
if [ -z "$master" ]; then
    master="${FALLBACK_MASTER%:*} ${FALLBACK_MASTER##*:}"
    echo "sentinel-init: no peer answers (first bootstrap): monitoring $master"
fi
set -- $master

sed -e "s|@BIND@|$BIND|g" -e "s|@SENTINEL_PORT@|$SENTINEL_PORT|g" \
    -e "s|@SENTINEL_DIR@|$SENTINEL_DIR|g" -e "s|@ANNOUNCE_HOST@|$ANNOUNCE_HOST|g" \
    -e "s|@MASTER_NAME@|$MASTER_NAME|g" -e "s|@MASTER_HOST@|$1|g" -e "s|@MASTER_PORT@|$2|g" \
    -e "s|@QUORUM@|$QUORUM|g" -e "s|@DOWN_AFTER_MS@|$DOWN_AFTER_MS|g" \
    -e "s|@FAILOVER_TIMEOUT_MS@|$FAILOVER_TIMEOUT_MS|g" -e "s|@PARALLEL_SYNCS@|$PARALLEL_SYNCS|g" \
    "$TEMPLATE" > "$conf.tmp"
if grep -q '@[A-Z_][A-Z_]*@' "$conf.tmp"; then
    echo "sentinel-init: unfilled placeholder in $conf.tmp" >&2
    exit 1
fi
mv "$conf.tmp" "$conf"
