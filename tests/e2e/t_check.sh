#!/usr/bin/env bash
# t_check.sh -- ocsdnsd -t runs Communicator's sign-in for every SIP domain
# in every view: a verdict line each, FILE:LINE: error for what cannot work
# (exit 1, and a reload keeps the old data), warning for a likely mistake.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

RUN_OUT=
RUN_ERR=
RUN_RC=

# t NAME: ocsdnsd -t -c $TMPD/NAME.ini, keeping stdout, stderr, status.
t() {
	LASTQ="$OCSDNSD -t -c $TMPD/$1.ini"
	"$OCSDNSD" -t -c "$TMPD/$1.ini" >"$TMPD/run.out" 2>"$TMPD/run.err" </dev/null
	RUN_RC=$?
	RUN_OUT=$(cat "$TMPD/run.out")
	RUN_ERR=$(cat "$TMPD/run.err")
	OUT="exit status $RUN_RC
stdout:
$RUN_OUT
stderr:
$RUN_ERR"
	OUT_SHOWN=0
}

expect_rc() {
	if [ "$RUN_RC" = "$1" ]; then
		pass "exit status $1"
	else
		fail "expected exit status $1, got $RUN_RC"
	fi
}

# expect_line STREAM TEXT: a line of stdout or stderr is exactly TEXT.
expect_line() {
	local text
	if [ "$1" = out ]; then text=$RUN_OUT; else text=$RUN_ERR; fi
	if printf '%s\n' "$text" | grep -qxF -- "$2"; then
		pass "$1: $2"
	else
		fail "expected on std$1: $2"
	fi
}

# expect_nlines STREAM N: stdout or stderr has N lines.
expect_nlines() {
	local text n
	if [ "$1" = out ]; then text=$RUN_OUT; else text=$RUN_ERR; fi
	n=$(printf '%s' "$text" | grep -c '')
	if [ "$n" = "$2" ]; then
		pass "$1: $2 lines"
	else
		fail "expected $2 lines on std$1, got $n"
	fi
}

# The lab shape: an internal and an external view, one SIP domain.
head_conf() {
	cat <<'EOF'
[view internal]
match = 127.0.0.1, 10.0.0.0/8

[view external]
match = any
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federation = yes

EOF
}
NS_HOST='[host ns1.contoso.com]
address.internal = 10.0.0.2
address.external = 203.0.113.2'

# ---- the fixed configuration: OK, one verdict line per domain and view
{ head_conf; cat <<EOF
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/good.ini"
t good
expect_rc 0
expect_line out 'view internal: contoso.com: Communicator would connect to pool01.contoso.com:5061 over TLS (10.0.0.10)'
expect_line out 'view external: contoso.com: Communicator would connect to sip.contoso.com:443 over TLS (203.0.113.10)'
expect_nlines out 3
expect_nlines err 0

# ---- the Access Edge given only an internal address: the external view
# serves _sip._tls and federation to a name with no address there
{ head_conf; cat <<EOF
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address.internal = 10.0.0.5

$NS_HOST
EOF
} >"$TMPD/edge.ini"
t edge
expect_rc 1
expect_line err "$TMPD/edge.ini:10: error: [domain contoso.com] access_edge: target sip.contoso.com has no address in view external, which serves SRV records for it (_sip._tls.contoso.com, _sip._tcp.contoso.com, _sipfederationtls._tcp.contoso.com): [host sip.contoso.com] at line 16 has no address that view publishes"
expect_nlines err 1
expect_line out 'view external: contoso.com: Communicator could not sign in automatically to contoso.com: no usable SRV record and no fallback name resolves'
case $RUN_OUT in
*OK*) fail "edge.ini: stdout must not say OK" ;;
*) pass "edge.ini: no OK" ;;
esac

# ---- a pool host with only an external address: nothing inside
{ head_conf; cat <<EOF
[host pool01.contoso.com]
address.external = 203.0.113.9

[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/poolext.ini"
t poolext
expect_rc 1
expect_line err "$TMPD/poolext.ini:9: error: [domain contoso.com] pool: target pool01.contoso.com has no address in view internal, which serves SRV records for it (_sipinternaltls._tcp.contoso.com, _sipinternal._tcp.contoso.com): [host pool01.contoso.com] at line 13 has no address that view publishes"
expect_nlines err 1

# ---- pool = pool1: the loader refuses it, with file and line
{ head_conf | sed 's/^pool = .*/pool = pool1/'; cat <<EOF
[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/single.ini"
t single
expect_rc 1
expect_line err "$TMPD/single.ini:9: pool = pool1: no [pool pool1] is defined, and pool1 is not a fully qualified name (did you mean pool1.contoso.com?)"

# ---- pool = pool01.contoso.com:5061: priority 5061, a port was meant
{ head_conf | sed 's/^pool = .*/pool = pool01.contoso.com:5061/'; cat <<EOF
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/port.ini"
t port
expect_rc 0
expect_line err "$TMPD/port.ini:9: warning: [domain contoso.com] pool: in pool01.contoso.com:5061 the number is the SRV priority (host:priority:weight), not a port: 5061 is the _sipinternaltls._tcp port (set ports with sipinternaltls_port)"
expect_nlines err 1
expect_line out "$TMPD/port.ini: OK: 1 zone, 17 records"

# ---- the default ns1.<domain> with no address: a warning, once
{ head_conf; cat <<'EOF'
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10
EOF
} >"$TMPD/ns.ini"
t ns
expect_rc 0
expect_line err "$TMPD/ns.ini:8: warning: [domain contoso.com] ns: name server ns1.contoso.com has no address in views internal, external: a resolver that primes the zone gets NXDOMAIN for it and may fail every query (it is the default ns; add [host ns1.contoso.com] with an address)"
expect_nlines err 1

# ---- an SRV target that is an alias (CNAME): RFC 2782 forbids it
{ head_conf; cat <<EOF
[host pool01.contoso.com]
cname = fe01.contoso.com

[host fe01.contoso.com]
address.internal = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/cname.ini"
t cname
expect_rc 1
expect_line err "$TMPD/cname.ini:9: error: [domain contoso.com] pool: target pool01.contoso.com is an alias (cname = fe01.contoso.com, line 14): RFC 2782 forbids an alias as SRV target, name fe01.contoso.com itself"
expect_nlines err 1

# ---- the same from a zone file: the zone file has the errors; its
# private address in the external view is a warning
mkdir -p "$TMPD/zz"
cat >"$TMPD/zz/contoso.com.zone" <<'EOF'
$TTL 3600
_sipinternaltls._tcp IN SRV 0 0 5061 alias.contoso.com.
alias IN CNAME fe01
fe01 IN A 10.0.0.10
EOF
cat >"$TMPD/zone.ini" <<EOF
[server]
zones = zz

[view internal]
match = 127.0.0.1

[view external]
match = any
scope = external

[domain contoso.com]
access_edge = sip.contoso.com

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 203.0.113.2
EOF
t zone
expect_rc 1
expect_line err "$TMPD/zz/contoso.com.zone: error: _sipinternaltls._tcp.contoso.com: SRV target alias.contoso.com is an alias (CNAME): RFC 2782 forbids it, name the host itself (the zone file has errors)"
expect_line err "$TMPD/zz/contoso.com.zone: warning: fe01.contoso.com: 10.0.0.10 is a private address, published in external view external (a zone file for that view alone keeps it inside)"

# ---- the examples: OK with no warning
for ex in ocsdnsd.ini ocsdnsd-lab.ini; do
	cp "$top_srcdir/conf/$ex" "$TMPD/ex.ini"
	rm -rf "$TMPD/zones"
	cp -R "$top_srcdir/zones" "$TMPD/zones"
	sed -i 's|^zones = \.\./zones|zones = zones|' "$TMPD/ex.ini"
	t ex
	expect_rc 0
	expect_nlines err 0
done

# ---- _sip._tls on the federation port: a warning at the port key, once
{ head_conf; cat <<EOF
sip_tls_port = 5061

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

$NS_HOST
EOF
} >"$TMPD/crossed.ini"
t crossed
expect_rc 0
expect_line err "$TMPD/crossed.ini:8: warning: [domain contoso.com] sip_tls_port = 5061: _sip._tls.contoso.com: SRV port 5061 is the port of _sipinternaltls._tcp and _sipfederationtls._tcp, not of _sip._tls (443): records crossed?"
expect_nlines err 1

# ---- the default NS without an address: one warning naming both views
{ head_conf; cat <<EOF
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10
EOF
} >"$TMPD/nsless.ini"
t nsless
expect_rc 0
expect_line err "$TMPD/nsless.ini:8: warning: [domain contoso.com] ns: name server ns1.contoso.com has no address in views internal, external: a resolver that primes the zone gets NXDOMAIN for it and may fail every query (it is the default ns; add [host ns1.contoso.com] with an address)"
expect_nlines err 1

# ---- a cname to a typo of a configured host: "did you mean"
{ head_conf; cat <<EOF
[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host meet.contoso.com]
cname = pool10.contoso.com

[host dialin.contoso.com]
cname = nowhere.contoso.com

$NS_HOST
EOF
} >"$TMPD/typo.ini"
t typo
expect_rc 0
expect_line err "$TMPD/typo.ini:20: warning: [host meet.contoso.com] cname: pool10.contoso.com does not exist: did you mean pool01.contoso.com?"
expect_line err "$TMPD/typo.ini:23: warning: [host dialin.contoso.com] cname: nowhere.contoso.com does not exist: the alias points nowhere"
expect_nlines err 2

# ---- as root with allow_root = yes and no user: "would run as root"
if [ "$(id -u)" = 0 ]; then
	{ printf '[server]\nallow_root = yes\n\n'; cat "$TMPD/good.ini"; } >"$TMPD/root.ini"
	t root
	expect_rc 0
	expect_line err "$TMPD/root.ini: warning: [server] allow_root = yes and no user: ocsdnsd would run as root (set [server] user to drop to it after binding)"
	expect_nlines err 1
	{ printf '[server]\nallow_root = yes\nuser = nobody\n\n'; cat "$TMPD/good.ini"; } >"$TMPD/rootuser.ini"
	t rootuser
	expect_rc 0
	expect_nlines err 0
fi

# ---- a reload that the check refuses keeps the old data
cp "$TMPD/good.ini" "$CONF"
start_daemon
q -b 127.0.0.1 _sipinternaltls._tcp.contoso.com SRV
expect_rr ANSWER '_sipinternaltls._tcp.contoso.com. 3600 IN SRV 0 0 5061 pool01.contoso.com.'
sed 's/^address = 10.0.0.10$/address.external = 203.0.113.9/' "$TMPD/good.ini" >"$CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'has errors, not reloading' "$DAEMON_LOG" && break
	sleep 0.1
done
ok_if "reload: 'has errors, not reloading'" grep -q 'has errors, not reloading' "$DAEMON_LOG"
ok_if "reload: the error names file and line" grep -qF "$CONF:9: error: [domain contoso.com] pool: target pool01.contoso.com has no address in view internal" "$DAEMON_LOG"
q -b 127.0.0.1 pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
# A good file reloads, with a verdict line per domain and view in the log.
cp "$TMPD/good.ini" "$CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'reloaded' "$DAEMON_LOG" && break
	sleep 0.1
done
ok_if "reload: a good file is reloaded" grep -q 'reloaded' "$DAEMON_LOG"
ok_if "reload: the verdict is logged" grep -qF 'view external: contoso.com: Communicator would connect to sip.contoso.com:443 over TLS (203.0.113.10)' "$DAEMON_LOG"
# The diagnostics are the daemon's lines: its prefix, like all the others.
ok_if "reload: the error is a line of the daemon" grep -qF "ocsdnsd: $CONF:9: error: [domain contoso.com] pool:" "$DAEMON_LOG"
# A zone file with an error: the zone file has errors, not the INI.
mkdir -p "$TMPD/zones"
printf 'www IN A 10.0.0.300\n' >"$TMPD/zones/contoso.com.zone"
{ printf '[server]\nzones = %s\n\n' "$TMPD/zones"; cat "$TMPD/good.ini"; } >"$CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'zone file .* has errors' "$DAEMON_LOG" && break
	sleep 0.1
done
ok_if "reload: a bad zone file is named, not the INI" grep -qF "ocsdnsd: zone file $TMPD/zones/contoso.com.zone has errors, not reloading $CONF" "$DAEMON_LOG"
ok_if "reload: the zone file's error is a line of the daemon" grep -qF "ocsdnsd: $TMPD/zones/contoso.com.zone:1:" "$DAEMON_LOG"
q -b 127.0.0.1 pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'

# ---- one list: the loader's and the check's messages sorted by line
# (the check's NS warning at the [domain] header comes before the
# loader's warning at line 3, though the loader spoke first)
cat >"$TMPD/order.ini" <<'INI'
[domain contoso.com]
pool = pool1.contoso.com
access_edge = sip.corp.local
[host pool1.contoso.com]
address = 10.0.0.1
INI
t order
expect_rc 0
first=$(printf '%s\n' "$RUN_ERR" | sed -n 1p)
second=$(printf '%s\n' "$RUN_ERR" | sed -n 2p)
LASTQ="$OCSDNSD -t -c $TMPD/order.ini"
ok_if "-t: the line-1 warning (sign-in check) is printed first" \
    sh -c 'case "$1" in *order.ini:1:\ warning:*ns1.contoso.com*) ;; *) exit 1 ;; esac' _ "$first"
ok_if "-t: the line-3 warning (loader) second" \
    sh -c 'case "$1" in *order.ini:3:\ warning:*outside\ the\ SIP\ domain*) ;; *) exit 1 ;; esac' _ "$second"

# ---- a daemon that will not start says why as its own lines, prefixed
printf '[domain contoso.com]\npool = pool1.contoso.com\nacess_edge = x.contoso.com\n' \
    >"$TMPD/nostart.ini"
"$OCSDNSD" -R -c "$TMPD/nostart.ini" -l 127.0.0.1:1 >"$TMPD/nostart.out" 2>&1 </dev/null
rc=$?
LASTQ="$OCSDNSD -R -c $TMPD/nostart.ini"
OUT=$(cat "$TMPD/nostart.out")
OUT_SHOWN=0
ok_if "a bad file: the daemon exits 1" [ "$rc" = 1 ]
ok_if "a bad file: the daemon's line has its prefix" grep -qF \
    "ocsdnsd: $TMPD/nostart.ini:3: unknown key 'acess_edge' in [domain]: did you mean access_edge?" \
    "$TMPD/nostart.out"

# ---- -v: the start-up's phases and their times, for a large file's operator
printf '[domain contoso.com]\npool = pool1.contoso.com\n[host pool1.contoso.com]\naddress = 10.0.0.10\n' \
    >"$TMPD/phases.ini"
"$OCSDNSD" -v -t -c "$TMPD/phases.ini" >"$TMPD/phases.out" 2>&1 </dev/null
rc=$?
LASTQ="$OCSDNSD -v -t -c $TMPD/phases.ini"
OUT=$(cat "$TMPD/phases.out")
OUT_SHOWN=0
ok_if "-v -t: the file is fine" [ "$rc" = 0 ]
ok_if "-v: the read and the checks timed, with the counts" grep -qE \
    "^ocsdnsd: $TMPD/phases.ini: read in [0-9]+ ms, checked in [0-9]+ ms: 1 domains, 1 hosts\$" \
    "$TMPD/phases.out"
ok_if "-v: each view's synthesis timed" grep -qE \
    "^ocsdnsd: view default: 1 zones synthesized in [0-9]+ ms \\(1 thread\\)\$" \
    "$TMPD/phases.out"
ok_if "-v: the serials timed, with the zone names" grep -qE \
    "^ocsdnsd: 1 zone names: serials in [0-9]+ ms\$" "$TMPD/phases.out"
ok_if "-v: each view's answers timed" grep -qE \
    "^ocsdnsd: view default: answers compiled in [0-9]+ ms\$" "$TMPD/phases.out"
"$OCSDNSD" -t -c "$TMPD/phases.ini" >"$TMPD/phases.out" 2>&1 </dev/null
OUT=$(cat "$TMPD/phases.out")
ok_if "without -v: no phase times" sh -c "! grep -q ' synthesized in ' '$TMPD/phases.out'"
# Served: the domains and hosts are freed while the answers are compiled.
[ -z "$DAEMON_PID" ] || stop_daemon
SAVED_CONF=$CONF
CONF=$TMPD/phases.ini DAEMON_ARGS=-v start_daemon
ok_if "-v, served: the configuration shed beside the answers" grep -qE \
    "^ocsdnsd: configuration shed in [0-9]+ ms, beside the answers\$" "$DAEMON_LOG"
ok_if "-v, served: the answers compiled before the shed is reported" sh -c \
    "grep -nE 'answers compiled in|configuration shed in' '$DAEMON_LOG' | head -1 | grep -q 'answers compiled'"
q -b 127.0.0.1 pool1.contoso.com A
expect_rr ANSWER 'pool1.contoso.com. 3600 IN A 10.0.0.10'
stop_daemon
# A file over 4 MiB is read in parts, into pages the build's arenas take
# once it is parsed (and the strings' pages, once shed), not fresh ones.
awk 'BEGIN { print "[server]\nttl = 60\n"
	for (i = 0; i < 40000; i++)
		printf "[domain d%05d.lab]\npool = pool01.d%05d.lab\n\n" \
		    "[host pool01.d%05d.lab]\naddress = 10.%d.%d.10\n\n",
		    i, i, i, int(i / 256) % 256, i % 256 }' >"$TMPD/big.ini"
CONF=$TMPD/big.ini DAEMON_ARGS=-v start_daemon
ok_if "-v, a large file: its pages and its strings' reused" sh -c \
    "grep -E '^ocsdnsd: pages reused: [0-9]+ MiB of the [0-9]+ MiB given back\$' '$DAEMON_LOG' |
    awk '{ exit !(\$4 > 0 && \$4 <= \$8 && \$8 >= 4) }'"
q -b 127.0.0.1 pool01.d39999.lab A
expect_rr ANSWER 'pool01.d39999.lab. 60 IN A 10.156.63.10'
stop_daemon
CONF=$SAVED_CONF

finish
