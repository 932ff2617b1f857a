#!/usr/bin/env bash
# t_ops.sh -- operations: query log (and sampling), /metrics counters, reload counters, SIGUSR1, CHAOS stats.ocsdnsd.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# A free TCP port on 127.0.0.1 for the metrics listener.
MPORT=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || die "no free port for metrics"

# conf "[server] lines" : one domain, two views (127.0.0.1 inside, the rest
# outside), replaced atomically.
conf() {
	{
		printf '[server]\n'
		printf '%s\n' "$@"
		cat <<'EOF'

[view internal]
match = 127.0.0.1

[view external]
match = any
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10
EOF
	} >"$CONF.new"
	mv "$CONF.new" "$CONF"
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.1
	done
	"$@"
}

log_has() {
	grep -qE -- "$1" "$DAEMON_LOG"
}

log_count() {
	grep -cE -- "$1" "$DAEMON_LOG"
}

# http PATH: "STATUS\nCONTENT-TYPE\nBODY" of GET http://127.0.0.1:MPORT/PATH.
http() {
	python3 - "$MPORT" "$1" <<'EOF'
import sys, urllib.request, urllib.error
url = "http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2])
try:
    r = urllib.request.urlopen(url, timeout=3)
    code, ctype, body = r.status, r.headers.get("Content-Type", ""), r.read()
except urllib.error.HTTPError as e:
    code, ctype, body = e.code, e.headers.get("Content-Type", ""), e.read()
except OSError as e:
    code, ctype, body = 0, "", str(e).encode()
print(code)
print(ctype)
sys.stdout.write(body.decode("utf-8", "replace"))
EOF
}

MET=
fetch_metrics() {
	MET=$(http /metrics | tail -n +3)
}

# metric 'name{labels}': its value in the last fetch (empty when absent).
metric() {
	printf '%s\n' "$MET" | awk -v k="$1" '$1 == k { print $2 }'
}

declare -A BASE
# expect_delta 'name{labels}' N: grew by N since the baseline.
expect_delta() {
	local now base=${BASE[$1]:-0}
	now=$(metric "$1")
	if [ -n "$now" ] && [ $((now - base)) -eq "$2" ]; then
		pass "$1 +$2"
	else
		LASTQ=
		fail "$1: expected +$2 from $base, got '${now:-absent}'"
	fi
}

KEYS='ocsdnsd_queries_total{transport="udp"}
ocsdnsd_queries_total{transport="tcp"}
ocsdnsd_responses_total{rcode="NOERROR"}
ocsdnsd_responses_total{rcode="NXDOMAIN"}
ocsdnsd_responses_total{rcode="REFUSED"}
ocsdnsd_responses_total{rcode="FORMERR"}
ocsdnsd_queries_by_type_total{qtype="A"}
ocsdnsd_queries_by_type_total{qtype="SRV"}
ocsdnsd_queries_by_type_total{qtype="SOA"}
ocsdnsd_queries_by_type_total{qtype="MX"}
ocsdnsd_queries_by_view_total{view="internal"}
ocsdnsd_queries_by_view_total{view="external"}
ocsdnsd_nodata_total
ocsdnsd_dropped_total'

# ---------------------------------------------------------------- metrics and the query log
conf "query_log = yes" "metrics = 127.0.0.1:$MPORT"
start_daemon
ok_if "the log says where the metrics are" \
    log_has "metrics on http://127\\.0\\.0\\.1:$MPORT/metrics"

fetch_metrics
for k in $KEYS; do
	BASE[$k]=$(metric "$k")
done

q _sip._tls.contoso.com SRV
expect_status NOERROR
q -b 127.0.0.2 nope.contoso.com A
expect_status NXDOMAIN
q +tcp pool01.contoso.com MX
expect_status NOERROR
q example.org A
expect_status REFUSED
q CoNtOsO.cOm SOA
expect_status NOERROR
raw_udp 'hdr(qr=1) + question("contoso.com", 6)'
expect_raw_timeout

fetch_metrics
expect_delta 'ocsdnsd_queries_total{transport="udp"}' 5
expect_delta 'ocsdnsd_queries_total{transport="tcp"}' 1
expect_delta 'ocsdnsd_responses_total{rcode="NOERROR"}' 3
expect_delta 'ocsdnsd_responses_total{rcode="NXDOMAIN"}' 1
expect_delta 'ocsdnsd_responses_total{rcode="REFUSED"}' 1
expect_delta 'ocsdnsd_responses_total{rcode="FORMERR"}' 0
expect_delta 'ocsdnsd_queries_by_type_total{qtype="A"}' 2
expect_delta 'ocsdnsd_queries_by_type_total{qtype="SRV"}' 1
expect_delta 'ocsdnsd_queries_by_type_total{qtype="SOA"}' 1
expect_delta 'ocsdnsd_queries_by_type_total{qtype="MX"}' 1
expect_delta 'ocsdnsd_queries_by_view_total{view="internal"}' 4
expect_delta 'ocsdnsd_queries_by_view_total{view="external"}' 1
expect_delta 'ocsdnsd_nodata_total' 1
expect_delta 'ocsdnsd_dropped_total' 1
ok_if "metrics: # TYPE line for queries" \
    grep -qxF '# TYPE ocsdnsd_queries_total counter' <<<"$MET"
ok_if "metrics: # HELP line for responses" \
    grep -q '^# HELP ocsdnsd_responses_total ' <<<"$MET"
ok_if "metrics: ocsdnsd_zones 1" grep -qxF 'ocsdnsd_zones 1' <<<"$MET"
ok_if "metrics: a serial" grep -qE '^ocsdnsd_serial [1-9][0-9]*$' <<<"$MET"
ok_if "metrics: a start time" \
    grep -qE '^ocsdnsd_start_time_seconds [1-9][0-9]{8,}$' <<<"$MET"
ok_if "metrics: tcp connections gauge" \
    grep -qE '^ocsdnsd_tcp_connections [0-9]+$' <<<"$MET"

RESP=$(http /metrics)
ok_if "GET /metrics is 200" test "$(sed -n 1p <<<"$RESP")" = 200
ok_if "/metrics is Prometheus text" \
    grep -q '^text/plain; version=0.0.4' <<<"$(sed -n 2p <<<"$RESP")"
RESP=$(http /)
ok_if "GET / is 404" test "$(sed -n 1p <<<"$RESP")" = 404
RESP=$(http /metricsx)
ok_if "GET /metricsx is 404" test "$(sed -n 1p <<<"$RESP")" = 404

L='^ocsdnsd: query '
ok_if "query log: SRV line" log_has \
    "${L}127\\.0\\.0\\.1#[0-9]+ internal udp _sip\\._tls\\.contoso\\.com\\. IN SRV NOERROR [0-9]+ aa [0-9]+us\$"
ok_if "query log: NXDOMAIN from the external view" log_has \
    "${L}127\\.0\\.0\\.2#[0-9]+ external udp nope\\.contoso\\.com\\. IN A NXDOMAIN [0-9]+ aa [0-9]+us\$"
ok_if "query log: TCP MX (NODATA)" log_has \
    "${L}127\\.0\\.0\\.1#[0-9]+ internal tcp pool01\\.contoso\\.com\\. IN MX NOERROR [0-9]+ aa [0-9]+us\$"
ok_if "query log: REFUSED without aa" log_has \
    "${L}127\\.0\\.0\\.1#[0-9]+ internal udp example\\.org\\. IN A REFUSED [0-9]+ - [0-9]+us\$"
ok_if "query log: the name as asked (0x20)" log_has \
    "${L}127\\.0\\.0\\.1#[0-9]+ internal udp CoNtOsO\\.cOm\\. IN SOA NOERROR"
ok_if "query log: a dropped message" log_has \
    "${L}127\\.0\\.0\\.1#[0-9]+ - udp - - - DROPPED 0 - [0-9]+us\$"

# ---------------------------------------------------------------- CHAOS and SIGUSR1
q stats.ocsdnsd CH TXT
expect_status NOERROR
expect_flag aa
expect_rr_re ANSWER '^stats\.ocsdnsd\. 0 CH TXT "queries=[0-9]+" "udp=[0-9]+" "tcp=[0-9]+" "noerror=[0-9]+" .*"nxdomain=[0-9]+" '

kill -USR1 "$DAEMON_PID"
ok_if "SIGUSR1: queries by transport" wait_for 5 log_has \
    '^ocsdnsd: stats: queries udp=[0-9]+ tcp=1; zones=1 records=[0-9]+ '
ok_if "SIGUSR1: responses by rcode" log_has \
    '^ocsdnsd: stats: responses NOERROR=[0-9]+ FORMERR=0 .*NXDOMAIN=1 .*REFUSED=[0-9]+'
ok_if "SIGUSR1: views" log_has \
    '^ocsdnsd: stats: views internal=[0-9]+ external=1$'
ok_if "SIGUSR1: the rest" log_has \
    '^ocsdnsd: stats: nodata=1 dropped=1 truncated=0 .*reloads_ok=0 reloads_failed=0 rrl_dropped=0 rrl_slipped=0$'

# ---------------------------------------------------------------- reloads and sampling
conf "query_log = yes" "query_log_sample = 5" "metrics = 127.0.0.1:$MPORT"
kill -HUP "$DAEMON_PID"
# shellcheck disable=SC2317 # called through wait_for
reloads_are() {
	fetch_metrics
	[ "$(metric 'ocsdnsd_reloads_total{result="ok"}')" = "$1" ] &&
	    [ "$(metric 'ocsdnsd_reloads_total{result="failed"}')" = "$2" ]
}
ok_if "reload ok counted" wait_for 5 reloads_are 1 0

before=$(log_count "$L")
for i in $(seq 1 20); do
	dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +short "h$i.contoso.com" A >/dev/null
done
logged=$(($(log_count "$L") - before))
ok_if "query_log_sample = 5 logs 4 of 20 queries (got $logged)" \
    test "$logged" -ge 3 -a "$logged" -le 5

echo '[server' >"$CONF"
kill -HUP "$DAEMON_PID"
ok_if "failed reload counted" wait_for 5 reloads_are 1 1
ok_if "the daemon says why" log_has 'has errors, not reloading'
expect_alive
stop_daemon

# ---------------------------------------------------------------- CHAOS stats off by default
conf "query_log = no"
start_daemon
q stats.ocsdnsd CH TXT
expect_status REFUSED
expect_count ANSWER 0
ok_if "query_log = no logs no query" test "$(log_count "$L")" -eq 0
conf "chaos_stats = yes"
kill -HUP "$DAEMON_PID"
# shellcheck disable=SC2317 # called through wait_for
chaos_answers() {
	q stats.ocsdnsd CH TXT
	[ "$(out_status)" = NOERROR ]
}
ok_if "chaos_stats = yes answers stats.ocsdnsd" wait_for 5 chaos_answers
expect_rr_re ANSWER '"reloads=1"'
ok_if "no metrics listener without [server] metrics" \
    test "$(http /metrics | head -n 1)" = 0

finish
