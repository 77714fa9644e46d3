#!/bin/sh
# haproxy-init.sh: render haproxy.cfg from its template; the line with @SERVER_NAME@ (the
# template's last line) is written once per entry of SERVERS. Used by the redis-haproxy
# Deployment and by the local lab.
# Environment: TEMPLATE CONF RUN_DIR BIND HAPROXY_PORT CHECK_TIMEOUT_MS CHECK_INTER_MS
#   CHECK_FALL CHECK_RISE SERVERS ("name=host:port ...").
set -eu
if [ "$(tail -n 1 "$TEMPLATE" | grep -c '@SERVER_NAME@')" != 1 ]; then
    echo "haproxy-init: the @SERVER_NAME@ line must be the last line of $TEMPLATE" >&2
    exit 1
fi
fill() {
    sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@BIND@|$BIND|g" -e "s|@HAPROXY_PORT@|$HAPROXY_PORT|g" \
        -e "s|@CHECK_TIMEOUT_MS@|$CHECK_TIMEOUT_MS|g" -e "s|@CHECK_INTER_MS@|$CHECK_INTER_MS|g" \
        -e "s|@CHECK_FALL@|$CHECK_FALL|g" -e "s|@CHECK_RISE@|$CHECK_RISE|g"
}
sed '$d' "$TEMPLATE" | fill > "$CONF.tmp"
for s in $SERVERS; do
    tail -n 1 "$TEMPLATE" | sed -e "s|@SERVER_NAME@|${s%%=*}|g" -e "s|@SERVER_ADDR@|${s#*=}|g" \
        | fill >> "$CONF.tmp"
done
if grep -q '@[A-Z_][A-Z_]*@' "$CONF.tmp"; then
    echo "haproxy-init: unfilled placeholder in $CONF.tmp" >&2
    exit 1
fi
mv "$CONF.tmp" "$CONF"
