/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer notify overdue: the reviewers' daily reminder of the
 * applications past their step's deadline, written to the notifications
 * outbox (src/registry/notify.c) for tcard-notifyd to deliver
 * (docs/notify.md). Meant for a daily timer; a second run the same day
 * writes nothing new.
 */
#include <inttypes.h>
#include <stdio.h>

#include "issuer.h"
#include "session.h"
#include "tcard/err.h"
#include "tcard/notify.h"

const char tc_issuer_notify_overdue_help[] =
    "NAME\n"
    "    tcard-issuer notify overdue - remind reviewers of overdue work\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer notify overdue [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    For each submitted or approved application whose step's deadline\n"
    "    has passed (Asia/Shanghai dates), writes an 'overdue' message to\n"
    "    the notifications outbox for each enabled operator with an e-mail\n"
    "    (operator set-email) who holds the step's role in the step's\n"
    "    organisation; at most one a day per application and operator, so\n"
    "    that a daily timer may run it more than once. tcard-notifyd sends\n"
    "    them. Audit entry 'notify.overdue' (by 'system') when it wrote any.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR    the authority's home directory\n"
    "    --help        show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 2 usage error; 3 no keys, no registry or a database error;\n"
    "    4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer notify overdue --home /srv/talentcard\n";

int
tc_issuer_notify_overdue_run(const struct tc_args *ta)
{
	struct tc_session s;
	char err[1024] = "";
	int64_t written = 0;
	int r, status;

	if (ta->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", ta->argv[0]);
	if ((status = tc_session_open(&s, ta->home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	s.c.operator_name = "system";
	if ((status = tc_session_begin(&s)) == TC_EXIT_OK) {
		r = tc_notify_overdue(&s.c, &written, err, sizeof(err));
		status = tc_session_end(&s, r, "notify overdue", err);
	}
	if (status == TC_EXIT_OK)
		printf("%" PRId64 " overdue reminders written\n", written);
	tc_session_close(&s);
	return status;
}
