/* SPDX-License-Identifier: MIT */
/*
 * Card profile files (include/tcard/profile.h): JSON read by jansson with
 * duplicate keys refused, then checked against a fixed schema (every key
 * known, of the right type), value by value (hex, ranges, names), and
 * finally as a whole: the platform's required objects and keys are there
 * and the personalisation steps come in an order that keeps a card pulled
 * at any moment from passing verification. Messages carry the JSON path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tcard/atr.h"
#include "tcard/cardops.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/profile.h"
#include "tcard/json-keys.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif
#define DEFAULT_DIR TC_PROGRAMMES_DIR "/../firmware-profiles"

struct ctx {
	const char *file;
	char *err;
	size_t errlen;
	char path[128];
};

/* The JSON types of a key table (include/tcard/json-keys.h), in short. */
enum {
	K_STR = TC_JSON_STR,
	K_INT = TC_JSON_INT,
	K_BOOL = TC_JSON_BOOL,
	K_ARR = TC_JSON_ARR,
};

static int fail(struct ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *c, int code, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->path[0] != '\0')
		return tc_seterr(c->err, c->errlen, code, "%s: %s: %s", c->file,
		    c->path, msg);
	return tc_seterr(c->err, c->errlen, code, "%s: %s", c->file, msg);
}

/* Sets the path to base (may be "") + "." or "[i]" + key. */
static void
at(struct ctx *c, const char *base, const char *key, int idx)
{
	if (idx >= 0)
		snprintf(c->path, sizeof(c->path), "%s[%d]%s%s", base, idx,
		    key != NULL ? "." : "", key != NULL ? key : "");
	else if (key == NULL)
		snprintf(c->path, sizeof(c->path), "%s", base);
	else if (base[0] != '\0')
		snprintf(c->path, sizeof(c->path), "%s.%s", base, key);
	else
		snprintf(c->path, sizeof(c->path), "%s", key);
}

/*
 * Checks o (base[idx] when idx >= 0, else base) against keys; the path
 * names the faulty member.
 */
static int
check_keys(struct ctx *c, json_t *o, const struct tc_json_key *keys,
    const char *base, int idx)
{
	const struct tc_json_key *k;
	const char *name;
	enum tc_json_fault f = tc_json_keys_check(o, keys, &name, &k);

	if (f == TC_JSON_OK)
		return 0;
	at(c, base, name, idx);
	if (f == TC_JSON_NOT_OBJECT)
		return fail(c, TC_ERR_MALFORMED, "must be an object");
	if (f == TC_JSON_UNKNOWN)
		return fail(c, TC_ERR_MALFORMED, "unknown key");
	if (f == TC_JSON_BAD_TYPE)
		return fail(c, TC_ERR_MALFORMED, "must be %s",
		    tc_json_type_name(k->type));
	return fail(c, TC_ERR_MALFORMED, "missing");
}

/* A string of 1..max printable ASCII characters into dst. */
static int
get_text(struct ctx *c, json_t *v, char *dst, size_t max)
{
	const char *s = json_string_value(v);
	size_t i, n = json_string_length(v);

	if (n == 0)
		return fail(c, TC_ERR_MALFORMED, "must not be empty");
	if (n > max)
		return fail(c, TC_ERR_TOO_LARGE, "longer than %zu bytes", max);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return fail(c, TC_ERR_MALFORMED,
			    "byte %zu: only printable ASCII is allowed", i);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* A name: 1..32 of a-z, 0-9 and '-'. */
static int
get_name(struct ctx *c, json_t *v, char *dst)
{
	size_t i;
	int r;

	if ((r = get_text(c, v, dst, TC_PROFILE_ID_MAX)) != 0)
		return r;
	for (i = 0; dst[i] != '\0'; i++)
		if (!((dst[i] >= 'a' && dst[i] <= 'z') ||
			(dst[i] >= '0' && dst[i] <= '9') ||
			(dst[i] == '-' && i > 0)))
			return fail(c, TC_ERR_MALFORMED,
			    "'%s': only a-z, 0-9 and '-' (not first)", dst);
	return 0;
}

/* Hex digits (upper or lower case, no spaces) of min..max bytes. */
static int
get_hex(
    struct ctx *c, json_t *v, uint8_t *dst, size_t min, size_t max, size_t *n)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (len % 2 != 0 || len / 2 < min || len / 2 > max)
		return fail(c,
		    len / 2 > max ? TC_ERR_TOO_LARGE : TC_ERR_MALFORMED,
		    "must be %zu to %zu bytes in hex", min, max);
	if (tc_hex_decode(s, len, dst, len / 2, NULL) != 0)
		return fail(c, TC_ERR_MALFORMED, "not hexadecimal");
	*n = len / 2;
	return 0;
}

static int
get_int(struct ctx *c, json_t *v, long long min, long long max, size_t *out)
{
	json_int_t i = json_integer_value(v);

	if (i < min || i > max)
		return fail(
		    c, TC_ERR_MALFORMED, "must be %lld to %lld", min, max);
	*out = (size_t)i;
	return 0;
}

static int
get_alg(struct ctx *c, json_t *v, unsigned *alg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} algs[] = {
		{ "ES256", TC_PALG_ES256 },
		{ "SM2", TC_PALG_SM2 },
		{ "3DES", TC_PALG_3DES },
		{ "AES-128", TC_PALG_AES128 },
	};
	const char *s = json_string_value(v);
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (s != NULL && strcmp(s, algs[i].name) == 0) {
			*alg = algs[i].bit;
			return 0;
		}
	return fail(c, TC_ERR_MALFORMED,
	    "unknown algorithm '%.32s' (ES256, SM2, 3DES or AES-128)",
	    s != NULL ? s : "");
}

static int
get_access(struct ctx *c, json_t *v, enum tc_access *a)
{
	static const char *const names[] = {
		[TC_ACCESS_ALWAYS] = "always",
		[TC_ACCESS_OPERATIONAL] = "operational",
		[TC_ACCESS_SECURE_CHANNEL] = "secure-channel",
		[TC_ACCESS_MANAGEMENT_KEY] = "management-key",
		[TC_ACCESS_NEVER] = "never",
	};
	const char *s = json_string_value(v);
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*a = (enum tc_access)i;
			return 0;
		}
	return fail(c, TC_ERR_MALFORMED,
	    "unknown access '%.32s' (always, operational, secure-channel, management-key, never)",
	    s);
}

static const char *const step_names[] = {
	[TC_PSTEP_SELECT] = "select",
	[TC_PSTEP_AUTHENTICATE] = "authenticate",
	[TC_PSTEP_ROTATE_KEYS] = "rotate-keys",
	[TC_PSTEP_GENERATE_KEY] = "generate-key",
	[TC_PSTEP_WRITE_CERTIFICATE] = "write-certificate",
	[TC_PSTEP_WRITE_CREDENTIAL] = "write-credential",
	[TC_PSTEP_LOCK] = "lock",
	[TC_PSTEP_CHECK] = "check",
};
#define N_STEPS (sizeof(step_names) / sizeof(step_names[0]))

const char *
tc_profile_step_name(enum tc_perso_step s)
{
	if ((size_t)s >= N_STEPS || s == 0)
		return "?";
	return step_names[s];
}

/* The root's array name must list 1 to max elements (what: "objects"). */
static int
check_count(
    struct ctx *c, json_t *arr, const char *name, size_t max, const char *what)
{
	if (json_array_size(arr) >= 1 && json_array_size(arr) <= max)
		return 0;
	at(c, "", name, -1);
	return fail(c, TC_ERR_MALFORMED, "must list 1 to %zu %s", max, what);
}

/*
 * Element i of the root's array name (objects, keys): its members checked
 * against keys, then its "id" read into id, a name no element before it
 * has.
 */
static int
element_id(struct ctx *c, json_t *arr, size_t i, const char *name,
    const struct tc_json_key *keys, char *id)
{
	json_t *e = json_array_get(arr, i);
	size_t j;
	int r;

	if ((r = check_keys(c, e, keys, name, (int)i)) != 0)
		return r;
	at(c, name, "id", (int)i);
	if ((r = get_name(c, json_object_get(e, "id"), id)) != 0)
		return r;
	for (j = 0; j < i; j++)
		if (strcmp(json_string_value(
			       json_object_get(json_array_get(arr, j), "id")),
			id) == 0)
			return fail(
			    c, TC_ERR_MALFORMED, "'%s' is listed twice", id);
	return 0;
}

static int
parse_objects(struct ctx *c, json_t *arr, struct tc_profile *p)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "tag", K_STR, 0 },
		{ "max_size", K_INT, 1 },
		{ "read", K_STR, 1 },
		{ "write", K_STR, 1 },
		{ NULL, 0, 0 },
	};
	struct tc_profile_object *o;
	uint8_t tag[3];
	size_t i, j, n;
	json_t *e, *v;
	int r;

	if ((r = check_count(
		 c, arr, "objects", TC_PROFILE_OBJECT_MAX, "objects")) != 0)
		return r;
	json_array_foreach(arr, i, e)
	{
		o = &p->objects[i];
		if ((r = element_id(c, arr, i, "objects", keys, o->id)) != 0)
			return r;
		if ((v = json_object_get(e, "tag")) != NULL) {
			at(c, "objects", "tag", (int)i);
			if ((r = get_hex(c, v, tag, 1, 3, &n)) != 0)
				return r;
			for (j = 0; j < n; j++)
				o->tag = o->tag << 8 | tag[j];
		}
		at(c, "objects", "max_size", (int)i);
		if ((r = get_int(c, json_object_get(e, "max_size"), 1, 65535,
			 &o->max_size)) != 0)
			return r;
		at(c, "objects", "read", (int)i);
		if ((r = get_access(c, json_object_get(e, "read"), &o->read)) !=
		    0)
			return r;
		at(c, "objects", "write", (int)i);
		if ((r = get_access(
			 c, json_object_get(e, "write"), &o->write)) != 0)
			return r;
	}
	p->n_objects = json_array_size(arr);
	return 0;
}

static int
parse_version(struct ctx *c, json_t *v, int *out)
{
	uint8_t b;
	size_t n;
	int r;

	*out = -1;
	if (v == NULL)
		return 0;
	if ((r = get_hex(c, v, &b, 1, 1, &n)) != 0)
		return r;
	*out = b;
	return 0;
}

static int
parse_keys(struct ctx *c, json_t *arr, struct tc_profile *p)
{
	static const struct tc_json_key keys[] = {
		{ "id", K_STR, 1 },
		{ "ref", K_STR, 1 },
		{ "algorithms", K_ARR, 1 },
		{ "generated", K_STR, 0 },
		{ "pin", K_BOOL, 0 },
		{ "factory_key", K_STR, 0 },
		{ "factory_algorithm", K_STR, 0 },
		{ "personal_algorithm", K_STR, 0 },
		{ "factory_version", K_STR, 0 },
		{ "personal_version", K_STR, 0 },
		{ NULL, 0, 0 },
	};
	struct tc_profile_key *k;
	char base[48];
	size_t i, j, n;
	json_t *e, *v, *a;
	unsigned alg;
	int r;

	if ((r = check_count(c, arr, "keys", TC_PROFILE_KEY_MAX, "keys")) != 0)
		return r;
	json_array_foreach(arr, i, e)
	{
		k = &p->keys[i];
		if ((r = element_id(c, arr, i, "keys", keys, k->id)) != 0)
			return r;
		at(c, "keys", "ref", (int)i);
		if ((r = get_hex(
			 c, json_object_get(e, "ref"), &k->ref, 1, 1, &n)) != 0)
			return r;
		v = json_object_get(e, "algorithms");
		snprintf(base, sizeof(base), "keys[%zu].algorithms", i);
		if (json_array_size(v) == 0 || json_array_size(v) > 4) {
			at(c, "keys", "algorithms", (int)i);
			return fail(
			    c, TC_ERR_MALFORMED, "must list 1 to 4 algorithms");
		}
		json_array_foreach(v, j, a)
		{
			at(c, base, NULL, (int)j);
			if (!json_is_string(a))
				return fail(
				    c, TC_ERR_MALFORMED, "must be a string");
			if ((r = get_alg(c, a, &alg)) != 0)
				return r;
			if (k->algs & alg)
				return fail(
				    c, TC_ERR_MALFORMED, "listed twice");
			k->algs |= alg;
		}
		if ((v = json_object_get(e, "generated")) != NULL) {
			at(c, "keys", "generated", (int)i);
			if (strcmp(json_string_value(v), "on-card") != 0)
				return fail(c, TC_ERR_MALFORMED,
				    "only \"on-card\" is known");
			k->on_card = 1;
		}
		if ((v = json_object_get(e, "pin")) != NULL)
			k->pin = json_is_true(v);
		if ((v = json_object_get(e, "factory_key")) != NULL) {
			at(c, "keys", "factory_key", (int)i);
			if ((r = get_hex(c, v, k->factory_key, 16,
				 TC_PROFILE_KEYVAL_MAX, &k->factory_key_len)) !=
			    0)
				return r;
		}
		if ((v = json_object_get(e, "factory_algorithm")) != NULL) {
			at(c, "keys", "factory_algorithm", (int)i);
			if ((r = get_alg(c, v, &k->factory_alg)) != 0)
				return r;
		}
		if ((v = json_object_get(e, "personal_algorithm")) != NULL) {
			at(c, "keys", "personal_algorithm", (int)i);
			if ((r = get_alg(c, v, &k->personal_alg)) != 0)
				return r;
		}
		at(c, "keys", "factory_version", (int)i);
		if ((r = parse_version(c, json_object_get(e, "factory_version"),
			 &k->factory_version)) != 0)
			return r;
		at(c, "keys", "personal_version", (int)i);
		if ((r = parse_version(c,
			 json_object_get(e, "personal_version"),
			 &k->personal_version)) != 0)
			return r;
		at(c, "keys", NULL, (int)i);
		if ((k->factory_alg && !(k->algs & k->factory_alg)) ||
		    (k->personal_alg && !(k->algs & k->personal_alg)))
			return fail(c, TC_ERR_MALFORMED,
			    "factory_algorithm and personal_algorithm must be among algorithms");
		if (k->factory_key_len > 0 &&
		    k->factory_key_len !=
			(k->factory_alg == TC_PALG_3DES ? 24u : 16u))
			return fail(c, TC_ERR_MALFORMED,
			    "factory_key of %zu bytes does not suit its algorithm",
			    k->factory_key_len);
	}
	p->n_keys = json_array_size(arr);
	return 0;
}

int
tc_profile_step_index(const struct tc_profile *p, enum tc_perso_step s)
{
	size_t i;

	for (i = 0; i < p->n_steps; i++)
		if (p->steps[i] == s)
			return (int)i;
	return -1;
}

void
tc_profile_order(const struct tc_profile *p, struct tc_profile_order *o)
{
	o->select = tc_profile_step_index(p, TC_PSTEP_SELECT);
	o->authenticate = tc_profile_step_index(p, TC_PSTEP_AUTHENTICATE);
	o->rotate = tc_profile_step_index(p, TC_PSTEP_ROTATE_KEYS);
	o->generate = tc_profile_step_index(p, TC_PSTEP_GENERATE_KEY);
	o->certificate = tc_profile_step_index(p, TC_PSTEP_WRITE_CERTIFICATE);
	o->credential = tc_profile_step_index(p, TC_PSTEP_WRITE_CREDENTIAL);
	o->lock = tc_profile_step_index(p, TC_PSTEP_LOCK);
	o->check = tc_profile_step_index(p, TC_PSTEP_CHECK);
	o->last = o->check >= 0 ? o->check - 1 : (int)p->n_steps - 1;
}

static int
parse_steps(struct ctx *c, json_t *arr, struct tc_profile *p)
{
	const char *s;
	size_t i, j;
	json_t *e;
	int r;

	if ((r = check_count(
		 c, arr, "personalisation", TC_PROFILE_STEP_MAX, "steps")) != 0)
		return r;
	json_array_foreach(arr, i, e)
	{
		at(c, "personalisation", NULL, (int)i);
		if (!json_is_string(e))
			return fail(c, TC_ERR_MALFORMED, "must be a string");
		s = json_string_value(e);
		for (j = 1; j < N_STEPS; j++)
			if (strcmp(s, step_names[j]) == 0)
				break;
		if (j == N_STEPS)
			return fail(
			    c, TC_ERR_MALFORMED, "unknown step '%.32s'", s);
		if (tc_profile_step_index(p, (enum tc_perso_step)j) >= 0)
			return fail(
			    c, TC_ERR_MALFORMED, "'%s' is listed twice", s);
		p->steps[p->n_steps++] = (enum tc_perso_step)j;
	}
	return 0;
}

/*
 * The rules between the parts of a profile: the generic ones here, then
 * the platform's own.
 */
static int
check_whole(struct ctx *c, struct tc_profile *p)
{
	const struct tc_profile_object *cred;
	const struct tc_profile_key *auth;
	const struct tc_card_ops *ops;
	char msg[192];
	struct tc_profile_order o;
	int r;
	size_t i;

	c->path[0] = '\0';
	for (i = 0; i < p->n_match; i++)
		if (tc_atr_match(p->atr, p->atr_len, p->match[i].atr,
			p->match[i].mask, p->match[i].len))
			break;
	if (i == p->n_match) {
		at(c, "", "atr", -1);
		return fail(c, TC_ERR_MALFORMED,
		    "the profile's own ATR matches none of its patterns");
	}
	if (p->max_command_data > 255 || p->max_response_data > 256) {
		at(c, "", "max_command_data", -1);
		return fail(c, TC_ERR_MALFORMED,
		    "short APDUs carry at most 255 / 256 bytes");
	}
	cred = tc_profile_object(p, "credential");
	auth = tc_profile_key(p, "card-auth");
	if (cred == NULL || auth == NULL)
		return fail(c, TC_ERR_MALFORMED,
		    "a profile needs an object \"credential\" and a key \"card-auth\"");
	if (!auth->on_card || auth->pin ||
	    (auth->algs & ~(TC_PALG_ES256 | TC_PALG_SM2)) != 0)
		return fail(c, TC_ERR_MALFORMED,
		    "key \"card-auth\" must be generated on-card, usable without a PIN, ES256 or SM2");
	if (cred->max_size < 128)
		return fail(c, TC_ERR_MALFORMED,
		    "object \"credential\" must hold at least 128 bytes");
	tc_profile_order(p, &o);
	at(c, "", "personalisation", -1);
	if (o.select != 0 || o.authenticate != 1 || o.generate < 0 ||
	    o.credential < 0 || o.generate > o.credential ||
	    o.rotate < o.authenticate)
		return fail(c, TC_ERR_MALFORMED,
		    "the steps must begin with select, authenticate; rotate-keys, generate-key and write-credential must follow, generate-key before write-credential");
	if (o.check >= 0 && o.check != (int)p->n_steps - 1)
		return fail(c, TC_ERR_MALFORMED, "check must be the last step");
	/* The rules of the platform (its table: include/tcard/cardops.h). */
	ops = tc_card_ops_lookup(p->platform);
	if (ops != NULL && ops->check_profile != NULL &&
	    (r = ops->check_profile(p, msg, sizeof(msg))) != 0)
		return fail(c, r, "%s", msg);
	return 0;
}

static int
parse_root(struct ctx *c, json_t *root, struct tc_profile *p)
{
	static const struct tc_json_key keys[] = {
		{ "format", K_STR, 1 },
		{ "name", K_STR, 1 },
		{ "platform", K_STR, 1 },
		{ "description", K_STR, 0 },
		{ "atr", K_STR, 1 },
		{ "match", K_ARR, 1 },
		{ "aid", K_STR, 1 },
		{ "uid_length", K_INT, 1 },
		{ "max_command_data", K_INT, 1 },
		{ "max_response_data", K_INT, 1 },
		{ "extended_length", K_BOOL, 0 },
		{ "max_extended_data", K_INT, 0 },
		{ "objects", K_ARR, 1 },
		{ "keys", K_ARR, 1 },
		{ "personalisation", K_ARR, 1 },
		{ NULL, 0, 0 },
	};
	static const struct tc_json_key mkeys[] = {
		{ "atr", K_STR, 1 },
		{ "mask", K_STR, 1 },
		{ NULL, 0, 0 },
	};
	const struct tc_card_ops *ops;
	struct tc_atr atr;
	const char *s;
	char aerr[128];
	size_t i, n;
	json_t *v, *e;
	int r;

	if ((r = check_keys(c, root, keys, "", -1)) != 0)
		return r;
	at(c, "", "format", -1);
	if (strcmp(json_string_value(json_object_get(root, "format")),
		TC_PROFILE_FORMAT) != 0)
		return fail(
		    c, TC_ERR_UNSUPPORTED, "must be \"%s\"", TC_PROFILE_FORMAT);
	at(c, "", "name", -1);
	if ((r = get_name(c, json_object_get(root, "name"), p->name)) != 0)
		return r;
	at(c, "", "platform", -1);
	s = json_string_value(json_object_get(root, "platform"));
	if ((ops = tc_card_ops_by_name(s)) == NULL)
		return fail(c, TC_ERR_MALFORMED,
		    "unknown platform '%.32s' (tcard or piv)", s);
	p->platform = ops->platform;
	if ((v = json_object_get(root, "description")) != NULL) {
		at(c, "", "description", -1);
		if ((r = get_text(c, v, p->description, TC_PROFILE_TEXT_MAX)) !=
		    0)
			return r;
	}
	at(c, "", "atr", -1);
	if ((r = get_hex(c, json_object_get(root, "atr"), p->atr, 2,
		 TC_PROFILE_ATR_MAX, &p->atr_len)) != 0)
		return r;
	if (tc_atr_parse(&atr, p->atr, p->atr_len, aerr, sizeof(aerr)) != 0)
		return fail(c, TC_ERR_MALFORMED, "%s", aerr);
	v = json_object_get(root, "match");
	if ((r = check_count(
		 c, v, "match", TC_PROFILE_MATCH_MAX, "patterns")) != 0)
		return r;
	json_array_foreach(v, i, e)
	{
		if ((r = check_keys(c, e, mkeys, "match", (int)i)) != 0)
			return r;
		at(c, "match", "atr", (int)i);
		if ((r = get_hex(c, json_object_get(e, "atr"), p->match[i].atr,
			 2, TC_PROFILE_ATR_MAX, &p->match[i].len)) != 0)
			return r;
		at(c, "match", "mask", (int)i);
		if ((r = get_hex(c, json_object_get(e, "mask"),
			 p->match[i].mask, 2, TC_PROFILE_ATR_MAX, &n)) != 0)
			return r;
		if (n != p->match[i].len)
			return fail(c, TC_ERR_MALFORMED,
			    "the mask must be as long as the ATR");
	}
	p->n_match = json_array_size(v);
	at(c, "", "aid", -1);
	if ((r = get_hex(c, json_object_get(root, "aid"), p->aid, 5,
		 TC_PROFILE_AID_MAX, &p->aid_len)) != 0)
		return r;
	at(c, "", "uid_length", -1);
	if ((r = get_int(c, json_object_get(root, "uid_length"), 4, 16,
		 &p->uid_len)) != 0)
		return r;
	at(c, "", "max_command_data", -1);
	if ((r = get_int(c, json_object_get(root, "max_command_data"), 64, 255,
		 &p->max_command_data)) != 0)
		return r;
	at(c, "", "max_response_data", -1);
	if ((r = get_int(c, json_object_get(root, "max_response_data"), 64, 256,
		 &p->max_response_data)) != 0)
		return r;
	p->extended = json_is_true(json_object_get(root, "extended_length"));
	v = json_object_get(root, "max_extended_data");
	at(c, "", "max_extended_data", -1);
	if (p->extended != (v != NULL))
		return fail(c, TC_ERR_MALFORMED,
		    "is given exactly when extended_length is true");
	if (v != NULL &&
	    (r = get_int(c, v, 256, 65535, &p->max_extended_data)) != 0)
		return r;
	if ((r = parse_objects(c, json_object_get(root, "objects"), p)) != 0 ||
	    (r = parse_keys(c, json_object_get(root, "keys"), p)) != 0 ||
	    (r = parse_steps(c, json_object_get(root, "personalisation"), p)) !=
		0)
		return r;
	return check_whole(c, p);
}

int
tc_profile_parse(struct tc_profile **out, const char *json, size_t len,
    const char *file, char *err, size_t errlen)
{
	struct ctx c;
	struct tc_profile *p;
	json_error_t je;
	json_t *root;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.file = file != NULL ? file : "profile";
	c.err = err;
	c.errlen = errlen;
	if (json == NULL && len > 0)
		return TC_ERR_INVALID_ARG;
	if (len > TC_PROFILE_FILE_MAX)
		return fail(
		    &c, TC_ERR_TOO_LARGE, "over %d bytes", TC_PROFILE_FILE_MAX);
	root = json_loadb(
	    json != NULL ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return fail(&c, TC_ERR_MALFORMED, "line %d column %d: %s",
		    je.line, je.column, je.text);
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		json_decref(root);
		return TC_ERR_NOMEM;
	}
	r = parse_root(&c, root, p);
	json_decref(root);
	if (r != 0) {
		free(p);
		return r;
	}
	*out = p;
	return 0;
}

int
tc_profile_load(
    struct tc_profile **out, const char *path, char *err, size_t errlen)
{
	struct tc_buf b;
	const char *base;
	int r;

	if (out == NULL || path == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	tc_buf_init(&b, TC_PROFILE_FILE_MAX);
	if ((r = tc_file_read(
		 path, NULL, TC_PROFILE_FILE_MAX, 0, &b, err, errlen)) == 0)
		r = tc_profile_parse(
		    out, (const char *)b.data, b.len, base, err, errlen);
	tc_buf_release(&b);
	return r;
}

const struct tc_profile_object *
tc_profile_object(const struct tc_profile *p, const char *id)
{
	size_t i;

	for (i = 0; p != NULL && i < p->n_objects; i++)
		if (strcmp(p->objects[i].id, id) == 0)
			return &p->objects[i];
	return NULL;
}

const struct tc_profile_key *
tc_profile_key(const struct tc_profile *p, const char *id)
{
	size_t i;

	for (i = 0; p != NULL && i < p->n_keys; i++)
		if (strcmp(p->keys[i].id, id) == 0)
			return &p->keys[i];
	return NULL;
}

int
tc_profile_has_step(const struct tc_profile *p, enum tc_perso_step s)
{
	return tc_profile_step_index(p, s) >= 0;
}

int
tc_profile_match_atr(
    const struct tc_profile *p, const uint8_t *atr, size_t atrlen)
{
	size_t i;

	for (i = 0; i < p->n_match; i++)
		if (tc_atr_match(atr, atrlen, p->match[i].atr, p->match[i].mask,
			p->match[i].len))
			return 1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
tc_profile_set_load(
    struct tc_profile_set *set, const char *dir, char *err, size_t errlen)
{
	char *names[TC_PROFILE_SET_MAX], path[4096];
	struct dirent *e;
	size_t n = 0, i, j, len;
	DIR *d;
	int r = 0;

	if (set == NULL || dir == NULL)
		return TC_ERR_INVALID_ARG;
	memset(set, 0, sizeof(*set));
	if ((d = opendir(dir)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: %s (set --profiles DIR or $TCARD_PROFILES)", dir,
		    strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (n == TC_PROFILE_SET_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s: more than %d profiles", dir,
			    TC_PROFILE_SET_MAX);
			break;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			r = TC_ERR_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r == 0 && n == 0)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: no profile (*.json)", dir);
	if (r == 0)
		qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; r == 0 && i < n; i++) {
		if (tc_path_join(path, sizeof(path), dir, names[i]) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "%s/%s: path too long", dir, names[i]);
			break;
		}
		if ((r = tc_profile_load(&set->v[set->n], path, err, errlen)) !=
		    0)
			break;
		for (j = 0; j < set->n; j++)
			if (strcmp(set->v[j]->name, set->v[set->n]->name) ==
			    0) {
				r = tc_seterr(err, errlen, TC_ERR_EXISTS,
				    "%s: profile '%s' is also in another file",
				    names[i], set->v[j]->name);
				free(set->v[set->n]);
				set->v[set->n] = NULL;
				break;
			}
		if (r == 0)
			set->n++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	if (r != 0)
		tc_profile_set_release(set);
	return r;
}

void
tc_profile_set_release(struct tc_profile_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	memset(set, 0, sizeof(*set));
}

const struct tc_profile *
tc_profile_set_find(const struct tc_profile_set *set, const char *name)
{
	size_t i;

	for (i = 0; set != NULL && name != NULL && i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}

const char *
tc_profile_dir(const char *dir)
{
	const char *e;

	if (dir != NULL && *dir != '\0')
		return dir;
	if ((e = getenv("TCARD_PROFILES")) != NULL && *e != '\0')
		return e;
	return DEFAULT_DIR;
}
