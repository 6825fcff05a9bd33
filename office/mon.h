/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd's monitor (office/issuerd.c, office/mon-*.c): the process
 * that holds the home (registry, data key, pepper, programmes, working
 * days) and the sessions, and answers the web worker's RPC requests one
 * at a time. docs/issuerd.md describes both processes.
 */
#ifndef TCARD_OFFICE_MON_H
#define TCARD_OFFICE_MON_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "tcard/applicant.h"
#include "tcard/idconf.h"
#include "tcard/lifecycle.h"
#include "tcard/officerpc.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/workday.h"

#define MON_SESSIONS_MAX 1024
/* Applicants' portal sessions: another table, another cookie. */
#define MON_PSESSIONS_MAX 4096

struct mon_session {
	int live;
	uint8_t id[32];
	char idtext[TC_ORPC_TOKEN_LEN + 1];
	char csrf[TC_ORPC_TOKEN_LEN + 1];
	char operator_name[TC_OPERATOR_NAME_MAX + 1];
	unsigned roles;
	time_t created, last;
	/*
	 * After a TOTP enrolment in this session: the otpauth:// URI (heap,
	 * wiped and freed when the session ends or enrols again) for the QR
	 * image route, until totp_until.
	 */
	char *totp_uri;
	time_t totp_until;
	/*
	 * A portal session (office/mon-portal.c): the applicant account,
	 * and the application whose integrity pledge was last shown in it
	 * with the time it was shown (CLOCK_MONOTONIC, milliseconds).
	 */
	int64_t applicant;
	int64_t pledge_app;
	int64_t pledge_ms;
};

struct mon {
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	struct tc_workdays *wd; /* NULL: Monday to Friday */
	unsigned idle_timeout;	/* seconds */
	unsigned lifetime;	/* seconds */
	struct mon_session sessions[MON_SESSIONS_MAX];
	struct mon_session psessions[MON_PSESSIONS_MAX];
	/*
	 * The OIDC agent (tcard-issuerd-oidc, office/mon-oidc.c): its pid
	 * (0: not configured, or gone), the monitor's end of its
	 * socketpair, the number of the last request, the issuer.
	 */
	pid_t oidc_pid;
	int oidc_fd;
	uint32_t oidc_seq;
	const char *oidc_issuer;
	const struct tc_idconf *oidc_conf; /* for a restart of the agent */
	time_t oidc_started;		   /* the agent's last start */
	struct mon_perso *perso;	   /* office/mon-perso.c */
};

/* An answer under construction: status, JSON body, an optional tail. */
struct mon_answer {
	unsigned status;
	const char *error; /* code for an error answer, NULL: success */
	char message[1024];
	json_t *body; /* success: the object the worker answers */
	char session[TC_ORPC_TOKEN_LEN + 1]; /* login: the new session id */
	const char *ctype;		     /* attachment: its media type */
	char filename[256];		     /* attachment: its file name */
	uint8_t *tail;			     /* attachment: its bytes, heap */
	size_t tlen;
	int json_tail; /* tail is the body, JSON text (instead of body) */
	json_t *who;   /* asked for with "who": the operator's whoami */
	/* For the log line of the op. */
	char operator_name[TC_OPERATOR_NAME_MAX + 1];
	int64_t app;
};

/* ---- office/mon-session.c ---- */

/*
 * Makes a session for an operator with roles (portal 0), or for
 * applicant account applicant in the portal's table (portal 1, roles 0,
 * operator_name its actor name); returns it, or NULL when the table's
 * live sessions remain full after dropping expired ones.
 */
struct mon_session *mon_session_new(struct mon *m, int portal,
    const char *operator_name, unsigned roles, int64_t applicant, time_t now);
/*
 * The live session with this id text in the operators' table (portal 0)
 * or the portal's (1), its last use set to now, or NULL (unknown, idle
 * for longer than the idle timeout or past the lifetime: then dropped).
 */
struct mon_session *mon_session_find(
    struct mon *m, int portal, const char *id, time_t now);
void mon_session_drop(struct mon_session *s);
/* 1 when csrf equals the session's token (constant time), else 0. */
int mon_session_csrf_ok(const struct mon_session *s, const char *csrf);
/* The first 8 hex digits of SHA-256(id text), for logs. */
void mon_session_tag(const char *idtext, char out[9] /* OUT */);

/* ---- office/mon-portal.c ---- */

/* Answers a portal op (TC_ORPC_IS_PORTAL) into *a. */
void mon_portal_op(struct mon *m, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now);
/*
 * A new portal session for account acct, answered as portal-login does
 * ({"csrf", "account"} and the session id), or 503 when the table is full.
 */
void mon_portal_signed_in(struct mon *m, const struct tc_applicant *acct,
    struct mon_answer *a, time_t now);

/*
 * What the web worker draws or prints card serial's face from (it holds
 * no key; the photo is decoded there): {"programme" (the programme
 * file), "card" (the face's data), "qr" (qr, or null)} and the photo as
 * the tail; portal-ecard and perso-face.
 */
void mon_face_answer(
    struct mon *m, int64_t serial, const char *qr, struct mon_answer *a);

/* ---- office/mon-oidc.c ---- */

/*
 * Starts the OIDC agent when o configures oidc-issuer (else nothing) and
 * hands it the client secret read from oidc-client-secret-file (mode
 * 0600 or stricter), wiped here once sent. Returns 0, or -1 logged.
 */
int mon_oidc_start(struct mon *m, const struct tc_idconf *o);
/* Stops the agent (SIGTERM), if any. */
void mon_oidc_stop(struct mon *m);
/* portal-oidc-start and portal-oidc-finish. */
void mon_oidc_op(struct mon *m, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now);

/* ---- office/issuerd.c ---- */

/*
 * Starts program name from the directory of this one (/proc/self/exe)
 * with argv (NULL-terminated), the nkeep descriptors of keep inherited
 * (and only those: the others are close-on-exec) and no signal blocked.
 * Returns its pid, or -1 logged.
 */
pid_t mon_spawn(
    const char *name, const char *const *argv, const int *keep, size_t nkeep);

/* ---- office/mon-ops.c ---- */

/* Answers one parsed request into *a. */
void mon_op(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a);
/* Sets an error answer. */
void mon_fail(struct mon_answer *a, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The library's context for operator op acting at now. */
void mon_ctx(struct mon *m, const struct tc_operator *op, time_t now,
    struct tc_app_ctx *c /* OUT */);
/* The summary of application a (the queue's line), or NULL. */
json_t *mon_app_summary(struct mon *m, const struct tc_app *a, time_t now);

/* Maps a library error (r, its message err) to an answer's status. */
void mon_lib_fail(struct mon_answer *a, int r, const char *err);

/*
 * Opens the registry transaction of a state-changing op; on failure
 * answers a (mon_lib_fail) and returns non-zero.
 */
int mon_begin(struct mon *m, struct mon_answer *a);
/*
 * Ends the transaction mon_begin opened: r, what the op's library calls
 * returned, 0 commits, anything else rolls back and is answered through
 * fail (mon_lib_fail when NULL) with its message err; a failed commit is
 * answered by mon_lib_fail. Returns 0 when committed.
 */
int mon_end(struct mon *m, struct mon_answer *a, int r, const char *err,
    void (*fail)(struct mon_answer *a, int r, const char *err));
/*
 * Appends o (a new reference; NULL when building it failed) to arr;
 * on failure sets *failed and returns 1, which stops a registry walk.
 */
int mon_append(json_t *arr, json_t *o, int *failed);
/* t as ISO 8601 UTC ("2026-10-08T01:34:00Z"); "" for 0. */
void mon_time_text(time_t t, char out[32] /* OUT */);

/*
 * An op of a signed-in operator, called by mon_op (which has read the
 * session s's operator op again for this request, checked the CSRF token
 * of a state-changing op and the role an op needs) with the request q
 * and the answer a to fill in.
 */
typedef void mon_op_fn(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now);

/* office/mon-cards.c: a card's page, a lifecycle action on it; the audit
 * log and its check (auditors only). */
mon_op_fn mon_op_card, mon_op_card_action, mon_op_audit, mon_op_audit_verify,
    mon_op_card_document;
/*
 * office/mon-cards.c: the card typed as text (number or serial) into *c
 * for an operator holding roles of those that may see it (0: none of
 * them); answers 404 (no such role, an unknown card or not a card number:
 * the same answer) or the database's error and returns -1.
 */
int mon_card_find(struct mon *m, unsigned roles, const char *text,
    struct tc_card_state *c /* OUT */, struct mon_answer *a);
/*
 * Reads application id into *app when the acting party of c may see it
 * (tc_app_visible); else answers 404 (missing or not visible: the same
 * answer) or the library's error, and returns -1.
 */
int mon_get_visible(struct mon *m, const struct tc_app_ctx *c, int64_t id,
    struct tc_app *app, struct mon_answer *a);
/*
 * An application's page as a's body (GET /v1/applications/N), app read
 * and visible already: the summary, the form and its labels, the
 * attachments, steps and actions. applicant 1: as its applicant sees it
 * (no operator's name, no overrides).
 */
void mon_app_detail(struct mon *m, const struct tc_app *app, int applicant,
    struct mon_answer *a, time_t now);
/*
 * The bytes of attachment att of application app (visible already) as
 * a's tail, the read audited under actor.
 */
void mon_attachment_send(struct mon *m, const char *actor, int64_t app,
    int64_t att, struct mon_answer *a, time_t now);
/* office/mon-act.c: the summary of application id as a's body. */
void mon_app_answer(
    struct mon *m, int64_t id, struct mon_answer *a, time_t now);
/* office/mon-cards.c: mon_lib_fail with the lifecycle's and documents'
 * codes (a bad date or document 400, a conflict 409, a refusal 403). */
void mon_card_fail(struct mon_answer *a, int r, const char *err);
/* office/mon-change.c: an upgrade or conversion application for a card. */
mon_op_fn mon_op_card_change;
/* office/mon-act.c: supplement, ID reveal, issue. */
mon_op_fn mon_op_supplement, mon_op_reveal_id, mon_op_issue;
/* office/mon-prod.c: the production queue and its acts. */
mon_op_fn mon_op_production, mon_op_production_act;
/*
 * office/mon-perso.c: personalisation through a branch station
 * (docs/station.md, docs/issuerd.md "Personalisation"). perso-make and
 * perso-status in an operator's session; mon_perso_op the web worker's
 * own perso ops (no session: TC_ORPC_IS_PERSO_INTERNAL). mon_perso_open
 * loads the key store's master key and signers, the CA's store and the
 * card profiles (keys absent: personalisation answers 503, logged);
 * mon_perso_close wipes them. The job table is in m->perso.
 */
mon_op_fn mon_op_perso_make, mon_op_perso_status;
void mon_perso_op(struct mon *m, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now);
int mon_perso_open(struct mon *m, const char *home);
void mon_perso_close(struct mon *m);
/* office/mon-account.c: the operator's own account. */
mon_op_fn mon_op_totp_enrol, mon_op_totp_qr, mon_op_passphrase;

/* ---- office/issuerd.c ---- */

/* A JSON log line {"ts","event","level","message"} on standard error. */
void mon_log(const char *event, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
