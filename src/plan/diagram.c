/* diagram.c -- ocsdns-plan: the deployment as an inline SVG diagram. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/*
 * Five columns, left to right: the internal network, the internal
 * firewall, the perimeter with the edges and reverse proxies, the external
 * firewall, the Internet. Each role is a box with its FQDNs and addresses
 * (the summary's rows); each pair of boxes that firewall rules connect
 * gets one arrow, labelled with every rule's port and transport.
 */
#define COL_W		250
#define FW_W		200
#define BOX_W		230
#define LINE_H		15
#define TOP		60
#define GAP		24
#define MAX_BOXES	64
#define MAX_LINKS	128
#define END_H		16	/* between two arrow ends on a side */

enum zone { Z_INTERNAL, Z_PERIMETER, Z_INTERNET };

struct box {
	char		 label[160];
	enum zone	 zone;
	int		 x, y, h;
	size_t		 first, n;	/* its summary rows */
	int		 ends[2];	/* arrow ends on the left, the right side */
};

struct link {
	size_t		 from, to;
	char		 ports[400];
};

struct layout {
	struct box	 b[MAX_BOXES];
	size_t		 nb;
	struct link	 l[MAX_LINKS];
	size_t		 nl;
};

static int
zone_x(enum zone z)
{
	return 10 + (int)z * (COL_W + FW_W) + (COL_W - BOX_W) / 2;
}

static size_t
box_of(struct layout *L, const char *label, enum zone z)
{
	for (size_t i = 0; i < L->nb; i++)
		if (strcmp(L->b[i].label, label) == 0)
			return i;
	if (L->nb == MAX_BOXES)
		return 0;
	struct box *b = &L->b[L->nb];
	memset(b, 0, sizeof(*b));
	snprintf(b->label, sizeof(b->label), "%s", label);
	b->zone = z;
	return L->nb++;
}

static enum zone
zone_of_role(const char *label)
{
	if (strncmp(label, "[edge ", 6) == 0 ||
	    strncmp(label, "[reverse_proxy ", 15) == 0)
		return Z_PERIMETER;
	if (strcmp(label, "Internet") == 0)
		return Z_INTERNET;
	return Z_INTERNAL;
}

static void
build(const struct plan *p, struct layout *L)
{
	const struct plan_table *s = &p->t[PLAN_SUMMARY];
	const struct plan_table *f = &p->t[PLAN_FIREWALL];

	box_of(L, "internal clients", Z_INTERNAL);
	for (size_t r = 0; r < s->nrows; r++) {
		size_t i = box_of(L, plan_cell(s, r, 0),
		    zone_of_role(plan_cell(s, r, 0)));
		if (L->b[i].n == 0)
			L->b[i].first = r;
		L->b[i].n++;
	}
	box_of(L, "Internet", Z_INTERNET);
	for (size_t r = 0; r < f->nrows; r++) {
		if (strcmp(plan_cell(f, r, 0), "none") == 0)
			continue;
		size_t a = box_of(L, plan_cell(f, r, 2),
		    zone_of_role(plan_cell(f, r, 2)));
		size_t b = box_of(L, plan_cell(f, r, 5),
		    zone_of_role(plan_cell(f, r, 5)));
		char port[80];
		snprintf(port, sizeof(port), "%s/%s", plan_cell(f, r, 8),
		    plan_cell(f, r, 9));
		size_t k;
		for (k = 0; k < L->nl; k++)
			if (L->l[k].from == a && L->l[k].to == b)
				break;
		if (k == L->nl) {
			if (L->nl == MAX_LINKS)
				continue;
			L->l[k].from = a;
			L->l[k].to = b;
			L->l[k].ports[0] = '\0';
			L->nl++;
		}
		struct link *l = &L->l[k];
		if (strstr(l->ports, port) != NULL)
			continue;
		size_t len = strlen(l->ports);
		snprintf(l->ports + len, sizeof(l->ports) - len, "%s%s",
		    len > 0 ? ", " : "", port);
	}
	int y[3] = { TOP, TOP, TOP }, ends[MAX_BOXES][2];
	memset(ends, 0, sizeof(ends));
	for (size_t k = 0; k < L->nl; k++) {
		const struct link *l = &L->l[k];
		int right = L->b[l->from].zone <= L->b[l->to].zone;
		ends[l->from][right]++;
		ends[l->to][!right || L->b[l->from].zone == L->b[l->to].zone]++;
	}
	for (size_t i = 0; i < L->nb; i++) {
		struct box *b = &L->b[i];
		b->x = zone_x(b->zone);
		b->h = (int)(b->n + 1) * LINE_H + 10;
		/* The Internet and the clients need no address lines. */
		if (b->n == 0)
			b->h = 2 * LINE_H + 10;
		/* Room for every arrow's end, END_H apart. */
		for (int side = 0; side < 2; side++)
			if (ends[i][side] * END_H + 3 * LINE_H > b->h)
				b->h = ends[i][side] * END_H + 3 * LINE_H;
		b->y = y[b->zone];
		y[b->zone] += b->h + GAP + (b->zone == Z_INTERNAL ? 0 : 40);
	}
}

static void
text(FILE *out, int x, int y, const char *cls, const char *s)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
	plan_html_text(s, out);
	fputs("</text>\n", out);
}

static void
draw_box(const struct plan *p, const struct box *b, FILE *out)
{
	const struct plan_table *s = &p->t[PLAN_SUMMARY];
	static const char *const fill[] = { "#e6f0fa", "#fdf1dc", "#eeeeee" };

	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" "
	    "fill=\"%s\" stroke=\"#557\"/>\n", b->x, b->y, BOX_W, b->h,
	    fill[b->zone]);
	text(out, b->x + 6, b->y + LINE_H, "t", b->label);
	if (b->n == 0)
		text(out, b->x + 6, b->y + 2 * LINE_H, "a", b->zone == Z_INTERNET ?
		    "remote users, federated partners" : "Communicator, Live Meeting");
	for (size_t i = 0; i < b->n; i++) {
		size_t r = b->first + i;
		char line[400];
		const char *addr = plan_cell(s, r, 4)[0] != '\0' ? plan_cell(s, r, 4) :
		    plan_cell(s, r, 5)[0] != '\0' ? plan_cell(s, r, 5) :
		    plan_cell(s, r, 6);
		snprintf(line, sizeof(line), "%s %s", plan_cell(s, r, 3), addr);
		text(out, b->x + 6, b->y + (int)(i + 2) * LINE_H, "a", line);
	}
}

/*
 * A link's ports, two to a line: above (x, y) when above, else below it;
 * ending at x when end (an arrow to the left), else starting there.
 */
static void
label(FILE *out, int x, int y, const char *ports, bool end, bool above)
{
	char buf[400];
	snprintf(buf, sizeof(buf), "%s", ports);
	int nlines = 1, n = 0;
	for (const char *c = buf; *c != '\0'; c++)
		if (*c == ',' && ++n % 2 == 0)
			nlines++;
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"p\"%s>", x,
	    above ? y - 3 - (nlines - 1) * 11 : y + 11,
	    end ? " text-anchor=\"end\"" : "");
	n = 0;
	char *start = buf;
	for (char *c = buf;; c++) {
		if (*c == '\0' || (*c == ',' && ++n % 2 == 0)) {
			char last = *c;
			*c = '\0';
			fprintf(out, "<tspan x=\"%d\" dy=\"%d\">", x,
			    start == buf ? 0 : 11);
			plan_html_text(start + (start == buf ? 0 : 2), out);
			fputs("</tspan>", out);
			if (last == '\0')
				break;
			start = c;
		}
	}
	fputs("</text>\n", out);
}

/* The next free point on one side of box b (0: left, 1: right). */
static int
end_y(struct box *b, int side)
{
	/* Below the title (and the Internet's one line of text). */
	int top = b->y + (b->n == 0 ? 2 * LINE_H + 6 : LINE_H + 6);
	return top + END_H * b->ends[side]++;
}

static void
draw_link(struct layout *L, const struct link *l, size_t k, FILE *out)
{
	struct box *a = &L->b[l->from], *b = &L->b[l->to];
	int x1, x2, y1, y2;

	if (a->zone == b->zone) {	/* inside one network: a loop */
		x1 = x2 = a->x + BOX_W;
		y1 = end_y(a, 1);
		y2 = end_y(b, 1);
		fprintf(out, "<path d=\"M%d %d C %d %d, %d %d, %d %d\" class=\"l\"/>\n",
		    x1, y1, x1 + 40, y1, x2 + 40, y2, x2, y2);
		label(out, x1 + 8, (y1 + y2) / 2, l->ports, false, false);
		return;
	}
	bool right = a->x < b->x;
	x1 = right ? a->x + BOX_W : a->x;
	x2 = right ? b->x : b->x + BOX_W;
	y1 = end_y(a, right);
	y2 = end_y(b, !right);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"l\"/>\n", x1, y1, x2, y2);
	/*
	 * The label near the start, staggered so neighbours do not collide:
	 * above an arrow to the left, below one to the right.
	 */
	double t = 0.06 + 0.12 * (double)(k % 3);
	int tx = x1 + (int)((x2 - x1) * t);
	int ty = y1 + (int)((y2 - y1) * t);
	label(out, tx, ty, l->ports, !right, !right);
}

int
plan_out_svg(const struct plan *p, FILE *out)
{
	struct layout *L = calloc(1, sizeof(*L));
	if (L == NULL)
		return -1;
	build(p, L);
	int h = TOP;
	for (size_t i = 0; i < L->nb; i++)
		if (L->b[i].y + L->b[i].h + GAP > h)
			h = L->b[i].y + L->b[i].h + GAP;
	int w = 3 * COL_W + 2 * FW_W + 20;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"plan-diagram\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
	    "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
	    "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
	    "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"#a33\"/></marker></defs>\n"
	    "<style>.t{font-size:12px;font-weight:bold}.a{font-size:11px}"
	    ".p{font-size:10px;fill:#a33;stroke:#fff;stroke-width:3px;"
	    "paint-order:stroke}.z{font-size:14px;font-weight:bold}"
	    ".l{stroke:#a33;stroke-width:1.3;fill:none;"
	    "marker-end:url(#arrow)}</style>\n"
	    "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    w, h, w, h, w, h);
	static const char *const zones[] = { "Internal network", "Perimeter",
	    "Internet" };
	for (int z = 0; z < 3; z++)
		text(out, zone_x((enum zone)z), 30, "z", zones[z]);
	static const char *const fws[] = { "internal firewall",
	    "external firewall" };
	for (int f = 0; f < 2; f++) {
		int x = 10 + (f + 1) * COL_W + f * FW_W + FW_W / 2 - 8;
		fprintf(out, "<rect x=\"%d\" y=\"40\" width=\"16\" height=\"%d\" "
		    "fill=\"#c94\" opacity=\"0.6\"/>\n", x, h - 50);
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"a\" transform=\""
		    "rotate(-90 %d %d)\">%s</text>\n", x + 12, h - 20, x + 12,
		    h - 20, fws[f]);
	}
	for (size_t i = 0; i < L->nb; i++)
		draw_box(p, &L->b[i], out);
	for (size_t k = 0; k < L->nl; k++)
		draw_link(L, &L->l[k], k, out);
	fputs("</svg>\n", out);
	free(L);
	return ferror(out) ? -1 : 0;
}
