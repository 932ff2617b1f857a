#!/usr/bin/env bash
# t_lab.sh -- the whole OCS lab of conf/ocsdnsd-lab.ini: every role's
# records in the views that may see them, shared pools and edges with
# in-domain names, and a leak scan of the external view.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
cp "$top_srcdir/conf/ocsdnsd-lab.ini" "$CONF" || die "cannot copy the lab"
start_daemon

IN=(-b 127.0.0.1)
OUT_=(-b 127.0.0.2)

# ---- inside: sign-in through the Director for contoso.com, the pool for
# the other two domains, each under a name of its own
q "${IN[@]}" _sipinternaltls._tcp.contoso.com SRV
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '_sipinternaltls._tcp.contoso.com. 3600 IN SRV 0 0 5061 dir01.contoso.com.'
expect_rr ADDITIONAL 'dir01.contoso.com. 3600 IN A 10.0.0.20'
q "${IN[@]}" _sipinternal._tcp.contoso.com SRV
expect_rr ANSWER '_sipinternal._tcp.contoso.com. 3600 IN SRV 0 0 5060 dir01.contoso.com.'
q "${IN[@]}" _sipinternaltls._tcp.fabrikam.com SRV
expect_rr ANSWER '_sipinternaltls._tcp.fabrikam.com. 3600 IN SRV 0 0 5061 pool01.fabrikam.com.'
expect_rr ADDITIONAL 'pool01.fabrikam.com. 3600 IN A 10.0.0.10'
q "${IN[@]}" _sipinternaltls._tcp.retail.contoso.com SRV
expect_rr ANSWER '_sipinternaltls._tcp.retail.contoso.com. 3600 IN SRV 0 0 5061 pool01.retail.contoso.com.'
expect_rr ADDITIONAL 'pool01.retail.contoso.com. 3600 IN A 10.0.0.10'
q "${IN[@]}" pool01.fabrikam.com A
expect_rr ANSWER 'pool01.fabrikam.com. 3600 IN A 10.0.0.10'
expect_count ANSWER 1

# every internal role
for rr in 'pool01.contoso.com. 3600 IN A 10.0.0.10' \
    'fe01.contoso.com. 3600 IN A 10.0.0.11' \
    'fe02.contoso.com. 3600 IN A 10.0.0.12' \
    'webpool01.contoso.com. 3600 IN A 10.0.0.13' \
    'dir01.contoso.com. 3600 IN A 10.0.0.20' \
    'edge01.contoso.com. 3600 IN A 172.16.0.10' \
    'cwa.contoso.com. 3600 IN A 10.0.0.30' \
    'med01.contoso.com. 3600 IN A 10.0.0.40' \
    'gw01.contoso.com. 3600 IN A 10.0.0.41' \
    'arch01.contoso.com. 3600 IN A 10.0.0.50' \
    'ucupdates-r2.contoso.com. 3600 IN A 10.0.0.13' \
    'ucupdates-r2.fabrikam.com. 3600 IN A 10.0.0.13' \
    'ucupdates-r2.retail.contoso.com. 3600 IN A 10.0.0.13'; do
	name=${rr%%.*}.${rr#*.}
	name=${name%% *}
	q "${IN[@]}" "$name" A
	expect_status NOERROR
	expect_rr ANSWER "$rr"
done
q "${IN[@]}" as.cwa.contoso.com A
expect_rr ANSWER 'as.cwa.contoso.com. 3600 IN CNAME cwa.contoso.com.'
expect_rr ANSWER 'cwa.contoso.com. 3600 IN A 10.0.0.30'
q "${IN[@]}" download.cwa.contoso.com A
expect_rr ANSWER 'download.cwa.contoso.com. 3600 IN CNAME cwa.contoso.com.'
# R2 only: no 2007 Device Update name
q "${IN[@]}" ucupdates.contoso.com A
expect_status NXDOMAIN

# the external names stay outside (publish_inside = no): no SRV to them
q "${IN[@]}" sip.fabrikam.com A
expect_status NXDOMAIN
q "${IN[@]}" _sip._tls.fabrikam.com SRV
expect_status NXDOMAIN

# ---- outside: the Access Edge, under each domain's sip. name
q "${OUT_[@]}" _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
expect_rr ADDITIONAL 'sip.contoso.com. 3600 IN A 203.0.113.10'
q "${OUT_[@]}" _sip._tls.fabrikam.com SRV
expect_rr ANSWER '_sip._tls.fabrikam.com. 3600 IN SRV 0 0 443 sip.fabrikam.com.'
expect_rr ADDITIONAL 'sip.fabrikam.com. 3600 IN A 203.0.113.10'
q "${OUT_[@]}" _sipfederationtls._tcp.fabrikam.com SRV
expect_rr ANSWER '_sipfederationtls._tcp.fabrikam.com. 3600 IN SRV 0 0 5061 sip.fabrikam.com.'
q "${OUT_[@]}" _sip._tls.retail.contoso.com SRV
expect_rr ANSWER '_sip._tls.retail.contoso.com. 3600 IN SRV 0 0 443 sip.retail.contoso.com.'
q "${OUT_[@]}" _sip._tcp.retail.contoso.com SRV
expect_status NXDOMAIN
q "${OUT_[@]}" _sipfederationtls._tcp.retail.contoso.com SRV
expect_status NXDOMAIN
for rr in 'webconf.contoso.com. 3600 IN A 203.0.113.11' \
    'av.contoso.com. 3600 IN A 203.0.113.12' \
    'ext-webpool01.contoso.com. 3600 IN A 203.0.113.20' \
    'cwa-ext.contoso.com. 3600 IN A 203.0.113.30'; do
	name=${rr%% *}
	q "${OUT_[@]}" "$name" A
	expect_status NOERROR
	expect_rr ANSWER "$rr"
done
q "${OUT_[@]}" as.cwa-ext.contoso.com A
expect_rr ANSWER 'as.cwa-ext.contoso.com. 3600 IN CNAME cwa-ext.contoso.com.'
expect_rr ANSWER 'cwa-ext.contoso.com. 3600 IN A 203.0.113.30'
q "${OUT_[@]}" _sipinternaltls._tcp.contoso.com SRV
expect_status NXDOMAIN

# ---- reverse zones (reverse_zones = auto): each view its own PTRs; the
# original name of a shared role, never a domain's copy
q "${IN[@]}" -x 10.0.0.10
expect_status NOERROR
expect_flag aa
expect_rr ANSWER '10.0.0.10.in-addr.arpa. 3600 IN PTR pool01.contoso.com.'
expect_count ANSWER 1
q "${IN[@]}" -x 172.16.0.10
expect_rr ANSWER '10.0.16.172.in-addr.arpa. 3600 IN PTR edge01.contoso.com.'
q "${OUT_[@]}" -x 203.0.113.10
expect_rr ANSWER '10.113.0.203.in-addr.arpa. 3600 IN PTR sip.contoso.com.'
q "${OUT_[@]}" -x 10.0.0.10
expect_status REFUSED
q "${IN[@]}" -x 203.0.113.10
expect_status REFUSED
q "${IN[@]}" -x 10.0.0.99
expect_status NXDOMAIN
expect_rr_re AUTHORITY '^0\.0\.10\.in-addr\.arpa\. 300 IN SOA '

# ---- the leak scan: every name the internal view serves, every common
# type, UDP and TCP, asked from outside: no internal name or address
names=$("$OCSDNSD" -c "$CONF" --print-zone --view internal |
    awk '!/^[;$]/ && NF { print $1 }' | sort -u)
external=$("$OCSDNSD" -c "$CONF" --print-zone --view external |
    awk '!/^[;$]/ && NF { print $1 }' | sort -u)
internal_only=$(comm -23 <(printf '%s\n' "$names") <(printf '%s\n' "$external"))
[ -n "$internal_only" ] || die "no internal-only name: not the lab?"
leak_re='10\.0\.|172\.16\.'
for n in $internal_only; do
	leak_re="$leak_re|$(printf '%s' "$n" | sed 's/[.]/\\./g')"
done
nq=0
leaks=0
for n in $names; do
	for t in A AAAA SRV CNAME NS SOA TXT MX PTR ANY; do
		for proto in +notcp +tcp; do
			q "${OUT_[@]}" "$proto" "$n" "$t"
			nq=$((nq + 1))
			# What the external view answers, minus the question.
			body=$(printf '%s\n' "$OUT" | grep -v '^;' | grep -v '^$' || true)
			if printf '%s\n' "$body" | grep -E -q "($leak_re)"; then
				leaks=$((leaks + 1))
				fail "leak: $n $t over $proto outside: $(printf '%s' "$body" |
				    grep -E "($leak_re)" | head -1)"
			fi
		done
	done
done
LASTQ=
check "$leaks" "leak scan: $nq queries from outside, none with an internal name or address"

# ---- sign-in works for every domain, inside and outside
for d in contoso.com retail.contoso.com fabrikam.com; do
	for src in 127.0.0.1 127.0.0.2; do
		LASTQ="ocsdns-lookup -s 127.0.0.1:$PORT -b $src $d"
		OUT=$("$top_builddir/src/ocsdns-lookup" -s "127.0.0.1:$PORT" -b "$src" "$d" 2>&1)
		rc=$?
		OUT_SHOWN=0
		check "$rc" "ocsdns-lookup says $d signs in from $src"
	done
done

# ---- every zone's transfer is a valid zone for NSD
for z in contoso.com retail.contoso.com fabrikam.com; do
	for src in 127.0.0.1 127.0.0.2; do
		dig -p "$PORT" @127.0.0.1 -b "$src" +tries=1 +time=2 +onesoa "$z" AXFR \
		    >"$TMPD/$z.$src.zone" 2>&1
		LASTQ="nsd-checkzone $z (AXFR from $src)"
		OUT=$(nsd-checkzone "$z" "$TMPD/$z.$src.zone" 2>&1)
		rc=$?
		OUT_SHOWN=0
		check "$rc" "AXFR of $z from $src passes nsd-checkzone"
	done
done

# ---- a real NSD secondary of the three zones (the internal view: it asks
# from 127.0.0.1) answers every name and type as ocsdnsd does
zones=$("$OCSDNSD" -c "$CONF" --print-zone --view internal |
    awk '/^; zone / { sub(",", "", $3); print $3 }')
# shellcheck disable=SC2086 # one word per zone
nsd_secondary $zones
for z in $zones; do
	ok_if "NSD transferred $z" nsd_wait_serial "$z" "$(serial_of "$PORT" "$z")"
done
nsd_same() {
	local n t a b bad=0
	for n in $names nx.contoso.com _tcp.fabrikam.com nx.retail.contoso.com; do
		for t in SOA NS SRV A AAAA CNAME TXT; do
			a=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +norec \
			    +noall +answer +authority "$n" "$t" | sort)
			b=$(dig -p "$NSD_PORT" @127.0.0.1 +tries=1 +time=2 +norec \
			    +noall +answer +authority "$n" "$t" | sort)
			if [ "$a" != "$b" ]; then
				printf 'differ: %s %s\nocsdnsd:\n%s\nnsd:\n%s\n' \
				    "$n" "$t" "$a" "$b"
				bad=1
			fi
		done
	done
	return "$bad"
}
ok_if "NSD answers every name and type of the lab as ocsdnsd does" nsd_same
nsd_stop

finish
