/* SPDX-License-Identifier: MIT */
/*
 * Personalisation through tcard-issuerd's monitor, in one process: the
 * monitor's perso-* ops (office/mon-perso.c, with its key store made by
 * tc_keystore_create and a registry holding a card in production) answer
 * the web worker's side of the job (office/web-perso.c), whose calls go
 * straight to mon_op here instead of over the socketpair; the driver
 * (tc_perso_drive) runs it on the emulator's tcard applet. It checks that
 * the chip comes out verifiable and recorded done, that the monitor
 * answers a job only for its station and the chip it started, never
 * after its end, that the print job's state reaches the production item,
 * that no ID number is in the log, and that without the master key a
 * make is 503.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "fixtures-programme.h"
#include "fixtures-registry.h"
#include "tcard/apdu.h"
#include "tcard/cardno.h"
#include "tcard/chip.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/organisation.h"
#include "tcard/perso.h"
#include "tcard/production.h"
#include "tcard/tap.h"
#include "../../office/mon.h"
#include "../../office/web.h"
#include "../../vcard/vcard.h"

#define FAKE_ID	 "11010519491231002X"
#define STATION	 "bank-1.reader_2"
#define PRODUCER "bp"

static struct mon M;
static struct web W; /* no daemon, no log: web_call is below */
static char logbuf[256 * 1024];
static size_t loglen;

/* The monitor's log into logbuf (office/issuerd.c writes stderr). */
void
mon_log(const char *event, const char *level, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (loglen >= sizeof(logbuf) - 1024)
		return;
	n = snprintf(
	    logbuf + loglen, sizeof(logbuf) - loglen, "%s %s ", event, level);
	loglen += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	loglen += (size_t)n < sizeof(logbuf) - loglen ? (size_t)n : 0;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

pid_t
mon_spawn(
    const char *name, const char *const *argv, const int *keep, size_t nkeep)
{
	(void)name;
	(void)argv;
	(void)keep;
	(void)nkeep;
	return -1;
}

/*
 * The worker's call, answered by the monitor in this process: the request
 * parsed as office/issuerd.c parses it, the answer as the worker reads it.
 */
int
web_call(
    struct web *w, json_t *req, struct web_answer *an, struct tc_dresp *resp)
{
	struct tc_orpc_req q;
	struct mon_answer a;
	char *text, err[512] = "";

	(void)w;
	(void)resp;
	memset(an, 0, sizeof(*an));
	memset(&a, 0, sizeof(a));
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(text);
	if (tc_orpc_req_parse(text, strlen(text), &q, err, sizeof(err)) != 0)
		mon_fail(&a, 400, "bad-request", "%s", err);
	else
		mon_op(&M, &q, &a);
	tc_orpc_req_release(&q);
	free(text);
	an->o = json_pack("{s:i, s:s?, s:s}", "status", a.status, "error",
	    a.error, "message", a.message);
	assert_non_null(an->o);
	an->status = a.status;
	an->error = json_string_value(json_object_get(an->o, "error"));
	an->message = json_string_value(json_object_get(an->o, "message"));
	an->body = an->own = a.error == NULL ? a.body : NULL;
	if (a.error != NULL)
		json_decref(a.body);
	json_decref(a.who);
	free(a.tail);
	return 0;
}

void
web_answer_free(struct web_answer *an)
{
	json_decref(an->o);
	json_decref(an->own);
	free(an->tail);
	memset(an, 0, sizeof(*an));
}

/* One request of JSON text to the monitor: its status, body in *body. */
static unsigned
ask(const char *json, json_t **body, char *msg, size_t msglen)
{
	struct web_answer an;
	json_t *req = json_loads(json, 0, NULL);

	assert_non_null(req);
	web_call(NULL, req, &an, NULL);
	if (body != NULL)
		*body = json_incref(an.body);
	if (msg != NULL)
		snprintf(msg, msglen, "%s", an.message ? an.message : "");
	unsigned st = an.status;
	web_answer_free(&an);
	return st;
}

/* The emulated card (as tests/unit/test-perso-relay.c). */
struct emu {
	struct vcard vc;
	struct tc_buf pending;
};

static int
emu_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct emu *e = impl;
	struct tc_apdu a;
	struct tc_buf data, out;
	uint16_t sw;

	(void)timeout_ms;
	(void)err;
	(void)errlen;
	tc_buf_init(&data, TC_APDU_RESP_MAX);
	tc_buf_init(&out, cap);
	e->vc.wrapped = 0;
	memset(&a, 0, sizeof(a));
	if (tc_apdu_parse(&a, cmd, n, NULL, 0) != 0)
		sw = TC_SW_WRONG_LENGTH;
	else if (a.ins == 0xC0 && a.cla == 0x00) {
		tc_buf_put(&data, e->pending.data, e->pending.len);
		sw = TC_SW_OK;
	} else
		sw = vcard_command(&e->vc, &a, &data);
	vcard_answer(vcard_protocol(e->vc.profile), a.ne, data.data, data.len,
	    sw, &out, &e->pending);
	memcpy(resp, out.data, out.len);
	*rlen = out.len;
	tc_buf_release(&data);
	tc_buf_release(&out);
	return 0;
}

static const struct tc_icc_ops emu_ops = { .exchange = emu_exchange };

struct fx {
	char home[64];
	char path[128];
	int64_t serial, serial2; /* a tcard's card, a PIV card's */
	char card_no[17], card_no2[17];
	struct mon_session *s;
	struct tc_profile_set set;
	struct emu e;
};

static struct fx F;

/* Card serial of guangzhou-green in production for branch "bank". */
static void
card_add(
    struct fx *f, int64_t holder, int64_t serial, int64_t app, char card_no[17])
{
	const struct tc_programme *p;
	struct tc_card c;
	char err[512] = "", sql[1024];

	assert_non_null(p = tc_programme_set_find(M.progs, "guangzhou-green"));
	memset(&c, 0, sizeof(c));
	c.serial = serial;
	c.holder_id = holder;
	assert_int_equal(
	    tc_cardno_make(p->region, (uint64_t)c.serial, c.card_no), 0);
	memcpy(card_no, c.card_no, 17);
	strcpy(c.programme, p->id);
	strcpy(c.tier, p->tiers[0].id);
	c.status = TC_CARD_PRODUCTION;
	c.issued_at = time(NULL) - 86400;
	c.expires_at = time(NULL) + 365 * 86400;
	assert_int_equal(tc_registry_begin(M.reg, NULL, 0), 0);
	if (tc_registry_card_add(M.reg, &c, err, sizeof(err)) != 0 ||
	    tc_registry_audit(M.reg, 1000, "test", "test.setup", "", "{}", err,
		sizeof(err)) != 0)
		fail_msg("card: %s", err);
	assert_int_equal(tc_registry_commit(M.reg, NULL, 0), 0);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO applications (id, kind, programme, tier, id_type, id_mac, id_sealed, id_masked, name, state, step_id, created_at, created_by) VALUES (%lld, 'new', '%s', '%s', 'resident', randomblob(32), randomblob(40), '****************002X', 'Test Holder', 'approved', 'produce', 1000, 'test');"
	    "INSERT INTO production (serial, application, branch, state, queued_at, updated_at) VALUES (%lld, %lld, 'bank', 'to-make', 1000, 1000);",
	    (long long)app, c.programme, c.tier, (long long)c.serial,
	    (long long)app);
	fx_raw_exec(f->path, sql);
}

/* The branch, its producer, a holder and two cards in production. */
static void
cards_in_production(struct fx *f)
{
	struct tc_holder h;
	char err[512] = "";
	int64_t holder;

	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	strcpy(h.id_number, FAKE_ID);
	strcpy(h.name, "Test Holder");
	assert_int_equal(tc_registry_begin(M.reg, NULL, 0), 0);
	if (tc_registry_org_add(M.reg, TC_ORG_BANK_BRANCH, "bank", "a bank", 0,
		NULL, err, sizeof(err)) != 0 ||
	    tc_registry_operator_add(M.reg, PRODUCER,
		TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), "bank", NULL, 0, NULL, err,
		sizeof(err)) != 0 ||
	    tc_registry_holder_add(
		M.reg, &h, 1000, &holder, err, sizeof(err)) != 0 ||
	    tc_registry_audit(M.reg, 1000, "test", "test.setup", "", "{}", err,
		sizeof(err)) != 0)
		fail_msg("setup: %s", err);
	assert_int_equal(tc_registry_commit(M.reg, NULL, 0), 0);
	card_add(f, holder, f->serial = 7, 1, f->card_no);
	card_add(f, holder, f->serial2 = 8, 2, f->card_no2);
}

static int
setup(void **state)
{
	struct fx *f = &F;
	struct tc_keystore *ks = NULL;
	struct tc_registry_keys keys;
	char dir[4096], err[512] = "";

	memset(&M, 0, sizeof(M));
	M.idle_timeout = 900;
	M.lifetime = 28800;
	strcpy(f->home, "/tmp/tc-monperso-XXXXXX");
	assert_non_null(mkdtemp(f->home));
	snprintf(f->path, sizeof(f->path), "%s/registry.db", f->home);
	if (tc_keystore_create(f->home, TC_KEYALG_ES256, 0, time(NULL), err,
		sizeof(err)) != 0 ||
	    tc_keystore_open(&ks, f->home, err, sizeof(err)) != 0 ||
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, keys.pepper,
		sizeof(keys.pepper), err, sizeof(err)) != 0 ||
	    tc_keystore_secret(ks, TC_SECRET_DATA_KEY, keys.data_key,
		sizeof(keys.data_key), err, sizeof(err)) != 0 ||
	    tc_registry_open(&M.reg, f->path, &keys, TC_REGISTRY_CREATE, err,
		sizeof(err)) != 0)
		fail_msg("home: %s", err);
	tc_keystore_free(ks);
	assert_true(fx_find_programmes(dir, sizeof(dir)) == 0);
	if (tc_programme_set_load_dir(&M.progs, dir, err, sizeof(err)) != 0)
		fail_msg("programmes: %s", err);
	cards_in_production(f);
	assert_int_equal(mon_perso_open(&M, f->home), 0);
	assert_non_null(f->s = mon_session_new(&M, 0, PRODUCER,
			    TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), 0, time(NULL)));
	assert_int_equal(
	    tc_profile_set_load(&f->set, tc_profile_dir(NULL), NULL, 0), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	mon_perso_close(&M);
	tc_registry_close(M.reg);
	tc_programme_set_free(M.progs);
	tc_profile_set_release(&f->set);
	fx_rm_tree(f->home);
	return 0;
}

/* perso-make of the fixture's card at station; the job's id. */
static unsigned
make_card(struct fx *f, const char *card, const char *station, char job[33],
    char *msg, size_t n)
{
	char req[512];
	json_t *body = NULL;
	unsigned st;

	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-make\",\"session\":\"%s\",\"csrf\":\"%s\",\"card\":\"%s\",\"args\":{\"station\":\"%s\"}}",
	    f->s->idtext, f->s->csrf, card, station);
	st = ask(req, &body, msg, n);
	if (st == 201) {
		snprintf(job, 33, "%s",
		    json_string_value(json_object_get(body, "job")));
		assert_string_equal(
		    json_string_value(json_object_get(body, "station")),
		    station);
		assert_string_equal(
		    json_string_value(json_object_get(body, "card")), card);
	}
	json_decref(body);
	return st;
}

static unsigned
make(struct fx *f, const char *station, char job[33], char *msg, size_t n)
{
	return make_card(f, f->card_no, station, job, msg, n);
}

/* perso-status's member name (a string, or "" when null). */
static void
status(struct fx *f, const char *job, const char *name, char *out, size_t n)
{
	char req[256];
	json_t *body = NULL, *v;

	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-status\",\"session\":\"%s\",\"args\":{\"job\":\"%s\"}}",
	    f->s->idtext, job);
	assert_int_equal(ask(req, &body, NULL, 0), 200);
	v = json_object_get(body, name);
	if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, n, "%s",
		    json_is_string(v) ? json_string_value(v) : "");
	json_decref(body);
}

static void
test_make_drive_print(void **state)
{
	struct fx *f = *state;
	struct web_perso *p = NULL;
	struct tc_perso_result res;
	struct tc_tap_result tr;
	struct tc_prod_item it;
	struct tc_app_ctx c;
	struct tc_chip chip;
	struct tc_icc *icc;
	char job[33] = "", old[33] = "", err[1024] = "", req[1024], v[64];
	char uid[33];
	int r;

	/* The make: CSRF first, then a job bound to card and station. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-make\",\"session\":\"%s\",\"card\":\"%s\",\"args\":{\"station\":\"%s\"}}",
	    f->s->idtext, f->card_no, STATION);
	assert_int_equal(ask(req, NULL, NULL, 0), 403);
	assert_int_equal(make(f, STATION, old, NULL, 0), 201);
	assert_int_equal(make(f, STATION, job, NULL, 0), 201);
	assert_string_not_equal(job, old);
	status(f, job, "state", v, sizeof(v));
	assert_string_equal(v, "waiting");
	status(f, old, "state", v, sizeof(v));
	assert_string_equal(v, "failed");
	memset(&c, 0, sizeof(c));
	c.reg = M.reg;
	c.programmes = M.progs;
	c.operator_name = PRODUCER;
	c.now = time(NULL);
	assert_int_equal(tc_prod_get(&c, f->serial, &it, NULL, 0), 0);
	assert_int_equal(it.state, TC_PROD_IN_PROGRESS);

	/* Another station, or a superseded job: not the worker's. */
	assert_int_equal(
	    web_perso_open(NULL, job, "bank-2", &p, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    web_perso_open(&W, job, "bank-2", &p, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(web_perso_open(&W, old, STATION, &p, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "superseded"));

	/* The drive on the emulated tcard, every callback an op. */
	if (web_perso_open(&W, job, STATION, &p, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
	assert_string_equal(web_perso_job(p)->card_no, f->card_no);
	assert_int_equal(web_perso_profiles(p)->n, f->set.n);
	memset(&f->e, 0, sizeof(f->e));
	assert_non_null(
	    f->e.vc.profile = tc_profile_set_find(&f->set, "tcard"));
	vcard_state_init(&f->e.vc.st);
	tc_buf_init(&f->e.vc.chain, VCARD_CHAIN_MAX);
	tc_buf_init(&f->e.pending, TC_APDU_RESP_MAX);
	assert_int_equal(
	    vcard_state_factory(&f->e.vc.st, f->e.vc.profile, NULL, 0), 0);
	assert_int_equal(tc_icc_new(&icc, &emu_ops, &f->e, NULL, 0, "emu"), 0);
	r = tc_perso_drive(icc, web_perso_profiles(p), "tcard",
	    web_perso_job(p), web_perso_env(p), &res, err, sizeof(err));
	if (r != 0)
		fail_msg("drive: step %s: %s", res.step, err);
	snprintf(uid, sizeof(uid), "%s", res.uid);
	assert_int_equal(tc_chip_get(M.reg, f->serial, &chip, NULL, 0), 0);
	assert_int_equal(chip.state, TC_CHIP_DONE);
	assert_string_equal(chip.uid, uid);
	assert_int_equal(
	    tc_tap_verify(icc, &f->set, "tcard", web_perso_env(p)->ring, NULL,
		time(NULL), &tr, err, sizeof(err)),
	    0);
	assert_true(tr.v.valid && tr.card_checked);
	assert_string_equal(tr.v.claims.card_no, f->card_no);
	tc_icc_close(icc);

	/* Keys only for the job's chip; a PIV key not for a tcard. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-put-key\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"uid\":\"00112233445566778899aabbccddeeff\"}}",
	    job, STATION);
	assert_int_equal(ask(req, NULL, err, sizeof(err)), 409);
	assert_non_null(strstr(err, "not on chip"));
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-piv-mgmt\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"uid\":\"%s\"}}",
	    job, STATION, uid);
	assert_int_equal(ask(req, NULL, NULL, 0), 409);
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-put-key\",\"args\":{\"job\":\"%s\",\"station\":\"bank-2\",\"uid\":\"%s\"}}",
	    job, uid);
	assert_int_equal(ask(req, NULL, NULL, 0), 404);
	/* No face before the chip is done elsewhere: this one is done. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-print\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"cups_job\":3,\"state\":\"processing\"}}",
	    old, STATION);
	assert_int_equal(ask(req, NULL, NULL, 0), 409);

	/* The face: only for a job whose chip is done. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-face\",\"args\":{\"job\":\"%s\",\"station\":\"%s\"}}",
	    old, STATION);
	assert_int_equal(ask(req, NULL, NULL, 0), 409);
	/*
	 * The face itself (its photo and the details of the application
	 * that allocated the card, and the back's QR signed for the print)
	 * needs a real application, which this fixture does not make: test
	 * 193 prints it and reads the QR back.
	 */
	/* The end: done, its round trips; then no key op any more. */
	web_perso_close(p, 0, &res, NULL, 4);
	status(f, job, "state", v, sizeof(v));
	assert_string_equal(v, "done");
	status(f, job, "round_trips", v, sizeof(v));
	assert_string_equal(v, "4");
	status(f, job, "attempt", v, sizeof(v));
	assert_string_equal(v, "1");
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-put-key\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"uid\":\"%s\"}}",
	    job, STATION, uid);
	assert_int_equal(ask(req, NULL, err, sizeof(err)), 409);
	assert_non_null(strstr(err, "has ended"));

	/* The print: recorded on the item; aborted fails the card. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-print\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"cups_job\":3,\"state\":\"processing\"}}",
	    job, STATION);
	assert_int_equal(ask(req, NULL, NULL, 0), 200);
	status(f, job, "print_state", v, sizeof(v));
	assert_string_equal(v, "processing");
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-print\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"cups_job\":3,\"state\":\"aborted\",\"reason\":\"jammed\"}}",
	    job, STATION);
	assert_int_equal(ask(req, NULL, NULL, 0), 200);
	assert_int_equal(tc_prod_get(&c, f->serial, &it, NULL, 0), 0);
	assert_int_equal(it.state, TC_PROD_FAILED);
	assert_int_equal(it.print_job, 3);
	assert_string_equal(it.print_state, "aborted");
	assert_string_equal(it.reason, "print: aborted: jammed");

	/* A make again finds the chip done: the drive only checks it. */
	assert_int_equal(make(f, STATION, job, NULL, 0), 201);
	if (web_perso_open(&W, job, STATION, &p, err, sizeof(err)) != 0)
		fail_msg("open again: %s", err);
	assert_true(web_perso_job(p)->chip_done);
	assert_int_equal(tc_icc_new(&icc, &emu_ops, &f->e, NULL, 0, "emu"), 0);
	r = tc_perso_drive(icc, web_perso_profiles(p), "tcard",
	    web_perso_job(p), web_perso_env(p), &res, err, sizeof(err));
	if (r != 0)
		fail_msg("check: step %s: %s", res.step, err);
	assert_true(res.was_complete);
	tc_icc_close(icc);
	web_perso_close(p, 0, &res, NULL, 2);
	status(f, job, "state", v, sizeof(v));
	assert_string_equal(v, "done");
	tc_buf_release(&f->e.pending);
	tc_buf_release(&f->e.vc.chain);
	vcard_state_release(&f->e.vc.st);

	if (getenv("TC_TEST_VERBOSE") != NULL)
		print_message("%s", logbuf);
	/* No ID number in the monitor's log. */
	assert_null(strstr(logbuf, FAKE_ID));
	assert_non_null(strstr(logbuf, "perso-chip-done"));
}

/* A PIV card: its management key and certificate, no tcard keys. */
static void
test_piv(void **state)
{
	struct fx *f = *state;
	struct web_perso *p = NULL;
	struct tc_perso_result res;
	struct tc_tap_result tr;
	struct tc_chip chip;
	struct tc_icc *icc;
	struct emu e;
	char job[33] = "", err[1024] = "", req[512], v[64];
	int r;

	assert_int_equal(make_card(f, f->card_no2, STATION, job, NULL, 0), 201);
	if (web_perso_open(&W, job, STATION, &p, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
	memset(&e, 0, sizeof(e));
	assert_non_null(e.vc.profile = tc_profile_set_find(&f->set, "piv"));
	vcard_state_init(&e.vc.st);
	tc_buf_init(&e.vc.chain, VCARD_CHAIN_MAX);
	tc_buf_init(&e.pending, TC_APDU_RESP_MAX);
	assert_int_equal(
	    vcard_state_factory(&e.vc.st, e.vc.profile, NULL, 0), 0);
	assert_int_equal(tc_icc_new(&icc, &emu_ops, &e, NULL, 0, "emu"), 0);
	r = tc_perso_drive(icc, web_perso_profiles(p), "piv", web_perso_job(p),
	    web_perso_env(p), &res, err, sizeof(err));
	if (r != 0)
		fail_msg("drive: step %s: %s", res.step, err);
	assert_int_equal(tc_chip_get(M.reg, f->serial2, &chip, NULL, 0), 0);
	assert_int_equal(chip.state, TC_CHIP_DONE);
	assert_string_equal(chip.profile, "piv");
	assert_int_equal(
	    tc_tap_verify(icc, &f->set, "piv", web_perso_env(p)->ring, NULL,
		time(NULL), &tr, err, sizeof(err)),
	    0);
	assert_true(tr.v.valid && tr.card_checked);
	assert_string_equal(tr.v.claims.card_no, f->card_no2);
	tc_icc_close(icc);
	/* A tcard's keys are not a PIV chip's. */
	snprintf(req, sizeof(req),
	    "{\"op\":\"perso-put-key\",\"args\":{\"job\":\"%s\",\"station\":\"%s\",\"uid\":\"%s\"}}",
	    job, STATION, res.uid);
	assert_int_equal(ask(req, NULL, err, sizeof(err)), 409);
	assert_non_null(strstr(err, "another platform"));
	web_perso_close(p, 0, &res, NULL, 8);
	status(f, job, "state", v, sizeof(v));
	assert_string_equal(v, "done");
	tc_buf_release(&e.pending);
	tc_buf_release(&e.vc.chain);
	vcard_state_release(&e.vc.st);
	assert_null(strstr(logbuf, FAKE_ID));
	assert_non_null(strstr(logbuf, "perso-cert"));
	assert_non_null(strstr(logbuf, "perso-piv-mgmt"));
}

/* A drive that fails: the job and the card's item say why. */
static void
test_fail(void **state)
{
	struct fx *f = *state;
	struct web_perso *p = NULL;
	struct tc_perso_result res;
	struct tc_prod_item it;
	struct tc_app_ctx c;
	char job[33] = "", err[512] = "", v[600];

	/* The PIV card of test_piv is made again; the card leaves. */
	assert_int_equal(make_card(f, f->card_no2, STATION, job, NULL, 0), 201);
	if (web_perso_open(&W, job, STATION, &p, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
	memset(&res, 0, sizeof(res));
	res.step = "select";
	web_perso_close(
	    p, TC_ERR_CARD_REMOVED, &res, "the card went away\n", 1);
	status(f, job, "state", v, sizeof(v));
	assert_string_equal(v, "failed");
	status(f, job, "error", v, sizeof(v));
	assert_string_equal(v, "the card went away ");
	status(f, job, "step", v, sizeof(v));
	assert_string_equal(v, "select");
	memset(&c, 0, sizeof(c));
	c.reg = M.reg;
	c.programmes = M.progs;
	c.operator_name = PRODUCER;
	c.now = time(NULL);
	assert_int_equal(tc_prod_get(&c, f->serial2, &it, NULL, 0), 0);
	assert_int_equal(it.state, TC_PROD_FAILED);
	assert_string_equal(
	    it.reason, "station " STATION ": select: the card went away ");
}

/* Without the master key the monitor starts; a make is 503. */
static void
test_no_keys(void **state)
{
	struct fx *f = *state;
	char path[128], job[33], msg[256] = "";

	snprintf(path, sizeof(path), "%s/keys/master.key", f->home);
	assert_int_equal(unlink(path), 0);
	mon_perso_close(&M);
	assert_int_equal(mon_perso_open(&M, f->home), 0);
	assert_int_equal(make(f, STATION, job, msg, sizeof(msg)), 503);
	assert_string_equal(msg, "personalisation keys not available");
	assert_non_null(strstr(logbuf, "personalisation keys not available"));
}

#define TESTS(X, XF)                                                           \
	X(test_make_drive_print)                                               \
	X(test_piv)                                                            \
	X(test_fail)                                                           \
	X(test_no_keys)

TC_UNIT_MAIN(TESTS, setup, teardown)
