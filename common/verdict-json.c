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

#include "tcard/cardno.h"
#include "tcard/hex.h"
#include "tcard/httpreq.h"
#include "tcard/ledger.h"
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

void
tc_verdict_print_claims(FILE *f, const struct tc_verdict *v, const char *source)
{
	char grouped[20], when[40];

	if (!v->have_claims)
		return;
	if (!v->authentic)
		fprintf(f,
		    "NOT GENUINE: the signature did not verify; the details below are as the %s claims them\n",
		    source);
	tc_cardno_group(v->claims.card_no, grouped);
	tc_verdict_time(v->claims.expires_at, when);
	fprintf(f, "card:      %s\n", grouped);
	fprintf(f, "name:      %s\n", v->claims.name);
	fprintf(f, "tier:      %s\n", v->claims.tier);
	fprintf(f, "programme: %s\n", v->claims.programme);
	fprintf(f, "expires:   %s\n", when);
	if (v->claims.principal[0] != '\0') {
		tc_cardno_group(v->claims.principal, grouped);
		fprintf(
		    f, "sub-card:  %s of %s\n", v->claims.relation, grouped);
	}
}

static const char *
text_of(const struct tc_text *t)
{
	if (t->en != NULL && t->zh != NULL)
		return NULL;
	return t->en != NULL ? t->en : t->zh != NULL ? t->zh : "";
}

/* The service's name as a line: "English / 中文" when both are given. */
static void
service_name(const struct tc_service *s, char *line, size_t len)
{
	const char *one;

	if ((one = text_of(&s->names)) == NULL)
		snprintf(line, len, "%s / %s", s->names.en, s->names.zh);
	else
		snprintf(line, len, "%s", one);
}

/* Calls fn with the text line of each service of p that covers tier. */
static int
each_service(const struct tc_programme *p, const char *tier,
    void (*fn)(const char *line, void *arg), void *arg)
{
	const struct tc_service *s;
	char line[512];
	size_t i;
	int n = 0;

	for (i = 0; i < p->n_services; i++) {
		s = &p->services[i];
		if (!tc_service_covers(s, tier))
			continue;
		service_name(s, line, sizeof(line));
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

static const char *const period_text[] = {
	[TC_PERIOD_UNLIMITED] = "",
	[TC_PERIOD_MONTH] = " this month",
	[TC_PERIOD_YEAR] = " this year",
	[TC_PERIOD_VALIDITY] = " while the card is valid",
};

static const char *const period_name[] = {
	[TC_PERIOD_UNLIMITED] = "unlimited",
	[TC_PERIOD_MONTH] = "month",
	[TC_PERIOD_YEAR] = "year",
	[TC_PERIOD_VALIDITY] = "validity",
};

struct usage {
	const struct tc_programme *p;
	const struct tc_verdict *v;
	struct tc_ledger *led;
	unsigned channel;
	time_t now;
	json_t *arr;
};

/*
 * Asks the ledger whether a use of sid ("id" or "id.option") would be
 * given now and what is left, into text and u->arr.
 */
static void
usage_of(struct usage *u, const char *sid, char *text, size_t textlen)
{
	struct tc_redeem_result res;
	struct tc_redeem q;
	char err[200];
	json_t *o;

	memset(&q, 0, sizeof(q));
	q.programme = u->p;
	q.service = sid;
	q.card_no = u->v->claims.card_no;
	q.tier = u->v->claims.tier;
	q.valid_from = (time_t)u->v->claims.issued_at;
	q.channel = u->channel;
	q.party = 1;
	q.now = u->now;
	if (tc_ledger_usage(u->led, &q, &res, err, sizeof(err)) != 0) {
		snprintf(text, textlen, "unknown (%s)", err);
		return;
	}
	if (res.reason != NULL &&
	    strcmp(res.reason, TC_REDEEM_WRONG_CHANNEL) == 0)
		snprintf(text, textlen, "%s",
		    u->channel == TC_CHANNEL_QR ? "with the physical card only"
						: "with the e-card only");
	else if (res.reason != NULL &&
	    strcmp(res.reason, TC_REDEEM_EXCLUSIVE_USED) == 0)
		snprintf(text, textlen, "none left: %s was used instead",
		    res.exclusive_with);
	else if (res.limit < 0)
		snprintf(text, textlen, "%s", "unlimited");
	else
		snprintf(text, textlen, "%d of %d left%s", res.remaining,
		    res.limit,
		    (unsigned)res.period < 4 ? period_text[res.period] : "");
	if (u->arr == NULL ||
	    (o = json_pack("{s:s, s:b, s:s?}", "service", sid, "allowed",
		 res.allowed, "reason", res.reason)) == NULL)
		return;
	json_object_set_new(
	    o, "limit", res.limit < 0 ? json_null() : json_integer(res.limit));
	json_object_set_new(
	    o, "used", res.limit < 0 ? json_null() : json_integer(res.used));
	json_object_set_new(o, "remaining",
	    res.limit < 0 ? json_null() : json_integer(res.remaining));
	json_object_set_new(o, "period",
	    json_string((unsigned)res.period < 4 ? period_name[res.period]
						 : "unknown"));
	if (res.exclusive_with[0] != '\0')
		json_object_set_new(
		    o, "exclusive_with", json_string(res.exclusive_with));
	json_array_append_new(u->arr, o);
}

int
tc_verdict_usage(const struct tc_programme *p, const struct tc_verdict *v,
    struct tc_ledger *led, unsigned channel, time_t now, void *arr, FILE *f)
{
	struct usage u = { p, v, led, channel, now, arr };
	const struct tc_service *s, *o;
	char line[512], left[256], sid[160];
	size_t i, j;
	int n = 0;

	for (i = 0; i < p->n_services; i++) {
		s = &p->services[i];
		if (!tc_service_covers(s, v->claims.tier))
			continue;
		service_name(s, line, sizeof(line));
		usage_of(&u, s->id, left, sizeof(left));
		if (f != NULL)
			fprintf(f, "  - %s: %s\n", line, left);
		n++;
		for (j = 0; j < s->n_options; j++) {
			o = &s->options[j];
			if (o->quota.period == TC_PERIOD_UNLIMITED ||
			    !tc_service_covers(o, v->claims.tier))
				continue;
			snprintf(sid, sizeof(sid), "%s.%s", s->id, o->id);
			usage_of(&u, sid, left, sizeof(left));
			if (f != NULL)
				fprintf(f, "      %s (%s): %s\n",
				    o->names.en != NULL ? o->names.en
							: o->names.zh,
				    sid, left);
		}
	}
	return n;
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

static void
member_uint(struct writer *w, const char *k, unsigned long long v)
{
	char num[24];

	key(w, k);
	snprintf(num, sizeof(num), "%llu", v);
	puts_(w, num);
}

static void
member_time(struct writer *w, const char *k, int64_t t)
{
	char when[40];

	tc_verdict_time(t, when);
	member_str(w, k, when);
}

static void
member_bool(struct writer *w, const char *k, int b)
{
	key(w, k);
	puts_(w, b ? "true" : "false");
}

/* Opens a nested object as the value of k; close_obj ends it. */
static void
open_obj(struct writer *w, const char *k)
{
	key(w, k);
	put(w, "{", 1);
	w->depth++;
	w->first = 1;
}

static void
close_obj(struct writer *w)
{
	w->depth--;
	newline(w);
	put(w, "}", 1);
	w->first = 0;
}

/* k: null when !have, else an object opened as by open_obj. Returns have. */
static int
open_or_null(struct writer *w, const char *k, int have)
{
	if (have)
		open_obj(w, k);
	else
		member_str(w, k, NULL);
	return have;
}

/*
 * "basis": what the status and the signature rest on: how the trust
 * list's CA was accepted, and the revocation list and lookup snapshot used
 * (null when none was held).
 */
static void
basis(struct writer *w, const struct tc_status_answer *s)
{
	char hex[2 * sizeof(s->ca_sha256) + 1];

	open_obj(w, "basis");
	member_str(w, "ca", tc_ca_basis_name(s->ca));
	if (s->ca == TC_CA_UNSTATED)
		member_str(w, "ca_sha256", NULL);
	else {
		tc_hex_encode(s->ca_sha256, sizeof(s->ca_sha256), hex);
		member_str(w, "ca_sha256", hex);
	}
	if (open_or_null(w, "revocations", s->have_rev)) {
		member_uint(w, "seq", s->rev_seq);
		member_time(w, "issued_at", s->rev_issued_at);
		member_time(w, "next_update", s->rev_next_update);
		member_bool(w, "current", s->rev_current);
		close_obj(w);
	}
	if (open_or_null(w, "snapshot", s->have_lookup)) {
		member_uint(w, "seq", s->lookup_seq);
		member_time(w, "issued_at", s->lookup_issued_at);
		member_bool(w, "card_listed", s->listed);
		close_obj(w);
	}
	close_obj(w);
}

void
tc_verdict_print_status(FILE *f, const struct tc_verdict *v)
{
	const struct tc_status_answer *s = &v->status;
	char hex[2 * sizeof(s->ca_sha256) + 1], when[40];

	if (v->authentic) {
		fprintf(f, "status:    %s", tc_status_name(s->status));
		if (s->status == TC_STATUS_NOT_CHECKED)
			fprintf(f,
			    " (no revocation list or snapshot was consulted, on request)");
		fprintf(f, "\n");
	}
	if (s->have_rev) {
		tc_verdict_time(s->rev_next_update, when);
		fprintf(f, "           revocation list %llu, %s %s\n",
		    (unsigned long long)s->rev_seq,
		    s->rev_current ? "current until" : "OUT OF DATE since",
		    when);
	}
	if (s->have_lookup) {
		tc_verdict_time(s->lookup_issued_at, when);
		fprintf(f, "           lookup snapshot %llu of %s%s\n",
		    (unsigned long long)s->lookup_seq, when,
		    !v->have_claims ? ""
			: s->listed ? ", lists the card"
				    : ", does not list the card");
	}
	if (s->ca == TC_CA_UNSTATED)
		return;
	tc_hex_encode(s->ca_sha256, sizeof(s->ca_sha256), hex);
	if (s->ca == TC_CA_UNPINNED)
		fprintf(f,
		    "trust:     CA NOT PINNED (--trust-unpinned): the trust list's own CA, SHA-256 %s, was accepted\n",
		    hex);
	else
		fprintf(f, "trust:     CA %s, SHA-256 %s\n",
		    s->ca == TC_CA_PINNED ? "pinned" : "pinned at first use",
		    hex);
}

void
tc_verdict_print_result(FILE *f, const struct tc_verdict *v, int with_detail)
{
	int detail = with_detail && v->detail != NULL && v->reason != NULL &&
	    strcmp(v->detail, v->reason) != 0;

	if (v->valid && v->status.status == TC_STATUS_NOT_CHECKED)
		fprintf(f, "VALID (status not checked)\n");
	else if (v->valid)
		fprintf(f, "VALID\n");
	else
		fprintf(f, "%s %s%s%s%s: %s\n", tc_status_result(v),
		    v->reason ? v->reason : "error", detail ? " (" : "",
		    detail ? v->detail : "", detail ? ")" : "", v->message);
}

void
tc_verdict_print_services(FILE *f, const struct tc_programme *p,
    const struct tc_verdict *v, struct tc_ledger *led, unsigned channel,
    time_t now)
{
	fprintf(f, "services:\n");
	if ((led != NULL
		    ? tc_verdict_usage(p, v, led, channel, now, NULL, f)
		    : tc_verdict_services(p, v->claims.tier, NULL, f)) == 0)
		fprintf(f, "  (none for this tier)\n");
}

void
tc_verdict_json_usage(void *o, const struct tc_programme *p,
    const struct tc_verdict *v, struct tc_ledger *led, unsigned channel,
    time_t now)
{
	json_t *arr;

	if ((arr = json_array()) == NULL)
		return;
	tc_verdict_usage(p, v, led, channel, now, arr, NULL);
	json_object_set_new(o, "usage", arr);
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
	    note->result != NULL ? note->result : tc_status_result(v));
	member_str(
	    &w, "reason", note->reason != NULL ? note->reason : v->reason);
	member_str(
	    &w, "detail", note->detail != NULL ? note->detail : v->detail);
	member_str(
	    &w, "message", note->message != NULL ? note->message : v->message);
	if (note->warning != NULL)
		member_str(&w, "warning", note->warning);
	/* No card to speak of when the claims are not genuine. */
	member_str(&w, "status",
	    v->authentic ? tc_status_name(v->status.status) : NULL);
	basis(&w, &v->status);
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
