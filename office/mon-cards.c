/* SPDX-License-Identifier: MIT */
/*
 * The monitor's card and audit ops (office/mon.h): a card's page (the
 * card as `tcard-issuer card show --json` shows it, and which lifecycle
 * actions the operator may take), the lifecycle actions on the same
 * library calls as the CLI's suspend, reinstate, revoke, renew, change
 * and reissue (issuer/cmd-*.c), in one transaction each, and the audit
 * log's pages and verification for auditors. Who may act is the
 * library's decision (tc_lifecycle_may inside every action); this file
 * decides only who may see: a card for an operator holding a role of a
 * lifecycle action, a card producer or an auditor; the audit log for an
 * auditor. Anything else is 404, as if it did not exist.
 * docs/issuerd.md, "Cards and the audit log".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/application.h"
#include "tcard/attach.h"
#include "tcard/card-doc.h"
#include "tcard/card-json.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/id.h"
#include "tcard/lifecycle.h"
#include "tcard/role.h"
#include "tcard/serial.h"

/* Who sees a card's page. */
#define CARD_VIEWERS                                                           \
	(TC_LIFECYCLE_ROLES_COUNTER | TC_LIFECYCLE_ROLES_SUSPEND |             \
	    TC_LIFECYCLE_ROLES_REVOKE | TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) |   \
	    TC_ROLE_BIT(TC_ROLE_AUDITOR))

/*
 * A library error on a card action (office/mon.h): the codes mon_lib_fail
 * does not map are the lifecycle's own (a bad date or check digit, a
 * document of no accepted format is the request's fault; an existing
 * sub-card a conflict; a disabled operator a refusal).
 */
void
mon_card_fail(struct mon_answer *a, int r, const char *err)
{
	switch (r) {
	case TC_ERR_BAD_DATE:
	case TC_ERR_BAD_CHECK:
	case TC_ERR_BAD_ENCODING:
	case TC_ERR_UNSUPPORTED: /* a document that is none of the formats */
	case TC_ERR_TRUNCATED:
		mon_fail(a, 400, "bad-request", "%s (%s)",
		    err[0] ? err : tc_strerror(r), tc_strerror(r));
		return;
	case TC_ERR_EXISTS:
	case TC_ERR_CONSTRAINT:
		mon_fail(a, 409, "refused", "%s (%s)",
		    err[0] ? err : tc_strerror(r), tc_strerror(r));
		return;
	case TC_ERR_AUTH:
		mon_fail(a, 403, "forbidden", "%s (%s)",
		    err[0] ? err : tc_strerror(r), tc_strerror(r));
		return;
	}
	mon_lib_fail(a, r, err);
}

int
mon_card_find(struct mon *m, unsigned roles, const char *text,
    struct tc_card_state *c, struct mon_answer *a)
{
	char err[512] = "";
	int r;

	if (roles == 0) {
		mon_fail(a, 404, "not-found", "no card %.24s", text);
		return -1;
	}
	r = tc_lifecycle_card_find(m->reg, text, c, err, sizeof(err));
	if (r == TC_ERR_DB || r == TC_ERR_DB_BUSY) {
		mon_lib_fail(a, r, err);
		return -1;
	}
	if (r != 0) {
		/* Unknown, or not a card number at all: the same answer. */
		mon_fail(a, 404, "not-found", "no card %.24s", text);
		return -1;
	}
	return 0;
}

struct collect {
	struct mon *m;
	time_t now;
	json_t *arr;
	int failed;
};

static int
add(struct collect *co, json_t *o)
{
	return mon_append(co->arr, o, &co->failed);
}

static int
sub_one(const struct tc_card_state *c, void *arg)
{
	struct collect *co = arg;

	return add(co, tc_card_json(co->m->reg, c, co->now));
}

static int
change_one(const struct tc_card_change *ch, void *arg)
{
	char rep[TC_LIFECYCLE_DATE_LEN];

	tc_lifecycle_date(ch->reported_at, rep);
	return add(arg,
	    json_pack("{s:s, s:s, s:s?, s:s, s:s, s:i, s:b}", "kind",
		tc_change_kind_name(ch->kind), "value", ch->value, "uscc",
		ch->uscc, "effective", ch->effective, "reported", rep, "days",
		ch->days, "late", ch->late));
}

static int
doc_one(const struct tc_card_doc *d, void *arg)
{
	char hex[65], when[32];

	tc_hex_encode(d->sha256, 32, hex);
	mon_time_text(d->added_at, when);
	return add(arg,
	    json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
		(json_int_t)d->id, "action", d->action, "media_type",
		tc_media_type(d->media), "size", (json_int_t)d->size, "sha256",
		hex, "name", d->name, "added", when, "added_by", d->added_by));
}

/* An audit entry as `tcard-issuer audit list --json` prints it. */
static json_t *
entry_json(const struct tc_audit_entry *e, int chain)
{
	char when[32], prev[2 * TC_AUDIT_MAC_LEN + 1];
	char mac[2 * TC_AUDIT_MAC_LEN + 1];
	json_t *o, *detail;

	mon_time_text((time_t)e->at, when);
	if ((detail = json_loads(e->detail, 0, NULL)) == NULL)
		detail = json_string(e->detail);
	if (!chain)
		return json_pack("{s:I, s:s, s:s, s:s, s:o?}", "seq",
		    (json_int_t)e->seq, "time", when, "operator",
		    e->operator_name, "action", e->action, "detail", detail);
	tc_hex_encode(e->prev, sizeof(e->prev), prev);
	tc_hex_encode(e->mac, sizeof(e->mac), mac);
	o = json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s?, s:o?, s:s, s:s}",
	    "seq", (json_int_t)e->seq, "at", (json_int_t)e->at, "time", when,
	    "operator", e->operator_name, "action", e->action, "subject",
	    e->subject, "detail", detail, "prev", prev, "mac", mac);
	return o;
}

static int
history_one(const struct tc_audit_entry *e, void *arg)
{
	return add(arg, entry_json(e, 0));
}

/* The lifecycle actions the operator's roles allow, by name. */
static json_t *
allowed(struct mon *m, const struct tc_operator *op, const struct tc_card *card,
    time_t now)
{
	const struct tc_programme *p =
	    tc_programme_set_find(m->progs, card->programme);
	static const struct {
		const char *name;
		enum tc_lifecycle_action a;
	} acts[] = {
		{ "suspend", TC_LIFECYCLE_SUSPEND },
		{ "reinstate", TC_LIFECYCLE_REINSTATE },
		{ "revoke", TC_LIFECYCLE_REVOKE },
		{ "renew", TC_LIFECYCLE_RENEW },
		{ "change", TC_LIFECYCLE_CHANGE },
		{ "reissue", TC_LIFECYCLE_REISSUE },
		{ "subcard", TC_LIFECYCLE_SUBCARD_ADD },
	};
	struct tc_lifecycle lc = { m->reg, m->progs, op->name, now };
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < sizeof(acts) / sizeof(acts[0]); i++)
		if (tc_lifecycle_may(&lc, acts[i].a, NULL, 0) == 0)
			json_array_append_new(arr, json_string(acts[i].name));
	/*
	 * The applications for a card (office/mon-change.c): intake, when
	 * the card's programme and tier have them.
	 */
	if (arr != NULL && (op->roles & TC_APP_INTAKE_ROLES)) {
		if (tc_app_change_offered(p, card->tier, TC_APP_UPGRADE))
			json_array_append_new(arr, json_string("upgrade"));
		if (tc_app_change_offered(p, card->tier, TC_APP_CONVERT))
			json_array_append_new(arr, json_string("convert"));
	}
	return arr;
}

/* The card's page: the card, sub-cards, changes, history, actions. */
static void
op_card(struct mon *m, const struct tc_operator *op, const char *text,
    struct mon_answer *a, time_t now)
{
	struct tc_card_state c;
	struct tc_card_filter f;
	struct collect subs = { m, now, json_array(), 0 },
		       chs = { m, now, json_array(), 0 },
		       hist = { m, now, json_array(), 0 },
		       docs = { m, now, json_array(), 0 };
	char err[512] = "", subject[TC_AUDIT_SUBJECT_MAX];
	json_t *j = NULL;
	int r = 0;

	if (mon_card_find(m, op->roles & CARD_VIEWERS, text, &c, a) != 0)
		goto out;
	snprintf(subject, sizeof(subject), "card:%s", c.card.card_no);
	memset(&f, 0, sizeof(f));
	f.principal = c.card.serial;
	if (subs.arr == NULL || chs.arr == NULL || hist.arr == NULL ||
	    docs.arr == NULL || (j = tc_card_json(m->reg, &c, now)) == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		goto out;
	}
	if ((c.card.principal_serial == 0 &&
		(r = tc_lifecycle_card_list(
		     m->reg, &f, sub_one, &subs, err, sizeof(err))) != 0) ||
	    (r = tc_lifecycle_changes_list(m->reg, c.card.serial, change_one,
		 &chs, err, sizeof(err))) != 0 ||
	    (r = tc_registry_audit_subject(
		 m->reg, subject, history_one, &hist, err, sizeof(err))) != 0 ||
	    (r = tc_card_doc_list(m->reg, c.card.serial, doc_one, &docs, err,
		 sizeof(err))) != 0) {
		if (subs.failed || chs.failed || hist.failed || docs.failed)
			mon_fail(a, 500, "internal", "out of memory");
		else
			mon_lib_fail(a, r, err);
		goto out;
	}
	json_object_set(j, "sub_cards", subs.arr);
	json_object_set(j, "changes", chs.arr);
	json_object_set(j, "history", hist.arr);
	json_object_set(j, "documents", docs.arr);
	json_object_set_new(j, "actions", allowed(m, op, &c.card, now));
	a->body = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(subs.arr);
	json_decref(chs.arr);
	json_decref(hist.arr);
	json_decref(docs.arr);
}

/*
 * The actions that take a new serial (reissue, subcard), as the CLI does
 * them (tc_lc_reserve in issuer/card-cli.c): a dry run (serial 0) in the
 * transaction, rolled back, so that a refusal costs no serial; then a
 * serial reserved for "PREFIX:CARD" and the real run in a new transaction.
 */
static int
with_serial(struct mon *m, const struct tc_lifecycle *lc,
    const struct tc_orpc_req *q, const struct tc_card_state *c,
    enum tc_reissue_reason why, const struct tc_relative *rel,
    enum tc_relation relation, struct tc_lifecycle_result *res, char *err,
    size_t errlen)
{
	int subcard = q->c.action == TC_ORPC_SUBCARD;
	char subject[64];
	int64_t ns = 0;
	int r, pass;

	for (pass = 0; pass < 2; pass++) {
		if (subcard)
			r = tc_lifecycle_subcard_add(lc, c->card.serial,
			    relation, rel, ns, pass ? res : NULL, err, errlen);
		else
			r = tc_lifecycle_reissue(lc, c->card.serial, why, ns,
			    pass ? res : NULL, err, errlen);
		if (r != 0 || pass == 1)
			return r;
		tc_registry_rollback(m->reg);
		snprintf(subject, sizeof(subject), "%s:%s",
		    subcard ? "subcard" : "reissue", c->card.card_no);
		if ((r = tc_serial_reserve(m->reg, lc->operator_name, subject,
			 lc->now, &ns, err, errlen)) != 0 ||
		    (r = tc_registry_begin(m->reg, err, errlen)) != 0)
			return r;
	}
	return r;
}

/*
 * The index of the relative's photo among a sub-card's documents: the
 * first that is an image by its content; -1 when none is.
 */
static int
photo_of(const struct tc_orpc_req *q)
{
	struct tc_attach_info info;
	char msg[128];
	size_t i;

	if (q->c.action != TC_ORPC_SUBCARD)
		return -1;
	for (i = 0; i < q->n_docs; i++)
		if (tc_attach_sniff(q->docs[i].data, q->docs[i].size, &info,
			msg, sizeof(msg)) == 0 &&
		    (TC_MEDIA_BIT(info.media) & TC_MEDIA_IMAGES))
			return (int)i;
	return -1;
}

/*
 * subcard add as issuer/cmd-subcard.c: the relation and ID type by name,
 * the relative's number normalised (tc_id_normalise; wiped after), the
 * birth date for documents without one, the relative's photo the first
 * image among the documents (kept as the sub-card's photo document).
 */
static int
subcard(struct mon *m, const struct tc_lifecycle *lc,
    const struct tc_orpc_req *q, const struct tc_card_state *c,
    struct tc_lifecycle_result *res, char *err, size_t errlen)
{
	const struct tc_orpc_card_args *ca = &q->c;
	enum tc_relation relation = 0;
	enum tc_id_type type = 0;
	struct tc_relative rel;
	char norm[TC_ID_MAX] = "";
	time_t bt;
	int i, r;

	memset(&rel, 0, sizeof(rel));
	if (tc_relation_parse(ca->relation, &relation) != 0 ||
	    relation == TC_REL_HOLDER)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the relation is spouse, child, parent or parent-in-law");
	if (tc_id_type_parse(ca->id_type, &type) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown ID type (resident, hkmo-residence, tw-residence, hkmo-permit, tw-permit, foreign-pr, passport)");
	if (ca->date[0] != '\0') {
		if ((r = tc_lifecycle_date_parse(ca->date, &bt, err, errlen)) !=
		    0)
			return r;
		rel.birth_y = atoi(ca->date);
		rel.birth_m = atoi(ca->date + 5);
		rel.birth_d = atoi(ca->date + 8);
	}
	if ((r = tc_id_normalise(
		 type, ca->id_number, lc->now, norm, err, errlen)) != 0)
		return r;
	rel.id_type = type;
	rel.id_number = norm;
	rel.name = ca->value;
	if ((i = photo_of(q)) >= 0) {
		rel.photo = q->docs[i].data;
		rel.photo_len = q->docs[i].size;
		rel.photo_name = q->docs[i].name;
	}
	r = with_serial(m, lc, q, c, 0, &rel, relation, res, err, errlen);
	OPENSSL_cleanse(norm, sizeof(norm));
	return r;
}

/* One lifecycle action inside the transaction begun by the caller. */
static int
act(struct mon *m, const struct tc_lifecycle *lc, const struct tc_orpc_req *q,
    const struct tc_card_state *c, struct tc_lifecycle_result *res, char *err,
    size_t errlen)
{
	const struct tc_orpc_card_args *ca = &q->c;
	enum tc_reissue_reason why = 0;
	int64_t s = c->card.serial;

	switch (ca->action) {
	case TC_ORPC_SUSPEND:
		return tc_lifecycle_suspend(lc, s, q->reason, res, err, errlen);
	case TC_ORPC_REINSTATE:
		return tc_lifecycle_reinstate(
		    lc, s, ca->note[0] ? ca->note : NULL, res, err, errlen);
	case TC_ORPC_REVOKE:
		return tc_lifecycle_revoke(lc, s, q->reason,
		    ca->note[0] ? ca->note : NULL, ca->bar_employer, res, err,
		    errlen);
	case TC_ORPC_RENEW:
		return tc_lifecycle_renew(lc, s, q->months, res, err, errlen);
	case TC_ORPC_CHANGE:
		return tc_lifecycle_change(lc, s,
		    ca->employer ? TC_CHANGE_EMPLOYER : TC_CHANGE_RESIDENCE,
		    ca->value, ca->uscc[0] ? ca->uscc : NULL, ca->date, res,
		    err, errlen);
	case TC_ORPC_REISSUE:
		if (tc_reissue_reason_parse(q->reason, &why) != 0)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the reason of a reissue is lost or damaged");
		return with_serial(m, lc, q, c, why, NULL, 0, res, err, errlen);
	case TC_ORPC_SUBCARD:
		return subcard(m, lc, q, c, res, err, errlen);
	}
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "unknown action");
}

void
mon_op_card_action(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_lifecycle lc = { m->reg, m->progs, op->name, now };
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	char err[1024] = "";
	json_t *j, *rj;
	size_t i;
	int r, photo = photo_of(q);

	if (mon_card_find(m, ~0u, q->card, &c, a) != 0)
		return;
	memset(&res, 0, sizeof(res));
	if (mon_begin(m, a) != 0)
		return;
	r = act(m, &lc, q, &c, &res, err, sizeof(err));
	/*
	 * The supporting documents, in the action's transaction (a
	 * sub-card's photo is the sub-card's own, stored by the action).
	 */
	for (i = 0; r == 0 && i < q->n_docs; i++)
		if ((int)i != photo)
			r = tc_card_doc_add(m->reg, c.card.serial,
			    tc_orpc_card_action_name(q->c.action), op->name,
			    now, q->docs[i].name, q->docs[i].data,
			    q->docs[i].size, NULL, err, sizeof(err));
	if (mon_end(m, a, r, err, mon_card_fail) != 0)
		return;
	/* The card's page as it is now, and what the action did. */
	op_card(m, op, c.card.card_no, a, now);
	if (a->body == NULL)
		return;
	j = a->body;
	rj = json_pack("{s:s, s:i}", "action",
	    tc_orpc_card_action_name(q->c.action), "cascaded", res.cascaded);
	if (rj == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		return;
	}
	if (res.new_card_no[0] != '\0')
		json_object_set_new(
		    rj, "new_card", json_string(res.new_card_no));
	if (q->c.action == TC_ORPC_CHANGE) {
		json_object_set_new(rj, "late", json_boolean(res.late));
		json_object_set_new(rj, "days", json_integer(res.days));
	}
	if (res.blacklisted)
		json_object_set_new(rj, "blacklisted", json_true());
	if (res.employer_barred)
		json_object_set_new(rj, "employer_barred", json_true());
	if (res.warning[0] != '\0')
		json_object_set_new(rj, "warning", json_string(res.warning));
	json_object_set_new(j, "result", rj);
}

static int
audit_one(const struct tc_audit_entry *e, void *arg)
{
	return add(arg, entry_json(e, 1));
}

void
mon_op_audit(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct collect co = { m, 0, json_array(), 0 };
	struct tc_audit_head head;
	int64_t limit = q->c.limit ? q->c.limit : 100;
	char err[512] = "";
	int r;

	if (co.arr == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		return;
	}
	if ((r = tc_registry_audit_head(m->reg, &head, err, sizeof(err))) !=
		0 ||
	    (r = tc_registry_audit_list(m->reg, q->c.after + 1, limit,
		 audit_one, &co, err, sizeof(err))) != 0) {
		if (co.failed)
			mon_fail(a, 500, "internal", "out of memory");
		else
			mon_lib_fail(a, r, err);
		json_decref(co.arr);
		return;
	}
	a->body = json_pack(
	    "{s:o, s:I}", "entries", co.arr, "last", (json_int_t)head.seq);
}

void
mon_op_audit_verify(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_audit_report rep;
	char err[512] = "", machex[2 * TC_AUDIT_MAC_LEN + 1];
	int r;

	memset(&rep, 0, sizeof(rep));
	r = tc_registry_audit_verify(m->reg, NULL, &rep, err, sizeof(err));
	if (r != 0 && r != TC_ERR_AUDIT_BROKEN) {
		mon_lib_fail(a, r, err);
		return;
	}
	tc_hex_encode(rep.head.mac, sizeof(rep.head.mac), machex);
	a->body = json_pack("{s:b, s:I, s:{s:I, s:s}, s:o, s:o}", "ok", r == 0,
	    "entries", (json_int_t)rep.entries, "head", "seq",
	    (json_int_t)rep.head.seq, "mac", machex, "first_bad",
	    r == 0 ? json_null() : json_integer((json_int_t)rep.first_bad),
	    "reason", r == 0 ? json_null() : json_string(err));
}

/*
 * A supporting document's bytes, for whoever sees the card; every read is
 * in the audit log, as an application's attachment's is.
 */
void
mon_op_card_document(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_card_state c;
	struct tc_card_doc d;
	struct tc_buf data;
	char err[512] = "", detail[64], subject[32];
	int r;

	if (mon_card_find(m, op->roles & CARD_VIEWERS, q->card, &c, a) != 0)
		return;
	tc_buf_init(&data, TC_ATTACH_MAX + 1);
	r = tc_card_doc_read(
	    m->reg, c.card.serial, q->att, &d, &data, err, sizeof(err));
	if (r == 0) {
		snprintf(subject, sizeof(subject), "card:%s", c.card.card_no);
		snprintf(detail, sizeof(detail), "{\"document\":%lld}",
		    (long long)q->att);
		r = tc_registry_audit(m->reg, now, op->name,
		    "card.document-read", subject, detail, err, sizeof(err));
	}
	if (r != 0) {
		mon_lib_fail(a, r, err);
	} else {
		a->ctype = tc_media_type(d.media);
		snprintf(a->filename, sizeof(a->filename), "%s", d.name);
		a->tail = tc_buf_detach(&data, &a->tlen);
		a->body = json_object();
	}
	tc_buf_release(&data);
}

void
mon_op_card(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	op_card(m, op, q->card, a, now);
}
