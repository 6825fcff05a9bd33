/* SPDX-License-Identifier: MIT */
/*
 * Shared code of the application commands (issuer/app-cli.h): the session,
 * reading files and ID numbers, turning options into an application file,
 * attaching files and printing applications.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "app-cli.h"
#include "cli.h"
#include "home.h"
#include "operator.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/file.h"

int
tc_ac_app_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	if (strncmp(s, "application:", 12) == 0)
		s += 12;
	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return -1;
	*id = v;
	return 0;
}

int
tc_ac_card(struct tc_session *s, const char *text, struct tc_card *card)
{
	char region[7], norm[17], err[512] = "", *end;
	uint64_t serial;
	long long v;
	int r;

	if (tc_cardno_parse(text, region, &serial, norm, err, sizeof(err)) == 0)
		r = tc_registry_card_get_by_no(
		    s->reg, norm, card, err, sizeof(err));
	else {
		errno = 0;
		v = strtoll(text, &end, 10);
		if (*text < '1' || *text > '9' || *end != '\0' || errno != 0 ||
		    v > (long long)TC_CARDNO_SERIAL_MAX)
			return tc_cli_fail(TC_ERR_INVALID_ARG, "card",
			    err[0] ? err
				   : "give a 16-digit card number or a serial");
		r = tc_registry_card_get(s->reg, v, card, err, sizeof(err));
	}
	if (r != 0)
		return tc_cli_fail(r, "card", err);
	return TC_EXIT_OK;
}

int
tc_ac_read_file(const char *path, size_t max, struct tc_buf *out)
{
	char msg[4300];
	int r, status;

	if ((r = tc_file_read(path, NULL, max, 0, out, msg, sizeof(msg))) == 0)
		return TC_EXIT_OK;
	/* Too large is the user's input (1); anything else the system's (3). */
	status = tc_cli_fail(r, "file", msg);
	return r == TC_ERR_TOO_LARGE ? status : TC_EXIT_ENV;
}

int
tc_ac_read_id(const char *opt_id, const char *opt_env, const char *missing,
    char *out, size_t outlen)
{
	struct termios old, quiet;
	const char *v;
	size_t n;
	int c, restore = 0;

	out[0] = '\0';
	if (opt_id == NULL && opt_env == NULL && missing != NULL)
		return tc_cli_usage("%s", missing);
	if (opt_id != NULL && opt_env != NULL)
		return tc_cli_usage("give --id - or --id-env VAR, not both");
	if (opt_id != NULL && strcmp(opt_id, "-") != 0)
		return tc_cli_usage(
		    "--id takes '-' (the number is read from standard input); an ID number on the command line would be visible to other users in ps and stay in the shell history");
	if (opt_env != NULL) {
		if ((v = getenv(opt_env)) == NULL || *v == '\0')
			return tc_cli_usage("$%s is not set", opt_env);
		if (strlen(v) >= outlen)
			return tc_cli_fail(TC_ERR_TOO_LARGE, "--id-env",
			    "the ID number is too long");
		snprintf(out, outlen, "%s", v);
		return TC_EXIT_OK;
	}
	if (opt_id == NULL)
		return TC_EXIT_OK;
	/* Typed at a terminal: no echo, so the number is not on screen. */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		fputs("ID number: ", stderr);
	}
	n = 0;
	while ((c = getchar()) != EOF && c != '\n') {
		if (n + 1 >= outlen) {
			if (restore)
				tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			OPENSSL_cleanse(out, outlen);
			return tc_cli_fail(TC_ERR_TOO_LARGE, "--id -",
			    "the line on standard input is too long for an ID number");
		}
		out[n++] = (char)c;
	}
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	if (n == 0)
		return tc_cli_fail(TC_ERR_INVALID_ARG, "--id -",
		    "no ID number on standard input");
	return TC_EXIT_OK;
}

int
tc_ac_list_add(const char **list, size_t *n, const char *v, const char *opt)
{
	if (*n == TC_AC_LIST_MAX)
		return tc_cli_usage(
		    "more than %d %s options", TC_AC_LIST_MAX, opt);
	if (strchr(v, '=') == NULL)
		return tc_cli_usage("%s wants NAME=VALUE, not '%s'", opt, v);
	list[(*n)++] = v;
	return TC_EXIT_OK;
}

/* root[key] as an object, created when missing. */
static json_t *
obj_of(json_t *root, const char *key)
{
	json_t *o = json_object_get(root, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(root, key, o);
	}
	return o;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

/* Makes file paths of "attachments" absolute against dir. */
static void
resolve_paths(json_t *root, const char *dir)
{
	json_t *arr = json_object_get(root, "attachments"), *e, *f;
	char path[4200];
	size_t i;

	json_array_foreach(arr, i, e)
	{
		f = json_object_get(e, "file");
		if (!json_is_string(f) || json_string_value(f)[0] == '/')
			continue;
		snprintf(
		    path, sizeof(path), "%s/%s", dir, json_string_value(f));
		json_object_set_new(e, "file", json_string(path));
	}
}

/* Photo fields in the file name files relative to the file too. */
static void
resolve_photos(json_t *secs, const struct tc_programme *p, const char *dir)
{
	const struct tc_section *sec;
	char path[4200];
	const char *v;
	json_t *o;
	size_t i, j;

	if (p == NULL || !json_is_object(secs))
		return;
	for (i = 0; i < p->application.n_sections; i++) {
		sec = &p->application.sections[i];
		if (sec->repeating ||
		    (o = json_object_get(secs, sec->id)) == NULL)
			continue;
		for (j = 0; j < sec->n_fields; j++) {
			if (sec->fields[j].type != TC_FIELD_PHOTO)
				continue;
			v = json_string_value(
			    json_object_get(o, sec->fields[j].id));
			if (v == NULL || v[0] == '/')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, v);
			json_object_set_new(
			    o, sec->fields[j].id, json_string(path));
		}
	}
}

static int
merge_file(struct tc_session *s, const char *path, json_t *root)
{
	struct tc_buf b;
	json_error_t jerr;
	json_t *file, *v, *secs, *fsecs;
	const char *key, *pid;
	char *copy, msg[4400];
	int status;

	tc_buf_init(&b, TC_APP_FORM_MAX);
	if ((status = tc_ac_read_file(path, TC_APP_FORM_MAX, &b)) !=
	    TC_EXIT_OK) {
		tc_buf_release(&b);
		return status;
	}
	file = json_loadb(
	    (const char *)b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
	tc_buf_release(&b);
	if (!json_is_object(file)) {
		snprintf(msg, sizeof(msg), "%s: line %d, column %d: %s", path,
		    jerr.line, jerr.column,
		    file == NULL ? jerr.text : "not a JSON object");
		json_decref(file);
		return tc_cli_fail(TC_ERR_MALFORMED, "--from", msg);
	}
	if ((copy = strdup(path)) == NULL) {
		json_decref(file);
		return tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
	}
	resolve_paths(file, dirname(copy));
	pid = json_string_value(json_object_get(file, "programme"));
	if (pid == NULL)
		pid = json_string_value(json_object_get(root, "programme"));
	resolve_photos(json_object_get(file, "sections"),
	    pid != NULL ? tc_programme_set_find(s->progs, pid) : NULL, copy);
	free(copy);
	fsecs = json_object_get(file, "sections");
	json_object_foreach(file, key, v)
	{
		if (strcmp(key, "sections") == 0)
			continue;
		json_object_set(root, key, v);
	}
	if (json_is_object(fsecs)) {
		secs = obj_of(root, "sections");
		json_object_foreach(fsecs, key, v)
		    json_object_set(secs, key, v);
	} else if (fsecs != NULL)
		json_object_set(root, "sections", fsecs);
	json_decref(file);
	return TC_EXIT_OK;
}

/* --field SECTION.FIELD=VALUE or SECTION[N].FIELD=VALUE. */
static int
set_field(json_t *root, const char *spec)
{
	char sec[64], field[64];
	const char *eq = strchr(spec, '='), *dot, *br;
	json_t *secs, *o, *arr;
	long idx = -1;
	size_t len;

	dot = memchr(spec, '.', (size_t)(eq - spec));
	if (dot == NULL || dot == spec || dot + 1 == eq)
		return tc_cli_usage(
		    "--field wants SECTION.FIELD=VALUE, not '%.64s'", spec);
	len = (size_t)(dot - spec);
	if ((br = memchr(spec, '[', len)) != NULL) {
		idx = strtol(br + 1, NULL, 10);
		if (idx < 0 || idx > 99 || dot[-1] != ']')
			return tc_cli_usage(
			    "--field: bad entry index in '%.64s'", spec);
		len = (size_t)(br - spec);
	}
	if (len >= sizeof(sec) || (size_t)(eq - dot - 1) >= sizeof(field))
		return tc_cli_usage("--field: name too long in '%.64s'", spec);
	memcpy(sec, spec, len);
	sec[len] = '\0';
	memcpy(field, dot + 1, (size_t)(eq - dot - 1));
	field[eq - dot - 1] = '\0';
	secs = obj_of(root, "sections");
	if (idx < 0) {
		o = obj_of(secs, sec);
	} else {
		arr = json_object_get(secs, sec);
		if (!json_is_array(arr)) {
			arr = json_array();
			json_object_set_new(secs, sec, arr);
		}
		while ((long)json_array_size(arr) <= idx)
			json_array_append_new(arr, json_object());
		o = json_array_get(arr, (size_t)idx);
	}
	json_object_set_new(o, field, json_string(eq + 1));
	return TC_EXIT_OK;
}

int
tc_ac_build(struct tc_session *s, const struct tc_ac_form_opts *o, json_t *root)
{
	json_t *app, *emp, *exc;
	char guard[64];
	const char *eq;
	size_t i;
	int status;

	if (o->from != NULL &&
	    (status = merge_file(s, o->from, root)) != TC_EXIT_OK)
		return status;
	set_str(root, "programme", o->programme);
	set_str(root, "tier", o->tier);
	set_str(root, "clause", o->clause);
	set_str(root, "route", o->route);
	set_str(root, "work_type", o->work_type);
	if (o->name || o->id_type || o->id_number || o->sex || o->birth_date ||
	    o->retirement_age) {
		app = obj_of(root, "applicant");
		set_str(app, "name", o->name);
		set_str(app, "id_type", o->id_type);
		set_str(app, "id_number", o->id_number);
		set_str(app, "sex", o->sex);
		set_str(app, "birth_date", o->birth_date);
		if (o->retirement_age)
			json_object_set_new(app, "retirement_age",
			    json_integer(o->retirement_age));
	}
	if (o->employer || o->employer_code || o->employer_category) {
		emp = obj_of(root, "employer");
		set_str(emp, "name", o->employer);
		set_str(emp, "code", o->employer_code);
		set_str(emp, "category", o->employer_category);
	}
	for (i = 0; i < o->n_fields; i++)
		if ((status = set_field(root, o->fields[i])) != TC_EXIT_OK)
			return status;
	for (i = 0; i < o->n_exceptions; i++) {
		eq = strchr(o->exceptions[i], '=');
		if ((size_t)(eq - o->exceptions[i]) >= sizeof(guard))
			return tc_cli_usage("--exception: guard name too long");
		snprintf(guard, sizeof(guard), "%.*s",
		    (int)(eq - o->exceptions[i]), o->exceptions[i]);
		exc = obj_of(root, "exceptions");
		json_object_set_new(exc, guard, json_string(eq + 1));
	}
	if (o->accept_pledge)
		json_object_set_new(root, "pledge_accepted", json_true());
	return TC_EXIT_OK;
}

int
tc_ac_parse(struct tc_session *s, json_t *root, struct tc_app_form *f)
{
	char *text, err[1024] = "";
	int r;

	if ((text = json_dumps(root, JSON_COMPACT)) == NULL)
		return tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
	r = tc_app_form_parse(
	    s->progs, text, strlen(text), s->c.now, f, err, sizeof(err));
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (r != 0)
		return tc_cli_fail(r, "application file", err);
	return TC_EXIT_OK;
}

/* Attaches one file. */
static int
attach_one(struct tc_session *s, int64_t id, enum tc_att_kind kind,
    const char *material, const char *path)
{
	struct tc_buf b;
	char err[1024] = "", what[64];
	int r, status;

	tc_buf_init(&b, TC_ATTACH_MAX + 1);
	if ((status = tc_ac_read_file(path, TC_ATTACH_MAX, &b)) != TC_EXIT_OK) {
		tc_buf_release(&b);
		return status;
	}
	r = tc_app_attach(&s->c, id, kind, material, path, b.data, b.len, NULL,
	    err, sizeof(err));
	tc_buf_release(&b);
	if (r != 0) {
		snprintf(
		    what, sizeof(what), "attach %s", tc_att_kind_name(kind));
		return tc_cli_fail(r, what, err);
	}
	return TC_EXIT_OK;
}

static int
has_material(const struct tc_programme *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->application.n_materials; i++)
		if (strcmp(p->application.materials[i].id, id) == 0)
			return 1;
	return 0;
}

int
tc_ac_attach_all(struct tc_session *s, int64_t id, const struct tc_programme *p,
    const struct tc_app_form *f, const struct tc_ac_form_opts *o)
{
	enum tc_att_kind kind;
	char name[64];
	const char *eq, *material;
	size_t i;
	int status;

	for (i = 0; f != NULL && i < f->n_files; i++)
		if ((status = attach_one(s, id, f->files[i].kind,
			 f->files[i].material[0] ? f->files[i].material : NULL,
			 f->files[i].path)) != TC_EXIT_OK)
			return status;
	if (o->photo != NULL &&
	    (status = attach_one(s, id, TC_ATT_PHOTO,
		 has_material(p, "photo") ? "photo" : NULL, o->photo)) !=
		TC_EXIT_OK)
		return status;
	for (i = 0; i < o->n_attaches; i++) {
		eq = strchr(o->attaches[i], '=');
		if ((size_t)(eq - o->attaches[i]) >= sizeof(name) ||
		    eq[1] == '\0')
			return tc_cli_usage("--attach wants KIND=FILE");
		snprintf(name, sizeof(name), "%.*s", (int)(eq - o->attaches[i]),
		    o->attaches[i]);
		material = NULL;
		if (tc_att_kind_parse(name, &kind) != 0) {
			if (!has_material(p, name))
				return tc_cli_usage(
				    "--attach %s: not an attachment kind (photo, id-document, contract, tax-or-social-insurance, eligibility-proof, cooperation-agreement, unit-certificate, other) nor a material of %s",
				    name, p->id);
			material = name;
			kind = tc_att_kind_of_material(name);
		}
		if ((status = attach_one(s, id, kind, material, eq + 1)) !=
		    TC_EXIT_OK)
			return status;
	}
	return TC_EXIT_OK;
}

void
tc_ac_time(time_t t, char out[32])
{
	int64_t day;
	int y, m, d, secs;

	if (t == 0) {
		snprintf(out, 32, "-");
		return;
	}
	day = tc_day_of_time(t);
	tc_civil_from_day(day, &y, &m, &d);
	secs = (int)((int64_t)t - (int64_t)tc_time_of_day(day));
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, m, d, secs / 3600,
	    secs / 60 % 60);
}

void
tc_ac_step(struct tc_session *s, const struct tc_app *a, const char **step,
    const char **names_zh, const char **role)
{
	const struct tc_programme *p;
	const struct tc_step *steps;
	size_t n;

	*step = *names_zh = *role = "";
	if (a->state == TC_APP_DRAFT || a->state == TC_APP_REJECTED ||
	    a->state == TC_APP_ISSUED || a->state == TC_APP_WITHDRAWN)
		return;
	*step = a->step_id;
	if ((p = tc_programme_set_find(s->progs, a->programme)) == NULL ||
	    tc_app_steps(p, a, &steps, &n, NULL, 0) != 0 || a->step < 0 ||
	    (size_t)a->step >= n)
		return;
	*names_zh = steps[a->step].names.zh ? steps[a->step].names.zh : "";
	*role = a->state == TC_APP_RETURNED ? "applicant"
					    : tc_role_name(steps[a->step].role);
}

json_t *
tc_ac_app_json(struct tc_session *s, const struct tc_app *a)
{
	const char *step, *zh, *role;
	char t1[32], t2[32];
	json_t *o;

	tc_ac_step(s, a, &step, &zh, &role);
	tc_ac_time(a->created_at, t1);
	tc_ac_time(a->submitted_at, t2);
	o = json_pack(
	    "{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b}",
	    "id", (json_int_t)a->id, "kind", tc_app_kind_name(a->kind),
	    "programme", a->programme, "tier", a->tier[0] ? a->tier : NULL,
	    "route", a->route[0] ? a->route : NULL, "clause",
	    a->clause[0] ? a->clause : NULL, "step", step[0] ? step : NULL,
	    "state", tc_app_state_name(a->state), "applicant", a->id_masked,
	    "name", a->name, "step_name", zh[0] ? zh : NULL, "role",
	    role[0] ? role : NULL, "deadline",
	    a->deadline[0] &&
		    (a->state == TC_APP_SUBMITTED ||
			a->state == TC_APP_APPROVED ||
			a->state == TC_APP_RETURNED)
		? a->deadline
		: NULL,
	    "employer", a->employer[0] ? a->employer : NULL, "overdue",
	    tc_app_overdue(a, s->c.now));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "created", json_string(t1));
	json_object_set_new(
	    o, "submitted", a->submitted_at ? json_string(t2) : json_null());
	if (a->card_serial)
		json_object_set_new(
		    o, "card_serial", json_integer(a->card_serial));
	if (a->issued_serial)
		json_object_set_new(
		    o, "issued_serial", json_integer(a->issued_serial));
	return o;
}

void
tc_ac_print_status(struct tc_session *s, int64_t id, const char *verb)
{
	const char *step, *zh, *role;
	struct tc_app a;
	char err[256];

	if (tc_app_get(s->reg, id, &a, err, sizeof(err)) != 0) {
		printf("application %lld %s\n", (long long)id, verb);
		return;
	}
	tc_ac_step(s, &a, &step, &zh, &role);
	printf("application %lld %s: %s", (long long)id, verb,
	    tc_app_state_name(a.state));
	if (step[0] != '\0')
		printf(", step %s (%s), %s %s", step, zh,
		    a.state == TC_APP_RETURNED ? "waiting for the" : "role",
		    role);
	if (a.deadline[0] != '\0' && a.state != TC_APP_RETURNED &&
	    step[0] != '\0')
		printf(", deadline %s", a.deadline);
	if (a.tier[0] != '\0')
		printf(", tier %s", a.tier);
	putchar('\n');
	tc_app_release(&a);
}

int
tc_ac_form_changes(const struct tc_ac_form_opts *o)
{
	return o->from != NULL || o->n_fields > 0 || o->n_exceptions > 0 ||
	    o->employer != NULL || o->employer_code != NULL ||
	    o->employer_category != NULL || o->work_type != NULL;
}

/* Merges the changes into the stored form and updates the application. */
static int
update_form(struct tc_session *s, int64_t id, const struct tc_ac_form_opts *o,
    struct tc_app_form *f)
{
	struct tc_buf b;
	json_t *root;
	char err[1024] = "";
	int r, status;

	tc_buf_init(&b, 2 * TC_APP_FORM_MAX);
	if ((r = tc_app_export(s->reg, id, &b, err, sizeof(err))) != 0) {
		tc_buf_release(&b);
		return tc_cli_fail(r, "application", err);
	}
	root = json_loadb((const char *)b.data, b.len, 0, NULL);
	tc_buf_release(&b);
	if (root == NULL)
		return tc_cli_fail(TC_ERR_INTERNAL, "application",
		    "the exported form does not parse");
	if ((status = tc_ac_build(s, o, root)) == TC_EXIT_OK &&
	    (status = tc_ac_parse(s, root, f)) == TC_EXIT_OK &&
	    (r = tc_app_update(&s->c, id, f, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, "update", err);
	json_decref(root);
	return status;
}

int
tc_ac_store_changes(struct tc_session *s, int64_t id,
    const struct tc_programme *p, const struct tc_ac_form_opts *o,
    struct tc_app_form *f)
{
	int changes = tc_ac_form_changes(o), status;

	if (changes && (status = update_form(s, id, o, f)) != TC_EXIT_OK)
		return status;
	return tc_ac_attach_all(s, id, p, changes ? f : NULL, o);
}

int
tc_ac_report(struct tc_session *s, int64_t id, int json, const char *verb)
{
	struct tc_app app;
	char err[1024] = "";
	json_t *o;
	int r;

	if (!json) {
		tc_ac_print_status(s, id, verb);
		return TC_EXIT_OK;
	}
	if ((r = tc_app_get(s->reg, id, &app, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "application", err);
	o = tc_ac_app_json(s, &app);
	tc_app_release(&app);
	tc_cli_print_json(stdout, o);
	json_decref(o);
	return TC_EXIT_OK;
}

/* Adds every value of the list option name to list. */
static int
form_list(const struct tc_args *a, const char *name, const char **list,
    size_t *n, const char *opt)
{
	const char *v;
	int cursor = 0, status;

	while ((v = tc_args_next(a, name, &cursor)) != NULL)
		if ((status = tc_ac_list_add(list, n, v, opt)) != TC_EXIT_OK)
			return status;
	return TC_EXIT_OK;
}

int
tc_ac_form_args(const struct tc_args *a, int identity,
    struct tc_ac_form_opts *o, const char **id_opt, const char **id_env)
{
	int status;

	memset(o, 0, sizeof(*o));
	o->from = tc_args_get(a, "from");
	o->photo = tc_args_get(a, "photo");
	o->accept_pledge = tc_args_has(a, "accept-pledge") > 0;
	o->employer = tc_args_get(a, "employer");
	o->employer_code = tc_args_get(a, "employer-code");
	o->employer_category = tc_args_get(a, "employer-category");
	if ((status = form_list(a, "field", o->fields, &o->n_fields,
		 "--field")) != TC_EXIT_OK ||
	    (status = form_list(a, "attach", o->attaches, &o->n_attaches,
		 "--attach")) != TC_EXIT_OK ||
	    (status = form_list(a, "exception", o->exceptions, &o->n_exceptions,
		 "--exception")) != TC_EXIT_OK)
		return status;
	if (!identity)
		return TC_EXIT_OK;
	o->programme = tc_args_get(a, "programme");
	o->tier = tc_args_get(a, "tier");
	o->clause = tc_args_get(a, "clause");
	o->route = tc_args_get(a, "route");
	o->name = tc_args_get(a, "name");
	o->id_type = tc_args_get(a, "id-type");
	o->sex = tc_args_get(a, "sex");
	o->birth_date = tc_args_get(a, "birth-date");
	*id_opt = tc_args_get(a, "id");
	*id_env = tc_args_get(a, "id-env");
	return TC_EXIT_OK;
}
