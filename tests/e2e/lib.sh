# lib.sh -- end-to-end test helpers: run ocsdnsd on a free loopback port, ask it with dig, check.
# shellcheck shell=bash
#
# Sourced by tests/e2e/t_*.sh (bash). Environment:
#   OCSDNSD     the daemon binary (default: ../../src/ocsdnsd next to this file)
#   top_srcdir  the source tree (default: two directories up from this file)
#   E2E_KEEP=1  keep the temporary directory (config, daemon log) for debugging
#   E2E_VERBOSE=1  print every check, not only the failures
#   OCSDNSD_WRAPPER  a command put before the daemon (word split), e.g.
#               "valgrind --leak-check=full --error-exitcode=99
#               --errors-for-leak-kinds=definite"; start-up and stop then
#               get 60 s instead of 6 and 3
#
# Exit status, as automake's test harness reads it: 0 pass, 1 fail. Nothing
# here skips: a missing dig or python3 is a failure, because a skipped
# end-to-end suite would hide every regression.
#
# Usage in a test:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init
#   use_example_conf            (or: write_conf <<'EOF' ... EOF)
#   start_daemon
#   q _sip._tls.contoso.com SRV
#   expect_status NOERROR
#   expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
#   finish

set -u

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$E2E_DIR/../..}"
: "${OCSDNSD:=$E2E_DIR/../../src/ocsdnsd}"
: "${E2E_KEEP:=0}"
: "${E2E_VERBOSE:=0}"
: "${OCSDNSD_WRAPPER:=}"
if [ -n "$OCSDNSD_WRAPPER" ]; then
	E2E_START_WAIT=60
	E2E_STOP_WAIT=600	# tenths of a second
else
	E2E_START_WAIT=6
	E2E_STOP_WAIT=30
fi
DAEMON_EXIT=		# the status of the last daemon stopped, if not 0
TEST_NAME=$(basename "$0" .sh)

PASS=0
FAIL=0
TMPD=
CONF=
PORT=
DAEMON_PID=
DAEMON_LOG=
HAVE_IPV6=0
OUT=		# output of the last q()
LASTQ=		# the last q() command line, for failure messages
OUT_SHOWN=0	# the output of the last query was printed already
RAW=		# summary line of the last raw_udp()/raw_tcp()

# ---------------------------------------------------------------- plumbing

e2e_log() {
	printf '%s\n' "$*"
}

# A fatal problem in the test setup: counts as a failure and ends the test.
die() {
	printf '%s: FATAL: %s\n' "$TEST_NAME" "$*" >&2
	FAIL=$((FAIL + 1))
	finish
}

e2e_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	# After rc is taken: stopping NSD must not hide a failure.
	if [ -n "${NSD_PID:-}" ]; then
		nsd_stop >/dev/null 2>&1 || :
	fi
	if [ -n "${KNOT_PID:-}" ]; then
		knot_stop >/dev/null 2>&1 || :
	fi
	if [ -n "$DAEMON_PID" ]; then
		stop_daemon >/dev/null 2>&1 || :
	fi
	if [ -n "$TMPD" ] && [ -d "$TMPD" ]; then
		if [ "$E2E_KEEP" = 1 ]; then
			printf 'kept %s\n' "$TMPD" >&2
		else
			rm -rf "$TMPD"
		fi
	fi
	exit "$rc"
}

e2e_init() {
	local tool
	for tool in dig python3; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			printf '%s: FAIL: %s is not installed (the quick start installs it)\n' \
			    "$TEST_NAME" "$tool" >&2
			exit 1
		fi
	done
	if [ ! -x "$OCSDNSD" ]; then
		printf '%s: FAIL: daemon %s is missing or not executable (set OCSDNSD)\n' \
		    "$TEST_NAME" "$OCSDNSD" >&2
		exit 1
	fi
	TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ocsdnsd-e2e.XXXXXX") ||
	    { echo "mktemp failed" >&2; exit 1; }
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	CONF=$TMPD/ocsdnsd.ini
	DAEMON_LOG=$TMPD/daemon.log
	write_raw_tool
	if python3 - <<'EOF' 2>/dev/null
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 0))
EOF
	then
		HAVE_IPV6=1
	fi
}

# Prints the final tally and exits 0 when nothing failed, else 1.
finish() {
	local rc
	# The daemon must stop cleanly: a sanitizer or valgrind error, a leak
	# or a crash shows in its exit status.
	if [ -n "$DAEMON_PID" ]; then
		stop_daemon
		rc=$?
		[ "$rc" -eq 0 ] || DAEMON_EXIT=$rc
	fi
	if [ -n "$DAEMON_EXIT" ]; then
		FAIL=$((FAIL + 1))
		printf 'FAIL: the daemon exited with status %s\n' "$DAEMON_EXIT"
		DAEMON_EXIT=
	fi
	if [ "$FAIL" -gt 0 ] && [ -n "$DAEMON_LOG" ] && [ -s "$DAEMON_LOG" ]; then
		echo "---- daemon log (last 40 lines) ----"
		tail -n 40 "$DAEMON_LOG"
		echo "------------------------------------"
	fi
	echo "$TEST_NAME: $PASS passed, $FAIL failed"
	if [ "$FAIL" -gt 0 ]; then
		exit 1
	fi
	exit 0
}

# ---------------------------------------------------------------- config and daemon

# The example as shipped: conf/ocsdnsd.ini with the zones/ it names
# (relative to the file), copied side by side.
use_example_conf() {
	mkdir -p "$TMPD/conf" &&
	    cp "$top_srcdir/conf/ocsdnsd.ini" "$TMPD/conf/ocsdnsd.ini" &&
	    cp -R "$top_srcdir/zones" "$TMPD/zones" ||
	    die "cannot copy the example from $top_srcdir"
	CONF=$TMPD/conf/ocsdnsd.ini
}

# Reads the configuration from standard input (a heredoc).
write_conf() {
	cat >"$CONF"
}

# Prints a port that is free on 127.0.0.1 for both UDP and TCP (and on ::1
# when HAVE_IPV6), trying a few times.
pick_port() {
	python3 - "$HAVE_IPV6" <<'EOF'
import socket, sys
want6 = sys.argv[1] == "1"
for attempt in range(20):
    socks = []
    try:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        socks.append(t)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks.append(u)
        u.bind(("127.0.0.1", port))
        if want6:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s6 = socket.socket(socket.AF_INET6, kind)
                socks.append(s6)
                s6.bind(("::1", port))
        print(port)
        sys.exit(0)
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
sys.exit(1)
EOF
}

# Is the daemon answering on $PORT? Any DNS reply counts, even REFUSED.
daemon_answers() {
	dig +tries=1 +time=1 -p "$PORT" @127.0.0.1 ocsdnsd-e2e-probe.invalid SOA 2>&1 |
	    grep -q 'status: '
}

# start_daemon: starts "$OCSDNSD -R -c $CONF -l 127.0.0.1:PORT" (plus
# -l [::1]:PORT when DAEMON_V6=1 and IPv6 works here, and -l ADDR:PORT for
# each ADDR in DAEMON_MORE_ADDRS) and waits up to ~5 s until it answers.
DAEMON_V6=0
DAEMON_MORE_ADDRS=
start_daemon() {
	local deadline args a
	[ -z "$DAEMON_PID" ] || die "start_daemon: a daemon is running already"
	for _ in 1 2 3; do
		PORT=$(pick_port) || die "no free loopback port"
		# -R: CI runs the suite as root; t_privs.sh tests refusing root.
		args=(-R -c "$CONF" -l "127.0.0.1:$PORT")
		if [ "$DAEMON_V6" = 1 ] && [ "$HAVE_IPV6" = 1 ]; then
			args+=(-l "[::1]:$PORT")
		fi
		for a in $DAEMON_MORE_ADDRS; do
			args+=(-l "$a:$PORT")
		done
		# shellcheck disable=SC2206 # options, split on spaces
		args+=(${DAEMON_ARGS:-})
		# shellcheck disable=SC2086 # the wrapper is a command line
		$OCSDNSD_WRAPPER "$OCSDNSD" "${args[@]}" 2>"$DAEMON_LOG" >>"$DAEMON_LOG.out" &
		DAEMON_PID=$!
		deadline=$((SECONDS + E2E_START_WAIT))
		while [ "$SECONDS" -lt "$deadline" ]; do
			if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
				break
			fi
			if daemon_answers; then
				return 0
			fi
			sleep 0.1
		done
		if kill -0 "$DAEMON_PID" 2>/dev/null; then
			cat "$DAEMON_LOG" >&2
			die "daemon did not answer on 127.0.0.1:$PORT within $E2E_START_WAIT s: $OCSDNSD ${args[*]}"
		fi
		wait "$DAEMON_PID" 2>/dev/null
		DAEMON_PID=
		# Somebody took the port between pick_port and bind: try another.
		if grep -qi 'in use' "$DAEMON_LOG"; then
			continue
		fi
		break
	done
	echo "---- daemon log ----" >&2
	cat "$DAEMON_LOG" >&2
	die "daemon exited at startup: $OCSDNSD ${args[*]}"
}

# Sends SIGTERM and waits (at most ~3 s, 60 s with a wrapper, then SIGKILL).
# Returns the daemon's exit status (or 137 when it had to be killed); one
# other than 0 also makes finish() count a failure.
stop_daemon() {
	local pid=$DAEMON_PID rc
	[ -n "$pid" ] || return 0
	DAEMON_PID=
	kill -TERM "$pid" 2>/dev/null || :
	for _ in $(seq 1 "$E2E_STOP_WAIT"); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "daemon $pid ignored SIGTERM for $((E2E_STOP_WAIT / 10)) s, killing it" >&2
		kill -KILL "$pid" 2>/dev/null || :
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	if [ "$rc" -ne 0 ]; then
		DAEMON_EXIT=$rc
		printf 'the daemon exited with status %s (log: %s)\n' "$rc" "$DAEMON_LOG"
	fi
	return "$rc"
}

# ---------------------------------------------------------------- asking

# q [dig args...]: asks the daemon at 127.0.0.1:$PORT; output in $OUT.
q() {
	LASTQ="dig -p $PORT @127.0.0.1 +tries=1 +time=2 $*"
	OUT=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 "$@" 2>&1)
	OUT_SHOWN=0
}

# q6 [dig args...]: the same over ::1.
q6() {
	LASTQ="dig -p $PORT @::1 +tries=1 +time=2 $*"
	OUT=$(dig -p "$PORT" @::1 +tries=1 +time=2 "$@" 2>&1)
	OUT_SHOWN=0
}

# ---------------------------------------------------------------- checking

pass() {
	PASS=$((PASS + 1))
	if [ "$E2E_VERBOSE" = 1 ]; then
		printf 'ok: %s\n' "$*"
	fi
}

# fail MESSAGE: prints the message, the last query and (once) its output.
fail() {
	FAIL=$((FAIL + 1))
	printf 'FAIL: %s\n' "$*"
	if [ -n "$LASTQ" ]; then
		printf '  query: %s\n' "$LASTQ"
		if [ "$OUT_SHOWN" = 0 ]; then
			printf '%s\n' "$OUT" | sed 's/^/  | /'
			OUT_SHOWN=1
		else
			printf '  (output shown above)\n'
		fi
	fi
}

# check COND-EXIT-STATUS MESSAGE: for ad hoc checks ("check $? 'text'").
check() {
	if [ "$1" -eq 0 ]; then
		pass "$2"
	else
		fail "$2"
	fi
}

# Independent checks that are not about the last dig output.
ok_if() {	# ok_if MESSAGE COMMAND...
	local msg=$1
	shift
	local saveq=$LASTQ
	LASTQ=
	if "$@"; then
		pass "$msg"
	else
		fail "$msg"
	fi
	LASTQ=$saveq
}

# The header line ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1".
out_status() {
	printf '%s\n' "$OUT" | sed -n 's/.*->>HEADER<<-.* status: \([A-Z0-9]*\),.*/\1/p' | head -n 1
}

# The flags of the header, e.g. "qr aa rd".
out_flags() {
	printf '%s\n' "$OUT" | sed -n 's/^;; flags:\([^;]*\);.*/\1/p' | head -n 1
}

# out_count ANSWER: the count dig printed in the flags line.
out_count() {
	printf '%s\n' "$OUT" | sed -n "s/^;; flags:.* $1: \\([0-9]*\\).*/\\1/p" | head -n 1
}

# section NAME: the records dig printed under ";; NAME SECTION:", one per
# line, whitespace squeezed to single spaces (QUESTION lines keep their ';').
section() {
	printf '%s\n' "$OUT" | awk -v want=";; $1 SECTION:" '
		$0 == want { on = 1; next }
		on && /^$/ { exit }
		on && /^;; / { exit }
		on { gsub(/[ \t]+/, " "); sub(/ $/, ""); print }'
}

expect_status() {
	local got
	got=$(out_status)
	if [ "$got" = "$1" ]; then
		pass "status $1"
	else
		fail "expected status $1, got '${got:-no reply}'"
	fi
}

expect_flag() {
	local f
	for f in "$@"; do
		case " $(out_flags) " in
		*" $f "*) pass "flag $f" ;;
		*) fail "expected flag '$f' in '$(out_flags)'" ;;
		esac
	done
}

expect_noflag() {
	local f
	for f in "$@"; do
		if [ -z "$(out_status)" ]; then
			fail "expected a reply (checking that flag '$f' is clear)"
			continue
		fi
		case " $(out_flags) " in
		*" $f "*) fail "flag '$f' must be clear: '$(out_flags)'" ;;
		*) pass "no flag $f" ;;
		esac
	done
}

# expect_count ANSWER N: the header count.
expect_count() {
	local got
	got=$(out_count "$1")
	if [ "$got" = "$2" ]; then
		pass "$1 count $2"
	else
		fail "expected $1: $2 in the header, got '${got:-none}'"
	fi
}

# expect_section_count ADDITIONAL N: the records printed in the section (the
# OPT pseudo-record is not among them, unlike in the header's count).
expect_section_count() {
	local got
	got=$(section "$1" | grep -c .)
	if [ "$got" = "$2" ]; then
		pass "$1 section has $2 records"
	else
		fail "expected $2 records in the $1 section, got $got"
	fi
}

# expect_rr SECTION 'owner ttl class type rdata': an exact record line (single
# spaces), as dig prints it.
expect_rr() {
	if section "$1" | grep -qxF -- "$2"; then
		pass "$1 has: $2"
	else
		fail "expected in $1: '$2'"
	fi
}

expect_no_rr() {
	if section "$1" | grep -qxF -- "$2"; then
		fail "must not be in $1: '$2'"
	else
		pass "$1 lacks: $2"
	fi
}

# expect_rr_re SECTION 'ERE': some record line of the section matches.
expect_rr_re() {
	if section "$1" | grep -qE -- "$2"; then
		pass "$1 matches: $2"
	else
		fail "expected in $1 a line matching /$2/"
	fi
}

expect_no_rr_re() {
	if section "$1" | grep -qE -- "$2"; then
		fail "no line of $1 may match /$2/"
	else
		pass "$1 has no /$2/"
	fi
}

# dig's output without the line that echoes its own command line.
out_body() {
	printf '%s\n' "$OUT" | grep -v '^; <<>> DiG'
}

# expect_out_re 'ERE' / expect_no_out_re 'ERE': anywhere in dig's output
# (but not in the echo of dig's command line).
expect_out_re() {
	if out_body | grep -qE -- "$1"; then
		pass "output matches /$1/"
	else
		fail "expected the output to match /$1/"
	fi
}

expect_no_out_re() {
	if out_body | grep -qE -- "$1"; then
		fail "the output must not match /$1/"
	else
		pass "output lacks /$1/"
	fi
}

# The answer for a negative reply: NOERROR/NXDOMAIN, AA, no answer, the
# zone's SOA with the negative TTL (RFC 2308) in authority.
# expect_negative STATUS ZONE [TTL]
expect_negative() {
	local zone_re ttl=${3:-300}
	zone_re=$(re_escape "$2")
	expect_status "$1"
	expect_flag qr aa
	expect_noflag ra
	expect_count ANSWER 0
	expect_rr_re AUTHORITY "^$zone_re\\. $ttl IN SOA ns1\\.$zone_re\\. hostmaster\\.$zone_re\\. [0-9]+ 3600 600 604800 300\$"
	expect_section_count AUTHORITY 1
}

# Escapes the ERE metacharacters of a literal string.
re_escape() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# ---------------------------------------------------------------- raw packets

# Writes $TMPD/raw.py: builds DNS messages from a Python expression, sends one
# over UDP or TCP to 127.0.0.1:PORT and prints a one-line summary of the reply:
#   id=4660 qr=1 opcode=0 aa=1 tc=0 rd=0 ra=0 z=0 ad=0 cd=0 rcode=0 qd=1 an=1 ns=0 ar=0 len=45 opt=0 q=contoso.com/6/1
# or "TIMEOUT" (no reply within 2 s) or "CLOSED" (TCP connection closed).
# Helpers usable in the expression:
#   hdr(id=0x4242, qr=0, opcode=0, aa=0, tc=0, rd=0, ra=0, z=0, ad=0, cd=0,
#       rcode=0, qd=1, an=0, ns=0, ar=0)      the 12-byte header
#   name("contoso.com")                        wire name (labels may be > 63)
#   question("contoso.com", qtype=6, qclass=1)
#   opt(size=1232, ver=0, do=0, ercode=0, options=b"")   an OPT RR
#   hx("c0 0c")                                bytes from hex
write_raw_tool() {
	cat >"$TMPD/raw.py" <<'EOF'
import socket, struct, sys

def hdr(id=0x4242, qr=0, opcode=0, aa=0, tc=0, rd=0, ra=0, z=0, ad=0, cd=0,
        rcode=0, qd=1, an=0, ns=0, ar=0):
    flags = (qr << 15) | (opcode << 11) | (aa << 10) | (tc << 9) | (rd << 8) \
        | (ra << 7) | (z << 6) | (ad << 5) | (cd << 4) | rcode
    return struct.pack("!6H", id, flags, qd, an, ns, ar)

def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            b = label.encode()
            out += bytes([len(b)]) + b
    return out + b"\0"

def question(qname, qtype=1, qclass=1):
    return name(qname) + struct.pack("!HH", qtype, qclass)

def opt(size=1232, ver=0, do=0, ercode=0, options=b""):
    ttl = (ercode << 24) | (ver << 16) | (do << 15)
    return b"\0" + struct.pack("!HHIH", 41, size, ttl, len(options)) + options

def hx(text):
    return bytes.fromhex(text)

def read_name(msg, pos):
    labels, jumped, end, hops = [], False, pos, 0
    while True:
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = pos + 2
            jumped, hops = True, hops + 1
            if hops > 64:
                raise ValueError("pointer loop")
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            continue
        if n == 0:
            if not jumped:
                end = pos + 1
            return ".".join(labels), end
        labels.append(msg[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n

def summary(msg):
    if len(msg) < 12:
        return "SHORT len=%d" % len(msg)
    id, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:12])
    out = ["id=%d" % id, "qr=%d" % (flags >> 15),
           "opcode=%d" % ((flags >> 11) & 15)]
    for k, bit in (("aa", 10), ("tc", 9), ("rd", 8), ("ra", 7), ("z", 6),
                   ("ad", 5), ("cd", 4)):
        out.append("%s=%d" % (k, (flags >> bit) & 1))
    out.append("rcode=%d" % (flags & 15))
    out += ["qd=%d" % qd, "an=%d" % an, "ns=%d" % ns, "ar=%d" % ar,
            "len=%d" % len(msg)]
    try:
        pos, qs = 12, []
        for _ in range(qd):
            qn, pos = read_name(msg, pos)
            qt, qc = struct.unpack("!HH", msg[pos:pos + 4])
            pos += 4
            qs.append("%s/%d/%d" % (qn, qt, qc))
        nopt, extra = 0, []
        for i in range(an + ns + ar):
            rn, pos = read_name(msg, pos)
            rt, rc, rttl, rl = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10 + rl
            if rt == 41:
                nopt += 1
                extra += ["udp=%d" % rc, "ext_rcode=%d" % (rttl >> 24),
                          "ver=%d" % ((rttl >> 16) & 255),
                          "do=%d" % ((rttl >> 15) & 1)]
        out.append("opt=%d" % nopt)
        out += extra
        if qs:
            out.append("q=" + ",".join(qs))
        if pos != len(msg):
            out.append("trailing=%d" % (len(msg) - pos))
    except (IndexError, ValueError, struct.error, UnicodeDecodeError) as e:
        out.append("unparsable")
    return " ".join(out)

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

def main():
    mode, port, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    msg = eval(expr)
    if mode == "build":
        print(msg.hex())
        return
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(msg, ("127.0.0.1", port))
        try:
            reply = s.recv(65535)
        except socket.timeout:
            print("TIMEOUT")
            return
        except ConnectionRefusedError:
            print("REFUSED-PORT")
            return
    else:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(struct.pack("!H", len(msg)) + msg)
        try:
            ln = recv_exact(s, 2)
            reply = recv_exact(s, struct.unpack("!H", ln)[0]) if ln else None
        except socket.timeout:
            print("TIMEOUT")
            return
        except ConnectionResetError:
            reply = None
        if reply is None:
            print("CLOSED")
            return
    print(summary(reply))

if __name__ == "__main__":
    main()
EOF
}

# raw_udp 'PYTHON EXPR': sends the message, the reply's summary goes to $RAW.
raw_udp() {
	LASTQ="raw UDP: $1"
	RAW=$(python3 "$TMPD/raw.py" udp "$PORT" "$1" 2>&1)
	OUT=$RAW
	OUT_SHOWN=0
}

raw_tcp() {
	LASTQ="raw TCP: $1"
	RAW=$(python3 "$TMPD/raw.py" tcp "$PORT" "$1" 2>&1)
	OUT=$RAW
	OUT_SHOWN=0
}

# expect_raw key=value...: every token appears in the last raw summary.
expect_raw() {
	local t
	for t in "$@"; do
		case " $RAW " in
		*" $t "*) pass "raw reply has $t" ;;
		*) fail "expected '$t' in the raw reply" ;;
		esac
	done
}

expect_raw_timeout() {
	if [ "$RAW" = TIMEOUT ]; then
		pass "no reply"
	else
		fail "expected no reply (dropped), got: $RAW"
	fi
}

# The server is alive and answering correctly.
expect_alive() {
	q contoso.com SOA
	expect_status NOERROR
	expect_flag aa
	expect_count ANSWER 1
}

# pick_reply ID: $RAW becomes the line of $OUT (one summary per line, as the
# TCP helpers print them) that answers the message with that ID.
pick_reply() {
	RAW=$(printf '%s\n' "$OUT" | grep -m 1 "^id=$1 ") || RAW="(no reply with id=$1)"
}

# ---------------------------------------------------------------- NSD

# nsd_start: starts NSD on $NSD_PORT (a free port when unset) with the
# pattern: and zone: stanzas read from standard input after its server:
# block; NSD_PID is its pid, stopped by nsd_stop, and by e2e_cleanup at
# exit. Dies when nsd is missing.
NSD_PID=
nsd_start() {
	command -v nsd >/dev/null 2>&1 ||
	    die "nsd is not installed (the quick start installs it)"
	if [ -z "${NSD_PORT:-}" ]; then
		NSD_PORT=$(pick_port) || die "no free port for nsd"
	fi
	mkdir -p "$TMPD/nsd"
	{
		cat <<NSDCONF
server:
	ip-address: 127.0.0.1
	port: $NSD_PORT
	username: ""
	chroot: ""
	zonesdir: "$TMPD/nsd"
	database: ""
	zonelistfile: "$TMPD/nsd/zone.list"
	xfrdfile: "$TMPD/nsd/xfrd.state"
	xfrdir: "$TMPD/nsd"
	pidfile: "$TMPD/nsd/nsd.pid"
	logfile: "$TMPD/nsd/nsd.log"
	server-count: 1
	verbosity: 2
	hide-version: yes
	minimal-responses: yes
remote-control:
	control-enable: no
NSDCONF
		cat
	} >"$TMPD/nsd/nsd.conf"
	nsd -d -c "$TMPD/nsd/nsd.conf" >"$TMPD/nsd/stdout" 2>&1 &
	NSD_PID=$!	# e2e_cleanup stops it, keeping the exit status
}

# nsd_secondary ZONE...: NSD (nsd_start) as a secondary that transfers each
# ZONE from the daemon (from 127.0.0.1, so it gets the view of 127.0.0.1)
# and takes its NOTIFYs.
nsd_secondary() {
	# Not a pipe: nsd_start must set NSD_PORT and NSD_PID in this shell.
	nsd_start < <(
		printf 'pattern:\n\tname: "fromocsdnsd"\n'
		printf '\trequest-xfr: 127.0.0.1@%s NOKEY\n' "$PORT"
		printf '\tallow-notify: 127.0.0.1 NOKEY\n'
		for zone in "$@"; do
			printf 'zone:\n\tname: %s\n\tzonefile: "%s.zone"\n' \
			    "$zone" "$zone"
			printf '\tinclude-pattern: "fromocsdnsd"\n'
		done
	)
}

nsd_stop() {
	if [ -n "$NSD_PID" ]; then
		kill "$NSD_PID" 2>/dev/null
		wait "$NSD_PID" 2>/dev/null
		NSD_PID=
	fi
}

# serial_of SERVER_PORT ZONE: the SOA serial a server on 127.0.0.1 serves.
serial_of() {
	dig -p "$1" @127.0.0.1 +tries=1 +time=1 +short "$2" SOA 2>/dev/null |
	    awk '{ print $3 }'
}

# nsd_wait_serial ZONE SERIAL: until NSD serves it (at most 15 s).
nsd_wait_serial() {
	for _ in $(seq 1 75); do
		[ "$(serial_of "$NSD_PORT" "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

# ---------------------------------------------------------------- Knot

# knot_start: starts knotd on $KNOT_PORT (a free port when unset) with the
# key:, remote:, acl:, template: and zone: stanzas read from standard
# input after its server: block (storage in $TMPD/knot); KNOT_PID is its
# pid, stopped by knot_stop, and by e2e_cleanup at exit. Dies when knotd
# is missing.
KNOT_PID=
knot_start() {
	command -v knotd >/dev/null 2>&1 ||
	    die "knotd is not installed (the quick start installs knot)"
	if [ -z "${KNOT_PORT:-}" ]; then
		KNOT_PORT=$(pick_port) || die "no free port for knotd"
	fi
	mkdir -p "$TMPD/knot"
	{
		cat <<KNOTCONF
server:
    rundir: "$TMPD/knot"
    listen: 127.0.0.1@$KNOT_PORT
database:
    storage: "$TMPD/knot"
control:
    listen: "$TMPD/knot/knot.sock"
log:
  - target: "$TMPD/knot/knot.log"
    any: info
KNOTCONF
		cat
	} >"$TMPD/knot/knot.conf"
	knotd -c "$TMPD/knot/knot.conf" >"$TMPD/knot/stdout" 2>&1 &
	KNOT_PID=$!
}

# knot_secondary KEY ALG SECRET ZONE...: knotd (knot_start) as a secondary
# that transfers each ZONE from the daemon over 127.0.0.1, signed with the
# TSIG key KEY, and takes NOTIFYs signed with it.
knot_secondary() {
	local key=$1 alg=$2 secret=$3 zone
	shift 3
	knot_start < <(
		printf 'key:\n  - id: %s\n    algorithm: %s\n    secret: %s\n' \
		    "$key" "$alg" "$secret"
		printf 'remote:\n  - id: ocsdnsd\n    address: 127.0.0.1@%s\n    key: %s\n' \
		    "$PORT" "$key"
		printf 'acl:\n  - id: notify\n    address: 127.0.0.1\n    key: %s\n    action: notify\n' \
		    "$key"
		printf 'template:\n  - id: default\n    storage: "%s"\n    master: ocsdnsd\n    acl: notify\n' \
		    "$TMPD/knot"
		printf 'zone:\n'
		for zone in "$@"; do
			printf '  - domain: %s\n' "$zone"
		done
	)
}

knot_stop() {
	if [ -n "$KNOT_PID" ]; then
		kill "$KNOT_PID" 2>/dev/null
		wait "$KNOT_PID" 2>/dev/null
		KNOT_PID=
	fi
}

# server_wait_serial PORT ZONE SERIAL: until the server on PORT serves it
# (at most 15 s).
server_wait_serial() {
	for _ in $(seq 1 75); do
		[ "$(serial_of "$1" "$2")" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}
