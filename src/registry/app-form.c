/* SPDX-License-Identifier: MIT */
/*
 * The application file (include/tcard/application.h, tc_app_form_parse and
 * tc_app_form_complete): a JSON object naming a programme and holding the
 * sections of that programme's form, checked key by key against the
 * programme's sections and fields. The identity of the applicant (tier,
 * clause, name, ID type and number, sex, birth date, employer, work type)
 * may come from the form's fields or from top-level keys; where both give
 * a value they must agree, and the values are written back into the form
 * so that what is stored is one consistent record. The ID number and the
 * photo's file name are taken out of what is stored. docs/workflow.md
 * describes the file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "app-int.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/retire.h"

/* Default caps of texts whose field gives no max_chars, in characters. */
#define TEXT_CHARS_DEFAULT	256
#define LONG_TEXT_CHARS_DEFAULT 4000
#define CHOICE_CHARS		64
#define ENTRIES_MAX		100

static const char *const kind_names[] = {
	[TC_APP_NEW] = "new",
	[TC_APP_UPGRADE] = "upgrade",
	[TC_APP_CONVERT] = "convert",
	[TC_APP_SUB] = "sub",
};
static const char *const state_names[] = {
	[TC_APP_DRAFT] = "draft",
	[TC_APP_SUBMITTED] = "submitted",
	[TC_APP_RETURNED] = "returned",
	[TC_APP_REJECTED] = "rejected",
	[TC_APP_APPROVED] = "approved",
	[TC_APP_ISSUED] = "issued",
	[TC_APP_WITHDRAWN] = "withdrawn",
};
static const char *const att_names[] = {
	[TC_ATT_PHOTO] = "photo",
	[TC_ATT_ID_DOCUMENT] = "id-document",
	[TC_ATT_CONTRACT] = "contract",
	[TC_ATT_TAX_OR_INSURANCE] = "tax-or-social-insurance",
	[TC_ATT_ELIGIBILITY_PROOF] = "eligibility-proof",
	[TC_ATT_COOPERATION_AGREEMENT] = "cooperation-agreement",
	[TC_ATT_UNIT_CERTIFICATE] = "unit-certificate",
	[TC_ATT_OTHER] = "other",
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *
tc_app_kind_name(enum tc_app_kind k)
{
	return (int)k >= 1 && (int)k < NELEM(kind_names) ? kind_names[k]
							 : "unknown";
}

const char *
tc_app_state_name(enum tc_app_state s)
{
	return (int)s >= 1 && (int)s < NELEM(state_names) ? state_names[s]
							  : "unknown";
}

const char *
tc_att_kind_name(enum tc_att_kind k)
{
	return (int)k >= 1 && (int)k < NELEM(att_names) ? att_names[k]
							: "unknown";
}

int
tc_app_state_parse(const char *name, enum tc_app_state *out)
{
	int v, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_name_parse(
		 state_names, NELEM(state_names), name, &v)) == 0)
		*out = (enum tc_app_state)v;
	return r;
}

int
tc_att_kind_parse(const char *name, enum tc_att_kind *out)
{
	int v, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_name_parse(att_names, NELEM(att_names), name, &v)) == 0)
		*out = (enum tc_att_kind)v;
	return r;
}

/*
 * Material ids of the four programme files and the kinds they stand for.
 * A material not listed is "other"; the exact id always works too.
 */
static const struct {
	const char *material;
	enum tc_att_kind kind;
} material_kinds[] = {
	{ "photo", TC_ATT_PHOTO },
	{ "id-document", TC_ATT_ID_DOCUMENT },
	{ "id-resident", TC_ATT_ID_DOCUMENT },
	{ "id-passport", TC_ATT_ID_DOCUMENT },
	{ "id-permit", TC_ATT_ID_DOCUMENT },
	{ "id-overseas-pr", TC_ATT_ID_DOCUMENT },
	{ "contract", TC_ATT_CONTRACT },
	{ "labour-contract", TC_ATT_CONTRACT },
	{ "employment-contract", TC_ATT_CONTRACT },
	{ "insurance-or-tax", TC_ATT_TAX_OR_INSURANCE },
	{ "tax-or-insurance", TC_ATT_TAX_OR_INSURANCE },
	{ "unit-tax", TC_ATT_TAX_OR_INSURANCE },
	{ "eligibility-proof", TC_ATT_ELIGIBILITY_PROOF },
	{ "clause-proof", TC_ATT_ELIGIBILITY_PROOF },
	{ "degree", TC_ATT_ELIGIBILITY_PROOF },
	{ "qualification", TC_ATT_ELIGIBILITY_PROOF },
	{ "award-certificates", TC_ATT_ELIGIBILITY_PROOF },
	{ "programme-proof", TC_ATT_ELIGIBILITY_PROOF },
	{ "cooperation-agreement", TC_ATT_COOPERATION_AGREEMENT },
	{ "introduction-agreement", TC_ATT_COOPERATION_AGREEMENT },
	{ "six-months-certificate", TC_ATT_UNIT_CERTIFICATE },
	{ "unit-certificate", TC_ATT_UNIT_CERTIFICATE },
};

enum tc_att_kind
tc_att_kind_of_material(const char *material_id)
{
	int i;

	if (material_id == NULL)
		return TC_ATT_OTHER;
	for (i = 0; i < NELEM(material_kinds); i++)
		if (strcmp(material_id, material_kinds[i].material) == 0)
			return material_kinds[i].kind;
	return TC_ATT_OTHER;
}

/* ID type names of the programme files, and the registry's types. */
static const struct {
	const char *name;
	enum tc_id_type type;
} id_type_names[] = {
	{ "resident-id", TC_ID_RESIDENT },
	{ "hk-macao-permit", TC_ID_HKMO_PERMIT },
	{ "taiwan-permit", TC_ID_TW_PERMIT },
	{ "chinese-passport-pr", TC_ID_PASSPORT },
	{ "hk-macao-residence", TC_ID_HKMO_RESIDENCE },
	{ "taiwan-residence", TC_ID_TW_RESIDENCE },
	{ "foreign-permanent-resident", TC_ID_FOREIGN_PR },
};

int
tc_app_id_type_parse(const char *name, enum tc_id_type *out)
{
	int i;

	if (name == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < NELEM(id_type_names); i++)
		if (strcmp(name, id_type_names[i].name) == 0) {
			*out = id_type_names[i].type;
			return 0;
		}
	return tc_id_type_parse(name, out);
}

int
tc_app_takes_id_type(const struct tc_programme *p, enum tc_id_type t)
{
	enum tc_id_type u;
	size_t i;

	if (p->application.n_id_types == 0)
		return 1;
	for (i = 0; i < p->application.n_id_types; i++)
		if (tc_app_id_type_parse(p->application.id_types[i].id, &u) ==
			0 &&
		    u == t)
			return 1;
	return 0;
}

static int
id_syntax_ok(const char *s)
{
	size_t i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > TC_PROGRAMME_ID_MAX ||
	    s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

void
tc_app_form_release(struct tc_app_form *f)
{
	if (f == NULL)
		return;
	free(f->form_json);
	free(f->exceptions_json);
	free(f->files);
	OPENSSL_cleanse(f, sizeof(*f));
}

/* The identity values and where each came from. */
enum core {
	C_TIER,
	C_CLAUSE,
	C_NAME,
	C_ID_TYPE,
	C_ID_NUMBER,
	C_SEX,
	C_BIRTH,
	C_EMPLOYER,
	C_WORK_TYPE,
	C_COUNT
};

static const struct {
	const char *section, *field;
} core_fields[C_COUNT] = {
	[C_TIER] = { "category", "tier" },
	[C_CLAUSE] = { "category", "clause" },
	[C_NAME] = { "basic", "name" },
	[C_ID_TYPE] = { "basic", "id-type" },
	[C_ID_NUMBER] = { "basic", "id-number" },
	[C_SEX] = { "basic", "sex" },
	[C_BIRTH] = { "basic", "birth-date" },
	[C_EMPLOYER] = { "basic", "employer" },
	[C_WORK_TYPE] = { "basic", "work-type" },
};

struct parse {
	const struct tc_programme *p;
	time_t now;
	const char *v[C_COUNT];	 /* borrowed from the JSON */
	char where[C_COUNT][96]; /* the JSON path it came from */
	char sex[8];		 /* normalised */
	char *err;
	size_t errlen;
};

static int fail(struct parse *ps, int code, const char *path, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct parse *ps, int code, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tc_seterr(ps->err, ps->errlen, code, "%s: %s", path, msg);
}

/* Normalises a sex ("male", "female", "男", "女", "m", "f"). */
static int
sex_parse(const char *s, char out[8])
{
	if (strcasecmp(s, "male") == 0 || strcasecmp(s, "m") == 0 ||
	    strcmp(s, "男") == 0)
		snprintf(out, 8, "male");
	else if (strcasecmp(s, "female") == 0 || strcasecmp(s, "f") == 0 ||
	    strcmp(s, "女") == 0)
		snprintf(out, 8, "female");
	else
		return -1;
	return 0;
}

/* Records a core value; two sources must give the same value. */
static int
set_core(struct parse *ps, enum core k, const char *v, const char *path)
{
	char a[8], b[8];
	int same;

	if (ps->v[k] != NULL) {
		if (k == C_SEX)
			same = sex_parse(ps->v[k], a) == 0 &&
			    sex_parse(v, b) == 0 && strcmp(a, b) == 0;
		else if (k == C_ID_TYPE) {
			enum tc_id_type x, y;

			same = tc_app_id_type_parse(ps->v[k], &x) == 0 &&
			    tc_app_id_type_parse(v, &y) == 0 && x == y;
		} else
			same = strcmp(ps->v[k], v) == 0;
		if (!same)
			return fail(ps, TC_ERR_MALFORMED, path,
			    "differs from %s; give the value once",
			    ps->where[k]);
		return 0;
	}
	ps->v[k] = v;
	snprintf(ps->where[k], sizeof(ps->where[k]), "%s", path);
	return 0;
}

static int
check_text(struct parse *ps, const char *path, const char *s, int max_chars,
    int multiline)
{
	size_t chars;

	if (!tc_app_text_ok(s, 4 * (size_t)max_chars, multiline))
		return fail(ps, TC_ERR_MALFORMED, path,
		    *s == '\0'
			? "empty text"
			: "not text (a control character, or over %d characters)",
		    max_chars);
	chars = tc_app_utf8_chars(s);
	if (chars > (size_t)max_chars)
		return fail(ps, TC_ERR_MALFORMED, path,
		    "%zu characters; at most %d are allowed", chars, max_chars);
	return 0;
}

static int
check_phone(struct parse *ps, const char *path, const char *s)
{
	size_t i, nd = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (isdigit((unsigned char)s[i]))
			nd++;
		else if (!(s[i] == ' ' || s[i] == '-' ||
			     (s[i] == '+' && i == 0) || s[i] == '(' ||
			     s[i] == ')'))
			return fail(ps, TC_ERR_MALFORMED, path,
			    "character %zu is not allowed in a telephone number",
			    i + 1);
	}
	if (nd < 5 || nd > 20 || i > 32)
		return fail(ps, TC_ERR_MALFORMED, path,
		    "a telephone number has 5 to 20 digits");
	return 0;
}

static int
check_email(struct parse *ps, const char *path, const char *s)
{
	const char *at = strchr(s, '@'), *d;
	size_t i, n = strlen(s);
	int dot = 0;

	if (n > 254 || at == NULL || at == s || at - s > 64 ||
	    strchr(at + 1, '@') != NULL)
		return fail(ps, TC_ERR_MALFORMED, path,
		    "not an e-mail address (local@domain)");
	for (i = 0; s + i < at; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return fail(ps, TC_ERR_MALFORMED, path,
			    "character %zu is not allowed in an e-mail address",
			    i + 1);
	d = at + 1;
	if (*d == '\0' || *d == '.' || *d == '-' || d[strlen(d) - 1] == '.')
		return fail(ps, TC_ERR_MALFORMED, path,
		    "the domain of the e-mail address is not valid");
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (d[1] == '.')
				return fail(ps, TC_ERR_MALFORMED, path,
				    "the domain has an empty label");
			dot = 1;
		} else if (!isalnum((unsigned char)*d) && *d != '-')
			return fail(ps, TC_ERR_MALFORMED, path,
			    "the domain of the e-mail address is not valid");
	}
	if (!dot)
		return fail(ps, TC_ERR_MALFORMED, path,
		    "the domain of the e-mail address has no dot");
	return 0;
}

/* Words a date field accepts instead of a date. */
static int
date_word(const char *field, const char *s)
{
	size_t n = strlen(field);

	if (strcmp(field, "id-valid-to") == 0)
		return strcmp(s, "permanent") == 0 || strcmp(s, "长期") == 0;
	if (strcmp(field, "to") == 0 ||
	    (n > 3 && strcmp(field + n - 3, "-to") == 0))
		return strcmp(s, "present") == 0 || strcmp(s, "至今") == 0;
	return 0;
}

static int
check_date(struct parse *ps, const char *path, const char *field, const char *s)
{
	char msg[128];
	int64_t day;
	size_t n = strlen(field);

	if (date_word(field, s))
		return 0;
	if (tc_date_parse(s, &day, msg, sizeof(msg)) != 0)
		return fail(ps, TC_ERR_BAD_DATE, path, "%s", msg);
	if (tc_day_from_civil(1900, 1, 1) > day)
		return fail(ps, TC_ERR_BAD_DATE, path, "%s is before 1900", s);
	if ((strcmp(field, "birth-date") == 0 ||
		(n > 5 && strcmp(field + n - 5, "-from") == 0)) &&
	    day > tc_day_of_time(ps->now))
		return fail(
		    ps, TC_ERR_BAD_DATE, path, "%s is in the future", s);
	return 0;
}

static const struct tc_section *
find_section(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->application.n_sections; i++)
		if (strcmp(p->application.sections[i].id, id) == 0)
			return &p->application.sections[i];
	return NULL;
}

static const struct tc_field *
find_field(const struct tc_section *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i].id, id) == 0)
			return &s->fields[i];
	return NULL;
}

static int
core_of(const char *section, const char *field)
{
	int k;

	for (k = 0; k < C_COUNT; k++)
		if (strcmp(core_fields[k].section, section) == 0 &&
		    strcmp(core_fields[k].field, field) == 0)
			return k;
	return -1;
}

/* Adds a file reference to out. */
static int
add_file(struct parse *ps, struct tc_app_form *out, enum tc_att_kind kind,
    const char *material, const char *path, const char *where)
{
	struct tc_app_file *f;

	if (out->n_files == TC_APP_FILES_MAX)
		return fail(ps, TC_ERR_TOO_LARGE, where,
		    "more than %d attachments", TC_APP_FILES_MAX);
	if (*path == '\0' || strlen(path) > TC_APP_PATH_MAX)
		return fail(ps, TC_ERR_MALFORMED, where,
		    "a file name of 1 to %d bytes is needed", TC_APP_PATH_MAX);
	if (out->files == NULL &&
	    (out->files = calloc(TC_APP_FILES_MAX, sizeof(*out->files))) ==
		NULL)
		return tc_seterr(
		    ps->err, ps->errlen, TC_ERR_NOMEM, "out of memory");
	f = &out->files[out->n_files++];
	f->kind = kind;
	snprintf(f->material, sizeof(f->material), "%s",
	    material != NULL ? material : "");
	snprintf(f->path, sizeof(f->path), "%s", path);
	return 0;
}

static const struct tc_material *
find_material(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->application.n_materials; i++)
		if (strcmp(p->application.materials[i].id, id) == 0)
			return &p->application.materials[i];
	return NULL;
}

/* Validates one field value; records core values and photo files. */
static int
field_value(struct parse *ps, struct tc_app_form *out,
    const struct tc_section *sec, const struct tc_field *fd, json_t *v,
    const char *path, int repeating)
{
	const char *s;
	int k, max;

	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(ps, TC_ERR_MALFORMED, path, "must be a string");
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return fail(
		    ps, TC_ERR_MALFORMED, path, "holds a NUL character");
	switch (fd->type) {
	case TC_FIELD_TEXT:
	case TC_FIELD_ADDRESS:
	case TC_FIELD_LONG_TEXT:
		max = fd->max_chars > 0		     ? fd->max_chars
		    : fd->type == TC_FIELD_LONG_TEXT ? LONG_TEXT_CHARS_DEFAULT
						     : TEXT_CHARS_DEFAULT;
		if (check_text(
			ps, path, s, max, fd->type == TC_FIELD_LONG_TEXT) != 0)
			return TC_ERR_MALFORMED;
		break;
	case TC_FIELD_CHOICE:
		if (check_text(ps, path, s, CHOICE_CHARS, 0) != 0)
			return TC_ERR_MALFORMED;
		break;
	case TC_FIELD_DATE:
		if (check_date(ps, path, fd->id, s) != 0)
			return TC_ERR_BAD_DATE;
		break;
	case TC_FIELD_PHONE:
		if (check_phone(ps, path, s) != 0)
			return TC_ERR_MALFORMED;
		break;
	case TC_FIELD_EMAIL:
		if (check_email(ps, path, s) != 0)
			return TC_ERR_MALFORMED;
		break;
	case TC_FIELD_PHOTO:
		return add_file(ps, out, TC_ATT_PHOTO,
		    find_material(ps->p, "photo") != NULL ? "photo" : NULL, s,
		    path);
	case TC_FIELD_ID_NUMBER:
		if (strlen(s) > 64)
			return fail(
			    ps, TC_ERR_TOO_LARGE, path, "longer than 64 bytes");
		break;
	default:
		return fail(ps, TC_ERR_MALFORMED, path, "unknown field type");
	}
	if (!repeating && (k = core_of(sec->id, fd->id)) >= 0)
		return set_core(ps, (enum core)k, s, path);
	return 0;
}

/* Checks "from" <= "to" in one entry when both are dates. */
static int
check_range(struct parse *ps, json_t *entry, const char *path)
{
	json_t *a = json_object_get(entry, "from");
	json_t *b = json_object_get(entry, "to");

	if (json_is_string(a) && json_is_string(b) &&
	    strlen(json_string_value(b)) == 10 &&
	    strcmp(json_string_value(a), json_string_value(b)) > 0)
		return fail(ps, TC_ERR_BAD_DATE, path,
		    "'from' %s is after 'to' %s", json_string_value(a),
		    json_string_value(b));
	return 0;
}

static int
section_entry(struct parse *ps, struct tc_app_form *out,
    const struct tc_section *sec, json_t *entry, const char *path)
{
	const struct tc_field *fd;
	char fpath[160];
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(entry))
		return fail(ps, TC_ERR_MALFORMED, path, "must be an object");
	json_object_foreach(entry, key, v)
	{
		snprintf(fpath, sizeof(fpath), "%s.%.40s", path, key);
		if ((fd = find_field(sec, key)) == NULL)
			return fail(ps, TC_ERR_MALFORMED, fpath,
			    "no such field in section '%s' of %s's form",
			    sec->id, ps->p->id);
		if ((r = field_value(
			 ps, out, sec, fd, v, fpath, sec->repeating)) != 0)
			return r;
	}
	if (sec->repeating)
		return check_range(ps, entry, path);
	return 0;
}

static int
sections(struct parse *ps, struct tc_app_form *out, json_t *obj)
{
	const struct tc_section *sec;
	char path[96], epath[128];
	const char *key;
	json_t *v, *e;
	size_t i;
	int r;

	if (!json_is_object(obj))
		return fail(ps, TC_ERR_MALFORMED, "sections",
		    "must be an object of the programme's form sections");
	json_object_foreach(obj, key, v)
	{
		snprintf(path, sizeof(path), "sections.%.40s", key);
		if ((sec = find_section(ps->p, key)) == NULL)
			return fail(ps, TC_ERR_MALFORMED, path,
			    "%s's form has no such section", ps->p->id);
		if (!sec->repeating) {
			if ((r = section_entry(ps, out, sec, v, path)) != 0)
				return r;
			continue;
		}
		if (!json_is_array(v))
			return fail(ps, TC_ERR_MALFORMED, path,
			    "a repeating section is an array of entries");
		if (json_array_size(v) > ENTRIES_MAX ||
		    (sec->max_entries > 0 &&
			json_array_size(v) > (size_t)sec->max_entries))
			return fail(ps, TC_ERR_TOO_LARGE, path,
			    "%zu entries; at most %d", json_array_size(v),
			    sec->max_entries > 0 ? sec->max_entries
						 : ENTRIES_MAX);
		json_array_foreach(v, i, e)
		{
			snprintf(epath, sizeof(epath), "%s[%zu]", path, i);
			if ((r = section_entry(ps, out, sec, e, epath)) != 0)
				return r;
		}
	}
	return 0;
}

/* A string member of obj, or NULL; fails on another type. */
static int
opt_string(struct parse *ps, json_t *obj, const char *key, const char *path,
    const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    json_string_length(v) == 0)
		return fail(
		    ps, TC_ERR_MALFORMED, path, "must be a non-empty string");
	*out = json_string_value(v);
	return 0;
}

static int
only_keys(
    struct parse *ps, json_t *obj, const char *const *keys, const char *path)
{
	const char *key;
	char kpath[96];
	json_t *v;
	int i;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] == NULL) {
			snprintf(kpath, sizeof(kpath), "%s%s%.40s", path,
			    *path ? "." : "", key);
			return fail(ps, TC_ERR_MALFORMED, kpath, "unknown key");
		}
	}
	return 0;
}

static int
top_object(struct parse *ps, json_t *root, const char *key,
    const char *const *keys, json_t **out)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return fail(ps, TC_ERR_MALFORMED, key, "must be an object");
	*out = v;
	return only_keys(ps, v, keys, key);
}

/* Reads applicant.*, employer.*, tier, clause, work_type. */
static int
top_core(struct parse *ps, struct tc_app_form *out, json_t *root)
{
	static const char *const akeys[] = { "name", "id_type", "id_number",
		"sex", "birth_date", "retirement_age", NULL };
	static const char *const ekeys[] = { "name", "code", "category", NULL };
	static const struct {
		const char *obj, *key;
		enum core k;
	} map[] = {
		{ NULL, "tier", C_TIER },
		{ NULL, "clause", C_CLAUSE },
		{ NULL, "work_type", C_WORK_TYPE },
		{ "applicant", "name", C_NAME },
		{ "applicant", "id_type", C_ID_TYPE },
		{ "applicant", "id_number", C_ID_NUMBER },
		{ "applicant", "sex", C_SEX },
		{ "applicant", "birth_date", C_BIRTH },
		{ "employer", "name", C_EMPLOYER },
	};
	json_t *app, *emp, *o, *v;
	const char *s;
	char path[64];
	size_t i;
	int r;

	if ((r = top_object(ps, root, "applicant", akeys, &app)) != 0 ||
	    (r = top_object(ps, root, "employer", ekeys, &emp)) != 0)
		return r;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		o = map[i].obj == NULL			   ? root
		    : strcmp(map[i].obj, "applicant") == 0 ? app
							   : emp;
		if (o == NULL)
			continue;
		snprintf(path, sizeof(path), "%s%s%s",
		    map[i].obj ? map[i].obj : "", map[i].obj ? "." : "",
		    map[i].key);
		if ((r = opt_string(ps, o, map[i].key, path, &s)) != 0)
			return r;
		if (s != NULL && (r = set_core(ps, map[i].k, s, path)) != 0)
			return r;
	}
	if (app != NULL &&
	    (v = json_object_get(app, "retirement_age")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_integer(v) ||
		    (json_integer_value(v) != 50 &&
			json_integer_value(v) != 55 &&
			json_integer_value(v) != 60))
			return fail(ps, TC_ERR_MALFORMED,
			    "applicant.retirement_age",
			    "the original statutory age: 60 (men), 55 or 50 (women)");
		out->retire_base = (int)json_integer_value(v);
	}
	if (emp != NULL) {
		char msg[256];

		if ((r = opt_string(ps, emp, "code", "employer.code", &s)) != 0)
			return r;
		if (s != NULL &&
		    (r = tc_uscc_normalise(
			 s, out->employer_code, msg, sizeof(msg))) != 0)
			return fail(ps, r, "employer.code", "%s", msg);
		if ((r = opt_string(
			 ps, emp, "category", "employer.category", &s)) != 0)
			return r;
		if (s != NULL) {
			if (!id_syntax_ok(s))
				return fail(ps, TC_ERR_MALFORMED,
				    "employer.category",
				    "an id: a-z, 0-9 and '-', at most %d",
				    TC_PROGRAMME_ID_MAX);
			snprintf(out->employer_category,
			    sizeof(out->employer_category), "%s", s);
		}
	}
	return 0;
}

/* Resolves programme, clause, tier and route into out. */
static int
tier_and_clause(struct parse *ps, struct tc_app_form *out, json_t *root)
{
	const struct tc_clause *cl = NULL;
	const struct tc_tier *t = NULL, *given = NULL;
	const struct tc_route *r = NULL, *rgiven = NULL;
	const char *route, *tier = ps->v[C_TIER], *clause = ps->v[C_CLAUSE];
	const struct tc_programme *p = ps->p;
	int e;

	if ((e = opt_string(ps, root, "route", "route", &route)) != 0)
		return e;
	if (route != NULL && (rgiven = tc_programme_route(p, route)) == NULL)
		return fail(ps, TC_ERR_NOT_FOUND, "route",
		    "%s has no route '%.40s'", p->id, route);
	if (tier != NULL && (given = tc_programme_tier(p, tier)) == NULL)
		return fail(ps, TC_ERR_NOT_FOUND, ps->where[C_TIER],
		    "%s has no tier '%.40s'", p->id, tier);
	if (clause != NULL)
		cl = tc_programme_clause(p, clause, &t, &r);
	if (clause != NULL && cl == NULL) {
		/* An incomplete clause list takes other clause ids. */
		if (given == NULL || given->clauses_complete ||
		    !id_syntax_ok(clause))
			return fail(ps, TC_ERR_NOT_FOUND, ps->where[C_CLAUSE],
			    "%s has no clause '%.40s'%s", p->id, clause,
			    given != NULL && !given->clauses_complete
				? " (clause ids are a-z, 0-9 and '-')"
				: "");
		t = given;
	}
	if (clause == NULL) {
		if (given == NULL)
			return fail(ps, TC_ERR_MALFORMED, "clause",
			    "the clause the applicant applies under is needed (sections.category.clause or clause)");
		if (given->kind == TC_TIER_MAIN && given->n_clauses > 0)
			return fail(ps, TC_ERR_MALFORMED, "clause",
			    "tier %s needs a clause", given->id);
		t = given;
	}
	if (r != NULL) {
		/* A clause of a route: the route may decide the tier. */
		if (rgiven != NULL && rgiven != r)
			return fail(ps, TC_ERR_MALFORMED, "route",
			    "clause %s belongs to route %s, not %s", clause,
			    r->id, rgiven->id);
		snprintf(out->route, sizeof(out->route), "%s", r->id);
		if (r->tiers.n == 1)
			t = tc_programme_tier(p, r->tiers.v[0]);
		if (given != NULL) {
			if (r->tiers.n != 1)
				return fail(ps, TC_ERR_MALFORMED,
				    ps->where[C_TIER],
				    "the tier of route %s is decided at approval; leave it out",
				    r->id);
			if (given != t)
				return fail(ps, TC_ERR_MALFORMED,
				    ps->where[C_TIER],
				    "route %s gives tier %s, not %s", r->id,
				    t != NULL ? t->id : "?", given->id);
		}
	} else {
		if (given != NULL && t != given)
			return fail(ps, TC_ERR_MALFORMED, ps->where[C_CLAUSE],
			    "clause %s belongs to tier %s, not %s", clause,
			    t->id, given->id);
		if (rgiven != NULL) {
			if (rgiven->n_clauses > 0)
				return fail(ps, TC_ERR_MALFORMED, "route",
				    "route %s has clauses of its own; apply under one of them",
				    rgiven->id);
			if (!tc_idlist_has(&rgiven->tiers, t->id))
				return fail(ps, TC_ERR_MALFORMED, "route",
				    "route %s is not for tier %s", rgiven->id,
				    t->id);
			snprintf(
			    out->route, sizeof(out->route), "%s", rgiven->id);
		}
	}
	if (t != NULL)
		snprintf(out->tier, sizeof(out->tier), "%s", t->id);
	if (clause != NULL)
		snprintf(out->clause, sizeof(out->clause), "%s", clause);
	return 0;
}

/* The applicant: name, ID, sex, birth date, retirement group. */
static int
identity(struct parse *ps, struct tc_app_form *out)
{
	const struct tc_programme *p = ps->p;
	char msg[256], bd[TC_DATE_TEXT];
	int y, m, d, r;

	if (ps->v[C_NAME] == NULL)
		return fail(ps, TC_ERR_MALFORMED, "applicant.name",
		    "the applicant's name is needed");
	if (check_text(ps, ps->where[C_NAME], ps->v[C_NAME], 128, 0) != 0)
		return TC_ERR_MALFORMED;
	if (strlen(ps->v[C_NAME]) > TC_HOLDER_NAME_MAX)
		return fail(ps, TC_ERR_MALFORMED, ps->where[C_NAME],
		    "longer than %d bytes", TC_HOLDER_NAME_MAX);
	snprintf(out->name, sizeof(out->name), "%s", ps->v[C_NAME]);
	if (ps->v[C_ID_TYPE] == NULL || ps->v[C_ID_NUMBER] == NULL)
		return fail(ps, TC_ERR_MALFORMED, "applicant.id_number",
		    "the ID document type and number are needed");
	if (tc_app_id_type_parse(ps->v[C_ID_TYPE], &out->id_type) != 0)
		return fail(ps, TC_ERR_MALFORMED, ps->where[C_ID_TYPE],
		    "unknown ID type '%.40s'", ps->v[C_ID_TYPE]);
	if (!tc_app_takes_id_type(p, out->id_type))
		return fail(ps, TC_ERR_MALFORMED, ps->where[C_ID_TYPE],
		    "%s does not take ID type %s", p->id,
		    tc_id_type_name(out->id_type));
	if ((r = tc_id_normalise(out->id_type, ps->v[C_ID_NUMBER], ps->now,
		 out->id_number, msg, sizeof(msg))) != 0)
		return fail(ps, r, ps->where[C_ID_NUMBER], "%s", msg);
	if (tc_id_mask(out->id_number, out->id_masked) != 0)
		return fail(ps, TC_ERR_INTERNAL, ps->where[C_ID_NUMBER],
		    "masking failed");
	/* Sex and birth date carried in the number, where it has them. */
	if (ps->v[C_SEX] != NULL && sex_parse(ps->v[C_SEX], ps->sex) != 0)
		return fail(ps, TC_ERR_MALFORMED, ps->where[C_SEX],
		    "'male' or 'female' (男, 女)");
	if ((out->id_type == TC_ID_RESIDENT ||
		out->id_type == TC_ID_HKMO_RESIDENCE ||
		out->id_type == TC_ID_TW_RESIDENCE) &&
	    strlen(out->id_number) == 18) {
		const char *derived =
		    (out->id_number[16] - '0') % 2 ? "male" : "female";

		if (ps->sex[0] != '\0' && strcmp(ps->sex, derived) != 0)
			return fail(ps, TC_ERR_MALFORMED, ps->where[C_SEX],
			    "the ID number says %s", derived);
		snprintf(ps->sex, sizeof(ps->sex), "%s", derived);
	}
	snprintf(out->sex, sizeof(out->sex), "%s", ps->sex);
	if (tc_id_birth_date(out->id_type, out->id_number, &y, &m, &d) == 0) {
		snprintf(bd, sizeof(bd), "%04d-%02d-%02d", y, m, d);
		if (ps->v[C_BIRTH] != NULL && strcmp(ps->v[C_BIRTH], bd) != 0)
			return fail(ps, TC_ERR_MALFORMED, ps->where[C_BIRTH],
			    "the ID number gives another birth date");
		snprintf(out->birth_date, sizeof(out->birth_date), "%s", bd);
	} else if (ps->v[C_BIRTH] != NULL) {
		if (check_date(ps, ps->where[C_BIRTH], "birth-date",
			ps->v[C_BIRTH]) != 0)
			return TC_ERR_BAD_DATE;
		snprintf(out->birth_date, sizeof(out->birth_date), "%s",
		    ps->v[C_BIRTH]);
	}
	if (out->retire_base != 0) {
		if (out->sex[0] == '\0')
			return fail(ps, TC_ERR_MALFORMED,
			    "applicant.retirement_age",
			    "needs the applicant's sex");
		if ((strcmp(out->sex, "male") == 0) !=
		    (out->retire_base == TC_RETIRE_MEN))
			return fail(ps, TC_ERR_MALFORMED,
			    "applicant.retirement_age",
			    "60 is the men's age; women's are 55 and 50");
	} else if (out->sex[0] != '\0')
		out->retire_base = strcmp(out->sex, "male") == 0
		    ? TC_RETIRE_MEN
		    : TC_RETIRE_WOMEN_55;
	return 0;
}

static int
employer_and_work(struct parse *ps, struct tc_app_form *out)
{
	const struct tc_programme *p = ps->p;
	char key[TC_EMPLOYER_KEY_MAX], msg[256];
	size_t i;

	if (ps->v[C_EMPLOYER] != NULL) {
		if (check_text(ps, ps->where[C_EMPLOYER], ps->v[C_EMPLOYER],
			128, 0) != 0)
			return TC_ERR_MALFORMED;
		if (tc_employer_key(ps->v[C_EMPLOYER], key, msg, sizeof(msg)) !=
		    0)
			return fail(ps, TC_ERR_MALFORMED, ps->where[C_EMPLOYER],
			    "%s", msg);
		snprintf(out->employer, sizeof(out->employer), "%s",
		    ps->v[C_EMPLOYER]);
	}
	if (ps->v[C_WORK_TYPE] != NULL) {
		for (i = 0; i < p->application.n_work_types; i++)
			if (strcmp(p->application.work_types[i].id,
				ps->v[C_WORK_TYPE]) == 0)
				break;
		if (i == p->application.n_work_types)
			return fail(ps, TC_ERR_NOT_FOUND,
			    ps->where[C_WORK_TYPE],
			    "%s has no work type '%.40s'%s", p->id,
			    ps->v[C_WORK_TYPE],
			    p->application.n_work_types == 0
				? " (it has no work types)"
				: "");
		snprintf(out->work_type, sizeof(out->work_type), "%s",
		    ps->v[C_WORK_TYPE]);
	}
	return 0;
}

static int
attachments(struct parse *ps, struct tc_app_form *out, json_t *root)
{
	static const char *const keys[] = { "kind", "material", "file", NULL };
	json_t *arr = json_object_get(root, "attachments"), *e;
	const char *kind, *material, *file;
	enum tc_att_kind k;
	char path[64];
	size_t i;
	int r;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail(ps, TC_ERR_MALFORMED, "attachments",
		    "must be an array of {kind, material, file}");
	json_array_foreach(arr, i, e)
	{
		snprintf(path, sizeof(path), "attachments[%zu]", i);
		if (!json_is_object(e))
			return fail(
			    ps, TC_ERR_MALFORMED, path, "must be an object");
		if ((r = only_keys(ps, e, keys, path)) != 0 ||
		    (r = opt_string(ps, e, "kind", path, &kind)) != 0 ||
		    (r = opt_string(ps, e, "material", path, &material)) != 0 ||
		    (r = opt_string(ps, e, "file", path, &file)) != 0)
			return r;
		if (file == NULL)
			return fail(
			    ps, TC_ERR_MALFORMED, path, "'file' is needed");
		if (material != NULL && find_material(ps->p, material) == NULL)
			return fail(ps, TC_ERR_NOT_FOUND, path,
			    "%s has no material '%.40s'", ps->p->id, material);
		if (kind != NULL) {
			if (tc_att_kind_parse(kind, &k) != 0)
				return fail(ps, TC_ERR_MALFORMED, path,
				    "unknown kind '%.40s'", kind);
		} else if (material != NULL)
			k = tc_att_kind_of_material(material);
		else
			return fail(ps, TC_ERR_MALFORMED, path,
			    "give a 'kind' or a 'material'");
		if ((r = add_file(ps, out, k, material, file, path)) != 0)
			return r;
	}
	return 0;
}

/* The guards that a programme may state "in principle" (原则上). */
static int
guard_in_principle(const struct tc_programme *p, const char *guard)
{
	size_t i;

	if (strcmp(guard, "retirement-age") == 0)
		return p->guards.below_retirement_age.set &&
		    p->guards.below_retirement_age.in_principle;
	if (strcmp(guard, "excluded-employer") == 0) {
		for (i = 0; i < p->n_excluded_employers; i++)
			if (p->excluded_employers[i].in_principle)
				return 1;
	}
	return 0;
}

static int
exceptions(struct parse *ps, struct tc_app_form *out, json_t *root)
{
	json_t *obj = json_object_get(root, "exceptions"), *v;
	const char *key;
	char path[96];

	if (obj == NULL || json_is_null(obj))
		obj = NULL;
	else if (!json_is_object(obj))
		return fail(ps, TC_ERR_MALFORMED, "exceptions",
		    "must be an object {\"GUARD\": \"reason\"}");
	if (obj != NULL) {
		json_object_foreach(obj, key, v)
		{
			snprintf(path, sizeof(path), "exceptions.%.40s", key);
			if (strcmp(key, "retirement-age") != 0 &&
			    strcmp(key, "excluded-employer") != 0)
				return fail(ps, TC_ERR_NOT_FOUND, path,
				    "only the guards retirement-age and excluded-employer can have exceptions");
			if (!guard_in_principle(ps->p, key))
				return fail(ps, TC_ERR_MALFORMED, path,
				    "%s does not state this guard 'in principle', so it has no exceptions",
				    ps->p->id);
			if (!json_is_string(v) ||
			    !tc_app_text_ok(
				json_string_value(v), TC_APP_REASON_MAX, 1))
				return fail(ps, TC_ERR_MALFORMED, path,
				    "the reason: 1 to %d bytes of text",
				    TC_APP_REASON_MAX);
		}
	}
	out->exceptions_json = obj != NULL
	    ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS)
	    : strdup("{}");
	if (out->exceptions_json == NULL)
		return tc_seterr(
		    ps->err, ps->errlen, TC_ERR_NOMEM, "out of memory");
	return 0;
}

/* Sets section.field to value in the stored form when the form has it. */
static int
put_field(const struct tc_programme *p, json_t *secs, const char *section,
    const char *field, const char *value)
{
	const struct tc_section *sec = find_section(p, section);
	json_t *o;

	if (sec == NULL || sec->repeating || find_field(sec, field) == NULL ||
	    value == NULL || *value == '\0')
		return 0;
	if ((o = json_object_get(secs, section)) == NULL) {
		if ((o = json_object()) == NULL ||
		    json_object_set_new(secs, section, o) != 0)
			return TC_ERR_NOMEM;
	}
	return json_object_set_new(o, field, json_string(value)) == 0
	    ? 0
	    : TC_ERR_NOMEM;
}

/* Removes fields of a type from every entry of the stored form. */
static void
drop_type(const struct tc_programme *p, json_t *secs, enum tc_field_type t)
{
	const struct tc_section *sec;
	const char *key;
	json_t *v, *e;
	size_t i, j;

	json_object_foreach(secs, key, v)
	{
		if ((sec = find_section(p, key)) == NULL)
			continue;
		for (j = 0; j < sec->n_fields; j++) {
			if (sec->fields[j].type != t)
				continue;
			if (json_is_object(v))
				json_object_del(v, sec->fields[j].id);
			else
				json_array_foreach(v, i, e)
				    json_object_del(e, sec->fields[j].id);
		}
	}
}

/*
 * Fills the derived fields of non-repeating sections ("section.field"
 * copies another field; category.tier derived from the clause is the
 * clause's tier). A given value that differs is refused.
 */
static int
derived(struct parse *ps, struct tc_app_form *out, json_t *secs)
{
	const struct tc_programme *p = ps->p;
	const struct tc_section *sec;
	const struct tc_field *fd;
	char src_sec[64], path[160];
	const char *dot, *val, *have;
	json_t *o, *src;
	size_t i, j;

	for (i = 0; i < p->application.n_sections; i++) {
		sec = &p->application.sections[i];
		if (sec->repeating)
			continue;
		for (j = 0; j < sec->n_fields; j++) {
			fd = &sec->fields[j];
			if (fd->derived_from == NULL ||
			    (dot = strchr(fd->derived_from, '.')) == NULL ||
			    (size_t)(dot - fd->derived_from) >= sizeof(src_sec))
				continue;
			snprintf(src_sec, sizeof(src_sec), "%.*s",
			    (int)(dot - fd->derived_from), fd->derived_from);
			if (strcmp(fd->derived_from, "category.clause") == 0 &&
			    strcmp(fd->id, "tier") == 0)
				val = out->tier[0] ? out->tier : NULL;
			else {
				src = json_object_get(
				    json_object_get(secs, src_sec), dot + 1);
				val = json_is_string(src)
				    ? json_string_value(src)
				    : NULL;
			}
			o = json_object_get(secs, sec->id);
			have = json_string_value(json_object_get(o, fd->id));
			snprintf(path, sizeof(path), "sections.%s.%s", sec->id,
			    fd->id);
			if (have != NULL && val != NULL && strcmp(have, val))
				return fail(ps, TC_ERR_MALFORMED, path,
				    "is derived from %s and differs from it",
				    fd->derived_from);
			if (val != NULL &&
			    put_field(p, secs, sec->id, fd->id, val) != 0)
				return tc_seterr(ps->err, ps->errlen,
				    TC_ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

/* Refuses a stored form that still carries the ID number somewhere. */
static int
no_id_inside(struct parse *ps, const char *text, const char *id)
{
	char head[18];
	size_t n = strlen(id);

	if (n < 6)
		return 0;
	if (strcasestr(text, id) != NULL)
		return fail(ps, TC_ERR_MALFORMED, "sections",
		    "the applicant's ID number appears in another field; it is kept only sealed and may not be copied into the form");
	if (n == 18) {
		memcpy(head, id, 17);
		head[17] = '\0';
		if (strcasestr(text, head) != NULL)
			return fail(ps, TC_ERR_MALFORMED, "sections",
			    "the first 17 characters of the applicant's ID number appear in another field");
	}
	return 0;
}

static int
stored_form(struct parse *ps, struct tc_app_form *out, json_t *root)
{
	json_t *secs = json_object_get(root, "sections");
	const struct tc_programme *p = ps->p;
	char *text = NULL;
	int r;

	secs = secs != NULL ? json_deep_copy(secs) : json_object();
	if (secs == NULL)
		return tc_seterr(
		    ps->err, ps->errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = derived(ps, out, secs)) != 0)
		goto out;
	if (put_field(p, secs, "category", "tier", out->tier) != 0 ||
	    put_field(p, secs, "category", "clause", out->clause) != 0 ||
	    put_field(p, secs, "basic", "name", out->name) != 0 ||
	    put_field(p, secs, "basic", "id-type",
		tc_id_type_name(out->id_type)) != 0 ||
	    put_field(p, secs, "basic", "sex", out->sex) != 0 ||
	    put_field(p, secs, "basic", "birth-date", out->birth_date) != 0 ||
	    put_field(p, secs, "basic", "employer", out->employer) != 0 ||
	    put_field(p, secs, "basic", "work-type", out->work_type) != 0) {
		r = tc_seterr(
		    ps->err, ps->errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Derived fields again: they may copy what was just filled in. */
	if ((r = derived(ps, out, secs)) != 0)
		goto out;
	drop_type(p, secs, TC_FIELD_ID_NUMBER);
	drop_type(p, secs, TC_FIELD_PHOTO);
	if ((text = json_dumps(secs, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		r = tc_seterr(
		    ps->err, ps->errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = no_id_inside(ps, text, out->id_number)) != 0)
		goto out;
	out->form_json = text;
	text = NULL;
	r = 0;
out:
	free(text);
	json_decref(secs);
	return r;
}

int
tc_app_form_parse(const struct tc_programme_set *set, const char *json,
    size_t len, time_t now, struct tc_app_form *out, char *err, size_t errlen)
{
	static const char *const keys[] = { "format", "programme", "route",
		"tier", "clause", "work_type", "applicant", "employer",
		"sections", "attachments", "exceptions", "pledge_accepted",
		"note", NULL };
	struct parse ps;
	json_error_t jerr;
	json_t *root = NULL, *v;
	const char *s;
	int r;

	if (out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	if (set == NULL || (json == NULL && len > 0))
		return tc_reg_no_arg(err, errlen);
	if (len > TC_APP_FORM_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the application file has %zu bytes; at most %d", len,
		    TC_APP_FORM_MAX);
	memset(&ps, 0, sizeof(ps));
	ps.now = now;
	ps.err = err;
	ps.errlen = errlen;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		r = tc_seterr(err, errlen,
		    json_error_code(&jerr) == json_error_invalid_utf8
			? TC_ERR_BAD_ENCODING
			: TC_ERR_MALFORMED,
		    "line %d, column %d: %s", jerr.line, jerr.column,
		    jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the application file is a JSON object");
		goto out;
	}
	if ((r = only_keys(&ps, root, keys, "")) != 0)
		goto out;
	if ((r = opt_string(&ps, root, "format", "format", &s)) != 0)
		goto out;
	if (s != NULL && strcmp(s, TC_APP_FORMAT) != 0) {
		r = fail(&ps, TC_ERR_MALFORMED, "format", "must be \"%s\"",
		    TC_APP_FORMAT);
		goto out;
	}
	if ((r = opt_string(&ps, root, "programme", "programme", &s)) != 0)
		goto out;
	if (s == NULL) {
		r = fail(&ps, TC_ERR_MALFORMED, "programme",
		    "the programme id is needed");
		goto out;
	}
	if ((ps.p = tc_programme_set_find(set, s)) == NULL) {
		r = fail(&ps, TC_ERR_NOT_FOUND, "programme",
		    "no programme '%.40s' is loaded", s);
		goto out;
	}
	out->programme = ps.p;
	if ((v = json_object_get(root, "note")) != NULL && !json_is_string(v)) {
		r = fail(&ps, TC_ERR_MALFORMED, "note", "must be a string");
		goto out;
	}
	if ((v = json_object_get(root, "pledge_accepted")) != NULL &&
	    !json_is_boolean(v)) {
		r = fail(&ps, TC_ERR_MALFORMED, "pledge_accepted",
		    "must be true or false");
		goto out;
	}
	out->pledge_accepted = json_is_true(v);
	if ((r = top_core(&ps, out, root)) != 0)
		goto out;
	if ((v = json_object_get(root, "sections")) != NULL &&
	    (r = sections(&ps, out, v)) != 0)
		goto out;
	if ((r = tier_and_clause(&ps, out, root)) != 0 ||
	    (r = employer_and_work(&ps, out)) != 0 ||
	    (r = attachments(&ps, out, root)) != 0 ||
	    (r = exceptions(&ps, out, root)) != 0 ||
	    (r = identity(&ps, out)) != 0 ||
	    (r = stored_form(&ps, out, root)) != 0)
		goto out;
	r = 0;
out:
	json_decref(root);
	if (r != 0)
		tc_app_form_release(out);
	return r;
}

/* Appends "; item" to the missing list in msg. */
static void missing(char *msg, size_t len, size_t *used, int *count,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
missing(char *msg, size_t len, size_t *used, int *count, const char *fmt, ...)
{
	va_list ap;
	int n;

	(*count)++;
	if (*used + 8 >= len)
		return;
	n = snprintf(msg + *used, len - *used, "%s", *count > 1 ? "; " : "");
	if (n > 0)
		*used += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(msg + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
	if (*used >= len)
		*used = len - 1;
}

/* 1 when a value is present and not empty. */
static int
has_value(json_t *o, const char *field)
{
	json_t *v = json_object_get(o, field);

	return json_is_string(v) && json_string_length(v) > 0;
}

/* The fields that the completeness check does not look for in the form. */
static int
skip_field(const struct tc_app_facts *f, const struct tc_section *sec,
    const struct tc_field *fd)
{
	if (fd->type == TC_FIELD_ID_NUMBER || fd->type == TC_FIELD_PHOTO)
		return 1;
	/* The tier of a route that decides it comes at approval. */
	if (strcmp(sec->id, "category") == 0 && strcmp(fd->id, "tier") == 0 &&
	    (f->tier == NULL || *f->tier == '\0'))
		return 1;
	/* Sub-cards: the form is the talent's; only the identity counts. */
	if (f->kind == TC_APP_SUB &&
	    !(strcmp(sec->id, "basic") == 0 &&
		(strcmp(fd->id, "name") == 0 ||
		    strcmp(fd->id, "id-type") == 0)))
		return 1;
	return 0;
}

static int
material_applies(const struct tc_app_facts *f, const struct tc_material *m)
{
	enum tc_id_type t;
	size_t i;
	int any;

	if (m->purpose != TC_PURPOSE_APPLY)
		return 0;
	if (m->tiers.n > 0 &&
	    (f->tier == NULL || *f->tier == '\0' ||
		!tc_idlist_has(&m->tiers, f->tier)))
		return 0;
	if (m->work_types.n > 0 &&
	    (f->work_type == NULL ||
		!tc_idlist_has(&m->work_types, f->work_type)))
		return 0;
	if (m->id_types.n > 0) {
		for (any = 0, i = 0; i < m->id_types.n; i++)
			if (tc_app_id_type_parse(m->id_types.v[i], &t) == 0 &&
			    t == f->id_type)
				any = 1;
		if (!any)
			return 0;
	}
	return 1;
}

static int
material_given(const struct tc_app_facts *f, const struct tc_material *m)
{
	enum tc_att_kind k = tc_att_kind_of_material(m->id);
	const char *mat;
	size_t i;

	for (i = 0; i < f->n_atts; i++) {
		mat = f->att_materials != NULL ? f->att_materials[i] : NULL;
		if (mat != NULL && *mat != '\0') {
			if (strcmp(mat, m->id) == 0)
				return 1;
		} else if (k != TC_ATT_OTHER && f->att_kinds[i] == k)
			return 1;
	}
	return 0;
}

int
tc_app_form_complete(const struct tc_app_facts *f, char *err, size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_section *sec;
	const struct tc_field *fd;
	char msg[1024];
	size_t used = 0, i, j, k;
	json_t *form = NULL, *v, *e;
	int count = 0, photo_needed = 0;

	if (f == NULL || f->programme == NULL || f->form_json == NULL ||
	    (f->n_atts > 0 && f->att_kinds == NULL))
		return tc_reg_no_arg(err, errlen);
	p = f->programme;
	msg[0] = '\0';
	if ((form = json_loads(f->form_json, JSON_REJECT_DUPLICATES, NULL)) ==
		NULL ||
	    !json_is_object(form)) {
		json_decref(form);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the stored form is not a JSON object");
	}
	for (i = 0; i < p->application.n_sections; i++) {
		sec = &p->application.sections[i];
		v = json_object_get(form, sec->id);
		/* Every printed card shows a photo: a sub-card's is the
		 * relative's, so a sub-card application needs one too. */
		for (j = 0; j < sec->n_fields; j++)
			if (sec->fields[j].type == TC_FIELD_PHOTO &&
			    sec->fields[j].required)
				photo_needed = 1;
		if (sec->repeating) {
			if (f->kind == TC_APP_SUB)
				continue;
			if (sec->required &&
			    (!json_is_array(v) ||
				json_array_size(v) < (size_t)(sec->min_entries
							     ? sec->min_entries
							     : 1)))
				missing(msg, sizeof(msg), &used, &count,
				    "sections.%s: at least %d entr%s", sec->id,
				    sec->min_entries ? sec->min_entries : 1,
				    sec->min_entries > 1 ? "ies" : "y");
			json_array_foreach(v, k, e)
			{
				for (j = 0; j < sec->n_fields; j++) {
					fd = &sec->fields[j];
					if (fd->required &&
					    !skip_field(f, sec, fd) &&
					    !has_value(e, fd->id))
						missing(msg, sizeof(msg), &used,
						    &count,
						    "sections.%s[%zu].%s",
						    sec->id, k, fd->id);
				}
			}
			continue;
		}
		if (!sec->required && v == NULL)
			continue;
		for (j = 0; j < sec->n_fields; j++) {
			fd = &sec->fields[j];
			if (fd->required && !skip_field(f, sec, fd) &&
			    !has_value(v, fd->id))
				missing(msg, sizeof(msg), &used, &count,
				    "sections.%s.%s", sec->id, fd->id);
		}
	}
	if (p->application.n_work_types > 0 && f->kind != TC_APP_SUB &&
	    (f->work_type == NULL || *f->work_type == '\0'))
		missing(msg, sizeof(msg), &used, &count, "work type");
	if (photo_needed) {
		for (i = 0; i < f->n_atts; i++)
			if (f->att_kinds[i] == TC_ATT_PHOTO)
				break;
		if (i == f->n_atts)
			missing(msg, sizeof(msg), &used, &count, "photo");
	}
	for (i = 0; i < p->application.n_materials; i++) {
		const struct tc_material *m = &p->application.materials[i];

		if (m->required && material_applies(f, m) &&
		    !material_given(f, m))
			missing(msg, sizeof(msg), &used, &count, "material %s",
			    m->id);
	}
	if (p->application.pledge.required && !f->pledge_accepted)
		missing(msg, sizeof(msg), &used, &count,
		    "the integrity pledge (--accept-pledge)");
	json_decref(form);
	if (count > 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "incomplete (%d missing): %s", count, msg);
	return 0;
}
