#!/usr/bin/env bash
# t_plan.sh -- ocsdns-plan: golden files of every format for the lab and
# the plain example, CSV and JSON parsed to the documented columns, a CSR
# made by openssl from every request configuration, bad input, and the
# HTML page opened by headless Chromium.
#
# PLAN_UPDATE_GOLDEN=1 rewrites tests/data/plan/ from this build instead
# of comparing (review the diff before committing it).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
: "${OCSDNS_PLAN:=$E2E_DIR/../../src/ocsdns-plan}"
: "${PLAN_UPDATE_GOLDEN:=0}"
[ -x "$OCSDNS_PLAN" ] || die "ocsdns-plan $OCSDNS_PLAN is missing (set OCSDNS_PLAN)"
command -v openssl >/dev/null 2>&1 ||
    die "openssl is not installed (the quick start installs it)"
GOLD=$top_srcdir/tests/data/plan
OUTD=$TMPD/plan

# The plan, run in the source tree so that the config path it prints is
# the same relative one everywhere (no build directory in the goldens).
plan() {
	(cd "$top_srcdir" && "$OCSDNS_PLAN" "$@")
}

# golden NAME FILE: FILE is tests/data/plan/NAME, byte for byte.
golden() {
	local name=$1 file=$2
	if [ "$PLAN_UPDATE_GOLDEN" = 1 ]; then
		mkdir -p "$GOLD" && cp "$file" "$GOLD/$name"
		pass "golden $name written"
		return
	fi
	if cmp -s "$file" "$GOLD/$name"; then
		pass "golden $name"
	else
		fail "golden $name differs from this build's output:"
		diff -u "$GOLD/$name" "$file" | head -n 40 | sed 's/^/  | /'
	fi
}

# ---- every format, for the lab and the plain example
for pair in lab:conf/ocsdnsd-lab.ini plain:conf/ocsdnsd.ini; do
	tag=${pair%%:*}
	ini=${pair#*:}
	d=$OUTD/$tag
	mkdir -p "$d"
	plan -c "$ini" >"$d/plan.txt" 2>"$d/err" || fail "$tag: text exited $?"
	ok_if "$tag: nothing on stderr" test ! -s "$d/err"
	golden "$tag.txt" "$d/plan.txt"
	plan -c "$ini" --format json >"$d/plan.json" || fail "$tag: json exited $?"
	golden "$tag.json" "$d/plan.json"
	plan -c "$ini" --format html -o "$d" || fail "$tag: html exited $?"
	golden "$tag.html" "$d/plan.html"
	plan -c "$ini" --format csv -o "$d/csv" || fail "$tag: csv exited $?"
	for t in summary dns hosts certificates firewall checks; do
		golden "$tag.$t.csv" "$d/csv/$t.csv"
	done
	# Two runs, the same bytes: no clock, no serial in any format.
	plan -c "$ini" --format json >"$d/again.json"
	ok_if "$tag: json is stable" cmp -s "$d/plan.json" "$d/again.json"
done

# ---- CSV and JSON to the documented columns (man/ocsdns-plan.1)
COLUMNS_PY='
cols = {
    "summary": ["role", "kind", "name", "fqdn", "internal", "perimeter",
                "external", "version"],
    "dns": ["network", "view", "zone", "name", "ttl", "type", "data", "where"],
    "hosts": ["address", "fqdn", "edge", "comment"],
    "certificates": ["server", "rule", "subject", "san", "ca", "eku",
                     "assigned", "notes", "csr"],
    "firewall": ["firewall", "direction", "source_role", "source_fqdn",
                 "source_address", "destination_role", "destination_fqdn",
                 "destination_address", "port", "transport", "protocol",
                 "purpose"],
    "checks": ["status", "check", "subject", "why"],
}
'
for tag in lab plain; do
	d=$OUTD/$tag
	if python3 - "$d" <<EOF
import csv, json, sys
$COLUMNS_PY
d = sys.argv[1]
doc = json.load(open(d + "/plan.json"))
assert doc["schema"] == "ocsdns-plan/1", doc["schema"]
assert set(doc["reports"]) == set(cols), sorted(doc["reports"])
for name, want in cols.items():
    rep = doc["reports"][name]
    assert rep["columns"] == want, (name, rep["columns"])
    for row in rep["rows"]:
        assert list(row) == want, (name, row)
        assert all(isinstance(v, str) for v in row.values()), row
    with open(d + "/csv/" + name + ".csv", newline="") as f:
        rows = list(csv.reader(f, strict=True))
    assert rows[0] == want, (name, rows[0])
    body = [dict(zip(want, r)) for r in rows[1:]]
    assert all(len(r) == len(want) for r in rows), name
    assert body == rep["rows"], name + ": CSV and JSON differ"
for row in doc["reports"]["checks"]["rows"]:
    assert row["status"] in ("green", "red", "not yet"), row
EOF
	then
		pass "$tag: CSV and JSON parse to the documented columns"
	else
		fail "$tag: CSV or JSON not to the documented columns"
	fi
done

# ---- the lab's content, as the report lists it
d=$OUTD/lab
grep -q '^10\.0\.0\.20 *dir01\.contoso\.com' "$d/plan.txt" &&
    pass "lab: hosts snippet for the edges' next hop" ||
    fail "lab: no hosts snippet line for dir01.contoso.com"
grep -q 'SERIAL' "$d/plan.txt" && ! grep -Eq 'SOA .* [0-9]{9,} ' "$d/plan.txt" &&
    pass "lab: the SOA serial is masked" || fail "lab: SOA serial not masked"
grep -q 'pool01.fabrikam.com' "$d/csv/certificates.csv" &&
    pass "lab: the synthesized pool01.fabrikam.com is in a SAN" ||
    fail "lab: pool01.fabrikam.com missing from the SANs"
grep -q '^\[red' "$d/plan.txt" && fail "lab: a red check" || pass "lab: all green"
grep -q '^\[red *\] one sign-in target: fabrikam.com' "$OUTD/plain/plan.txt" &&
    pass "plain: two sign-in targets for fabrikam.com are red" ||
    fail "plain: fabrikam.com's two pool targets not red"

# ---- CSRs: openssl makes each one with exactly the listed names
csr=$TMPD/csr
plan -c conf/ocsdnsd-lab.ini --csr "$csr" >"$TMPD/csr.out" ||
    fail "--csr exited $?"
ok_if "--csr wrote make-csr.sh" test -s "$csr/make-csr.sh"
ncnf=$(find "$csr" -name '*.cnf' | wc -l)
ok_if "--csr wrote one config per certificate ($ncnf)" \
    test "$ncnf" -eq "$(($(wc -l <"$d/csv/certificates.csv") - 1))"
ok_if "--csr printed the commands" grep -q 'openssl req -new' "$TMPD/csr.out"
while IFS=$'\t' read -r file subject sans; do
	base=${file%.cnf}
	if ! (cd "$csr" && openssl req -new -newkey rsa:2048 -nodes \
	    -config "$file" -keyout "$base.key" -out "$base.csr") \
	    >/dev/null 2>"$TMPD/openssl.err"; then
		fail "openssl req -new -config $file failed:"
		sed 's/^/  | /' "$TMPD/openssl.err"
		continue
	fi
	text=$(openssl req -in "$csr/$base.csr" -noout -text)
	got_subject=$(printf '%s\n' "$text" | sed -n 's/^ *Subject: //p')
	got_sans=$(printf '%s\n' "$text" |
	    sed -n '/Subject Alternative Name/{n;p;}' | sed 's/^ *//')
	want_sans=$(printf '%s\n' "$sans" | sed 's/\([^ ]*\)/DNS:\1/g; s/ /, /g')
	if [ "$got_subject" = "CN = $subject" ] && [ "$got_sans" = "$want_sans" ]; then
		pass "CSR $file: subject and SANs as listed"
	else
		fail "CSR $file: subject '$got_subject' SANs '$got_sans'," \
		    "the report lists CN = $subject and '$want_sans'"
	fi
done < <(python3 - "$d/csv/certificates.csv" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print("\t".join([r["csr"], r["subject"], r["san"]]))
EOF
)

# ---- bad input: FILE:LINE: error: ...
bad=$TMPD/bad.ini
printf '[domain contoso.com]\npool = pool01\n[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n[gateway gw1]\nx = 1\n' >"$bad"
"$OCSDNS_PLAN" -c "$bad" >/dev/null 2>"$TMPD/err" && fail "unknown role accepted"
grep -q "^$bad:6: error: unknown section \[gateway gw1\]" "$TMPD/err" &&
    pass "unknown role: FILE:LINE: error:" ||
    { fail "unknown role: not FILE:LINE: error:"; sed 's/^/  | /' "$TMPD/err"; }
printf '[domain contoso.com]\npool = pool01\n[pool pool01]\nfqdn = pool01.contoso.com\n' >"$bad"
"$OCSDNS_PLAN" -c "$bad" >/dev/null 2>"$TMPD/err" && fail "role without address accepted"
grep -q "^$bad:4: error: fqdn pool01.contoso.com has no address" "$TMPD/err" &&
    pass "role without an address: FILE:LINE: error:" ||
    { fail "role without an address"; sed 's/^/  | /' "$TMPD/err"; }
printf '[domain contoso.com]\npool = pool01\nedge = e1\n[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n[edge e1]\ninternal_fqdn = e1.contoso.com\ninternal_address = 172.16.0.1\naccess_edge = sip.contoso.com\naccess_edge_address = 203.0.113.1\n' >"$bad"
"$OCSDNS_PLAN" -c "$bad" >/dev/null 2>"$TMPD/err" && fail "edge without next_hop accepted"
grep -q "^$bad:7: error: \[edge e1\] has no next_hop" "$TMPD/err" &&
    pass "edge without next_hop: FILE:LINE: error:" ||
    { fail "edge without next_hop"; sed 's/^/  | /' "$TMPD/err"; }
"$OCSDNS_PLAN" -c "$bad" --format csv >/dev/null 2>&1
ok_if "csv without -o is a usage error" test $? -eq 2

# ---- the sign-in verdicts come from the checker -t runs: a broken edge
# (its external name has an internal address only) is red outside
cat >"$TMPD/broken.ini" <<'INI'
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
address.internal = 10.0.1.10
[host ns1.contoso.com]
address = 192.0.2.53
INI
"$OCSDNS_PLAN" -c "$TMPD/broken.ini" >"$TMPD/broken.txt" 2>"$TMPD/broken.err"
grep -q '^\[green  \] Communicator signs in automatically: view internal: contoso.com: Communicator would connect to pool01.contoso.com:5061' "$TMPD/broken.txt" &&
    pass "sign-in verdict inside: green" ||
    { fail "sign-in verdict inside: not green"; sed 's/^/  | /' "$TMPD/broken.txt"; }
grep -q '^\[red    \] Communicator signs in automatically: view external: contoso.com: Communicator could not sign in' "$TMPD/broken.txt" &&
    pass "sign-in verdict outside: red" ||
    { fail "sign-in verdict outside: not red"; sed 's/^/  | /' "$TMPD/broken.txt"; }

# ---- a real browser: the HTML page renders without console errors
if ! command -v chromium >/dev/null 2>&1; then
	fail "CHROMIUM IS NOT INSTALLED: the HTML page was NOT tested in a" \
	    "browser (the quick start installs the Debian package chromium)"
else
	page=$d/plan.html
	chrome() {	# chrome OUT ERR ARGS...: headless, logging to ERR
		local out=$1 err=$2
		shift 2
		timeout 90 chromium --headless --no-sandbox --disable-gpu \
		    --user-data-dir="$TMPD/chromium" --enable-logging=stderr \
		    --v=0 "$@" >"$out" 2>"$err"
	}
	# A page with a console error first: the detection must see it.
	printf '<!DOCTYPE html><title>x</title><script>console.error("plan-control")</script>\n' \
	    >"$TMPD/control.html"
	if ! chrome "$TMPD/control.dom" "$TMPD/control.err" --dump-dom \
	    "file://$TMPD/control.html"; then
		fail "CHROMIUM CANNOT RUN HERE: the HTML page was NOT tested"
		sed 's/^/  | /' "$TMPD/control.err" | tail -n 20
	elif ! grep -q 'CONSOLE.*plan-control' "$TMPD/control.err"; then
		fail "CHROMIUM'S CONSOLE IS NOT VISIBLE: the HTML page was NOT tested"
	else
		pass "chromium reports console errors (control page)"
		chrome "$TMPD/dom" "$TMPD/chrome.err" --dump-dom "file://$page" ||
		    fail "chromium --dump-dom on plan.html exited $?"
		if grep -q 'CONSOLE' "$TMPD/chrome.err"; then
			fail "plan.html: console messages in chromium:"
			grep 'CONSOLE' "$TMPD/chrome.err" | sed 's/^/  | /'
		else
			pass "plan.html: no console errors in chromium"
		fi
		ok_if "plan.html: the DOM has the diagram" \
		    grep -q '<svg[^>]*id="plan-diagram"' "$TMPD/dom"
		ok_if "plan.html: the DOM has every table" \
		    test "$(grep -c '<table' "$TMPD/dom")" -eq 6
		chrome /dev/null "$TMPD/shot.err" --window-size=1100,900 \
		    --screenshot="$TMPD/shot.png" "file://$page" ||
		    fail "chromium --screenshot exited $?"
		ok_if "plan.html: a screenshot was made" test -s "$TMPD/shot.png"
	fi
fi
# The diagram is well-formed XML (SVG inline in HTML forgives much).
python3 - "$d/plan.html" <<'EOF' && pass "the SVG diagram is well-formed XML" ||
import re, sys, xml.etree.ElementTree as ET
html = open(sys.argv[1]).read()
svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
ET.fromstring(svg)
EOF
    fail "the SVG diagram is not well-formed XML"

finish
