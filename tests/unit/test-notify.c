/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the notifications' templates (src/registry/notify.c):
 * the built-in ones of every event in both languages, the placeholders,
 * the subject kept to one line, ID-like numbers masked, the refusals. The
 * rows themselves are tested with the workflow (test-application.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/notify.h"

static char body[TC_NOTIFY_BODY_MAX + 1];

static const struct tc_notify_vars vars = { 42, "广东省人才优粤卡", "缺少合同",
	"https://portal.example/portal/applications/42", "4401060000000042" };

static void
test_defaults(void **state)
{
	static const char *const langs[] = { "zh", "en" };
	char subject[TC_NOTIFY_SUBJECT_MAX + 1], err[256];
	int ev;
	size_t l;

	for (ev = TC_NOTIFY_RETURNED; ev <= TC_NOTIFY_OVERDUE; ev++) {
		assert_non_null(tc_notify_event_name(ev));
		for (l = 0; l < 2; l++) {
			const char *t =
			    tc_notify_default_template(ev, langs[l]);

			assert_non_null(t);
			if (tc_notify_render(t, &vars, subject, body,
				sizeof(body), err, sizeof(err)) != 0)
				fail_msg("%s.%s: %s", tc_notify_event_name(ev),
				    langs[l], err);
			assert_non_null(strstr(subject, "42"));
			assert_null(strchr(subject, '\n'));
			assert_null(strchr(body, '{'));
		}
	}
	assert_string_equal(
	    tc_notify_event_name(TC_NOTIFY_REACHED_UNIT), "reached-unit");
	assert_null(tc_notify_event_name(0));
	assert_null(tc_notify_event_name(TC_NOTIFY_PASSWORD_RESET + 1));
	/* An account's messages: the link, no application number. */
	for (ev = TC_NOTIFY_ACCOUNT_VERIFY; ev <= TC_NOTIFY_PASSWORD_RESET;
	     ev++)
		for (l = 0; l < 2; l++) {
			assert_int_equal(
			    tc_notify_render(
				tc_notify_default_template(ev, langs[l]), &vars,
				subject, body, sizeof(body), err, sizeof(err)),
			    0);
			assert_non_null(strstr(body, vars.link));
			assert_null(strstr(subject, "42"));
		}
	assert_null(tc_notify_default_template(TC_NOTIFY_RETURNED, "fr"));
	assert_null(tc_notify_default_template(0, "zh"));
	/* The return names its reason and link, the issue its card. */
	assert_int_equal(
	    tc_notify_render(
		tc_notify_default_template(TC_NOTIFY_RETURNED, "zh"), &vars,
		subject, body, sizeof(body), err, sizeof(err)),
	    0);
	assert_string_equal(subject, "广东省人才优粤卡申请 42 已退回补正");
	assert_non_null(strstr(body, "退回原因：缺少合同"));
	assert_non_null(strstr(body, vars.link));
	assert_int_equal(
	    tc_notify_render(tc_notify_default_template(TC_NOTIFY_ISSUED, "en"),
		&vars, subject, body, sizeof(body), err, sizeof(err)),
	    0);
	assert_non_null(strstr(body, "card 4401060000000042 is issued"));
}

static void
test_render(void **state)
{
	char subject[TC_NOTIFY_SUBJECT_MAX + 1], err[256], big[300];
	struct tc_notify_vars v = vars;

	/* Unknown and unclosed placeholders stay; NULL values are empty. */
	v.reason = NULL;
	assert_int_equal(tc_notify_render("{app} {x}\n\n[{reason}] {card {", &v,
			     subject, body, sizeof(body), err, sizeof(err)),
	    0);
	assert_string_equal(subject, "42 {x}");
	assert_string_equal(body, "[] {card {");
	/* A reason with a line break stays out of the subject's lines. */
	v.reason = "a\r\nBcc: x@example.com";
	assert_int_equal(tc_notify_render("S {reason}\n\nB", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    0);
	assert_string_equal(subject, "S a  Bcc: x@example.com");
	/* ID numbers masked (15, 18, 19 long; an X); a card number not. */
	v.reason = "110101198506150019 11010119850615X 110105850615001 "
		   "6222020200112233445 4401060000000042 12345678901234";
	assert_int_equal(tc_notify_render("S\n\n{reason}", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    0);
	assert_string_equal(body,
	    "110**************9 110***********X 110***********1 "
	    "622***************5 4401060000000042 12345678901234");
	/* Refusals: no empty line, an empty subject, too long. */
	assert_int_equal(tc_notify_render("one line", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_notify_render("\n\nbody", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    TC_ERR_MALFORMED);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	v.reason = big;
	assert_int_equal(tc_notify_render("{reason}\n\nb", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(tc_notify_render("s\n\n{reason}", &v, subject, body,
			     100, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(subject, "");
	v.reason = "\xff";
	assert_int_equal(tc_notify_render("s\n\n{reason}", &v, subject, body,
			     sizeof(body), err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

#define TESTS(X, XF)                                                           \
	X(test_defaults)                                                       \
	X(test_render)

TC_UNIT_MAIN(TESTS, NULL, NULL)
