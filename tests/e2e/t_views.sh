#!/usr/bin/env bash
# t_views.sh -- split horizon: two clients on one machine (127.0.0.1 inside,
# 127.0.0.2 outside) get different answers, and nothing internal leaks out.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
write_conf <<'CONF'
[view internal]
match = 127.0.0.1, ::1
[view dmz]
match_destination = 127.0.0.3
scope = external
[view external]
match = 127.0.0.2
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federation = yes
fallback = yes

[host pool01.contoso.com]
address = 10.0.0.10, 10.0.0.11
[host sip.contoso.com]
address.internal = 10.0.1.10
address.external = 203.0.113.10
address.dmz = 198.51.100.10
[host ns1.contoso.com]
address.internal = 10.0.0.2
address.external = 203.0.113.2
address.dmz = 198.51.100.2
[host lyncdiscover.contoso.com]
cname = sip.contoso.com
[host portal.contoso.com]
address.internal = 10.0.0.80
CONF
DAEMON_V6=1
DAEMON_MORE_ADDRS=127.0.0.3
start_daemon

INSIDE=(-b 127.0.0.1)
OUTSIDE=(-b 127.0.0.2)

# ---- inside: every record, internal addresses
q "${INSIDE[@]}" _sipinternaltls._tcp.contoso.com SRV
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '_sipinternaltls._tcp.contoso.com. 3600 IN SRV 0 0 5061 pool01.contoso.com.'
expect_rr ADDITIONAL 'pool01.contoso.com. 3600 IN A 10.0.0.10'
q "${INSIDE[@]}" _sipinternal._tcp.contoso.com SRV
expect_rr ANSWER '_sipinternal._tcp.contoso.com. 3600 IN SRV 0 0 5060 pool01.contoso.com.'
q "${INSIDE[@]}" _sip._tls.contoso.com SRV
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 10.0.1.10'
expect_no_rr_re ADDITIONAL '203\.0\.113'
q "${INSIDE[@]}" sip.contoso.com A
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 10.0.1.10'
expect_count ANSWER 1
q "${INSIDE[@]}" portal.contoso.com A
expect_rr ANSWER 'portal.contoso.com. 3600 IN A 10.0.0.80'
# Fallback names: sipinternal (the pool) inside, sipexternal (the edge).
q "${INSIDE[@]}" sipinternal.contoso.com A
expect_status NOERROR
expect_rr_re ANSWER '^sipinternal\.contoso\.com\. 3600 IN A 10\.0\.0\.1[01]$'
expect_count ANSWER 2
q "${INSIDE[@]}" sipexternal.contoso.com A
expect_rr ANSWER 'sipexternal.contoso.com. 3600 IN A 10.0.1.10'
# IPv6 ::1 is inside too.
q6 _sipinternaltls._tcp.contoso.com SRV
expect_status NOERROR
expect_count ANSWER 1

# ---- outside: only the edge, public addresses
q "${OUTSIDE[@]}" _sip._tls.contoso.com SRV
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 203.0.113.10'
expect_section_count ADDITIONAL 1
q "${OUTSIDE[@]}" _sip._tcp.contoso.com SRV
expect_rr ANSWER '_sip._tcp.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
q "${OUTSIDE[@]}" _sipfederationtls._tcp.contoso.com SRV
expect_rr ANSWER '_sipfederationtls._tcp.contoso.com. 3600 IN SRV 0 0 5061 sip.contoso.com.'
for name in _sipinternaltls._tcp.contoso.com _sipinternal._tcp.contoso.com; do
	q "${OUTSIDE[@]}" "$name" SRV
	expect_negative NXDOMAIN contoso.com
done
for name in pool01.contoso.com portal.contoso.com sipinternal.contoso.com; do
	q "${OUTSIDE[@]}" "$name" A
	expect_negative NXDOMAIN contoso.com
done
# The empty non-terminal still exists outside (_sip._tcp is below it).
q "${OUTSIDE[@]}" _tcp.contoso.com SRV
expect_negative NOERROR contoso.com
# NODATA for a name that exists outside.
q "${OUTSIDE[@]}" sip.contoso.com MX
expect_negative NOERROR contoso.com
q "${OUTSIDE[@]}" sipexternal.contoso.com A
expect_rr ANSWER 'sipexternal.contoso.com. 3600 IN A 203.0.113.10'
q "${OUTSIDE[@]}" lyncdiscover.contoso.com A
expect_rr ANSWER 'lyncdiscover.contoso.com. 3600 IN CNAME sip.contoso.com.'
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 203.0.113.10'
q "${OUTSIDE[@]}" contoso.com NS
expect_rr ANSWER 'contoso.com. 3600 IN NS ns1.contoso.com.'
expect_rr ADDITIONAL 'ns1.contoso.com. 3600 IN A 203.0.113.2'

# ---- the leak test: every name and type the inside knows, asked from
# outside over UDP and TCP, shows no internal name or address anywhere.
names="contoso.com _sipinternaltls._tcp.contoso.com _sipinternal._tcp.contoso.com
_sip._tls.contoso.com _sip._tcp.contoso.com _sipfederationtls._tcp.contoso.com
_tcp.contoso.com _tls.contoso.com pool01.contoso.com sip.contoso.com
ns1.contoso.com lyncdiscover.contoso.com portal.contoso.com
sipinternal.contoso.com sipexternal.contoso.com nope.contoso.com"
for name in $names; do
	for type in A AAAA SRV NS SOA CNAME ANY MX TXT; do
		for tr in +notcp +tcp; do
			q "${OUTSIDE[@]}" "$tr" "$name" "$type"
			if [ -z "$(out_status)" ]; then
				fail "no reply from outside for $name $type"
				continue
			fi
			for sec in ANSWER AUTHORITY ADDITIONAL; do
				expect_no_rr_re "$sec" '10\.0\.|pool01|portal|sipinternal'
			done
		done
	done
done

# ---- a client no view matches is refused
q -b 127.0.0.4 contoso.com SOA
expect_status REFUSED
expect_noflag aa

# ---- match_destination: the address the query reached picks the view
LASTQ="dig -p $PORT @127.0.0.3 -b 127.0.0.3 sip.contoso.com A"
OUT=$(dig -p "$PORT" @127.0.0.3 -b 127.0.0.3 +tries=1 +time=2 sip.contoso.com A 2>&1)
OUT_SHOWN=0
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 198.51.100.10'
OUT=$(dig -p "$PORT" @127.0.0.3 -b 127.0.0.3 +tries=1 +time=2 +tcp pool01.contoso.com A 2>&1)
expect_status NXDOMAIN
# The same client reaching 127.0.0.1 is matched by its source: no view.
q -b 127.0.0.3 sip.contoso.com A
expect_status REFUSED

stop_daemon || fail "daemon exit status $?"

# ---- -t reports views that never match, empty external domains, private
# addresses published outside.
cat >"$TMPD/warn.ini" <<'CONF'
[view all]
match = any
[view outside]
match = 192.0.2.0/24
scope = external
[domain contoso.com]
pool = pool01.contoso.com
[host pool01.contoso.com]
address = 10.0.0.10
[host ns1.contoso.com]
address = 10.0.0.2
CONF
err=$("$OCSDNSD" -t -c "$TMPD/warn.ini" 2>&1 >/dev/null)
rc=$?
ok_if "-t with only warnings exits 0 (got $rc)" [ "$rc" = 0 ]
for want in "warn.ini:3: warning: view outside can never match" \
    "warn.ini:6: warning: domain contoso.com has no access_edge: external view outside" \
    "warn.ini:11: warning: host ns1.contoso.com: 10.0.0.2 is a private address, published in external view outside"; do
	case $err in
	*"$want"*) pass "-t says: $want" ;;
	*) fail "-t output lacks '$want': $err" ;;
	esac
done
case $err in
*"pool01.contoso.com: 10.0.0.10"*) fail "a pool's address is not published outside: $err" ;;
*) pass "-t does not warn about the pool's hidden address" ;;
esac

finish
