/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card lifecycle (src/registry/lifecycle.c) on real registry files
 * with the shipped programme files and an injected clock: the renewal
 * window at its edges (exactly 30 days before expiry, one second earlier,
 * at expiry), the green card B's single extension, change reports on day
 * 30 and 31, reissue (validity kept, numbers never reused, sub-cards
 * moved), suspension, reinstatement and revocation with every state
 * refusal and its message, fraud (blacklist, employer bar), sub-cards for
 * each relation and their refusals (B card, adult child, duplicates), the
 * cascades of suspend, reinstate, revoke, renew and expiry, the expiry
 * sweep, the date helpers, who may do which action (every action refuses
 * an operator without its role, unknown or disabled, before it changes
 * anything), and an audit log that verifies at the end. All names and ID
 * numbers are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sample.h"
#include "unit.h"
#include "tcard/blacklist.h"
#include "tcard/card-doc.h"
#include "tcard/cardface.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/lifecycle.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/serial.h"
#include "tcard/uscc.h"

#include "fixtures-registry.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define DAY ((time_t)86400)
/* 2026-03-01 00:00 UTC = 08:00 in Beijing. */
#define T0    ((time_t)1772323200)
#define GREEN "guangzhou-green"
/* The acting operator of most tests: may do every lifecycle action. */
#define OP "lc-tester"
#define OP_ROLES                                                               \
	(TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) | TC_ROLE_BIT(TC_ROLE_APPROVER))

struct fixture {
	char dir[64];
	char path[128];
	struct tc_registry_keys keys;
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	int next_id;		 /* sequence of made-up ID numbers */
	char last_id[TC_ID_MAX]; /* the last holder's or relative's number */
};

/*
 * Adds operator name with roles and its audit entry, in a transaction of
 * its own (no passphrase: the tests never sign in).
 */
static int
op_add(struct tc_registry *reg, const char *name, unsigned roles, char *err,
    size_t errlen)
{
	int r;

	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = tc_registry_operator_add(reg, name, roles,
		 fx_org_for(reg, roles), NULL, T0, NULL, err, errlen)) != 0 ||
	    (r = tc_registry_audit(reg, T0, "system", "operator.add", name,
		 NULL, err, errlen)) != 0) {
		tc_registry_rollback(reg);
		return r;
	}
	return tc_registry_commit(reg, err, errlen);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[512] = "";

	if (fx == NULL)
		return -1;
	if (fx_reg_dir(fx->dir, fx->path, "/tmp/tc-lifecycle-XXXXXX") != 0)
		return -1;
	fx_reg_keys(&fx->keys, 0x13, 1, 0x50);
	if (tc_registry_open(&fx->reg, fx->path, &fx->keys, TC_REGISTRY_CREATE,
		err, sizeof(err)) != 0) {
		fprintf(stderr, "open: %s\n", err);
		return -1;
	}
	if (tc_programme_set_load_dir(
		&fx->progs, TC_PROGRAMMES_DIR, err, sizeof(err)) != 0) {
		fprintf(stderr, "programmes: %s\n", err);
		return -1;
	}
	if (op_add(fx->reg, OP, OP_ROLES, err, sizeof(err)) != 0) {
		fprintf(stderr, "operator: %s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	struct tc_audit_report rep;
	char err[512] = "";
	int r;

	/* Whatever a test did, the audit log still verifies. */
	r = tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err));
	if (r != 0)
		fprintf(stderr, "audit verify: %s\n", err);
	tc_registry_close(fx->reg);
	tc_programme_set_free(fx->progs);
	fx_rm_tree(fx->dir);
	free(fx);
	return r == 0 ? 0 : -1;
}

/*
 * A made-up resident ID number (region 110101, the given birth date,
 * sequence n) with its MOD 11-2 check character.
 */
static void
make_id(int y, int m, int d, int n, char out[TC_ID_MAX])
{
	static const int w[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8,
		4, 2 };
	int i, sum = 0;

	snprintf(out, TC_ID_MAX, "110101%04d%02d%02d%03d", y, m, d, n % 1000);
	for (i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* A made-up unified social credit code: 17 characters + check. */
static const char *
uscc(const char *first17)
{
	static char out[4][TC_USCC_LEN + 1];
	static int k;
	char *o = out[k++ % 4];
	int c = tc_uscc_check_char(first17);

	assert_true(c > 0);
	snprintf(o, TC_USCC_LEN + 1, "%.17s%c", first17, c);
	return o;
}

static void
begin(struct fixture *fx)
{
	char err[512] = "";

	if (tc_registry_begin(fx->reg, err, sizeof(err)) != 0)
		fail_msg("begin: %s", err);
}

static void
commit(struct fixture *fx)
{
	char err[512] = "";

	if (tc_registry_commit(fx->reg, err, sizeof(err)) != 0)
		fail_msg("commit: %s", err);
}

static int64_t
reserve(struct fixture *fx)
{
	char err[512] = "";
	int64_t s = 0;

	if (tc_serial_reserve(fx->reg, OP, "test", T0, &s, err, sizeof(err)) !=
	    0)
		fail_msg("reserve: %s", err);
	return s;
}

static struct tc_lifecycle
ctx(struct fixture *fx, time_t now)
{
	struct tc_lifecycle lc = { fx->reg, fx->progs, OP, now };

	return lc;
}

/* Issues a main card of programme/tier for a new holder; returns its serial. */
static int64_t
issue(struct fixture *fx, const char *programme, const char *tier,
    time_t issued, int months)
{
	const struct tc_programme *p =
	    tc_programme_set_find(fx->progs, programme);
	struct tc_holder h;
	struct tc_card c;
	char err[512] = "", day[TC_LIFECYCLE_DATE_LEN];
	int64_t hid, serial;
	time_t midnight;

	assert_non_null(p);
	serial = reserve(fx);
	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	make_id(1985, 6, 15, ++fx->next_id, h.id_number);
	snprintf(h.name, sizeof(h.name), "Holder %d", fx->next_id);
	memcpy(fx->last_id, h.id_number, sizeof(fx->last_id));
	memset(&c, 0, sizeof(c));
	c.serial = serial;
	assert_int_equal(
	    tc_cardno_make(p->region, (uint64_t)serial, c.card_no), 0);
	snprintf(c.programme, sizeof(c.programme), "%s", programme);
	snprintf(c.tier, sizeof(c.tier), "%s", tier);
	c.status = TC_CARD_ISSUED;
	c.issued_at = issued;
	/* As `issue` does: 00:00 Beijing time, months after the issue date. */
	tc_lifecycle_date(issued, day);
	assert_int_equal(tc_lifecycle_date_parse(day, &midnight, NULL, 0), 0);
	c.expires_at = tc_lifecycle_add_months(midnight, months);
	begin(fx);
	if (tc_registry_holder_add(
		fx->reg, &h, issued, &hid, err, sizeof(err)) != 0)
		fail_msg("holder: %s", err);
	c.holder_id = hid;
	if (tc_registry_card_add(fx->reg, &c, err, sizeof(err)) != 0 ||
	    tc_registry_audit(fx->reg, issued, OP, "card.issue", c.card_no,
		NULL, err, sizeof(err)) != 0)
		fail_msg("card: %s", err);
	commit(fx);
	tc_holder_release(&h);
	return serial;
}

static struct tc_card_state
get(struct fixture *fx, int64_t serial)
{
	struct tc_card_state c;
	char err[512] = "";

	if (tc_lifecycle_card_get(fx->reg, serial, &c, err, sizeof(err)) != 0)
		fail_msg("get %lld: %s", (long long)serial, err);
	return c;
}

/* Runs one action in its own transaction: commit on 0, rollback otherwise. */
#define ACT(fx, call)                                                          \
	({                                                                     \
		int r_;                                                        \
		begin(fx);                                                     \
		r_ = (call);                                                   \
		if (r_ == 0)                                                   \
			commit(fx);                                            \
		else                                                           \
			tc_registry_rollback((fx)->reg);                       \
		r_;                                                            \
	})

/* A 358 x 441 PNG as the relative's photo (made once, kept). */
static void
with_photo(struct tc_relative *rv)
{
	static struct tc_buf png;
	static int made;

	if (!made) {
		tc_buf_init(&png, TC_ATTACH_MAX);
		assert_int_equal(tc_sample_png(&png, 358, 441), 0);
		made = 1;
	}
	rv->photo = png.data;
	rv->photo_len = png.len;
	rv->photo_name = "relative.png";
}

static int64_t
add_sub(struct fixture *fx, int64_t main, enum tc_relation rel, int y, int m,
    int d, time_t now, int expect, char *err, size_t errlen)
{
	struct tc_lifecycle lc = ctx(fx, now);
	struct tc_lifecycle_result res;
	struct tc_relative rv;
	char id[TC_ID_MAX];
	int64_t s = reserve(fx);
	int r;

	make_id(y, m, d, ++fx->next_id, id);
	memcpy(fx->last_id, id, sizeof(fx->last_id));
	memset(&rv, 0, sizeof(rv));
	rv.id_type = TC_ID_RESIDENT;
	rv.id_number = id;
	rv.name = "Relative";
	with_photo(&rv);
	r = ACT(fx,
	    tc_lifecycle_subcard_add(
		&lc, main, rel, &rv, s, &res, err, errlen));
	if (r != expect)
		fail_msg("subcard add: got %d (%s), wanted %d", r, err, expect);
	return r == 0 ? res.new_serial : 0;
}

/* Counts audit entries with this action, or of a family ("card."). */
struct count {
	const char *action;
	int n;
};

static int
count_one(const struct tc_audit_entry *e, void *arg)
{
	struct count *c = arg;

	size_t n = strlen(c->action);

	/* "card." counts every action of that family. */
	if (n > 0 && c->action[n - 1] == '.'
		? strncmp(e->action, c->action, n) == 0
		: strcmp(e->action, c->action) == 0)
		c->n++;
	return 0;
}

static int
audit_count(struct fixture *fx, const char *action)
{
	struct count c = { action, 0 };
	char err[512] = "";

	assert_int_equal(tc_registry_audit_list(
			     fx->reg, 1, 0, count_one, &c, err, sizeof(err)),
	    0);
	return c.n;
}

/* Adds operator name with roles. */
static void
add_op(struct fixture *fx, const char *name, unsigned roles)
{
	char err[512] = "";

	if (op_add(fx->reg, name, roles, err, sizeof(err)) != 0)
		fail_msg("operator %s: %s", name, err);
}

/* The context of ctx with another acting operator. */
static struct tc_lifecycle
ctx_as(struct fixture *fx, const char *name, time_t now)
{
	struct tc_lifecycle lc = { fx->reg, fx->progs, name, now };

	return lc;
}

/* Tests. */

static void
test_dates(void **state)
{
	char d[TC_LIFECYCLE_DATE_LEN], err[256];
	time_t t;

	tc_lifecycle_date(T0, d);
	assert_string_equal(d, "2026-03-01");
	/* 16:00 UTC is already the next day in Beijing. */
	tc_lifecycle_date(T0 - 8 * 3600 - 1, d);
	assert_string_equal(d, "2026-02-28");
	tc_lifecycle_date(T0 - 8 * 3600, d);
	assert_string_equal(d, "2026-03-01");
	assert_int_equal(
	    tc_lifecycle_date_parse("2026-03-01", &t, err, sizeof(err)), 0);
	assert_int_equal(t, T0 - 8 * 3600);
	assert_int_equal(
	    tc_lifecycle_date_parse("2026-02-29", &t, err, sizeof(err)),
	    TC_ERR_BAD_DATE);
	assert_int_equal(
	    tc_lifecycle_date_parse("2026-3-01", &t, err, sizeof(err)),
	    TC_ERR_BAD_DATE);
	assert_int_equal(
	    tc_lifecycle_date_parse("1899-12-31", &t, err, sizeof(err)),
	    TC_ERR_BAD_DATE);
	assert_int_equal(
	    tc_lifecycle_date_parse("2026-03-011", &t, err, sizeof(err)),
	    TC_ERR_BAD_DATE);
	/* Months by the local calendar; the last day when one is missing. */
	assert_int_equal(
	    tc_lifecycle_date_parse("2027-01-31", &t, err, sizeof(err)), 0);
	tc_lifecycle_date(tc_lifecycle_add_months(t, 1), d);
	assert_string_equal(d, "2027-02-28");
	tc_lifecycle_date(tc_lifecycle_add_months(t, 13), d);
	assert_string_equal(d, "2028-02-29");
	tc_lifecycle_date(tc_lifecycle_add_months(t, -2), d);
	assert_string_equal(d, "2026-11-30");
	assert_int_equal(tc_lifecycle_add_months(T0, 12) - T0, 365 * DAY);
	assert_int_equal(
	    tc_lifecycle_add_months(T0, 60) - T0, (365 * 5 + 1) * DAY);
	/* Ages: the day before the birthday, the birthday, 29 February. */
	assert_int_equal(tc_lifecycle_age(2008, 3, 2, T0), 17);
	assert_int_equal(tc_lifecycle_age(2008, 3, 1, T0), 18);
	assert_int_equal(tc_lifecycle_age(2008, 2, 29, T0), 18);
	assert_int_equal(tc_lifecycle_age(2008, 2, 29, T0 - DAY), 17);
	assert_int_equal(tc_lifecycle_age(2030, 1, 1, T0), -1);
}

static void
test_rules_and_names(void **state)
{
	struct fixture *fx = *state;
	const struct tc_programme *g = tc_programme_set_find(fx->progs, GREEN);
	const struct tc_programme *b =
	    tc_programme_set_find(fx->progs, "baiyun-yunju");
	const struct tc_programme *c =
	    tc_programme_set_find(fx->progs, "chuxiong-xingchu");
	struct tc_renewal_rule rule;
	enum tc_reissue_reason rr;

	tc_lifecycle_renewal_rule(g, tc_programme_tier(g, "a"), &rule);
	assert_true(rule.allowed);
	assert_int_equal(rule.window_days, 30);
	assert_int_equal(rule.months, 60);
	assert_int_equal(rule.limit, -1);
	tc_lifecycle_renewal_rule(g, tc_programme_tier(g, "b"), &rule);
	assert_true(rule.allowed);
	assert_int_equal(rule.months, 12);
	assert_int_equal(rule.limit, 1);
	tc_lifecycle_renewal_rule(g, tc_programme_tier(g, "a-spouse"), &rule);
	assert_false(rule.allowed);
	tc_lifecycle_renewal_rule(b, tc_programme_tier(b, "gold"), &rule);
	assert_false(rule.allowed);
	tc_lifecycle_renewal_rule(c, tc_programme_tier(c, "a"), &rule);
	assert_true(rule.allowed);
	assert_true(rule.window_assumed);
	assert_int_equal(rule.window_days, TC_LIFECYCLE_DEFAULT_WINDOW_DAYS);

	assert_true(tc_lifecycle_revoke_reason_ok(g, "fraud"));
	assert_true(tc_lifecycle_revoke_reason_ok(g, "contract-ended"));
	assert_true(tc_lifecycle_revoke_reason_ok(b, "expelled-or-unlawful"));
	assert_false(tc_lifecycle_revoke_reason_ok(g, "expelled-or-unlawful"));
	assert_false(tc_lifecycle_revoke_reason_ok(g, "reissued-lost"));
	assert_false(tc_lifecycle_revoke_reason_ok(NULL, "principal-revoked"));
	assert_int_equal(tc_reissue_reason_parse("lost", &rr), 0);
	assert_int_equal(rr, TC_REISSUE_LOST);
	assert_int_equal(
	    tc_reissue_reason_parse("stolen", &rr), TC_ERR_INVALID_ARG);
	assert_string_equal(
	    tc_reissue_reason_name(TC_REISSUE_DAMAGED), "damaged");
	assert_string_equal(
	    tc_change_kind_name(TC_CHANGE_RESIDENCE), "residence");
}

static void
test_find(void **state)
{
	struct fixture *fx = *state;
	struct tc_card_state c, f;
	char err[512] = "", g[20], typo[20];
	int64_t s = issue(fx, GREEN, "a", T0, 60);

	c = get(fx, s);
	tc_cardno_group(c.card.card_no, g);
	assert_int_equal(
	    tc_lifecycle_card_find(fx->reg, g, &f, err, sizeof(err)), 0);
	assert_int_equal(f.card.serial, s);
	assert_int_equal(tc_lifecycle_card_find(
			     fx->reg, c.card.card_no, &f, err, sizeof(err)),
	    0);
	snprintf(typo, sizeof(typo), "%lld", (long long)s);
	assert_int_equal(
	    tc_lifecycle_card_find(fx->reg, typo, &f, err, sizeof(err)), 0);
	assert_int_equal(f.card.serial, s);
	assert_string_equal(f.holder_masked, c.holder_masked);
	assert_non_null(strstr(f.holder_masked, "****"));
	assert_int_equal(f.status_at, T0);
	/* A wrong check digit is a typo, not an unknown card. */
	memcpy(typo, g, sizeof(typo));
	typo[18] = typo[18] == '9' ? '0' : (char)(typo[18] + 1);
	assert_int_equal(
	    tc_lifecycle_card_find(fx->reg, typo, &f, err, sizeof(err)),
	    TC_ERR_BAD_CHECK);
	assert_int_equal(
	    tc_lifecycle_card_find(fx->reg, "999", &f, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    tc_lifecycle_card_find(fx->reg, "0", &f, err, sizeof(err)),
	    TC_ERR_RANGE);
}

static void
test_needs_transaction(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0);
	char err[512] = "";
	int64_t s = issue(fx, GREEN, "a", T0, 60);

	assert_int_equal(
	    tc_lifecycle_suspend(&lc, s, "check", NULL, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "transaction"));
	assert_int_equal(get(fx, s).card.status, TC_CARD_ISSUED);
}

static void
test_renew_window(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	char err[512] = "", d[TC_LIFECYCLE_DATE_LEN];
	int64_t s = issue(fx, GREEN, "a", T0, 60), s2;
	time_t exp = get(fx, s).card.expires_at;

	/* One second before the window opens: refused with the date. */
	lc = ctx(fx, exp - 30 * DAY - 1);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "renewal opens on 2031-01-30 00:00"));
	assert_non_null(strstr(err, "30 days before"));
	assert_non_null(strstr(err, "002"));
	assert_int_equal(get(fx, s).card.expires_at, exp);
	/* Exactly 30 days before expiry: accepted, a new 60-month term. */
	lc = ctx(fx, exp - 30 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))), 0);
	c = get(fx, s);
	assert_int_equal(c.card.expires_at, tc_lifecycle_add_months(exp, 60));
	assert_int_equal(res.expires_at, c.card.expires_at);
	assert_int_equal(c.renewals, 1);
	tc_lifecycle_date(c.card.expires_at, d);
	assert_string_equal(d, "2036-03-01");
	/* An A card renews as often as its holder qualifies. */
	lc = ctx(fx, c.card.expires_at - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 36, &res, err, sizeof(err))), 0);
	assert_int_equal(get(fx, s).card.expires_at,
	    tc_lifecycle_add_months(c.card.expires_at, 36));
	/* The term chosen at approval may not exceed the maximum. */
	lc = ctx(fx, res.expires_at - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 61, &res, err, sizeof(err))),
	    TC_ERR_RANGE);
	/* At expiry: expired, a new application is needed. */
	s2 = issue(fx, GREEN, "a", T0, 60);
	lc = ctx(fx, exp);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s2, 0, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "expired on 2031-03-01"));
	assert_non_null(strstr(err, "new application"));
	/* One second before expiry it is still renewable. */
	lc = ctx(fx, exp - 1);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s2, 0, &res, err, sizeof(err))), 0);
	assert_int_equal(audit_count(fx, "card.renew"), 3);
}

static void
test_renew_b_once(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t s = issue(fx, GREEN, "b", T0, 12);
	time_t exp = get(fx, s).card.expires_at;

	lc = ctx(fx, exp - 10 * DAY);
	/* The B card's extension is fixed at 12 months. */
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 6, &res, err, sizeof(err))),
	    TC_ERR_RANGE);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))), 0);
	assert_int_equal(res.expires_at, tc_lifecycle_add_months(exp, 12));
	assert_int_equal(get(fx, s).renewals, 1);
	lc = ctx(fx, res.expires_at - 10 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "already extended 1 time;"));
	assert_non_null(strstr(err, "only 1 time, by 12 months"));
	assert_non_null(strstr(err, "002 十一(二)"));
	assert_non_null(strstr(err, "convert"));
}

static void
test_renew_refusals(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t by = issue(fx, "baiyun-yunju", "gold", T0, 60);
	int64_t cx = issue(fx, "chuxiong-xingchu", "b", T0, 60);
	int64_t a = issue(fx, GREEN, "a", T0, 60), sub;
	time_t exp = get(fx, by).card.expires_at;

	lc = ctx(fx, exp - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, by, 0, &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "provides no renewal"));
	assert_non_null(strstr(err, "001"));
	/* Open terms: the default window. */
	lc = ctx(fx, exp - 31 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, cx, 0, &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "default window"));
	lc = ctx(fx, exp - 30 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, cx, 0, &res, err, sizeof(err))), 0);
	/* A sub-card is renewed with its main card, not on its own. */
	sub =
	    add_sub(fx, a, TC_REL_SPOUSE, 1986, 1, 1, T0, 0, err, sizeof(err));
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, sub, 0, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "is a sub-card (spouse)"));
	/* Suspended: reinstate first. */
	lc = ctx(fx, T0 + DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, a, "inquiry", NULL, err, sizeof(err))),
	    0);
	lc = ctx(fx, exp - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, a, 0, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "is suspended (inquiry) since 2026-03-02"));
	assert_non_null(strstr(err, "reinstate it first"));
}

static void
test_change(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	char err[512] = "", *name = NULL, *code2 = NULL;
	const char *code;
	int64_t s = issue(fx, GREEN, "a", T0, 60), sub;
	time_t eff;

	assert_int_equal(
	    tc_lifecycle_date_parse("2026-04-01", &eff, err, sizeof(err)), 0);
	/* Day 30 after the change (any time of that local day): on time. */
	lc = ctx(fx, eff + 30 * DAY + DAY - 1);
	code = uscc("91440114MA5ABCDE1");
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_EMPLOYER,
				 "Huadu Widget Co.", code, "2026-04-01", &res,
				 err, sizeof(err))),
	    0);
	assert_int_equal(res.days, 30);
	assert_false(res.late);
	assert_string_equal(res.warning, "");
	/* Day 31: accepted, marked late, with a warning. */
	lc = ctx(fx, eff + 31 * DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE,
				 "Huadu, Xinhua Rd 1", NULL, "2026-04-01", &res,
				 err, sizeof(err))),
	    0);
	assert_int_equal(res.days, 31);
	assert_true(res.late);
	assert_non_null(strstr(res.warning, "31 days"));
	assert_non_null(strstr(res.warning, "within 30 days"));
	assert_non_null(strstr(res.warning, "002 九(五)"));
	assert_int_equal(audit_count(fx, "card.change"), 2);
	assert_int_equal(tc_lifecycle_last_employer(
			     fx->reg, s, &name, &code2, err, sizeof(err)),
	    0);
	assert_string_equal(name, "Huadu Widget Co.");
	assert_string_equal(code2, code);
	free(name);
	free(code2);
	/* Refusals: a future date, a bad date, bad values. */
	lc = ctx(fx, eff);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "X", NULL,
		    "2026-04-02", &res, err, sizeof(err))),
	    TC_ERR_BAD_DATE);
	assert_non_null(strstr(err, "after today"));
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "X", NULL,
		    "2026-02-30", &res, err, sizeof(err))),
	    TC_ERR_BAD_DATE);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "", NULL,
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "a\nb", NULL,
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "X", code,
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_EMPLOYER, "X", "9144",
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "credit code"));
	/* A sub-card has no employer; a revoked card takes no changes. */
	sub =
	    add_sub(fx, s, TC_REL_PARENT, 1960, 1, 1, eff, 0, err, sizeof(err));
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, sub, TC_CHANGE_EMPLOYER, "X", NULL,
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, sub, TC_CHANGE_RESIDENCE, "Huadu",
		    NULL, "2026-04-01", &res, err, sizeof(err))),
	    0);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "ineligible", NULL, 0,
				 &res, err, sizeof(err))),
	    0);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "X", NULL,
		    "2026-04-01", &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(
	    strstr(err, "is revoked (ineligible) since 2026-04-01"));
}

static void
test_reissue(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + 100 * DAY);
	struct tc_lifecycle_result res;
	struct tc_card_state old, nw, sub;
	char err[512] = "", *name = NULL, *code = NULL;
	int64_t s = issue(fx, GREEN, "a", T0, 60), s1, s2, sp, ns;
	int n0;

	sp = add_sub(
	    fx, s, TC_REL_SPOUSE, 1986, 2, 2, T0 + DAY, 0, err, sizeof(err));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_EMPLOYER,
				 "Old Employer Ltd", uscc("91440114MA5ABCDE1"),
				 "2026-05-01", &res, err, sizeof(err))),
	    0);
	old = get(fx, s);
	/* A dry run (serial 0) checks and changes nothing. */
	n0 = audit_count(fx, "card.revoke");
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, 0,
				 &res, err, sizeof(err))),
	    0);
	assert_int_equal(get(fx, s).card.status, TC_CARD_ISSUED);
	assert_int_equal(res.new_serial, 0);
	assert_int_equal(audit_count(fx, "card.revoke"), n0);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    0);
	s1 = res.new_serial;
	assert_int_equal(s1, ns);
	assert_int_equal(res.cascaded, 1);
	nw = get(fx, s1);
	old = get(fx, s);
	assert_int_equal(old.card.status, TC_CARD_REVOKED);
	assert_string_equal(old.status_reason, "reissued-lost");
	assert_int_equal(old.replaced_by, s1);
	assert_int_equal(nw.replaces, s);
	assert_int_equal(nw.card.status, TC_CARD_ISSUED);
	assert_int_equal(nw.card.holder_id, old.card.holder_id);
	assert_string_equal(nw.card.tier, "a");
	assert_int_equal(nw.card.expires_at, old.card.expires_at);
	assert_int_equal(nw.card.issued_at, lc.now);
	assert_string_not_equal(nw.card.card_no, old.card.card_no);
	assert_memory_equal(nw.card.card_no, old.card.card_no, 6);
	assert_string_equal(res.new_card_no, nw.card.card_no);
	/* The spouse's sub-card moved to the new card. */
	sub = get(fx, sp);
	assert_int_equal(sub.card.principal_serial, s1);
	assert_int_equal(sub.card.status, TC_CARD_ISSUED);
	/* The history (employer) follows the card. */
	assert_int_equal(tc_lifecycle_last_employer(
			     fx->reg, s1, &name, &code, err, sizeof(err)),
	    0);
	assert_string_equal(name, "Old Employer Ltd");
	free(name);
	free(code);
	/* The old card cannot be reissued again; the message names its successor. */
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(
	    strstr(err, "is revoked (reissued-lost, replaced by card"));
	/* Reissue the new one (damaged): yet another serial and number. */
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s1, TC_REISSUE_DAMAGED,
				 ns, &res, err, sizeof(err))),
	    0);
	s2 = res.new_serial;
	assert_true(s2 != s && s2 != s1 && s2 != sp);
	assert_string_equal(get(fx, s1).status_reason, "reissued-damaged");
	assert_int_equal(get(fx, s2).card.expires_at, old.card.expires_at);
	assert_int_equal(get(fx, sp).card.principal_serial, s2);
	/* A serial that was not reserved, or is taken, is refused. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s2, TC_REISSUE_LOST,
				 s2 + 1000, &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s2, TC_REISSUE_LOST, sp,
				 &res, err, sizeof(err))),
	    TC_ERR_EXISTS);
	assert_int_equal(get(fx, s2).card.status, TC_CARD_ISSUED);
	/* Suspended and expired cards are not reissued. */
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_suspend(&lc, s2, "check", NULL, err, sizeof(err))),
	    0);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s2, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "reinstate it first"));
	assert_int_equal(audit_count(fx, "card.reissue"), 2);
	assert_int_equal(audit_count(fx, "card.subcard-move"), 2);
}

static void
test_numbers_never_reused(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	char err[512] = "", *nos[64];
	int64_t s = issue(fx, GREEN, "a", T0, 60), ns;
	size_t n = 0, i, j;
	sqlite3 *db;
	sqlite3_stmt *st;

	for (i = 0; i < 10; i++) {
		ns = reserve(fx);
		assert_int_equal(
		    ACT(fx,
			tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns, &res,
			    err, sizeof(err))),
		    0);
		s = res.new_serial;
	}
	/* A refused action leaves a gap, never a reuse. */
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s - 1, TC_REISSUE_LOST,
				 ns, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    0);
	assert_int_equal(
	    sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(
		db, "SELECT card_no FROM cards ORDER BY serial", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < 64)
		nos[n++] = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(nos[i], nos[j]);
	for (i = 0; i < n; i++)
		free(nos[i]);
	/* The schema refuses deleting or renumbering a card. */
	assert_int_not_equal(
	    sqlite3_exec(db, "DELETE FROM cards", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(
		db, "DELETE FROM cards WHERE serial = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "never deleted"));
	assert_int_not_equal(
	    sqlite3_exec(db, "UPDATE cards SET serial = 999 WHERE serial = 1",
		NULL, NULL, NULL),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "never change"));
	assert_int_equal(
	    sqlite3_exec(db,
		"UPDATE cards SET status = status WHERE serial = 1", NULL, NULL,
		NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

static void
test_suspend_reinstate(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	char err[512] = "", g[20], want[256];
	int64_t s = issue(fx, GREEN, "a", T0, 60);
	struct tc_card_state c;

	tc_cardno_group(get(fx, s).card.card_no, g);
	/* Reinstating an issued card: it is not suspended. */
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, s, NULL, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	snprintf(want, sizeof(want),
	    "card %s is issued and valid through 2031-02-28; an issued card cannot be reinstated: it is not suspended",
	    g);
	assert_string_equal(err, want);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_suspend(&lc, s, "", &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(&lc, s, "employer inquiry",
				 &res, err, sizeof(err))),
	    0);
	c = get(fx, s);
	assert_int_equal(c.card.status, TC_CARD_SUSPENDED);
	assert_string_equal(c.status_reason, "employer inquiry");
	assert_int_equal(c.status_at, T0 + DAY);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_suspend(&lc, s, "again", &res, err, sizeof(err))),
	    TC_ERR_STATE);
	snprintf(want, sizeof(want),
	    "card %s is suspended (employer inquiry) since 2026-03-02; a suspended card cannot be suspended again",
	    g);
	assert_string_equal(err, want);
	lc = ctx(fx, T0 + 5 * DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reinstate(
				 &lc, s, "cleared", &res, err, sizeof(err))),
	    0);
	c = get(fx, s);
	assert_int_equal(c.card.status, TC_CARD_ISSUED);
	assert_string_equal(c.status_reason, "");
	assert_int_equal(c.status_at, T0 + 5 * DAY);
	/* A suspended card past its expiry cannot be reinstated. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, s, "inquiry", &res, err, sizeof(err))),
	    0);
	lc = ctx(fx, c.card.expires_at);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, s, NULL, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err,
	    "expired on 2031-03-01 (still recorded as suspended until the expiry sweep runs)"));
	assert_int_equal(audit_count(fx, "card.suspend"), 2);
	assert_int_equal(audit_count(fx, "card.reinstate"), 1);
}

static void
test_revoke(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0);
	struct tc_lifecycle_result res;
	char err[512] = "", g[20], want[256];
	int64_t s = issue(fx, GREEN, "a", T0, 60), ns;

	tc_cardno_group(get(fx, s).card.card_no, g);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "bored", NULL, 0, &res,
				 err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "not a revocation reason"));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "reissued-lost", NULL,
				 0, &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "misconduct", NULL, 1,
				 &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "only for fraud"));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "fraud",
				 "forged diploma", 0, &res, err, sizeof(err))),
	    0);
	assert_true(res.blacklisted);
	assert_false(res.employer_barred);
	assert_int_equal(get(fx, s).card.status, TC_CARD_REVOKED);
	/* Every action on a revoked card says so, with the reason and date. */
	snprintf(want, sizeof(want),
	    "card %s is revoked (fraud) since 2026-03-01; a revoked card cannot be renewed: the holder must make a new application",
	    g);
	lc = ctx(fx, T0 + 2000 * DAY - 10 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_string_equal(err, want);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "other", NULL, 0, &res,
				 err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "cannot be revoked again"));
	assert_int_equal(
	    ACT(fx, tc_lifecycle_suspend(&lc, s, "x", &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "cannot be suspended"));
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, s, NULL, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "a revoked card cannot be reissued"));
	/* An expired card is not revoked (the blacklist remains). */
	s = issue(fx, GREEN, "b", T0, 12);
	lc = ctx(fx, get(fx, s).card.expires_at);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "fraud", NULL, 0, &res,
				 err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "blacklist"));
	/* A programme's own end reasons are accepted for its cards. */
	s = issue(fx, "baiyun-yunju", "silver", T0, 60);
	lc = ctx(fx, T0);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "retirement", NULL, 0,
				 &res, err, sizeof(err))),
	    0);
	assert_string_equal(get(fx, s).status_reason, "retirement");
}

static void
test_fraud_bar(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + 10 * DAY);
	struct tc_lifecycle_result res;
	struct tc_employer_bar bar;
	struct tc_blacklist_entry hit;
	uint8_t mac[TC_PII_MAC_LEN];
	char err[512] = "", d[TC_LIFECYCLE_DATE_LEN], holder[TC_ID_MAX];
	const char *code = uscc("91440101MA59XYWW2");
	int64_t s = issue(fx, GREEN, "a", T0, 60), cx;

	memcpy(holder, fx->last_id, sizeof(holder));
	cx = issue(fx, "chuxiong-xingchu", "a", T0, 60);
	/* No employer known yet (no application, no change): refused. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "fraud", NULL, 1, &res,
				 err, sizeof(err))),
	    TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "no employer is known"));
	assert_int_equal(get(fx, s).card.status, TC_CARD_ISSUED);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_EMPLOYER,
				 "Shell Trading Ltd", code, "2026-03-05", &res,
				 err, sizeof(err))),
	    0);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "fraud",
				 "fake contract", 1, &res, err, sizeof(err))),
	    0);
	assert_true(res.blacklisted);
	assert_true(res.employer_barred);
	tc_lifecycle_date(res.barred_until, d);
	assert_string_equal(d, "2029-03-11");
	assert_int_equal(get(fx, s).card.status, TC_CARD_REVOKED);
	/* The person is listed (by MAC), the employer barred for 3 years. */
	assert_int_equal(tc_pii_id_mac(fx->keys.pepper, holder, mac), 0);
	assert_int_equal(
	    tc_blacklist_check(fx->reg, mac, lc.now, &hit, err, sizeof(err)),
	    TC_ERR_BLACKLISTED);
	assert_non_null(strstr(hit.reason, "fraud"));
	assert_int_equal(tc_employer_bar_check(fx->reg, "Shell Trading Ltd",
			     code, lc.now, &bar, err, sizeof(err)),
	    TC_ERR_BLACKLISTED);
	assert_string_equal(bar.until, "2029-03-11");
	assert_int_equal(tc_employer_bar_check(fx->reg, "Shell Trading Ltd",
			     code, res.barred_until, &bar, err, sizeof(err)),
	    0);
	assert_int_equal(audit_count(fx, "blacklist.add"), 1);
	assert_int_equal(audit_count(fx, "employer.bar"), 1);
	/* Chuxiong names fraud as an end reason but sets no bar or blacklist. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, cx, "fraud", NULL, 1,
				 &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "does not bar employers"));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, cx, "fraud", NULL, 0,
				 &res, err, sizeof(err))),
	    0);
	assert_false(res.blacklisted);
	assert_int_equal(audit_count(fx, "blacklist.add"), 1);
}

static void
test_subcards(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_relative rv;
	struct tc_card_state c, m;
	char err[512] = "", id[TC_ID_MAX];
	char holder_id[TC_ID_MAX], parent_id[TC_ID_MAX];
	int64_t a = issue(fx, GREEN, "a", T0, 60);
	int64_t b = issue(fx, GREEN, "b", T0, 12);
	int64_t by = issue(fx, "baiyun-yunju", "diamond", T0, 60);
	int64_t sp, ch, pa, pl, ns, hid;
	time_t now = T0 + DAY; /* 2026-03-02 */

	make_id(1985, 6, 15, 1, holder_id); /* the A card's holder */

	m = get(fx, a);
	sp =
	    add_sub(fx, a, TC_REL_SPOUSE, 1987, 5, 5, now, 0, err, sizeof(err));
	/* A child who turns 18 tomorrow is still a minor today. */
	ch = add_sub(fx, a, TC_REL_CHILD, 2008, 3, 3, now, 0, err, sizeof(err));
	pa =
	    add_sub(fx, a, TC_REL_PARENT, 1958, 7, 7, now, 0, err, sizeof(err));
	memcpy(parent_id, fx->last_id, sizeof(parent_id));
	pl = add_sub(
	    fx, a, TC_REL_PARENT_IN_LAW, 1959, 8, 8, now, 0, err, sizeof(err));
	c = get(fx, ch);
	assert_int_equal(c.card.principal_serial, a);
	assert_string_equal(c.card.relation, "child");
	assert_string_equal(c.card.tier, "a-child");
	assert_int_equal(c.card.expires_at, m.card.expires_at);
	assert_int_equal(c.card.status, TC_CARD_ISSUED);
	assert_memory_equal(c.card.card_no, m.card.card_no, 6);
	assert_string_equal(get(fx, sp).card.tier, "a-spouse");
	assert_string_equal(get(fx, pa).card.tier, "a-parent");
	assert_string_equal(get(fx, pl).card.tier, "a-parent-in-law");
	assert_non_null(strstr(get(fx, pl).holder_masked, "*"));
	/* A child who is 18 today is an adult. */
	add_sub(fx, a, TC_REL_CHILD, 2008, 3, 2, now, TC_ERR_POLICY, err,
	    sizeof(err));
	assert_non_null(strstr(err, "18 years old"));
	assert_non_null(strstr(err, "minors"));
	/* A B card has no sub-cards. */
	add_sub(fx, b, TC_REL_SPOUSE, 1987, 1, 1, now, TC_ERR_POLICY, err,
	    sizeof(err));
	assert_non_null(strstr(err, "is a b card"));
	assert_non_null(strstr(err, "only to a cards (002 七)"));
	/* Baiyun has no sub-cards at all. */
	add_sub(fx, by, TC_REL_CHILD, 2015, 1, 1, now, TC_ERR_POLICY, err,
	    sizeof(err));
	assert_non_null(strstr(err, "no sub-cards for a child"));
	/* A second spouse is refused. */
	add_sub(fx, a, TC_REL_SPOUSE, 1988, 1, 1, now, TC_ERR_EXISTS, err,
	    sizeof(err));
	assert_non_null(strstr(err, "already has a spouse sub-card"));
	/* The same person twice, the holder himself, a sub-card's sub-card. */
	lc = ctx(fx, now);
	memset(&rv, 0, sizeof(rv));
	rv.id_type = TC_ID_RESIDENT;
	rv.id_number = id;
	rv.name = "Parent again";
	with_photo(&rv);
	memcpy(id, parent_id, sizeof(id));
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_PARENT,
				 &rv, ns, &res, err, sizeof(err))),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, "already has sub-card"));
	memcpy(id, holder_id, sizeof(id));
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_PARENT,
				 &rv, ns, &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "is the holder of card"));
	add_sub(fx, sp, TC_REL_CHILD, 2015, 1, 1, now, TC_ERR_STATE, err,
	    sizeof(err));
	assert_non_null(strstr(err, "itself a sub-card"));
	/* A bad ID number (check character) is refused before anything. */
	make_id(2015, 1, 1, 77, id);
	id[17] = id[17] == '0' ? '1' : '0';
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_CHILD, &rv,
				 ns, &res, err, sizeof(err))),
	    TC_ERR_BAD_CHECK);
	/* A dry run (serial 0) adds neither the holder nor the card. */
	make_id(2016, 1, 1, 88, id);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_CHILD, &rv,
				 0, &res, err, sizeof(err))),
	    0);
	assert_int_equal(res.new_serial, 0);
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_RESIDENT, id,
			     &hid, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* A passport carries no birth date: a minor-only tier needs one. */
	rv.id_type = TC_ID_PASSPORT;
	rv.id_number = "E12345678";
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_CHILD, &rv,
				 ns, &res, err, sizeof(err))),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "give the birth date"));
	rv.birth_y = 2016;
	rv.birth_m = 6;
	rv.birth_d = 1;
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_CHILD, &rv,
				 ns, &res, err, sizeof(err))),
	    0);
	/* Suspended main card: no sub-cards until reinstated. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, a, "inquiry", &res, err, sizeof(err))),
	    0);
	add_sub(fx, a, TC_REL_CHILD, 2019, 1, 1, now, TC_ERR_STATE, err,
	    sizeof(err));
	assert_non_null(strstr(err, "reinstate it first"));
	assert_int_equal(audit_count(fx, "card.subcard-add"), 5);
	assert_true(audit_count(fx, "holder.add") >= 5);
}

static void
test_cascades(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t a = issue(fx, GREEN, "a", T0, 60), sp, ch, pa;
	time_t exp = get(fx, a).card.expires_at, newexp;
	int64_t n;

	sp = add_sub(
	    fx, a, TC_REL_SPOUSE, 1987, 5, 5, T0 + DAY, 0, err, sizeof(err));
	ch = add_sub(
	    fx, a, TC_REL_CHILD, 2015, 3, 3, T0 + DAY, 0, err, sizeof(err));
	pa = add_sub(
	    fx, a, TC_REL_PARENT, 1958, 7, 7, T0 + DAY, 0, err, sizeof(err));
	/* The parent's card is suspended on its own first. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(&lc, pa, "own reason", &res,
				 err, sizeof(err))),
	    0);
	assert_int_equal(res.cascaded, 0);
	/* Suspend: the issued sub-cards follow. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, a, "inquiry", &res, err, sizeof(err))),
	    0);
	assert_int_equal(res.cascaded, 2);
	assert_int_equal(get(fx, sp).card.status, TC_CARD_SUSPENDED);
	assert_true(get(fx, sp).status_cascade);
	assert_string_equal(get(fx, ch).status_reason, "principal-suspended");
	assert_string_equal(get(fx, pa).status_reason, "own reason");
	/* A sub-card is not reinstated while its main card is suspended. */
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, sp, NULL, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "reinstate the main card first"));
	/* Reinstate: the cascaded ones come back, the parent's stays. */
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, a, NULL, &res, err, sizeof(err))),
	    0);
	assert_int_equal(res.cascaded, 2);
	assert_int_equal(get(fx, sp).card.status, TC_CARD_ISSUED);
	assert_int_equal(get(fx, ch).card.status, TC_CARD_ISSUED);
	assert_false(get(fx, ch).status_cascade);
	assert_int_equal(get(fx, pa).card.status, TC_CARD_SUSPENDED);
	/* Renewal: the live sub-cards take the new expiry. */
	lc = ctx(fx, exp - 5 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, a, 0, &res, err, sizeof(err))), 0);
	assert_int_equal(res.cascaded, 3);
	newexp = res.expires_at;
	assert_int_equal(get(fx, sp).card.expires_at, newexp);
	assert_int_equal(get(fx, pa).card.expires_at, newexp);
	/* Expiry sweep: nothing before the expiry, everything at it. */
	lc = ctx(fx, newexp - 1);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))), 0);
	assert_int_equal(n, 0);
	lc = ctx(fx, newexp);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))), 0);
	assert_int_equal(n, 4);
	assert_int_equal(get(fx, a).card.status, TC_CARD_EXPIRED);
	assert_string_equal(get(fx, a).status_reason, "term-ended");
	assert_int_equal(get(fx, sp).card.status, TC_CARD_EXPIRED);
	assert_string_equal(get(fx, sp).status_reason, "principal-expired");
	assert_int_equal(get(fx, pa).card.status, TC_CARD_EXPIRED);
	/* A second sweep finds nothing. */
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))), 0);
	assert_int_equal(n, 0);
	assert_int_equal(audit_count(fx, "card.expire"), 4);
}

static void
test_revoke_cascade(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t a = issue(fx, GREEN, "a", T0, 60), sp, ch;

	sp = add_sub(
	    fx, a, TC_REL_SPOUSE, 1987, 5, 5, T0 + DAY, 0, err, sizeof(err));
	ch = add_sub(
	    fx, a, TC_REL_CHILD, 2015, 3, 3, T0 + DAY, 0, err, sizeof(err));
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_suspend(&lc, ch, "own", &res, err, sizeof(err))),
	    0);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, a, "ineligible", NULL, 0,
				 &res, err, sizeof(err))),
	    0);
	assert_int_equal(res.cascaded, 2);
	assert_int_equal(get(fx, sp).card.status, TC_CARD_REVOKED);
	assert_string_equal(get(fx, sp).status_reason, "principal-revoked");
	assert_int_equal(get(fx, ch).card.status, TC_CARD_REVOKED);
	assert_true(get(fx, ch).status_cascade);
	/* A revoked sub-card does not come back. */
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, sp, NULL, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_int_equal(audit_count(fx, "card.revoke"), 3);
}

static void
test_expire_sweep(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t b = issue(fx, GREEN, "b", T0, 12);
	int64_t a = issue(fx, GREEN, "a", T0, 60);
	int64_t r = issue(fx, GREEN, "b", T0, 12);
	time_t bexp = get(fx, b).card.expires_at;
	int64_t n;

	lc = ctx(fx, T0 + DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, r, "other", NULL, 0, &res,
				 err, sizeof(err))),
	    0);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_suspend(&lc, b, "x", &res, err, sizeof(err))),
	    0);
	/* Renewals are refused from the moment of expiry, sweep or not. */
	lc = ctx(fx, bexp);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))), 0);
	assert_int_equal(n, 1);
	assert_int_equal(get(fx, b).card.status, TC_CARD_EXPIRED);
	assert_int_equal(get(fx, a).card.status, TC_CARD_ISSUED);
	assert_int_equal(get(fx, r).card.status, TC_CARD_REVOKED);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, b, 0, &res, err, sizeof(err))),
	    TC_ERR_STATE);
	assert_non_null(strstr(err,
	    "expired on 2027-03-01; an expired card cannot be renewed: the holder must make a new application"));
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, NULL, err, sizeof(err))), 0);
}

static int
count_card(const struct tc_card_state *c, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int
stop_card(const struct tc_card_state *c, void *arg)
{
	return 7;
}

static void
test_list(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	struct tc_card_filter f;
	char err[512] = "";
	int64_t a = issue(fx, GREEN, "a", T0, 60);
	int n;

	issue(fx, GREEN, "b", T0, 12);
	issue(fx, "baiyun-yunju", "gold", T0, 60);
	add_sub(
	    fx, a, TC_REL_SPOUSE, 1987, 5, 5, T0 + DAY, 0, err, sizeof(err));
	assert_int_equal(
	    ACT(fx, tc_lifecycle_suspend(&lc, a, "x", &res, err, sizeof(err))),
	    0);
	n = 0;
	assert_int_equal(tc_lifecycle_card_list(
			     fx->reg, NULL, count_card, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 4);
	memset(&f, 0, sizeof(f));
	f.programme = GREEN;
	n = 0;
	tc_lifecycle_card_list(fx->reg, &f, count_card, &n, err, sizeof(err));
	assert_int_equal(n, 3);
	f.status = TC_CARD_SUSPENDED;
	n = 0;
	tc_lifecycle_card_list(fx->reg, &f, count_card, &n, err, sizeof(err));
	assert_int_equal(n, 2);
	memset(&f, 0, sizeof(f));
	f.principal = a;
	n = 0;
	tc_lifecycle_card_list(fx->reg, &f, count_card, &n, err, sizeof(err));
	assert_int_equal(n, 1);
	/* The fn's value stops the listing and is returned. */
	assert_int_equal(tc_lifecycle_card_list(
			     fx->reg, NULL, stop_card, &n, err, sizeof(err)),
	    7);
}

/*
 * Step 4 on a file of version 3 that holds cards: the columns come with
 * their defaults, the card reads and acts as before.
 */
static void
test_migration(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	char err[512] = "", *msg = NULL;
	int64_t s = issue(fx, GREEN, "b", T0, 12);
	sqlite3 *db;

	tc_registry_close(fx->reg);
	fx->reg = NULL;
	/* Undo steps 7, 6, 5 and 4 by hand: what a version 3 file looks
	 * like. */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_exec(db,
		FX_UNDO_SCHEMA_17 FX_UNDO_SCHEMA_16 FX_UNDO_SCHEMA_15
		    FX_UNDO_SCHEMA_14 FX_UNDO_SCHEMA_13 FX_UNDO_SCHEMA_12
			FX_UNDO_SCHEMA_11 FX_UNDO_SCHEMA_10 FX_UNDO_SCHEMA_9
			    FX_UNDO_SCHEMA_8
		"ALTER TABLE applications ADD COLUMN sex TEXT; ALTER TABLE applications ADD COLUMN retire_base INTEGER; ALTER TABLE applications ADD COLUMN birth_date TEXT; ALTER TABLE applications ADD COLUMN form TEXT NOT NULL DEFAULT '{}'; ALTER TABLE applications DROP COLUMN personal; DROP TABLE chips; DROP TABLE ecards; DROP TRIGGER cards_no_delete; DROP TRIGGER cards_no_renumber; DROP TRIGGER card_changes_no_delete; DROP TABLE card_changes; DROP INDEX cards_replaces; DROP INDEX cards_status; ALTER TABLE cards DROP COLUMN status_at; ALTER TABLE cards DROP COLUMN status_reason; ALTER TABLE cards DROP COLUMN status_cascade; ALTER TABLE cards DROP COLUMN renewals; ALTER TABLE cards DROP COLUMN replaces_serial; PRAGMA user_version = 3;",
		NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("downgrade: %s", msg);
	sqlite3_close(db);
	if (tc_registry_open(
		&fx->reg, fx->path, &fx->keys, 0, err, sizeof(err)) != 0)
		fail_msg("reopen: %s", err);
	assert_int_equal(
	    tc_registry_schema_version(fx->reg), TC_REGISTRY_SCHEMA_VERSION);
	c = get(fx, s);
	assert_int_equal(c.card.status, TC_CARD_ISSUED);
	assert_int_equal(c.status_at, T0);
	assert_string_equal(c.status_reason, "");
	assert_int_equal(c.renewals, 0);
	assert_int_equal(c.replaces, 0);
	lc = ctx(fx, c.card.expires_at - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))), 0);
	assert_int_equal(get(fx, s).renewals, 1);
}

/*
 * Who may do what, pinned here independently of the header's masks: for
 * every action and every role alone, tc_lifecycle_may allows exactly the
 * roles of docs/lifecycle.md's table.
 */
static void
test_roles_table(void **state)
{
	static const struct {
		enum tc_lifecycle_action a;
		const char *name;
		unsigned roles; /* 0: every role */
	} want[] = {
		{ TC_LIFECYCLE_RENEW, "renew",
		    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) },
		{ TC_LIFECYCLE_CHANGE, "change",
		    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) },
		{ TC_LIFECYCLE_REISSUE, "reissue",
		    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) },
		{ TC_LIFECYCLE_SUBCARD_ADD, "subcard add",
		    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) },
		{ TC_LIFECYCLE_SUSPEND, "suspend",
		    TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) |
			TC_ROLE_BIT(TC_ROLE_APPROVER) |
			TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) },
		{ TC_LIFECYCLE_REINSTATE, "reinstate",
		    TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) |
			TC_ROLE_BIT(TC_ROLE_APPROVER) |
			TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) },
		{ TC_LIFECYCLE_REVOKE, "revoke",
		    TC_ROLE_BIT(TC_ROLE_APPROVER) |
			TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) },
		{ TC_LIFECYCLE_EXPIRE, "expire", 0 },
	};
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	char err[512], name[64];
	size_t i;
	int role, r;

	for (role = TC_ROLE_FIRST; role <= TC_ROLE_LAST; role++) {
		snprintf(name, sizeof(name), "only-%s",
		    tc_role_name((enum tc_role)role));
		add_op(fx, name, TC_ROLE_BIT(role));
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(
		    tc_lifecycle_action_name(want[i].a), want[i].name);
		assert_int_equal(
		    tc_lifecycle_action_roles(want[i].a), want[i].roles);
		for (role = TC_ROLE_FIRST; role <= TC_ROLE_LAST; role++) {
			int allowed = want[i].roles == 0 ||
			    (want[i].roles & TC_ROLE_BIT(role)) != 0;

			snprintf(name, sizeof(name), "only-%s",
			    tc_role_name((enum tc_role)role));
			lc = ctx_as(fx, name, T0);
			err[0] = '\0';
			r = tc_lifecycle_may(&lc, want[i].a, err, sizeof(err));
			if (r != (allowed ? 0 : TC_ERR_FORBIDDEN))
				fail_msg("%s as %s: got %d (%s), wanted %s",
				    want[i].name, name, r, err,
				    allowed ? "allowed" : "forbidden");
			if (!allowed)
				assert_non_null(strstr(err, name));
		}
	}
	/* An action that is none of these is refused, never allowed. */
	lc = ctx(fx, T0);
	assert_int_equal(tc_lifecycle_may(&lc, (enum tc_lifecycle_action)0, err,
			     sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_lifecycle_may(&lc, (enum tc_lifecycle_action)99,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(
	    tc_lifecycle_action_name((enum tc_lifecycle_action)99), "unknown");
}

/*
 * Every action called directly with an operator who lacks its role is
 * refused with TC_ERR_FORBIDDEN, a message naming the roles needed and
 * held, and no change to the card, its sub-cards, the blacklist, the
 * employer bars or the audit log.
 */
static void
test_roles_refused(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_relative rv;
	struct tc_card_state before, after;
	char err[512] = "", id[TC_ID_MAX];
	const char *code = uscc("91440101MA59XYWW2");
	int64_t s = issue(fx, GREEN, "a", T0, 60), sub, ns, n = -1;
	int entries;

	sub = add_sub(
	    fx, s, TC_REL_SPOUSE, 1986, 1, 1, T0 + DAY, 0, err, sizeof(err));
	lc = ctx(fx, T0 + DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_EMPLOYER,
				 "Shell Trading Ltd", code, "2026-03-01", &res,
				 err, sizeof(err))),
	    0);
	add_op(fx, "lc-producer", TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER));
	add_op(fx, "lc-issuer", TC_ROLE_BIT(TC_ROLE_CARD_ISSUER));
	add_op(fx, "lc-hr", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER));
	before = get(fx, s);
	entries = audit_count(fx, "card.");

	/* A card producer: none of the counter actions. */
	lc = ctx_as(fx, "lc-producer", before.card.expires_at - DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_renew(&lc, s, 0, &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_non_null(strstr(err,
	    "renewing a card needs the role card-issuer; operator lc-producer has card-producer"));
	lc.now = T0 + 2 * DAY;
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE, "Tianhe", NULL,
		    "2026-03-02", &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_non_null(strstr(err, "needs the role card-issuer"));
	/* The dry run (no serial) refuses as well: no serial is spent. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, 0,
				 NULL, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, s, TC_REISSUE_LOST, ns,
				 &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_int_equal(res.new_serial, 0);
	make_id(2010, 5, 5, ++fx->next_id, id);
	memset(&rv, 0, sizeof(rv));
	rv.id_type = TC_ID_RESIDENT;
	rv.id_number = id;
	rv.name = "Child";
	with_photo(&rv);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, s, TC_REL_CHILD, &rv,
				 0, NULL, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, s, TC_REL_CHILD, &rv,
				 ns, &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_non_null(strstr(err, "adding a sub-card needs the role"));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, s, "inquiry", &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);

	/* A card issuer: counter work, but neither suspend nor revoke. */
	lc = ctx_as(fx, "lc-issuer", T0 + 2 * DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, s, "inquiry", &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_non_null(strstr(err,
	    "suspending a card needs the role hr-reviewer or approver or leadership-group; operator lc-issuer has card-issuer"));
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "other", NULL, 0, &res,
				 err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_non_null(strstr(err,
	    "revoking a card needs the role approver or leadership-group"));

	/* An HR reviewer suspends and reinstates, but may not revoke. */
	lc = ctx_as(fx, "lc-hr", T0 + 2 * DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, s, "inquiry", &res, err, sizeof(err))),
	    0);
	lc = ctx_as(fx, "lc-issuer", T0 + 2 * DAY);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, s, NULL, &res, err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_int_equal(get(fx, s).card.status, TC_CARD_SUSPENDED);
	lc = ctx_as(fx, "lc-hr", T0 + 2 * DAY);
	assert_int_equal(
	    ACT(fx,
		tc_lifecycle_reinstate(&lc, s, NULL, &res, err, sizeof(err))),
	    0);
	/* Fraud: no blacklisting and no employer bar through the back door. */
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "fraud", NULL, 1, &res,
				 err, sizeof(err))),
	    TC_ERR_FORBIDDEN);
	assert_false(res.blacklisted);
	assert_false(res.employer_barred);
	assert_int_equal(audit_count(fx, "blacklist.add"), 0);
	assert_int_equal(audit_count(fx, "employer.bar"), 0);

	/* Nothing the refusals touched changed. */
	after = get(fx, s);
	assert_int_equal(after.card.status, TC_CARD_ISSUED);
	assert_int_equal(after.card.expires_at, before.card.expires_at);
	assert_int_equal(after.renewals, before.renewals);
	assert_int_equal(after.replaced_by, 0);
	assert_int_equal(get(fx, sub).card.status, TC_CARD_ISSUED);
	/* lc-hr's suspension and reinstatement, each with the sub-card. */
	assert_int_equal(audit_count(fx, "card."), entries + 4);

	/* The expiry sweep: any operator, but a known and enabled one. */
	lc = ctx_as(fx, "lc-producer", T0 + 3 * DAY);
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))), 0);
	assert_int_equal(n, 0);
}

/* An operator who is not in the registry, or is disabled, may do nothing. */
static void
test_roles_unknown_disabled(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	char err[512] = "";
	int64_t s = issue(fx, GREEN, "a", T0, 60), n = -1;

	lc = ctx_as(fx, "nobody", T0 + DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_revoke(&lc, s, "other", NULL, 0, &res,
				 err, sizeof(err))),
	    TC_ERR_AUTH);
	assert_non_null(strstr(err, "no operator named nobody"));
	assert_int_equal(
	    ACT(fx, tc_lifecycle_expire(&lc, &n, err, sizeof(err))),
	    TC_ERR_AUTH);
	add_op(fx, "lc-gone", TC_ROLE_BIT(TC_ROLE_APPROVER));
	begin(fx);
	assert_int_equal(tc_registry_operator_set_disabled(
			     fx->reg, "lc-gone", 1, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_registry_audit(fx->reg, T0, "system", "operator.disable",
		"lc-gone", NULL, err, sizeof(err)),
	    0);
	commit(fx);
	lc = ctx_as(fx, "lc-gone", T0 + DAY);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_suspend(
				 &lc, s, "inquiry", &res, err, sizeof(err))),
	    TC_ERR_AUTH);
	assert_non_null(strstr(err, "operator lc-gone is disabled"));
	assert_int_equal(get(fx, s).card.status, TC_CARD_ISSUED);
	/* Asking needs no transaction. */
	assert_int_equal(
	    tc_lifecycle_may(&lc, TC_LIFECYCLE_SUSPEND, err, sizeof(err)),
	    TC_ERR_AUTH);
	lc = ctx(fx, T0 + DAY);
	assert_int_equal(
	    tc_lifecycle_may(&lc, TC_LIFECYCLE_REVOKE, err, sizeof(err)), 0);
}

static int
doc_one(const struct tc_card_doc *d, void *arg)
{
	struct tc_card_doc *out = arg;

	out[out[0].id != 0] = *d;
	return 0;
}

/*
 * Supporting documents of lifecycle actions (card-doc.h): checked by
 * content, sealed, listed, read back whole, the change's named; another
 * card's document is not found; audited.
 */
static void
test_documents(void **state)
{
	static const uint8_t pdf[] =
	    "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + 40 * DAY);
	struct tc_lifecycle_result res;
	struct tc_card_doc docs[2], d;
	struct tc_buf b;
	char err[512] = "";
	int64_t s = issue(fx, GREEN, "a", T0, 60),
		t = issue(fx, GREEN, "a", T0, 60);
	int64_t id = 0, id2 = 0;

	memset(docs, 0, sizeof(docs));
	assert_int_equal(tc_card_doc_add(fx->reg, s, "revoke", OP, T0, "a.pdf",
			     pdf, sizeof(pdf) - 1, &id, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(
	    ACT(fx,
		tc_card_doc_add(fx->reg, s, "suspend", OP, T0, "a.pdf",
		    (const uint8_t *)"not a pdf", 9, &id, err, sizeof(err))),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(
	    ACT(fx,
		tc_card_doc_add(fx->reg, s, "Suspend!", OP, T0, "a.pdf", pdf,
		    sizeof(pdf) - 1, &id, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    ACT(fx,
		tc_card_doc_add(fx->reg, 999999, "suspend", OP, T0, "a.pdf",
		    pdf, sizeof(pdf) - 1, &id, err, sizeof(err))),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    ACT(fx,
		tc_card_doc_add(fx->reg, s, "suspend", OP, T0, "dir/letter.pdf",
		    pdf, sizeof(pdf) - 1, &id, err, sizeof(err))),
	    0);
	assert_true(id > 0);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_change(&lc, s, TC_CHANGE_RESIDENCE,
				 "Huadu, Xinhua Rd 1", NULL, "2026-04-01", &res,
				 err, sizeof(err)) ||
				 tc_card_doc_add(fx->reg, s, "change", OP,
				     T0 + 40 * DAY, "lease.pdf", pdf,
				     sizeof(pdf) - 1, &id2, err, sizeof(err))),
	    0);
	assert_int_equal(audit_count(fx, "card.document"), 2);
	assert_int_equal(
	    tc_card_doc_list(fx->reg, s, doc_one, docs, err, sizeof(err)), 0);
	assert_int_equal(docs[0].id, id);
	assert_string_equal(docs[0].action, "suspend");
	assert_string_equal(docs[0].name, "letter.pdf");
	assert_int_equal(docs[0].media, TC_MEDIA_PDF);
	assert_int_equal(docs[0].size, sizeof(pdf) - 1);
	assert_int_equal(docs[0].change_id, 0);
	assert_int_equal(docs[1].id, id2);
	assert_true(docs[1].change_id > 0);
	tc_buf_init(&b, TC_ATTACH_MAX + 1);
	assert_int_equal(
	    tc_card_doc_read(fx->reg, s, id, &d, &b, err, sizeof(err)), 0);
	assert_int_equal(b.len, sizeof(pdf) - 1);
	assert_memory_equal(b.data, pdf, b.len);
	assert_string_equal(d.added_by, OP);
	tc_buf_reset(&b);
	assert_int_equal(
	    tc_card_doc_read(fx->reg, t, id, NULL, &b, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);
}

/* Counts the photo documents of a card (tc_card_doc_list). */
static int
count_photo_docs(const struct tc_card_doc *d, void *arg)
{
	if (strcmp(d->action, TC_CARD_DOC_PHOTO) == 0)
		(*(int *)arg)++;
	return 0;
}

/*
 * subcard add (issue 17): the relative's photo is required, checked as the
 * form's photo, kept as the sub-card's document "photo", and the card face
 * finds it, also for the card reissued from the sub-card.
 */
static void
test_subcard_photo(void **state)
{
	struct fixture *fx = *state;
	struct tc_lifecycle lc = ctx(fx, T0 + DAY);
	struct tc_lifecycle_result res;
	struct tc_cardface_card face;
	struct tc_relative rv;
	struct tc_buf got, pdf;
	char err[512] = "", id[TC_ID_MAX];
	int64_t a = issue(fx, GREEN, "a", T0, 60), sub, ns;
	int docs = 0;

	make_id(1987, 5, 5, ++fx->next_id, id);
	memset(&rv, 0, sizeof(rv));
	rv.id_type = TC_ID_RESIDENT;
	rv.id_number = id;
	rv.name = "Spouse";
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_SPOUSE,
				 &rv, ns, &res, err, sizeof(err))),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "the relative's photo is missing"));
	/* A PDF is not a photo. */
	tc_buf_init(&pdf, TC_ATTACH_MAX);
	assert_int_equal(tc_sample_pdf(&pdf, "not a photo"), 0);
	rv.photo = pdf.data;
	rv.photo_len = pdf.len;
	rv.photo_name = "scan.pdf";
	assert_int_not_equal(ACT(fx,
				 tc_lifecycle_subcard_add(&lc, a, TC_REL_SPOUSE,
				     &rv, ns, &res, err, sizeof(err))),
	    0);
	assert_non_null(strstr(err, "scan.pdf"));
	tc_buf_release(&pdf);
	with_photo(&rv);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_subcard_add(&lc, a, TC_REL_SPOUSE,
				 &rv, ns, &res, err, sizeof(err))),
	    0);
	sub = res.new_serial;
	assert_int_equal(tc_card_doc_list(fx->reg, sub, count_photo_docs, &docs,
			     err, sizeof(err)),
	    0);
	assert_int_equal(docs, 1);
	/* The face finds it; and on the card reissued from the sub-card. */
	tc_buf_init(&got, TC_ATTACH_MAX);
	assert_int_equal(tc_cardface_card_load(fx->reg, fx->progs, sub, &face,
			     &got, err, sizeof(err)),
	    0);
	assert_true(face.photo_doc != 0);
	assert_int_equal(face.app_id, 0);
	assert_int_equal(got.len, rv.photo_len);
	assert_memory_equal(got.data, rv.photo, rv.photo_len);
	ns = reserve(fx);
	assert_int_equal(ACT(fx,
			     tc_lifecycle_reissue(&lc, sub, TC_REISSUE_DAMAGED,
				 ns, &res, err, sizeof(err))),
	    0);
	tc_buf_reset(&got);
	assert_int_equal(tc_cardface_card_load(fx->reg, fx->progs,
			     res.new_serial, &face, &got, err, sizeof(err)),
	    0);
	assert_true(face.photo_doc != 0);
	assert_memory_equal(got.data, rv.photo, rv.photo_len);
	tc_buf_release(&got);
}

#define TESTS(X, XF)                                                           \
	XF(test_dates, NULL, NULL)                                             \
	X(test_rules_and_names)                                                \
	X(test_find)                                                           \
	X(test_needs_transaction)                                              \
	X(test_renew_window)                                                   \
	X(test_renew_b_once)                                                   \
	X(test_renew_refusals)                                                 \
	X(test_change)                                                         \
	X(test_reissue)                                                        \
	X(test_numbers_never_reused)                                           \
	X(test_suspend_reinstate)                                              \
	X(test_revoke)                                                         \
	X(test_fraud_bar)                                                      \
	X(test_subcards)                                                       \
	X(test_subcard_photo)                                                  \
	X(test_cascades)                                                       \
	X(test_revoke_cascade)                                                 \
	X(test_expire_sweep)                                                   \
	X(test_list)                                                           \
	X(test_migration)                                                      \
	X(test_roles_table)                                                    \
	X(test_roles_refused)                                                  \
	X(test_roles_unknown_disabled)                                         \
	X(test_documents)

TC_UNIT_MAIN_EACH(TESTS, setup, teardown)
