#!/usr/bin/env bash
# t_errors.sh -- hand-made UDP packets: NOTIMP, dropped messages, FORMERR, REFUSED; the server survives them all.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
use_example_conf
start_daemon

# rcodes (RFC 1035, 6895)
FORMERR=1
NOTIMP=4
REFUSED=5

# ---- a plain query, to know the tool and the server agree
raw_udp 'hdr(id=0x4242, rd=1, cd=1, z=1) + question("contoso.com", 6)'
expect_raw id=16962 qr=1 opcode=0 aa=1 tc=0 rd=1 ra=0 z=0 cd=1 rcode=0 qd=1 an=1 opt=0 q=contoso.com/6/1

# ---- opcodes other than QUERY: NOTIMP, ID and opcode echoed, QR set, every
# other flag clear (even those set in the query), no question, nothing else.
for op in 1 2 4 5 15; do
	id=$((0x1200 + op))
	raw_udp "hdr(id=$id, opcode=$op, aa=1, rd=1, ad=1, cd=1) + question(\"contoso.com\", 6)"
	expect_raw "id=$id" qr=1 "opcode=$op" aa=0 tc=0 rd=0 ra=0 z=0 ad=0 cd=0 \
	    rcode=$NOTIMP qd=0 an=0 ns=0 ar=0 len=12
done
# TC in the query is not echoed either
raw_udp 'hdr(id=0x2222, opcode=2, tc=1) + question("contoso.com", 6)'
expect_raw id=8738 qr=1 opcode=2 tc=0 rcode=$NOTIMP qd=0
# the opcode is checked before the question: no question at all, still NOTIMP
raw_udp 'hdr(id=0x2223, opcode=15, qd=0)'
expect_raw id=8739 qr=1 opcode=15 rcode=$NOTIMP qd=0 len=12
raw_udp 'hdr(id=0x2224, opcode=4, qd=3) + hx("ffff")'
expect_raw id=8740 qr=1 opcode=4 rcode=$NOTIMP qd=0 len=12

# ---- responses (QR set) are dropped, whatever they hold
raw_udp 'hdr(id=0x3001, qr=1) + question("contoso.com", 6)'
expect_raw_timeout
raw_udp 'hdr(id=0x3002, qr=1, opcode=2) + question("contoso.com", 6)'
expect_raw_timeout
expect_alive

# ---- shorter than a header: dropped
raw_udp 'hdr(id=0x3003)[:11]'
expect_raw_timeout
raw_udp 'b""'
expect_raw_timeout
expect_alive

# ---- QDCOUNT other than 1: FORMERR
raw_udp 'hdr(id=0x4001, qd=0)'
expect_raw id=16385 qr=1 rcode=$FORMERR
raw_udp 'hdr(id=0x4002, qd=2) + question("contoso.com", 6) + question("fabrikam.com", 6)'
expect_raw id=16386 qr=1 rcode=$FORMERR
raw_udp 'hdr(id=0x4003, qd=0) + question("contoso.com", 6)'
expect_raw id=16387 qr=1 rcode=$FORMERR

# ---- malformed questions: FORMERR
# a 64-byte label (0x40 is not a length byte at all)
raw_udp 'hdr(id=0x4101) + question("a" * 64 + ".contoso.com", 1)'
expect_raw id=16641 qr=1 rcode=$FORMERR
# a name of more than 255 bytes
raw_udp 'hdr(id=0x4102) + question(".".join(["a" * 63] * 4) + ".contoso.com", 1)'
expect_raw id=16642 qr=1 rcode=$FORMERR
# a compression pointer in the question, to offset 4 (a zero byte: root)
raw_udp 'hdr(id=0x4103) + name("contoso.com")[:-1] + hx("c004") + hx("00060001")'
expect_raw id=16643 qr=1 rcode=$FORMERR
# a pointer to itself
raw_udp 'hdr(id=0x4104) + hx("c00c") + hx("00060001")'
expect_raw id=16644 qr=1 rcode=$FORMERR
# the question cut short: no type and class, then a label past the end
raw_udp 'hdr(id=0x4105) + name("contoso.com")'
expect_raw id=16645 qr=1 rcode=$FORMERR
raw_udp 'hdr(id=0x4106) + hx("07") + b"cont"'
expect_raw id=16646 qr=1 rcode=$FORMERR
raw_udp 'hdr(id=0x4107) + question("contoso.com", 6)[:-1]'
expect_raw id=16647 qr=1 rcode=$FORMERR
# trailing garbage after the question
raw_udp 'hdr(id=0x4108) + question("contoso.com", 6) + hx("dead")'
expect_raw id=16648 qr=1 rcode=$FORMERR
# counts that promise records which are not there
raw_udp 'hdr(id=0x4109, ar=0xffff) + question("contoso.com", 6)'
expect_raw id=16649 qr=1 rcode=$FORMERR
raw_udp 'hdr(id=0x410a, an=1) + question("contoso.com", 6)'
expect_raw id=16650 qr=1 rcode=$FORMERR
expect_alive

# ---- classes other than IN and CH: REFUSED
raw_udp 'hdr(id=0x5001) + question("contoso.com", 6, 4)'	# HESIOD
expect_raw id=20481 qr=1 rcode=$REFUSED
raw_udp 'hdr(id=0x5002) + question("contoso.com", 6, 254)'	# NONE
expect_raw id=20482 qr=1 rcode=$REFUSED
raw_udp 'hdr(id=0x5003) + question("contoso.com", 6, 2)'	# CSNET
expect_raw id=20483 qr=1 rcode=$REFUSED

# ---- zone transfers over UDP: AXFR is REFUSED
raw_udp 'hdr(id=0x6001) + question("contoso.com", 252)'	# AXFR
expect_raw id=24577 qr=1 rcode=$REFUSED
# IXFR over UDP from a client allow_transfer names (127.0.0.1 in the
# example): the SOA alone, which sends it to TCP for the transfer.
raw_udp 'hdr(id=0x6002) + question("contoso.com", 251)'	# IXFR
expect_raw id=24578 qr=1 rcode=0 an=1

# ---- after all that, still alive and correct
expect_alive
q _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
ok_if "the daemon is still running" kill -0 "$DAEMON_PID"

finish
