#!/bin/sh
# redis-init.sh: render redis.conf from its template and make this instance a replica of the
# master the Sentinels name now (SENTINEL get-master-addr-by-name). Only at the first bootstrap
# of this instance (no marker in DATA_DIR) and when no Sentinel answers does it fall back to
# FALLBACK_MASTER (redis-0). Run by the init container of the redis StatefulSet and, with the
# same environment variables, by the local lab (hakit.lab.redis_sentinel).
# Environment: TEMPLATE CONF DATA_DIR BIND REDIS_PORT ANNOUNCE_HOST APPENDONLY
#   MIN_REPLICAS_TO_WRITE MIN_REPLICAS_MAX_LAG MASTER_NAME SENTINELS ("host:port ...")
#   FALLBACK_MASTER ("host:port"); optional ASK_ATTEMPTS (30) ASK_INTERVAL (2 s).
set -eu
marker="$DATA_DIR/.hakit-bootstrapped"
t=""
if command -v timeout >/dev/null 2>&1; then t="timeout 3"; fi

# Print "host port" that most answering Sentinels name as master; fail if none answers.
ask_sentinels() {
    answers=""
    for peer in $SENTINELS; do
        out=$($t redis-cli -h "${peer%:*}" -p "${peer##*:}" --raw \
              SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null) || continue
        host=$(printf '%s\n' "$out" | sed -n 1p)
        port=$(printf '%s\n' "$out" | sed -n 2p)
        case "$port" in ''|*[!0-9]*) continue ;; esac
        [ -n "$host" ] || continue
        answers="$answers$host $port
"
    done
    [ -n "$answers" ] || return 1
    printf '%s' "$answers" | sort | uniq -c | sort -rn | sed -n '1s/^ *[0-9]* //p'
}

attempt=1
while ! master=$(ask_sentinels); do
    if [ ! -e "$marker" ]; then
        master="${FALLBACK_MASTER%:*} ${FALLBACK_MASTER##*:}"
        echo "redis-init: no Sentinel answers and this is the first bootstrap: master = $master"
        break
    fi
    if [ "$attempt" -ge "${ASK_ATTEMPTS:-30}" ]; then
        echo "redis-init: no Sentinel answered after $attempt attempts; not guessing a master" >&2
        exit 1
    fi
    attempt=$((attempt + 1))
    sleep "${ASK_INTERVAL:-2}"
done
set -- $master

sed -e "s|@BIND@|$BIND|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
    -e "s|@ANNOUNCE_HOST@|$ANNOUNCE_HOST|g" -e "s|@APPENDONLY@|$APPENDONLY|g" \
    -e "s|@MIN_REPLICAS_TO_WRITE@|$MIN_REPLICAS_TO_WRITE|g" \
    -e "s|@MIN_REPLICAS_MAX_LAG@|$MIN_REPLICAS_MAX_LAG|g" "$TEMPLATE" > "$CONF.tmp"
if [ "$1" = "$ANNOUNCE_HOST" ] && [ "$2" = "$REDIS_PORT" ]; then
    echo "redis-init: this instance is the master ($1 $2)"
else
    echo "replicaof $1 $2" >> "$CONF.tmp"
    echo "redis-init: replica of $1 $2"
fi
if grep -q '@[A-Z_][A-Z_]*@' "$CONF.tmp"; then
    echo "redis-init: unfilled placeholder in $CONF.tmp" >&2
    exit 1
fi
mv "$CONF.tmp" "$CONF"
touch "$marker"
