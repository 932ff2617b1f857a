#!/usr/bin/env bash
# t_tcp.sh -- DNS over TCP (RFC 7766): framing, several and pipelined queries, partial writes, idle timeout, the cap.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# tcp.py MODE PORT: TCP clients built on raw.py. Every reply is printed as
# raw.py's one-line summary; other lines start with a word in capitals.
cat >"$TMPD/tcp.py" <<'EOF'
import socket, struct, sys, time
sys.path.insert(0, sys.argv[3])
from raw import hdr, question, summary, recv_exact

PORT = int(sys.argv[2])

def frame(msg):
    return struct.pack("!H", len(msg)) + msg

def connect():
    return socket.create_connection(("127.0.0.1", PORT), timeout=3)

def read_reply(s):
    ln = recv_exact(s, 2)
    if ln is None:
        return None
    return recv_exact(s, struct.unpack("!H", ln)[0])

def show(s, n):
    for _ in range(n):
        try:
            r = read_reply(s)
        except socket.timeout:
            print("TIMEOUT")
            return
        if r is None:
            print("CLOSED")
            return
        print(summary(r))

def wait_closed(s, limit):
    """Seconds until the peer closes, or None if still open after limit."""
    t0 = time.monotonic()
    s.settimeout(limit)
    try:
        while s.recv(512):
            pass
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - t0

mode = sys.argv[1]
if mode == "pipeline":
    # three queries in one write, then one more on the same connection
    s = connect()
    s.sendall(frame(hdr(id=101) + question("_sip._tls.contoso.com", 33))
              + frame(hdr(id=102) + question("pool01.contoso.com", 1))
              + frame(hdr(id=103) + question("nope.contoso.com", 1)))
    show(s, 3)
    s.sendall(frame(hdr(id=104) + question("sip.contoso.com", 28)))
    show(s, 1)
    s.close()
elif mode == "trickle":
    # a frame written a few bytes at a time, the length prefix split too
    s = connect()
    data = frame(hdr(id=201) + question("_sipinternaltls._tcp.fabrikam.com", 33))
    for i in range(0, len(data), 3):
        s.sendall(data[i:i + 3])
        time.sleep(0.05)
    show(s, 1)
    # one whole frame plus the first byte of the next, then the rest
    a = frame(hdr(id=202) + question("contoso.com", 6))
    b = frame(hdr(id=203) + question("fabrikam.com", 2))
    s.sendall(a + b[:1])
    time.sleep(0.2)
    s.sendall(b[1:])
    show(s, 2)
    s.close()
elif mode == "idle":
    # the server closes an idle connection after tcp_timeout (1 s here)
    s = connect()
    s.sendall(frame(hdr(id=301) + question("contoso.com", 6)))
    show(s, 1)
    t = wait_closed(s, 5)
    print("AFTER-QUERY " + ("OPEN" if t is None else "CLOSED %.1f" % t))
    s = connect()
    t = wait_closed(s, 5)
    print("SILENT " + ("OPEN" if t is None else "CLOSED %.1f" % t))
elif mode == "crowd":
    # more idle connections than tcp_max_clients; UDP keeps working meanwhile
    crowd = []
    for _ in range(12):
        try:
            crowd.append(connect())
        except OSError:
            pass
    time.sleep(0.2)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    u.sendto(hdr(id=401) + question("contoso.com", 6), ("127.0.0.1", PORT))
    try:
        print(summary(u.recv(65535)))
    except socket.timeout:
        print("TIMEOUT")
    for c in crowd:
        c.close()
    time.sleep(0.3)
    s = connect()
    s.sendall(frame(hdr(id=402) + question("contoso.com", 6)))
    show(s, 1)
    s.close()
EOF

tcpc() {
	LASTQ="tcp.py $1"
	OUT=$(python3 "$TMPD/tcp.py" "$1" "$PORT" "$TMPD" 2>&1)
	OUT_SHOWN=0
}

# seconds_within TEXT LOW HIGH: TEXT is "CLOSED x.y" with LOW <= x.y <= HIGH
# shellcheck disable=SC2317 # called through ok_if
seconds_within() {
	case "$1" in
	"CLOSED "*) ;;
	*) return 1 ;;
	esac
	python3 -c 'import sys; t = float(sys.argv[1]); sys.exit(not (float(sys.argv[2]) <= t <= float(sys.argv[3])))' \
	    "${1#CLOSED }" "$2" "$3"
}

# ================= the example configuration, default timeouts
use_example_conf
start_daemon

# ---- dig +tcp gives the same records as UDP
for qry in '_sip._tls.contoso.com SRV' '_sipinternaltls._tcp.fabrikam.com SRV' 'sip.contoso.com AAAA'; do
	# shellcheck disable=SC2086 # split the name and the type
	udp=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer +additional $qry | sort)
	# shellcheck disable=SC2086
	q +tcp $qry
	expect_status NOERROR
	expect_flag aa
	tcp=$( { section ANSWER; section ADDITIONAL; } | sort)
	udp=$(printf '%s\n' "$udp" | awk '{ gsub(/[ \t]+/, " "); sub(/ $/, ""); print }')
	if [ -n "$tcp" ] && [ "$tcp" = "$udp" ]; then
		pass "TCP = UDP for $qry"
	else
		fail "TCP and UDP answers differ for $qry; UDP gave: $udp"
	fi
done
q +tcp _sip._tls.contoso.com SRV
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 203.0.113.10'

# ---- pipelined: three queries in one write, replies matched by ID, then a fourth
tcpc pipeline
pick_reply 101
expect_raw qr=1 aa=1 rcode=0 an=1 q=_sip._tls.contoso.com/33/1
pick_reply 102
expect_raw qr=1 aa=1 rcode=0 an=2 q=pool01.contoso.com/1/1
pick_reply 103
expect_raw qr=1 aa=1 rcode=3 an=0 ns=1 q=nope.contoso.com/1/1
pick_reply 104
expect_raw qr=1 aa=1 rcode=0 an=1 q=sip.contoso.com/28/1

# ---- dig +keepopen: several questions over one connection
q +tcp +keepopen _sip._tls.contoso.com SRV pool01.contoso.com A nope.contoso.com A contoso.com SOA
statuses=$(printf '%s\n' "$OUT" | sed -n 's/.*->>HEADER<<-.* status: \([A-Z]*\),.*/\1/p' | tr '\n' ' ')
if [ "$statuses" = "NOERROR NOERROR NXDOMAIN NOERROR " ]; then
	pass "+keepopen: four answers"
else
	fail "+keepopen: expected statuses 'NOERROR NOERROR NXDOMAIN NOERROR', got '$statuses'"
fi
expect_out_re '^_sip\._tls\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+SRV[[:space:]]+0 0 443 sip\.contoso\.com\.$'
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.11$'

# ---- partial writes: a frame in 3-byte pieces; a frame split after its first byte
tcpc trickle
pick_reply 201
expect_raw qr=1 aa=1 rcode=0 an=2 q=_sipinternaltls._tcp.fabrikam.com/33/1
pick_reply 202
expect_raw qr=1 aa=1 rcode=0 an=1 q=contoso.com/6/1
pick_reply 203
expect_raw qr=1 aa=1 rcode=0 an=1 q=fabrikam.com/2/1

# ---- zone transfers over TCP to 127.0.0.1, which the example's
# allow_transfer names: AXFR, and IXFR answered as a full transfer (one
# message: the example zone is small). t_xfr.sh has the refusals.
raw_tcp 'hdr(id=0x7001) + question("contoso.com", 252)'
expect_raw id=28673 qr=1 aa=1 rcode=0
raw_tcp 'hdr(id=0x7002) + question("contoso.com", 251)'
expect_raw id=28674 qr=1 aa=1 rcode=0

# ---- a zero-length frame ends the connection, but after the answers to the
# queries before it (sent in the same write)
ZL=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
name = b"".join(bytes([len(l)]) + l for l in b"_sip._tls.contoso.com".split(b".")) + b"\0"
q = struct.pack(">HHHHHH", 0x5151, 0, 1, 0, 0, 0) + name + struct.pack(">HH", 33, 1)
s = socket.create_connection(("127.0.0.1", port), timeout=3)
s.sendall(struct.pack(">H", len(q)) + q + b"\0\0")
data = b""
try:
    while True:
        chunk = s.recv(65535)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    print("timeout", len(data))
    sys.exit(0)
n = struct.unpack(">H", data[:2])[0] if len(data) >= 2 else 0
ok = len(data) == 2 + n and n > 12 and data[2:4] == b"\x51\x51"
print("answered-then-closed" if ok else "got %d bytes" % len(data))
PY
)
ok_if "a zero-length frame closes after the pending answer ($ZL)" [ "$ZL" = answered-then-closed ]

# ---- a response (QR set) over TCP is not answered; the server lives on
raw_tcp 'hdr(id=0x7003, qr=1) + question("contoso.com", 6)'
case "$RAW" in
TIMEOUT | CLOSED) pass "TCP message with QR set: no reply ($RAW)" ;;
*) fail "TCP message with QR set must not be answered: $RAW" ;;
esac
q +tcp contoso.com SOA
expect_status NOERROR
stop_daemon

# ================= tcp_timeout = 1, tcp_max_clients = 4
write_conf <<'EOF'
[server]
tcp_timeout = 1
tcp_max_clients = 4

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
start_daemon

tcpc idle
pick_reply 301
expect_raw qr=1 rcode=0 an=1
res=$(printf '%s\n' "$OUT" | sed -n 's/^AFTER-QUERY //p')
ok_if "idle after a query: closed after 0.5..3.5 s (got '$res')" seconds_within "$res" 0.5 3.5
res=$(printf '%s\n' "$OUT" | sed -n 's/^SILENT //p')
ok_if "idle without a query: closed after 0.5..3.5 s (got '$res')" seconds_within "$res" 0.5 3.5

tcpc crowd
pick_reply 401
expect_raw qr=1 rcode=0 an=1
pick_reply 402
expect_raw qr=1 rcode=0 an=1
ok_if "the daemon survives more TCP clients than tcp_max_clients" kill -0 "$DAEMON_PID"

finish
