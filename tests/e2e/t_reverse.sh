#!/usr/bin/env bash
# t_reverse.sh -- reverse_zones: PTR records per view (127.0.0.1 inside,
# 127.0.0.2 outside), the negative answers and apex of a reverse zone, its
# AXFR read by nsd-checkzone, and --print-zone listing it where it is seen.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
command -v nsd-checkzone >/dev/null 2>&1 ||
    die "nsd-checkzone is not installed (the quick start installs nsd)"

# A file for a reverse zone joins it, as a file for a SIP domain does.
mkdir -p "$TMPD/zones/internal"
cat >"$TMPD/zones/internal/0.0.10.in-addr.arpa.zone" <<'ZONE'
$TTL 600
50	IN PTR printer.contoso.com.
ZONE
write_conf <<'CONF'
[server]
reverse_zones = auto
zones = zones
allow_transfer = 127.0.0.1, 127.0.0.2
[view internal]
match = 127.0.0.1
[view external]
match = 127.0.0.2
scope = external

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10, 2001:db8::10
[host pool02.contoso.com]
address.internal = 10.0.0.10, 10.0.0.12
[host sip.contoso.com]
address.internal = 10.0.1.10
address.external = 203.0.113.10
[host ns1.contoso.com]
address = 203.0.113.53
[host lyncdiscover.contoso.com]
cname = sip.contoso.com
CONF
start_daemon

INSIDE=(-b 127.0.0.1)
OUTSIDE=(-b 127.0.0.2)
SOA_RE='[0-9]+ 3600 600 604800 300'

# ---- an internal address: inside only
q "${INSIDE[@]}" -x 10.0.0.10
expect_status NOERROR
expect_flag aa
expect_noflag ra
expect_rr ANSWER '10.0.0.10.in-addr.arpa. 3600 IN PTR pool01.contoso.com.'
expect_count ANSWER 1		# two hosts have it: one PTR, the first's
q "${INSIDE[@]}" -x 10.0.0.12
expect_rr ANSWER '12.0.0.10.in-addr.arpa. 3600 IN PTR pool02.contoso.com.'
q "${INSIDE[@]}" -x 10.0.0.50
expect_flag aa
expect_rr ANSWER '50.0.0.10.in-addr.arpa. 600 IN PTR printer.contoso.com.'
q "${INSIDE[@]}" -x 2001:db8::10
expect_flag aa
expect_rr ANSWER '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 IN PTR pool01.contoso.com.'

# Outside the internal reverse zones are no zones at all: REFUSED, and not
# a word about them (no PTR, no SOA).
for addr in 10.0.0.10 10.0.1.10 2001:db8::10 10.0.0.99 10.0.0.50; do
	q "${OUTSIDE[@]}" -x "$addr"
	expect_status REFUSED
	expect_noflag aa
	expect_count ANSWER 0
	expect_section_count AUTHORITY 0
	expect_no_out_re '^[^;].*IN[[:space:]]+(PTR|SOA)'
	expect_no_out_re 'contoso\.com'
done
q "${OUTSIDE[@]}" 0.0.10.in-addr.arpa SOA
expect_status REFUSED
expect_section_count AUTHORITY 0
expect_no_out_re '^[^;].*IN[[:space:]]+SOA'
q "${OUTSIDE[@]}" 0.0.10.in-addr.arpa AXFR
expect_out_re 'Transfer failed'
expect_no_out_re '^[^;].*IN[[:space:]]+(PTR|SOA)'

# ---- an external address: each view its own
q "${OUTSIDE[@]}" -x 203.0.113.10
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '10.113.0.203.in-addr.arpa. 3600 IN PTR sip.contoso.com.'
q "${OUTSIDE[@]}" -x 203.0.113.53
expect_rr ANSWER '53.113.0.203.in-addr.arpa. 3600 IN PTR ns1.contoso.com.'
q "${INSIDE[@]}" -x 203.0.113.53
expect_flag aa
expect_rr ANSWER '53.113.0.203.in-addr.arpa. 3600 IN PTR ns1.contoso.com.'
# sip's external address is not published inside: in the zone, no name.
q "${INSIDE[@]}" -x 203.0.113.10
expect_status NXDOMAIN
expect_flag aa
expect_count ANSWER 0
expect_rr_re AUTHORITY "^113\\.0\\.203\\.in-addr\\.arpa\\. 300 IN SOA ns1\\.contoso\\.com\\. hostmaster\\.contoso\\.com\\. $SOA_RE\$"

# ---- negative answers inside a reverse zone
q "${INSIDE[@]}" -x 10.0.0.99
expect_status NXDOMAIN
expect_flag aa
expect_count ANSWER 0
expect_rr_re AUTHORITY "^0\\.0\\.10\\.in-addr\\.arpa\\. 300 IN SOA ns1\\.contoso\\.com\\. hostmaster\\.contoso\\.com\\. $SOA_RE\$"
expect_section_count AUTHORITY 1
q "${INSIDE[@]}" 10.0.0.10.in-addr.arpa A
expect_status NOERROR
expect_flag aa
expect_count ANSWER 0
expect_rr_re AUTHORITY "^0\\.0\\.10\\.in-addr\\.arpa\\. 300 IN SOA ns1\\.contoso\\.com\\. "
# The A of the host itself is untouched.
q "${INSIDE[@]}" pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'

# ---- the apex
q "${INSIDE[@]}" 0.0.10.in-addr.arpa SOA
expect_status NOERROR
expect_flag aa
expect_rr_re ANSWER "^0\\.0\\.10\\.in-addr\\.arpa\\. 3600 IN SOA ns1\\.contoso\\.com\\. hostmaster\\.contoso\\.com\\. $SOA_RE\$"
q "${INSIDE[@]}" 0.0.10.in-addr.arpa NS
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '0.0.10.in-addr.arpa. 3600 IN NS ns1.contoso.com.'
expect_count ANSWER 1
q "${INSIDE[@]}" 0.10.in-addr.arpa SOA
expect_status REFUSED		# above the /24: none of ours

# ---- AXFR: a master file another server reads
LASTQ="dig -b 127.0.0.1 0.0.10.in-addr.arpa AXFR"
dig -p "$PORT" @127.0.0.1 -b 127.0.0.1 +tries=1 +time=2 +nocmd +nostats \
    0.0.10.in-addr.arpa AXFR >"$TMPD/rev.axfr" 2>&1
OUT=$(cat "$TMPD/rev.axfr")
ok_if "AXFR of 0.0.10.in-addr.arpa opens and closes with the SOA" \
    [ "$(grep -c 'IN[[:space:]]*SOA' "$TMPD/rev.axfr")" = 2 ]
expect_out_re '^10\.0\.0\.10\.in-addr\.arpa\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+PTR[[:space:]]+pool01\.contoso\.com\.$'
expect_no_out_re '^10\.0\.0\.10\.in-addr\.arpa\..*pool02|203\.0\.113'
# As a master file: the records without the closing SOA.
awk '/^;/ || /^$/ { next } /IN[ \t]+SOA/ && soa++ { next } { print }' \
    "$TMPD/rev.axfr" >"$TMPD/rev.zone"
ok_if "nsd-checkzone accepts the transferred reverse zone" \
    nsd-checkzone 0.0.10.in-addr.arpa "$TMPD/rev.zone"

# ---- --print-zone lists a reverse zone only in the views that see it
"$OCSDNSD" -c "$CONF" --print-zone --view internal >"$TMPD/in.printed" 2>/dev/null
ok_if "--print-zone --view internal exits 0" [ $? = 0 ]
"$OCSDNSD" -c "$CONF" --print-zone --view external >"$TMPD/out.printed" 2>/dev/null
ok_if "--print-zone --view external exits 0" [ $? = 0 ]
ok_if "the internal view lists 0.0.10.in-addr.arpa" \
    grep -q '^; zone 0\.0\.10\.in-addr\.arpa, view internal' "$TMPD/in.printed"
ok_if "the internal view lists the ip6.arpa zone" \
    grep -q '^; zone 0\.0\.0\.0\.0\.0\.0\.0\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa, view internal' \
    "$TMPD/in.printed"
ok_if "the external view lists 113.0.203.in-addr.arpa" \
    grep -q '^; zone 113\.0\.203\.in-addr\.arpa, view external' "$TMPD/out.printed"
ok_if "the external view lists no internal reverse zone" \
    sh -c "! grep -Eq '10\\.in-addr\\.arpa|ip6\\.arpa' \"\$1\"" _ "$TMPD/out.printed"
"$OCSDNSD" -c "$CONF" --print-zone --view external 0.0.10.in-addr.arpa >/dev/null 2>&1
ok_if "--print-zone --view external 0.0.10.in-addr.arpa exits 1" [ $? = 1 ]
"$OCSDNSD" -c "$CONF" --print-zone --view internal 0.0.10.in-addr.arpa \
    >"$TMPD/rev.printed" 2>/dev/null
ok_if "nsd-checkzone accepts the printed reverse zone" \
    nsd-checkzone 0.0.10.in-addr.arpa "$TMPD/rev.printed"

# ---- a bad prefix names file and line; -t refuses the file
cat >"$TMPD/bad.ini" <<'CONF'
[server]
reverse_zones = 10.0.0.0/20
[domain contoso.com]
pool = pool01.contoso.com
[host pool01.contoso.com]
address = 10.0.0.10
CONF
"$OCSDNSD" -t -c "$TMPD/bad.ini" >"$TMPD/bad.out" 2>&1
ok_if "-t fails for reverse_zones = 10.0.0.0/20" [ $? = 1 ]
ok_if "the error names file, line and the boundaries" \
    grep -qF "$TMPD/bad.ini:2: reverse_zones: 10.0.0.0/20 is not on an octet boundary: use /16 or /24" \
    "$TMPD/bad.out"

finish
