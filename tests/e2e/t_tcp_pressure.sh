#!/usr/bin/env bash
# t_tcp_pressure.sh -- TCP under pressure: the cap holds, idle/half-open/incomplete-query timeouts, slow writers, a never-reading pipeliner, running out of descriptors; UDP answers throughout and nothing leaks.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# A host with 250 AAAA records: a ~7 kB answer, so that 5,000 unread
# answers (35 MB) would show in the daemon's memory if it buffered them.
big_host() {
	local i
	printf '[host big.contoso.com]\n'
	for i in $(seq 1 250); do
		printf 'address = 2001:db8::%x\n' "$i"	# repeated: appends
	done
}

write_pressure_conf() {	# write_pressure_conf TCP_MAX_CLIENTS
	{
		cat <<EOF
[server]
tcp_timeout = 4
tcp_max_clients = $1

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2

EOF
		big_host
	} >"$CONF"
}

# pressure.py MODE PORT TMPD PID: the clients. Results are "KEY value"
# lines; every wait is bounded.
cat >"$TMPD/pressure.py" <<'EOF'
import os, socket, struct, sys, threading, time
sys.path.insert(0, sys.argv[3])
from raw import hdr, question, summary, recv_exact

MODE, PORT, PID = sys.argv[1], int(sys.argv[2]), int(sys.argv[4])

def frame(msg):
    return struct.pack("!H", len(msg)) + msg

def connect(timeout=3):
    return socket.create_connection(("127.0.0.1", PORT), timeout=timeout)

def nfds():
    return len(os.listdir("/proc/%d/fd" % PID))

def rss_kb():
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

def cpu_ticks():
    with open("/proc/%d/stat" % PID) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime + stime

def udp_ok(qid=900):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(1)
    try:
        u.sendto(hdr(id=qid) + question("contoso.com", 6), ("127.0.0.1", PORT))
        return u.recv(65535)[:2] == struct.pack("!H", qid)
    except OSError:
        return False
    finally:
        u.close()

def wait_closed(s, limit):
    """Seconds until the peer closes, or None if still open after limit."""
    t0 = time.monotonic()
    s.settimeout(limit)
    try:
        while s.recv(65536):
            if time.monotonic() - t0 > limit:
                return None
    except socket.timeout:
        return None
    except (ConnectionResetError, BrokenPipeError):
        pass
    return time.monotonic() - t0

def out(key, value):
    print("%s %s" % (key, value), flush=True)

if MODE == "cap":
    # 30 clients, each sends a query at once; only tcp_max_clients (8) are
    # accepted, the others wait in the listen queue unanswered.
    base = nfds()
    socks = []
    for i in range(30):
        s = connect()
        s.sendall(frame(hdr(id=1000 + i) + question("contoso.com", 6)))
        socks.append(s)
    time.sleep(1.0)
    answered = 0
    for s in socks:
        s.settimeout(0.05)
        try:
            r = s.recv(65535)
            if len(r) > 2:
                answered += 1
        except (socket.timeout, ConnectionResetError):
            pass
    out("ANSWERED", answered)
    out("FDS_HELD", nfds() - base)
    out("UDP_DURING", "ok" if udp_ok() else "FAIL")
    for s in socks:
        s.close()

elif MODE == "timeouts":
    # all at once, in threads: an idle client, a client that sends half a
    # frame, one that sends a query and its FIN but never reads, a slow
    # writer (a byte per 100 ms) and a trickler (a byte per second, whose
    # query would take 30 s: the per-query deadline closes it).
    q = frame(hdr(id=2001) + question("contoso.com", 6))
    res = {}

    def idle():
        s = connect()
        res["IDLE"] = wait_closed(s, 8)

    def half_frame():
        s = connect()
        s.sendall(q[:len(q) // 2])
        res["HALF_FRAME"] = wait_closed(s, 8)

    def fin_no_read():
        s = connect()
        s.sendall(q)
        s.shutdown(socket.SHUT_WR)
        time.sleep(0.5)
        # the answer is there, then the server's FIN
        s.settimeout(3)
        data = b""
        try:
            while True:
                chunk = s.recv(65535)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            res["FIN"] = "OPEN"
            return
        res["FIN"] = "ANSWERED+CLOSED" if len(data) > 2 else "CLOSED-NO-ANSWER"

    def slow_writer():
        s = connect()
        t0 = time.monotonic()
        for b in q:
            s.sendall(bytes([b]))
            time.sleep(0.1)
        s.settimeout(3)
        try:
            ln = recv_exact(s, 2)
            r = recv_exact(s, struct.unpack("!H", ln)[0]) if ln else None
        except (socket.timeout, ConnectionResetError):
            r = None
        res["SLOW_WRITER"] = ("answered after %.1f s: %s" %
                              (time.monotonic() - t0, summary(r))) if r else "NO-ANSWER"

    def trickler():
        s = connect()
        t0 = time.monotonic()
        try:
            for b in q:
                s.sendall(bytes([b]))
                s.settimeout(1.0)
                try:
                    if s.recv(512) == b"":
                        res["TRICKLER"] = time.monotonic() - t0
                        return
                except socket.timeout:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            res["TRICKLER"] = time.monotonic() - t0
            return
        res["TRICKLER"] = None

    threads = [threading.Thread(target=f) for f in
               (idle, half_frame, fin_no_read, slow_writer, trickler)]
    for t in threads:
        t.start()
    udp_fail = 0
    while any(t.is_alive() for t in threads):
        if not udp_ok():
            udp_fail += 1
        time.sleep(0.2)
    for k in ("IDLE", "HALF_FRAME", "TRICKLER"):
        v = res.get(k)
        out(k, "OPEN" if v is None else "CLOSED %.1f" % v)
    out("FIN", res.get("FIN"))
    out("SLOW_WRITER", res.get("SLOW_WRITER"))
    out("UDP_FAILURES", udp_fail)

elif MODE == "noread":
    # 5,000 pipelined queries for the 7 kB answer, never reading a byte.
    rss0 = rss_kb()
    q = b"".join(frame(hdr(id=i & 0xffff) + question("big.contoso.com", 28))
                 for i in range(5000))
    s = connect()
    s.setblocking(False)
    sent, peak, udp_fail, udp_n = 0, rss0, 0, 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < 3.0:
        if sent < len(q):
            try:
                sent += s.send(q[sent:sent + 65536])
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
        peak = max(peak, rss_kb())
        udp_n += 1
        if not udp_ok(3000 + udp_n):
            udp_fail += 1
        time.sleep(0.05)
    out("QUERIES_SENT", sent // len(frame(hdr() + question("big.contoso.com", 28))))
    out("RSS_GROWTH_KB", peak - rss0)
    out("UDP_DURING", "%d of %d failed" % (udp_fail, udp_n))
    # the write timeout (tcp_timeout, 4 s) ends it: no progress is made
    closed = None
    t1 = time.monotonic()
    while time.monotonic() - t1 < 8:
        try:
            s.send(b"\0")
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            closed = time.monotonic() - t0
            break
        time.sleep(0.2)
    out("NOREAD", "OPEN" if closed is None else "CLOSED %.1f" % closed)
    s.close()

elif MODE == "fds":
    out("FDS", nfds())

elif MODE == "emfile":
    # More clients than the daemon has descriptors: accept fails (EMFILE).
    socks = []
    for i in range(60):
        try:
            socks.append(connect(timeout=1))
        except OSError:
            pass
    time.sleep(0.5)
    c0, t0 = cpu_ticks(), time.monotonic()
    udp_fail = 0
    for i in range(15):
        if not udp_ok(4000 + i):
            udp_fail += 1
        time.sleep(0.2)
    ticks = cpu_ticks() - c0
    hz = os.sysconf("SC_CLK_TCK")
    out("CONNECTED", len(socks))
    out("CPU_MS", int(ticks * 1000 / hz))
    out("WALL_MS", int((time.monotonic() - t0) * 1000))
    out("UDP_FAILURES", udp_fail)
    for s in socks:
        s.close()
    # recovery: TCP answers again within a few seconds
    t0 = time.monotonic()
    ok = False
    while time.monotonic() - t0 < 6 and not ok:
        try:
            s = connect(timeout=1)
            s.sendall(frame(hdr(id=4242) + question("contoso.com", 6)))
            ln = recv_exact(s, 2)
            ok = ln is not None
            s.close()
        except OSError:
            time.sleep(0.3)
    out("RECOVERED", "yes %.1f" % (time.monotonic() - t0) if ok else "no")
EOF

RES=
pressure() {	# pressure MODE: the results go to $RES
	LASTQ="pressure.py $1"
	RES=$(timeout 60 python3 "$TMPD/pressure.py" "$1" "$PORT" "$TMPD" "$DAEMON_PID" 2>&1)
	OUT=$RES
	OUT_SHOWN=0
}

res() {	# res KEY: the value of that line of $RES
	printf '%s\n' "$RES" | sed -n "s/^$1 //p" | head -n 1
}

# between VALUE LOW HIGH: a number within bounds
# shellcheck disable=SC2317 # called through ok_if
between() {
	python3 -c 'import sys
try:
    v = float(sys.argv[1])
except ValueError:
    sys.exit(1)
sys.exit(not (float(sys.argv[2]) <= v <= float(sys.argv[3])))' "$1" "$2" "$3"
}

# shellcheck disable=SC2317 # called through ok_if
closed_within() {	# closed_within "CLOSED x.y" LOW HIGH
	case "$1" in
	"CLOSED "*) between "${1#CLOSED }" "$2" "$3" ;;
	*) return 1 ;;
	esac
}

fd_count() {
	find "/proc/$DAEMON_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# wait_fds N: the daemon's descriptor count comes back to N (within 10 s)
# shellcheck disable=SC2317 # called through ok_if
wait_fds() {
	for _ in $(seq 1 50); do
		[ "$(fd_count)" -eq "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# ================= tcp_max_clients = 8, tcp_timeout = 4
write_pressure_conf 8
start_daemon
expect_alive
q +tcp big.contoso.com AAAA
expect_status NOERROR
expect_count ANSWER 250
BASE_FDS=$(fd_count)

# ---- the cap: 30 clients at once, 8 served, UDP unaffected
pressure cap
v=$(res ANSWERED)
ok_if "cap: exactly tcp_max_clients = 8 of 30 clients answered at once (got '$v')" test "$v" = 8
v=$(res FDS_HELD)
ok_if "cap: the daemon holds at most 8 more descriptors (got '$v')" between "$v" 0 8
ok_if "cap: UDP answers meanwhile" test "$(res UDP_DURING)" = ok
ok_if "cap: descriptors back to $BASE_FDS after the clients leave" wait_fds "$BASE_FDS"
expect_alive

# ---- timeouts: idle, half a frame, FIN without reading, slow writer, trickler
pressure timeouts
ok_if "idle client closed after tcp_timeout (4 s): $(res IDLE)" closed_within "$(res IDLE)" 3 6.5
ok_if "half a frame, then silence: closed after 4 s: $(res HALF_FRAME)" closed_within "$(res HALF_FRAME)" 3 6.5
ok_if "a query trickled a byte a second: closed by the per-query deadline: $(res TRICKLER)" closed_within "$(res TRICKLER)" 3 7.5
ok_if "query + FIN, reading late: answered, then closed ($(res FIN))" test "$(res FIN)" = ANSWERED+CLOSED
v=$(res SLOW_WRITER)
case "$v" in
"answered after "*"qr=1 "*"rcode=0 "*"an=1 "*) pass "slow writer (a byte per 100 ms) answered: $v" ;;
*) fail "slow writer (a byte per 100 ms) must be answered: $v" ;;
esac
ok_if "UDP answered throughout the timeouts ($(res UDP_FAILURES) failures)" test "$(res UDP_FAILURES)" = 0
ok_if "timeouts: descriptors back to $BASE_FDS" wait_fds "$BASE_FDS"

# ---- a never-reading client pipelines 5,000 queries for a 7 kB answer
pressure noread
v=$(res QUERIES_SENT)
ok_if "noread: the client got its queries out ($v)" between "$v" 1 5000
v=$(res RSS_GROWTH_KB)
ok_if "noread: the daemon's memory stays bounded (VmRSS +$v kB, limit 20 MB)" between "$v" -1000000 20480
ok_if "noread: UDP answered meanwhile ($(res UDP_DURING))" \
    eval 'case "$(res UDP_DURING)" in "0 of "*) true ;; *) false ;; esac'
ok_if "noread: closed by the write timeout: $(res NOREAD)" closed_within "$(res NOREAD)" 3 12
ok_if "noread: descriptors back to $BASE_FDS" wait_fds "$BASE_FDS"
expect_alive
q +tcp big.contoso.com AAAA
expect_count ANSWER 250
ok_if "after all of it: descriptors back to $BASE_FDS" wait_fds "$BASE_FDS"
stop_daemon

# ================= out of descriptors (RLIMIT_NOFILE 32), tcp_max_clients 100
if [ -n "$OCSDNSD_WRAPPER" ]; then
	e2e_log "note: OCSDNSD_WRAPPER is set: skipping the descriptor exhaustion part"
	finish
fi
command -v prlimit >/dev/null 2>&1 || die "prlimit (util-linux) is not installed"
write_pressure_conf 100
OCSDNSD_WRAPPER="prlimit --nofile=32:32 --"
start_daemon
OCSDNSD_WRAPPER=
ok_if "emfile: the limit applies ($(sed -n 's/^Max open files *//p' "/proc/$DAEMON_PID/limits"))" \
    grep -qE '^Max open files +32 +32 ' "/proc/$DAEMON_PID/limits"
BASE_FDS=$(fd_count)
pressure emfile
ok_if "emfile: the clients connected ($(res CONNECTED) of 60, the rest wait in the backlog)" between "$(res CONNECTED)" 32 60
ok_if "emfile: UDP answered throughout ($(res UDP_FAILURES) failures)" test "$(res UDP_FAILURES)" = 0
ok_if "emfile: no busy loop: $(res CPU_MS) ms of CPU in $(res WALL_MS) ms" between "$(res CPU_MS)" 0 500
n=$(grep -c 'accept: Too many open files' "$DAEMON_LOG")
ok_if "emfile: the accept error is logged, rate limited (at most one a second: 1..8 lines in ~5 s, got $n)" between "$n" 1 8
ok_if "emfile: TCP recovers when clients leave ($(res RECOVERED))" \
    eval 'case "$(res RECOVERED)" in yes*) true ;; *) false ;; esac'
ok_if "emfile: descriptors back to $BASE_FDS" wait_fds "$BASE_FDS"
expect_alive

finish
