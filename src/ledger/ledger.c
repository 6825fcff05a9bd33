/* SPDX-License-Identifier: MIT */
/*
 * The usage ledger (include/tcard/ledger.h): the decision of a redeem from
 * the programme's service catalogue, over a table of uses that a backend
 * stores (src/ledger/ledger-int.h: an SQLite file or a PostgreSQL
 * database). The decision and the insert share one transaction that no
 * other redeem of the card can interleave with, on a connection guarded
 * by a mutex, so two redeems of the last use, from two threads, two
 * processes or two daemons on one database, allow exactly one. Rules:
 * docs/services.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger-int.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/ledger.h"
#include "tcard/workday.h"

#define DAY_END INT64_C(4000000) /* after any day number in use */

#define GROUP_MAX 64 /* redeems of one commit */

/* A redeem waiting for its group's commit. */
struct pending {
	const struct tc_redeem *q;
	struct tc_redeem_result *res;
	char *err;
	size_t errlen;
	int rc;
	int done;
	struct pending *next;
};

struct tc_ledger {
	const struct tc_ledger_backend *be;
	void *ctx;
	pthread_mutex_t mu; /* one caller of the backend at a time */
	/* Group commit: redeems queued while a group is being committed. */
	pthread_mutex_t qmu;
	pthread_cond_t qcv;
	struct pending *head, **tail;
	int leading;		  /* a thread is committing a group */
	uint64_t groups, grouped; /* commits of redeems, redeems in them */
};

int
tc_ledger_create_private(const char *path, char *err, size_t errlen)
{
	if (path == NULL || *path == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no path");
	if (strcmp(path, ":memory:") == 0)
		return 0;
	if (tc_file_create_private(path) >= 0)
		return 0;
	return tc_seterr(err, errlen, TC_ERR_DB, "%s: cannot create: %s", path,
	    strerror(errno));
}

int
tc_ledger_check_modes(const char *path, char *msg, size_t msglen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char name[4096];
	struct stat st;
	size_t i;
	int n;

	if (path == NULL || strcmp(path, ":memory:") == 0)
		return 0;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		n = snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		if (n < 0 || (size_t)n >= sizeof(name) ||
		    stat(name, &st) != 0 || (st.st_mode & 077) == 0)
			continue;
		if (msg != NULL && msglen > 0)
			snprintf(msg, msglen,
			    "%s: group or others may access this file (mode %03o); it holds card numbers: chmod 600 it",
			    name, (unsigned)(st.st_mode & 0777));
		return 1;
	}
	return 0;
}

int
tc_ledger_is_pg(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	    strncmp(target, "postgres://", 11) == 0 ||
	    strchr(target, '=') != NULL;
}

static int
open_ledger(struct tc_ledger **out, const char *target, int ro, char *err,
    size_t errlen)
{
	struct tc_ledger *l;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (target == NULL || *target == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no ledger path");
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return TC_ERR_NOMEM;
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->qmu, NULL);
	pthread_cond_init(&l->qcv, NULL);
	l->tail = &l->head;
	l->be = tc_ledger_is_pg(target) ? &tc_ledger_pg : &tc_ledger_sqlite;
	r = l->be == &tc_ledger_pg
	    ? tc_ledger_pg_open(&l->ctx, target, ro, err, errlen)
	    : tc_ledger_sqlite_open(&l->ctx, target, ro, err, errlen);
	if (r != 0) {
		pthread_mutex_destroy(&l->mu);
		pthread_mutex_destroy(&l->qmu);
		pthread_cond_destroy(&l->qcv);
		free(l);
		return r;
	}
	*out = l;
	return 0;
}

int
tc_ledger_open(
    struct tc_ledger **out, const char *path, char *err, size_t errlen)
{
	return open_ledger(out, path, 0, err, errlen);
}

int
tc_ledger_open_readonly(
    struct tc_ledger **out, const char *path, char *err, size_t errlen)
{
	return open_ledger(out, path, 1, err, errlen);
}

void
tc_ledger_close(struct tc_ledger *l)
{
	if (l == NULL)
		return;
	l->be->close(l->ctx);
	pthread_mutex_destroy(&l->mu);
	pthread_mutex_destroy(&l->qmu);
	pthread_cond_destroy(&l->qcv);
	free(l);
}

/* 1..max characters of [A-Za-z0-9._:-]. */
static int
token_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
			*s == ':' || *s == '-'))
			return 0;
	return 1;
}

/* [start, end) day numbers of period p around day; 0, 0 for others. */
static void
period_days(enum tc_period p, int64_t day, time_t valid_from, int64_t *start,
    int64_t *end)
{
	int y, m, d;

	tc_civil_from_day(day, &y, &m, &d);
	switch (p) {
	case TC_PERIOD_MONTH:
		*start = tc_day_from_civil(y, m, 1);
		*end = m == 12 ? tc_day_from_civil(y + 1, 1, 1)
			       : tc_day_from_civil(y, m + 1, 1);
		break;
	case TC_PERIOD_YEAR:
		*start = tc_day_from_civil(y, 1, 1);
		*end = tc_day_from_civil(y + 1, 1, 1);
		break;
	case TC_PERIOD_VALIDITY:
		*start = tc_day_of_time(valid_from);
		*end = DAY_END;
		break;
	default:
		*start = *end = 0;
	}
}

/* Uses of card's service (option "" = all) at days [from, to). */
static int
count_uses(struct tc_ledger *l, const struct tc_redeem *q, const char *service,
    const char *option, int64_t from, int64_t to, int64_t *n, char *err,
    size_t errlen)
{
	return l->be->count(l->ctx, q->card_no, q->programme->id, service,
	    option, from, to, n, err, errlen);
}

static void refuse(struct tc_redeem_result *res, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
refuse(struct tc_redeem_result *res, const char *reason, const char *fmt, ...)
{
	va_list ap;

	res->allowed = 0;
	res->reason = reason;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

/*
 * Checks one quota (of the service, or of its option when option is not
 * "") and keeps in res the tighter one. Returns 0 with *full set when no
 * use is left.
 */
static int
check_quota(struct tc_ledger *l, const struct tc_redeem *q,
    const struct tc_quota *quota, const char *service, const char *option,
    int64_t today, struct tc_redeem_result *res, int *full, char *err,
    size_t errlen)
{
	int64_t start, end, used;
	int r, left;

	*full = 0;
	if (quota->period == TC_PERIOD_UNLIMITED)
		return 0;
	period_days(quota->period, today, q->valid_from, &start, &end);
	if ((r = count_uses(
		 l, q, service, option, start, end, &used, err, errlen)) != 0)
		return r;
	left = used >= quota->count ? 0 : quota->count - (int)used;
	if (res->remaining < 0 || left < res->remaining) {
		res->limit = quota->count;
		res->used = (int)used;
		res->remaining = left;
		res->period = quota->period;
		res->period_start =
		    quota->period == TC_PERIOD_VALIDITY ? 0 : start;
		res->period_end = quota->period == TC_PERIOD_VALIDITY ? 0 : end;
	}
	*full = left == 0;
	return 0;
}

/* The decision, and the record when rec. Runs inside the transaction. */
static int
decide(struct tc_ledger *l, const struct tc_redeem *q, int rec,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	const struct tc_programme *p = q->programme;
	const struct tc_service *s, *o = NULL;
	const struct tc_exclusive_group *g;
	const struct tc_idlist *tiers;
	char sid[TC_LEDGER_SERVICE_MAX], *dot;
	const char *oid = "";
	int64_t today = tc_day_of_time(q->now), start, end, n;
	struct tc_ledger_found fd;
	struct tc_ledger_use u;
	size_t i;
	int r, full, party_max, found = 0;

	snprintf(sid, sizeof(sid), "%s", q->service);
	if ((dot = strchr(sid, '.')) != NULL) {
		*dot = '\0';
		oid = dot + 1;
	}
	if ((s = tc_programme_service(p, sid)) == NULL ||
	    (*oid != '\0' && (o = tc_service_option(s, oid)) == NULL)) {
		refuse(res, TC_REDEEM_UNKNOWN_SERVICE,
		    "programme %s has no service '%s'", p->id, q->service);
		return 0;
	}
	tiers = o != NULL && o->tiers.n > 0 ? &o->tiers : &s->tiers;
	if (!tc_idlist_has(tiers, q->tier)) {
		refuse(res, TC_REDEEM_NOT_COVERED, "tier %s does not cover %s",
		    q->tier, q->service);
		return 0;
	}
	if (((o != NULL ? o->channels : s->channels) & q->channel) == 0) {
		if (q->channel == TC_CHANNEL_QR)
			refuse(res, TC_REDEEM_WRONG_CHANNEL,
			    "%s needs the physical card; the e-card is not accepted",
			    q->service);
		else
			refuse(res, TC_REDEEM_WRONG_CHANNEL,
			    "%s is given on the e-card only", q->service);
		return 0;
	}
	party_max =
	    o != NULL && o->party_size > 1 ? o->party_size : s->party_size;
	if (q->party > party_max) {
		res->allowed = 0;
		res->reason = TC_REDEEM_PARTY_TOO_LARGE;
		snprintf(res->message, sizeof(res->message),
		    "%s covers at most %d %s per use; %d asked", q->service,
		    party_max, party_max == 1 ? "person" : "people", q->party);
		return 0;
	}
	/* A request id seen before: the first answer stands. */
	if (rec) {
		if ((r = l->be->find(l->ctx, q->request_id,
			 q->window != NULL ? q->window : "", &fd, &found, err,
			 errlen)) != 0)
			return r;
		if (found &&
		    (strcmp(fd.card_no, q->card_no) != 0 ||
			strcmp(fd.programme, p->id) != 0 ||
			strcmp(fd.service, sid) != 0 ||
			strcmp(fd.option, oid) != 0)) {
			refuse(res, TC_REDEEM_REQID_REUSED,
			    "request id %s was used at this window for another card or service",
			    q->request_id);
			return 0;
		}
		if (found) {
			res->use_id = fd.id;
			res->replay = 1;
			rec = 0;
		}
	}
	res->limit = res->remaining = -1;
	if ((r = check_quota(l, q, &s->quota, sid, "", today, res, &full, err,
		 errlen)) != 0)
		return r;
	if (!full && o != NULL &&
	    (r = check_quota(l, q, &o->quota, sid, oid, today, res, &full, err,
		 errlen)) != 0)
		return r;
	if (res->replay) {
		res->allowed = 1;
		snprintf(res->message, sizeof(res->message),
		    "already recorded under request id %s: not counted again",
		    q->request_id);
		return 0;
	}
	if (full) {
		refuse(res, TC_REDEEM_QUOTA_EXHAUSTED,
		    "%s: no use left in this period", q->service);
		return 0;
	}
	if ((g = tc_programme_exclusive_group(p, sid)) != NULL) {
		period_days(g->period, today, q->valid_from, &start, &end);
		for (i = 0; i < g->services.n; i++) {
			if (strcmp(g->services.v[i], sid) == 0)
				continue;
			if ((r = count_uses(l, q, g->services.v[i], "", start,
				 end, &n, err, errlen)) != 0)
				return r;
			if (n > 0) {
				snprintf(res->exclusive_with,
				    sizeof(res->exclusive_with), "%s",
				    g->services.v[i]);
				refuse(res, TC_REDEEM_EXCLUSIVE_USED,
				    "%s was used in this period; it excludes %s",
				    g->services.v[i], q->service);
				return 0;
			}
		}
	}
	res->allowed = 1;
	if (!rec) {
		snprintf(res->message, sizeof(res->message), "%s is available",
		    q->service);
		return 0;
	}
	if (res->remaining > 0) {
		res->used++;
		res->remaining--;
	}
	u.request_id = q->request_id;
	u.card_no = q->card_no;
	u.programme = p->id;
	u.service = sid;
	u.option = oid;
	u.window = q->window != NULL ? q->window : "";
	u.party = q->party;
	u.at = (int64_t)q->now;
	u.day = today;
	u.channel = q->channel;
	if ((r = l->be->insert(l->ctx, &u, &res->use_id, err, errlen)) != 0)
		return r;
	snprintf(
	    res->message, sizeof(res->message), "%s: use recorded", q->service);
	return 0;
}

/* Orders a group by card, so that every daemon takes the locks in one order. */
static int
by_card(const void *a, const void *b)
{
	const struct pending *x = *(struct pending *const *)a,
			     *y = *(struct pending *const *)b;

	return strcmp(x->q->card_no, y->q->card_no);
}

/* Ends p with rc and, when rc is not 0, msg (its result cleared). */
static void
settle(struct pending *p, int rc, const char *msg)
{
	p->rc = rc;
	if (rc == 0)
		return;
	memset(p->res, 0, sizeof(*p->res));
	p->res->limit = p->res->remaining = -1;
	if (msg != NULL)
		tc_seterr(p->err, p->errlen, rc, "%s", msg);
}

/* Ends every redeem of g with rc and msg. */
static void
settle_all(struct pending **g, size_t n, int rc, const char *msg)
{
	size_t i;

	for (i = 0; i < n; i++)
		settle(g[i], rc, msg);
}

/*
 * Decides and records the n redeems of g in one transaction, each after
 * the lock of its card, so that each sees the uses recorded before it in
 * the group; then one COMMIT for all. Returns 0, or the first error (msg)
 * with the transaction rolled back: then nothing of g was counted.
 */
static int
group_once(
    struct tc_ledger *l, struct pending **g, size_t n, char *msg, size_t msglen)
{
	size_t i;
	int r;

	if ((r = l->be->begin(l->ctx, 1, msg, msglen)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		memset(g[i]->res, 0, sizeof(*g[i]->res));
		g[i]->res->limit = g[i]->res->remaining = -1;
		if ((r = l->be->lock(l->ctx, g[i]->q->card_no, msg, msglen)) !=
			0 ||
		    (r = decide(l, g[i]->q, 1, g[i]->res, msg, msglen)) != 0) {
			l->be->rollback(l->ctx);
			return r;
		}
	}
	return l->be->commit(l->ctx, msg, msglen);
}

/*
 * Commits the group g. When the group fails (an error of one redeem, or
 * of the database), each redeem is tried again in a transaction of its
 * own, so that one bad redeem fails alone; a database that cannot be
 * reached fails them all at once.
 */
static void
commit_group(struct tc_ledger *l, struct pending **g, size_t n)
{
	char msg[512];
	size_t i;
	int r;

	qsort(g, n, sizeof(*g), by_card);
	pthread_mutex_lock(&l->mu);
	r = group_once(l, g, n, msg, sizeof(msg));
	if (r == 0 || n == 1 || r == TC_ERR_DB_DOWN)
		settle_all(g, n, r, msg);
	else
		for (i = 0; i < n; i++)
			settle(g[i], group_once(l, &g[i], 1, msg, sizeof(msg)),
			    msg);
	pthread_mutex_unlock(&l->mu);
}

/*
 * Group commit: a redeem joins the queue; when no group is being
 * committed its thread takes the queue (up to GROUP_MAX) and commits it
 * as one group, else it waits for the thread that does. Redeems that
 * arrive together thus share one COMMIT (one fsync) instead of paying one
 * each, and each still gets its answer only after the COMMIT of its
 * group.
 */
static int
group_redeem(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	struct pending me = { q, res, err, errlen, 0, 0, NULL }, *g[GROUP_MAX];
	size_t n, i;

	pthread_mutex_lock(&l->qmu);
	*l->tail = &me;
	l->tail = &me.next;
	while (!me.done) {
		if (l->leading) {
			pthread_cond_wait(&l->qcv, &l->qmu);
			continue;
		}
		l->leading = 1;
		for (n = 0; n < GROUP_MAX && l->head != NULL; n++) {
			g[n] = l->head;
			l->head = l->head->next;
		}
		if (l->head == NULL)
			l->tail = &l->head;
		pthread_mutex_unlock(&l->qmu);
		commit_group(l, g, n);
		pthread_mutex_lock(&l->qmu);
		for (i = 0; i < n; i++)
			g[i]->done = 1;
		l->groups++;
		l->grouped += n;
		l->leading = 0;
		pthread_cond_broadcast(&l->qcv);
	}
	pthread_mutex_unlock(&l->qmu);
	return me.rc;
}

static int
run(struct tc_ledger *l, const struct tc_redeem *q, int rec,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	char reg[7], norm[17];
	uint64_t serial;
	int r;

	if (res == NULL)
		return TC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	res->limit = res->remaining = -1;
	if (l == NULL || q == NULL || q->programme == NULL ||
	    q->service == NULL || q->tier == NULL || q->card_no == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: programme, service, tier and card are needed");
	if (strlen(q->service) >= TC_LEDGER_SERVICE_MAX ||
	    !token_ok(q->service, TC_LEDGER_SERVICE_MAX - 1))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the service is not an id");
	if (strlen(q->card_no) != TC_CARDNO_LEN ||
	    tc_cardno_parse(q->card_no, reg, &serial, norm, NULL, 0) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the card number is not a valid card number");
	if (q->channel != TC_CHANNEL_CHIP && q->channel != TC_CHANNEL_QR)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the channel is neither chip nor QR");
	if (rec && (q->party < 1 || q->party > 1000))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the party must be 1 to 1000 people");
	if (rec && !token_ok(q->request_id, TC_LEDGER_REQID_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the request id must be 1 to %d characters of A-Z a-z 0-9 . _ : -",
		    TC_LEDGER_REQID_MAX);
	if (rec && q->window != NULL && *q->window != '\0' &&
	    !token_ok(q->window, TC_LEDGER_WINDOW_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the window name must be 1 to %d characters of A-Z a-z 0-9 . _ : -",
		    TC_LEDGER_WINDOW_MAX);
	if (rec)
		return group_redeem(l, q, res, err, errlen);
	pthread_mutex_lock(&l->mu);
	if ((r = l->be->begin(l->ctx, 0, err, errlen)) != 0)
		goto out;
	if ((r = decide(l, q, 0, res, err, errlen)) != 0)
		l->be->rollback(l->ctx);
	else if ((r = l->be->commit(l->ctx, err, errlen)) != 0)
		memset(res, 0, sizeof(*res));
out:
	pthread_mutex_unlock(&l->mu);
	return r;
}

int
tc_ledger_redeem(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	return run(l, q, 1, res, err, errlen);
}

int
tc_ledger_usage(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	return run(l, q, 0, res, err, errlen);
}

void
tc_ledger_row_option(struct tc_ledger_row *row, const char *option)
{
	size_t n = strlen(row->service);

	if (option[0] != '\0' && n + 1 + strlen(option) < sizeof(row->service))
		snprintf(
		    row->service + n, sizeof(row->service) - n, ".%s", option);
}

int
tc_ledger_report(struct tc_ledger *l, const char *programme,
    const char *service, const char *card_no, int64_t from_day, int64_t to_day,
    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_ledger_filter flt = { programme, NULL, NULL, card_no,
		from_day, to_day };
	char sid[TC_LEDGER_SERVICE_MAX], *dot;
	int r;

	if (l == NULL || fn == NULL ||
	    (service != NULL && strlen(service) >= sizeof(sid)))
		return TC_ERR_INVALID_ARG;
	/* "id.option" selects the uses of that option only. */
	if (service != NULL) {
		snprintf(sid, sizeof(sid), "%s", service);
		flt.service = sid;
		if ((dot = strchr(sid, '.')) != NULL) {
			*dot = '\0';
			flt.option = dot + 1;
		}
	}
	pthread_mutex_lock(&l->mu);
	r = l->be->report(l->ctx, &flt, fn, arg, err, errlen);
	pthread_mutex_unlock(&l->mu);
	return r;
}

void
tc_ledger_stats(struct tc_ledger *l, uint64_t *groups, uint64_t *redeems)
{
	pthread_mutex_lock(&l->qmu);
	*groups = l->groups;
	*redeems = l->grouped;
	pthread_mutex_unlock(&l->qmu);
}

int64_t
tc_ledger_count(struct tc_ledger *l)
{
	int64_t n = -1;

	if (l == NULL)
		return -1;
	pthread_mutex_lock(&l->mu);
	if (l->be->count_all(l->ctx, &n) != 0)
		n = -1;
	pthread_mutex_unlock(&l->mu);
	return n;
}
