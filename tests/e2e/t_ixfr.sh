#!/usr/bin/env bash
# t_ixfr.sh -- per-zone serials with NSD and Knot as keyed secondaries: a
# reload that changes one host NOTIFYs that zone alone (signed), both fetch
# it by IXFR signed with the TSIG key and then answer as ocsdnsd does; IXFR
# answers to dig (deltas, current, unknown, over UDP, a wrong key) and the
# history limit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
command -v nsd >/dev/null 2>&1 ||
    die "nsd is not installed (the quick start installs it)"
command -v knotd >/dev/null 2>&1 ||
    die "knotd is not installed (the quick start installs knot)"

NSD_PORT=$(pick_port) || die "no free port for nsd"
KNOT_PORT=$(pick_port) || die "no free port for knotd"
# The secondaries sign every request with ixfr1 and verify every answer
# (NSD and Knot reject an unsigned or badly signed message of a transfer);
# dig's plain requests below are allowed by address.
KEY=ixfr1
SECRET=$(printf 'ocsdnsd t_ixfr lab key' | base64)
write_conf <<CONF
[server]
allow_transfer = key $KEY, 127.0.0.1
notify = 127.0.0.1:$NSD_PORT key $KEY, 127.0.0.1:$KNOT_PORT key $KEY
ixfr_history = 2
[key $KEY]
algorithm = hmac-sha256
secret = $SECRET
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
[domain fabrikam.com]
pool = pool01.fabrikam.com
[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address = 203.0.113.10
[host pool01.fabrikam.com]
address = 10.1.0.10
[host ns1.contoso.com]
address = 192.0.2.53
[host ns1.fabrikam.com]
address = 192.0.2.54
CONF
start_daemon

# soa_count: how many SOA records dig printed ($OUT).
soa_count() {
	printf '%s\n' "$OUT" | grep -c 'IN[[:space:]]*SOA'
}
# reload_to ZONE OLD: SIGHUP, then waits until ZONE's serial is not OLD.
reload_to() {
	local s
	kill -HUP "$DAEMON_PID"
	for _ in $(seq 1 50); do
		s=$(serial_of "$PORT" "$1")
		[ -n "$s" ] && [ "$s" != "$2" ] && break
		sleep 0.1
	done
	printf '%s\n' "$s"
}
# set_address OLD NEW: changes one host address in the configuration.
set_address() {
	sed -i "s/^address = $1\$/address = $2/" "$CONF"
}

C1=$(serial_of "$PORT" contoso.com)
F1=$(serial_of "$PORT" fabrikam.com)

# ---- IXFR to dig before any change
q contoso.com IXFR="$C1"
ok_if "IXFR from the current serial: the SOA alone" [ "$(soa_count)" = 1 ]
q contoso.com IXFR=12345
ok_if "IXFR from an unknown serial: a full AXFR" [ "$(soa_count)" = 2 ]
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.10$'
# The right name with a wrong secret: NOTAUTH/BADSIG, unsigned.
q -y "hmac-sha256:$KEY:$(printf 'not the key' | base64)" contoso.com IXFR="$C1"
expect_out_re "Couldn't verify signature: tsig indicates error"

# ---- NSD as the secondary of both zones
# nsd_secondary with store-ixfr: NSD writes ZONE.zone.ixfr (and logs
# "writing zone ZONE IXFR data") only for a transfer that came as IXFR,
# when it writes the zone file (zonefiles-write: each second).
nsd_ixfr_secondary() {
	nsd_start < <(
		printf 'server:\n\tzonefiles-write: 1\n'
		printf 'key:\n\tname: %s\n\talgorithm: hmac-sha256\n\tsecret: "%s"\n' \
		    "$KEY" "$SECRET"
		printf 'pattern:\n\tname: "fromocsdnsd"\n'
		printf '\trequest-xfr: 127.0.0.1@%s %s\n' "$PORT" "$KEY"
		printf '\tallow-notify: 127.0.0.1 %s\n' "$KEY"
		printf '\tstore-ixfr: yes\n\tcreate-ixfr: no\n'
		for zone in "$@"; do
			printf 'zone:\n\tname: %s\n\tzonefile: "%s.zone"\n' \
			    "$zone" "$zone"
			printf '\tinclude-pattern: "fromocsdnsd"\n'
		done
	)
}
nsd_ixfr_secondary contoso.com fabrikam.com

# Knot as a second keyed secondary (lib.sh; e2e_cleanup stops it); its log
# says "IXFR, incoming" or "AXFR, incoming" for each transfer.
knot_wait_serial() {	# ZONE SERIAL, at most 15 s
	server_wait_serial "$KNOT_PORT" "$1" "$2"
}
knot_secondary "$KEY" hmac-sha256 "$SECRET" contoso.com fabrikam.com
ok_if "NSD transferred contoso.com ($C1)" nsd_wait_serial contoso.com "$C1"
ok_if "NSD transferred fabrikam.com ($F1)" nsd_wait_serial fabrikam.com "$F1"
ok_if "Knot transferred contoso.com ($C1)" knot_wait_serial contoso.com "$C1"
ok_if "Knot transferred fabrikam.com ($F1)" knot_wait_serial fabrikam.com "$F1"

# ---- a reload without a change keeps every serial, NOTIFYs nothing
sleep 1		# the clock moves on: only the content may raise a serial
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'reloaded .*: serial' "$DAEMON_LOG" && break
	sleep 0.1
done
ok_if "an unchanged reload keeps contoso.com's serial" [ "$(serial_of "$PORT" contoso.com)" = "$C1" ]
ok_if "an unchanged reload sends no NOTIFY" \
    [ "$(grep -c 'notify .* acknowledged' "$DAEMON_LOG")" = 0 ]

# ---- one host of contoso.com changes
set_address 10.0.0.10 10.0.0.20
C2=$(reload_to contoso.com "$C1")
ok_if "the changed zone's serial rose ($C1 -> $C2)" [ "$C2" -gt "$C1" ]
ok_if "the other zone keeps its serial ($F1)" [ "$(serial_of "$PORT" fabrikam.com)" = "$F1" ]
ok_if "NSD followed the NOTIFY to $C2" nsd_wait_serial contoso.com "$C2"
ok_if "contoso.com was NOTIFYed, signed, and NSD's answer verified" \
    grep -q "notify contoso.com to 127.0.0.1:$NSD_PORT: acknowledged (TSIG verified)" "$DAEMON_LOG"
ok_if "fabrikam.com was not NOTIFYed" \
    sh -c "! grep -q 'notify fabrikam.com' '$DAEMON_LOG'"
for _ in $(seq 1 50); do
	[ -s "$TMPD/nsd/contoso.com.zone.ixfr" ] && break
	sleep 0.1
done
ok_if "NSD got contoso.com by IXFR (its log and its .ixfr file)" \
    grep -q "writing zone contoso.com IXFR data" "$TMPD/nsd/nsd.log"
ok_if "NSD's IXFR data holds the changed record" \
    grep -q "10\.0\.0\.20" "$TMPD/nsd/contoso.com.zone.ixfr"
ok_if "fabrikam.com came by AXFR alone (no IXFR data)" \
    [ ! -e "$TMPD/nsd/fabrikam.com.zone.ixfr" ]
ok_if "Knot followed the NOTIFY to $C2" knot_wait_serial contoso.com "$C2"
ok_if "Knot's log shows the IXFR of contoso.com" \
    grep -q "\[contoso.com.\] IXFR, incoming, remote 127.0.0.1@$PORT.*finished" "$TMPD/knot/knot.log"
ok_if "Knot transferred fabrikam.com once, by AXFR" \
    [ "$(grep -c '\[fabrikam.com.\] [AI]XFR, incoming.*finished' "$TMPD/knot/knot.log")" = 1 ]
ok_if "NSD serves the new address" \
    [ "$(dig -p "$NSD_PORT" @127.0.0.1 +short pool01.contoso.com A)" = 10.0.0.20 ]
# soa_serials: the serials of the SOA records dig printed ($OUT), one a line.
soa_serials() {
	printf '%s\n' "$OUT" | awk '$4 == "SOA" { print $7 }'
}
# The unchanged zone's records are the old snapshot's, shared; the changed
# one's a copy: each transfer opens and closes with the zone's SOA as served.
q fabrikam.com AXFR
ok_if "after the reload, the unchanged fabrikam.com's AXFR: its SOA ($F1) first and last" \
    [ "$(soa_serials | tr '\n' ' ')" = "$F1 $F1 " ]
q fabrikam.com IXFR="$F1"
ok_if "after the reload, fabrikam.com's IXFR from $F1: that SOA alone" \
    [ "$(soa_serials | tr '\n' ' ')" = "$F1 " ]
q contoso.com AXFR
ok_if "after the reload, the changed contoso.com's AXFR: its SOA ($C2) first and last" \
    [ "$(soa_serials | tr '\n' ' ')" = "$C2 $C2 " ]

# same_answers PORT: every name and type, the same RRset from the daemon and
# the secondary on PORT (sorted: rotation aside).
same_answers() {
	local name type a b bad=0 sec=$1
	for name in contoso.com fabrikam.com _sipinternaltls._tcp.contoso.com \
	    _sip._tls.contoso.com pool01.contoso.com sip.contoso.com \
	    pool01.fabrikam.com _sipinternaltls._tcp.fabrikam.com nope.contoso.com; do
		for type in SOA NS SRV A AAAA; do
			a=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			b=$(dig -p "$sec" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			if [ "$a" != "$b" ]; then
				printf 'differ: %s %s\nocsdnsd:\n%s\nsecondary:\n%s\n' "$name" "$type" "$a" "$b"
				bad=1
			fi
		done
	done
	return "$bad"
}
ok_if "NSD answers as ocsdnsd does after the IXFR" same_answers "$NSD_PORT"
ok_if "Knot answers as ocsdnsd does after the IXFR" same_answers "$KNOT_PORT"

# ---- the delta as dig sees it: new SOA, old SOA, deleted, new SOA, added, new SOA
q contoso.com IXFR="$C1"
ok_if "IXFR from $C1: one delta (4 SOA)" [ "$(soa_count)" = 4 ]
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.10$'
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.20$'
ok_if "the delta has the changed record only (2 A, 4 SOA)" \
    [ "$(printf '%s\n' "$OUT" | grep -vc '^;\|^$')" = 6 ]
q -y "hmac-sha256:$KEY:$SECRET" contoso.com IXFR="$C1"
ok_if "the same IXFR signed with the key: 4 SOA" [ "$(soa_count)" = 4 ]
expect_out_re '^ixfr1\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\.'
expect_no_out_re "Couldn't verify|tsig indicates error|Transfer failed"

# ---- over UDP: it fits one message
q +notcp contoso.com IXFR="$C1"
ok_if "IXFR over UDP carries the delta when it fits" [ "$(soa_count)" = 4 ]
# The same, raw (dig shows no header for a transfer): AA, our OPT.
ixfr_msg() {	# ixfr_msg ID SERIAL: an IXFR with the SOA at SERIAL
	printf 'hdr(id=%s, ns=1, ar=1) + question("contoso.com", 251) + name("contoso.com") + hx("0006 0001 00000000 0016 00 00 %08x %s") + opt()' \
	    "$1" "$2" "00000000000000000000000000000000"
}
write_raw_tool
raw_udp "$(ixfr_msg 0x7101 "$C1")"
expect_raw id=28929 qr=1 aa=1 rcode=0 an=6 opt=1
raw_udp "$(ixfr_msg 0x7102 "$C2")"
expect_raw id=28930 qr=1 aa=1 rcode=0 an=1 opt=1

# ---- two more changes: the history keeps ixfr_history = 2 deltas
sleep 1
set_address 10.0.0.20 10.0.0.30
C3=$(reload_to contoso.com "$C2")
q contoso.com IXFR="$C1"
ok_if "IXFR from $C1 after two changes: condensed to one delta (4 SOA)" [ "$(soa_count)" = 4 ]
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.10$'
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.30$'
expect_no_out_re '10\.0\.0\.20$'

sleep 1
set_address 10.0.0.30 10.0.0.40
C4=$(reload_to contoso.com "$C3")
ok_if "serials only grow ($C2 < $C3 < $C4)" [ "$C2" -lt "$C3" ] && [ "$C3" -lt "$C4" ]
q contoso.com IXFR="$C1"
ok_if "IXFR from $C1, three changes back: AXFR (2 SOA)" [ "$(soa_count)" = 2 ]
q contoso.com IXFR="$C2"
ok_if "IXFR from $C2: the two kept deltas, condensed (4 SOA)" [ "$(soa_count)" = 4 ]
ok_if "NSD follows to $C4" nsd_wait_serial contoso.com "$C4"
ok_if "Knot follows to $C4" knot_wait_serial contoso.com "$C4"
ok_if "NSD still answers as ocsdnsd does" same_answers "$NSD_PORT"
ok_if "Knot still answers as ocsdnsd does" same_answers "$KNOT_PORT"
ok_if "fabrikam.com was never NOTIFYed" \
    sh -c "! grep -q 'notify fabrikam.com' '$DAEMON_LOG'"

knot_stop
nsd_stop
stop_daemon || fail "daemon exit status $?"
finish
