#!/usr/bin/env bash
# t_lookup.sh -- ocsdns-lookup against ocsdnsd (split horizon) and against NSD serving faulty zones.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${top_builddir:=$E2E_DIR/../..}"
: "${OCSDNS_LOOKUP:=$top_builddir/src/ocsdns-lookup}"
NSD_PID=
NSD_DIR=

e2e_init
if [ ! -x "$OCSDNS_LOOKUP" ]; then
	die "ocsdns-lookup $OCSDNS_LOOKUP is missing or not executable (set OCSDNS_LOOKUP)"
fi

stop_nsd() {
	local pid=$NSD_PID
	[ -n "$pid" ] || return 0
	NSD_PID=
	kill -TERM "$pid" 2>/dev/null || :
	for _ in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
}
trap 'rc=$?; stop_nsd; (exit $rc); e2e_cleanup' EXIT

# ---------------------------------------------------------------- helpers

LK_RC=
# lk ARGS...: runs ocsdns-lookup; output in $OUT, exit status in $LK_RC.
lk() {
	LASTQ="ocsdns-lookup $*"
	OUT=$("$OCSDNS_LOOKUP" "$@" 2>&1)
	LK_RC=$?
	OUT_SHOWN=0
}

expect_rc() {
	if [ "$LK_RC" = "$1" ]; then
		pass "exit status $1"
	else
		fail "expected exit status $1, got $LK_RC"
	fi
}

expect_line() {	# expect_line 'ERE': a whole line of the output matches
	if printf '%s\n' "$OUT" | grep -qE -- "^$1\$"; then
		pass "line /$1/"
	else
		fail "expected a line matching /^$1\$/"
	fi
}

expect_lk_re() {
	if printf '%s\n' "$OUT" | grep -qE -- "$1"; then
		pass "output matches /$1/"
	else
		fail "expected the output to match /$1/"
	fi
}

expect_no_lk_re() {
	if printf '%s\n' "$OUT" | grep -qE -- "$1"; then
		fail "the output must not match /$1/"
	else
		pass "output lacks /$1/"
	fi
}

# expect_json 'PYTHON EXPR': the output is JSON (python3 -m json.tool reads
# it) and the expression, over the parsed object j, is true.
expect_json() {
	if ! printf '%s\n' "$OUT" | python3 -m json.tool >/dev/null 2>&1; then
		fail "python3 -m json.tool does not accept the output"
		return
	fi
	if printf '%s\n' "$OUT" | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" 2>/dev/null; then
		pass "json: $1"
	else
		fail "json: expected $1"
	fi
}

# The query column of the table, in order.
table_names() {
	printf '%s\n' "$OUT" | awk '/^QUERY /{on = 1; next} on && /^$/{exit} on && /^[^ ]/{print $1 " " $2}'
}

# ---------------------------------------------------------------- ocsdnsd, example config

# The example as shipped, read in place: it names its zones directory
# relative to itself.
CONF=$top_srcdir/conf/ocsdnsd.ini
DAEMON_V6=1
start_daemon
SRV=127.0.0.1:$PORT

# Inside: the pool over TLS, the internal records noted, all queries listed.
lk -s "$SRV" -b 127.0.0.1 alice@contoso.com
expect_rc 0
expect_line 'Communicator would connect to pool01\.contoso\.com:5061 over TLS \(10\.0\.0\.1[01], 10\.0\.0\.1[01]\)'
expect_line 'note: internal SRV records are visible from this source'
expect_no_lk_re '^warning:'
expect_lk_re '^_sipinternaltls\._tcp\.contoso\.com +SRV +NOERROR +[0-9.]+ +3600 +0 0 5061 pool01\.contoso\.com\.$'
expect_lk_re '^_sipfederationtls\._tcp\.contoso\.com +SRV +NOERROR .* 0 0 5061 sip\.contoso\.com\.$'
expect_lk_re '^pool01\.contoso\.com +A +NOERROR '
expect_lk_re '^sip\.contoso\.com +AAAA +NOERROR +[0-9.]+ +3600 +2001:db8::10$'
expect_lk_re "server 127\\.0\\.0\\.1 port $PORT, source 127\\.0\\.0\\.1\$"
want='_sipinternaltls._tcp.contoso.com SRV
_sipinternal._tcp.contoso.com SRV
_sip._tls.contoso.com SRV
_sip._tcp.contoso.com SRV
_sipfederationtls._tcp.contoso.com SRV
pool01.contoso.com A
pool01.contoso.com AAAA
sip.contoso.com A
sip.contoso.com AAAA
contoso.com NS
ns1.contoso.com A
ns1.contoso.com AAAA'
ok_if "queries in the client's order" test "$(table_names)" = "$want"

# Outside: the Access Edge on 443, nothing internal visible.
lk -s "$SRV" -b 127.0.0.2 sip:alice@CONTOSO.com
expect_rc 0
expect_line 'Communicator would connect to sip\.contoso\.com:443 over TLS \(203\.0\.113\.10, 2001:db8::10\)'
expect_no_lk_re 'internal SRV records are visible'
expect_no_lk_re 'pool01'
expect_no_lk_re '^warning:'
expect_lk_re '^_sipinternaltls\._tcp\.contoso\.com +SRV +NXDOMAIN '

# JSON for scripts.
lk -s "$SRV" -b 127.0.0.1 --json alice@contoso.com
expect_rc 0
expect_json 'j["signin"] is True and j["domain"] == "contoso.com"'
expect_json 'j["connect"]["host"] == "pool01.contoso.com" and j["connect"]["port"] == 5061 and j["connect"]["transport"] == "TLS"'
expect_json 'j["connect"]["record"] == "_sipinternaltls._tcp.contoso.com" and sorted(j["connect"]["addresses"]) == ["10.0.0.10", "10.0.0.11"]'
expect_json '[q["name"] for q in j["queries"][:5]] == ["_sipinternaltls._tcp.contoso.com", "_sipinternal._tcp.contoso.com", "_sip._tls.contoso.com", "_sip._tcp.contoso.com", "_sipfederationtls._tcp.contoso.com"]'
expect_json 'all(q["type"] == "SRV" and q["rcode"] == "NOERROR" and isinstance(q["ms"], float) for q in j["queries"][:5])'
expect_json 'j["queries"][0]["answers"] == [{"name": "_sipinternaltls._tcp.contoso.com", "ttl": 3600, "type": "SRV", "data": "0 0 5061 pool01.contoso.com."}]'
expect_json 'j["verdict"].startswith("Communicator would connect to pool01.contoso.com:5061 over TLS")'
expect_json 'j["warnings"] == [] and j["notes"] == ["internal SRV records are visible from this source"]'
lk -s "$SRV" -b 127.0.0.2 --json contoso.com
expect_json 'j["connect"]["host"] == "sip.contoso.com" and j["connect"]["port"] == 443 and j["notes"] == []'

# fabrikam: two pools for one domain; the best (priority 0) is used.
lk -s "$SRV" -b 127.0.0.1 bob@fabrikam.com
expect_rc 0
expect_line 'warning: fabrikam\.com: the internal SRV records name 2 hosts \(pool01\.fabrikam\.com, pool02\.fabrikam\.com\).*'
expect_line 'Communicator would connect to pool01\.fabrikam\.com:5061 over TLS \(10\.1\.0\.10\)'
expect_lk_re '^_sip\._tcp\.fabrikam\.com +SRV +NXDOMAIN '
lk -s "$SRV" -b 127.0.0.2 bob@fabrikam.com
expect_rc 0
expect_no_lk_re 'pools?|internal SRV records'
expect_line 'Communicator would connect to sip\.fabrikam\.com:443 over TLS \(203\.0\.113\.20\)'

# A domain the server does not serve.
lk -s "$SRV" -b 127.0.0.1 carol@example.org
expect_rc 1
expect_lk_re '^warning: REFUSED for 9 queries'
expect_line 'Communicator could not sign in automatically to example\.org: .*'
lk -s "$SRV" --json example.org
expect_rc 1
expect_json 'j["signin"] is False and j["connect"] is None and len(j["warnings"]) == 1'

# Over IPv6: ::1 is inside.
if [ "$HAVE_IPV6" = 1 ]; then
	lk -s "[::1]:$PORT" -b ::1 alice@contoso.com
	expect_rc 0
	expect_line 'Communicator would connect to pool01\.contoso\.com:5061 over TLS .*'
fi
stop_daemon

# Nobody listening: a bounded wait, then exit 1.
DEAD=$(pick_port) || die "no free loopback port"
start=$SECONDS
lk -s "127.0.0.1:$DEAD" -t 0.3 contoso.com
expect_rc 1
expect_lk_re '^warning: no reply for 3 queries'
expect_lk_re '^sipexternal\.contoso\.com +A +SKIPPED '
ok_if "an unreachable server costs a few seconds at most" test $((SECONDS - start)) -le 5

# Usage errors.
lk
expect_rc 2
lk -s 127.0.0.1:99999 contoso.com
expect_rc 2
lk -t 0 contoso.com
expect_rc 2
lk -b not-an-address -s 127.0.0.1 contoso.com
expect_rc 2
lk 'alice@bad domain'
expect_rc 2
lk contoso.com fabrikam.com
expect_rc 2
lk -h
expect_rc 0
expect_lk_re '^usage: ocsdns-lookup'

# ---------------------------------------------------------------- NSD, faulty zones

if ! command -v nsd >/dev/null 2>&1; then
	fail "nsd is not installed (apt-get install nsd): the faulty-zone checks need it"
	finish
fi
NSD_DIR=$TMPD/nsd
mkdir -p "$NSD_DIR"
NSD_PORT=$(pick_port) || die "no free loopback port"
cat >"$NSD_DIR/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$NSD_PORT
	port: $NSD_PORT
	username: ""
	chroot: ""
	zonesdir: "$NSD_DIR"
	pidfile: "$NSD_DIR/nsd.pid"
	database: ""
	xfrdfile: "$NSD_DIR/xfrd.state"
	xfrdir: "$NSD_DIR"
	zonelistfile: "$NSD_DIR/zone.list"
	logfile: "$NSD_DIR/nsd.log"
	server-count: 1
	tcp-count: 10
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: litwareinc.com
	zonefile: "litwareinc.com.zone"
zone:
	name: adatum.com
	zonefile: "adatum.com.zone"
zone:
	name: wingtiptoys.com
	zonefile: "wingtiptoys.com.zone"
zone:
	name: corp.local
	zonefile: "corp.local.zone"
zone:
	name: fourthcoffee.com
	zonefile: "fourthcoffee.com.zone"
zone:
	name: broken.test
	zonefile: "broken.test.zone.missing"
EOF
# litwareinc.com: the pool records are broken (a target outside the domain,
# a target without an address), the edge works but with TTL 0.
cat >"$NSD_DIR/litwareinc.com.zone" <<'EOF'
$ORIGIN litwareinc.com.
$TTL 3600
@	IN SOA ns1 hostmaster 1 3600 600 604800 300
	IN NS ns1
ns1	IN A 127.0.0.1
_sipinternaltls._tcp	IN SRV 0 0 5061 pool01.corp.local.
_sipinternal._tcp	IN SRV 0 0 5060 pool02.litwareinc.com.
pool02	IN TXT "an SRV target without an address"
_sip._tls	0 IN SRV 0 0 443 sip.litwareinc.com.
sip	0 IN A 203.0.113.30
EOF
# adatum.com: nothing works: the pool is outside the domain, the edge has no
# address, no fallback name.
cat >"$NSD_DIR/adatum.com.zone" <<'EOF'
$ORIGIN adatum.com.
$TTL 3600
@	IN SOA ns1 hostmaster 1 3600 600 604800 300
	IN NS ns1
ns1	IN A 127.0.0.1
_sipinternaltls._tcp	IN SRV 0 0 5061 pool01.corp.local.
_sip._tls	IN SRV 0 0 443 edge.adatum.com.
EOF
# wingtiptoys.com: no SRV at all, only a fallback name.
cat >"$NSD_DIR/wingtiptoys.com.zone" <<'EOF'
$ORIGIN wingtiptoys.com.
$TTL 3600
@	IN SOA ns1 hostmaster 1 3600 600 604800 300
	IN NS ns1
ns1	IN A 127.0.0.1
sipexternal	IN A 203.0.113.40
EOF
# fourthcoffee.com: the edge's records crossed (_sip._tls on federation's
# port, federation on _sip._tls's), the pool written without its trailing
# dot, a name server with no address.
cat >"$NSD_DIR/fourthcoffee.com.zone" <<'EOF'
$ORIGIN fourthcoffee.com.
$TTL 3600
@	IN SOA ns1 hostmaster 1 3600 600 604800 300
	IN NS ns1
	IN NS ns2
ns1	IN A 127.0.0.1
_sipinternaltls._tcp	IN SRV 0 0 5061 pool01.fourthcoffee.com
_sip._tls	IN SRV 0 0 5061 sip.fourthcoffee.com.
_sipfederationtls._tcp	IN SRV 0 0 443 sip.fourthcoffee.com.
pool01	IN A 10.4.0.10
sip	IN A 203.0.113.50
EOF
cat >"$NSD_DIR/corp.local.zone" <<'EOF'
$ORIGIN corp.local.
$TTL 3600
@	IN SOA ns1 hostmaster 1 3600 600 604800 300
	IN NS ns1
ns1	IN A 127.0.0.1
pool01	IN A 10.9.0.10
EOF

nsd -d -c "$NSD_DIR/nsd.conf" >"$NSD_DIR/nsd.out" 2>&1 &
NSD_PID=$!
deadline=$((SECONDS + 6))
up=0
while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$NSD_PID" 2>/dev/null; do
	if dig +tries=1 +time=1 -p "$NSD_PORT" @127.0.0.1 corp.local SOA 2>&1 |
	    grep -q 'status: NOERROR'; then
		up=1
		break
	fi
	sleep 0.1
done
if [ "$up" != 1 ]; then
	cat "$NSD_DIR/nsd.out" "$NSD_DIR/nsd.log" >&2 2>/dev/null
	die "nsd did not answer on 127.0.0.1:$NSD_PORT"
fi
NS=127.0.0.1:$NSD_PORT

lk -s "$NS" alice@litwareinc.com
expect_rc 0
expect_line 'warning: _sipinternaltls\._tcp\.litwareinc\.com: target pool01\.corp\.local is outside the SIP domain litwareinc\.com \(strict domain matching.*'
expect_line 'warning: SRV target pool02\.litwareinc\.com has no A or AAAA record'
expect_line 'warning: _sip\._tls\.litwareinc\.com SRV has TTL 0.*'
expect_line 'warning: sip\.litwareinc\.com A has TTL 0.*'
expect_line 'warning: _sipinternaltls\._tcp\.litwareinc\.com: no target is usable.*'
expect_line 'warning: _sipinternal\._tcp\.litwareinc\.com: no target is usable.*'
expect_line 'note: internal SRV records are visible from this source'
expect_line 'Communicator would connect to sip\.litwareinc\.com:443 over TLS \(203\.0\.113\.30\)'
expect_lk_re '^pool01\.corp\.local +A +NOERROR +[0-9.]+ +3600 +10\.9\.0\.10$'
lk -s "$NS" --json alice@litwareinc.com
expect_rc 0
expect_json 'j["connect"]["record"] == "_sip._tls.litwareinc.com" and len(j["warnings"]) == 7'
expect_json 'any("outside the SIP domain" in w for w in j["warnings"]) and any("TTL 0" in w for w in j["warnings"])'

lk -s "$NS" alice@adatum.com
expect_rc 1
expect_line 'warning: _sipinternaltls\._tcp\.adatum\.com: target pool01\.corp\.local is outside the SIP domain adatum\.com .*'
expect_line 'warning: SRV target edge\.adatum\.com has no A or AAAA record'
expect_lk_re '^sipinternal\.adatum\.com +A +NXDOMAIN '
expect_lk_re '^sipexternal\.adatum\.com +A +NXDOMAIN '
expect_line 'Communicator could not sign in automatically to adatum\.com: .*'
lk -s "$NS" --json alice@adatum.com
expect_rc 1
expect_json 'j["signin"] is False and j["connect"] is None'

lk -s "$NS" alice@wingtiptoys.com
expect_rc 0
expect_line 'Communicator would connect to sipexternal\.wingtiptoys\.com:443 over TLS \(203\.0\.113\.40\), found by the fallback A name lookup.*'
expect_lk_re '^sipinternal\.wingtiptoys\.com +A +NXDOMAIN '
expect_lk_re '^sip\.wingtiptoys\.com +A +NXDOMAIN '

lk -s "$NS" alice@fourthcoffee.com
expect_rc 0
expect_line 'warning: _sip\._tls\.fourthcoffee\.com: SRV port 5061 is the port of _sipinternaltls\._tcp and _sipfederationtls\._tcp, not of _sip\._tls \(443\): records crossed\?'
expect_line 'warning: _sipfederationtls\._tcp\.fourthcoffee\.com: SRV port 443 is the port of _sip\._tls and _sip\._tcp, not of _sipfederationtls\._tcp \(5061\): records crossed\?'
expect_line 'warning: SRV target pool01\.fourthcoffee\.com\.fourthcoffee\.com repeats the domain fourthcoffee\.com and has no address: a name without its trailing dot in a zone file\? \(pool01\.fourthcoffee\.com\. was meant\)'
expect_no_lk_re 'pool01\.fourthcoffee\.com\.fourthcoffee\.com has no A or AAAA'
expect_line 'warning: fourthcoffee\.com NS ns2\.fourthcoffee\.com has no A or AAAA record: a resolver that primes the zone gets no address for it and may fail every query'
expect_no_lk_re 'NS ns1\.fourthcoffee\.com has no'
expect_lk_re '^ns2\.fourthcoffee\.com +AAAA +NXDOMAIN '
expect_line 'Communicator would connect to sip\.fourthcoffee\.com:5061 over TLS \(203\.0\.113\.50\)'

# A zone NSD could not load: SERVFAIL.
lk -s "$NS" alice@broken.test
expect_rc 1
expect_lk_re '^warning: SERVFAIL for 9 queries'
expect_lk_re '^_sip\._tls\.broken\.test +SRV +SERVFAIL '

stop_nsd
finish
