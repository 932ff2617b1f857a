#!/usr/bin/env bash
# t_basic.sh -- the example configuration answered as the spec says: SRV, A/AAAA, CNAME, SOA/NS, negatives, CHAOS.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
use_example_conf
DAEMON_V6=1
start_daemon

SOA_RE='[0-9]+ 3600 600 604800 300$'

# srv OWNER 'PRIO WEIGHT PORT TARGET'...: the SRV RRset, exactly those records,
# authoritative, with every target's A/AAAA in the additional section.
srv() {
	local owner=$1 rec
	shift
	q "$owner" SRV
	expect_status NOERROR
	expect_flag qr aa rd
	expect_noflag ra tc
	expect_count ANSWER $#
	for rec in "$@"; do
		expect_rr ANSWER "$owner. 3600 IN SRV $rec"
	done
}

# ---- contoso.com: pool, access edge, federation
srv _sipinternaltls._tcp.contoso.com '0 0 5061 pool01.contoso.com.'
expect_rr ADDITIONAL 'pool01.contoso.com. 3600 IN A 10.0.0.10'
expect_rr ADDITIONAL 'pool01.contoso.com. 3600 IN A 10.0.0.11'

srv _sipinternal._tcp.contoso.com '0 0 5060 pool01.contoso.com.'
expect_rr ADDITIONAL 'pool01.contoso.com. 3600 IN A 10.0.0.10'
expect_rr ADDITIONAL 'pool01.contoso.com. 3600 IN A 10.0.0.11'

for owner in _sip._tls.contoso.com _sip._tcp.contoso.com; do
	srv "$owner" '0 0 443 sip.contoso.com.'
	expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 203.0.113.10'
	expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN AAAA 2001:db8::10'
done

srv _sipfederationtls._tcp.contoso.com '0 0 5061 sip.contoso.com.'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 203.0.113.10'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN AAAA 2001:db8::10'

# ---- fabrikam.com: two pools (priority/weight from host:prio:weight), no _sip._tcp, no federation
srv _sipinternaltls._tcp.fabrikam.com '0 0 5061 pool01.fabrikam.com.' '10 50 5061 pool02.fabrikam.com.'
expect_rr ADDITIONAL 'pool01.fabrikam.com. 3600 IN A 10.1.0.10'
expect_rr ADDITIONAL 'pool02.fabrikam.com. 3600 IN A 10.1.0.20'

srv _sipinternal._tcp.fabrikam.com '0 0 5060 pool01.fabrikam.com.' '10 50 5060 pool02.fabrikam.com.'
expect_rr ADDITIONAL 'pool01.fabrikam.com. 3600 IN A 10.1.0.10'
expect_rr ADDITIONAL 'pool02.fabrikam.com. 3600 IN A 10.1.0.20'

srv _sip._tls.fabrikam.com '0 0 443 sip.fabrikam.com.'
expect_rr ADDITIONAL 'sip.fabrikam.com. 3600 IN A 203.0.113.20'

q _sip._tcp.fabrikam.com SRV			# sip_tcp = no
expect_negative NXDOMAIN fabrikam.com
q _sipfederationtls._tcp.fabrikam.com SRV	# federation defaults to no
expect_negative NXDOMAIN fabrikam.com

# ---- addresses of hosts
q sip.contoso.com A
expect_status NOERROR
expect_flag aa
expect_count ANSWER 1
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 203.0.113.10'
q sip.contoso.com AAAA
expect_status NOERROR
expect_flag aa
expect_count ANSWER 1
expect_rr ANSWER 'sip.contoso.com. 3600 IN AAAA 2001:db8::10'
for pair in ns1.contoso.com=10.0.0.2 pool01.fabrikam.com=10.1.0.10 \
    pool02.fabrikam.com=10.1.0.20 sip.fabrikam.com=203.0.113.20 ns1.fabrikam.com=10.1.0.2; do
	q "${pair%%=*}" A
	expect_status NOERROR
	expect_flag aa
	expect_count ANSWER 1
	expect_rr ANSWER "${pair%%=*}. 3600 IN A ${pair#*=}"
done

# ---- round robin: both addresses in every answer, the first one changes
firsts=
for i in 1 2 3 4; do
	q pool01.contoso.com A
	expect_status NOERROR
	expect_count ANSWER 2
	expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
	expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.11'
	firsts="$firsts $(section ANSWER | head -n 1 | awk '{print $5}')"
done
: "$i"
case "$firsts" in
*10.0.0.10*10.0.0.11* | *10.0.0.11*10.0.0.10*)
	pass "round robin: first records were$firsts" ;;
*)
	LASTQ=
	fail "round robin: four answers for pool01.contoso.com A all started with the same address:$firsts" ;;
esac

# ---- CNAME: the alias and the in-zone chain in the answer
q lyncdiscover.contoso.com A
expect_status NOERROR
expect_flag aa
expect_count ANSWER 2
expect_rr ANSWER 'lyncdiscover.contoso.com. 3600 IN CNAME sip.contoso.com.'
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 203.0.113.10'
if [ "$(section ANSWER | head -n 1 | awk '{print $4}')" = CNAME ]; then
	pass "CNAME first"
else
	fail "the CNAME must come before the target's records"
fi
q lyncdiscover.contoso.com AAAA
expect_status NOERROR
expect_count ANSWER 2
expect_rr ANSWER 'lyncdiscover.contoso.com. 3600 IN CNAME sip.contoso.com.'
expect_rr ANSWER 'sip.contoso.com. 3600 IN AAAA 2001:db8::10'
q lyncdiscover.contoso.com CNAME
expect_status NOERROR
expect_count ANSWER 1
expect_rr ANSWER 'lyncdiscover.contoso.com. 3600 IN CNAME sip.contoso.com.'

# ---- apex SOA and NS
for zone in contoso.com fabrikam.com; do
	zre=$(re_escape "$zone")
	q "$zone" SOA
	expect_status NOERROR
	expect_flag aa
	expect_noflag ra
	expect_count ANSWER 1
	expect_rr_re ANSWER "^$zre\\. 3600 IN SOA ns1\\.$zre\\. hostmaster\\.$zre\\. $SOA_RE"
	q "$zone" NS
	expect_status NOERROR
	expect_flag aa
	expect_count ANSWER 1
	expect_rr ANSWER "$zone. 3600 IN NS ns1.$zone."
done

# ---- NODATA: the name exists with other types; SOA with the negative TTL
q pool01.contoso.com MX
expect_negative NOERROR contoso.com
q pool01.contoso.com AAAA
expect_negative NOERROR contoso.com
q contoso.com A
expect_negative NOERROR contoso.com
q _sipinternaltls._tcp.contoso.com A
expect_negative NOERROR contoso.com
q sip.fabrikam.com AAAA
expect_negative NOERROR fabrikam.com

# ---- empty non-terminals are NODATA, not NXDOMAIN
q _tcp.contoso.com SRV
expect_negative NOERROR contoso.com
q _tls.contoso.com SRV
expect_negative NOERROR contoso.com
q _tcp.contoso.com A
expect_negative NOERROR contoso.com
q _tcp.fabrikam.com SRV
expect_negative NOERROR fabrikam.com

# ---- NXDOMAIN
q nope.contoso.com A
expect_negative NXDOMAIN contoso.com
q nope.contoso.com SRV
expect_negative NXDOMAIN contoso.com
q below.pool01.contoso.com A
expect_negative NXDOMAIN contoso.com
q _udp.contoso.com SRV
expect_negative NXDOMAIN contoso.com
q nope.fabrikam.com A
expect_negative NXDOMAIN fabrikam.com

# ---- names in no zone: REFUSED, not authoritative, never recursion
for name in example.org com . xcontoso.com; do
	q "$name" A
	expect_status REFUSED
	expect_noflag aa ra
	expect_count ANSWER 0
done

# ---- 0x20: the question echoed byte for byte
q CoNtOsO.cOm SOA
expect_status NOERROR
expect_flag aa
expect_rr QUESTION ';CoNtOsO.cOm. IN SOA'
expect_count ANSWER 1
expect_rr_re ANSWER "^[Cc][Oo][Nn][Tt][Oo][Ss][Oo]\\.[Cc][Oo][Mm]\\. 3600 IN SOA "
q _SiP._TlS.cOnToSo.CoM SRV
expect_status NOERROR
expect_rr QUESTION ';_SiP._TlS.cOnToSo.CoM. IN SRV'
expect_count ANSWER 1
expect_rr_re ANSWER '^_[Ss][Ii][Pp]\._[Tt][Ll][Ss]\.[Cc][Oo][Nn][Tt][Oo][Ss][Oo]\.[Cc][Oo][Mm]\. 3600 IN SRV 0 0 443 sip\.contoso\.com\.$'
q NoPe.CoNtOsO.cOm A
expect_status NXDOMAIN
expect_rr QUESTION ';NoPe.CoNtOsO.cOm. IN A'

# ---- ANY: minimal (RFC 8482), the RRset of the lowest type number
q contoso.com ANY
expect_status NOERROR
expect_flag aa
expect_count ANSWER 1
expect_rr ANSWER 'contoso.com. 3600 IN NS ns1.contoso.com.'
q sip.contoso.com ANY
expect_status NOERROR
expect_count ANSWER 1
expect_rr ANSWER 'sip.contoso.com. 3600 IN A 203.0.113.10'
q _sip._tls.contoso.com ANY
expect_status NOERROR
expect_count ANSWER 1
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'

# ---- CHAOS
host_id=$(python3 -c 'import socket; print(socket.gethostname())')
for name in version.bind version.server; do
	q CH TXT "$name"
	expect_status NOERROR
	expect_count ANSWER 1
	expect_rr_re ANSWER "^$(re_escape "$name")\\. [0-9]+ CH TXT \"ocsdnsd\"\$"
done
for name in id.server hostname.bind; do
	q CH TXT "$name"
	expect_status NOERROR
	expect_count ANSWER 1
	expect_rr_re ANSWER "^$(re_escape "$name")\\. [0-9]+ CH TXT \"$(re_escape "$host_id")\"\$"
done
for name in authors.bind foo.bind contoso.com; do
	q CH TXT "$name"
	expect_status REFUSED
	expect_count ANSWER 0
done
q HS A contoso.com
expect_status REFUSED

# ---- the same over IPv6
if [ "$HAVE_IPV6" = 1 ]; then
	q6 _sip._tls.contoso.com SRV
	expect_status NOERROR
	expect_flag aa
	expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
else
	echo "note: no ::1 here, IPv6 listener not tested"
fi

# ---- startup log line and clean stop on SIGTERM
if grep -qE 'ocsdnsd [^ ]+: serving 2 zones \([0-9]+ records\), serial [0-9]+, on 127\.0\.0\.1:'"$PORT" "$DAEMON_LOG"; then
	pass "startup log line"
else
	LASTQ=
	fail "no startup line 'ocsdnsd VERSION: serving 2 zones (M records), serial S, on 127.0.0.1:$PORT' in the log"
fi
stop_daemon
rc=$?
LASTQ=
check "$rc" "SIGTERM: clean stop with exit status 0 (got $rc)"

finish
