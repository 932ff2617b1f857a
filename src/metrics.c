/* metrics.c -- the optional HTTP listener that serves GET /metrics (evhttp). */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "config.h"
#include "log.h"
#include "metrics.h"

#define METRICS_TIMEOUT_SEC	10
#define METRICS_BACKLOG		16

struct metrics {
	struct evhttp *http;
	int (*render)(void *, FILE *);
	void *arg;
	char text[64];	/* the address, for messages */
};

static void
metrics_reply(struct evhttp_request *req, int code, const char *reason,
    const char *body)
{
	struct evbuffer *buf = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	if (buf != NULL)
		evbuffer_add_printf(buf, "%s\n", body);
	evhttp_send_reply(req, code, reason, buf);
	if (buf != NULL)
		evbuffer_free(buf);
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;

	if (path == NULL || strcmp(path, "/metrics") != 0) {
		metrics_reply(req, HTTP_NOTFOUND, "Not Found",
		    "not found: try /metrics");
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (fp == NULL ||
	    m->render(m->arg, fp) == -1 || fclose(fp) == EOF) {
		log_warnx("metrics %s: cannot render the counters", m->text);
		metrics_reply(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
		free(text);
		return;
	}
	struct evbuffer *buf = evbuffer_new();
	if (buf == NULL || evbuffer_add(buf, text, len) == -1) {
		metrics_reply(req, HTTP_INTERNAL, "Internal Server Error",
		    "out of memory");
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
		evhttp_send_reply(req, HTTP_OK, "OK", buf);
	}
	if (buf != NULL)
		evbuffer_free(buf);
	free(text);
}

struct metrics *
metrics_new(struct event_base *base, const struct cfg_listen *addr,
    int (*render)(void *, FILE *), void *arg)
{
	int fd = -1, on = 1;

	struct metrics *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		log_warn("metrics: calloc");
		return NULL;
	}
	m->render = render;
	m->arg = arg;
	snprintf(m->text, sizeof(m->text), "%s",
	    addr->text != NULL ? addr->text : "(address)");
	fd = socket(addr->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (addr->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (const struct sockaddr *)&addr->ss, addr->sslen) == -1 ||
	    listen(fd, METRICS_BACKLOG) == -1) {
		log_warn("metrics %s", m->text);
		goto fail;
	}
	if ((m->http = evhttp_new(base)) == NULL ||
	    evhttp_accept_socket(m->http, fd) == -1) {
		log_warnx("metrics %s: cannot set up the HTTP server", m->text);
		goto fail;
	}
	fd = -1;	/* evhttp owns it now */
	evhttp_set_timeout(m->http, METRICS_TIMEOUT_SEC);
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 1024);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(m->http, metrics_cb, m);
	log_info("metrics on http://%s/metrics", m->text);
	return m;
fail:
	if (fd != -1)
		close(fd);
	metrics_free(m);
	return NULL;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->http != NULL)
		evhttp_free(m->http);
	free(m);
}
