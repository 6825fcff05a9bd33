/* SPDX-License-Identifier: MIT */
/*
 * What the card lifecycle commands of tcard-issuer share (cmd-renew.c,
 * cmd-change.c, cmd-reissue.c, cmd-suspend.c, cmd-revoke.c, cmd-subcard.c,
 * cmd-cards.c, cmd-expire.c), which open a struct tc_session (session.h):
 * the lifecycle context of the session, finding a card from what was
 * typed, and printing dates,
 * card numbers and results. The rules, who may act included, are
 * src/registry/lifecycle.c's. Every function prints its failures and returns
 * an exit status. docs/lifecycle.md describes the commands.
 */
#ifndef TCARD_ISSUER_CARD_CLI_H
#define TCARD_ISSUER_CARD_CLI_H

#include <stdio.h>
#include <time.h>

#include "tcard/lifecycle.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"

#include "cli.h"
#include "session.h"

/*
 * The roles tc_session_open checks at sign-in. The lifecycle actions pass
 * TC_LC_ROLES_ANY (authentication only): who may do what is the library's
 * decision (tc_lifecycle_may, include/tcard/lifecycle.h), so every front
 * end applies the same rules. The card face commands pass their own.
 */
#define TC_LC_ROLES_ANY 0u

/* The ENVIRONMENT and EXIT STATUS sections of the pages. */
#define TC_LC_ENV                                                                  \
	"ENVIRONMENT\n"                                                            \
	"    TCARD_HOME        default home directory\n"                           \
	"    TCARD_PASSPHRASE  the acting operator's passphrase, instead of the\n" \
	"                      prompt (scripts run by a dedicated account only:\n" \
	"                      processes of the same user can read it)\n"          \
	"    TCARD_NOW         injected clock, test builds only: epoch\n"          \
	"                      seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"
#define TC_LC_EXIT                                                                   \
	"EXIT STATUS\n"                                                              \
	"    0 done; 1 refused (the card's state, a rule of the programme, a\n"      \
	"    wrong passphrase or role, an unknown card) or invalid input; 2 usage\n" \
	"    error; 3 environment (keys, registry, database, programme files);\n"    \
	"    4 internal error. See docs/operations.md.\n"

/* The struct tc_lifecycle of the session. */
struct tc_lifecycle tc_lc_ctx(const struct tc_session *s);

/*
 * Finds the card typed as text (card number or serial) into *c. Returns
 * an exit status (1, printed, when there is no such card).
 */
int tc_lc_card(
    struct tc_session *s, const char *text, struct tc_card_state *c /* OUT */);

/*
 * The start every lifecycle action on one card shares: opens the session
 * for the acting operator (a->as, needed; TC_LC_ROLES_ANY), finds the card
 * typed as a->argv[0] into *c, begins the transaction and gives the
 * session's lifecycle context in *lc. Returns an exit status; on failure
 * the session is closed again.
 */
int tc_lc_open(struct tc_session *s, const struct tc_args *a,
    struct tc_card_state *c /* OUT */, struct tc_lifecycle *lc /* OUT */);

/*
 * For the actions that take a new serial (reissue, subcard add), which run
 * once as a check in a transaction that is rolled back, so that a refusal
 * costs no serial: rolls that transaction back, fails as what (r and err,
 * the check's result) when the check refused, else reserves a serial for
 * "PREFIX:CARD_NO" into *serial and begins the transaction of the real run.
 * Returns an exit status.
 */
int tc_lc_reserve(struct tc_session *s, int r, const char *what,
    const char *err, const char *prefix, const char *card_no,
    int64_t *serial /* OUT */);

/* "4401 0000 0000 0017". */
void tc_lc_grouped(const char *card_no, char out[20] /* OUT */);

/* The last day a card is valid: the local date of expires_at - 1. */
void tc_lc_valid_to(time_t expires_at, char out[TC_LIFECYCLE_DATE_LEN]);

/* Prints text with control characters as '?'. */
void tc_lc_print_clean(FILE *f, const char *s);

/*
 * Prints what an action did: text for a person, or with json a JSON
 * object {"action", "card", "serial", "status", "valid_to", ... } built
 * from the card as it is now. Returns an exit status.
 */
int tc_lc_report(struct tc_session *s, const char *action,
    const struct tc_lifecycle_result *res, int json, const char *text);

#endif
