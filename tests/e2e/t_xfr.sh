#!/usr/bin/env bash
# t_xfr.sh -- zone files, --print-zone, AXFR/IXFR rules, and NSD as a real
# secondary: it transfers every zone, answers the same, and follows a reload
# through NOTIFY.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
for tool in nsd nsd-checkzone ldns-read-zone; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "$tool is not installed (the quick start installs nsd and ldnsutils)"
done


NSD_PORT=$(pick_port) || die "no free port for nsd"	# for notify below
mkdir -p "$TMPD/zones"
cat >"$TMPD/zones/contoso.com.zone" <<'ZONE'
$TTL 3600
@		IN MX 10 mail
mail		IN A 203.0.113.25
lyncdiscover	IN CNAME sip
@		IN TXT "v=spf1 mx -all"
ZONE
cat >"$TMPD/zones/example.net.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 60
	IN NS ns1.contoso.com.
www	IN A 192.0.2.80
ZONE
write_conf <<CONF
[server]
zones = zones
allow_transfer = 127.0.0.1
notify = 127.0.0.1:$NSD_PORT
[domain contoso.com]
pool = pool01.contoso.com, pool02.contoso.com:10:50
access_edge = sip.contoso.com
federation = yes
[host pool01.contoso.com]
address = 10.0.0.10, 10.0.0.11
[host pool02.contoso.com]
address = 10.0.0.12
[host sip.contoso.com]
address = 203.0.113.10, 2001:db8::10
[host ns1.contoso.com]
address = 192.0.2.53
CONF
start_daemon

# ---- the zone files are served beside the synthesized records
q contoso.com MX
expect_rr ANSWER 'contoso.com. 3600 IN MX 10 mail.contoso.com.'
expect_rr ADDITIONAL 'mail.contoso.com. 3600 IN A 203.0.113.25'
q lyncdiscover.contoso.com A
expect_rr ANSWER 'lyncdiscover.contoso.com. 3600 IN CNAME sip.contoso.com.'
q www.example.net A
expect_status NOERROR
expect_flag aa
expect_rr ANSWER 'www.example.net. 600 IN A 192.0.2.80'
q nope.example.net A
expect_status NXDOMAIN
expect_rr_re AUTHORITY '^example\.net\. 60 IN SOA ns1\.contoso\.com\. hostmaster\.contoso\.com\. [0-9]+ 3600 600 86400 60$'

# ---- --print-zone: a master file that other servers accept
for zone in contoso.com example.net; do
	"$OCSDNSD" -c "$CONF" --print-zone "$zone" >"$TMPD/$zone.printed" 2>"$TMPD/print.err"
	ok_if "--print-zone $zone exits 0" [ $? = 0 ]
	ok_if "nsd-checkzone accepts the printed $zone" \
	    nsd-checkzone "$zone" "$TMPD/$zone.printed"
	ok_if "ldns-read-zone accepts the printed $zone" \
	    sh -c "ldns-read-zone '$TMPD/$zone.printed' >/dev/null"
done
ok_if "the printed zone has the SRV records" \
    grep -q '^_sipinternaltls\._tcp\.contoso\.com\.	3600	IN	SRV	0 0 5061 pool01\.contoso\.com\.$' \
    "$TMPD/contoso.com.printed"
"$OCSDNSD" -c "$CONF" --print-zone nope.org >/dev/null 2>&1
ok_if "--print-zone of an unknown zone exits 1" [ $? = 1 ]

# ---- transfer rules
q contoso.com AXFR
expect_out_re '^contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+SOA[[:space:]]'
expect_out_re '^_sipfederationtls\._tcp\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+SRV[[:space:]]+0 0 5061 sip\.contoso\.com\.$'
expect_out_re '^mail\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+203\.0\.113\.25$'
ok_if "AXFR opens and closes with the SOA" \
    [ "$(printf '%s\n' "$OUT" | grep -c 'IN[[:space:]]*SOA')" = 2 ]
LASTQ="dig -b 127.0.0.2 contoso.com AXFR"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.2 +tries=1 +time=2 contoso.com AXFR 2>&1)
ok_if "AXFR from a client not in allow_transfer fails" \
    sh -c "printf '%s\n' \"\$1\" | grep -q 'Transfer failed'" _ "$OUT"
q +notcp contoso.com IXFR=1
ok_if "IXFR over UDP answers the SOA alone (come back over TCP)" \
    [ "$(printf '%s\n' "$OUT" | grep -c 'IN[[:space:]]*SOA')" = 1 ]
expect_no_out_re 'IN[[:space:]]+SRV'
# An AXFR over UDP is refused (raw: dig always uses TCP for AXFR).
raw_udp 'hdr(id=0x6101) + question("contoso.com", 252)'
expect_raw id=24833 qr=1 rcode=5
q www.contoso.com AXFR
expect_out_re 'Transfer failed|NOTAUTH'

# ---- NSD as the secondary (on the port picked above, named in notify)
nsd_secondary contoso.com example.net
S1=$(serial_of "$PORT" contoso.com)
ok_if "NSD transferred contoso.com (serial $S1)" nsd_wait_serial contoso.com "$S1"
ok_if "NSD transferred example.net" nsd_wait_serial example.net "$(serial_of "$PORT" example.net)"

# Every name and type: the same RRset from both (sorted: rotation aside).
same_answers() {
	local name type a b bad=0
	for name in contoso.com _sipinternaltls._tcp.contoso.com _sipinternal._tcp.contoso.com \
	    _sip._tls.contoso.com _sip._tcp.contoso.com _sipfederationtls._tcp.contoso.com \
	    pool01.contoso.com pool02.contoso.com sip.contoso.com ns1.contoso.com \
	    mail.contoso.com lyncdiscover.contoso.com nope.contoso.com _tcp.contoso.com \
	    www.example.net example.net; do
		for type in SOA NS SRV A AAAA MX TXT CNAME; do
			a=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			b=$(dig -p "$NSD_PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			if [ "$a" != "$b" ]; then
				printf 'differ: %s %s\nocsdnsd:\n%s\nnsd:\n%s\n' "$name" "$type" "$a" "$b"
				bad=1
			fi
		done
	done
	return "$bad"
}
ok_if "NSD answers every name and type as ocsdnsd does" same_answers

# ---- reload with a change: NOTIFY brings NSD the new serial and data
sed -i 's/^address = 10.0.0.12$/address = 10.0.0.12, 10.0.0.13/' "$CONF"
printf 'portal\tIN A 203.0.113.80\n' >>"$TMPD/zones/contoso.com.zone"
sleep 1		# the serial follows the clock: let it move on
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	S2=$(serial_of "$PORT" contoso.com)
	[ -n "$S2" ] && [ "$S2" != "$S1" ] && break
	sleep 0.1
done
ok_if "the reload raised the serial ($S1 -> $S2)" [ "$S2" -gt "$S1" ]
ok_if "NSD followed the NOTIFY to serial $S2" nsd_wait_serial contoso.com "$S2"
ok_if "the daemon logged the NOTIFY" grep -q 'notify contoso.com to 127.0.0.1:'"$NSD_PORT"': acknowledged' "$DAEMON_LOG"
ok_if "NSD serves the new record" \
    [ "$(dig -p "$NSD_PORT" @127.0.0.1 +short portal.contoso.com A)" = 203.0.113.80 ]
ok_if "NSD still answers like ocsdnsd" same_answers

nsd_stop
stop_daemon || fail "daemon exit status $?"
finish
