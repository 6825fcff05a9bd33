/* SPDX-License-Identifier: MIT */
/*
 * make-office: a test-side tool that builds a synthetic issuing authority
 * for the office benchmark (tests/bench/bench-issuerd.sh), built with the
 * tests and benchmarks as BUILD/tests/bench/make-office. Everything goes
 * through the library's public calls (tc_keystore_create,
 * tc_registry_open, tc_registry_operator_add, tc_app_create,
 * tc_app_attach, tc_app_submit, tc_app_review, tc_app_withdraw), so that
 * whatever the library adds on the way (routing to organisations) applies
 * to these applications as to real ones. The people, forms and files are
 * made up by demo/sample.h from the application's number.
 *
 *   make-office --home HOME --apps N [--sessions K] [--waiting W]
 *       HOME must hold programmes/ (the programme files) and nothing
 *       else the tool makes: it creates the key store (ES256) and
 *       registry.db, the operators, and N applications spread over the
 *       programmes, their main tiers and routes, and the employers the
 *       samples draw. The clock runs from 300 days ago to now. The last
 *       W applications (default N / 50) are the work in progress: half
 *       wait at their first step, three in ten were approved at the first
 *       step and wait at the second, the rest were rejected; of the
 *       others, one in ten is left as a draft, half of the rest were
 *       rejected at the first step and the others withdrawn. Operators:
 *       bench-clerk (takes the applications), bench-first-ROLE (acts on
 *       the first steps while building) and bench-reviewer-1 to -K
 *       (default 32), each holding one first-step role in turn, for the
 *       benchmark's sessions; their passphrases go to
 *       HOME/bench-operators.txt ("name TAB roles TAB passphrase", with
 *       a header line). Hashes use $TCARD_SCRYPT_LN when set. Prints
 *       key=value lines: apps, drafts, waiting_first, waiting_second,
 *       rejected, withdrawn, skipped (a made-up person a guard or the form
 *       refused), first_id, last_id, seconds.
 *
 * Transactions of 1,000 applications keep 100,000 within a few minutes.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/passhash.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "sample.h"

#define BATCH	 1000
#define SPAN	 (300 * 86400)
#define MAX_SESS 256

static const char usage[] =
    "usage: make-office --home HOME --apps N [--sessions K] [--waiting W]\n";

/*
 * The first steps' roles the benchmark's reviewers hold. A unit reviewer
 * belongs to one employer's unit and sees only its applications; the
 * benchmark's sessions are the district's and the industry department's
 * reviewers, who see every application at their step.
 */
static const enum tc_role first_roles[] = { TC_ROLE_INDUSTRY_REVIEWER,
	TC_ROLE_HR_REVIEWER };
#define N_FIRST (sizeof(first_roles) / sizeof(first_roles[0]))

struct office {
	const char *home;
	long apps, waiting;
	int sessions;
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	struct tc_app_ctx c;
	long drafts, wait1, wait2, rejected, withdrawn, skipped;
	int64_t first_id, last_id;
	char err[2048];
};

static void
die(const char *what, int r, const char *msg)
{
	fprintf(stderr, "make-office: %s: %s%s%s\n", what, tc_strerror(r),
	    msg != NULL && *msg ? ": " : "", msg != NULL ? msg : "");
	exit(1);
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < lo || v > hi) {
		fprintf(stderr,
		    "make-office: %s: not a number from %ld to %ld\n", s, lo,
		    hi);
		exit(2);
	}
	return v;
}

static void
open_home(struct office *o)
{
	struct tc_registry_keys keys;
	struct tc_keystore *ks = NULL;
	char path[4200];
	int r;

	if ((r = tc_keystore_create(o->home, TC_KEYALG_ES256, 0, o->c.now,
		 o->err, sizeof(o->err))) != 0)
		die("key store", r, o->err);
	memset(&keys, 0, sizeof(keys));
	if ((r = tc_keystore_open(&ks, o->home, o->err, sizeof(o->err))) != 0 ||
	    (r = tc_keystore_secret(ks, TC_SECRET_PEPPER, keys.pepper,
		 sizeof(keys.pepper), o->err, sizeof(o->err))) != 0 ||
	    (r = tc_keystore_secret(ks, TC_SECRET_DATA_KEY, keys.data_key,
		 sizeof(keys.data_key), o->err, sizeof(o->err))) != 0)
		die("key store", r, o->err);
	tc_keystore_free(ks);
	snprintf(path, sizeof(path), "%s/registry.db", o->home);
	r = tc_registry_open(&o->reg, path, &keys,
	    TC_REGISTRY_CREATE | TC_REGISTRY_EXCL, o->err, sizeof(o->err));
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (r != 0)
		die("registry", r, o->err);
	snprintf(path, sizeof(path), "%s/programmes", o->home);
	if ((r = tc_programme_set_load_dir(
		 &o->progs, path, o->err, sizeof(o->err))) != 0)
		die("programmes", r, o->err);
	o->c.reg = o->reg;
	o->c.programmes = o->progs;
}

static void
begin(struct office *o)
{
	int r;

	if ((r = tc_registry_begin(o->reg, o->err, sizeof(o->err))) != 0)
		die("begin", r, o->err);
}

static void
commit(struct office *o)
{
	int r;

	if ((r = tc_registry_commit(o->reg, o->err, sizeof(o->err))) != 0)
		die("commit", r, o->err);
}

/* Adds one operator (inside a transaction); pass may be NULL (random). */
static void
add_operator(struct office *o, const char *name, unsigned roles,
    const char *pass, FILE *list)
{
	char hash[TC_PASSHASH_STORED_MAX], text[TC_ROLES_TEXT_MAX];
	int r;

	if ((r = tc_passhash_make(
		 pass, hash, sizeof(hash), o->err, sizeof(o->err))) != 0 ||
	    /*
	     * The organisation: the industry department for its reviewers,
	     * the district HR bureau for everyone else (make_operators makes
	     * both).
	     */
	    (r = tc_registry_operator_add(o->reg, name, roles,
		 roles == TC_ROLE_BIT(TC_ROLE_INDUSTRY_REVIEWER)
		     ? "bench-industry"
		     : "bench-district",
		 hash, o->c.now, NULL, o->err, sizeof(o->err))) != 0 ||
	    (r = tc_registry_audit(o->reg, o->c.now, "system", "operator.add",
		 name, "{\"bench\": true}", o->err, sizeof(o->err))) != 0)
		die(name, r, o->err);
	if (list != NULL) {
		tc_roles_format(roles, text, sizeof(text));
		fprintf(list, "%s\t%s\t%s\n", name, text, pass);
	}
}

static void
make_operators(struct office *o)
{
	char name[TC_OPERATOR_NAME_MAX + 1], pass[64], path[4200];
	FILE *list;
	size_t i;
	int k, r;

	snprintf(path, sizeof(path), "%s/bench-operators.txt", o->home);
	if ((list = fopen(path, "wx")) == NULL) {
		fprintf(stderr, "make-office: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(list, "name\troles\tpassphrase\n");
	begin(o);
	if ((r = tc_registry_org_add(o->reg, TC_ORG_INDUSTRY, "bench-industry",
		 "Bench industry department", o->c.now, NULL, o->err,
		 sizeof(o->err))) != 0 ||
	    (r = tc_registry_org_add(o->reg, TC_ORG_DISTRICT, "bench-district",
		 "Bench district HR bureau", o->c.now, NULL, o->err,
		 sizeof(o->err))) != 0)
		die("organisation", r, o->err);
	add_operator(o, "bench-clerk", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER),
	    "bench-clerk-passphrase-0", list);
	for (i = 0; i < N_FIRST; i++) {
		snprintf(name, sizeof(name), "bench-first-%s",
		    tc_role_name(first_roles[i]));
		snprintf(pass, sizeof(pass), "bench-first-passphrase-%zu", i);
		add_operator(o, name, TC_ROLE_BIT(first_roles[i]), pass, list);
	}
	for (k = 1; k <= o->sessions; k++) {
		snprintf(name, sizeof(name), "bench-reviewer-%d", k);
		snprintf(pass, sizeof(pass), "bench-reviewer-passphrase-%d", k);
		add_operator(o, name,
		    TC_ROLE_BIT(first_roles[(k - 1) % N_FIRST]), pass, list);
	}
	commit(o);
	if (fclose(list) != 0) {
		fprintf(stderr, "make-office: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

struct attach_arg {
	struct office *o;
	int64_t id;
};

static int
attach_one(const struct tc_sample_file *f, void *arg)
{
	struct attach_arg *a = arg;

	return tc_app_attach(&a->o->c, a->id, f->kind, f->material, f->name,
	    f->data, f->len, NULL, a->o->err, sizeof(a->o->err));
}

/*
 * The first step's role of application id, and its employer's credit
 * code (the unit's code) in unit[TC_USCC_LEN + 1].
 */
static int
first_role(struct office *o, int64_t id, enum tc_role *role, char *unit)
{
	const struct tc_programme *p;
	const struct tc_step *steps;
	struct tc_app a;
	size_t n;
	int r;

	if ((r = tc_app_get(o->reg, id, &a, o->err, sizeof(o->err))) != 0)
		return r;
	r = TC_ERR_NOT_FOUND;
	if ((p = tc_programme_set_find(o->progs, a.programme)) != NULL &&
	    (r = tc_app_steps(p, &a, &steps, &n, o->err, sizeof(o->err))) ==
		0) {
		r = n > 0 ? 0 : TC_ERR_NOT_FOUND;
		if (n > 0)
			*role = steps[0].role;
	}
	snprintf(unit, TC_USCC_LEN + 1, "%s", a.employer_code);
	tc_app_release(&a);
	return r;
}

/*
 * Sets name to the operator who acts on application id's first step:
 * bench-first-ROLE, or for a unit's step the unit's own reviewer,
 * bench-unit-CODE, made the first time (inside the open transaction; the
 * unit itself was made when the application was submitted).
 */
static int
actor(struct office *o, int64_t id, char name[TC_OPERATOR_NAME_MAX + 1])
{
	char unit[TC_USCC_LEN + 1], hash[TC_PASSHASH_STORED_MAX];
	struct tc_operator op;
	enum tc_role role;
	int r;

	if ((r = first_role(o, id, &role, unit)) != 0)
		return r;
	if (role != TC_ROLE_UNIT_REVIEWER) {
		snprintf(name, TC_OPERATOR_NAME_MAX + 1, "bench-first-%s",
		    tc_role_name(role));
		return 0;
	}
	snprintf(name, TC_OPERATOR_NAME_MAX + 1, "bench-unit-%s", unit);
	for (char *c = name; *c != '\0'; c++) /* names are lower case */
		*c = (char)tolower((unsigned char)*c);
	r = tc_registry_operator_get(o->reg, name, &op, o->err, sizeof(o->err));
	if (r != TC_ERR_NOT_FOUND)
		return r;
	/* Never signs in: its passphrase is its name. */
	if ((r = tc_passhash_make(
		 name, hash, sizeof(hash), o->err, sizeof(o->err))) != 0)
		return r;
	return tc_registry_operator_add(o->reg, name,
	    TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), unit, hash, o->c.now, NULL,
	    o->err, sizeof(o->err));
}

static int
act(struct office *o, int64_t id, enum tc_review_decision dec)
{
	char name[TC_OPERATOR_NAME_MAX + 1];
	struct tc_review rv;
	int r;

	if ((r = actor(o, id, name)) != 0)
		return r;
	memset(&rv, 0, sizeof(rv));
	rv.decision = dec;
	rv.reason = dec == TC_REVIEW_REJECT
	    ? "材料不符合申报条件 (synthetic benchmark data)"
	    : NULL;
	o->c.operator_name = name;
	r = tc_app_review(&o->c, id, &rv, NULL, o->err, sizeof(o->err));
	o->c.operator_name = "bench-clerk";
	return r;
}

/* Application i: creates, attaches, submits and moves it as its fate says. */
static void
one(struct office *o, long i)
{
	const struct tc_programme *p;
	const struct tc_tier *t = NULL, *tiers[32];
	const struct tc_route *rt = NULL;
	struct tc_sample_person who;
	struct tc_app_form f;
	struct attach_arg aa;
	struct tc_buf b;
	const char *clause;
	size_t j, n = 0, nt = 0, pick;
	uint32_t seed = (uint32_t)i * 2654435761u + 17u;
	long late = o->apps - o->waiting;
	int64_t id = 0;
	int r, fate;

	p = tc_programme_set_at(
	    o->progs, (size_t)i % tc_programme_set_count(o->progs));
	for (j = 0; j < p->n_tiers && nt < 32; j++)
		if (p->tiers[j].kind == TC_TIER_MAIN)
			tiers[nt++] = &p->tiers[j];
	n = nt + p->n_routes;
	pick = (size_t)(i / (long)tc_programme_set_count(o->progs)) % n;
	if (pick < nt) {
		t = tiers[pick];
		clause = tc_sample_clause(t, NULL, seed);
	} else {
		rt = &p->routes[pick - nt];
		if (rt->n_clauses > 0) {
			clause = tc_sample_clause(NULL, rt, seed);
		} else {
			t = tc_programme_tier(
			    p, rt->tiers.v[seed % rt->tiers.n]);
			clause = tc_sample_clause(t, NULL, seed);
		}
	}
	memset(&f, 0, sizeof(f));
	tc_buf_init(&b, TC_APP_FORM_MAX);
	o->c.operator_name = "bench-clerk";
	r = tc_sample_person(
	    p, 0, seed, o->c.now, &who, o->err, sizeof(o->err));
	if (r == 0)
		r = tc_sample_form_json(p, t != NULL ? t->id : NULL,
		    rt != NULL ? rt->id : NULL, clause, &who, &b, o->err,
		    sizeof(o->err));
	if (r == 0)
		r = tc_app_form_parse(o->progs, (const char *)b.data, b.len,
		    o->c.now, &f, o->err, sizeof(o->err));
	tc_buf_release(&b);
	OPENSSL_cleanse(&who, sizeof(who));
	if (r == 0)
		r = tc_app_create(&o->c, &f, &id, o->err, sizeof(o->err));
	if (r == 0) {
		aa.o = o;
		aa.id = id;
		r = tc_sample_materials(p, f.tier[0] ? f.tier : NULL,
		    f.work_type[0] ? f.work_type : NULL, f.id_type, 0,
		    attach_one, &aa);
	}
	tc_app_form_release(&f);
	if (r != 0) {
		if (id == 0) {
			o->skipped++;
			return;
		}
		die("application", r, o->err);
	}
	if (o->first_id == 0)
		o->first_id = id;
	o->last_id = id;
	fate = (int)(seed % 10);
	if (i < late && fate == 0) {
		o->drafts++;
		return;
	}
	if ((r = tc_app_submit(&o->c, id, 1, o->err, sizeof(o->err))) != 0) {
		/* A guard refused the made-up person: the draft stays. */
		o->skipped++;
		return;
	}
	if (i < late) {
		if (fate % 2 == 1) {
			r = act(o, id, TC_REVIEW_REJECT);
			o->rejected++;
		} else {
			/* By whoever may see it at its first step. */
			char name[TC_OPERATOR_NAME_MAX + 1];

			if ((r = actor(o, id, name)) == 0) {
				o->c.operator_name = name;
				r = tc_app_withdraw(&o->c, id,
				    "申请人撤回 (synthetic benchmark data)",
				    o->err, sizeof(o->err));
				o->c.operator_name = "bench-clerk";
			}
			o->withdrawn++;
		}
	} else if (fate < 5) {
		o->wait1++;
	} else if (fate < 8) {
		r = act(o, id, TC_REVIEW_APPROVE);
		o->wait2++;
	} else {
		r = act(o, id, TC_REVIEW_REJECT);
		o->rejected++;
	}
	if (r != 0)
		die("review", r, o->err);
}

int
main(int argc, char **argv)
{
	struct office o;
	const char *ln = getenv("TCARD_SCRYPT_LN");
	time_t end;
	double t0;
	long i;
	int k;

	memset(&o, 0, sizeof(o));
	o.sessions = 32;
	o.waiting = -1;
	for (k = 1; k < argc; k++) {
		if (k + 1 >= argc) {
			fputs(usage, stderr);
			return 2;
		}
		if (strcmp(argv[k], "--home") == 0)
			o.home = argv[++k];
		else if (strcmp(argv[k], "--apps") == 0)
			o.apps = number(argv[++k], 1, 10000000);
		else if (strcmp(argv[k], "--sessions") == 0)
			o.sessions = (int)number(argv[++k], 1, MAX_SESS);
		else if (strcmp(argv[k], "--waiting") == 0)
			o.waiting = number(argv[++k], 0, 10000000);
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (o.home == NULL || o.apps == 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (o.waiting < 0)
		o.waiting = o.apps / 50;
	if (o.waiting > o.apps)
		o.waiting = o.apps;
	if (ln != NULL && *ln != '\0')
		tc_passhash_set_cost(
		    (int)number(ln, TC_PASSHASH_LN_MIN, TC_PASSHASH_LN_MAX));
	t0 = (double)clock() / CLOCKS_PER_SEC;
	end = time(NULL);
	o.c.now = end - SPAN;
	open_home(&o);
	make_operators(&o);
	for (i = 0; i < o.apps; i++) {
		if (i % BATCH == 0) {
			if (i > 0)
				commit(&o);
			begin(&o);
		}
		o.c.now = end - SPAN + (time_t)((double)SPAN * i / o.apps);
		one(&o, i);
	}
	commit(&o);
	printf("apps=%ld\ndrafts=%ld\nwaiting_first=%ld\nwaiting_second=%ld\n"
	       "rejected=%ld\nwithdrawn=%ld\nskipped=%ld\nfirst_id=%" PRId64
	       "\nlast_id=%" PRId64 "\ncpu_seconds=%.1f\n",
	    o.apps, o.drafts, o.wait1, o.wait2, o.rejected, o.withdrawn,
	    o.skipped, o.first_id, o.last_id,
	    (double)clock() / CLOCKS_PER_SEC - t0);
	tc_registry_close(o.reg);
	tc_programme_set_free(o.progs);
	return 0;
}
