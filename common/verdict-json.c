/* SPDX-License-Identifier: MIT */
/*
 * The verdict of a QR e-card as JSON (common/verdict-json.h), for
 * tcard-verify and tcard-verifierd. Written directly as text: the daemon
 * makes one per verification, and building a jansson tree cost about a
 * tenth of a verification (measured, docs/performance.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "tcard/httpreq.h"
#include "verdict-json.h"

const struct tc_programme *
tc_verdict_programme(struct tc_verdict *v, const struct tc_programme_set *set)
{
	const struct tc_programme *p = NULL;

	if (!v->have_claims)
		return NULL;
	if (set != NULL)
		p = tc_programme_set_find_code(set, v->claims.programme_code);
	/* The credential carries the programme's code, not its id. */
	if (p != NULL)
		snprintf(v->claims.programme, sizeof(v->claims.programme), "%s",
		    p->id);
	else
		snprintf(v->claims.programme, sizeof(v->claims.programme),
		    "code %lu", (unsigned long)v->claims.programme_code);
	return p;
}

void
tc_verdict_time(int64_t t, char out[40])
{
	struct tm tm;
	time_t tt = (time_t)(t + 8 * 3600);

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 40, "%Y-%m-%dT%H:%M:%S+08:00", &tm) == 0)
		snprintf(out, 40, "%lld", (long long)t);
}

static const char *
text_of(const struct tc_text *t)
{
	if (t->en != NULL && t->zh != NULL)
		return NULL;
	return t->en != NULL ? t->en : t->zh != NULL ? t->zh : "";
}

/* Calls fn with the text line of each service of p that covers tier. */
static int
each_service(const struct tc_programme *p, const char *tier,
    void (*fn)(const char *line, void *arg), void *arg)
{
	const struct tc_service *s;
	char line[512];
	const char *one;
	size_t i;
	int n = 0;

	for (i = 0; i < p->n_services; i++) {
		s = &p->services[i];
		if (!tc_service_covers(s, tier))
			continue;
		if ((one = text_of(&s->names)) == NULL)
			snprintf(line, sizeof(line), "%s / %s", s->names.en,
			    s->names.zh);
		else
			snprintf(line, sizeof(line), "%s", one);
		fn(line, arg);
		n++;
	}
	return n;
}

struct sink {
	json_t *arr;
	FILE *f;
};

static void
to_sink(const char *line, void *arg)
{
	struct sink *k = arg;

	if (k->arr != NULL)
		json_array_append_new(k->arr, json_string(line));
	else
		fprintf(k->f, "  - %s\n", line);
}

int
tc_verdict_services(
    const struct tc_programme *p, const char *tier, void *arr, FILE *f)
{
	struct sink k = { arr, f };

	return each_service(p, tier, to_sink, &k);
}

struct writer {
	struct tc_buf *b;
	int pretty;
	int first; /* no member written yet at this level */
	int depth;
	int err; /* the first failed put */
};

static void
put(struct writer *w, const void *p, size_t n)
{
	int r;

	if (w->err == 0 && (r = tc_buf_put(w->b, p, n)) != 0)
		w->err = r;
}

static void
puts_(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* A JSON string: UTF-8 passes, controls and invalid bytes are escaped. */
static void
str(struct writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, run;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	int utf8 = 1;

	/* Controls aside (escaped below), is the whole string UTF-8? */
	for (i = 0; i < n; i += run) {
		for (run = 0;
		     i + run < n && p[i + run] >= 0x20 && p[i + run] != 0x7f;
		     run++)
			;
		if (tc_utf8_check(p + i, run, NULL) != 0) {
			utf8 = 0;
			break;
		}
		if (run == 0)
			run = 1;
	}
	put(w, "\"", 1);
	for (i = 0; i < n; i = run) {
		/* Copy a plain run in one go. */
		for (run = i; run < n && p[run] >= 0x20 && p[run] != 0x7f &&
		     p[run] != '"' && p[run] != '\\' && (utf8 || p[run] < 0x80);
		     run++)
			;
		if (run > i) {
			put(w, p + i, run - i);
			continue;
		}
		if (p[run] == '"' || p[run] == '\\') {
			esc[1] = (char)p[run];
			put(w, esc, 2);
			esc[1] = 'u';
		} else {
			esc[4] = hex[p[run] >> 4];
			esc[5] = hex[p[run] & 15];
			put(w, esc, sizeof(esc));
		}
		run++;
	}
	put(w, "\"", 1);
}

static void
newline(struct writer *w)
{
	int i;

	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

static void
key(struct writer *w, const char *k)
{
	if (!w->first)
		put(w, ",", 1);
	w->first = 0;
	newline(w);
	str(w, k);
	puts_(w, w->pretty ? ": " : ":");
}

static void
member_str(struct writer *w, const char *k, const char *v)
{
	key(w, k);
	if (v == NULL)
		puts_(w, "null");
	else
		str(w, v);
}

static void
service(const char *line, void *arg)
{
	struct writer *w = arg;

	if (!w->first)
		put(w, ",", 1);
	w->first = 0;
	newline(w);
	str(w, line);
}

int
tc_verdict_json_write(struct tc_buf *out, const struct tc_verdict *v,
    const struct tc_programme *p, const struct tc_verdict_note *note,
    int pretty)
{
	static const struct tc_verdict_note none;
	struct writer w = { out, pretty, 1, 1, 0 };
	size_t start = out->len;
	char when[40];
	int n;

	if (note == NULL)
		note = &none;
	put(&w, "{", 1);
	member_str(&w, "result",
	    note->result != NULL ? note->result
		: v->valid	 ? "VALID"
				 : "INVALID");
	member_str(
	    &w, "reason", note->reason != NULL ? note->reason : v->reason);
	member_str(
	    &w, "detail", note->detail != NULL ? note->detail : v->detail);
	member_str(
	    &w, "message", note->message != NULL ? note->message : v->message);
	if (note->warning != NULL)
		member_str(&w, "warning", note->warning);
	if (v->have_claims) {
		key(&w, "authentic");
		puts_(&w, v->authentic ? "true" : "false");
		tc_verdict_time(v->claims.expires_at, when);
		member_str(&w, "card", v->claims.card_no);
		member_str(&w, "name", v->claims.name);
		member_str(&w, "tier", v->claims.tier);
		member_str(&w, "programme", v->claims.programme);
		member_str(&w, "expires", when);
		if (v->claims.principal[0] != '\0') {
			member_str(&w, "principal", v->claims.principal);
			member_str(&w, "relation", v->claims.relation);
		}
		key(&w, "services");
		if (p == NULL)
			puts_(&w, "null");
		else {
			put(&w, "[", 1);
			w.depth++;
			w.first = 1;
			n = each_service(p, v->claims.tier, service, &w);
			w.depth--;
			if (n > 0)
				newline(&w);
			put(&w, "]", 1);
		}
	}
	w.depth = 0;
	newline(&w);
	put(&w, "}\n", 2);
	if (w.err != 0)
		tc_buf_truncate(out, start);
	return w.err;
}

void *
tc_verdict_json(const struct tc_verdict *v, const struct tc_programme *p)
{
	struct tc_buf b;
	json_t *o = NULL;

	tc_buf_init(&b, 0);
	if (tc_verdict_json_write(&b, v, p, NULL, 0) == 0)
		o = json_loadb(
		    (const char *)b.data, b.len, JSON_DISABLE_EOF_CHECK, NULL);
	tc_buf_release(&b);
	return o;
}
