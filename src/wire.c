/* wire.c -- DNS name helpers shared by the loader and the query path. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

size_t
wire_name_from_text(const char *text, uint8_t out[DNS_MAX_NAME])
{
	size_t len = 0;		/* out[len] is the current label's length */
	const unsigned char *p = (const unsigned char *)text;

	if (strcmp(text, ".") == 0 || *text == '\0') {
		out[0] = 0;
		return 1;
	}
	/* One pass: each label copied lower case, its length put before it. */
	for (;;) {
		size_t lab = 0;
		for (; *p != '\0' && *p != '.'; p++) {
			if (++lab > DNS_MAX_LABEL || len + lab + 2 > DNS_MAX_NAME)
				return 0;
			out[len + lab] = *p >= 'A' && *p <= 'Z' ?
			    (uint8_t)(*p + ('a' - 'A')) : *p;
		}
		if (lab == 0)
			return 0;
		out[len] = (uint8_t)lab;
		len += lab + 1;
		if (*p == '\0' || *++p == '\0')	/* the end, or a final dot */
			break;
	}
	out[len++] = 0;
	return len;
}

void
wire_name_to_text(const uint8_t *name, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return;
	if (*name == 0) {
		snprintf(out, outlen, ".");
		return;
	}
	while (*name != 0 && o + 1 < outlen) {
		uint8_t lab = *name++;
		for (uint8_t i = 0; i < lab && o + 1 < outlen; i++) {
			unsigned char c = name[i];
			if (c == '.' || c == '\\') {
				if (o + 2 >= outlen)
					break;
				out[o++] = '\\';
				out[o++] = (char)c;
			} else if (isgraph(c)) {
				out[o++] = (char)tolower(c);
			} else {
				if (o + 4 >= outlen)
					break;
				o += (size_t)snprintf(out + o, outlen - o, "\\%03u", c);
			}
		}
		name += lab;
		if (o + 1 < outlen)
			out[o++] = '.';
	}
	out[o] = '\0';
}
