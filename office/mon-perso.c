/* SPDX-License-Identifier: MIT */
/*
 * The monitor's side of personalisation through a branch station
 * (docs/station.md, docs/issuerd.md "Personalisation"): the key store
 * (the card master key, the programmes' signers, the CA for PIV
 * certificates) and the card profiles, loaded at start; the job table;
 * and the perso-* ops, in Dogtag's terms the TKS answering the TPS (the
 * web worker's job thread, which drives the card through the relay and
 * holds no long-term key).
 *
 * A job is made by an operator (perso-make) for one card and one
 * station. The worker's ops name the job and the station; the monitor
 * answers a job's key operations only while the job has not ended, and
 * only for the chip its perso-chip-start bound it to: the session keys,
 * the PUT KEY data and the PIV management key of that one chip (never
 * the master key), the signature of the credential of the job's card and
 * the PIV certificate of its key, "done" only for the key it signed. The
 * registry writes are those of tc_personalise's local callbacks
 * (src/perso-local.c), acted by the operator who made the job.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "mon.h"
#include "tcard/cardapp.h"
#include "tcard/chip.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"
#include "tcard/perso.h"
#include "tcard/production.h"
#include "tcard/profile.h"
#include "tcard/scp.h"

/* Jobs kept at once; the oldest ended one makes room for a new one. */
#define PERSO_JOBS 256

enum job_state { JOB_WAITING = 1, JOB_RUNNING, JOB_DONE, JOB_FAILED };

static const char *const state_names[] = { "", "waiting", "running", "done",
	"failed" };

struct job {
	int used;
	uint64_t seq; /* the order jobs were made in */
	char id[TC_ORPC_JOB_MAX + 1];
	char station[TC_ORPC_STATION_MAX + 1];
	int64_t serial;
	char card_no[17];
	char operator_name[TC_OPERATOR_NAME_MAX + 1];
	int cose_alg;
	enum job_state state;
	int ended; /* perso-end heard, or superseded */
	/* Bound by perso-chip-start. */
	int started;
	char uid[TC_CHIP_UID_HEX];
	const struct tc_profile *profile;
	int attempt;
	/* The card key the credential was signed for. */
	uint8_t spki[TC_CHIP_KEY_MAX];
	size_t spki_len;
	int chip_done;
	char step[TC_ORPC_PERSO_STEP_MAX + 1];
	char error[TC_ORPC_PERSO_TEXT_MAX + 1];
	unsigned round_trips;
	int64_t print_job; /* -1: none reported */
	char print_state[TC_ORPC_PRINT_STATE_MAX + 1];
	/* The QR text of the face's back, signed once (op_face). */
	char face_qr[TC_CRED_TEXT_MAX + 1];
};

struct mon_perso {
	struct tc_keystore *ks;
	char why[512]; /* "": the keys are loaded; else why not */
	struct tc_card_keys_master km;
	struct tc_cose_key *es256, *sm2;
	struct tc_profile_set profiles;
	json_t *texts; /* the profile files' texts, for the worker */
	struct job jobs[PERSO_JOBS];
	uint64_t seq;
};

/* The profile files of dir as texts (the worker parses them). */
static int
load_texts(struct mon_perso *p, const char *dir, char *err, size_t errlen)
{
	struct dirent **names = NULL;
	struct tc_buf b;
	char path[4096];
	size_t len;
	int n, i, r = 0;

	if ((p->texts = json_array()) == NULL)
		return TC_ERR_NOMEM;
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "%s: cannot read", dir);
	for (i = 0; i < n; i++) {
		len = strlen(names[i]->d_name);
		if (r != 0 || len < 6 || names[i]->d_name[0] == '.' ||
		    strcmp(names[i]->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		tc_buf_init(&b, TC_PROFILE_FILE_MAX);
		if ((r = tc_file_read(path, NULL, TC_PROFILE_FILE_MAX, 0, &b,
			 err, errlen)) == 0 &&
		    json_array_append_new(p->texts,
			json_stringn((const char *)b.data, b.len)) != 0)
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: not UTF-8 text", path);
		tc_buf_release(&b);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int
mon_perso_open(struct mon *m, const char *home)
{
	struct mon_perso *p;
	uint8_t master[TC_SCP_KEY_LEN];
	char err[512] = "";
	const char *dir = tc_profile_dir(NULL);
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		mon_log("start", "error", "personalisation: out of memory");
		return -1;
	}
	m->perso = p;
	if ((r = tc_profile_set_load(&p->profiles, dir, err, sizeof(err))) !=
		0 ||
	    (r = load_texts(p, dir, err, sizeof(err))) != 0) {
		snprintf(p->why, sizeof(p->why), "card profiles: %s", err);
		goto out;
	}
	if ((r = tc_keystore_open(&p->ks, home, err, sizeof(err))) != 0 ||
	    (r = tc_keystore_secret(p->ks, TC_SECRET_MASTER_KEY, master,
		 sizeof(master), err, sizeof(err))) != 0) {
		snprintf(p->why, sizeof(p->why), "key store: %s", err);
		goto out;
	}
	tc_card_keys_master(&p->km, master);
	OPENSSL_cleanse(master, sizeof(master));
	/* Either signer may be absent: a programme of its algorithm then
	 * cannot be personalised (perso-make answers 503). */
	if (tc_keystore_has_signer(p->ks, TC_KEYALG_ES256))
		(void)tc_keystore_signer_alg(
		    p->ks, TC_COSE_ALG_ES256, &p->es256, err, sizeof(err));
	if (tc_keystore_has_signer(p->ks, TC_KEYALG_SM2))
		(void)tc_keystore_signer_alg(
		    p->ks, TC_COSE_ALG_SM2_SM3, &p->sm2, err, sizeof(err));
	if (p->es256 == NULL && p->sm2 == NULL)
		snprintf(p->why, sizeof(p->why), "key store: no signer: %s",
		    err[0] ? err : "none current");
out:
	if (p->why[0] != '\0')
		mon_log("start", "warning",
		    "personalisation keys not available (making cards at a station answers 503): %s",
		    p->why);
	else
		mon_log("start", "info",
		    "personalisation keys loaded (master key, signers%s%s), %zu card profiles",
		    p->es256 != NULL ? " ES256" : "",
		    p->sm2 != NULL ? " SM2" : "", p->profiles.n);
	return 0;
}

void
mon_perso_close(struct mon *m)
{
	struct mon_perso *p = m->perso;

	if (p == NULL)
		return;
	tc_card_keys_master_release(&p->km);
	tc_cose_key_free(p->es256);
	tc_cose_key_free(p->sm2);
	tc_keystore_free(p->ks);
	tc_profile_set_release(&p->profiles);
	json_decref(p->texts);
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
	m->perso = NULL;
}

static const struct tc_cose_key *
signer_of(const struct mon_perso *p, int cose_alg)
{
	return cose_alg == TC_COSE_ALG_SM2_SM3 ? p->sm2 : p->es256;
}

/* The job of this id, or NULL. */
static struct job *
job_find(struct mon_perso *p, const char *id)
{
	size_t i;

	for (i = 0; i < PERSO_JOBS; i++)
		if (p->jobs[i].used && strcmp(p->jobs[i].id, id) == 0)
			return &p->jobs[i];
	return NULL;
}

/* A free slot, or the oldest ended job's; NULL when every job runs. */
static struct job *
job_slot(struct mon_perso *p)
{
	struct job *best = NULL;
	size_t i;

	for (i = 0; i < PERSO_JOBS; i++) {
		if (!p->jobs[i].used)
			return &p->jobs[i];
		if (p->jobs[i].ended &&
		    (best == NULL || p->jobs[i].seq < best->seq))
			best = &p->jobs[i];
	}
	return best;
}

/* The library's context for the job's operator. */
static void
job_ctx(struct mon *m, const struct job *j, time_t now, struct tc_app_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->reg = m->reg;
	c->programmes = m->progs;
	c->workdays = m->wd;
	c->operator_name = j->operator_name;
	c->now = now;
}

static void
unavailable(struct mon_answer *a)
{
	mon_fail(a, 503, "unavailable", "personalisation keys not available");
}

void
mon_op_perso_make(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct mon_perso *p = m->perso;
	const struct tc_programme *prog;
	struct tc_card_state cs;
	struct tc_prod_item it;
	struct tc_app_ctx c;
	struct job *j;
	uint8_t rnd[4];
	char err[1024] = "", rhex[9], subject[32], detail[256];
	size_t i;
	int r;

	(void)s;
	if (p == NULL || p->why[0] != '\0') {
		unavailable(a);
		return;
	}
	if (mon_card_find(m, op->roles, q->card, &cs, a) != 0)
		return;
	mon_ctx(m, op, now, &c);
	if ((r = tc_prod_get(&c, cs.card.serial, &it, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	if (it.state != TC_PROD_TO_MAKE && it.state != TC_PROD_IN_PROGRESS &&
	    it.state != TC_PROD_FAILED) {
		mon_fail(a, 409, "refused",
		    "card %s is %s; a card to make, in progress or failed is made at a station",
		    it.card_no, tc_prod_state_name(it.state));
		return;
	}
	if ((prog = tc_programme_set_find(m->progs, cs.card.programme)) ==
		NULL ||
	    signer_of(p, prog->alg) == NULL) {
		mon_log("perso", "warning",
		    "card %s: no signer for programme %s at hand",
		    cs.card.card_no, cs.card.programme);
		unavailable(a);
		return;
	}
	if ((j = job_slot(p)) == NULL) {
		mon_fail(a, 503, "busy",
		    "%d personalisation jobs are running; try again later",
		    PERSO_JOBS);
		return;
	}
	RAND_bytes(rnd, sizeof(rnd));
	tc_hex_encode(rnd, sizeof(rnd), rhex);
	memset(j, 0, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "J-%llu-%s",
	    (unsigned long long)++p->seq, rhex);
	snprintf(j->station, sizeof(j->station), "%s", q->p.station);
	/* Registry first: the job exists only once the card is in progress. */
	snprintf(subject, sizeof(subject), "card:%s", cs.card.card_no);
	snprintf(detail, sizeof(detail), "{\"job\":\"%s\",\"station\":\"%s\"}",
	    j->id, j->station);
	if (mon_begin(m, a) != 0)
		return;
	r = 0;
	if (it.state != TC_PROD_IN_PROGRESS)
		r = tc_prod_start(&c, cs.card.serial, err, sizeof(err));
	if (r == 0)
		r = tc_registry_audit(m->reg, now, op->name, "production.make",
		    subject, detail, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	/* An earlier job of the card ends: its chip ops are refused. */
	for (i = 0; i < PERSO_JOBS; i++)
		if (p->jobs[i].used && !p->jobs[i].ended &&
		    p->jobs[i].serial == cs.card.serial) {
			p->jobs[i].ended = 1;
			p->jobs[i].state = JOB_FAILED;
			snprintf(p->jobs[i].error, sizeof(p->jobs[i].error),
			    "superseded by job %s", j->id);
		}
	j->used = 1;
	j->seq = p->seq;
	j->serial = cs.card.serial;
	memcpy(j->card_no, cs.card.card_no, sizeof(j->card_no));
	snprintf(j->operator_name, sizeof(j->operator_name), "%s", op->name);
	j->cose_alg = prog->alg;
	j->state = JOB_WAITING;
	j->print_job = -1;
	mon_log("perso", "info", "job %s: card %s to make at station %s by %s",
	    j->id, j->card_no, j->station, op->name);
	a->status = 201;
	a->body = json_pack("{s:s, s:s, s:I, s:s}", "job", j->id, "card",
	    j->card_no, "serial", (json_int_t)j->serial, "station", j->station);
}

void
mon_op_perso_status(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_prod_item it;
	struct tc_app_ctx c;
	struct job *j;
	char err[512] = "";

	(void)s;
	/* Another branch's job is as one that does not exist. */
	mon_ctx(m, op, now, &c);
	if (m->perso == NULL || (j = job_find(m->perso, q->p.job)) == NULL ||
	    tc_prod_get(&c, j->serial, &it, err, sizeof(err)) != 0) {
		mon_fail(a, 404, "not-found", "no such job");
		return;
	}
	a->body = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:i, s:o, s:s?}", "job",
	    j->id, "card", j->card_no, "station", j->station, "state",
	    state_names[j->state], "step", j->step[0] ? j->step : NULL, "error",
	    j->error[0] ? j->error : NULL, "round_trips",
	    (json_int_t)j->round_trips, "attempt", j->attempt, "print_job",
	    j->print_job >= 0 ? json_integer(j->print_job) : json_null(),
	    "print_state", j->print_state[0] ? j->print_state : NULL);
}

/* ---- the worker's ops ---- */

/* perso-job: what the driver needs of the job (struct tc_perso_job). */
static void
op_job(struct mon *m, struct job *j, struct mon_answer *a, time_t now)
{
	struct mon_perso *p = m->perso;
	const struct tc_cose_key *signer = signer_of(p, j->cose_alg);
	struct tc_chip chip;
	unsigned char *der = NULL;
	const uint8_t *kid;
	size_t kidlen;
	char err[512] = "", *kidhex = NULL, *spki = NULL;
	int r, len;

	if (signer == NULL) {
		unavailable(a);
		return;
	}
	r = tc_chip_get(m->reg, j->serial, &chip, err, sizeof(err));
	if (r != 0 && r != TC_ERR_NOT_FOUND) {
		mon_lib_fail(a, r, err);
		return;
	}
	kid = tc_cose_key_kid(signer, &kidlen);
	if ((len = i2d_PUBKEY(tc_cose_key_pkey(signer), &der)) <= 0 ||
	    (kidhex = malloc(2 * kidlen + 1)) == NULL ||
	    (spki = malloc(2 * (size_t)len + 1)) == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		goto out;
	}
	tc_hex_encode(kid, kidlen, kidhex);
	tc_hex_encode(der, (size_t)len, spki);
	if (j->state == JOB_WAITING)
		j->state = JOB_RUNNING;
	a->body = json_pack(
	    "{s:s, s:s, s:I, s:s, s:i, s:b, s:b, s:s, s:i, s:I, s:s, s:s, s:O}",
	    "job", j->id, "card", j->card_no, "serial", (json_int_t)j->serial,
	    "station", j->station, "cose_alg", j->cose_alg, "chip_known",
	    r == 0, "chip_done", r == 0 && chip.state == TC_CHIP_DONE,
	    "chip_uid", r == 0 ? chip.uid : "", "chip_attempts",
	    r == 0 ? chip.attempts : 0, "now", (json_int_t)now, "signer_kid",
	    kidhex, "signer_spki", spki, "profiles", p->texts);
out:
	OPENSSL_free(der);
	free(kidhex);
	free(spki);
}

static void
op_chip_start(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	const struct tc_profile *prof;
	char err[1024] = "";
	int r, attempt = 0;

	if (j->started && strcmp(j->uid, q->p.uid) != 0) {
		mon_fail(a, 409, "refused",
		    "job %s runs on chip %s, not on chip %s", j->id, j->uid,
		    q->p.uid);
		return;
	}
	if ((prof = tc_profile_set_find(&m->perso->profiles, q->p.profile)) ==
	    NULL) {
		mon_fail(
		    a, 400, "bad-request", "no card profile %s", q->p.profile);
		return;
	}
	if (mon_begin(m, a) != 0)
		return;
	r = tc_chip_start(m->reg, j->serial, q->p.uid, prof->name, now,
	    j->operator_name, &attempt, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	j->started = 1;
	snprintf(j->uid, sizeof(j->uid), "%s", q->p.uid);
	j->profile = prof;
	j->attempt = attempt;
	a->body = json_pack("{s:i}", "attempt", attempt);
}

/* The key provider's view of the job's chip (cardkeys.c answers it). */
static void
chip_app(const struct job *j, struct tc_cardapp *app)
{
	memset(app, 0, sizeof(*app));
	app->profile = j->profile;
	app->uid_len = strlen(j->uid) / 2;
	(void)tc_hex_decode(
	    j->uid, strlen(j->uid), app->uid, app->uid_len, NULL);
	snprintf(app->uid_hex, sizeof(app->uid_hex), "%s", j->uid);
}

/* The key ops: only for the chip the job started, of its platform. */
static int
chip_ok(const struct job *j, const struct tc_orpc_req *q,
    enum tc_platform platform, struct mon_answer *a)
{
	if (!j->started) {
		mon_fail(
		    a, 409, "refused", "job %s has started no chip", j->id);
		return -1;
	}
	if (strcmp(j->uid, q->p.uid) != 0) {
		mon_fail(a, 409, "refused",
		    "job %s runs on chip %s, not on chip %s", j->id, j->uid,
		    q->p.uid);
		return -1;
	}
	if (platform != 0 && j->profile->platform != platform) {
		mon_fail(a, 409, "refused",
		    "job %s: chip %s is a %s card; this key is another platform's",
		    j->id, j->uid, j->profile->name);
		return -1;
	}
	return 0;
}

/* n bytes as hex into a JSON string (NULL: out of memory). */
static json_t *
hex_json(const uint8_t *b, size_t n)
{
	char *s;
	json_t *v;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	tc_hex_encode(b, n, s);
	v = json_string(s);
	OPENSSL_cleanse(s, 2 * n + 1);
	free(s);
	return v;
}

static void
op_keys(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a)
{
	const struct tc_card_keys *kp = &m->perso->km.kp;
	struct tc_scp_session sk;
	struct tc_scp_iu iu;
	struct tc_cardapp app;
	uint8_t data[TC_CARD_PUT_KEY_LEN];
	char err[512] = "";
	int r;

	chip_app(j, &app);
	switch (q->op) {
	case TC_ORPC_PERSO_SCP_SESSION:
		if ((r = tc_scp_parse_iu(&iu, q->p.data, q->p.data_len, err,
			 sizeof(err))) != 0 ||
		    (r = kp->scp_session(kp->ctx, &app, q->p.challenge, &iu,
			 &sk, err, sizeof(err))) != 0)
			break;
		a->body = json_pack("{s:o, s:o, s:o}", "s_enc",
		    hex_json(sk.s_enc, sizeof(sk.s_enc)), "s_mac",
		    hex_json(sk.s_mac, sizeof(sk.s_mac)), "s_rmac",
		    hex_json(sk.s_rmac, sizeof(sk.s_rmac)));
		break;
	case TC_ORPC_PERSO_PUT_KEY:
		if ((r = kp->scp_put_key(
			 kp->ctx, &app, data, err, sizeof(err))) == 0)
			a->body = json_pack("{s:o}", "data",
			    hex_json(data, TC_CARD_PUT_KEY_LEN));
		break;
	default:
		if ((r = kp->piv_mgmt_key(
			 kp->ctx, &app, data, err, sizeof(err))) == 0)
			a->body = json_pack("{s:o}", "key", hex_json(data, 16));
		break;
	}
	OPENSSL_cleanse(&sk, sizeof(sk));
	OPENSSL_cleanse(data, sizeof(data));
	tc_cardapp_release(&app);
	if (r == TC_ERR_SECURE_CHANNEL)
		mon_fail(a, 409, "secure-channel", "%s", err);
	else if (r != 0)
		mon_lib_fail(a, r, err);
}

/* The claims of the job's card for its chip (src/perso-local.c's). */
static int
job_claims(struct mon *m, const struct job *j, time_t now, struct tc_claims *c,
    struct mon_answer *a)
{
	const struct tc_programme *prog;
	struct tc_card card;
	char err[512] = "";
	int r;

	if ((r = tc_ecard_claims_chip(
		 m->reg, j->serial, now, c, err, sizeof(err))) != 0 ||
	    (r = tc_registry_card_get(
		 m->reg, j->serial, &card, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return -1;
	}
	if ((prog = tc_programme_set_find(m->progs, card.programme)) == NULL) {
		mon_fail(a, 503, "unavailable", "programme %s is not loaded",
		    card.programme);
		return -1;
	}
	if (c->programme_code == 0)
		c->programme_code = (uint32_t)prog->code;
	return 0;
}

static void
op_sign(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	const struct tc_cose_key *signer = signer_of(m->perso, j->cose_alg);
	struct tc_claims c;
	struct tc_buf out;
	char err[512] = "";
	int r;

	if (!j->started) {
		mon_fail(
		    a, 409, "refused", "job %s has started no chip", j->id);
		return;
	}
	if (q->p.data_len > sizeof(c.card_key) ||
	    q->p.data_len > sizeof(j->spki)) {
		mon_fail(a, 400, "bad-request", "a card key of %zu bytes",
		    q->p.data_len);
		return;
	}
	if (signer == NULL) {
		unavailable(a);
		return;
	}
	if (job_claims(m, j, now, &c, a) != 0)
		return;
	tc_buf_init(&out, 16384);
	if (q->op == TC_ORPC_PERSO_SIGN) {
		memcpy(c.card_key, q->p.data, q->p.data_len);
		c.card_key_len = q->p.data_len;
		r = tc_perso_sign_claims(&c, signer, &out, err, sizeof(err));
	} else if (j->profile->platform != TC_PLATFORM_PIV) {
		r = tc_seterr(err, sizeof(err), TC_ERR_STATE,
		    "job %s: a %s card takes no certificate", j->id,
		    j->profile->name);
	} else
		r = tc_perso_card_cert(m->perso->ks, q->p.data, q->p.data_len,
		    &c, now, &out, err, sizeof(err));
	OPENSSL_cleanse(&c, sizeof(c));
	if (r != 0) {
		mon_lib_fail(a, r, err);
	} else {
		if (q->op == TC_ORPC_PERSO_SIGN) {
			memcpy(j->spki, q->p.data, q->p.data_len);
			j->spki_len = q->p.data_len;
		}
		a->body = json_pack("{s:o}",
		    q->op == TC_ORPC_PERSO_SIGN ? "cose" : "der",
		    hex_json(out.data, out.len));
	}
	tc_buf_release(&out);
}

/*
 * The face of the job's card, for the station's card printer: the QR on
 * its back is the card's e-card credential (as tcard-issuer print puts
 * there), signed now with the programme's signer for a card still in
 * production (tc_ecard_claims_chip). It is not stored as the holder's
 * e-card (that is signed at issue, and tells the applicant so); its
 * signing is audited as ecard.face with the signer's kid and the job.
 */
static void
op_face(struct mon *m, struct job *j, struct mon_answer *a, time_t now)
{
	const struct tc_cose_key *signer = signer_of(m->perso, j->cose_alg);
	struct tc_claims c;
	struct tc_buf text;
	const uint8_t *kid;
	char err[512] = "", subject[32], kidhex[2 * TC_COSE_KID_LEN + 1] = "";
	char detail[128];
	size_t kidlen;
	int r;

	/* Signed once a job: the station may fetch its face again. */
	if (j->face_qr[0] != '\0') {
		mon_face_answer(m, j->serial, j->face_qr, a);
		return;
	}
	if (signer == NULL) {
		unavailable(a);
		return;
	}
	if (job_claims(m, j, now, &c, a) != 0)
		return;
	tc_buf_init(&text, TC_CRED_TEXT_MAX);
	r = tc_credential_encode(&text, &c, signer, err, sizeof(err));
	snprintf(subject, sizeof(subject), "card:%.16s", c.card_no);
	OPENSSL_cleanse(&c, sizeof(c));
	if (r == 0 && text.len >= sizeof(j->face_qr))
		r = tc_seterr(err, sizeof(err), TC_ERR_TOO_LARGE,
		    "the face's QR text has %zu bytes", text.len);
	if (r != 0) {
		mon_lib_fail(a, r, err);
		goto out;
	}
	kid = tc_cose_key_kid(signer, &kidlen);
	if (kidlen == TC_COSE_KID_LEN)
		tc_hex_encode(kid, kidlen, kidhex);
	snprintf(detail, sizeof(detail), "{\"kid\":\"%s\",\"job\":\"%s\"}",
	    kidhex, j->id);
	if (mon_begin(m, a) != 0)
		goto out;
	r = tc_registry_audit(m->reg, now, j->operator_name, "ecard.face",
	    subject, detail, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		goto out;
	memcpy(j->face_qr, text.data, text.len);
	j->face_qr[text.len] = '\0';
	mon_face_answer(m, j->serial, j->face_qr, a);
out:
	tc_buf_release(&text);
}

static void
op_chip_done(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	char err[1024] = "";
	int r;

	if (chip_ok(j, q, 0, a) != 0)
		return;
	/* A chip found complete was signed in an earlier job. */
	if (j->spki_len != 0 &&
	    (j->spki_len != q->p.data_len ||
		memcmp(j->spki, q->p.data, j->spki_len))) {
		mon_fail(a, 409, "refused",
		    "job %s: the chip's key is not the key its credential was signed for",
		    j->id);
		return;
	}
	if (mon_begin(m, a) != 0)
		return;
	r = tc_chip_done(m->reg, j->serial, j->uid, q->p.data, q->p.data_len,
	    now, j->operator_name, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	j->chip_done = 1;
	a->body = json_pack("{s:b}", "done", 1);
}

/* perso-end: how the drive ended; a failure fails the card's item. */
static void
op_end(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_prod_item it;
	struct tc_app_ctx c;
	struct tc_chip chip;
	char err[1024] = "", why[TC_PROD_REASON_MAX + 1];
	int r;

	j->ended = 1;
	j->round_trips = q->p.round_trips;
	snprintf(j->step, sizeof(j->step), "%s", q->p.step);
	snprintf(j->error, sizeof(j->error), "%s", q->p.error);
	/* Done: the registry says so (this job's chip-done, or before). */
	if (q->p.rc == 0 &&
	    (j->chip_done ||
		(tc_chip_get(m->reg, j->serial, &chip, NULL, 0) == 0 &&
		    chip.state == TC_CHIP_DONE))) {
		j->chip_done = 1;
		j->state = JOB_DONE;
	} else {
		j->state = JOB_FAILED;
		if (j->error[0] == '\0')
			snprintf(j->error, sizeof(j->error), "%s",
			    q->p.rc == 0 ? "the chip was not recorded done"
					 : tc_strerror(q->p.rc));
	}
	job_ctx(m, j, now, &c);
	if (j->state == JOB_FAILED &&
	    tc_prod_get(&c, j->serial, &it, NULL, 0) == 0 &&
	    it.state == TC_PROD_IN_PROGRESS) {
		snprintf(why, sizeof(why), "station %s: %s: %s", j->station,
		    j->step[0] ? j->step : "-", j->error);
		if (mon_begin(m, a) != 0)
			return;
		r = tc_prod_fail(&c, j->serial, why, err, sizeof(err));
		if (r != 0) {
			/* The job's end is recorded anyway. */
			tc_registry_rollback(m->reg);
			mon_log("perso", "warning",
			    "job %s: card %s: cannot record it failed: %s",
			    j->id, j->card_no, err);
		} else if (mon_end(m, a, 0, "", NULL) != 0)
			return;
	}
	a->body = json_pack(
	    "{s:s, s:s}", "job", j->id, "state", state_names[j->state]);
}

static void
op_print(struct mon *m, struct job *j, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_prod_item it;
	struct tc_app_ctx c;
	char err[1024] = "";
	int r;

	job_ctx(m, j, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_prod_print(&c, j->serial, q->p.cups_job, q->p.print_state,
	    q->p.reason, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	j->print_job = q->p.cups_job;
	snprintf(
	    j->print_state, sizeof(j->print_state), "%s", q->p.print_state);
	if ((r = tc_prod_get(&c, j->serial, &it, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	a->body = json_pack("{s:s, s:I, s:s, s:s}", "job", j->id, "print_job",
	    (json_int_t)j->print_job, "print_state", j->print_state,
	    "production", tc_prod_state_name(it.state));
}

void
mon_perso_op(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	struct mon_perso *p = m->perso;
	struct job *j;
	int after = q->op == TC_ORPC_PERSO_FACE || q->op == TC_ORPC_PERSO_PRINT;

	if (p == NULL || (j = job_find(p, q->p.job)) == NULL ||
	    strcmp(j->station, q->p.station) != 0) {
		mon_fail(a, 404, "not-found", "no such job for this station");
		goto log;
	}
	snprintf(
	    a->operator_name, sizeof(a->operator_name), "%s", j->operator_name);
	if (after && !j->chip_done) {
		mon_fail(
		    a, 409, "refused", "job %s: the chip is not done", j->id);
		goto log;
	}
	if (!after && j->ended) {
		mon_fail(a, 409, "refused", "job %s has ended%s%s", j->id,
		    j->error[0] ? ": " : "", j->error);
		goto log;
	}
	if (!after && p->why[0] != '\0') {
		unavailable(a);
		goto log;
	}
	switch (q->op) {
	case TC_ORPC_PERSO_JOB:
		op_job(m, j, a, now);
		break;
	case TC_ORPC_PERSO_CHIP_START:
		op_chip_start(m, j, q, a, now);
		break;
	case TC_ORPC_PERSO_SCP_SESSION:
	case TC_ORPC_PERSO_PUT_KEY:
		if (chip_ok(j, q, TC_PLATFORM_TCARD, a) == 0)
			op_keys(m, j, q, a);
		break;
	case TC_ORPC_PERSO_PIV_MGMT:
		if (chip_ok(j, q, TC_PLATFORM_PIV, a) == 0)
			op_keys(m, j, q, a);
		break;
	case TC_ORPC_PERSO_SIGN:
	case TC_ORPC_PERSO_CERT:
		op_sign(m, j, q, a, now);
		break;
	case TC_ORPC_PERSO_CHIP_DONE:
		op_chip_done(m, j, q, a, now);
		break;
	case TC_ORPC_PERSO_END:
		op_end(m, j, q, a, now);
		break;
	case TC_ORPC_PERSO_FACE:
		op_face(m, j, a, now);
		break;
	case TC_ORPC_PERSO_PRINT:
		op_print(m, j, q, a, now);
		break;
	default:
		mon_fail(a, 400, "bad-request", "unknown op");
		break;
	}
	if (a->status == 200 && a->body == NULL)
		mon_fail(a, 500, "internal", "out of memory");
	mon_log("perso", a->status == 200 ? "info" : "notice",
	    "%s job %s station %s card %s%s%s: %u%s%s", tc_orpc_op_name(q->op),
	    j->id, j->station, j->card_no, j->uid[0] ? " chip " : "", j->uid,
	    a->status, a->error != NULL ? " " : "", a->message);
	return;
log:
	mon_log("perso", "notice", "%s job %s station %s: %u %s",
	    tc_orpc_op_name(q->op), q->p.job, q->p.station, a->status,
	    a->message);
}
