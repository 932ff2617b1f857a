#!/usr/bin/env bash
# t_connect.sh -- ocsdns-lookup --connect and --client against ocsdnsd and local TLS/TCP listeners.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${top_builddir:=$E2E_DIR/../..}"
: "${OCSDNS_LOOKUP:=$top_builddir/src/ocsdns-lookup}"
LISTENER_PID=

e2e_init
[ -x "$OCSDNS_LOOKUP" ] ||
    die "ocsdns-lookup $OCSDNS_LOOKUP is missing or not executable (set OCSDNS_LOOKUP)"
command -v openssl >/dev/null 2>&1 ||
    die "openssl is not installed (the quick start installs it): the certificates need it"

stop_listener() {
	local pid=$LISTENER_PID
	[ -n "$pid" ] || return 0
	LISTENER_PID=
	kill -TERM "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
}
trap 'rc=$?; stop_listener; (exit $rc); e2e_cleanup' EXIT

# ---------------------------------------------------------------- helpers

LK_RC=
lk() {	# lk ARGS...: output in $OUT, exit status in $LK_RC, time in $LK_S
	local t0=$SECONDS
	LASTQ="ocsdns-lookup $*"
	OUT=$("$OCSDNS_LOOKUP" "$@" 2>&1)
	LK_RC=$?
	LK_S=$((SECONDS - t0))
	OUT_SHOWN=0
}

expect_rc() {
	if [ "$LK_RC" = "$1" ]; then pass "exit status $1"
	else fail "expected exit status $1, got $LK_RC"; fi
}

expect_line() {	# a whole line of the output matches the ERE
	if printf '%s\n' "$OUT" | grep -qE -- "^$1\$"; then pass "line /$1/"
	else fail "expected a line matching /^$1\$/"; fi
}

expect_last() {	# the last line matches the ERE
	if printf '%s\n' "$OUT" | tail -n 1 | grep -qE -- "^$1\$"; then
		pass "last line /$1/"
	else
		fail "expected the last line to match /^$1\$/"
	fi
}

expect_no_lk_re() {
	if printf '%s\n' "$OUT" | grep -qE -- "$1"; then
		fail "the output must not match /$1/"
	else
		pass "output lacks /$1/"
	fi
}

expect_json() {	# expect_json 'PYTHON EXPR' over the parsed object j
	if printf '%s\n' "$OUT" | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" 2>/dev/null; then
		pass "json: $1"
	else
		fail "json: expected $1"
	fi
}

# ---------------------------------------------------------------- certificates

# A CA of the test, another nobody trusts, and leaf certificates signed
# with openssl ca (the only way to give an expired certificate its dates).
PKI=$TMPD/pki
mkdir -p "$PKI/new"
mkca() {	# mkca NAME: a self-signed CA in $PKI/NAME.{key,pem}
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
	    -subj "/CN=ocsdns test $1" -keyout "$PKI/$1.key" -out "$PKI/$1.pem" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 ||
	    die "openssl req: cannot make the CA $1"
}
mkca ca
mkca rogue
: >"$PKI/index.txt"
echo 01 >"$PKI/serial"
cat >"$PKI/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $PKI/index.txt
new_certs_dir = $PKI/new
serial = $PKI/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
# mkcert NAME CN SANS EKU CA [START END]: $PKI/NAME.{key,pem}
mkcert() {
	local name=$1 cn=$2 sans=$3 eku=$4 ca=$5 start=${6:-} end=${7:-}
	local dates=(-days 30)
	[ -z "$start" ] || dates=(-startdate "$start" -enddate "$end")
	{
		echo "basicConstraints = CA:FALSE"
		echo "keyUsage = digitalSignature, keyEncipherment"
		echo "extendedKeyUsage = $eku"
		[ -z "$sans" ] || echo "subjectAltName = $sans"
	} >"$PKI/$name.ext"
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$cn" \
	    -keyout "$PKI/$name.key" -out "$PKI/$name.csr" >/dev/null 2>&1 &&
	openssl ca -batch -notext -config "$PKI/ca.cnf" -cert "$PKI/$ca.pem" \
	    -keyfile "$PKI/$ca.key" -in "$PKI/$name.csr" -out "$PKI/$name.pem" \
	    -extfile "$PKI/$name.ext" "${dates[@]}" >/dev/null 2>&1 ||
	    die "openssl ca: cannot make the certificate $name"
}
mkcert good pool01.contoso.com DNS:pool01.contoso.com,DNS:sip.contoso.com serverAuth ca
mkcert wrong pool01.fabrikam.com DNS:pool01.fabrikam.com serverAuth ca
mkcert edgebad edge.adatum.com DNS:edge.adatum.com serverAuth ca
mkcert edgeok edge.fourthcoffee.com DNS:edge.fourthcoffee.com,DNS:sip.fourthcoffee.com serverAuth ca
mkcert expired pool01.wingtiptoys.com DNS:pool01.wingtiptoys.com serverAuth ca 20200101000000Z 20210101000000Z
mkcert untrusted pool01.tailspintoys.com DNS:pool01.tailspintoys.com serverAuth rogue
mkcert wild '*.margiestravel.com' 'DNS:*.margiestravel.com' serverAuth ca
mkcert client pool01.lucernepublishing.com DNS:pool01.lucernepublishing.com clientAuth ca

# ---------------------------------------------------------------- listeners

TLSP=$(pick_port) || die "no free loopback port"
TCPP=$(pick_port) || die "no free loopback port"
[ "$TLSP" != "$TCPP" ] || TCPP=$(pick_port) || die "no free loopback port"
tls() { echo "tls,$1,$TLSP,$PKI/$2.pem,$PKI/$2.key"; }
python3 "$top_srcdir/tests/data/connect/listener.py" "$TMPD/ready" \
    "$(tls 127.0.0.11 good)" "plain,127.0.0.11,$TCPP" \
    "$(tls 127.0.0.12 wrong)" "$(tls 127.0.0.13 edgebad)" \
    "$(tls 127.0.0.14 edgeok)" "$(tls 127.0.0.15 expired)" \
    "$(tls 127.0.0.16 untrusted)" "plain,127.0.0.17,$TLSP" \
    "plain,127.0.0.17,$TCPP" \
    "silent,127.0.0.19,$TLSP" "silent,127.0.0.19,$TCPP" \
    "full,127.0.0.20,$TLSP" \
    "$(tls 127.0.0.21 wild)" "$(tls 127.0.0.22 client)" \
    >"$TMPD/listener.log" 2>&1 &
LISTENER_PID=$!
for _ in $(seq 1 50); do
	[ -s "$TMPD/ready" ] && break
	kill -0 "$LISTENER_PID" 2>/dev/null || break
	sleep 0.1
done
if [ ! -s "$TMPD/ready" ]; then
	cat "$TMPD/listener.log" >&2
	die "the listeners did not start"
fi

# ---------------------------------------------------------------- ocsdnsd

# Every pool on the TLS port of the listeners; 127.0.0.18 has nobody.
pooldom() {	# pooldom DOMAIN ADDRESSES
	printf '[domain %s]\npool = pool01.%s\n' "$1" "$1"
	printf 'sipinternaltls_port = %s\nsipinternal_port = %s\n' "$TLSP" "$TCPP"
	printf '[host pool01.%s]\naddress = %s\n' "$1" "$2"
}
edgedom() {	# edgedom DOMAIN ADDRESS
	printf '[domain %s]\naccess_edge = edge.%s\n' "$1" "$1"
	printf 'sip_tls_port = %s\nsip_tcp = no\n' "$TLSP"
	printf '[host edge.%s]\naddress = %s\n' "$1" "$2"
}
mkdir -p "$TMPD/zones"
{
	printf '[server]\nzones = %s\n' "$TMPD/zones"
	pooldom contoso.com "127.0.0.18, 127.0.0.11"
	pooldom litwareinc.com 127.0.0.12
	edgedom adatum.com 127.0.0.13
	edgedom fourthcoffee.com 127.0.0.14
	pooldom wingtiptoys.com 127.0.0.15
	pooldom tailspintoys.com 127.0.0.16
	pooldom northwindtraders.com 127.0.0.17
	pooldom proseware.com 127.0.0.18
	pooldom woodgrovebank.com 127.0.0.19
	pooldom treyresearch.net 127.0.0.20
	pooldom margiestravel.com 127.0.0.21
	pooldom lucernepublishing.com 127.0.0.22
} | write_conf

# The client profiles: zones with only the records a profile falls back to.
zone() {	# zone ORIGIN RECORD...
	local origin=$1
	shift
	{
		printf '$ORIGIN %s.\n$TTL 300\n' "$origin"
		printf '@ IN SOA ns1 hostmaster 1 3600 600 604800 300\n'
		printf '@ IN NS ns1\nns1 IN A 127.0.0.1\n'
		printf '%s\n' "$@"
	} >"$TMPD/zones/$origin.zone"
}
# sipinternal and sip: 2007 takes sipinternal, some R2 builds sip.
zone fallback.test 'sipinternal IN A 127.0.0.31' 'sip IN A 127.0.0.32'
# _sip._tcp (not asked by the phone) and sipexternal: 2007 takes the SRV
# record, Phone Edition sipexternal on 5061.
zone phone.test '_sip._tcp IN SRV 0 0 443 edge.phone.test.' \
    'edge IN A 127.0.0.41' 'sipexternal IN A 127.0.0.42'
# _sipinternal._tcp and _sip._tls: 2007 takes the internal TCP record,
# Phone Edition the edge's TLS one.
zone order.test '_sipinternal._tcp IN SRV 0 0 5060 pool.order.test.' \
    '_sip._tls IN SRV 0 0 443 edge.order.test.' \
    'pool IN A 127.0.0.51' 'edge IN A 127.0.0.52'
start_daemon
S=(-s "127.0.0.1:$PORT" -t 1 --ca-file "$PKI/ca.pem")
D=(-s "127.0.0.1:$PORT")

# ---------------------------------------------------------------- verdicts

# Right names: the first address refuses, the client goes on to the next.
lk "${S[@]}" --connect --sip-options alice@contoso.com
expect_rc 0
expect_line "connect pool01\\.contoso\\.com:$TLSP 127\\.0\\.0\\.18 \\(_sipinternaltls\\._tcp\\.contoso\\.com, TLS\\): TCP refused"
expect_line "  TLS: TLSv1\\.[23], [A-Z0-9_-]+"
expect_line "  ok   chain: certificate for pool01\\.contoso\\.com chains to a CA in .*/ca\\.pem"
expect_line "  ok   name: certificate for pool01\\.contoso\\.com names pool01\\.contoso\\.com"
expect_line "  SIP: SIP/2\\.0 200 OK"
expect_last "Communicator 2007 would sign in at pool01\\.contoso\\.com:$TLSP \\(127\\.0\\.0\\.11\\) over TLSv1\\.[23] \\([A-Z0-9_-]+\\), the certificate accepted, OPTIONS answered \"SIP/2\\.0 200 OK\""

# The system store does not know the test CA.
lk "${D[@]}" -t 1 --connect contoso.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: certificate for pool01\\.contoso\\.com is not trusted: issuer /CN=ocsdns test ca does not chain to a CA in the system store \\(unable to get local issuer certificate\\)( \\(and 1 more address of pool01\\.contoso\\.com failed\\))?"

lk "${S[@]}" --connect litwareinc.com
expect_rc 1
expect_line "  FAIL name: certificate for pool01\\.fabrikam\\.com does not name pool01\\.litwareinc\\.com"
expect_last "Communicator 2007 would fail to sign in: certificate for pool01\\.fabrikam\\.com does not name pool01\\.litwareinc\\.com"

lk "${S[@]}" --connect adatum.com
expect_rc 1
expect_line "  ok   name: certificate for edge\\.adatum\\.com names edge\\.adatum\\.com"
expect_last "Communicator 2007 would fail to sign in: certificate for edge\\.adatum\\.com does not name sip\\.adatum\\.com: the Access Edge's external certificate must carry sip\\.<domain>"

lk "${S[@]}" --connect fourthcoffee.com
expect_rc 0
expect_line "  ok   edge: certificate for edge\\.fourthcoffee\\.com names sip\\.fourthcoffee\\.com"
expect_last "Communicator 2007 would sign in at edge\\.fourthcoffee\\.com:$TLSP \\(127\\.0\\.0\\.14\\) over TLSv1\\.[23] .*"

lk "${S[@]}" --connect wingtiptoys.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: certificate for pool01\\.wingtiptoys\\.com expired on 2021-01-01 00:00:00 UTC"

lk "${S[@]}" --connect tailspintoys.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: certificate for pool01\\.tailspintoys\\.com is not trusted: issuer /CN=ocsdns test rogue does not chain to a CA in .*/ca\\.pem \\(unable to get local issuer certificate\\)"

lk "${S[@]}" --connect northwindtraders.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: TLS handshake with pool01\\.northwindtraders\\.com:$TLSP \\(127\\.0\\.0\\.17\\): the server does not speak TLS \\(wrong version number\\): a plain TCP service on a TLS port\\?"

# The chosen host fails; --connect-all finds the next one that works,
# and the verdict stays the chosen host's.
lk "${S[@]}" --connect-all northwindtraders.com
expect_rc 1
expect_line "connect pool01\\.northwindtraders\\.com:$TCPP 127\\.0\\.0\\.17 \\(_sipinternal\\._tcp\\.northwindtraders\\.com, TCP\\): TCP connected in [0-9.]+ ms"
expect_last "Communicator 2007 would fail to sign in: TLS handshake with pool01\\.northwindtraders\\.com:$TLSP \\(127\\.0\\.0\\.17\\): the server does not speak TLS \\(wrong version number\\): a plain TCP service on a TLS port\\?; pool01\\.northwindtraders\\.com:$TCPP \\(127\\.0\\.0\\.17\\) from _sipinternal\\._tcp\\.northwindtraders\\.com works, but no source says the client goes on to it"

lk "${S[@]}" --connect proseware.com
expect_rc 1
expect_line "connect pool01\\.proseware\\.com:$TLSP 127\\.0\\.0\\.18 \\(_sipinternaltls\\._tcp\\.proseware\\.com, TLS\\): TCP refused"
expect_last "Communicator 2007 would fail to sign in: TCP to pool01\\.proseware\\.com:$TLSP \\(127\\.0\\.0\\.18\\): connection refused: nothing listens on the port"

# Accepted, never a byte back: the handshake timeout (1 s) fires.
lk "${S[@]}" --connect woodgrovebank.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: TLS handshake with pool01\\.woodgrovebank\\.com:$TLSP \\(127\\.0\\.0\\.19\\): no answer within 1\\.0 s \\(the server accepted the connection but did not speak TLS\\)"
ok_if "the handshake wait is bounded" test "$LK_S" -le 4

# Over TCP (_sipinternal._tcp) the same listener connects; OPTIONS waits.
lk "${S[@]}" --connect-all --sip-options --json woodgrovebank.com
expect_rc 1
expect_json '[(p["transport"], p["tcp"], p["step"]) for p in j["probes"]] == [("TLS", "connected", "tls"), ("TCP", "connected", "sip")]'
expect_json 'j["probes"][1]["failure"] == "SIP OPTIONS to pool01.woodgrovebank.com:'"$TCPP"' (127.0.0.19): no answer within the timeout" and j["probes"][1]["sip"] is None'

# A full backlog: the SYN is dropped, the connect timeout (1 s) fires.
lk "${S[@]}" --connect treyresearch.net
expect_rc 1
expect_line "connect pool01\\.treyresearch\\.net:$TLSP 127\\.0\\.0\\.20 \\(_sipinternaltls\\._tcp\\.treyresearch\\.net, TLS\\): TCP filtered"
expect_last "Communicator 2007 would fail to sign in: TCP to pool01\\.treyresearch\\.net:$TLSP \\(127\\.0\\.0\\.20\\): no answer within 1\\.0 s: filtered by a firewall, or the server is down"
ok_if "the connect wait is bounded" test "$LK_S" -le 4

lk "${S[@]}" --connect margiestravel.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: certificate for \\*\\.margiestravel\\.com names pool01\\.margiestravel\\.com only by the wildcard \\*\\.margiestravel\\.com: Communicator 2007 does not accept wildcard names"

lk "${S[@]}" --connect lucernepublishing.com
expect_rc 1
expect_last "Communicator 2007 would fail to sign in: certificate for pool01\\.lucernepublishing\\.com lacks the server authentication EKU"

# --connect-all: the internal TCP record too, with OPTIONS in the clear.
lk "${S[@]}" --connect-all --sip-options --json contoso.com
expect_rc 0
expect_json '[(c["record"], c["port"], c["transport"]) for c in j["candidates"]] == [("_sipinternaltls._tcp.contoso.com", '"$TLSP"', "TLS"), ("_sipinternal._tcp.contoso.com", '"$TCPP"', "TCP")]'
expect_json 'len(j["probes"]) == 4 and j["signin"] is True'
expect_json '[p["tls"] is None for p in j["probes"] if p["transport"] == "TCP"] == [True, True]'
expect_json 'any(p["transport"] == "TCP" and p["address"] == "127.0.0.11" and p["tcp"] == "connected" and p["sip"] == "SIP/2.0 200 OK" and p["ok"] for p in j["probes"])'
expect_json 'any(p["address"] == "127.0.0.18" and p["tcp"] == "refused" and p["step"] == "tcp" and not p["ok"] for p in j["probes"])'
expect_json 'any(p["transport"] == "TLS" and p["address"] == "127.0.0.11" and p["tls"]["version"].startswith("TLSv1.") and p["certificate"]["san"] == "pool01.contoso.com, sip.contoso.com" and all(c["ok"] for c in p["checks"]) for p in j["probes"])'
expect_json 'j["final"].startswith("Communicator 2007 would sign in at pool01.contoso.com:'"$TLSP"' (127.0.0.11)")'
lk "${S[@]}" --connect --json litwareinc.com
expect_rc 1
expect_json 'j["signin"] is False and j["probes"][0]["step"] == "certificate" and [c["check"] for c in j["probes"][0]["checks"] if not c["ok"]] == ["name"]'
expect_json 'j["probes"][0]["failure"] == "certificate for pool01.fabrikam.com does not name pool01.litwareinc.com"'
# -b: the connections leave from the source address too.
lk "${S[@]}" -b 127.0.0.3 --connect fourthcoffee.com
expect_rc 0
ok_if "the connection came from -b 127.0.0.3" \
    grep -q "^accept tls 127\.0\.0\.14:$TLSP from 127\.0\.0\.3\$" "$TMPD/listener.log"
# Without --connect no probe is made.
lk "${D[@]}" --json contoso.com
expect_json 'j["probes"] is None and j["final"] is None and j["client"] == "communicator2007"'

# ---------------------------------------------------------------- client profiles

lk "${D[@]}" fallback.test
expect_rc 0
expect_last 'Communicator would connect to sipinternal\.fallback\.test:5061 over TLS \(127\.0\.0\.31\), found by the fallback A name lookup \(no usable SRV record\)'
lk "${D[@]}" --client communicator2007r2 fallback.test
expect_rc 0
expect_last 'Communicator 2007 R2 would connect to sip\.fallback\.test:5061 over TLS \(127\.0\.0\.32\), found by the fallback A name lookup \(no usable SRV record\)'
lk "${D[@]}" --client phone-edition fallback.test
expect_last 'Communicator Phone Edition would connect to sipinternal\.fallback\.test:5061 over TLS \(127\.0\.0\.31\), found by .*'

lk "${D[@]}" phone.test
expect_rc 0
expect_last 'Communicator would connect to edge\.phone\.test:443 over TCP \(127\.0\.0\.41\)'
lk "${D[@]}" --client phone-edition phone.test
expect_rc 0
expect_last 'Communicator Phone Edition would connect to sipexternal\.phone\.test:5061 over TLS \(127\.0\.0\.42\), found by the fallback A name lookup \(no usable SRV record\)'
expect_line 'sipexternal\.phone\.test +A +NOERROR .*127\.0\.0\.42'
# Every try of the phone, in order; nothing listens there: refused, quickly.
lk "${D[@]}" -t 1 --client PHONE-EDITION --connect-all --json phone.test
expect_rc 1
expect_json '[(c["host"], c["port"]) for c in j["candidates"]] == [("sipexternal.phone.test", 5061), ("sipexternal.phone.test", 443)]'
expect_json '[(p["address"], p["port"], p["tcp"]) for p in j["probes"]] == [("127.0.0.42", 5061, "refused"), ("127.0.0.42", 443, "refused")]'
expect_json 'j["client"] == "phone-edition" and j["final"].startswith("Communicator Phone Edition would fail to sign in: TCP to sipexternal.phone.test:5061 (127.0.0.42): connection refused")'
lk "${D[@]}" --client phone-edition --json fallback.test
expect_json '[(c["host"], c["port"]) for c in j["candidates"]] == [("sipinternal.fallback.test", 5061), ("sipinternal.fallback.test", 443), ("sip.fallback.test", 5061), ("sip.fallback.test", 443)]'
lk "${D[@]}" --client communicator2007r2 --json fallback.test
expect_json '[(c["host"], c["port"]) for c in j["candidates"]] == [("sip.fallback.test", 5061), ("sipinternal.fallback.test", 5061)]'

lk "${D[@]}" order.test
expect_last 'Communicator would connect to pool\.order\.test:5060 over TCP \(127\.0\.0\.51\)'
lk "${D[@]}" --client phone-edition order.test
expect_last 'Communicator Phone Edition would connect to edge\.order\.test:443 over TLS \(127\.0\.0\.52\)'
lk "${D[@]}" --client communicator2007r2 order.test
expect_last 'Communicator 2007 R2 would connect to pool\.order\.test:5060 over TCP \(127\.0\.0\.51\)'

# ---------------------------------------------------------------- usage

lk "${D[@]}" --client communicator2005 contoso.com
expect_rc 2
lk "${D[@]}" --sip-options contoso.com
expect_rc 2
lk "${D[@]}" --connect --ca-file "$TMPD/no-such.pem" contoso.com
expect_rc 2
lk "${D[@]}" --timeout 0 --connect contoso.com
expect_rc 2

stop_listener
finish
