#!/usr/bin/env bash
# t_deleg.sh -- a child SIP domain beside its parent: the parent's AXFR and
# --print-zone carry the delegation (NS, in-bailiwick glue visible in the
# view), DS at the child's apex is NODATA from the parent, the child answers
# as before, and an NSD secondary of the parent alone refers to the child.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
for tool in nsd nsd-checkzone; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "$tool is not installed (the quick start installs nsd)"
done

# NSD: lib.sh's nsd_stop, called by e2e_cleanup at exit.

# ns2.retail has only an internal address: outside there is no glue for it.
write_conf <<'CONF'
[server]
allow_transfer = 127.0.0.1, 127.0.0.2
[view internal]
match = 127.0.0.1
[view external]
match = 127.0.0.2
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
[domain retail.contoso.com]
pool = pool01.retail.contoso.com
access_edge = sip.retail.contoso.com
ns = ns1.retail.contoso.com, ns2.retail.contoso.com, ns1.contoso.com
ttl = 1200

[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address.internal = 10.0.1.10
address.external = 203.0.113.10
[host ns1.contoso.com]
address = 192.0.2.53
[host pool01.retail.contoso.com]
address = 10.1.0.10
[host sip.retail.contoso.com]
address.internal = 10.1.1.10
address.external = 203.0.113.11
[host ns1.retail.contoso.com]
address.internal = 10.1.0.2
address.external = 203.0.113.2
[host ns2.retail.contoso.com]
address.internal = 10.1.0.3
CONF
start_daemon

NS1='retail.contoso.com. 1200 IN NS ns1.retail.contoso.com.'
NS2='retail.contoso.com. 1200 IN NS ns2.retail.contoso.com.'
NS3='retail.contoso.com. 1200 IN NS ns1.contoso.com.'

# axfr_lines ZONE [DIG ARGS]: the transfer's records, whitespace squeezed.
axfr_lines() {
	local zone=$1
	shift
	dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer "$@" "$zone" AXFR |
	    awk '{ gsub(/[ \t]+/, " "); sub(/ $/, ""); print }'
}
has_line() {	# has_line FILE LINE
	grep -qxF -- "$2" "$1"
}

# ---- the parent's AXFR: delegation and glue, inside and outside
axfr_lines contoso.com >"$TMPD/in.axfr"
axfr_lines contoso.com -b 127.0.0.2 >"$TMPD/out.axfr"
for f in in out; do
	ok_if "$f: AXFR opens and closes with the SOA" \
	    [ "$(grep -c ' IN SOA ' "$TMPD/$f.axfr")" = 2 ]
	ok_if "$f: the closing SOA is last" \
	    sh -c "tail -n 1 '$TMPD/$f.axfr' | grep -q '^contoso\\.com\\. 3600 IN SOA '"
	for rr in "$NS1" "$NS2" "$NS3"; do
		ok_if "$f: AXFR has $rr" has_line "$TMPD/$f.axfr" "$rr"
	done
	ok_if "$f: no glue for ns1.contoso.com (not below the cut)" \
	    [ "$(grep -c '^ns1\.contoso\.com\. ' "$TMPD/$f.axfr")" = 1 ]
	ok_if "$f: no child record but the glue" \
	    sh -c "! grep -E '^(pool01|sip|_[a-z]+\\._[a-z]+)\\.retail\\.' '$TMPD/$f.axfr'"
	# nsd-checkzone wants the SOA once.
	sed '$d' "$TMPD/$f.axfr" >"$TMPD/$f.zone"
	ok_if "$f: nsd-checkzone accepts the AXFR of the parent" \
	    sh -c "nsd-checkzone contoso.com '$TMPD/$f.zone' >/dev/null"
done
ok_if "inside: glue for ns1.retail" has_line "$TMPD/in.axfr" \
    'ns1.retail.contoso.com. 1200 IN A 10.1.0.2'
ok_if "inside: glue for ns2.retail" has_line "$TMPD/in.axfr" \
    'ns2.retail.contoso.com. 1200 IN A 10.1.0.3'
ok_if "outside: the external glue for ns1.retail" has_line "$TMPD/out.axfr" \
    'ns1.retail.contoso.com. 1200 IN A 203.0.113.2'
ok_if "outside: no internal glue" \
    sh -c "! grep -E '10\\.1\\.0\\.|^ns2\\.retail' '$TMPD/out.axfr'"

# The child's own AXFR is the child's, as before: no delegation of itself.
axfr_lines retail.contoso.com >"$TMPD/child.axfr"
ok_if "the child's AXFR starts with its SOA" \
    sh -c "head -n 1 '$TMPD/child.axfr' | grep -q '^retail\\.contoso\\.com\\. 1200 IN SOA ns1\\.retail\\.contoso\\.com\\. '"
ok_if "the child's AXFR has its NS once" \
    [ "$(grep -cxF -- "$NS1" "$TMPD/child.axfr")" = 1 ]

# ---- --print-zone shows the delegation too
"$OCSDNSD" -c "$CONF" --print-zone contoso.com >"$TMPD/printed" 2>/dev/null
ok_if "--print-zone contoso.com exits 0" [ $? = 0 ]
awk '{ gsub(/[ \t]+/, " "); print }' "$TMPD/printed" >"$TMPD/printed.sq"
for rr in "$NS1" "$NS2" "$NS3" 'ns1.retail.contoso.com. 1200 IN A 10.1.0.2'; do
	ok_if "--print-zone has $rr" has_line "$TMPD/printed.sq" "$rr"
done
ok_if "nsd-checkzone accepts the printed parent" \
    sh -c "nsd-checkzone contoso.com '$TMPD/printed' >/dev/null"
"$OCSDNSD" -c "$CONF" --print-zone contoso.com --view external \
    >"$TMPD/printed.ext" 2>/dev/null
ok_if "--print-zone --view external has no internal glue" \
    sh -c "grep -q '203\\.0\\.113\\.2\$' '$TMPD/printed.ext' && ! grep -q '10\\.1\\.0\\.' '$TMPD/printed.ext'"

# A zone file's zone is a parent too: [domain] below it gets its delegation.
mkdir -p "$TMPD/zp/zones"
cat >"$TMPD/zp/zones/fabrikam.com.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.fabrikam.com. hostmaster.fabrikam.com. 1 3600 600 86400 60
	IN NS ns1.fabrikam.com.
ns1	IN A 192.0.2.54
ZONE
cat >"$TMPD/zp/zp.ini" <<'CONF'
[server]
zones = zones
[domain eu.fabrikam.com]
pool = pool01.eu.fabrikam.com
access_edge = sip.eu.fabrikam.com
[host pool01.eu.fabrikam.com]
address = 10.3.0.10
[host sip.eu.fabrikam.com]
address = 10.3.0.11
[host ns1.eu.fabrikam.com]
address = 10.3.0.2
CONF
"$OCSDNSD" -c "$TMPD/zp/zp.ini" --print-zone fabrikam.com 2>/dev/null |
    awk '{ gsub(/[ \t]+/, " "); print }' >"$TMPD/zp/printed"
ok_if "a zone file's zone carries the NS of a [domain] below it" has_line \
    "$TMPD/zp/printed" 'eu.fabrikam.com. 3600 IN NS ns1.eu.fabrikam.com.'
ok_if "... and its glue" has_line "$TMPD/zp/printed" \
    'ns1.eu.fabrikam.com. 3600 IN A 10.3.0.2'

# ---- DS at the child's apex: NODATA from the parent, in both views
q +norec retail.contoso.com DS
expect_negative NOERROR contoso.com
q +norec -b 127.0.0.2 retail.contoso.com DS
expect_negative NOERROR contoso.com
# Below the apex, and at the parent's apex: unchanged.
q +norec pool01.retail.contoso.com DS
expect_rr_re AUTHORITY '^retail\.contoso\.com\. 300 IN SOA ns1\.retail\.contoso\.com\. '
q +norec contoso.com DS
expect_negative NOERROR contoso.com

# ---- the child still answers its names itself
q +norec retail.contoso.com NS
expect_status NOERROR
expect_flag aa
expect_count ANSWER 3
expect_rr ANSWER "$NS1"
q +norec retail.contoso.com SOA
expect_rr_re ANSWER '^retail\.contoso\.com\. 1200 IN SOA ns1\.retail\.contoso\.com\. hostmaster\.retail\.contoso\.com\. '
q +norec retail.contoso.com DNSKEY
expect_negative NOERROR retail.contoso.com
q +norec pool01.retail.contoso.com A
expect_flag aa
expect_rr ANSWER 'pool01.retail.contoso.com. 1200 IN A 10.1.0.10'
q +norec nope.retail.contoso.com A
expect_negative NXDOMAIN retail.contoso.com
q +norec -b 127.0.0.2 ns1.retail.contoso.com A
expect_rr ANSWER 'ns1.retail.contoso.com. 1200 IN A 203.0.113.2'

# ---- NSD as a secondary of the parent alone refers to the child
nsd_secondary contoso.com
S1=$(serial_of "$PORT" contoso.com)
ok_if "NSD transferred contoso.com (serial $S1)" nsd_wait_serial contoso.com "$S1"

nsd_q() {
	LASTQ="dig -p $NSD_PORT @127.0.0.1 +tries=1 +time=2 $*"
	OUT=$(dig -p "$NSD_PORT" @127.0.0.1 +tries=1 +time=2 "$@" 2>&1)
	OUT_SHOWN=0
}
nsd_q +norec pool01.retail.contoso.com A
expect_status NOERROR
expect_noflag aa
expect_count ANSWER 0
expect_rr AUTHORITY "$NS1"
expect_rr AUTHORITY "$NS2"
expect_rr AUTHORITY "$NS3"
expect_rr ADDITIONAL 'ns1.retail.contoso.com. 1200 IN A 10.1.0.2'
expect_rr ADDITIONAL 'ns2.retail.contoso.com. 1200 IN A 10.1.0.3'
# NSD answers DS at the cut from the parent, as ocsdnsd does.
nsd_q +norec retail.contoso.com DS
expect_negative NOERROR contoso.com
ok_if "NSD does not serve the child itself" \
    [ -z "$(serial_of "$NSD_PORT" retail.contoso.com)" ]

nsd_stop
stop_daemon || fail "daemon exit status $?"
finish
