#!/usr/bin/env bash
# t_zonecuts.sh -- zone files with delegations (RFC 1034 4.3.2, RFC 9471)
# and wildcards (RFC 4592, its section 2.2.1 example zone), answered as NSD
# answers the same file; occluded data and DNAME refused at load.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
command -v nsd >/dev/null 2>&1 ||
    die "nsd is not installed (the quick start installs it)"

mkdir -p "$TMPD/zones"
# RFC 4592 section 2.2.1, with a delegation that has glue (corp) and one
# whose glue does not fit a 512-byte answer (big) added.
{
	cat <<'ZONE'
$ORIGIN example.
$TTL 3600
example.                 3600 IN  SOA   ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
corp.example.            3600     NS    dc1.corp.example.
corp.example.            3600     NS    ns.example.net.
dc1.corp.example.        3600     A     192.0.2.53
dc1.corp.example.        3600     AAAA  2001:db8::53
*.cn.example.            3600     CNAME host1.example.
alias.example.           3600     CNAME foo.w2.example.
*.w2.example.            3600     A     192.0.2.7
ZONE
	for i in $(seq 1 12); do
		printf 'big.example. 3600 NS ns%s.big.example.\n' "$i"
		printf 'ns%s.big.example. 3600 A 192.0.2.%s\n' "$i" "$i"
		printf 'ns%s.big.example. 3600 AAAA 2001:db8::%s\n' "$i" "$i"
	done
} >"$TMPD/zones/example.zone"
cat >"$TMPD/zones/contoso.com.zone" <<'ZONE'
$TTL 3600
*	IN TXT "wildcard of contoso.com"
*	IN A 192.0.2.99
ZONE
write_conf <<CONF
[server]
zones = zones
allow_transfer = 127.0.0.1
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federation = yes
[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address = 203.0.113.10
CONF
start_daemon

# ---- RFC 4592 section 2.2.1: the table of its queries
q +norec host3.example MX
expect_status NOERROR
expect_flag aa
expect_rr ANSWER 'host3.example. 3600 IN MX 10 host1.example.'
expect_rr ADDITIONAL 'host1.example. 3600 IN A 192.0.2.1'
q +norec host3.example A
expect_status NOERROR
expect_flag aa
expect_count ANSWER 0
expect_rr_re AUTHORITY '^example\. 300 IN SOA '
q +norec foo.bar.example TXT
expect_rr ANSWER 'foo.bar.example. 3600 IN TXT "this is a wildcard"'
q +norec host1.example MX
expect_status NOERROR
expect_count ANSWER 0
q +norec 'sub.*.example' MX
expect_status NOERROR
expect_count ANSWER 0
q +norec _telnet._tcp.host1.example SRV
expect_status NXDOMAIN
q +norec host.subdel.example A
expect_status NOERROR
expect_noflag aa
expect_count ANSWER 0
expect_rr AUTHORITY 'subdel.example. 3600 IN NS ns.example.com.'
expect_rr AUTHORITY 'subdel.example. 3600 IN NS ns.example.net.'
q +norec 'ghost.*.example' MX
expect_status NXDOMAIN
# The query name as owner, in its case as asked (0x20).
q +norec HoSt3.ExAmPlE MX
expect_rr ANSWER 'HoSt3.ExAmPlE. 3600 IN MX 10 host1.example.'
# The wildcard name itself is a name like any other.
q +norec '*.example' TXT
expect_rr ANSWER '*.example. 3600 IN TXT "this is a wildcard"'
# A CNAME wildcard is followed.
q +norec a.cn.example A
expect_rr ANSWER 'a.cn.example. 3600 IN CNAME host1.example.'
expect_rr ANSWER 'host1.example. 3600 IN A 192.0.2.1'
# A chain into a wildcard: its records with the CNAME's target as owner.
q +norec alias.example A
expect_rr ANSWER 'alias.example. 3600 IN CNAME foo.w2.example.'
expect_rr ANSWER 'foo.w2.example. 3600 IN A 192.0.2.7'

# ---- a delegation with glue
q +norec corp.example NS
expect_status NOERROR
expect_noflag aa
expect_count ANSWER 0
expect_rr AUTHORITY 'corp.example. 3600 IN NS dc1.corp.example.'
expect_rr ADDITIONAL 'dc1.corp.example. 3600 IN A 192.0.2.53'
expect_rr ADDITIONAL 'dc1.corp.example. 3600 IN AAAA 2001:db8::53'
# At the glue's own name, and below a cut where nothing is: the referral.
for name in dc1.corp.example x.y.corp.example; do
	q +norec "$name" A
	expect_noflag aa
	expect_count ANSWER 0
	expect_rr AUTHORITY 'corp.example. 3600 IN NS dc1.corp.example.'
	expect_rr ADDITIONAL 'dc1.corp.example. 3600 IN A 192.0.2.53'
done
# DS at the cut: the parent's NODATA, authoritative.
q +norec corp.example DS
expect_status NOERROR
expect_flag aa
expect_count ANSWER 0
expect_rr_re AUTHORITY '^example\. 300 IN SOA '
# DS below the cut is the child's business: a referral like any other type
# (the parent's rule is for the cut's own name only).
q +norec x.corp.example DS
expect_status NOERROR
expect_noflag aa
expect_count ANSWER 0
expect_rr AUTHORITY 'corp.example. 3600 IN NS dc1.corp.example.'
# Glue that does not fit 512 bytes: TC (RFC 9471), all of it over TCP.
q +norec +noedns +ignore www.big.example A
expect_flag tc
expect_noflag aa
q +norec +tcp www.big.example A
expect_noflag tc aa
expect_section_count AUTHORITY 12
expect_section_count ADDITIONAL 24

# ---- a wildcard never answers a name the configuration makes
q +norec pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
expect_no_rr_re ANSWER '192\.0\.2\.99'
q +norec pool01.contoso.com TXT
expect_status NOERROR
expect_count ANSWER 0
q +norec _sip._tls.contoso.com TXT
expect_status NOERROR
expect_count ANSWER 0
# Below an empty non-terminal the configuration makes (_tcp): no match.
q +norec _nope._tcp.contoso.com TXT
expect_status NXDOMAIN
q +norec nothing.contoso.com A
expect_rr ANSWER 'nothing.contoso.com. 3600 IN A 192.0.2.99'

# ---- AXFR and --print-zone carry the records as written
q +norec example AXFR
expect_out_re '^\*\.example\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 host1\.example\.$'
expect_out_re '^corp\.example\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+NS[[:space:]]+dc1\.corp\.example\.$'
expect_out_re '^dc1\.corp\.example\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.53$'
PRINTED=$("$OCSDNSD" -c "$CONF" --print-zone example 2>&1)
ok_if "--print-zone has the wildcard" grep -qE '^\*\.example\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+TXT' <<<"$PRINTED"
ok_if "--print-zone has the cut's glue" grep -qE '^dc1\.corp\.example\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+AAAA' <<<"$PRINTED"

# ---- the same answers as NSD loading the same file
mkdir -p "$TMPD/nsd"
cp "$TMPD/zones/example.zone" "$TMPD/nsd/example.zone"
nsd_start <<'NSDZONE'
zone:
	name: example
	zonefile: "example.zone"
NSDZONE
for _ in $(seq 1 50); do
	[ -n "$(serial_of "$NSD_PORT" example)" ] && break
	sleep 0.2
done
[ -n "$(serial_of "$NSD_PORT" example)" ] ||
    { cat "$TMPD/nsd/stdout" "$TMPD/nsd/nsd.log" >&2; die "nsd did not serve example"; }

# The reply as one comparable text: rcode, flags, then each section sorted,
# the SOA serial masked (ocsdnsd gives every SOA its own serial).
norm() {
	dig -p "$1" @127.0.0.1 +tries=1 +time=2 +norec "${@:2}" 2>&1 | awk '
		/->>HEADER<<-/ { sub(/.*status: /, ""); sub(/,.*/, ""); print "rcode " $0; next }
		/^;; flags:/ { sub(/^;; flags: */, ""); sub(/;.*/, ""); print "flags " $0; next }
		/^;; [A-Z]+ SECTION:/ { sec = $2; next }
		/^;/ || /^$/ { next }
		sec != "" { gsub(/[ \t]+/, " ")
			if ($4 == "SOA") $7 = "SERIAL"
			print sec " " $0 }' | sort
}
same_as_nsd() {
	local ours theirs
	ours=$(norm "$PORT" "$@")
	theirs=$(norm "$NSD_PORT" "$@")
	LASTQ="dig +norec $* (ocsdnsd and nsd)"
	OUT="ocsdnsd:
$ours
nsd:
$theirs"
	OUT_SHOWN=0
	if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
		pass "as nsd: $*"
	else
		fail "not as nsd answers: $*"
	fi
}
# Not the MX answers: NSD's minimal responses leave out the additional
# addresses that ocsdnsd adds (checked above), and without them it adds
# the apex NS RRset to every answer, which ocsdnsd never does.
for args in "host3.example TXT" "host3.example A" "foo.bar.example TXT" \
    "host1.example MX" "sub.*.example MX" "sub.*.example TXT" \
    "_telnet._tcp.host1.example SRV" "host.subdel.example A" \
    "ghost.*.example MX" "*.example TXT" "*.example A" "a.cn.example A" \
    "a.cn.example TXT" "subdel.example NS" "subdel.example DS" \
    "corp.example NS" "corp.example A" "corp.example DS" \
    "dc1.corp.example A" "dc1.corp.example AAAA" "x.y.corp.example MX" \
    "x.dc1.corp.example DS" "host1.example A" "_ssh._tcp.host2.example SRV" \
    "_tcp.host1.example A" "example NS" "example SOA" "host2.example A" \
    "+tcp www.big.example A" "+tcp big.example DS" "alias.example A" \
    "alias.example TXT" "foo.w2.example A"; do
	# shellcheck disable=SC2086 # the words are dig arguments
	same_as_nsd $args
done
nsd_stop

stop_daemon

# ---- load-time rules: occluded data and DNAME, with file and line
cat >"$TMPD/zones/example.net.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 60
	IN NS ns1.contoso.com.
corp	IN NS dc1.corp
dc1.corp IN A 192.0.2.53
www.corp IN A 192.0.2.80
corp	IN MX 10 mail.contoso.com.
ZONE
OUT=$("$OCSDNSD" -c "$CONF" -t 2>&1)
LASTQ="ocsdnsd -t"
OUT_SHOWN=0
expect_out_re 'example\.net\.zone:6: www\.corp\.example\.net\. A is at or below the delegation of corp\.example\.net\. \(.*example\.net\.zone:4\)'
expect_out_re 'example\.net\.zone:7: corp\.example\.net\. MX is at or below the delegation'
expect_no_out_re 'example\.net\.zone:5:'
cat >"$TMPD/zones/example.net.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 60
	IN NS ns1.contoso.com.
alias	IN DNAME contoso.com.
*	IN NS ns1.contoso.com.
ZONE
OUT=$("$OCSDNSD" -c "$CONF" -t 2>&1)
OUT_SHOWN=0
expect_out_re 'example\.net\.zone:4: DNAME is not supported: use a CNAME per name'
expect_out_re 'example\.net\.zone:5: NS at a wildcard name is not supported'
rm "$TMPD/zones/example.net.zone"
# A delegation over a zone served here: its own records delegate it.
cat >"$TMPD/zones/contoso.com.zone" <<'ZONE'
$TTL 3600
child	IN NS ns1.example.net.
ZONE
cat >>"$CONF" <<'CONF'
[domain child.contoso.com]
pool = pool01.child.contoso.com
[host pool01.child.contoso.com]
address = 10.0.1.10
CONF
OUT=$("$OCSDNSD" -c "$CONF" -t 2>&1)
expect_out_re 'contoso\.com\.zone:2: the delegation of child\.contoso\.com covers zone child\.contoso\.com, which is served here'

# ---- placement: zones/VIEW/ for that view only, zones/ for all
rm -f "$TMPD/zones/contoso.com.zone"
mkdir -p "$TMPD/zones/internal"
cat >"$TMPD/zones/internal/contoso.com.zone" <<'ZONE'
$TTL 3600
*.lab	IN A 10.0.9.9
ad	IN NS dc1.ad
dc1.ad	IN A 10.0.9.53
ZONE
write_conf <<CONF
[server]
zones = zones
[view internal]
match = 127.0.0.1
[view external]
match = any
scope = external
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address = 203.0.113.10
CONF
start_daemon
q +norec pc1.lab.contoso.com A
expect_rr ANSWER 'pc1.lab.contoso.com. 3600 IN A 10.0.9.9'
q +norec pc1.ad.contoso.com A
expect_noflag aa
expect_rr AUTHORITY 'ad.contoso.com. 3600 IN NS dc1.ad.contoso.com.'
expect_rr ADDITIONAL 'dc1.ad.contoso.com. 3600 IN A 10.0.9.53'
# From 127.0.0.2 (the external view) the file is not there.
q -b 127.0.0.2 +norec pc1.lab.contoso.com A
expect_status NXDOMAIN
q -b 127.0.0.2 +norec pc1.ad.contoso.com A
expect_status NXDOMAIN
expect_flag aa
stop_daemon

finish
