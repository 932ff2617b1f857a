#!/usr/bin/env bash
# t_workers.sh -- [server] workers = 2: two threads with their own
# SO_REUSEPORT sockets. Queries over UDP and TCP from many source ports are
# all answered right, both workers take some (per-worker counters in
# /metrics), a reload reaches both, the counters add up, and with query_log
# on no two log lines run into each other.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

MPORT=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || die "no free port for metrics"

# conf ADDRESS: pool01.contoso.com has ADDRESS.
conf() {
	cat <<CONF
[server]
workers = 2
metrics = 127.0.0.1:$MPORT
query_log = yes
query_log_sample = 7
[domain contoso.com]
pool = pool01.contoso.com
[host pool01.contoso.com]
address = $1
[host ns1.contoso.com]
address = 10.0.0.2
CONF
}
conf 10.0.0.10 | write_conf
start_daemon
ok_if "the start-up line says 2 workers" \
    grep -qE 'serving 1 zones .*, 2 workers$' "$DAEMON_LOG"
# The start-up line is said before any worker can answer: start_daemon's
# probe, when the sample logs it, comes after it.
ok_if "the start-up line comes before the first query line" \
    awk '/: serving 1 zones /{s=NR} / query /{if(!q)q=NR} END{exit !(s && (!q || s<q))}' \
    "$DAEMON_LOG"

# clients ADDRESS UDP_SOCKETS TCP_CONNECTIONS: each UDP socket (a source
# port of its own) asks 5 times, each TCP connection pipelines 5 queries;
# every answer must be pool01.contoso.com A ADDRESS. Prints the counts.
clients() {
	python3 - "$PORT" "$1" "$2" "$3" <<'PY'
import socket, struct, sys, threading

port, want, nudp, ntcp = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
QNAME = b"".join(bytes([len(l)]) + l for l in b"pool01.contoso.com".split(b".")) + b"\0"

def query(qid):
    return struct.pack(">6H", qid, 0, 1, 0, 0, 0) + QNAME + struct.pack(">HH", 1, 1)

def addrs(m):
    an = struct.unpack(">H", m[6:8])[0]
    i = 12 + len(QNAME) + 4
    out = []
    for _ in range(an):
        i += 2 if m[i] & 0xC0 == 0xC0 else 0
        t, c, ttl, rdlen = struct.unpack(">HHIH", m[i:i + 10])
        if t == 1:
            out.append(socket.inet_ntoa(m[i + 10:i + 10 + rdlen]))
        i += 10 + rdlen
    return out

res = {"ok": 0, "bad": []}
lock = threading.Lock()

def note(qid, m):
    with lock:
        if m is not None and struct.unpack(">H", m[:2])[0] == qid and addrs(m) == [want]:
            res["ok"] += 1
        else:
            res["bad"].append(qid)

def udp(k):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    for j in range(5):
        qid = k * 8 + j
        s.sendto(query(qid), ("127.0.0.1", port))
        try:
            m = s.recv(4096)
        except socket.timeout:
            m = None
        note(qid, m)
    s.close()

def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            return None
        b += c
    return b

def tcp(k):
    qids = [30000 + k * 8 + j for j in range(5)]
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
        s.sendall(b"".join(struct.pack(">H", len(query(q))) + query(q) for q in qids))
        for q in qids:
            ln = recv_exact(s, 2)
            note(q, recv_exact(s, struct.unpack(">H", ln)[0]) if ln else None)
        s.close()
    except OSError:
        for q in qids:
            note(q, None)

ts = [threading.Thread(target=udp, args=(k,)) for k in range(nudp)]
ts += [threading.Thread(target=tcp, args=(k,)) for k in range(ntcp)]
for i in range(0, len(ts), 10):
    for t in ts[i:i + 10]:
        t.start()
    for t in ts[i:i + 10]:
        t.join()
total = 5 * (nudp + ntcp)
print("answered right: %d of %d" % (res["ok"], total))
sys.exit(0 if res["ok"] == total else 1)
PY
}

# metric NAME: its value in /metrics.
metric() {
	python3 - "$MPORT" "$1" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
                              timeout=3).read().decode()
for line in body.splitlines():
    k, _, v = line.rpartition(" ")
    if k == sys.argv[2]:
        print(v)
PY
}

clients 10.0.0.10 40 20
ok_if "200 UDP queries from 40 ports and 100 over 20 TCP connections answered right" [ $? = 0 ]
w0=$(metric 'ocsdnsd_worker_queries_total{worker="0"}')
w1=$(metric 'ocsdnsd_worker_queries_total{worker="1"}')
e2e_log "worker 0: ${w0:-?} queries, worker 1: ${w1:-?}"
ok_if "both workers answered some" [ "${w0:-0}" -gt 0 -a "${w1:-0}" -gt 0 ]
udp=$(metric 'ocsdnsd_queries_total{transport="udp"}')
tcp=$(metric 'ocsdnsd_queries_total{transport="tcp"}')
ok_if "the counters add up over the workers" \
    [ "$((${udp:-0} + ${tcp:-0}))" = "$((${w0:-0} + ${w1:-0}))" ]
ok_if "the probe and the 300 queries are counted" [ "${tcp:-0}" = 100 -a "${udp:-0}" -ge 200 ]

# A reload: once 'reloaded' is logged, every worker answers the new data.
conf 10.0.0.99 | write_conf
kill -HUP "$DAEMON_PID"
wait_reloaded() {
	local deadline=$((SECONDS + 10))
	until grep -q 'reloaded ' "$DAEMON_LOG" || [ "$SECONDS" -ge "$deadline" ]; do
		sleep 0.05
	done
	grep -q 'reloaded ' "$DAEMON_LOG"
}
ok_if "the reload is done" wait_reloaded
clients 10.0.0.99 40 20
ok_if "after the reload every worker answers the new address" [ $? = 0 ]
n0=$(metric 'ocsdnsd_worker_queries_total{worker="0"}')
n1=$(metric 'ocsdnsd_worker_queries_total{worker="1"}')
e2e_log "after the reload: worker 0: $((${n0:-0} - ${w0:-0})) queries, worker 1: $((${n1:-0} - ${w1:-0}))"
ok_if "both workers answered after the reload" \
    [ "${n0:-0}" -gt "${w0:-0}" -a "${n1:-0}" -gt "${w1:-0}" ]
ok_if "one reload counted" [ "$(metric 'ocsdnsd_reloads_total{result="ok"}')" = 1 ]

# CHAOS stats.ocsdnsd adds up every worker's counters too (the metrics
# listener turns it on).
q stats.ocsdnsd CH TXT
expect_rr_re ANSWER '"tcp=200"'

# Query log lines from two threads: each one whole.
stop_daemon
ok_if "a clean stop" [ $? = 0 ]
ok_if "every query log line is whole" eval '! grep "query " "$DAEMON_LOG" |
    grep -vqE "^ocsdnsd: query [0-9.]+#[0-9]+ [^ ]+ (udp|tcp) [^ ]+ (IN|CH) [A-Z]+ [A-Z]+ [0-9]+ [a-z,-]+ [0-9]+us$"'
ok_if "some queries were logged" grep -q 'ocsdnsd: query ' "$DAEMON_LOG"
finish
