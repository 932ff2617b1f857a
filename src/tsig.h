/* tsig.h -- TSIG (RFC 8945): verify a signed message, sign the answers. */
#ifndef OCSDNSD_TSIG_H
#define OCSDNSD_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct config;
struct cfg_tsig_key;

/* TSIG error codes (RFC 8945 3, the RCODE registry). */
#define TSIG_NOERROR		0
#define TSIG_BADSIG		16
#define TSIG_BADKEY		17
#define TSIG_BADTIME		18
#define TSIG_BADTRUNC		22

#define TSIG_MAX_MAC		64	/* SHA-512 */
#define TSIG_FUDGE		300	/* seconds, as RFC 8945 10 advises */

/* A TSIG record as read from a message; the pointers go into it. */
struct tsig_rr {
	uint8_t		 key[DNS_MAX_NAME];	/* the key name, folded */
	size_t		 key_len;
	uint8_t		 alg[DNS_MAX_NAME];	/* the algorithm name, folded */
	size_t		 alg_len;
	uint64_t	 time_signed;		/* 48 bits */
	uint16_t	 fudge;
	uint16_t	 mac_len;
	const uint8_t	*mac;
	uint16_t	 orig_id;
	uint16_t	 error;
	uint16_t	 other_len;
	const uint8_t	*other;
	size_t		 at;			/* where the record starts */
};

/*
 * One signed exchange: the key, and the last MAC, which the next message
 * signed chains on (the request's, then each response's).
 */
struct tsig_ctx {
	const struct cfg_tsig_key *key;	/* NULL: unknown (BADKEY) */
	unsigned	 key_index;	/* 1 + index in cfg->keys; 0: none */
	uint8_t		 key_name[DNS_MAX_NAME]; /* as the request named it */
	size_t		 key_name_len;
	uint8_t		 alg[DNS_MAX_NAME];
	size_t		 alg_len;
	uint16_t	 error;		/* TSIG_*: what the answer says */
	uint64_t	 time_signed;	/* of the request (BADTIME echoes it) */
	uint8_t		 mac[TSIG_MAX_MAC];
	size_t		 mac_len;
	unsigned	 nsigned;	/* messages signed since the request */
};

/*
 * Reads the TSIG record at msg + at, which must end the message (len).
 * 0, or -1 when it is malformed (the caller answers FORMERR).
 */
int	tsig_parse(const uint8_t *msg, size_t len, size_t at,
	    struct tsig_rr *t);

/*
 * Finds the TSIG record that ends msg (the last additional record): its
 * offset in *at, 0. 1 when the last record is not a TSIG (or there is no
 * record); -1 when the message is malformed.
 */
int	tsig_find(const uint8_t *msg, size_t len, size_t *at);

/*
 * Verifies the request msg[0..len) whose TSIG record starts at at, with
 * the keys of cfg, at time now (seconds since 1970). 0: ctx->error tells
 * the outcome (TSIG_NOERROR: the MAC is good and answers are to be
 * signed). -1: the TSIG record is malformed (FORMERR, unsigned).
 */
int	tsig_verify(struct tsig_ctx *ctx, const struct config *cfg,
	    const uint8_t *msg, size_t len, size_t at, uint64_t now);

/*
 * The bytes tsig_sign() adds to a message of this exchange: what a
 * response must leave room for.
 */
size_t	tsig_space(const struct tsig_ctx *ctx);

/*
 * Appends the TSIG record of a response msg[0..len) (cap bytes of room)
 * and counts it in ARCOUNT: signed with the request's MAC for the first
 * message, with the previous one and the timers alone for those after
 * (RFC 8945 5.3.1); unsigned (no MAC) for BADKEY and BADSIG. BADTIME
 * carries now in Other Data. Returns the new length, 0 when it does not
 * fit or the MAC could not be made.
 */
size_t	tsig_sign(struct tsig_ctx *ctx, uint8_t *msg, size_t len, size_t cap,
	    uint64_t now);

/*
 * The client side (NOTIFY): signs the request msg[0..len) with key, and
 * keeps its MAC in ctx for tsig_check_answer(). The new length, or 0.
 */
size_t	tsig_sign_request(struct tsig_ctx *ctx, const struct cfg_tsig_key *key,
	    uint8_t *msg, size_t len, size_t cap, uint64_t now);

/*
 * Verifies the answer msg[0..len) to the request signed by ctx. 0 when it
 * is signed by the key and valid; -1 otherwise, with the reason in why.
 */
int	tsig_check_answer(struct tsig_ctx *ctx, const uint8_t *msg, size_t len,
	    uint64_t now, char *why, size_t whylen);

/* The algorithm name of CONFIG_TSIG_* in wire form, and its MAC size. */
size_t	tsig_alg_wire(unsigned algorithm, const uint8_t **wire);
size_t	tsig_mac_size(unsigned algorithm);

#endif
