/* SPDX-License-Identifier: MIT */
/*
 * Programme files (include/tcard/programme.h): JSON parsed by jansson with
 * duplicate keys rejected, then walked once against a fixed schema. Every
 * object's keys are checked against a table of allowed keys with their
 * types before any value is read, so a typo or a wrong type is refused with
 * the JSON path of the key. Values then get their own checks (ids, ranges,
 * enumerations, source references), and a last pass checks the references
 * between parts (services to tiers, sub-cards to principal tiers, materials
 * to work types...). The strings of the result point into the jansson tree,
 * which the programme keeps until it is freed. docs/programmes.md describes
 * the format and the reasons behind each rule.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/id.h"
#include "tcard/programme.h"
#include "tcard/workday.h"
#include "tcard/json-keys.h"

#define PATH_MAX_LEN 256
#define MSG_MAX	     256
#define MONTHS_MAX   1200 /* 100 years */
#define DAYS_MAX     3650
#define MINUTES_MAX  43200 /* 30 days */
#define CNY_MAX	     1000000000000LL

/* The parsing context: where we are (a JSON path) and whom to tell. */
struct ctx {
	const char *file;
	char *err;
	size_t errlen;
	char path[PATH_MAX_LEN];
	size_t plen;
	struct tc_programme *p;
	json_t *seen; /* clause ids of the whole programme */
};

/* Key types of the schema tables. */
/* The JSON types of a key table (include/tcard/json-keys.h), in short. */
enum {
	K_STR = TC_JSON_STR,
	K_INT = TC_JSON_INT,
	K_BOOL = TC_JSON_BOOL,
	K_OBJ = TC_JSON_OBJ,
	K_ARR = TC_JSON_ARR,
	K_NUM = TC_JSON_NUM,
};

static const char *const relation_names[] = {
	[TC_REL_HOLDER] = "holder",
	[TC_REL_SPOUSE] = "spouse",
	[TC_REL_CHILD] = "child",
	[TC_REL_PARENT] = "parent",
	[TC_REL_PARENT_IN_LAW] = "parent-in-law",
};
#define N_RELATIONS (sizeof(relation_names) / sizeof(relation_names[0]))

static const char *const term_names[] = {
	[TC_TERM_FIXED] = "fixed",
	[TC_TERM_OPEN] = "open",
	[TC_TERM_PRINCIPAL] = "principal",
};
static const char *const kind_names[] = {
	[TC_TIER_MAIN] = "main",
	[TC_TIER_SUB] = "sub",
};
static const char *const step_kind_names[] = {
	[TC_STEP_REVIEW] = "review",
	[TC_STEP_APPROVE] = "approve",
	[TC_STEP_CONSULT] = "consult",
	[TC_STEP_NOTICE] = "notice",
	[TC_STEP_PRODUCE] = "produce",
	[TC_STEP_ISSUE] = "issue",
};
static const char *const period_names[] = {
	[TC_PERIOD_UNLIMITED] = "unlimited",
	[TC_PERIOD_MONTH] = "month",
	[TC_PERIOD_YEAR] = "year",
	[TC_PERIOD_VALIDITY] = "validity",
};
static const char *const money_names[] = {
	[TC_MONEY_NONE] = NULL,
	[TC_MONEY_TOTAL] = "total",
	[TC_MONEY_USE] = "use",
	[TC_MONEY_MONTH] = "month",
	[TC_MONEY_YEAR] = "year",
};
static const char *const field_names[] = {
	[TC_FIELD_TEXT] = "text",
	[TC_FIELD_LONG_TEXT] = "long-text",
	[TC_FIELD_DATE] = "date",
	[TC_FIELD_CHOICE] = "choice",
	[TC_FIELD_PHOTO] = "photo",
	[TC_FIELD_ID_NUMBER] = "id-number",
	[TC_FIELD_PHONE] = "phone",
	[TC_FIELD_EMAIL] = "email",
	[TC_FIELD_ADDRESS] = "address",
};
static const char *const purpose_names[] = {
	[TC_PURPOSE_APPLY] = "apply",
	[TC_PURPOSE_CHANGE] = "change",
	[TC_PURPOSE_REISSUE] = "reissue",
	[TC_PURPOSE_RENEW] = "renew",
};
static const char *const channel_names[] = { "chip", "qr" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
tc_relation_name(enum tc_relation r)
{
	if ((int)r < TC_REL_HOLDER || (size_t)r >= N_RELATIONS)
		return "unknown";
	return relation_names[r];
}

int
tc_relation_parse(const char *name, enum tc_relation *out)
{
	size_t i;

	if (name == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	for (i = TC_REL_HOLDER; i < N_RELATIONS; i++) {
		if (strcmp(name, relation_names[i]) == 0) {
			*out = (enum tc_relation)i;
			return 0;
		}
	}
	return TC_ERR_INVALID_ARG;
}

/*
 * Paths. Keys come from the file, so an unknown key is shown with anything
 * but printable ASCII replaced by '?': messages reach logs and terminals.
 */
static size_t
path_add(struct ctx *c, const char *s, int sanitise)
{
	size_t old = c->plen;

	for (; *s != '\0' && c->plen < sizeof(c->path) - 1; s++) {
		unsigned char ch = (unsigned char)*s;

		if (sanitise && (ch < 0x20 || ch > 0x7e))
			ch = '?';
		c->path[c->plen++] = (char)ch;
	}
	c->path[c->plen] = '\0';
	return old;
}

static size_t
push_key(struct ctx *c, const char *key)
{
	size_t old = c->plen;

	if (c->plen > 0)
		path_add(c, ".", 0);
	path_add(c, key, 1);
	return old;
}

static size_t
push_index(struct ctx *c, size_t i)
{
	char b[32];
	size_t old = c->plen;

	snprintf(b, sizeof(b), "[%zu]", i);
	path_add(c, b, 0);
	return old;
}

static void
pop(struct ctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static int fail(struct ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *c, int code, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->plen > 0)
		return tc_seterr(c->err, c->errlen, code, "%s: %s: %s", c->file,
		    c->path, msg);
	return tc_seterr(c->err, c->errlen, code, "%s: %s", c->file, msg);
}

/* A value from the file, made safe to quote in a message. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < len - 1; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch < 0x20 || ch > 0x7e ? '?' : (char)ch;
	}
	if (s[i] != '\0' && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

/*
 * Checks that o is an object whose keys are all in keys with the right
 * types, and that every required key is present. Everything after this
 * may read the values without checking their JSON types again.
 */
static int
check_keys(struct ctx *c, json_t *o, const struct tc_json_key *keys)
{
	const struct tc_json_key *k;
	const char *name;

	switch (tc_json_keys_check(o, keys, &name, &k)) {
	case TC_JSON_OK:
		return 0;
	case TC_JSON_NOT_OBJECT:
		return fail(c, TC_ERR_MALFORMED, "must be an object");
	case TC_JSON_UNKNOWN:
		push_key(c, name);
		return fail(c, TC_ERR_MALFORMED, "unknown key");
	case TC_JSON_BAD_TYPE:
		push_key(c, name);
		return fail(c, TC_ERR_MALFORMED, "must be %s",
		    tc_json_type_name(k->type));
	case TC_JSON_MISSING:
		push_key(c, name);
		return fail(c, TC_ERR_MALFORMED, "missing");
	}
	return TC_ERR_INTERNAL;
}

/* Strings: not empty, bounded, no control characters. */
static int
str_ok(struct ctx *c, const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return fail(c, TC_ERR_MALFORMED, "must not be empty");
	if (n > TC_PROGRAMME_STRING_MAX)
		return fail(c, TC_ERR_TOO_LARGE, "longer than %d bytes",
		    TC_PROGRAMME_STRING_MAX);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f)
			return fail(c, TC_ERR_MALFORMED,
			    "control character at byte %zu", i);
	}
	return 0;
}

/* Ids: 1..TC_PROGRAMME_ID_MAX of a-z, 0-9 and '-', not starting with '-'. */
static int
id_syntax_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TC_PROGRAMME_ID_MAX || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int
check_id(struct ctx *c, const char *s)
{
	if (!id_syntax_ok(s))
		return fail(c, TC_ERR_MALFORMED,
		    "not an id (1 to %d of a-z, 0-9 and '-', not starting with '-')",
		    TC_PROGRAMME_ID_MAX);
	return 0;
}

/* The getters below take keys whose types check_keys() has checked. */
static int
get_str(struct ctx *c, json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	size_t old;
	int r;

	*out = NULL;
	if (v == NULL)
		return 0;
	old = push_key(c, key);
	if ((r = str_ok(c, json_string_value(v))) != 0)
		return r;
	pop(c, old);
	*out = json_string_value(v);
	return 0;
}

static int
get_id(struct ctx *c, json_t *o, const char *key, const char **out)
{
	const char *s;
	size_t old;
	int r;

	if ((r = get_str(c, o, key, &s)) != 0)
		return r;
	*out = s;
	if (s == NULL)
		return 0;
	old = push_key(c, key);
	if ((r = check_id(c, s)) != 0)
		return r;
	pop(c, old);
	return 0;
}

static int
get_ll(struct ctx *c, json_t *o, const char *key, long long min, long long max,
    long long *out)
{
	json_t *v = json_object_get(o, key);
	long long x;

	if (v == NULL)
		return 0;
	x = (long long)json_integer_value(v);
	if (x < min || x > max) {
		push_key(c, key);
		if (x < 0 && min >= 0)
			return fail(c, TC_ERR_RANGE, "must not be negative");
		return fail(
		    c, TC_ERR_RANGE, "must be from %lld to %lld", min, max);
	}
	*out = x;
	return 0;
}

/* An int key; *out keeps its value when the key is absent. */
static int
get_int(struct ctx *c, json_t *o, const char *key, int min, int max, int *out)
{
	long long x = *out;
	int r;

	if ((r = get_ll(c, o, key, min, max, &x)) != 0)
		return r;
	*out = (int)x;
	return 0;
}

static void
get_bool(json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);

	if (v != NULL)
		*out = json_is_true(v);
}

/* One of names[lo..n-1]; *out keeps its value when the key is absent. */
static int
get_enum(struct ctx *c, json_t *o, const char *key, const char *const *names,
    size_t lo, size_t n, int *out)
{
	char b[40], list[160];
	const char *s;
	size_t i, len = 0;
	int r;

	if ((r = get_str(c, o, key, &s)) != 0)
		return r;
	if (s == NULL)
		return 0;
	for (i = lo; i < n; i++) {
		if (names[i] != NULL && strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	list[0] = '\0';
	for (i = lo; i < n; i++)
		if (names[i] != NULL && len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s%s", len ? ", " : "", names[i]);
	push_key(c, key);
	return fail(c, TC_ERR_MALFORMED, "unknown value '%s' (%s)",
	    shown(s, b, sizeof(b)), list);
}

static int
text_ok(struct ctx *c, json_t *v, struct tc_text *t)
{
	static const struct tc_json_key keys[] = {
		{ "zh", K_STR, 1 },
		{ "en", K_STR, 1 },
		{ NULL, 0, 0 },
	};
	int r;

	if ((r = check_keys(c, v, keys)) != 0 ||
	    (r = get_str(c, v, "zh", &t->zh)) != 0 ||
	    (r = get_str(c, v, "en", &t->en)) != 0)
		return r;
	return 0;
}

static int
get_text(struct ctx *c, json_t *o, const char *key, struct tc_text *t)
{
	json_t *v = json_object_get(o, key);
	size_t old;
	int r;

	t->zh = t->en = NULL;
	if (v == NULL)
		return 0;
	old = push_key(c, key);
	if ((r = text_ok(c, v, t)) != 0)
		return r;
	pop(c, old);
	return 0;
}

/* An array key with at least min entries; *n is 0 when absent. */
static int
get_array(struct ctx *c, json_t *o, const char *key, size_t min, json_t **arr,
    size_t *n)
{
	json_t *v = json_object_get(o, key);

	*arr = v;
	*n = v != NULL ? json_array_size(v) : 0;
	if (v == NULL)
		return 0;
	if (*n > TC_PROGRAMME_LIST_MAX) {
		push_key(c, key);
		return fail(c, TC_ERR_TOO_LARGE, "more than %d entries",
		    TC_PROGRAMME_LIST_MAX);
	}
	if (*n < min) {
		push_key(c, key);
		if (min == 1)
			return fail(c, TC_ERR_MALFORMED, "must not be empty");
		return fail(
		    c, TC_ERR_MALFORMED, "needs at least %zu entries", min);
	}
	return 0;
}

/*
 * A set of ids, for duplicate checks in linear time: ids map to the path
 * where they were first seen.
 */
static int
seen_add(struct ctx *c, json_t *set, const char *id, const char *what)
{
	json_t *prev = json_object_get(set, id);
	char b[40];

	if (prev != NULL)
		return fail(c, TC_ERR_EXISTS, "%s '%s' is already used at %s",
		    what, shown(id, b, sizeof(b)), json_string_value(prev));
	if (json_object_set_new(set, id, json_string(c->path)) != 0)
		return TC_ERR_NOMEM;
	return 0;
}

/* A list of distinct ids (at least min when present). */
static int
get_idlist(
    struct ctx *c, json_t *o, const char *key, size_t min, struct tc_idlist *l)
{
	json_t *arr, *v, *set = NULL;
	size_t i, n, old, old2;
	int r;

	l->v = NULL;
	l->n = 0;
	if ((r = get_array(c, o, key, min, &arr, &n)) != 0 || n == 0)
		return r;
	if ((l->v = calloc(n, sizeof(*l->v))) == NULL ||
	    (set = json_object()) == NULL) {
		json_decref(set);
		return TC_ERR_NOMEM;
	}
	old = push_key(c, key);
	for (i = 0; i < n; i++) {
		v = json_array_get(arr, i);
		old2 = push_index(c, i);
		if (!json_is_string(v)) {
			r = fail(c, TC_ERR_MALFORMED, "must be a string");
			goto out;
		}
		if ((r = str_ok(c, json_string_value(v))) != 0 ||
		    (r = check_id(c, json_string_value(v))) != 0 ||
		    (r = seen_add(c, set, json_string_value(v), "id")) != 0)
			goto out;
		l->v[l->n++] = json_string_value(v);
		pop(c, old2);
	}
	pop(c, old);
	r = 0;
out:
	json_decref(set);
	return r;
}

/* A list of names from a fixed vocabulary as a bit mask. */
static int
get_mask(struct ctx *c, json_t *o, const char *key, const char *const *names,
    size_t lo, size_t n, unsigned *mask)
{
	json_t *arr, *v;
	size_t i, j, cnt, old, old2;
	char b[40];
	int r;

	if ((r = get_array(c, o, key, 1, &arr, &cnt)) != 0 || arr == NULL)
		return r;
	*mask = 0;
	old = push_key(c, key);
	for (i = 0; i < cnt; i++) {
		v = json_array_get(arr, i);
		old2 = push_index(c, i);
		if (!json_is_string(v))
			return fail(c, TC_ERR_MALFORMED, "must be a string");
		for (j = lo; j < n; j++)
			if (strcmp(json_string_value(v), names[j]) == 0)
				break;
		if (j == n)
			return fail(c, TC_ERR_MALFORMED, "unknown value '%s'",
			    shown(json_string_value(v), b, sizeof(b)));
		if (*mask & (1u << j))
			return fail(
			    c, TC_ERR_EXISTS, "'%s' named twice", names[j]);
		*mask |= 1u << j;
		pop(c, old2);
	}
	pop(c, old);
	return 0;
}

/* Source references start with the id of a declared source. */
static int
check_source_ref(struct ctx *c, const char *s)
{
	char list[96];
	size_t i, n, len = 0;

	for (i = 0; i < c->p->n_sources; i++) {
		n = strlen(c->p->sources[i].id);
		if (strncmp(s, c->p->sources[i].id, n) == 0 &&
		    (s[n] == '\0' || s[n] == ' '))
			return 0;
	}
	list[0] = '\0';
	for (i = 0; i < c->p->n_sources && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    len ? ", " : "", c->p->sources[i].id);
	return fail(c, TC_ERR_NOT_FOUND,
	    "does not start with a source id and a space (%s)", list);
}

static int
get_cite(struct ctx *c, json_t *o, int source_required, struct tc_cite *ct)
{
	size_t old;
	int r;

	if ((r = get_str(c, o, "source", &ct->source)) != 0 ||
	    (r = get_str(c, o, "note", &ct->note)) != 0)
		return r;
	get_bool(o, "assumed", &ct->assumed);
	if (ct->source == NULL) {
		if (source_required) {
			push_key(c, "source");
			return fail(c, TC_ERR_MALFORMED, "missing");
		}
		return 0;
	}
	old = push_key(c, "source");
	if ((r = check_source_ref(c, ct->source)) != 0)
		return r;
	pop(c, old);
	return 0;
}

/* The citation keys, allowed in most objects. */
/* clang-format off */
#define CITE_KEYS \
	{ "source", K_STR, 0 }, \
	{ "note", K_STR, 0 }, \
	{ "assumed", K_BOOL, 0 }
/* clang-format on */

/*
 * Arrays of objects: allocates the whole array zeroed first (so a failure
 * half-way leaves something the free functions handle), parses each
 * element with fn and refuses repeated ids. idoff is the offset of the
 * element's id, or (size_t)-1 when elements have none.
 */
typedef int (*elem_fn)(struct ctx *, json_t *, void *, void *);

static int
get_objects(struct ctx *c, json_t *o, const char *key, size_t min, size_t size,
    size_t idoff, void **arr, size_t *n, elem_fn fn, void *arg)
{
	json_t *a, *set = NULL;
	size_t i, cnt, old, old2;
	char *base;
	int r;

	*arr = NULL;
	*n = 0;
	if ((r = get_array(c, o, key, min, &a, &cnt)) != 0 || cnt == 0)
		return r;
	if ((base = calloc(cnt, size)) == NULL)
		return TC_ERR_NOMEM;
	*arr = base;
	*n = cnt;
	if (idoff != (size_t)-1 && (set = json_object()) == NULL)
		return TC_ERR_NOMEM;
	old = push_key(c, key);
	for (i = 0; i < cnt; i++) {
		old2 = push_index(c, i);
		if ((r = fn(c, json_array_get(a, i), base + i * size, arg)) !=
		    0)
			goto out;
		if (set != NULL) {
			const char *id;
			size_t old3 = push_key(c, "id");

			memcpy(&id, base + i * size + idoff, sizeof(id));
			if ((r = seen_add(c, set, id, "id")) != 0)
				goto out;
			pop(c, old3);
		}
		pop(c, old2);
	}
	pop(c, old);
	r = 0;
out:
	json_decref(set);
	return r;
}

/* Arrays of objects with an "id" (refused when repeated), and without. */
#define GET_OBJECTS(c, o, key, min, arr, n, fn, arg)                           \
	get_objects((c), (o), (key), (min), sizeof(**(arr)),                   \
	    offsetof(__typeof__(**(arr)), id), (void **)(arr), (n), (fn),      \
	    (arg))
#define GET_LIST(c, o, key, min, arr, n, fn, arg)                              \
	get_objects((c), (o), (key), (min), sizeof(**(arr)), (size_t)-1,       \
	    (void **)(arr), (n), (fn), (arg))

/* ---- sources, guards and the small lists ---- */

/* YYYY-MM-DD, digits only, a real date. */
static int
date_ok(const char *s)
{
	int y, m, d;

	return tc_date_scan(s, &y, &m, &d) && tc_date_valid(y, m, d);
}

static int
parse_source(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "file", K_STR, 1 },
		{ "title", K_OBJ, 1 },
		{ "ref", K_STR, 0 },
		{ "date", K_STR, 0 },
		{ "note", K_STR, 0 },
		{ NULL, 0, 0 },
	};
	struct tc_source *s = dst;
	size_t old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &s->id)) != 0 ||
	    (r = get_str(c, o, "file", &s->file)) != 0 ||
	    (r = get_text(c, o, "title", &s->title)) != 0 ||
	    (r = get_str(c, o, "ref", &s->ref)) != 0 ||
	    (r = get_str(c, o, "date", &s->date)) != 0 ||
	    (r = get_str(c, o, "note", &s->note)) != 0)
		return r;
	if (s->date != NULL) {
		old = push_key(c, "date");
		if (!date_ok(s->date))
			return fail(
			    c, TC_ERR_MALFORMED, "not a date YYYY-MM-DD");
		pop(c, old);
	}
	return 0;
}

/* The guards: name, 1 when the value is a count (else true/false). */
static const struct {
	const char *name;
	size_t off;
	int count;
} guard_tab[] = {
#define G(n, cnt)                                                              \
	{                                                                      \
#n, offsetof(struct tc_guards, n), cnt                         \
	}
	G(employer_in_region, 0),
	G(below_retirement_age, 0),
	G(ends_on_retirement, 0),
	G(fraud_employer_bar_years, 1),
	G(fraud_person_blacklist, 0),
	G(renewal_window_days, 1),
	G(change_report_days, 1),
	G(upgrade_by_application, 0),
	G(personal_use_only, 0),
	G(mid_term_assessment, 0),
	G(reapply_priority, 0),
	G(exits_announced_yearly, 0),
#undef G
};

static int
parse_guards(struct ctx *c, json_t *o, struct tc_guards *g)
{
	static const struct tc_json_key keys[] = {
		{ "value", 0, 1 },
		{ "in_principle", K_BOOL, 0 },
		{ "text", K_OBJ, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_json_key gkeys[NELEM(guard_tab) + 1], vkeys[NELEM(keys)];
	struct tc_guard *x;
	json_t *v;
	size_t i, old;
	int r;

	for (i = 0; i < NELEM(guard_tab); i++)
		gkeys[i] = (struct tc_json_key){ guard_tab[i].name, K_OBJ, 0 };
	gkeys[i] = (struct tc_json_key){ NULL, 0, 0 };
	if ((r = check_keys(c, o, gkeys)) != 0)
		return r;
	for (i = 0; i < NELEM(guard_tab); i++) {
		if ((v = json_object_get(o, guard_tab[i].name)) == NULL)
			continue;
		x = (struct tc_guard *)((char *)g + guard_tab[i].off);
		old = push_key(c, guard_tab[i].name);
		memcpy(vkeys, keys, sizeof(keys));
		vkeys[0].type = guard_tab[i].count ? K_INT : K_BOOL;
		if ((r = check_keys(c, v, vkeys)) != 0)
			return r;
		if (guard_tab[i].count) {
			if ((r = get_ll(
				 c, v, "value", 0, DAYS_MAX, &x->value)) != 0)
				return r;
		} else
			x->value = json_is_true(json_object_get(v, "value"));
		x->set = 1;
		get_bool(v, "in_principle", &x->in_principle);
		if ((r = get_text(c, v, "text", &x->text)) != 0 ||
		    (r = get_cite(c, v, 1, &x->cite)) != 0)
			return r;
		pop(c, old);
	}
	return 0;
}

static int
parse_exclusion(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "text", K_OBJ, 1 },
		{ "in_principle", K_BOOL, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_exclusion *e = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &e->id)) != 0 ||
	    (r = get_text(c, o, "text", &e->text)) != 0 ||
	    (r = get_cite(c, o, 1, &e->cite)) != 0)
		return r;
	get_bool(o, "in_principle", &e->in_principle);
	return 0;
}

static int
parse_requirement(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "text", K_OBJ, 1 },
		{ "tiers", K_ARR, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_requirement *q = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &q->id)) != 0 ||
	    (r = get_text(c, o, "text", &q->text)) != 0 ||
	    (r = get_idlist(c, o, "tiers", 1, &q->tiers)) != 0 ||
	    (r = get_cite(c, o, 1, &q->cite)) != 0)
		return r;
	return 0;
}

/* Objects with an id, names and a citation (end reasons, choices). */
static int
parse_named(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_choice *ch = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &ch->id)) != 0 ||
	    (r = get_text(c, o, "names", &ch->names)) != 0 ||
	    (r = get_cite(c, o, 1, &ch->cite)) != 0)
		return r;
	return 0;
}

static int
parse_end_reason(struct ctx *c, json_t *o, void *dst, void *arg)
{
	struct tc_end_reason *e = dst;
	struct tc_choice ch;
	int r;

	memset(&ch, 0, sizeof(ch));
	if ((r = parse_named(c, o, &ch, arg)) != 0)
		return r;
	e->id = ch.id;
	e->names = ch.names;
	e->cite = ch.cite;
	return 0;
}

static int
parse_accepted(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "programme", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "as_tier", K_STR, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_accepted_card *a = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "programme", &a->programme)) != 0 ||
	    (r = get_text(c, o, "names", &a->names)) != 0 ||
	    (r = get_id(c, o, "as_tier", &a->as_tier)) != 0 ||
	    (r = get_cite(c, o, 1, &a->cite)) != 0)
		return r;
	return 0;
}

/* ---- tiers, clauses, steps, routes ---- */

static int
parse_validity(struct ctx *c, json_t *o, struct tc_validity *va)
{
	static const struct tc_json_key keys[] = {
		{ "term", K_STR, 1 },
		{ "default_months", K_INT, 0 },
		{ "max_months", K_INT, 0 },
		{ "extensions", K_INT, 0 },
		{ "extension_months", K_INT, 0 },
		{ "set_at_approval", K_BOOL, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	static const char *const months[] = { "default_months", "max_months",
		"extensions", "extension_months", "set_at_approval" };
	int term = 0, r;
	size_t i;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_enum(c, o, "term", term_names, TC_TERM_FIXED,
		 NELEM(term_names), &term)) != 0 ||
	    (r = get_cite(c, o, 1, &va->cite)) != 0)
		return r;
	va->term = (enum tc_term)term;
	if (va->term == TC_TERM_PRINCIPAL) {
		for (i = 0; i < NELEM(months); i++) {
			if (json_object_get(o, months[i]) != NULL) {
				push_key(c, months[i]);
				return fail(c, TC_ERR_MALFORMED,
				    "not allowed with term 'principal' (the main card's validity applies)");
			}
		}
		return 0;
	}
	for (i = 0; i < 2; i++) {
		if (json_object_get(o, months[i]) == NULL) {
			push_key(c, months[i]);
			return fail(c, TC_ERR_MALFORMED, "missing");
		}
	}
	if ((r = get_int(c, o, "default_months", 1, MONTHS_MAX,
		 &va->default_months)) != 0 ||
	    (r = get_int(c, o, "max_months", 1, MONTHS_MAX, &va->max_months)) !=
		0 ||
	    (r = get_int(c, o, "extensions", 0, 100, &va->extensions)) != 0 ||
	    (r = get_int(c, o, "extension_months", 0, MONTHS_MAX,
		 &va->extension_months)) != 0)
		return r;
	get_bool(o, "set_at_approval", &va->set_at_approval);
	if (va->default_months > va->max_months) {
		push_key(c, "default_months");
		return fail(c, TC_ERR_RANGE, "%d is more than max_months (%d)",
		    va->default_months, va->max_months);
	}
	if ((va->extensions > 0) != (va->extension_months > 0)) {
		push_key(c, "extension_months");
		return fail(c, TC_ERR_RANGE,
		    "must be above 0 exactly when extensions is above 0");
	}
	return 0;
}

static int
parse_category(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "text", K_OBJ, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_category *g = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &g->id)) != 0 ||
	    (r = get_text(c, o, "text", &g->text)) != 0 ||
	    (r = get_cite(c, o, 1, &g->cite)) != 0)
		return r;
	return 0;
}

/* arg: the owning tier (for categories), or NULL for a route. */
static int
parse_clause(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "text", K_OBJ, 1 },
		{ "category", K_STR, 0 },
		{ "proof", K_OBJ, 0 },
		{ "holder_of", K_STR, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	const struct tc_tier *t = arg;
	struct tc_clause *cl = dst;
	char b[40];
	size_t i, old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &cl->id)) != 0 ||
	    (r = get_text(c, o, "text", &cl->text)) != 0 ||
	    (r = get_id(c, o, "category", &cl->category)) != 0 ||
	    (r = get_text(c, o, "proof", &cl->proof)) != 0 ||
	    (r = get_id(c, o, "holder_of", &cl->holder_of)) != 0 ||
	    (r = get_cite(c, o, 1, &cl->cite)) != 0)
		return r;
	old = push_key(c, "id");
	if ((r = seen_add(c, c->seen, cl->id, "clause id")) != 0)
		return r;
	pop(c, old);
	if (cl->category == NULL)
		return 0;
	for (i = 0; t != NULL && i < t->n_categories; i++)
		if (strcmp(t->categories[i].id, cl->category) == 0)
			return 0;
	push_key(c, "category");
	return fail(c, TC_ERR_NOT_FOUND, "no category '%s' in %s",
	    shown(cl->category, b, sizeof(b)),
	    t != NULL ? "this tier" : "a route (routes have none)");
}

static int
parse_step(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "kind", K_STR, 1 },
		{ "role", K_STR, 1 },
		{ "deadline_working_days", K_INT, 0 },
		{ "clock_from", K_STR, 0 },
		{ "notice_working_days", K_INT, 0 },
		{ "may_return", K_BOOL, 0 },
		{ "return_restarts_clock", K_BOOL, 0 },
		{ "decides_tier", K_BOOL, 0 },
		{ "organisation", K_STR, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_step *s = dst;
	enum tc_role role;
	const char *rn;
	char b[40];
	int kind = 0, r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &s->id)) != 0 ||
	    (r = get_text(c, o, "names", &s->names)) != 0 ||
	    (r = get_enum(c, o, "kind", step_kind_names, TC_STEP_REVIEW,
		 NELEM(step_kind_names), &kind)) != 0 ||
	    (r = get_str(c, o, "role", &rn)) != 0 ||
	    (r = get_int(c, o, "deadline_working_days", 0, DAYS_MAX,
		 &s->deadline_days)) != 0 ||
	    (r = get_id(c, o, "clock_from", &s->clock_from)) != 0 ||
	    (r = get_id(c, o, "organisation", &s->organisation)) != 0 ||
	    (r = get_int(c, o, "notice_working_days", 0, DAYS_MAX,
		 &s->notice_days)) != 0 ||
	    (r = get_cite(c, o, 1, &s->cite)) != 0)
		return r;
	s->kind = (enum tc_step_kind)kind;
	if (tc_role_parse(rn, &role) != 0) {
		push_key(c, "role");
		return fail(c, TC_ERR_MALFORMED, "unknown role '%s'",
		    shown(rn, b, sizeof(b)));
	}
	s->role = role;
	if (s->organisation != NULL && role == TC_ROLE_UNIT_REVIEWER) {
		push_key(c, "organisation");
		return fail(c, TC_ERR_MALFORMED,
		    "a unit-reviewer step names no organisation: its unit is the application's, derived from the employer");
	}
	get_bool(o, "may_return", &s->may_return);
	get_bool(o, "return_restarts_clock", &s->return_restarts_clock);
	get_bool(o, "decides_tier", &s->decides_tier);
	if ((s->kind == TC_STEP_NOTICE) != (s->notice_days > 0)) {
		push_key(c, "notice_working_days");
		return fail(c, TC_ERR_RANGE,
		    s->kind == TC_STEP_NOTICE
			? "a notice step needs a notice period above 0"
			: "only a notice step has a notice period");
	}
	if (s->return_restarts_clock && !s->may_return) {
		push_key(c, "return_restarts_clock");
		return fail(c, TC_ERR_MALFORMED, "needs may_return");
	}
	if (s->decides_tier && s->kind != TC_STEP_APPROVE) {
		push_key(c, "decides_tier");
		return fail(c, TC_ERR_MALFORMED,
		    "only an approve step may decide the tier");
	}
	if (s->clock_from != NULL && s->deadline_days == 0) {
		push_key(c, "clock_from");
		return fail(c, TC_ERR_MALFORMED, "needs a deadline");
	}
	return 0;
}

enum {
	STEPS_FIXED_TIER,  /* a tier, or a route without own clauses */
	STEPS_DECIDE_TIER, /* a route whose approve step decides */
};

/*
 * The rules of a step list, checked with the path at the list: one
 * approve, one produce and one issue step; reviews before the approval,
 * production after it, issuance last; clock_from names an earlier step;
 * decides_tier exactly where the tier is decided.
 */
static int
check_steps(struct ctx *c, const struct tc_step *s, size_t n, int mode)
{
	size_t i, j, old, napprove = 0, nproduce = 0, nissue = 0;
	size_t approve = 0, produce = 0;
	char b[40];

	for (i = 0; i < n; i++) {
		switch (s[i].kind) {
		case TC_STEP_APPROVE:
			napprove++;
			approve = i;
			break;
		case TC_STEP_PRODUCE:
			nproduce++;
			produce = i;
			break;
		case TC_STEP_ISSUE:
			nissue++;
			break;
		default:
			break;
		}
	}
	if (napprove != 1 || nproduce != 1 || nissue != 1)
		return fail(c, TC_ERR_MALFORMED,
		    "needs exactly one approve, one produce and one issue step (has %zu, %zu, %zu)",
		    napprove, nproduce, nissue);
	if (s[n - 1].kind != TC_STEP_ISSUE)
		return fail(c, TC_ERR_MALFORMED, "the issue step must be last");
	if (produce < approve)
		return fail(c, TC_ERR_MALFORMED,
		    "the produce step must come after the approve step");
	for (i = 0; i < n; i++) {
		old = push_index(c, i);
		if (s[i].kind == TC_STEP_REVIEW && i > approve)
			return fail(c, TC_ERR_MALFORMED,
			    "a review step must come before the approve step");
		if (s[i].clock_from != NULL) {
			for (j = 0; j < i; j++)
				if (strcmp(s[j].id, s[i].clock_from) == 0)
					break;
			if (j == i) {
				push_key(c, "clock_from");
				return fail(c, TC_ERR_NOT_FOUND,
				    "'%s' is not an earlier step",
				    shown(s[i].clock_from, b, sizeof(b)));
			}
		}
		if (s[i].decides_tier && mode != STEPS_DECIDE_TIER) {
			push_key(c, "decides_tier");
			return fail(c, TC_ERR_MALFORMED,
			    "the tier is fixed here (only a route with its own clauses and several tiers decides it)");
		}
		pop(c, old);
	}
	if (mode == STEPS_DECIDE_TIER && !s[approve].decides_tier)
		return fail(c, TC_ERR_MALFORMED,
		    "the approve step must decide the tier (decides_tier): the route has its own clauses and several tiers");
	return 0;
}

static int
get_steps(struct ctx *c, json_t *o, int mode, struct tc_step **steps, size_t *n)
{
	size_t old;
	int r;

	if ((r = GET_OBJECTS(c, o, "steps", 1, steps, n, parse_step, NULL)) !=
	    0)
		return r;
	old = push_key(c, "steps");
	if ((r = check_steps(c, *steps, *n, mode)) != 0)
		return r;
	pop(c, old);
	return 0;
}

static int
parse_colour(struct ctx *c, const char *s, uint32_t *rgb)
{
	size_t i;
	uint32_t v = 0;

	if (strlen(s) != 7 || s[0] != '#')
		return fail(c, TC_ERR_MALFORMED, "not a colour #RRGGBB");
	for (i = 1; i < 7; i++) {
		char ch = s[i];
		int d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return fail(
			    c, TC_ERR_MALFORMED, "not a colour #RRGGBB");
		v = v << 4 | (uint32_t)d;
	}
	*rgb = v;
	return 0;
}

static int
parse_tier(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "kind", K_STR, 1 },
		{ "rank", K_INT, 0 },
		{ "colour", K_STR, 1 },
		{ "validity", K_OBJ, 1 },
		{ "relation", K_STR, 0 },
		{ "minor_only", K_BOOL, 0 },
		{ "principal_tiers", K_ARR, 0 },
		{ "converts_to", K_ARR, 0 },
		{ "categories", K_ARR, 0 },
		{ "clauses", K_ARR, 1 },
		{ "clauses_complete", K_BOOL, 0 },
		{ "steps", K_ARR, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	static const char *const main_only[] = { "converts_to" };
	static const char *const sub_only[] = { "relation", "minor_only",
		"principal_tiers" };
	struct tc_tier *t = dst;
	int kind = 0, rel = 0, r;
	size_t i, old;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &t->id)) != 0 ||
	    (r = get_text(c, o, "names", &t->names)) != 0 ||
	    (r = get_enum(c, o, "kind", kind_names, TC_TIER_MAIN,
		 NELEM(kind_names), &kind)) != 0 ||
	    (r = get_str(c, o, "colour", &t->colour)) != 0 ||
	    (r = get_cite(c, o, 0, &t->cite)) != 0)
		return r;
	t->kind = (enum tc_tier_kind)kind;
	old = push_key(c, "colour");
	if ((r = parse_colour(c, t->colour, &t->rgb)) != 0)
		return r;
	pop(c, old);
	old = push_key(c, "validity");
	if ((r = parse_validity(
		 c, json_object_get(o, "validity"), &t->validity)) != 0)
		return r;
	pop(c, old);
	if (t->kind == TC_TIER_MAIN) {
		for (i = 0; i < NELEM(sub_only); i++) {
			if (json_object_get(o, sub_only[i]) != NULL) {
				push_key(c, sub_only[i]);
				return fail(c, TC_ERR_MALFORMED,
				    "only for sub-card tiers (kind 'sub')");
			}
		}
		if (json_object_get(o, "rank") == NULL) {
			push_key(c, "rank");
			return fail(c, TC_ERR_MALFORMED,
			    "missing (main tiers have a rank)");
		}
		if ((r = get_int(c, o, "rank", 1, 100, &t->rank)) != 0)
			return r;
		if (t->validity.term == TC_TERM_PRINCIPAL) {
			push_key(c, "validity.term");
			return fail(c, TC_ERR_MALFORMED,
			    "'principal' is only for sub-card tiers");
		}
	} else {
		for (i = 0; i < NELEM(main_only); i++) {
			if (json_object_get(o, main_only[i]) != NULL) {
				push_key(c, main_only[i]);
				return fail(c, TC_ERR_MALFORMED,
				    "only for main tiers (kind 'main')");
			}
		}
		if (json_object_get(o, "rank") != NULL) {
			push_key(c, "rank");
			return fail(c, TC_ERR_MALFORMED,
			    "sub-card tiers have no rank (they follow their main card)");
		}
		if (json_object_get(o, "relation") == NULL) {
			push_key(c, "relation");
			return fail(c, TC_ERR_MALFORMED, "missing");
		}
		if (json_object_get(o, "principal_tiers") == NULL) {
			push_key(c, "principal_tiers");
			return fail(c, TC_ERR_MALFORMED, "missing");
		}
		if ((r = get_enum(c, o, "relation", relation_names,
			 TC_REL_SPOUSE, N_RELATIONS, &rel)) != 0)
			return r;
		t->relation = (enum tc_relation)rel;
		get_bool(o, "minor_only", &t->minor_only);
		if (t->validity.term != TC_TERM_PRINCIPAL) {
			push_key(c, "validity.term");
			return fail(c, TC_ERR_MALFORMED,
			    "a sub-card follows its main card: the term must be 'principal'");
		}
	}
	if ((r = get_idlist(c, o, "principal_tiers", 1, &t->principal_tiers)) !=
		0 ||
	    (r = get_idlist(c, o, "converts_to", 1, &t->converts_to)) != 0 ||
	    (r = GET_OBJECTS(c, o, "categories", 0, &t->categories,
		 &t->n_categories, parse_category, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "clauses", 0, &t->clauses, &t->n_clauses,
		 parse_clause, t)) != 0 ||
	    (r = get_steps(c, o, STEPS_FIXED_TIER, &t->steps, &t->n_steps)) !=
		0)
		return r;
	t->clauses_complete = 1;
	get_bool(o, "clauses_complete", &t->clauses_complete);
	if (t->kind == TC_TIER_MAIN && t->n_clauses == 0 &&
	    t->clauses_complete) {
		push_key(c, "clauses");
		return fail(c, TC_ERR_MALFORMED,
		    "a main tier needs clauses (or clauses_complete false when the source lists none)");
	}
	return 0;
}

static int
parse_route(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "condition", K_OBJ, 1 },
		{ "tiers", K_ARR, 1 },
		{ "clauses", K_ARR, 0 },
		{ "steps", K_ARR, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_route *rt = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &rt->id)) != 0 ||
	    (r = get_text(c, o, "names", &rt->names)) != 0 ||
	    (r = get_text(c, o, "condition", &rt->condition)) != 0 ||
	    (r = get_idlist(c, o, "tiers", 1, &rt->tiers)) != 0 ||
	    (r = GET_OBJECTS(c, o, "clauses", 0, &rt->clauses, &rt->n_clauses,
		 parse_clause, NULL)) != 0 ||
	    (r = get_cite(c, o, 1, &rt->cite)) != 0)
		return r;
	return get_steps(c, o,
	    rt->n_clauses > 0 && rt->tiers.n > 1 ? STEPS_DECIDE_TIER
						 : STEPS_FIXED_TIER,
	    &rt->steps, &rt->n_steps);
}

/* ---- services ---- */

static int
parse_quota(struct ctx *c, json_t *o, struct tc_quota *q)
{
	static const struct tc_json_key keys[] = {
		{ "count", K_INT, 0 },
		{ "period", K_STR, 1 },
		{ NULL, 0, 0 },
	};
	int period = 0, r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_enum(c, o, "period", period_names, TC_PERIOD_UNLIMITED,
		 NELEM(period_names), &period)) != 0)
		return r;
	q->period = (enum tc_period)period;
	if (q->period == TC_PERIOD_UNLIMITED) {
		if (json_object_get(o, "count") != NULL) {
			push_key(c, "count");
			return fail(c, TC_ERR_MALFORMED,
			    "no count with period 'unlimited'");
		}
		return 0;
	}
	if (json_object_get(o, "count") == NULL) {
		push_key(c, "count");
		return fail(c, TC_ERR_MALFORMED, "missing");
	}
	return get_int(c, o, "count", 1, 100000, &q->count);
}

static int
parse_money(struct ctx *c, json_t *o, struct tc_money *m)
{
	static const struct tc_json_key keys[] = {
		{ "cny", K_INT, 1 },
		{ "per", K_STR, 1 },
		{ NULL, 0, 0 },
	};
	int per = 0, r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_ll(c, o, "cny", 0, CNY_MAX, &m->cny)) != 0 ||
	    (r = get_enum(c, o, "per", money_names, TC_MONEY_TOTAL,
		 NELEM(money_names), &per)) != 0)
		return r;
	m->per = (enum tc_money_per)per;
	return 0;
}

static int
parse_place(struct ctx *c, json_t *o, void *dst, void *arg)
{
	return text_ok(c, o, dst);
}

static int parse_service(struct ctx *, json_t *, void *, void *);

/* arg: NULL for a service, the owning service for an option. */
static int
parse_service(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "item", K_STR, 0 },
		{ "names", K_OBJ, 1 },
		{ "text", K_OBJ, 0 },
		{ "tiers", K_ARR, 0 },
		{ "quota", K_OBJ, 0 },
		{ "party_size", K_INT, 0 },
		{ "beneficiaries", K_ARR, 0 },
		{ "channels", K_ARR, 0 },
		{ "lead_minutes", K_INT, 0 },
		{ "duration_minutes", K_INT, 0 },
		{ "term_months", K_INT, 0 },
		{ "completion_working_days", K_INT, 0 },
		{ "money", K_OBJ, 0 },
		{ "places", K_ARR, 0 },
		{ "options", K_ARR, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	const struct tc_service *parent = arg;
	struct tc_service *s = dst;
	json_t *v;
	size_t old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0)
		return r;
	if (parent != NULL &&
	    ((v = json_object_get(o, "item")) != NULL ||
		json_object_get(o, "options") != NULL)) {
		push_key(c, v != NULL ? "item" : "options");
		return fail(c, TC_ERR_MALFORMED, "not allowed in an option");
	}
	if (parent == NULL && json_object_get(o, "tiers") == NULL) {
		push_key(c, "tiers");
		return fail(c, TC_ERR_MALFORMED, "missing");
	}
	s->party_size = 1;
	s->beneficiaries = TC_REL_BIT(TC_REL_HOLDER);
	s->channels = parent != NULL ? parent->channels : c->p->media;
	if ((r = get_id(c, o, "id", &s->id)) != 0 ||
	    (r = get_str(c, o, "item", &s->item)) != 0 ||
	    (r = get_text(c, o, "names", &s->names)) != 0 ||
	    (r = get_text(c, o, "text", &s->text)) != 0 ||
	    (r = get_idlist(c, o, "tiers", 1, &s->tiers)) != 0 ||
	    (r = get_int(c, o, "party_size", 1, 1000, &s->party_size)) != 0 ||
	    (r = get_mask(c, o, "beneficiaries", relation_names, TC_REL_HOLDER,
		 N_RELATIONS, &s->beneficiaries)) != 0 ||
	    (r = get_mask(c, o, "channels", channel_names, 0,
		 NELEM(channel_names), &s->channels)) != 0 ||
	    (r = get_int(c, o, "lead_minutes", 0, MINUTES_MAX,
		 &s->lead_minutes)) != 0 ||
	    (r = get_int(c, o, "duration_minutes", 0, MINUTES_MAX,
		 &s->duration_minutes)) != 0 ||
	    (r = get_int(
		 c, o, "term_months", 0, MONTHS_MAX, &s->term_months)) != 0 ||
	    (r = get_int(c, o, "completion_working_days", 0, DAYS_MAX,
		 &s->completion_days)) != 0 ||
	    (r = GET_LIST(c, o, "places", 1, &s->places, &s->n_places,
		 parse_place, NULL)) != 0 ||
	    (r = get_cite(c, o, 1, &s->cite)) != 0)
		return r;
	/* An option without tiers covers its service's: copy the list. */
	if (parent != NULL && s->tiers.n == 0 && parent->tiers.n > 0) {
		s->tiers.v = calloc(parent->tiers.n, sizeof(*s->tiers.v));
		if (s->tiers.v == NULL)
			return TC_ERR_NOMEM;
		memcpy(s->tiers.v, parent->tiers.v,
		    parent->tiers.n * sizeof(*s->tiers.v));
		s->tiers.n = parent->tiers.n;
	}
	if ((v = json_object_get(o, "quota")) != NULL) {
		old = push_key(c, "quota");
		if ((r = parse_quota(c, v, &s->quota)) != 0)
			return r;
		pop(c, old);
	}
	if ((v = json_object_get(o, "money")) != NULL) {
		old = push_key(c, "money");
		if ((r = parse_money(c, v, &s->money)) != 0)
			return r;
		pop(c, old);
	}
	if (parent == NULL &&
	    (r = GET_OBJECTS(c, o, "options", 1, &s->options, &s->n_options,
		 parse_service, s)) != 0)
		return r;
	return 0;
}

static int
parse_group(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "services", K_ARR, 1 },
		{ "period", K_STR, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_exclusive_group *g = dst;
	int period = 0, r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &g->id)) != 0 ||
	    (r = get_text(c, o, "names", &g->names)) != 0 ||
	    (r = get_idlist(c, o, "services", 2, &g->services)) != 0 ||
	    (r = get_enum(c, o, "period", period_names, TC_PERIOD_MONTH,
		 NELEM(period_names), &period)) != 0 ||
	    (r = get_cite(c, o, 1, &g->cite)) != 0)
		return r;
	g->period = (enum tc_period)period;
	return 0;
}

/* ---- the application form ---- */

static int
parse_field(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "type", K_STR, 1 },
		{ "required", K_BOOL, 1 },
		{ "editable", K_BOOL, 0 },
		{ "from_login", K_BOOL, 0 },
		{ "derived_from", K_STR, 0 },
		{ "max_chars", K_INT, 0 },
		{ "width_px", K_INT, 0 },
		{ "height_px", K_INT, 0 },
		{ "max_bytes", K_INT, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	static const char *const photo_only[] = { "width_px", "height_px",
		"max_bytes" };
	struct tc_field *f = dst;
	int type = 0, r;
	size_t i;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &f->id)) != 0 ||
	    (r = get_text(c, o, "names", &f->names)) != 0 ||
	    (r = get_enum(c, o, "type", field_names, TC_FIELD_TEXT,
		 NELEM(field_names), &type)) != 0 ||
	    (r = get_str(c, o, "derived_from", &f->derived_from)) != 0 ||
	    (r = get_int(c, o, "max_chars", 0, 1000000, &f->max_chars)) != 0 ||
	    (r = get_int(c, o, "width_px", 0, 100000, &f->width_px)) != 0 ||
	    (r = get_int(c, o, "height_px", 0, 100000, &f->height_px)) != 0 ||
	    (r = get_ll(c, o, "max_bytes", 0, 1LL << 40, &f->max_bytes)) != 0 ||
	    (r = get_cite(c, o, 1, &f->cite)) != 0)
		return r;
	f->type = (enum tc_field_type)type;
	get_bool(o, "required", &f->required);
	f->editable = 1;
	get_bool(o, "editable", &f->editable);
	get_bool(o, "from_login", &f->from_login);
	if (f->type != TC_FIELD_PHOTO) {
		for (i = 0; i < NELEM(photo_only); i++) {
			if (json_object_get(o, photo_only[i]) != NULL) {
				push_key(c, photo_only[i]);
				return fail(c, TC_ERR_MALFORMED,
				    "only for photo fields");
			}
		}
	}
	return 0;
}

static int
parse_section(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "required", K_BOOL, 1 },
		{ "repeating", K_BOOL, 0 },
		{ "min_entries", K_INT, 0 },
		{ "max_entries", K_INT, 0 },
		{ "fields", K_ARR, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_section *s = dst;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &s->id)) != 0 ||
	    (r = get_text(c, o, "names", &s->names)) != 0 ||
	    (r = get_int(c, o, "min_entries", 0, 1000, &s->min_entries)) != 0 ||
	    (r = get_int(c, o, "max_entries", 0, 1000, &s->max_entries)) != 0 ||
	    (r = GET_OBJECTS(c, o, "fields", 1, &s->fields, &s->n_fields,
		 parse_field, NULL)) != 0 ||
	    (r = get_cite(c, o, 1, &s->cite)) != 0)
		return r;
	get_bool(o, "required", &s->required);
	get_bool(o, "repeating", &s->repeating);
	if (!s->repeating &&
	    (json_object_get(o, "min_entries") != NULL ||
		json_object_get(o, "max_entries") != NULL)) {
		push_key(c,
		    json_object_get(o, "min_entries") != NULL ? "min_entries"
							      : "max_entries");
		return fail(c, TC_ERR_MALFORMED, "only for repeating sections");
	}
	if (s->max_entries > 0 && s->min_entries > s->max_entries) {
		push_key(c, "min_entries");
		return fail(c, TC_ERR_RANGE, "%d is more than max_entries (%d)",
		    s->min_entries, s->max_entries);
	}
	return 0;
}

static int
parse_material(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "required", K_BOOL, 1 },
		{ "purpose", K_STR, 0 },
		{ "tiers", K_ARR, 0 },
		{ "work_types", K_ARR, 0 },
		{ "id_types", K_ARR, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	struct tc_material *m = dst;
	int purpose = TC_PURPOSE_APPLY, r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "id", &m->id)) != 0 ||
	    (r = get_text(c, o, "names", &m->names)) != 0 ||
	    (r = get_enum(c, o, "purpose", purpose_names, TC_PURPOSE_APPLY,
		 NELEM(purpose_names), &purpose)) != 0 ||
	    (r = get_idlist(c, o, "tiers", 1, &m->tiers)) != 0 ||
	    (r = get_idlist(c, o, "work_types", 1, &m->work_types)) != 0 ||
	    (r = get_idlist(c, o, "id_types", 1, &m->id_types)) != 0 ||
	    (r = get_cite(c, o, 1, &m->cite)) != 0)
		return r;
	m->purpose = (enum tc_purpose)purpose;
	get_bool(o, "required", &m->required);
	return 0;
}

static int
parse_pledge(struct ctx *c, json_t *o, struct tc_pledge *pl)
{
	static const struct tc_json_key keys[] = {
		{ "required", K_BOOL, 1 },
		{ "read_seconds", K_INT, 0 },
		{ "text", K_OBJ, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_int(c, o, "read_seconds", 0, 3600, &pl->read_seconds)) !=
		0 ||
	    (r = get_text(c, o, "text", &pl->text)) != 0 ||
	    (r = get_cite(c, o, 1, &pl->cite)) != 0)
		return r;
	get_bool(o, "required", &pl->required);
	return 0;
}

static int
parse_application(struct ctx *c, json_t *o, struct tc_application *a)
{
	static const struct tc_json_key keys[] = {
		{ "sections", K_ARR, 1 },
		{ "work_types", K_ARR, 0 },
		{ "id_types", K_ARR, 0 },
		{ "materials", K_ARR, 1 },
		{ "upload_formats", K_ARR, 0 },
		{ "pledge", K_OBJ, 0 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	json_t *v;
	size_t old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = GET_OBJECTS(c, o, "sections", 1, &a->sections, &a->n_sections,
		 parse_section, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "work_types", 0, &a->work_types,
		 &a->n_work_types, parse_named, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "id_types", 0, &a->id_types, &a->n_id_types,
		 parse_named, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "materials", 1, &a->materials,
		 &a->n_materials, parse_material, NULL)) != 0 ||
	    (r = get_idlist(c, o, "upload_formats", 1, &a->upload_formats)) !=
		0 ||
	    (r = get_cite(c, o, 1, &a->cite)) != 0)
		return r;
	if ((v = json_object_get(o, "pledge")) != NULL) {
		old = push_key(c, "pledge");
		if ((r = parse_pledge(c, v, &a->pledge)) != 0)
			return r;
		pop(c, old);
	}
	return 0;
}

/* ---- cross-references ---- */

static const struct tc_tier *
find_tier(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_tiers; i++)
		if (strcmp(p->tiers[i].id, id) == 0)
			return &p->tiers[i];
	return NULL;
}

/*
 * Checks that every id of l names a tier (a main tier when main_only).
 * The path is at the list.
 */
static int
check_tier_refs(struct ctx *c, const struct tc_idlist *l, int main_only)
{
	const struct tc_tier *t;
	size_t i;
	char b[40];

	for (i = 0; i < l->n; i++) {
		t = find_tier(c->p, l->v[i]);
		if (t == NULL || (main_only && t->kind != TC_TIER_MAIN)) {
			push_index(c, i);
			if (t == NULL)
				return fail(c, TC_ERR_NOT_FOUND, "no tier '%s'",
				    shown(l->v[i], b, sizeof(b)));
			return fail(c, TC_ERR_MALFORMED,
			    "'%s' is a sub-card tier; a main tier is needed",
			    shown(l->v[i], b, sizeof(b)));
		}
	}
	return 0;
}

static int
check_choice_refs(struct ctx *c, const struct tc_idlist *l,
    const struct tc_choice *v, size_t n, const char *what)
{
	size_t i, j;
	char b[40];

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(v[j].id, l->v[i]) == 0)
				break;
		if (j == n) {
			push_index(c, i);
			return fail(c, TC_ERR_NOT_FOUND, "no %s '%s'", what,
			    shown(l->v[i], b, sizeof(b)));
		}
	}
	return 0;
}

/* The path is at services[i] or services[i].options[j]. */
static int
check_service(
    struct ctx *c, const struct tc_service *s, const struct tc_service *parent)
{
	size_t i, old;
	char b[40];
	int r;

	old = push_key(c, "tiers");
	if ((r = check_tier_refs(c, &s->tiers, 0)) != 0)
		return r;
	for (i = 0; parent != NULL && i < s->tiers.n; i++) {
		if (!tc_idlist_has(&parent->tiers, s->tiers.v[i])) {
			push_index(c, i);
			return fail(c, TC_ERR_MALFORMED,
			    "'%s' is not a tier of the service",
			    shown(s->tiers.v[i], b, sizeof(b)));
		}
	}
	pop(c, old);
	if ((s->channels &
		~(parent != NULL ? parent->channels : c->p->media)) != 0) {
		push_key(c, "channels");
		return fail(c, TC_ERR_MALFORMED,
		    parent != NULL ? "not within the service's channels"
				   : "not within the programme's media");
	}
	for (i = 0; i < s->n_options; i++) {
		old = push_key(c, "options");
		push_index(c, i);
		if ((r = check_service(c, &s->options[i], s)) != 0)
			return r;
		pop(c, old);
	}
	return 0;
}

/* derived_from is "section.field" of the same form. */
static int
check_derived(struct ctx *c, const struct tc_application *a, const char *ref)
{
	const char *dot = strchr(ref, '.');
	size_t i, j, n;

	if (dot != NULL) {
		n = (size_t)(dot - ref);
		for (i = 0; i < a->n_sections; i++) {
			const struct tc_section *s = &a->sections[i];

			if (strlen(s->id) != n || strncmp(s->id, ref, n) != 0)
				continue;
			for (j = 0; j < s->n_fields; j++)
				if (strcmp(s->fields[j].id, dot + 1) == 0)
					return 0;
		}
	}
	return fail(c, TC_ERR_NOT_FOUND, "names no field (section.field)");
}

static int
cross_check(struct ctx *c)
{
	const struct tc_programme *p = c->p;
	const struct tc_application *a = &p->application;
	size_t i, j, old, old2;
	json_t *ranks;
	char b[40], rk[16];
	int r;

	for (i = 0; i < p->n_requirements; i++) {
		old = push_key(c, "requirements");
		push_index(c, i);
		push_key(c, "tiers");
		if ((r = check_tier_refs(c, &p->requirements[i].tiers, 0)) != 0)
			return r;
		pop(c, old);
	}
	for (i = 0; i < p->n_accepted_cards; i++) {
		if (find_tier(p, p->accepted_cards[i].as_tier) == NULL) {
			push_key(c, "accepted_cards");
			push_index(c, i);
			push_key(c, "as_tier");
			return fail(c, TC_ERR_NOT_FOUND, "no tier '%s'",
			    shown(p->accepted_cards[i].as_tier, b, sizeof(b)));
		}
	}
	if ((ranks = json_object()) == NULL)
		return TC_ERR_NOMEM;
	for (i = 0; i < p->n_tiers; i++) {
		const struct tc_tier *t = &p->tiers[i];

		old = push_key(c, "tiers");
		push_index(c, i);
		old2 = push_key(c, "principal_tiers");
		if ((r = check_tier_refs(c, &t->principal_tiers, 1)) != 0)
			goto out;
		pop(c, old2);
		push_key(c, "converts_to");
		if ((r = check_tier_refs(c, &t->converts_to, 1)) != 0)
			goto out;
		for (j = 0; j < t->converts_to.n; j++) {
			if (strcmp(t->converts_to.v[j], t->id) == 0) {
				push_index(c, j);
				r = fail(c, TC_ERR_MALFORMED,
				    "a tier cannot convert to itself");
				goto out;
			}
		}
		pop(c, old2);
		if (t->kind == TC_TIER_MAIN) {
			push_key(c, "rank");
			snprintf(rk, sizeof(rk), "%d", t->rank);
			if ((r = seen_add(c, ranks, rk, "rank")) != 0)
				goto out;
		}
		pop(c, old);
	}
	for (i = 0; i < p->n_routes; i++) {
		old = push_key(c, "routes");
		push_index(c, i);
		push_key(c, "tiers");
		if ((r = check_tier_refs(c, &p->routes[i].tiers, 1)) != 0)
			goto out;
		pop(c, old);
	}
	for (i = 0; i < p->n_services; i++) {
		old = push_key(c, "services");
		push_index(c, i);
		if ((r = check_service(c, &p->services[i], NULL)) != 0)
			goto out;
		pop(c, old);
	}
	for (i = 0; i < p->n_exclusive_groups; i++) {
		const struct tc_idlist *l = &p->exclusive_groups[i].services;

		for (j = 0; j < l->n; j++) {
			if (tc_programme_service(p, l->v[j]) == NULL) {
				push_key(c, "exclusive_groups");
				push_index(c, i);
				push_key(c, "services");
				push_index(c, j);
				r = fail(c, TC_ERR_NOT_FOUND, "no service '%s'",
				    shown(l->v[j], b, sizeof(b)));
				goto out;
			}
		}
	}
	for (i = 0; i < a->n_materials; i++) {
		const struct tc_material *m = &a->materials[i];

		old = push_key(c, "application.materials");
		push_index(c, i);
		old2 = push_key(c, "tiers");
		if ((r = check_tier_refs(c, &m->tiers, 0)) != 0)
			goto out;
		pop(c, old2);
		push_key(c, "work_types");
		if ((r = check_choice_refs(c, &m->work_types, a->work_types,
			 a->n_work_types, "work type")) != 0)
			goto out;
		pop(c, old2);
		push_key(c, "id_types");
		if ((r = check_choice_refs(c, &m->id_types, a->id_types,
			 a->n_id_types, "ID type")) != 0)
			goto out;
		pop(c, old);
	}
	for (i = 0; i < a->n_sections; i++) {
		for (j = 0; j < a->sections[i].n_fields; j++) {
			const struct tc_field *f = &a->sections[i].fields[j];

			if (f->derived_from == NULL)
				continue;
			old = push_key(c, "application.sections");
			push_index(c, i);
			push_key(c, "fields");
			push_index(c, j);
			push_key(c, "derived_from");
			if ((r = check_derived(c, a, f->derived_from)) != 0)
				goto out;
			pop(c, old);
		}
	}
	r = 0;
out:
	json_decref(ranks);
	return r;
}

/* ---- the card face ---- */

/*
 * A box [x, y, width, height] in millimetres that lies on the card: a
 * layout that prints off the card is refused here, not at the printer.
 */
static int
parse_box(struct ctx *c, json_t *o, const char *key, struct tc_face_box *b)
{
	json_t *a = json_object_get(o, key);
	double v[4];
	size_t i, old;

	old = push_key(c, key);
	if (json_array_size(a) != 4)
		return fail(c, TC_ERR_MALFORMED,
		    "must be [x, y, width, height] in millimetres");
	for (i = 0; i < 4; i++) {
		if (!json_is_number(json_array_get(a, i)))
			return fail(c, TC_ERR_MALFORMED,
			    "must be [x, y, width, height] in millimetres");
		v[i] = json_number_value(json_array_get(a, i));
	}
	if (!(v[2] > 0) || !(v[3] > 0))
		return fail(c, TC_ERR_RANGE,
		    "the width and height must be more than 0");
	if (!(v[0] >= 0) || !(v[1] >= 0) ||
	    v[0] + v[2] > TC_FACE_CARD_W_MM + 1e-9 ||
	    v[1] + v[3] > TC_FACE_CARD_H_MM + 1e-9)
		return fail(c, TC_ERR_RANGE,
		    "the box [%.2f, %.2f, %.2f, %.2f] runs outside the card (%.2f x %.2f mm)",
		    v[0], v[1], v[2], v[3], TC_FACE_CARD_W_MM,
		    TC_FACE_CARD_H_MM);
	b->x = v[0];
	b->y = v[1];
	b->w = v[2];
	b->h = v[3];
	pop(c, old);
	return 0;
}

/* Font sizes [min, max] in points. */
static int
parse_pt(struct ctx *c, json_t *o, struct tc_face_text *t)
{
	json_t *a = json_object_get(o, "pt");
	double v[2];
	size_t i, old;

	old = push_key(c, "pt");
	if (json_array_size(a) != 2)
		return fail(c, TC_ERR_MALFORMED,
		    "must be [smallest, largest] font size in points");
	for (i = 0; i < 2; i++) {
		if (!json_is_number(json_array_get(a, i)))
			return fail(c, TC_ERR_MALFORMED,
			    "must be [smallest, largest] font size in points");
		v[i] = json_number_value(json_array_get(a, i));
		if (!(v[i] >= TC_FACE_PT_MIN && v[i] <= TC_FACE_PT_MAX))
			return fail(c, TC_ERR_RANGE,
			    "font sizes must be from %g to %g points",
			    TC_FACE_PT_MIN, TC_FACE_PT_MAX);
	}
	if (v[0] > v[1])
		return fail(c, TC_ERR_RANGE,
		    "the smallest size %g is larger than the largest %g", v[0],
		    v[1]);
	t->min_pt = v[0];
	t->max_pt = v[1];
	pop(c, old);
	return 0;
}

/* A text element {"box", "pt"} (and "text" for the verify line). */
static int
parse_face_text(struct ctx *c, json_t *parent, const char *key, int required,
    struct tc_face_text *t, struct tc_text *text)
{
	static const struct tc_json_key keys[] = {
		{ "box", K_ARR, 1 },
		{ "pt", K_ARR, 1 },
		{ NULL, 0, 0 },
	};
	static const struct tc_json_key tkeys[] = {
		{ "box", K_ARR, 1 },
		{ "pt", K_ARR, 1 },
		{ "text", K_OBJ, 1 },
		{ NULL, 0, 0 },
	};
	json_t *o = json_object_get(parent, key);
	size_t old;
	int r;

	if (o == NULL) {
		if (!required)
			return 0;
		push_key(c, key);
		return fail(c, TC_ERR_MALFORMED, "missing");
	}
	old = push_key(c, key);
	if ((r = check_keys(c, o, text != NULL ? tkeys : keys)) != 0 ||
	    (r = parse_box(c, o, "box", &t->box)) != 0 ||
	    (r = parse_pt(c, o, t)) != 0 ||
	    (text != NULL && (r = get_text(c, o, "text", text)) != 0))
		return r;
	t->set = 1;
	pop(c, old);
	return 0;
}

/* A box element {"box"}. */
static int
parse_face_box(
    struct ctx *c, json_t *parent, const char *key, struct tc_face_box *b)
{
	static const struct tc_json_key keys[] = {
		{ "box", K_ARR, 1 },
		{ NULL, 0, 0 },
	};
	json_t *o = json_object_get(parent, key);
	size_t old;
	int r;

	old = push_key(c, key);
	if (o == NULL)
		return fail(c, TC_ERR_MALFORMED, "missing");
	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = parse_box(c, o, "box", b)) != 0)
		return r;
	pop(c, old);
	return 0;
}

/* A colour key; *rgb keeps its value when the key is absent. */
static int
get_colour(struct ctx *c, json_t *o, const char *key, uint32_t *rgb)
{
	const char *s;
	size_t old;
	int r;

	if ((r = get_str(c, o, key, &s)) != 0 || s == NULL)
		return r;
	old = push_key(c, key);
	if ((r = parse_colour(c, s, rgb)) != 0)
		return r;
	pop(c, old);
	return 0;
}

/* Black or white text, whichever stands out more on rgb (WCAG luminance). */
static uint32_t
contrast_text(uint32_t rgb)
{
	double ch[3], l;
	int i;

	for (i = 0; i < 3; i++) {
		ch[i] = (double)(rgb >> (16 - 8 * i) & 0xff) / 255.0;
		ch[i] = ch[i] <= 0.04045 ? ch[i] / 12.92
					 : pow((ch[i] + 0.055) / 1.055, 2.4);
	}
	l = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
	/* Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05). */
	return (l + 0.05) * (l + 0.05) > 0.05 * 1.05 ? 0x1a1a1a : 0xffffff;
}

static int
parse_face_tier(struct ctx *c, json_t *o, void *dst, void *arg)
{
	static const struct tc_json_key keys[] = {
		{ "tier", K_STR, 1 },
		{ "label", K_OBJ, 1 },
		{ "colour", K_STR, 0 },
		{ "text", K_STR, 0 },
		{ NULL, 0, 0 },
	};
	struct tc_face_tier *ft = dst;
	const struct tc_tier *t;
	char b[40];
	size_t old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_id(c, o, "tier", &ft->tier)) != 0 ||
	    (r = get_text(c, o, "label", &ft->label)) != 0)
		return r;
	if ((t = find_tier(c->p, ft->tier)) == NULL) {
		push_key(c, "tier");
		return fail(c, TC_ERR_NOT_FOUND, "no tier '%s'",
		    shown(ft->tier, b, sizeof(b)));
	}
	ft->rgb = t->rgb;
	if ((r = get_colour(c, o, "colour", &ft->rgb)) != 0)
		return r;
	ft->text_rgb = contrast_text(ft->rgb);
	if ((r = get_colour(c, o, "text", &ft->text_rgb)) != 0)
		return r;
	old = push_key(c, "tier");
	if ((r = seen_add(c, arg, ft->tier, "tier")) != 0)
		return r;
	pop(c, old);
	return 0;
}

/* "section.field" of a section that does not repeat, not an ID number. */
static int
detail_field(struct ctx *c, const char *ref, struct tc_face_detail *d)
{
	const struct tc_application *a = &c->p->application;
	const char *dot = strchr(ref, '.');
	const struct tc_section *s;
	size_t i, j, n;
	char b[40];

	n = dot != NULL ? (size_t)(dot - ref) : 0;
	for (i = 0; dot != NULL && i < a->n_sections; i++) {
		s = &a->sections[i];
		if (strlen(s->id) != n || strncmp(s->id, ref, n) != 0)
			continue;
		for (j = 0; j < s->n_fields; j++) {
			if (strcmp(s->fields[j].id, dot + 1) != 0)
				continue;
			if (s->repeating)
				return fail(c, TC_ERR_MALFORMED,
				    "'%s' is in a repeating section",
				    shown(ref, b, sizeof(b)));
			if (s->fields[j].type != TC_FIELD_TEXT &&
			    s->fields[j].type != TC_FIELD_DATE &&
			    s->fields[j].type != TC_FIELD_CHOICE &&
			    s->fields[j].type != TC_FIELD_ADDRESS)
				return fail(c, TC_ERR_MALFORMED,
				    "'%s' is not a text, date, choice or address field",
				    shown(ref, b, sizeof(b)));
			d->section = s->id;
			d->field = &s->fields[j];
			return 0;
		}
	}
	return fail(c, TC_ERR_NOT_FOUND,
	    "'%s' names no field of the application (section.field)",
	    shown(ref, b, sizeof(b)));
}

/* "front.details": a text element with "lines" of field names. */
static int
parse_face_details(struct ctx *c, json_t *fr, struct tc_face *f)
{
	static const struct tc_json_key keys[] = {
		{ "box", K_ARR, 1 },
		{ "pt", K_ARR, 1 },
		{ "lines", K_ARR, 1 },
		{ NULL, 0, 0 },
	};
	json_t *o = json_object_get(fr, "details"), *lines, *line, *v;
	size_t i, j, old, old2, old3, old4;
	int r;

	if (o == NULL)
		return 0;
	old = push_key(c, "details");
	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = parse_box(c, o, "box", &f->details.box)) != 0 ||
	    (r = parse_pt(c, o, &f->details)) != 0)
		return r;
	lines = json_object_get(o, "lines");
	old2 = push_key(c, "lines");
	if (json_array_size(lines) == 0)
		return fail(c, TC_ERR_MALFORMED, "must not be empty");
	json_array_foreach(lines, i, line)
	{
		old3 = push_index(c, i);
		if (json_array_size(line) == 0 ||
		    json_array_size(line) > TC_FACE_DETAIL_PER_LINE)
			return fail(c, TC_ERR_MALFORMED,
			    "must be a list of 1 to %d field names",
			    TC_FACE_DETAIL_PER_LINE);
		json_array_foreach(line, j, v)
		{
			old4 = push_index(c, j);
			if (f->n_details == TC_FACE_DETAILS_MAX)
				return fail(c, TC_ERR_RANGE,
				    "more than %d fields", TC_FACE_DETAILS_MAX);
			if (!json_is_string(v))
				return fail(
				    c, TC_ERR_MALFORMED, "must be a string");
			if ((r = detail_field(c, json_string_value(v),
				 &f->detail[f->n_details])) != 0)
				return r;
			f->detail[f->n_details++].line = (int)i;
			pop(c, old4);
		}
		pop(c, old3);
	}
	pop(c, old2);
	f->details.set = 1;
	pop(c, old);
	return 0;
}

static int
parse_face(struct ctx *c, json_t *o, struct tc_face *f)
{
	static const struct tc_json_key keys[] = {
		{ "ink", K_STR, 0 },
		{ "paper", K_STR, 0 },
		{ "band", K_NUM, 0 },
		{ "chip", K_STR, 0 },
		{ "tiers", K_ARR, 1 },
		{ "front", K_OBJ, 1 },
		{ "back", K_OBJ, 1 },
		CITE_KEYS,
		{ NULL, 0, 0 },
	};
	static const struct tc_json_key front_keys[] = {
		{ "title", K_OBJ, 1 },
		{ "label", K_OBJ, 1 },
		{ "photo", K_OBJ, 1 },
		{ "name", K_OBJ, 1 },
		{ "card_no", K_OBJ, 1 },
		{ "id", K_OBJ, 1 },
		{ "validity", K_OBJ, 1 },
		{ "sub", K_OBJ, 0 },
		{ "details", K_OBJ, 0 },
		{ NULL, 0, 0 },
	};
	static const struct tc_json_key back_keys[] = {
		{ "qr", K_OBJ, 1 },
		{ "verify", K_OBJ, 1 },
		{ "authority", K_OBJ, 0 },
		{ NULL, 0, 0 },
	};
	static const char *const chip_names[] = { "contact", "contactless",
		"none" };
	json_t *fr, *bk, *seen;
	size_t i, old, old2;
	int r, subs = 0, chip = TC_FACE_CHIP_CONTACT;
	char b[40];

	if (o == NULL)
		return 0;
	old = push_key(c, "face");
	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_cite(c, o, 0, &f->cite)) != 0 ||
	    (r = get_enum(
		 c, o, "chip", chip_names, 0, NELEM(chip_names), &chip)) != 0)
		return r;
	f->chip = (enum tc_face_chip)chip;
	f->ink_rgb = 0x1a1a1a;
	f->paper_rgb = 0xffffff;
	if ((r = get_colour(c, o, "ink", &f->ink_rgb)) != 0 ||
	    (r = get_colour(c, o, "paper", &f->paper_rgb)) != 0)
		return r;
	if (json_object_get(o, "band") != NULL) {
		f->band_mm = json_number_value(json_object_get(o, "band"));
		if (!(f->band_mm >= 0 && f->band_mm <= TC_FACE_CARD_H_MM / 2)) {
			push_key(c, "band");
			return fail(c, TC_ERR_RANGE,
			    "must be from 0 to %.2f millimetres",
			    TC_FACE_CARD_H_MM / 2);
		}
	}
	if ((seen = json_object()) == NULL)
		return TC_ERR_NOMEM;
	r = GET_LIST(
	    c, o, "tiers", 1, &f->tiers, &f->n_tiers, parse_face_tier, seen);
	json_decref(seen);
	if (r != 0)
		return r;
	for (i = 0; i < c->p->n_tiers; i++) {
		subs |= c->p->tiers[i].kind == TC_TIER_SUB;
		if (tc_face_tier_find(f, c->p->tiers[i].id) == NULL) {
			push_key(c, "tiers");
			return fail(c, TC_ERR_MALFORMED,
			    "no entry for tier '%s'",
			    shown(c->p->tiers[i].id, b, sizeof(b)));
		}
	}
	fr = json_object_get(o, "front");
	old2 = push_key(c, "front");
	if ((r = check_keys(c, fr, front_keys)) != 0 ||
	    (r = parse_face_text(c, fr, "title", 1, &f->title, NULL)) != 0 ||
	    (r = parse_face_text(c, fr, "label", 1, &f->label, NULL)) != 0 ||
	    (r = parse_face_box(c, fr, "photo", &f->photo)) != 0 ||
	    (r = parse_face_text(c, fr, "name", 1, &f->name, NULL)) != 0 ||
	    (r = parse_face_text(c, fr, "card_no", 1, &f->card_no, NULL)) !=
		0 ||
	    (r = parse_face_text(c, fr, "id", 1, &f->id, NULL)) != 0 ||
	    (r = parse_face_text(c, fr, "validity", 1, &f->validity, NULL)) !=
		0 ||
	    (r = parse_face_text(c, fr, "sub", subs, &f->sub, NULL)) != 0 ||
	    (r = parse_face_details(c, fr, f)) != 0)
		return r;
	if (f->sub.set && !subs) {
		push_key(c, "sub");
		return fail(c, TC_ERR_MALFORMED,
		    "only for programmes with sub-card tiers");
	}
	pop(c, old2);
	bk = json_object_get(o, "back");
	old2 = push_key(c, "back");
	if ((r = check_keys(c, bk, back_keys)) != 0 ||
	    (r = parse_face_box(c, bk, "qr", &f->qr)) != 0 ||
	    (r = parse_face_text(
		 c, bk, "verify", 1, &f->verify, &f->verify_text)) != 0 ||
	    (r = parse_face_text(c, bk, "authority", 0, &f->authority, NULL)) !=
		0)
		return r;
	if ((f->qr.w < f->qr.h ? f->qr.w : f->qr.h) < TC_FACE_QR_MIN_MM) {
		push_key(c, "qr.box");
		return fail(c, TC_ERR_RANGE,
		    "the QR code needs at least %g mm on the shorter side",
		    TC_FACE_QR_MIN_MM);
	}
	pop(c, old2);
	f->set = 1;
	pop(c, old);
	return 0;
}

const struct tc_face_tier *
tc_face_tier_find(const struct tc_face *f, const char *id)
{
	size_t i;

	for (i = 0; f != NULL && id != NULL && i < f->n_tiers; i++)
		if (f->tiers[i].tier != NULL &&
		    strcmp(f->tiers[i].tier, id) == 0)
			return &f->tiers[i];
	return NULL;
}

/* ---- the programme ---- */

static int
parse_region(struct ctx *c, const char *s, char region[7])
{
	size_t i;

	if (strlen(s) != 6)
		return fail(c, TC_ERR_MALFORMED, "not a 6-digit region code");
	for (i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return fail(
			    c, TC_ERR_MALFORMED, "not a 6-digit region code");
	if (!tc_province_valid((s[0] - '0') * 10 + (s[1] - '0')))
		return fail(c, TC_ERR_RANGE,
		    "does not begin with a mainland province code of GB/T 2260");
	memcpy(region, s, 7);
	return 0;
}

static int
parse_root(struct ctx *c, json_t *o)
{
	static const struct tc_json_key keys[] = {
		{ "format", K_STR, 1 },
		{ "id", K_STR, 1 },
		{ "names", K_OBJ, 1 },
		{ "authority", K_OBJ, 1 },
		{ "code", K_INT, 1 },
		{ "region", K_STR, 1 },
		{ "alg", K_STR, 1 },
		{ "media", K_ARR, 1 },
		{ "sources", K_ARR, 1 },
		{ "guards", K_OBJ, 1 },
		{ "excluded_employers", K_ARR, 0 },
		{ "requirements", K_ARR, 0 },
		{ "end_reasons", K_ARR, 0 },
		{ "accepted_cards", K_ARR, 0 },
		{ "tiers", K_ARR, 1 },
		{ "routes", K_ARR, 0 },
		{ "services", K_ARR, 0 },
		{ "exclusive_groups", K_ARR, 0 },
		{ "application", K_OBJ, 1 },
		{ "face", K_OBJ, 0 },
		{ "note", K_STR, 0 },
		{ NULL, 0, 0 },
	};
	struct tc_programme *p = c->p;
	const char *s;
	char b[40];
	size_t old;
	int r;

	if ((r = check_keys(c, o, keys)) != 0 ||
	    (r = get_str(c, o, "format", &s)) != 0)
		return r;
	if (strcmp(s, TC_PROGRAMME_FORMAT) != 0) {
		push_key(c, "format");
		return fail(c, TC_ERR_UNSUPPORTED,
		    "unsupported format '%s' (this program reads %s)",
		    shown(s, b, sizeof(b)), TC_PROGRAMME_FORMAT);
	}
	if ((r = get_id(c, o, "id", &p->id)) != 0 ||
	    (r = get_text(c, o, "names", &p->names)) != 0 ||
	    (r = get_text(c, o, "authority", &p->authority)) != 0 ||
	    (r = get_str(c, o, "note", &p->note)) != 0 ||
	    (r = get_str(c, o, "region", &s)) != 0)
		return r;
	old = push_key(c, "region");
	if ((r = parse_region(c, s, p->region)) != 0)
		return r;
	pop(c, old);
	if ((r = get_int(c, o, "code", 1, TC_PROGRAMME_CODE_MAX, &p->code)) !=
	    0)
		return r;
	if ((r = get_str(c, o, "alg", &s)) != 0)
		return r;
	if (strcmp(s, "ES256") == 0)
		p->alg = TC_COSE_ALG_ES256;
	else if (strcmp(s, "SM2") == 0)
		p->alg = TC_COSE_ALG_SM2_SM3;
	else {
		push_key(c, "alg");
		return fail(c, TC_ERR_UNSUPPORTED_ALG,
		    "unknown algorithm '%s' (ES256 or SM2)",
		    shown(s, b, sizeof(b)));
	}
	if ((r = get_mask(c, o, "media", channel_names, 0, NELEM(channel_names),
		 &p->media)) != 0 ||
	    (r = GET_OBJECTS(c, o, "sources", 1, &p->sources, &p->n_sources,
		 parse_source, NULL)) != 0)
		return r;
	old = push_key(c, "guards");
	if ((r = parse_guards(c, json_object_get(o, "guards"), &p->guards)) !=
	    0)
		return r;
	pop(c, old);
	if ((r = GET_OBJECTS(c, o, "excluded_employers", 0,
		 &p->excluded_employers, &p->n_excluded_employers,
		 parse_exclusion, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "requirements", 0, &p->requirements,
		 &p->n_requirements, parse_requirement, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "end_reasons", 0, &p->end_reasons,
		 &p->n_end_reasons, parse_end_reason, NULL)) != 0 ||
	    (r = GET_LIST(c, o, "accepted_cards", 0, &p->accepted_cards,
		 &p->n_accepted_cards, parse_accepted, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "tiers", 1, &p->tiers, &p->n_tiers,
		 parse_tier, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "routes", 0, &p->routes, &p->n_routes,
		 parse_route, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "services", 0, &p->services, &p->n_services,
		 parse_service, NULL)) != 0 ||
	    (r = GET_OBJECTS(c, o, "exclusive_groups", 0, &p->exclusive_groups,
		 &p->n_exclusive_groups, parse_group, NULL)) != 0)
		return r;
	old = push_key(c, "application");
	if ((r = parse_application(
		 c, json_object_get(o, "application"), &p->application)) != 0)
		return r;
	pop(c, old);
	if ((r = parse_face(c, json_object_get(o, "face"), &p->face)) != 0)
		return r;
	return cross_check(c);
}

/* Maps jansson's error codes to ours. */
static int
json_code(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_out_of_memory:
		return TC_ERR_NOMEM;
	case json_error_stack_overflow:
		return TC_ERR_TOO_DEEP;
	case json_error_invalid_utf8:
		return TC_ERR_BAD_ENCODING;
	case json_error_premature_end_of_input:
		return TC_ERR_TRUNCATED;
	case json_error_end_of_input_expected:
		return TC_ERR_TRAILING;
	case json_error_numeric_overflow:
		return TC_ERR_RANGE;
	default:
		return TC_ERR_MALFORMED;
	}
}

static void
free_service(struct tc_service *s)
{
	size_t i;

	free(s->tiers.v);
	free(s->places);
	for (i = 0; i < s->n_options; i++)
		free_service(&s->options[i]);
	free(s->options);
}

char *
tc_programme_dump(const struct tc_programme *p)
{
	return json_dumps(json_array_get(p->priv, 0), JSON_COMPACT);
}

void
tc_programme_free(struct tc_programme *p)
{
	struct tc_application *a;
	size_t i;

	if (p == NULL)
		return;
	a = &p->application;
	free(p->sources);
	free(p->excluded_employers);
	for (i = 0; i < p->n_requirements; i++)
		free(p->requirements[i].tiers.v);
	free(p->requirements);
	free(p->end_reasons);
	free(p->accepted_cards);
	for (i = 0; i < p->n_tiers; i++) {
		free(p->tiers[i].principal_tiers.v);
		free(p->tiers[i].converts_to.v);
		free(p->tiers[i].categories);
		free(p->tiers[i].clauses);
		free(p->tiers[i].steps);
	}
	free(p->tiers);
	for (i = 0; i < p->n_routes; i++) {
		free(p->routes[i].tiers.v);
		free(p->routes[i].clauses);
		free(p->routes[i].steps);
	}
	free(p->routes);
	for (i = 0; i < p->n_services; i++)
		free_service(&p->services[i]);
	free(p->services);
	for (i = 0; i < p->n_exclusive_groups; i++)
		free(p->exclusive_groups[i].services.v);
	free(p->exclusive_groups);
	for (i = 0; i < a->n_sections; i++)
		free(a->sections[i].fields);
	free(a->sections);
	free(a->work_types);
	free(a->id_types);
	for (i = 0; i < a->n_materials; i++) {
		free(a->materials[i].tiers.v);
		free(a->materials[i].work_types.v);
		free(a->materials[i].id_types.v);
	}
	free(a->materials);
	free(a->upload_formats.v);
	free(p->face.tiers);
	json_decref(p->priv);
	free(p);
}

int
tc_programme_parse(struct tc_programme **out, const char *json, size_t len,
    const char *source_name, char *err, size_t errlen)
{
	struct tc_programme *p = NULL;
	struct ctx c;
	json_error_t je;
	json_t *root, *holder = NULL;
	int r = TC_ERR_INTERNAL;

	if (out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no output pointer");
	*out = NULL;
	if (source_name == NULL)
		source_name = "programme";
	if (json == NULL && len > 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s: no input", source_name);
	memset(&c, 0, sizeof(c));
	c.file = source_name;
	c.err = err;
	c.errlen = errlen;
	if (len > TC_PROGRAMME_FILE_MAX)
		return fail(&c, TC_ERR_TOO_LARGE, "larger than %d bytes",
		    TC_PROGRAMME_FILE_MAX);
	root = json_loadb(
	    json != NULL ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return tc_seterr(err, errlen, json_code(&je),
		    "%s: line %d, column %d: %s", source_name, je.line,
		    je.column, je.text);
	/*
	 * The holder keeps the tree and the name the strings point into. The
	 * _new calls take their reference even when they fail, and the name
	 * (a path) need not be UTF-8, hence _nocheck.
	 */
	if ((holder = json_array()) == NULL)
		json_decref(root);
	if (holder == NULL || json_array_append_new(holder, root) != 0 ||
	    json_array_append_new(holder, json_string_nocheck(source_name)) !=
		0 ||
	    (p = calloc(1, sizeof(*p))) == NULL ||
	    (c.seen = json_object()) == NULL) {
		json_decref(holder);
		free(p);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "%s: out of memory",
		    source_name);
	}
	p->priv = holder;
	p->file = json_string_value(json_array_get(holder, 1));
	c.p = p;
	if ((r = parse_root(&c, root)) != 0) {
		if (r == TC_ERR_NOMEM)
			tc_seterr(
			    err, errlen, r, "%s: out of memory", source_name);
		goto out;
	}
	*out = p;
	p = NULL;
	r = 0;
out:
	json_decref(c.seen);
	tc_programme_free(p);
	return r;
}

int
tc_programme_load(
    struct tc_programme **out, const char *path, char *err, size_t errlen)
{
	struct tc_buf b;
	int r;

	if (out == NULL || path == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no path or output pointer");
	*out = NULL;
	tc_buf_init(&b, TC_PROGRAMME_FILE_MAX);
	r = tc_file_read(path, NULL, TC_PROGRAMME_FILE_MAX, 0, &b, err, errlen);
	/* A programme file named but absent stays TC_ERR_IO, as documented. */
	if (r == TC_ERR_NOT_FOUND)
		r = TC_ERR_IO;
	else if (r == 0)
		r = tc_programme_parse(
		    out, (const char *)b.data, b.len, path, err, errlen);
	tc_buf_release(&b);
	return r;
}

/* ---- lookups ---- */

const struct tc_tier *
tc_programme_tier(const struct tc_programme *p, const char *id)
{
	if (p == NULL || id == NULL)
		return NULL;
	return find_tier(p, id);
}

const struct tc_route *
tc_programme_route(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; p != NULL && id != NULL && i < p->n_routes; i++)
		if (strcmp(p->routes[i].id, id) == 0)
			return &p->routes[i];
	return NULL;
}

const struct tc_service *
tc_programme_service(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; p != NULL && id != NULL && i < p->n_services; i++)
		if (strcmp(p->services[i].id, id) == 0)
			return &p->services[i];
	return NULL;
}

static const struct tc_clause *
find_clause(const struct tc_clause *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

static const struct tc_step *
find_step(const struct tc_step *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

const struct tc_clause *
tc_programme_clause(const struct tc_programme *p, const char *id,
    const struct tc_tier **tier, const struct tc_route **route)
{
	const struct tc_clause *cl;
	size_t i;

	if (tier != NULL)
		*tier = NULL;
	if (route != NULL)
		*route = NULL;
	for (i = 0; p != NULL && i < p->n_tiers; i++) {
		cl =
		    find_clause(p->tiers[i].clauses, p->tiers[i].n_clauses, id);
		if (cl != NULL) {
			if (tier != NULL)
				*tier = &p->tiers[i];
			return cl;
		}
	}
	for (i = 0; p != NULL && i < p->n_routes; i++) {
		cl = find_clause(
		    p->routes[i].clauses, p->routes[i].n_clauses, id);
		if (cl != NULL) {
			if (route != NULL)
				*route = &p->routes[i];
			return cl;
		}
	}
	return NULL;
}

const struct tc_exclusive_group *
tc_programme_exclusive_group(
    const struct tc_programme *p, const char *service_id)
{
	size_t i;

	for (i = 0; p != NULL && i < p->n_exclusive_groups; i++)
		if (tc_idlist_has(&p->exclusive_groups[i].services, service_id))
			return &p->exclusive_groups[i];
	return NULL;
}

const struct tc_clause *
tc_tier_clause(const struct tc_tier *t, const char *id)
{
	return t == NULL ? NULL : find_clause(t->clauses, t->n_clauses, id);
}

const struct tc_step *
tc_tier_step(const struct tc_tier *t, const char *id)
{
	return t == NULL ? NULL : find_step(t->steps, t->n_steps, id);
}

const struct tc_clause *
tc_route_clause(const struct tc_route *r, const char *id)
{
	return r == NULL ? NULL : find_clause(r->clauses, r->n_clauses, id);
}

const struct tc_step *
tc_route_step(const struct tc_route *r, const char *id)
{
	return r == NULL ? NULL : find_step(r->steps, r->n_steps, id);
}

const struct tc_service *
tc_service_option(const struct tc_service *s, const char *id)
{
	size_t i;

	for (i = 0; s != NULL && id != NULL && i < s->n_options; i++)
		if (strcmp(s->options[i].id, id) == 0)
			return &s->options[i];
	return NULL;
}

int
tc_idlist_has(const struct tc_idlist *l, const char *id)
{
	size_t i;

	for (i = 0; l != NULL && id != NULL && i < l->n; i++)
		if (strcmp(l->v[i], id) == 0)
			return 1;
	return 0;
}

int
tc_service_covers(const struct tc_service *s, const char *tier_id)
{
	return s != NULL && tc_idlist_has(&s->tiers, tier_id);
}

/* ---- sets ---- */

struct tc_programme_set {
	struct tc_programme **v;
	size_t n;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
tc_programme_set_free(struct tc_programme_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		tc_programme_free(s->v[i]);
	free(s->v);
	free(s);
}

int
tc_programme_set_load_dir(
    struct tc_programme_set **out, const char *dir, char *err, size_t errlen)
{
	struct tc_programme_set *s = NULL;
	char *names[TC_PROGRAMME_SET_MAX];
	char path[4096];
	struct dirent *e;
	size_t i, j, n = 0, len;
	DIR *d = NULL;
	int r = TC_ERR_INTERNAL;

	if (out == NULL || dir == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no directory or output pointer");
	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (n == TC_PROGRAMME_SET_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s: more than %d programme files", dir,
			    TC_PROGRAMME_SET_MAX);
			goto out;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			r = tc_seterr(err, errlen, TC_ERR_NOMEM,
			    "%s: out of memory", dir);
			goto out;
		}
		n++;
	}
	if (n == 0) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: no *.json programme files", dir);
		goto out;
	}
	qsort(names, n, sizeof(names[0]), cmp_names);
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->v = calloc(n, sizeof(*s->v))) == NULL) {
		r = tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "%s: out of memory", dir);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (tc_path_join(path, sizeof(path), dir, names[i]) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "%s/%s: path too long", dir, names[i]);
			goto out;
		}
		if ((r = tc_programme_load(&s->v[s->n], path, err, errlen)) !=
		    0)
			goto out;
		s->n++;
		for (j = 0; j + 1 < s->n; j++) {
			if (strcmp(s->v[j]->id, s->v[s->n - 1]->id) == 0) {
				r = tc_seterr(err, errlen, TC_ERR_EXISTS,
				    "%s: id: programme '%s' is already defined in %s",
				    path, s->v[j]->id, s->v[j]->file);
				goto out;
			}
			if (s->v[j]->code == s->v[s->n - 1]->code) {
				r = tc_seterr(err, errlen, TC_ERR_EXISTS,
				    "%s: code: programme code %d is already used by %s",
				    path, s->v[j]->code, s->v[j]->file);
				goto out;
			}
		}
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	if (d != NULL)
		closedir(d);
	tc_programme_set_free(s);
	return r;
}

const struct tc_programme *
tc_programme_set_find(const struct tc_programme_set *s, const char *id)
{
	size_t i;

	for (i = 0; s != NULL && id != NULL && i < s->n; i++)
		if (strcmp(s->v[i]->id, id) == 0)
			return s->v[i];
	return NULL;
}

const struct tc_programme *
tc_programme_set_find_code(const struct tc_programme_set *s, uint64_t code)
{
	size_t i;

	for (i = 0; s != NULL && i < s->n; i++)
		if ((uint64_t)s->v[i]->code == code)
			return s->v[i];
	return NULL;
}

size_t
tc_programme_set_count(const struct tc_programme_set *s)
{
	return s == NULL ? 0 : s->n;
}

const struct tc_programme *
tc_programme_set_at(const struct tc_programme_set *s, size_t i)
{
	return s == NULL || i >= s->n ? NULL : s->v[i];
}
