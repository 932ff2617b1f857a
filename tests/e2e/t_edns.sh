#!/usr/bin/env bash
# t_edns.sh -- EDNS(0) (RFC 6891): OPT in and out, BADVERS, DO, NSID, and the UDP size limit: drop additional, then TC.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# host_lines NET N: "address = NET.1, NET.2, ..." in lines of 8 (repeated keys
# append), so that no line comes near the INI line length limit.
host_lines() {
	local net=$1 n=$2 i line=
	for i in $(seq 1 "$n"); do
		line="${line:+$line, }$net.$i"
		if [ $((i % 8)) = 0 ] || [ "$i" = "$n" ]; then
			echo "address = $line"
			line=
		fi
	done
}

# Sizes with name compression (16 bytes per A record whose owner is a pointer):
#   big   40 A: 12 + 21 + 640 = 673 (+11 OPT): over 512, under 1232
#   mid   27 A: 12 + 21 + 432 = 465 (+11 OPT): under 512
#   huge  80 A: 12 + 22 + 1280 = 1314 (+11 OPT): over 1232, under 4096
#   _sipinternaltls._tcp.contoso.com SRV: two targets, 2 x 16 A in additional:
#         answer ~126 bytes, with the additional ~650: the additional alone
#         does not fit 512, but everything fits 1232 (even uncompressed).
make_conf() {	# make_conf [server lines...]
	{
		echo '[server]'
		printf '%s\n' "$@"
		cat <<'EOF'

[domain contoso.com]
pool = pool01.contoso.com, pool02.contoso.com
access_edge = sip.contoso.com

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2

[host pool01.contoso.com]
EOF
		host_lines 10.0.1 16
		printf '\n[host pool02.contoso.com]\n'
		host_lines 10.0.2 16
		printf '\n[host big.contoso.com]\n'
		host_lines 10.0.3 40
		printf '\n[host mid.contoso.com]\n'
		host_lines 10.0.4 27
		printf '\n[host huge.contoso.com]\n'
		host_lines 10.0.5 80
	} | write_conf
}

# ================= nsid set, default edns_size
make_conf 'version = ocsdnsd' 'nsid = ocsdnsd-e2e'
start_daemon

# ---- OPT answered with OPT, our size 1232 whatever the client offers
for size in 512 1232 4096; do
	q +bufsize=$size contoso.com SOA
	expect_status NOERROR
	expect_out_re 'udp: 1232'
done
q nope.contoso.com A
expect_status NXDOMAIN
expect_out_re 'udp: 1232'
q example.org A
expect_status REFUSED
expect_out_re 'udp: 1232'
raw_udp 'hdr(id=0x8000, ar=1) + question("contoso.com", 6) + opt(size=4096)'
expect_raw id=32768 qr=1 rcode=0 an=1 opt=1 udp=1232 ext_rcode=0 ver=0 do=0

# ---- no OPT to a client that sent none
q +noedns contoso.com SOA
expect_status NOERROR
expect_no_out_re 'OPT PSEUDOSECTION|EDNS:'
raw_udp 'hdr(id=0x8001) + question("contoso.com", 6)'
expect_raw id=32769 qr=1 rcode=0 an=1 ar=0 opt=0
q +noedns nope.contoso.com A
expect_status NXDOMAIN
expect_no_out_re 'EDNS:'

# ---- version > 0: BADVERS, with an OPT of version 0
q +edns=1 +noednsnegotiation contoso.com SOA
expect_status BADVERS
expect_count ANSWER 0
expect_out_re '; EDNS: version: 0,'
# BADVERS is 16: header RCODE 0, upper bits 1 in the OPT
raw_udp 'hdr(id=0x8002, ar=1) + question("contoso.com", 6) + opt(ver=1)'
expect_raw id=32770 qr=1 rcode=0 an=0 opt=1 ext_rcode=1 ver=0
raw_udp 'hdr(id=0x8003, ar=1) + question("contoso.com", 6) + opt(ver=255)'
expect_raw id=32771 qr=1 rcode=0 an=0 opt=1 ext_rcode=1 ver=0

# ---- two OPT records, or an OPT outside the additional section: FORMERR
raw_udp 'hdr(id=0x8004, ar=2) + question("contoso.com", 6) + opt() + opt()'
expect_raw id=32772 qr=1 rcode=1 an=0
raw_udp 'hdr(id=0x8005, an=1) + question("contoso.com", 6) + opt()'
expect_raw id=32773 qr=1 rcode=1 an=0
raw_udp 'hdr(id=0x8006, ns=1) + question("contoso.com", 6) + opt()'
expect_raw id=32774 qr=1 rcode=1 an=0

# ---- DO copied
q +dnssec contoso.com SOA
expect_status NOERROR
expect_out_re '^; EDNS: version: 0, flags: do; udp: 1232$'
q contoso.com SOA
expect_out_re '^; EDNS: version: 0, flags:; udp: 1232$'
raw_udp 'hdr(id=0x8007, ar=1) + question("contoso.com", 6) + opt(do=1)'
expect_raw id=32775 qr=1 rcode=0 opt=1 do=1

# ---- unknown options are ignored and not echoed
q +ednsopt=65001:abcd contoso.com SOA
expect_status NOERROR
expect_count ANSWER 1
expect_no_out_re '^; OPT=65001'

# ---- NSID (RFC 5001): only when asked
q +nsid contoso.com SOA
expect_status NOERROR
expect_out_re '^; NSID: .*\("ocsdnsd-e2e"\)$'
q contoso.com SOA
expect_no_out_re 'NSID'

# ---- an answer that does not fit: TC, empty answer; TCP has it all
q +bufsize=512 +ignore big.contoso.com A
expect_status NOERROR
expect_flag tc aa
expect_count ANSWER 0
expect_out_re 'udp: 1232'
q +noedns +ignore big.contoso.com A
expect_status NOERROR
expect_flag tc
expect_count ANSWER 0
expect_no_out_re 'EDNS:'
q big.contoso.com A
expect_status NOERROR
expect_noflag tc
expect_count ANSWER 40
q +tcp big.contoso.com A
expect_status NOERROR
expect_noflag tc
expect_count ANSWER 40
expect_rr ANSWER 'big.contoso.com. 3600 IN A 10.0.3.1'
expect_rr ANSWER 'big.contoso.com. 3600 IN A 10.0.3.40'
# what a resolver does: sees TC over UDP and retries over TCP
q +bufsize=512 big.contoso.com A
expect_status NOERROR
expect_count ANSWER 40

# a client limit under 512 counts as 512
q +bufsize=300 +ignore mid.contoso.com A
expect_status NOERROR
expect_noflag tc
expect_count ANSWER 27
q +noedns +ignore mid.contoso.com A
expect_noflag tc
expect_count ANSWER 27

# a client limit over ours counts as ours (1232)
q +bufsize=4096 +ignore huge.contoso.com A
expect_status NOERROR
expect_flag tc
expect_count ANSWER 0
q +tcp huge.contoso.com A
expect_noflag tc
expect_count ANSWER 80

# ---- only the additional section does not fit: dropped, no TC
srv=_sipinternaltls._tcp.contoso.com
for opts in '+bufsize=512' '+noedns'; do
	q "$opts" +ignore "$srv" SRV
	expect_status NOERROR
	expect_noflag tc
	expect_flag aa
	expect_count ANSWER 2
	expect_rr ANSWER "$srv. 3600 IN SRV 0 0 5061 pool01.contoso.com."
	expect_rr ANSWER "$srv. 3600 IN SRV 0 0 5061 pool02.contoso.com."
	expect_section_count ADDITIONAL 0
done
q "$srv" SRV
expect_noflag tc
expect_count ANSWER 2
expect_section_count ADDITIONAL 32
q +tcp "$srv" SRV
expect_noflag tc
expect_count ANSWER 2
expect_section_count ADDITIONAL 32
expect_rr ADDITIONAL 'pool02.contoso.com. 3600 IN A 10.0.2.16'
stop_daemon

# ================= edns_size = 1400, no nsid
make_conf 'edns_size = 1400'
start_daemon

q contoso.com SOA
expect_status NOERROR
expect_out_re 'udp: 1400'
q +nsid contoso.com SOA
expect_status NOERROR
expect_no_out_re 'NSID'
q +bufsize=4096 +ignore huge.contoso.com A
expect_noflag tc
expect_count ANSWER 80
q +bufsize=1232 +ignore huge.contoso.com A
expect_flag tc
expect_count ANSWER 0

finish
