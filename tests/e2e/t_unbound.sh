#!/usr/bin/env bash
# t_unbound.sh -- unbound (the Debian package) in front of ocsdnsd: a
# validating resolver with a stub zone, NS priming on, asked with dig.
#
# What it shows, and what README.md "Putting a resolver in front" copies:
#   - SRV, NXDOMAIN, NODATA and the _tcp empty non-terminal come through;
#   - the view is the resolver's, not its client's: unbound asks from
#     127.0.0.1 (internal view), a second unbound with outgoing-interface:
#     127.0.0.2 gets the external view;
#   - validation stays on (validator iterator, the root key of dns-root-data)
#     and works offline because the zone is domain-insecure;
#   - unbound primes the stub: it asks ocsdnsd for the NS set, then sends
#     every query to the NS addresses on port 53 (stub-addr's port is only
#     used for the priming query). So ocsdnsd listens on port 53 here, on a
#     loopback address of its own (127.x.y.z) that is ns1.contoso.com's
#     address: the test needs root (or ip_unprivileged_port_start <= 53).
# Nothing skips: a missing unbound or root key is a failure.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
for tool in unbound unbound-checkconf; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "$tool is not installed (the quick start installs the unbound package)"
done
ROOT_KEY=/usr/share/dns/root.key
[ -r "$ROOT_KEY" ] ||
    die "$ROOT_KEY is missing (the quick start installs dns-root-data)"
if [ "$(id -u)" != 0 ] &&
    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 53 ]; then
	die "needs port 53 (unbound sends primed queries there): run as root"
fi

# A loopback address with port 53 free for UDP and TCP, e.g. 127.83.20.7.
pick_ns_addr() {
	python3 - <<'EOF'
import random, socket, sys
for attempt in range(20):
    addr = "127.%d.%d.%d" % (random.randint(2, 254), random.randint(0, 255),
                             random.randint(1, 254))
    socks = []
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            socks.append(s)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, 53))
        print(addr)
        sys.exit(0)
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
sys.exit(1)
EOF
}
NS_ADDR=$(pick_ns_addr) || die "no loopback address with port 53 free"

write_conf <<CONF
[server]
query_log = yes

[view internal]
match = 127.0.0.1, ::1
[view external]
match = any
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federation = yes

[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address.internal = 10.0.1.10
address.external = 203.0.113.10
; The NS name's address is where unbound sends every query after priming,
; in both views (so -t warns that it is private in the external one).
[host ns1.contoso.com]
address = $NS_ADDR
CONF

# lib.sh's start_daemon listens on 127.0.0.1 and a high port; here the
# daemon must answer on NS_ADDR:53. DAEMON_PID is lib.sh's, so finish()
# stops the daemon and counts a bad exit status.
start_daemon_ns() {
	"$OCSDNSD" -R -c "$CONF" -l "$NS_ADDR:53" 2>"$DAEMON_LOG" >>"$DAEMON_LOG.out" &
	DAEMON_PID=$!
	PORT=53
	for _ in $(seq 1 60); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		if dig +tries=1 +time=1 @"$NS_ADDR" contoso.com SOA 2>&1 |
		    grep -q 'status: '; then
			return 0
		fi
		sleep 0.1
	done
	cat "$DAEMON_LOG" >&2
	die "daemon did not answer on $NS_ADDR:53"
}
start_daemon_ns

# ---------------------------------------------------------------- unbound

UNBOUND_PID=
UNBOUND_PORT=
UNBOUND_DIR=
UNBOUND_LOG=
trap 'unbound_stop; e2e_cleanup' EXIT

# unbound_conf DIR PORT [OUTGOING]: the configuration; README.md shows what
# one run wrote, and the lines a real resolver keeps.
unbound_conf() {
	cat <<EOF
server:
	interface: 127.0.0.1@$2
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	username: ""
	chroot: ""
	directory: "$1"
	pidfile: "$1/unbound.pid"
	use-syslog: no
	logfile: "$1/unbound.log"
	verbosity: 2
	num-threads: 1
	module-config: "validator iterator"
	trust-anchor-file: "$ROOT_KEY"
	domain-insecure: "contoso.com"
EOF
	if [ -n "${3:-}" ]; then
		printf '\toutgoing-interface: %s\n' "$3"
	fi
	cat <<EOF
remote-control:
	control-enable: no
stub-zone:
	name: "contoso.com"
	stub-addr: $NS_ADDR@53
	stub-prime: yes
EOF
}

# unbound_start NAME [OUTGOING]: runs unbound -d on a free port of
# 127.0.0.1 and waits until it answers (its built-in localhost zone).
unbound_start() {
	[ -z "$UNBOUND_PID" ] || die "unbound_start: unbound is running already"
	UNBOUND_DIR=$TMPD/unbound-$1
	UNBOUND_LOG=$UNBOUND_DIR/unbound.log
	mkdir -p "$UNBOUND_DIR"
	UNBOUND_PORT=$(pick_port) || die "no free port for unbound"
	unbound_conf "$UNBOUND_DIR" "$UNBOUND_PORT" "${2:-}" >"$UNBOUND_DIR/unbound.conf"
	unbound-checkconf "$UNBOUND_DIR/unbound.conf" >"$UNBOUND_DIR/checkconf" 2>&1 ||
	    { cat "$UNBOUND_DIR/checkconf" >&2; die "unbound-checkconf refused the configuration"; }
	unbound -d -c "$UNBOUND_DIR/unbound.conf" >"$UNBOUND_DIR/stdout" 2>&1 &
	UNBOUND_PID=$!
	for _ in $(seq 1 100); do
		kill -0 "$UNBOUND_PID" 2>/dev/null || break
		if dig +tries=1 +time=1 -p "$UNBOUND_PORT" @127.0.0.1 localhost A 2>&1 |
		    grep -q 'status: NOERROR'; then
			return 0
		fi
		sleep 0.1
	done
	cat "$UNBOUND_DIR/stdout" "$UNBOUND_LOG" >&2 2>/dev/null
	die "unbound did not answer on 127.0.0.1@$UNBOUND_PORT"
}

unbound_stop() {
	local pid=$UNBOUND_PID
	[ -n "$pid" ] || return 0
	UNBOUND_PID=
	kill -TERM "$pid" 2>/dev/null || :
	for _ in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "unbound $pid ignored SIGTERM for 3 s, killing it" >&2
		kill -KILL "$pid" 2>/dev/null || :
	fi
	wait "$pid" 2>/dev/null || :
}

# uq [dig args...]: asks unbound (recursion desired, dig's default).
uq() {
	LASTQ="dig -p $UNBOUND_PORT @127.0.0.1 +tries=1 +time=5 $*"
	OUT=$(dig -p "$UNBOUND_PORT" @127.0.0.1 +tries=1 +time=5 "$@" 2>&1)
	OUT_SHOWN=0
}

# A negative answer as a resolver relays it: no aa, ra set, the SOA.
expect_relayed_negative() {
	expect_status "$1"
	expect_flag qr rd ra
	expect_noflag aa
	expect_count ANSWER 0
	expect_rr_re AUTHORITY '^contoso\.com\. [0-9]+ IN SOA ns1\.contoso\.com\. hostmaster\.contoso\.com\. '
}

# logged CLIENT_RE VIEW 'NAME CLASS TYPE RCODE' (regexes): the daemon's
# query log has such a line.
# shellcheck disable=SC2317 # called through ok_if
logged() {
	grep -qE "^ocsdnsd: query $1#[0-9]+ $2 udp $3 " "$DAEMON_LOG"
}

# ---------------------------------------------------------------- internal

unbound_start internal

ok_if "unbound validates (module 0 is the validator)" \
    grep -q 'init module 0: validator' "$UNBOUND_LOG"

# The pool's SRV: only the internal view serves it.
uq _sipinternaltls._tcp.contoso.com SRV
expect_status NOERROR
expect_flag qr rd ra
expect_noflag aa
expect_rr_re ANSWER '^_sipinternaltls\._tcp\.contoso\.com\. [0-9]+ IN SRV 0 0 5061 pool01\.contoso\.com\.$'
expect_count ANSWER 1
uq _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr_re ANSWER '^_sip\._tls\.contoso\.com\. [0-9]+ IN SRV 0 0 443 sip\.contoso\.com\.$'
uq _sipfederationtls._tcp.contoso.com SRV
expect_rr_re ANSWER '^_sipfederationtls\._tcp\.contoso\.com\. [0-9]+ IN SRV 0 0 5061 sip\.contoso\.com\.$'
# The edge's internal address: unbound asked from 127.0.0.1.
uq sip.contoso.com A
expect_status NOERROR
expect_rr_re ANSWER '^sip\.contoso\.com\. [0-9]+ IN A 10\.0\.1\.10$'
expect_count ANSWER 1
uq pool01.contoso.com A
expect_rr_re ANSWER '^pool01\.contoso\.com\. [0-9]+ IN A 10\.0\.0\.10$'

# NXDOMAIN for a missing name, NODATA for a missing type.
uq nope.contoso.com A
expect_relayed_negative NXDOMAIN
uq sip.contoso.com TXT
expect_relayed_negative NOERROR
# _tcp.contoso.com owns nothing but has names below it: NOERROR/NODATA (an
# NXDOMAIN would make unbound deny everything below, harden-below-nxdomain).
uq _tcp.contoso.com TXT
expect_relayed_negative NOERROR
uq _tcp.contoso.com SRV
expect_relayed_negative NOERROR
# ...and the names below it still resolve after the resolver cached it.
uq _sipinternal._tcp.contoso.com SRV
expect_status NOERROR
expect_rr_re ANSWER '^_sipinternal\._tcp\.contoso\.com\. [0-9]+ IN SRV 0 0 5060 pool01\.contoso\.com\.$'

# Priming: unbound asked for the NS set, then used the NS address.
ok_if "unbound primed the stub" \
    grep -q 'priming successful for contoso.com. NS IN' "$UNBOUND_LOG"
ok_if "the daemon answered the priming NS query" \
    logged '127\.0\.0\.1' internal 'contoso\.com\. IN NS NOERROR'
ok_if "after priming unbound asked ns1's address on port 53" \
    grep -qF "reply from <contoso.com.> $NS_ADDR#53" "$UNBOUND_LOG"
# The view is chosen by the resolver's address.
ok_if "the daemon saw unbound from 127.0.0.1, internal view" \
    logged '127\.0\.0\.1' internal '_sipinternaltls\._tcp\.contoso\.com\. IN SRV NOERROR'
ok_if "no query was answered from the external view yet" \
    test -z "$(grep -E '^ocsdnsd: query [^ ]+ external ' "$DAEMON_LOG")"
unbound_stop

# ---------------------------------------------------------------- external

# The same resolver asking from 127.0.0.2 gets what the Internet sees.
unbound_start external 127.0.0.2

uq _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr_re ANSWER '^_sip\._tls\.contoso\.com\. [0-9]+ IN SRV 0 0 443 sip\.contoso\.com\.$'
uq sip.contoso.com A
expect_status NOERROR
expect_rr_re ANSWER '^sip\.contoso\.com\. [0-9]+ IN A 203\.0\.113\.10$'
expect_count ANSWER 1
uq _sipinternaltls._tcp.contoso.com SRV
expect_relayed_negative NXDOMAIN
uq pool01.contoso.com A
expect_relayed_negative NXDOMAIN
uq _tcp.contoso.com TXT
expect_relayed_negative NOERROR
uq _sipfederationtls._tcp.contoso.com SRV
expect_rr_re ANSWER '^_sipfederationtls\._tcp\.contoso\.com\. [0-9]+ IN SRV 0 0 5061 sip\.contoso\.com\.$'

ok_if "the second unbound primed the stub too" \
    grep -q 'priming successful for contoso.com. NS IN' "$UNBOUND_LOG"
ok_if "the daemon saw it from 127.0.0.2, external view" \
    logged '127\.0\.0\.2' external 'sip\.contoso\.com\. IN A NOERROR'
ok_if "the priming NS query came from 127.0.0.2 too" \
    logged '127\.0\.0\.2' external 'contoso\.com\. IN NS NOERROR'
unbound_stop

finish
