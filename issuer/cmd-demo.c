/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer demo: builds a complete demo authority in an empty
 * directory (keys, registry, the four programmes, an operator for every
 * role, made-up applicants walked through every review step of every tier
 * and route of every programme, issued cards and sub-cards), the way the
 * real commands would, through the same library calls. The people come
 * from demo/sample.h; the demo runs on a clock of its own that
 * starts DEMO_DAYS days ago, so that every card is issued in the past and
 * valid today. docs/operations.md, "The demo authority".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "demo-faces.h"
#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/applicant.h"
#include "tcard/application.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/lifecycle.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/passhash.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "sample.h"
#include "tcard/serial.h"
#include "tcard/totp.h"
#include "tcard/workday.h"

/* The demo's clock starts this many days before today. */
#define DEMO_DAYS 60
/* The operators' file inside the home. */
#define DEMO_OPS_FILE	     "demo-operators.txt"
#define DEMO_APPLICANTS_FILE "demo-applicants.txt"
#define DEMO_APPLICANTS	     3
/* Passphrases: this many characters of an alphabet without 0/O, 1/l/i. */
#define DEMO_PASS_LEN  20
#define DEMO_ALPHABET  "23456789abcdefghjkmnpqrstuvwxyz"
#define DEMO_MAX_OPS   48
#define DEMO_MAX_CARDS 64
/* Office hours of the demo clock, Asia/Shanghai. */
#define DAY_START (9 * 3600)
#define DAY_END	  (17 * 3600 + 30 * 60)

const char tc_issuer_demo_help[] =
    "NAME\n"
    "    tcard-issuer demo - build a demo authority with issued cards\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer demo --home DIR [--json] [--alg es256|sm2]\n"
    "\n"
    "DESCRIPTION\n"
    "    Builds a complete issuing authority in DIR, which must not exist\n"
    "    or be empty (anything else is refused, exit status 1):\n"
    "\n"
    "    - the key store (as 'tcard-keys init --alg ALG') and the registry\n"
    "      (as 'tcard-issuer init'), with the four shipped programmes\n"
    "      copied into DIR/programmes/;\n"
    "    - the organisations: two units (made-up employers, by their unified\n"
    "      social credit codes), an industry department (demo-industry), a\n"
    "      district HR bureau (demo-district), a bank branch (demo-bank) and\n"
    "      the registry's talent office (office);\n"
    "    - the operators: demo-admin (admin), demo-auditor (auditor),\n"
    "      demo-clerk (who takes applications: hr-reviewer of the district),\n"
    "      and for every role that acts on a review step as many operators\n"
    "      as one application needs (four eyes: a Chuxiong application needs\n"
    "      three leadership-group operators, demo-leadership-group-1 to -3),\n"
    "      each in the organisation its role belongs to; the unit reviewers\n"
    "      are per unit (demo-unit-reviewer-a-1 of the first unit,\n"
    "      demo-unit-reviewer-b-1 of the second). Each has a random\n"
    "      passphrase of 20 characters and is enrolled in TOTP; names,\n"
    "      roles, organisations, passphrases and TOTP secrets (Base32) are\n"
    "      written to DIR/demo-operators.txt (mode 0600), one 'name TAB\n"
    "      roles TAB organisation TAB passphrase TAB totp' line each, after\n"
    "      a header line naming the columns;\n"
    "    - one made-up applicant (Chinese and foreign names; resident ID\n"
    "      cards, passports and Hong Kong/Macao and Taiwan travel permits\n"
    "      where a programme takes them) for every main tier and every\n"
    "      route of every programme, applied for with the programme's\n"
    "      complete form and materials, walked through every review step\n"
    "      by an operator of the step's role (a different one per step),\n"
    "      and issued. The first step that may return an application\n"
    "      returns it for material once, to show the resubmission. Routes\n"
    "      whose approval decides the tier (Baiyun case by case, Chuxiong\n"
    "      flexible talent and entrepreneurs) get a tier at approval;\n"
    "    - sub-cards for the spouse and a minor child of the first holder\n"
    "      of a tier that has them (the green card A), as 'tcard-issuer\n"
    "      subcard add' makes them;\n"
    "    - three applicants' accounts for the portal (made-up people who\n"
    "      have not applied yet, employed by the demo units), verified,\n"
    "      with random passwords, listed in DIR/demo-applicants.txt (mode\n"
    "      0600) after a header line naming its tab-separated columns:\n"
    "      login, password, name, id_type, id_number, employer,\n"
    "      employer_code;\n"
    "    - one more application, submitted and waiting at its first step,\n"
    "      to try 'tcard-issuer review' on, and one waiting at each unit's\n"
    "      step (Youyue), which only that unit's reviewer sees.\n"
    "\n"
    "    The demo runs on a clock of its own: it starts 60 days before\n"
    "    today ($TCARD_NOW or the system clock) at 09:00 Beijing time on a\n"
    "    working day, and moves through office hours step by step, past\n"
    "    each public notice period, so that every card is issued in the\n"
    "    past and valid today. The keys are dated at that start. The\n"
    "    last application is taken an hour before today.\n"
    "\n"
    "    Prints one line per issued card: the grouped card number,\n"
    "    programme, tier, holder name, ID type and the full ID number,\n"
    "    separated by tabs. The people are made up, so their numbers are\n"
    "    shown in full here; the registry holds them only as keyed MACs,\n"
    "    sealed copies and masked forms, like every other number.\n"
    "\n"
    "    The passphrases in DIR/demo-operators.txt let anyone who can read\n"
    "    the file act as those operators: a demo authority is for\n"
    "    demonstrations and tests only. $TCARD_SCRYPT_LN lowers the cost of\n"
    "    the passphrase hashes (scripts/demo uses 12).\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR   the directory to build (default $TCARD_HOME)\n"
    "    --json       print a JSON array of {\"card\" (16 digits),\n"
    "                 \"programme\", \"tier\", \"name\", \"id_type\", \"id\"}\n"
    "    --alg ALG    es256 (default) or sm2, as for 'tcard-keys init'\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 built; 1 DIR is not empty, or a step was refused (the message\n"
    "    names the programme, tier, application, step and operator; this\n"
    "    is a bug of the demo or of a programme file); 2 usage error;\n"
    "    3 environment (DIR cannot be created or written, programme\n"
    "    files); 4 internal error. After a failure DIR is incomplete:\n"
    "    remove it before running the demo again.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME        default home directory\n"
    "    TCARD_NOW         today, for tests (epoch seconds, YYYY-MM-DD or\n"
    "                      YYYY-MM-DDTHH:MM:SSZ)\n"
    "    TCARD_SCRYPT_LN   lower passphrase hashing cost (demo and tests)\n"
    "    TCARD_PROGRAMMES  where the programme files come from\n"
    "\n"
    "EXAMPLES\n"
    "    TCARD_SCRYPT_LN=12 tcard-issuer demo --home /tmp/tcard-demo\n"
    "    tcard-issuer demo --home /tmp/d2 --json | jq -r '.[].card'\n"
    "    awk -F'\\t' '$1 == \"demo-hr-reviewer-1\" { print $4 }' \\\n"
    "        /tmp/tcard-demo/demo-operators.txt\n";

struct demo_op {
	char name[TC_OPERATOR_NAME_MAX + 1];
	unsigned roles;
	const char *org; /* its organisation's code */
	char pass[DEMO_PASS_LEN + 1];
	char hash[TC_PASSHASH_TEXT_MAX];
	char totp[TC_TOTP_SECRET_B32_LEN + 1];
};

/*
 * The demo's organisations (docs/operators.md "Organisations"): two
 * units, made-up employers of demo/sample.c with valid USCC check
 * characters (the applicants of programmes with a unit step work for
 * them, alternately), an industry department, a district HR bureau and a
 * bank branch; the talent office "office" is the registry's own.
 */
static const struct demo_org {
	enum tc_org_kind kind;
	const char *code, *name;
	const char *letter; /* units: names their reviewers */
} demo_orgs[] = {
	{ TC_ORG_UNIT, "91440106MA4T8R3H12", "广州天河示例软件技术有限公司",
	    "a" },
	{ TC_ORG_UNIT, "91440305MA5G2L9N48", "深圳南海示例数据技术有限公司",
	    "b" },
	{ TC_ORG_INDUSTRY, "demo-industry",
	    "示例市工业和信息化局 (industry department)", NULL },
	{ TC_ORG_DISTRICT, "demo-district",
	    "示例区人力资源和社会保障局 (district HR bureau)", NULL },
	{ TC_ORG_BANK_BRANCH, "demo-bank", "示例银行天河支行 (bank branch)",
	    NULL },
};

#define DEMO_UNITS 2 /* the first entries of demo_orgs */

struct demo_card {
	char card_no[17];
	char programme[TC_CARD_TEXT_MAX + 1];
	char tier[TC_CARD_TEXT_MAX + 1];
	char name[TC_SAMPLE_NAME_MAX + 1];
	enum tc_id_type id_type;
	char id[TC_ID_MAX];
};

struct demo {
	const char *home;
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	struct tc_app_ctx c; /* c.now is the demo clock */
	time_t today;
	struct demo_op ops[DEMO_MAX_OPS];
	size_t n_ops;
	int per_role[TC_ROLE_LAST + 1]; /* operators per step role */
	struct demo_card cards[DEMO_MAX_CARDS];
	size_t n_cards;
	/* The holder to give sub-cards: the first of a tier that has them. */
	struct tc_sample_person sub_holder;
	int64_t sub_serial;
	char sub_card_no[17];
	const struct tc_programme *sub_prog;
	int returned; /* the return and resubmission were shown */
	unsigned
	    next_unit; /* the unit of the next application with a unit step */
	uint32_t seed;
	char op[TC_OPERATOR_NAME_MAX + 1]; /* the acting operator */
	char where[512]; /* what is being done, for messages */
	char err[1024];
};

/* Reports a failure of what d->where describes. */
static int
fail(struct demo *d, int r)
{
	return tc_cli_fail(r, d->where, d->err);
}

/*
 * Moves the demo clock on by minutes, staying in office hours on working
 * days (Monday to Friday: the demo home has no holidays file).
 */
static void
tick(struct demo *d, int minutes)
{
	int64_t day;
	time_t t;

	d->c.now += (time_t)minutes * 60;
	day = tc_day_of_time(d->c.now);
	t = d->c.now - tc_time_of_day(day);
	if (!tc_workday_is(NULL, day) || t >= DAY_END)
		d->c.now =
		    tc_time_of_day(tc_workday_add(NULL, day, 1)) + DAY_START;
	else if (t < DAY_START)
		d->c.now = tc_time_of_day(day) + DAY_START;
}

/* 1 when DIR is missing or an empty directory; else says why. */
static int
home_usable(const char *home)
{
	struct dirent *e;
	struct stat st;
	char msg[4200];
	DIR *dir;
	int empty = 1;

	if (lstat(home, &st) != 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(msg, sizeof(msg), "%s: %s", home, strerror(errno));
		tc_cli_fail(TC_ERR_IO, "demo", msg);
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(msg, sizeof(msg),
		    "%s exists and is not a directory; the demo builds a new authority in a new or empty directory",
		    home);
		tc_cli_fail(TC_ERR_EXISTS, NULL, msg);
		return 0;
	}
	if ((dir = opendir(home)) == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", home, strerror(errno));
		tc_cli_fail(TC_ERR_IO, "demo", msg);
		return 0;
	}
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(dir);
	if (!empty) {
		snprintf(msg, sizeof(msg),
		    "%s is not empty; the demo builds a new authority in a new or empty directory only, and never changes an existing one",
		    home);
		tc_cli_fail(TC_ERR_EXISTS, NULL, msg);
		return 0;
	}
	return 1;
}

static int
begin(struct demo *d)
{
	int r;

	if ((r = tc_registry_begin(d->reg, d->err, sizeof(d->err))) != 0)
		return fail(d, r);
	return TC_EXIT_OK;
}

/* Commits when r is 0, else rolls back and reports r. */
static int
end(struct demo *d, int r)
{
	if (r == 0 &&
	    (r = tc_registry_commit(d->reg, d->err, sizeof(d->err))) == 0)
		return TC_EXIT_OK;
	tc_registry_rollback(d->reg);
	return fail(d, r);
}

/* The registry.init entry, as tcard-issuer init writes it. */
static int
audit_init(struct demo *d, enum tc_keyalg alg)
{
	struct passwd *pw = getpwuid(getuid());
	json_t *o;
	char *detail;
	int r;

	snprintf(d->where, sizeof(d->where), "registry");
	o = json_pack("{s:i, s:s, s:s, s:b}", "schema_version",
	    tc_registry_schema_version(d->reg), "key_alg", tc_keyalg_name(alg),
	    "os_user",
	    pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown", "demo",
	    1);
	if (o == NULL ||
	    (detail = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		NULL) {
		json_decref(o);
		return tc_cli_fail(TC_ERR_NOMEM, d->where, NULL);
	}
	json_decref(o);
	r = tc_registry_audit(d->reg, d->c.now, "system", "registry.init",
	    TC_ISSUER_REGISTRY_FILE, detail, d->err, sizeof(d->err));
	free(detail);
	return r != 0 ? fail(d, r) : TC_EXIT_OK;
}

/* Counts the steps of each role in a step list; keeps the maximum. */
static void
count_roles(struct demo *d, const struct tc_step *steps, size_t n)
{
	int k[TC_ROLE_LAST + 1];
	size_t i;

	memset(k, 0, sizeof(k));
	for (i = 0; i < n; i++)
		if (steps[i].role >= TC_ROLE_FIRST &&
		    steps[i].role <= TC_ROLE_LAST &&
		    ++k[steps[i].role] > d->per_role[steps[i].role])
			d->per_role[steps[i].role] = k[steps[i].role];
}

/* A random passphrase from RAND_bytes, without modulo bias. */
static int
make_pass(char out[DEMO_PASS_LEN + 1])
{
	static const char alpha[] = DEMO_ALPHABET;
	const unsigned n = sizeof(alpha) - 1, lim = 256 - 256 % n;
	unsigned char b[64];
	size_t i, k = 0;

	while (k < DEMO_PASS_LEN) {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return TC_ERR_CRYPTO;
		for (i = 0; i < sizeof(b) && k < DEMO_PASS_LEN; i++)
			if (b[i] < lim)
				out[k++] = alpha[b[i] % n];
	}
	out[k] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
	return 0;
}

/* The demo organisation of an operator of one role. */
static const char *
org_of_role(int role)
{
	switch (role) {
	case TC_ROLE_INDUSTRY_REVIEWER:
		return "demo-industry";
	case TC_ROLE_HR_REVIEWER:
		return "demo-district";
	case TC_ROLE_CARD_PRODUCER:
		return "demo-bank";
	default:
		return TC_ORG_OFFICE_CODE;
	}
}

static int
add_op(struct demo *d, const char *name, unsigned roles, const char *org)
{
	struct demo_op *op;
	int r;

	if (d->n_ops >= DEMO_MAX_OPS)
		return tc_cli_fail(TC_ERR_INTERNAL, "operators", "too many");
	op = &d->ops[d->n_ops++];
	snprintf(op->name, sizeof(op->name), "%s", name);
	op->roles = roles;
	op->org = org;
	snprintf(d->where, sizeof(d->where), "operator %s", name);
	if ((r = make_pass(op->pass)) != 0 ||
	    (r = tc_passhash_make(op->pass, op->hash, sizeof(op->hash), d->err,
		 sizeof(d->err))) != 0)
		return fail(d, r);
	return TC_EXIT_OK;
}

/*
 * Writes b (then released) to DIR/name, created 0600, never over a file;
 * what names it in an error.
 */
static int
write_secret_file(
    struct demo *d, const char *name, const char *what, struct tc_buf *b)
{
	char path[4200], msg[4400];
	size_t off;
	ssize_t n;
	int fd, status = TC_EXIT_OK;

	snprintf(path, sizeof(path), "%s/%s", d->home, name);
	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		tc_buf_release(b);
		return tc_cli_fail(TC_ERR_IO, what, msg);
	}
	for (off = 0; off < b->len; off += (size_t)n)
		if ((n = write(fd, b->data + off, b->len - off)) <= 0)
			break;
	if (off < b->len || fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		status = tc_cli_fail(TC_ERR_IO, what, msg);
	}
	if (close(fd) != 0 && status == TC_EXIT_OK) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		status = tc_cli_fail(TC_ERR_IO, what, msg);
	}
	tc_buf_release(b);
	return status;
}

/* Writes DIR/demo-operators.txt, created 0600, never over a file. */
static int
write_ops_file(struct demo *d)
{
	char roles[TC_ROLES_TEXT_MAX];
	struct tc_buf b;
	size_t i;
	int r;

	tc_buf_init(&b, 0);
	r = tc_buf_printf(&b,
	    "# The operators of the talentcard demo authority in %s, with their\n"
	    "# organisations, passphrases and TOTP secrets (Base32): anyone who\n"
	    "# can read this file can act as them. For demonstrations and tests\n"
	    "# only. Use them as\n"
	    "#   TCARD_PASSPHRASE=... TCARD_OTP=CODE tcard-issuer COMMAND ... --as NAME\n"
	    "# name\troles\torganisation\tpassphrase\ttotp\n",
	    d->home);
	for (i = 0; r == 0 && i < d->n_ops; i++) {
		tc_roles_format(d->ops[i].roles, roles, sizeof(roles));
		r = tc_buf_printf(&b, "%s\t%s\t%s\t%s\t%s\n", d->ops[i].name,
		    roles, d->ops[i].org, d->ops[i].pass, d->ops[i].totp);
	}
	if (r != 0) {
		tc_buf_release(&b);
		return tc_cli_fail(r, DEMO_OPS_FILE, NULL);
	}
	return write_secret_file(d, DEMO_OPS_FILE, "operators", &b);
}

static void employ(
    struct demo *d, const struct tc_programme *p, struct tc_sample_person *who);

/*
 * The portal's demo applicants (issue 16): DEMO_APPLICANTS made-up people
 * who have not applied yet, each employed by a demo unit, with a verified
 * account (login applicant-K@demo.talentcard.example, a random password)
 * listed in DIR/demo-applicants.txt with what their forms need.
 */
static int
make_applicants(struct demo *d)
{
	const struct tc_programme *p =
	    tc_programme_set_find(d->progs, "guangdong-youyue");
	struct tc_sample_person who;
	char login[64], pass[DEMO_PASS_LEN + 1];
	struct tc_buf b;
	int64_t id;
	int k, r, status;

	tc_buf_init(&b, 0);
	r = tc_buf_printf(&b,
	    "# The applicants' accounts of the talentcard demo authority in %s\n"
	    "# (the portal, /portal/ and /v1/portal/ of tcard-issuerd): made-up\n"
	    "# people who have not applied yet, with what their forms need.\n"
	    "# Anyone who can read this file can sign in as them. For\n"
	    "# demonstrations and tests only.\n"
	    "# login\tpassword\tname\tid_type\tid_number\temployer\temployer_code\n",
	    d->home);
	for (k = 1; r == 0 && k <= DEMO_APPLICANTS; k++) {
		snprintf(login, sizeof(login),
		    "applicant-%d@demo.talentcard.example", k);
		snprintf(d->where, sizeof(d->where), "applicant %s", login);
		if ((r = tc_sample_person(p, TC_ID_RESIDENT,
			 0x5eed0000u + (uint32_t)k, d->c.now, &who, d->err,
			 sizeof(d->err))) != 0 ||
		    (r = make_pass(pass)) != 0)
			break;
		if (p != NULL)
			employ(d, p, &who);
		if ((status = begin(d)) != TC_EXIT_OK) {
			tc_buf_release(&b);
			return status;
		}
		r = tc_applicant_register(d->reg, login, pass, who.name, "zh",
		    1, d->c.now, &id, d->err, sizeof(d->err));
		if ((status = end(d, r)) != TC_EXIT_OK) {
			tc_buf_release(&b);
			return status;
		}
		r = tc_buf_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", login,
		    pass, who.name, tc_id_type_name(TC_ID_RESIDENT), who.id,
		    who.employer != NULL ? who.employer : "",
		    who.code != NULL ? who.code : "");
		OPENSSL_cleanse(pass, sizeof(pass));
		tick(d, 3);
	}
	if (r != 0) {
		tc_buf_release(&b);
		return fail(d, r);
	}
	return write_secret_file(d, DEMO_APPLICANTS_FILE, "applicants", &b);
}

/* The demo's organisations, added by the admin (first operator). */
static int
make_orgs(struct demo *d)
{
	char subject[TC_ORG_CODE_MAX + 16], detail[64];
	size_t i;
	int r, status;

	for (i = 0; i < sizeof(demo_orgs) / sizeof(demo_orgs[0]); i++) {
		snprintf(d->where, sizeof(d->where), "organisation %s",
		    demo_orgs[i].code);
		snprintf(subject, sizeof(subject), "organisation:%s",
		    demo_orgs[i].code);
		snprintf(detail, sizeof(detail), "{\"kind\":\"%s\"}",
		    tc_org_kind_name(demo_orgs[i].kind));
		if ((status = begin(d)) != TC_EXIT_OK)
			return status;
		r = tc_registry_org_add(d->reg, demo_orgs[i].kind,
		    demo_orgs[i].code, demo_orgs[i].name, d->c.now, NULL,
		    d->err, sizeof(d->err));
		if (r == 0)
			r = tc_registry_audit(d->reg, d->c.now, d->ops[0].name,
			    "organisation.add", subject, detail, d->err,
			    sizeof(d->err));
		if ((status = end(d, r)) != TC_EXIT_OK)
			return status;
		tick(d, 2);
	}
	return TC_EXIT_OK;
}

/* Adds demo operator i with its audit entry and its TOTP enrolment. */
static int
store_op(struct demo *d, size_t i)
{
	char *detail;
	int r, status;

	snprintf(d->where, sizeof(d->where), "operator %s", d->ops[i].name);
	if ((detail = tc_issuer_roles_detail(d->ops[i].roles, i == 0, 1)) ==
	    NULL)
		return tc_cli_fail(TC_ERR_NOMEM, d->where, NULL);
	if ((status = begin(d)) != TC_EXIT_OK) {
		free(detail);
		return status;
	}
	r = tc_registry_operator_add(d->reg, d->ops[i].name, d->ops[i].roles,
	    d->ops[i].org, d->ops[i].hash, d->c.now, NULL, d->err,
	    sizeof(d->err));
	if (r == 0)
		r = tc_registry_audit(d->reg, d->c.now,
		    i == 0 ? "system" : d->ops[0].name, "operator.add",
		    d->ops[i].name, detail, d->err, sizeof(d->err));
	if (r == 0)
		r = tc_registry_operator_totp_enrol(d->reg, d->ops[i].name,
		    i == 0 ? "system" : d->ops[0].name, d->c.now,
		    d->ops[i].totp, d->err, sizeof(d->err));
	free(detail);
	if ((status = end(d, r)) != TC_EXIT_OK)
		return status;
	tick(d, 2);
	return TC_EXIT_OK;
}

/*
 * The operators: the admin first (the bootstrap, added by "system"),
 * then the organisations and the others added by the admin, each with
 * its audit entry and its TOTP enrolment. The operators' file is written
 * last, with the secrets.
 */
static int
make_operators(struct demo *d)
{
	const struct tc_programme *p;
	char name[TC_OPERATOR_NAME_MAX + 1];
	size_t i, j, u;
	int role, k, status;

	for (i = 0; i < tc_programme_set_count(d->progs); i++) {
		p = tc_programme_set_at(d->progs, i);
		for (j = 0; j < p->n_tiers; j++)
			count_roles(d, p->tiers[j].steps, p->tiers[j].n_steps);
		for (j = 0; j < p->n_routes; j++)
			count_roles(
			    d, p->routes[j].steps, p->routes[j].n_steps);
	}
	if ((status = add_op(d, "demo-admin", TC_ROLE_BIT(TC_ROLE_ADMIN),
		 TC_ORG_OFFICE_CODE)) != TC_EXIT_OK ||
	    (status = store_op(d, 0)) != TC_EXIT_OK ||
	    (status = make_orgs(d)) != TC_EXIT_OK ||
	    (status = add_op(d, "demo-auditor", TC_ROLE_BIT(TC_ROLE_AUDITOR),
		 TC_ORG_OFFICE_CODE)) != TC_EXIT_OK ||
	    (status = add_op(d, "demo-clerk", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER),
		 "demo-district")) != TC_EXIT_OK)
		return status;
	for (role = TC_ROLE_FIRST; role <= TC_ROLE_LAST; role++)
		for (k = 1; k <= d->per_role[role]; k++) {
			if (role != TC_ROLE_UNIT_REVIEWER) {
				snprintf(name, sizeof(name), "demo-%s-%d",
				    tc_role_name((enum tc_role)role), k);
				if ((status = add_op(d, name, TC_ROLE_BIT(role),
					 org_of_role(role))) != TC_EXIT_OK)
					return status;
				continue;
			}
			for (u = 0; u < DEMO_UNITS; u++) {
				snprintf(name, sizeof(name),
				    "demo-unit-reviewer-%s-%d",
				    demo_orgs[u].letter, k);
				if ((status = add_op(d, name, TC_ROLE_BIT(role),
					 demo_orgs[u].code)) != TC_EXIT_OK)
					return status;
			}
		}
	for (i = 1; i < d->n_ops; i++)
		if ((status = store_op(d, i)) != TC_EXIT_OK)
			return status;
	return write_ops_file(d);
}

/*
 * The unit of the next applicant of programme p when one of its steps is
 * a unit's (the applicant's employer becomes that unit), else NULL.
 */
static const struct demo_org *
unit_for(struct demo *d, const struct tc_programme *p)
{
	size_t i, j;

	for (i = 0; i < p->n_tiers; i++)
		for (j = 0; j < p->tiers[i].n_steps; j++)
			if (p->tiers[i].steps[j].role == TC_ROLE_UNIT_REVIEWER)
				return &demo_orgs[d->next_unit++ % DEMO_UNITS];
	for (i = 0; i < p->n_routes; i++)
		for (j = 0; j < p->routes[i].n_steps; j++)
			if (p->routes[i].steps[j].role == TC_ROLE_UNIT_REVIEWER)
				return &demo_orgs[d->next_unit++ % DEMO_UNITS];
	return NULL;
}

/* Makes who an employee of p's next unit when p has a unit step. */
static void
employ(
    struct demo *d, const struct tc_programme *p, struct tc_sample_person *who)
{
	const struct demo_org *u = unit_for(d, p);

	if (u != NULL) {
		who->employer = u->name;
		who->code = u->code;
	}
}

/* 1 when a card of the demo already went to someone of this name. */
static int
name_taken(const struct demo *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_cards; i++)
		if (strcmp(d->cards[i].name, name) == 0)
			return 1;
	return 0;
}

static int
record_card(struct demo *d, const struct tc_card *card,
    const struct tc_sample_person *who)
{
	struct demo_card *dc;

	if (d->n_cards >= DEMO_MAX_CARDS)
		return tc_cli_fail(TC_ERR_INTERNAL, "demo", "too many cards");
	dc = &d->cards[d->n_cards++];
	memcpy(dc->card_no, card->card_no, sizeof(dc->card_no));
	snprintf(dc->programme, sizeof(dc->programme), "%s", card->programme);
	snprintf(dc->tier, sizeof(dc->tier), "%s", card->tier);
	snprintf(dc->name, sizeof(dc->name), "%s", who->name);
	dc->id_type = who->id_type;
	snprintf(dc->id, sizeof(dc->id), "%s", who->id);
	return TC_EXIT_OK;
}

struct attach_arg {
	struct demo *d;
	const struct tc_programme *p;
	int64_t id;
	int photo; /* a photo was attached */
};

/*
 * Attaches one file; a photo is drawn (demo-faces.h) so that the card
 * faces show a picture; like (may be NULL) gives its size and format.
 */
static int
attach_photo(struct attach_arg *a, const struct tc_sample_file *like)
{
	struct tc_buf b;
	const char *name;
	int r;

	tc_buf_init(&b, TC_ATTACH_MAX);
	if ((r = tc_demo_photo(a->p, like, a->d->seed, &b, &name, a->d->err,
		 sizeof(a->d->err))) == 0)
		r = tc_app_attach(&a->d->c, a->id, TC_ATT_PHOTO,
		    like != NULL ? like->material : NULL, name, b.data, b.len,
		    NULL, a->d->err, sizeof(a->d->err));
	tc_buf_release(&b);
	a->photo = 1;
	return r;
}

static int
attach_one(const struct tc_sample_file *f, void *arg)
{
	struct attach_arg *a = arg;

	if (f->kind == TC_ATT_PHOTO)
		return attach_photo(a, f);
	return tc_app_attach(&a->d->c, a->id, f->kind, f->material, f->name,
	    f->data, f->len, NULL, a->d->err, sizeof(a->d->err));
}

/*
 * Creates, attaches and submits an application for who, in one
 * transaction as the intake clerk. Sets *id.
 */
static int
apply(struct demo *d, const struct tc_programme *p, const char *tier,
    const char *route, const char *clause, const struct tc_sample_person *who,
    int64_t *id)
{
	struct attach_arg aa;
	struct tc_app_form f;
	struct tc_buf b;
	int r, status;

	memset(&f, 0, sizeof(f));
	d->c.operator_name = "demo-clerk";
	tc_buf_init(&b, TC_APP_FORM_MAX);
	r = tc_sample_form_json(
	    p, tier, route, clause, who, &b, d->err, sizeof(d->err));
	if (r == 0 && (r = tc_demo_name_zh(p, who, &b)) != 0)
		snprintf(d->err, sizeof(d->err), "the name's translation");
	if (r == 0)
		r = tc_app_form_parse(d->progs, (const char *)b.data, b.len,
		    d->c.now, &f, d->err, sizeof(d->err));
	tc_buf_release(&b);
	if (r != 0)
		return fail(d, r);
	if ((status = begin(d)) != TC_EXIT_OK) {
		tc_app_form_release(&f);
		return status;
	}
	r = tc_app_create(&d->c, &f, id, d->err, sizeof(d->err));
	if (r == 0) {
		aa.d = d;
		aa.p = p;
		aa.id = *id;
		aa.photo = 0;
		r = tc_sample_materials(p, f.tier[0] ? f.tier : NULL,
		    f.work_type[0] ? f.work_type : NULL, f.id_type, 0,
		    attach_one, &aa);
		/* A photo for the card face even where the form asks for
		 * none (every programme's form asks for one today). */
		if (r == 0 && !aa.photo)
			r = attach_photo(&aa, NULL);
	}
	if (r == 0)
		r = tc_app_submit(&d->c, *id, 1, d->err, sizeof(d->err));
	tc_app_form_release(&f);
	return end(d, r);
}

/* Runs one review decision in a transaction. */
static int
review(struct demo *d, int64_t id, enum tc_review_decision dec,
    const char *reason, const char *tier)
{
	struct tc_review rv;
	int status;

	memset(&rv, 0, sizeof(rv));
	rv.decision = dec;
	rv.reason = reason;
	rv.tier = tier;
	if ((status = begin(d)) != TC_EXIT_OK)
		return status;
	return end(
	    d, tc_app_review(&d->c, id, &rv, NULL, d->err, sizeof(d->err)));
}

/*
 * Shows a return for supplementary material: the step returns it, the
 * clerk resubmits it the next working day, and the same reviewer goes on.
 */
static int
return_and_resubmit(struct demo *d, int64_t id)
{
	char where[sizeof(d->where)];
	int status;

	if ((status = review(d, id, TC_REVIEW_RETURN,
		 "请补充近三个月社保缴纳证明 (three months of social insurance records, please)",
		 NULL)) != TC_EXIT_OK)
		return status;
	d->c.now =
	    tc_time_of_day(tc_workday_add(NULL, tc_day_of_time(d->c.now), 1)) +
	    DAY_START + 3600;
	snprintf(where, sizeof(where), "%s", d->where);
	snprintf(d->where, sizeof(d->where), "%.400s: resubmission", where);
	d->c.operator_name = "demo-clerk";
	if ((status = begin(d)) != TC_EXIT_OK)
		return status;
	if ((status = end(
		 d, tc_app_submit(&d->c, id, 1, d->err, sizeof(d->err)))) !=
	    TC_EXIT_OK)
		return status;
	snprintf(d->where, sizeof(d->where), "%s", where);
	d->c.operator_name = d->op;
	d->returned = 1;
	tick(d, 40);
	return TC_EXIT_OK;
}

/*
 * Walks submitted application id through its steps to the card: each
 * step by demo-ROLE-K, K counting the steps of that role so far (four
 * eyes), the notice period waited out, the tier decided where the step
 * decides it. label names the application in messages.
 */
static int
walk(struct demo *d, int64_t id, const char *label, const char *decide,
    struct tc_card *card)
{
	const struct tc_programme *p;
	const struct tc_step *steps, *s;
	struct tc_app a;
	time_t open_at;
	size_t n, j;
	int r, k, status;

	for (;;) {
		snprintf(d->where, sizeof(d->where), "%s (application %lld)",
		    label, (long long)id);
		if ((r = tc_app_get(d->reg, id, &a, d->err, sizeof(d->err))) !=
		    0)
			return fail(d, r);
		if ((p = tc_programme_set_find(d->progs, a.programme)) ==
		    NULL) {
			tc_app_release(&a);
			return tc_cli_fail(
			    TC_ERR_NOT_FOUND, d->where, "programme not loaded");
		}
		if ((r = tc_app_steps(
			 p, &a, &steps, &n, d->err, sizeof(d->err))) != 0) {
			tc_app_release(&a);
			return fail(d, r);
		}
		s = &steps[a.step];
		for (k = 0, j = 0; j <= (size_t)a.step; j++)
			k += steps[j].role == s->role;
		snprintf(d->op, sizeof(d->op), "demo-%s-%d",
		    tc_role_name(s->role), k);
		for (j = 0; s->role == TC_ROLE_UNIT_REVIEWER && j < DEMO_UNITS;
		     j++)
			if (strcmp(a.employer_code, demo_orgs[j].code) == 0)
				snprintf(d->op, sizeof(d->op),
				    "demo-unit-reviewer-%s-%d",
				    demo_orgs[j].letter, k);
		snprintf(d->where, sizeof(d->where),
		    "%s (application %lld), step %s (%s) as %s", label,
		    (long long)id, s->id, s->names.zh ? s->names.zh : "",
		    d->op);
		d->c.operator_name = d->op;
		if (s->kind == TC_STEP_NOTICE) {
			/* Accepted from the notice period's last day. */
			open_at = tc_time_of_day(tc_workday_add(NULL,
				      tc_day_of_time(a.step_started_at),
				      s->notice_days)) +
			    DAY_START;
			if (d->c.now < open_at)
				d->c.now = open_at;
		}
		/* Every card is issued in the past. */
		if (d->c.now >= d->today) {
			tc_app_release(&a);
			return tc_cli_fail(TC_ERR_INTERNAL, d->where,
			    "the demo clock reached today; DEMO_DAYS is too small for these programmes");
		}
		if (s->kind == TC_STEP_ISSUE) {
			tc_app_release(&a);
			if ((r = tc_app_issue(
				 &d->c, id, card, d->err, sizeof(d->err))) != 0)
				return fail(d, r);
			tick(d, 30);
			return TC_EXIT_OK;
		}
		status = TC_EXIT_OK;
		if (!d->returned && s->may_return)
			status = return_and_resubmit(d, id);
		if (status == TC_EXIT_OK)
			status = review(d, id, TC_REVIEW_APPROVE, NULL,
			    s->decides_tier && a.tier[0] == '\0' ? decide
								 : NULL);
		tc_app_release(&a);
		if (status != TC_EXIT_OK)
			return status;
		tick(d, 50);
	}
}

/* One applicant through one tier or route, to an issued card. */
static int
one(struct demo *d, const struct tc_programme *p, const struct tc_tier *t,
    const struct tc_route *rt)
{
	struct tc_sample_person who;
	struct tc_card card;
	const char *clause, *decide = NULL;
	char label[256];
	int64_t id = 0;
	int r, status;

	snprintf(label, sizeof(label), "%s %s %s", p->id,
	    rt != NULL ? "route" : "tier", rt != NULL ? rt->id : t->id);
	snprintf(d->where, sizeof(d->where), "%s", label);
	/* Seeds alternate Chinese and foreign people; skip namesakes. */
	do {
		d->seed++;
		if ((r = tc_sample_person(p, 0, d->seed, d->c.now, &who, d->err,
			 sizeof(d->err))) != 0)
			return fail(d, r);
	} while (name_taken(d, who.name) && d->seed % 64 != 0);
	employ(d, p, &who);
	if (rt != NULL && rt->n_clauses > 0) {
		clause = tc_sample_clause(NULL, rt, d->seed);
		decide = rt->tiers.v[d->seed % rt->tiers.n];
		t = NULL;
	} else {
		if (rt != NULL)
			t = tc_programme_tier(
			    p, rt->tiers.v[d->seed % rt->tiers.n]);
		clause = tc_sample_clause(t, NULL, d->seed);
	}
	status = apply(d, p, t != NULL ? t->id : NULL,
	    rt != NULL ? rt->id : NULL, clause, &who, &id);
	if (status == TC_EXIT_OK) {
		tick(d, 30);
		status = walk(d, id, label, decide, &card);
	}
	if (status == TC_EXIT_OK)
		status = record_card(d, &card, &who);
	if (status == TC_EXIT_OK && d->sub_serial == 0 &&
	    card.principal_serial == 0) {
		const struct tc_tier *ct = tc_programme_tier(p, card.tier);
		size_t i;

		for (i = 0; ct != NULL && i < p->n_tiers; i++)
			if (p->tiers[i].kind == TC_TIER_SUB &&
			    tc_idlist_has(
				&p->tiers[i].principal_tiers, ct->id)) {
				d->sub_holder = who;
				d->sub_serial = card.serial;
				memcpy(d->sub_card_no, card.card_no,
				    sizeof(d->sub_card_no));
				d->sub_prog = p;
				break;
			}
	}
	OPENSSL_cleanse(&who, sizeof(who));
	return status;
}

/*
 * A sub-card as 'subcard add' makes it: check, reserve, add, with a
 * drawn photo of the relative.
 */
static int
subcard(struct demo *d, enum tc_relation rel_kind)
{
	struct tc_sample_person rel;
	struct tc_relative rv;
	struct tc_buf photo;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state cs;
	char subject[64];
	int64_t ns;
	int y, m, dd, r, status;

	snprintf(d->where, sizeof(d->where), "%s sub-card (%s) on card %s",
	    d->sub_prog->id, tc_relation_name(rel_kind), d->sub_card_no);
	do {
		d->seed++;
		if ((r = tc_sample_relative(d->sub_prog, &d->sub_holder,
			 rel_kind, d->seed, d->c.now, &rel, d->err,
			 sizeof(d->err))) != 0)
			return fail(d, r);
	} while (name_taken(d, rel.name) && d->seed % 64 != 0);
	memset(&rv, 0, sizeof(rv));
	rv.id_type = rel.id_type;
	rv.id_number = rel.id;
	rv.name = rel.name;
	tc_buf_init(&photo, TC_ATTACH_MAX);
	if ((r = tc_demo_photo(d->sub_prog, NULL, d->seed, &photo,
		 &rv.photo_name, d->err, sizeof(d->err))) != 0) {
		status = fail(d, r);
		goto out;
	}
	rv.photo = photo.data;
	rv.photo_len = photo.len;
	if (tc_id_birth_date(rel.id_type, rel.id, &y, &m, &dd) != 0) {
		rv.birth_y = atoi(rel.birth) / 10000;
		rv.birth_m = atoi(rel.birth) / 100 % 100;
		rv.birth_d = atoi(rel.birth) % 100;
	}
	lc.reg = d->reg;
	lc.programmes = d->progs;
	lc.operator_name = "demo-card-issuer-1";
	lc.now = d->c.now;
	/* Check first, so that a refusal costs no serial. */
	if ((status = begin(d)) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_subcard_add(
	    &lc, d->sub_serial, rel_kind, &rv, 0, NULL, d->err, sizeof(d->err));
	tc_registry_rollback(d->reg);
	if (r != 0) {
		status = fail(d, r);
		goto out;
	}
	snprintf(subject, sizeof(subject), "subcard:%s", d->sub_card_no);
	if ((r = tc_serial_reserve(d->reg, lc.operator_name, subject, lc.now,
		 &ns, d->err, sizeof(d->err))) != 0) {
		status = fail(d, r);
		goto out;
	}
	if ((status = begin(d)) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_subcard_add(&lc, d->sub_serial, rel_kind, &rv, ns,
	    &res, d->err, sizeof(d->err));
	if ((status = end(d, r)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_lifecycle_card_get(
		 d->reg, res.new_serial, &cs, d->err, sizeof(d->err))) != 0) {
		status = fail(d, r);
		goto out;
	}
	status = record_card(d, &cs.card, &rel);
	tick(d, 20);
out:
	tc_buf_release(&photo);
	OPENSSL_cleanse(&rel, sizeof(rel));
	return status;
}

/*
 * One more application, submitted an hour before today and waiting at
 * its first step, for trying 'review': the last main tier of the
 * programme that had the sub-cards (the green card B), else the first.
 */
static int
pending(struct demo *d)
{
	const struct tc_programme *p = d->sub_prog;
	const struct tc_tier *t = NULL;
	struct tc_sample_person who;
	int64_t id;
	size_t i;
	int r, status;

	if (p == NULL)
		p = tc_programme_set_at(d->progs, 0);
	for (i = 0; i < p->n_tiers; i++)
		if (p->tiers[i].kind == TC_TIER_MAIN)
			t = &p->tiers[i];
	d->seed++;
	snprintf(d->where, sizeof(d->where), "%s tier %s (left in review)",
	    p->id, t->id);
	if (d->c.now < d->today - 3600)
		d->c.now = d->today - 3600;
	if ((r = tc_sample_person(
		 p, 0, d->seed, d->c.now, &who, d->err, sizeof(d->err))) != 0)
		return fail(d, r);
	employ(d, p, &who);
	status = apply(
	    d, p, t->id, NULL, tc_sample_clause(t, NULL, d->seed), &who, &id);
	OPENSSL_cleanse(&who, sizeof(who));
	return status;
}

/*
 * One application waiting at each demo unit's step (the first main tier
 * of the first programme with a unit step), so that each unit's reviewer
 * has work and sees only its own.
 */
static int
pending_units(struct demo *d)
{
	const struct tc_programme *p = NULL;
	const struct tc_tier *t = NULL;
	struct tc_sample_person who;
	unsigned u;
	size_t i, j;
	int64_t id;
	int r, status;

	for (i = 0; p == NULL && i < tc_programme_set_count(d->progs); i++)
		for (j = 0; j < tc_programme_set_at(d->progs, i)->n_tiers; j++)
			if ((t = &tc_programme_set_at(d->progs, i)->tiers[j])
				    ->kind == TC_TIER_MAIN &&
			    t->n_steps > 0 &&
			    t->steps[0].role == TC_ROLE_UNIT_REVIEWER) {
				p = tc_programme_set_at(d->progs, i);
				break;
			}
	for (u = 0; p != NULL && u < DEMO_UNITS; u++) {
		d->seed++;
		snprintf(d->where, sizeof(d->where),
		    "%s tier %s (left at unit %s)", p->id, t->id,
		    demo_orgs[u].code);
		if ((r = tc_sample_person(p, 0, d->seed, d->c.now, &who, d->err,
			 sizeof(d->err))) != 0)
			return fail(d, r);
		who.employer = demo_orgs[u].name;
		who.code = demo_orgs[u].code;
		status = apply(d, p, t->id, NULL,
		    tc_sample_clause(t, NULL, d->seed), &who, &id);
		OPENSSL_cleanse(&who, sizeof(who));
		if (status != TC_EXIT_OK)
			return status;
		d->c.now += 60; /* before today, as the one above */
	}
	return TC_EXIT_OK;
}

static int
build(struct demo *d)
{
	const struct tc_programme *p;
	size_t i, j;
	int status;

	for (i = 0; i < tc_programme_set_count(d->progs); i++) {
		p = tc_programme_set_at(d->progs, i);
		for (j = 0; j < p->n_tiers; j++)
			if (p->tiers[j].kind == TC_TIER_MAIN &&
			    (status = one(d, p, &p->tiers[j], NULL)) !=
				TC_EXIT_OK)
				return status;
		for (j = 0; j < p->n_routes; j++)
			if ((status = one(d, p, NULL, &p->routes[j])) !=
			    TC_EXIT_OK)
				return status;
	}
	if (d->sub_serial != 0) {
		for (i = 0; i < d->sub_prog->n_tiers; i++)
			if (d->sub_prog->tiers[i].kind == TC_TIER_SUB &&
			    (d->sub_prog->tiers[i].relation == TC_REL_SPOUSE ||
				d->sub_prog->tiers[i].relation ==
				    TC_REL_CHILD) &&
			    (status = subcard(d,
				 d->sub_prog->tiers[i].relation)) != TC_EXIT_OK)
				return status;
	}
	if ((status = pending(d)) != TC_EXIT_OK)
		return status;
	return pending_units(d);
}

static int
print_cards(const struct demo *d, int json)
{
	const struct demo_card *c;
	json_t *arr = NULL, *o;
	char g[20];
	size_t i;
	int r = 0;

	if (json && (arr = json_array()) == NULL)
		return tc_cli_fail(TC_ERR_NOMEM, "output", NULL);
	for (i = 0; i < d->n_cards; i++) {
		c = &d->cards[i];
		if (!json) {
			tc_cardno_group(c->card_no, g);
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", g, c->programme,
			    c->tier, c->name, tc_id_type_name(c->id_type),
			    c->id);
			continue;
		}
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "card",
		    c->card_no, "programme", c->programme, "tier", c->tier,
		    "name", c->name, "id_type", tc_id_type_name(c->id_type),
		    "id", c->id);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			r = -1;
	}
	if (json) {
		if (r == 0)
			r = tc_cli_print_json(stdout, arr);
		json_decref(arr);
	}
	if (r != 0 || fflush(stdout) != 0)
		return tc_cli_fail(TC_ERR_IO, "output", "writing failed");
	return TC_EXIT_OK;
}

int
tc_issuer_demo_run(const struct tc_args *a)
{
	struct demo *d;
	struct tc_programme_set *shipped = NULL;
	enum tc_keyalg alg = TC_KEYALG_ES256;
	const char *home_opt = a->home, *src, *v;
	char err[1024] = "";
	int64_t day;
	int json = a->json, r, status, created = 0;

	if ((v = tc_args_get(a, "alg")) != NULL &&
	    tc_keyalg_parse(v, &alg) != 0)
		return tc_cli_usage("--alg is es256 or sm2, not '%.32s'", v);
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", a->argv[0]);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return tc_cli_fail(TC_ERR_NOMEM, "demo", NULL);
	status = TC_EXIT_USAGE;
	if ((d->home = tc_cli_home(home_opt)) == NULL ||
	    (d->today = tc_cli_now()) == (time_t)-1 ||
	    (status = tc_issuer_passhash_setup()) != TC_EXIT_OK)
		goto out;
	if (!home_usable(d->home)) {
		status = TC_EXIT_REFUSED;
		goto out;
	}
	/* The programme files are checked before anything is created. */
	src = tc_issuer_shipped_programmes();
	if ((r = tc_programme_set_load_dir(&shipped, src, err, sizeof(err))) !=
	    0) {
		status = tc_cli_fail(r, "programmes", err);
		if (status == TC_EXIT_REFUSED)
			status = TC_EXIT_ENV;
		goto out;
	}
	/* The clock: 09:00 Beijing time on a working day DEMO_DAYS ago. */
	day = tc_day_of_time(d->today) - DEMO_DAYS;
	if (!tc_workday_is(NULL, day))
		day = tc_workday_add(NULL, day, 1);
	d->c.now = tc_time_of_day(day) + DAY_START;
	snprintf(d->where, sizeof(d->where), "key store");
	if ((r = tc_keystore_create(
		 d->home, alg, 0, d->c.now, d->err, sizeof(d->err))) != 0) {
		status = fail(d, r);
		goto out;
	}
	created = 1;
	if ((status = tc_issuer_open(d->home, NULL, &d->reg, 1)) !=
		TC_EXIT_OK ||
	    (status = tc_issuer_install_programmes(src, d->home)) !=
		TC_EXIT_OK ||
	    (status = tc_issuer_programmes(d->home, &d->progs)) != TC_EXIT_OK ||
	    (status = audit_init(d, alg)) != TC_EXIT_OK)
		goto out;
	d->c.reg = d->reg;
	d->c.programmes = d->progs;
	d->c.workdays = NULL;
	tick(d, 10);
	if ((status = make_operators(d)) != TC_EXIT_OK ||
	    (status = build(d)) != TC_EXIT_OK ||
	    (status = make_applicants(d)) != TC_EXIT_OK ||
	    (status = print_cards(d, json)) != TC_EXIT_OK)
		goto out;
	fprintf(stderr,
	    "tcard-issuer demo: demo authority ready in %s: %zu cards, %zu operators (passphrases in %s/%s)\n",
	    d->home, d->n_cards, d->n_ops, d->home, DEMO_OPS_FILE);
	status = TC_EXIT_OK;
out:
	if (status != TC_EXIT_OK && created)
		fprintf(stderr,
		    "tcard-issuer demo: %s is incomplete; remove it before running the demo again\n",
		    d->home);
	tc_programme_set_free(shipped);
	tc_programme_set_free(d->progs);
	tc_registry_close(d->reg);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
	return status;
}
