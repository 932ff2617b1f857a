/* serial.h -- RFC 1982 serials and the state file that keeps them. */
#ifndef OCSDNSD_SERIAL_H
#define OCSDNSD_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The name of the file in [server] state_directory. */
#define SERIAL_STATE_FILE	"serials"

/* RFC 1982 serial number arithmetic: whether a comes after b. */
bool	serial_after(uint32_t a, uint32_t b);
/* The clock (now) if it is past prev, else prev + 1: it always grows. */
uint32_t serial_next(uint32_t prev, uint32_t now);

/* What the file keeps of one zone (name points into the owner's memory). */
struct serial_entry {
	const char	*name;
	uint32_t	 serial;
	uint64_t	 hash;		/* of its content, the serial left out */
};

/* The file as read: entries sorted by name, their names in text. */
struct serial_state {
	struct serial_entry *v;
	size_t		 n;
	char		*text;
};

/*
 * Reads DIR/serials. 0 when read, 1 when there is none yet, -1 when it
 * cannot be read or a line is wrong: a warning naming the file (and line)
 * went to diag, and st is empty (the clock rule then).
 */
int	serial_state_load(const char *dir, struct serial_state *st, FILE *diag);
const struct serial_entry *serial_state_find(const struct serial_state *st,
	    const char *name);
void	serial_state_clear(struct serial_state *st);

/*
 * Writes v (any order) to DIR/serials atomically: a temporary file, fsync,
 * rename, fsync of the directory. The directory is opened once and kept,
 * so the file is still reached after chroot and the drop to [server] user
 * (who must be allowed to write in it). 0, or -1 after logging why.
 */
int	serial_state_save(const char *dir, const struct serial_entry *v,
	    size_t n);

#endif
