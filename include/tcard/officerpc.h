/* SPDX-License-Identifier: MIT */
/*
 * The codec of the RPC between tcard-issuerd's two processes (office/):
 * the web worker, which parses HTTP and holds no key, and the monitor,
 * which holds the registry and its keys and answers one request at a
 * time. A frame on their SOCK_STREAM socketpair is
 *     u32 len    bytes after this field (big-endian, as the others)
 *     u32 id     the request's number; the answer repeats it
 *     u32 jlen   bytes of JSON that follow
 *     JSON       one object, jlen bytes
 *     tail       len - 8 - jlen bytes: binary (an attachment's bytes;
 *                in a request, the supporting documents its "docs"
 *                list, one after the other; else empty)
 * A request's JSON is {"op", "session", "csrf", "app", "att", "args"};
 * which members each op takes, and what its "args" holds, is a strict key
 * table per op (src/officerpc.c; docs/issuerd.md gives them). The
 * monitor parses requests with tc_orpc_req_parse: it is the parser of
 * outside input on the side that holds the keys, and has a fuzz target
 * (tests/fuzz/fuzz_officerpc.c). It lives in libtcard, not office/, so
 * that the fuzz rule (which links libtcard only) links it.
 */
#ifndef TCARD_OFFICERPC_H
#define TCARD_OFFICERPC_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/application.h"
#include "tcard/attach.h"
#include "tcard/operator.h"

#define TC_ORPC_HDR_LEN	     12
#define TC_ORPC_REQ_MAX	     (64u * 1024) /* JSON of a request */
#define TC_ORPC_ANS_JSON_MAX (2u * 1024 * 1024)
#define TC_ORPC_TAIL_MAX     TC_ATTACH_MAX /* an answer's binary tail */
/* A request's tail: the supporting documents of a card op, together. */
#define TC_ORPC_REQ_TAIL_MAX TC_ATTACH_MAX
#define TC_ORPC_DOCS_MAX     8 /* documents of one request */
/* A session id or CSRF token: 32 random bytes, base64url, no padding. */
#define TC_ORPC_TOKEN_LEN     43
#define TC_ORPC_PASS_MAX      1024
#define TC_ORPC_OTP_MAX	      16
#define TC_ORPC_OVERRIDES     8
#define TC_ORPC_TEXT_MAX      64   /* tier, override names */
#define TC_ORPC_OIDC_CODE_MAX 1024 /* an authorization code */

enum tc_orpc_op {
	TC_ORPC_LOGIN = 1,  /* "login": args operator, passphrase, otp */
	TC_ORPC_LOGOUT,	    /* "logout": session, csrf */
	TC_ORPC_WHOAMI,	    /* "whoami": session */
	TC_ORPC_QUEUE,	    /* "queue": session */
	TC_ORPC_APP,	    /* "app": session, app */
	TC_ORPC_ATTACHMENT, /* "attachment": session, app, att */
	TC_ORPC_REVIEW,	    /* "review": session, csrf, app, args */
	/* Cards and the audit log (src/officerpc-card.c). */
	TC_ORPC_CARD,	      /* "card": session, card */
	TC_ORPC_CARD_ACTION,  /* "card-action": session, csrf, card, args */
	TC_ORPC_AUDIT,	      /* "audit": session, args (after, limit) */
	TC_ORPC_AUDIT_VERIFY, /* "audit-verify": session */
	/*
	 * "tls": nothing else; the web worker asks for the TLS pair the
	 * monitor read (at start and on SIGHUP). The answer's body is
	 * {"cert": N}, its tail the N bytes of the certificate chain (PEM)
	 * and then the key (PEM); status 404 when the office serves HTTP.
	 */
	TC_ORPC_TLS,
	/* Applications and the operator's account (src/officerpc-office.c). */
	TC_ORPC_SUPPLEMENT, /* "supplement": session, csrf, app, args (fields,
			       reason) */
	TC_ORPC_REVEAL_ID,  /* "reveal-id": session, csrf, app */
	TC_ORPC_ISSUE,	    /* "issue": session, csrf, app */
	TC_ORPC_TOTP_ENROL, /* "totp-enrol": session, csrf, args (passphrase,
			       otp) */
	TC_ORPC_TOTP_QR,    /* "totp-qr": session */
	TC_ORPC_PASSPHRASE, /* "passphrase": session, csrf, args (passphrase,
			       new_passphrase) */
	/*
	 * "card-change": session, csrf, card, args (kind "upgrade" or
	 * "convert", tier, clause, draft, accept_pledge): a change
	 * application for the card, as tcard-issuer upgrade and convert
	 * (src/officerpc-card.c; office/mon-change.c).
	 */
	TC_ORPC_CARD_CHANGE,
	/*
	 * "card-document": session, card, att (the document's id): a
	 * supporting document's bytes in the answer's tail.
	 */
	TC_ORPC_CARD_DOCUMENT,
	/*
	 * "pdf-pages": session, app, att, args (pages): the web worker keeps
	 * the page count its renderer found (tc_app_attachment_set_pages).
	 */
	TC_ORPC_PDF_PAGES,
	/*
	 * "search": session, args (name, limit): the applications whose
	 * applicant's name begins with name that the operator may see
	 * (tc_app_find_name).
	 */
	TC_ORPC_SEARCH,
	/*
	 * The production queue (include/tcard/production.h, office/
	 * mon-prod.c): "production" session, args (state?): the cards of
	 * the operator's branch; "production-act" session, csrf, card (its
	 * serial or number), args (action "start", "fail" with reason,
	 * "made", or "deliver" with id_number, wiped).
	 */
	TC_ORPC_PRODUCTION,
	TC_ORPC_PRODUCTION_ACT,
	/*
	 * Personalisation through a branch station (docs/station.md,
	 * src/officerpc-perso.c, office/mon-perso.c). In an operator's
	 * session: "perso-make" session, csrf, card, args (station): a job
	 * for the card at that station; "perso-status" session, args (job).
	 * Without a session, from the web worker's job thread, each with
	 * args (job, station) and: "perso-job" nothing more (what the
	 * driver needs); "perso-chip-start" uid, profile; "perso-scp-session"
	 * uid, host_challenge, iu; "perso-put-key" uid; "perso-piv-mgmt"
	 * uid; "perso-sign" spki; "perso-cert" spki; "perso-chip-done" uid,
	 * key; "perso-end" rc, step?, error?, round_trips; "perso-face"
	 * nothing more; "perso-print" cups_job, state, reason?. Binary
	 * values are hex.
	 */
	TC_ORPC_PERSO_MAKE,
	TC_ORPC_PERSO_STATUS,
	TC_ORPC_PERSO_JOB,
	TC_ORPC_PERSO_CHIP_START,
	TC_ORPC_PERSO_SCP_SESSION,
	TC_ORPC_PERSO_PUT_KEY,
	TC_ORPC_PERSO_PIV_MGMT,
	TC_ORPC_PERSO_SIGN,
	TC_ORPC_PERSO_CERT,
	TC_ORPC_PERSO_CHIP_DONE,
	TC_ORPC_PERSO_END,
	TC_ORPC_PERSO_FACE,
	TC_ORPC_PERSO_PRINT,
	/*
	 * The applicants' portal (src/officerpc-portal.c, office/
	 * mon-portal.c): their own sessions (another table, another
	 * cookie), never an operator's. Without a session: "portal-login"
	 * args (login, password); "portal-register" args (login, password,
	 * name?, language?); "portal-verify" args (token);
	 * "portal-reset-request" args (login); "portal-reset" args (token,
	 * password). In a session: "portal-logout" (csrf), "portal-whoami",
	 * "portal-apps", "portal-app" app, "portal-pledge" app (shows the
	 * pledge: its time starts), "portal-attachment" app att;
	 * state-changing (csrf): "portal-create" args (an application file:
	 * kept as text in doc), "portal-section" app args (section, value:
	 * kept as text in doc), "portal-attach" app args (kind?, material?)
	 * and one doc, "portal-submit" app args (pledge), "portal-withdraw"
	 * app args (reason?). Without a session, "portal-info" args
	 * (programme?): the public parts of a programme file for the
	 * portal's self-check and form pages (tiers with their clauses,
	 * steps, the application's sections and fields, work and ID types,
	 * materials, the pledge), or without programme the list of
	 * programmes (id, names); with unit (a credit code, or two or more
	 * bytes of a name) also the reviewing units that match it.
	 */
	TC_ORPC_PORTAL_LOGIN,
	TC_ORPC_PORTAL_REGISTER,
	TC_ORPC_PORTAL_VERIFY,
	TC_ORPC_PORTAL_RESET_REQUEST,
	TC_ORPC_PORTAL_RESET,
	TC_ORPC_PORTAL_LOGOUT,
	TC_ORPC_PORTAL_WHOAMI,
	TC_ORPC_PORTAL_APPS,
	TC_ORPC_PORTAL_APP,
	TC_ORPC_PORTAL_PLEDGE,
	TC_ORPC_PORTAL_ATTACHMENT,
	TC_ORPC_PORTAL_CREATE,
	TC_ORPC_PORTAL_SECTION,
	TC_ORPC_PORTAL_ATTACH,
	TC_ORPC_PORTAL_SUBMIT,
	TC_ORPC_PORTAL_WITHDRAW,
	/*
	 * Sign-in through the identity platform (OpenID Connect, docs/
	 * oidc.md "In the office"), without a session: "portal-oidc-start"
	 * (no args): the provider's authorization URL and the login's
	 * state from the OIDC agent; "portal-oidc-finish" args (code,
	 * state, cookie_state): state must equal cookie_state (the
	 * browser's tcard_oidc cookie), then the agent redeems the code and
	 * the identity's account gets a session as portal-login gives.
	 */
	TC_ORPC_PORTAL_OIDC_START,
	TC_ORPC_PORTAL_OIDC_FINISH,
	TC_ORPC_PORTAL_INFO,
	/*
	 * The e-card of the card an application of the session's account
	 * made (app): "portal-ecard-qr" answers the signed e-card's QR
	 * code as a PNG tail; "portal-ecard" answers what the worker draws
	 * the phone image from (the programme file, the card's face data,
	 * the signed text) with the photo as the tail. 404 while the card
	 * or its signed e-card does not exist, 409 for a card not live.
	 */
	TC_ORPC_PORTAL_ECARD_QR,
	TC_ORPC_PORTAL_ECARD,
};
#define TC_ORPC_OP_LAST	     TC_ORPC_PORTAL_ECARD
#define TC_ORPC_PORTAL_FIRST TC_ORPC_PORTAL_LOGIN
/* 1 when op is one of the portal's (an applicant's session, if any). */
#define TC_ORPC_IS_PORTAL(op) ((op) >= TC_ORPC_PORTAL_FIRST)
/* 1 when op is the web worker's own perso op (no session). */
#define TC_ORPC_IS_PERSO_INTERNAL(op)                                          \
	((op) >= TC_ORPC_PERSO_JOB && (op) <= TC_ORPC_PERSO_PRINT)
#define TC_ORPC_LOGIN_MAX 254 /* an applicant's login as typed */

/* A card as typed: its number (spaces, hyphens) or its serial. */
#define TC_ORPC_CARD_MAX    24
#define TC_ORPC_NOTE_MAX    256 /* a lifecycle reason or note */
#define TC_ORPC_VALUE_MAX   512 /* a change's employer or residence */
#define TC_ORPC_AUDIT_LIMIT 500 /* entries of one audit page, at most */

/* The lifecycle actions of "card-action" (its args.action). */
enum tc_orpc_card_action {
	TC_ORPC_SUSPEND = 1, /* "suspend": reason */
	TC_ORPC_REINSTATE,   /* "reinstate": note */
	TC_ORPC_REVOKE,	     /* "revoke": reason, note, bar_employer */
	TC_ORPC_RENEW,	     /* "renew": months */
	TC_ORPC_CHANGE,	     /* "change": employer [uscc] | residence, date */
	TC_ORPC_REISSUE,     /* "reissue": reason lost | damaged */
	TC_ORPC_SUBCARD,     /* "subcard": relation, id_type, id_number, name,
				birth_date */
};
#define TC_ORPC_ID_NUMBER_MAX 64  /* as typed; tc_id_normalise's cap */
#define TC_ORPC_DOC_NAME_MAX  255 /* a document's file name */

/* The arguments of "card-action" and "audit", checked per action. */
struct tc_orpc_card_args {
	enum tc_orpc_card_action action;
	char note[TC_ORPC_NOTE_MAX + 1];   /* "" when none */
	char value[TC_ORPC_VALUE_MAX + 1]; /* change: employer or residence */
	int employer;			   /* change: 1 employer, 0 residence */
	char uscc[TC_ORPC_TEXT_MAX + 1];   /* change: "" when none */
	char date[TC_ORPC_TEXT_MAX + 1];   /* change: YYYY-MM-DD */
	int bar_employer;		   /* revoke, fraud only */
	int64_t after, limit;		   /* audit: 0 when not sent */
	/* subcard: the relative; the name is value, the birth date date */
	char relation[TC_ORPC_TEXT_MAX + 1];
	char id_type[TC_ORPC_TEXT_MAX + 1];
	char id_number[TC_ORPC_ID_NUMBER_MAX + 1]; /* wiped on release */
	/* card-change: TC_APP_UPGRADE or TC_APP_CONVERT, the new tier in
	 * the request's tier, the clause here ("" when none) */
	enum tc_app_kind kind;
	char clause[TC_ORPC_TEXT_MAX + 1];
	int draft;  /* keep it a draft (no submit) */
	int pledge; /* the applicant accepted the integrity pledge */
};

/* A supplement's field: "section.field" and its new value. */
#define TC_ORPC_FIELD_MAX	128
#define TC_ORPC_FIELD_VALUE_MAX 2048
struct tc_orpc_patch {
	char field[TC_ORPC_FIELD_MAX + 1];
	char value[TC_ORPC_FIELD_VALUE_MAX + 1];
};
/*
 * A supporting document of "card-action" or "card-change" (the request's
 * "docs": [{"name", "size"}]): its file name and its bytes in the tail.
 */
struct tc_orpc_doc {
	char name[TC_ORPC_DOC_NAME_MAX + 1];
	size_t size;
	const uint8_t *data; /* into the tail, set by tc_orpc_req_tail */
};
/* The perso ops' args (TC_ORPC_PERSO_*). */
#define TC_ORPC_STATION_MAX	64  /* a station's name */
#define TC_ORPC_JOB_MAX		32  /* a job's id */
#define TC_ORPC_UID_MAX		32  /* a chip's uid, hex digits */
#define TC_ORPC_PERSO_DATA_MAX	256 /* spki, key, iu: bytes */
#define TC_ORPC_PERSO_TEXT_MAX	512 /* an error, a printer's reason */
#define TC_ORPC_PERSO_CHALLENGE 8   /* a host challenge */
#define TC_ORPC_PERSO_STEP_MAX	32
#define TC_ORPC_PRINT_STATE_MAX 15
struct tc_orpc_perso {
	char station[TC_ORPC_STATION_MAX + 1]; /* 1..64 of A-Z a-z 0-9 . _ - */
	char job[TC_ORPC_JOB_MAX + 1];	       /* 1..32 of A-Z a-z 0-9 - */
	char uid[TC_ORPC_UID_MAX + 1];	       /* 8..32 lower-case hex digits */
	char profile[TC_ORPC_TEXT_MAX + 1];
	uint8_t challenge[TC_ORPC_PERSO_CHALLENGE]; /* scp-session */
	/* scp-session: iu; sign, cert: spki; chip-done: key */
	uint8_t data[TC_ORPC_PERSO_DATA_MAX];
	size_t data_len;
	/* end: the driver's result, its step ("" on success), error text */
	int rc;
	char step[TC_ORPC_PERSO_STEP_MAX + 1];
	char error[TC_ORPC_PERSO_TEXT_MAX + 1];
	uint32_t round_trips;
	/* print */
	int64_t cups_job;
	char print_state[TC_ORPC_PRINT_STATE_MAX + 1];
	char reason[TC_ORPC_PERSO_TEXT_MAX + 1];
};

/* A parsed request. Release it with tc_orpc_req_release (wipes). */
struct tc_orpc_req {
	enum tc_orpc_op op;
	char session[TC_ORPC_TOKEN_LEN + 1]; /* "" when the op takes none */
	char csrf[TC_ORPC_TOKEN_LEN + 1];    /* "" when not sent */
	int has_csrf;
	/*
	 * app, queue, search, audit: "who": true asks for the operator's
	 * whoami answer beside the op's (a console page in one call)
	 */
	int who;
	int64_t app, att; /* 0 when the op takes none */
	/* login */
	char operator_name[TC_OPERATOR_NAME_MAX + 1];
	char passphrase[TC_ORPC_PASS_MAX + 1];
	char otp[TC_ORPC_OTP_MAX + 1]; /* "" when not sent */
	/* review */
	enum tc_review_decision decision;
	char reason[TC_APP_REASON_MAX + 1]; /* "" when none */
	char tier[TC_ORPC_TEXT_MAX + 1];    /* "" when none */
	int months;
	char overrides[TC_ORPC_OVERRIDES][TC_ORPC_TEXT_MAX + 1];
	size_t n_overrides;
	/* card, card-action, audit (reason is the review's field above) */
	char card[TC_ORPC_CARD_MAX + 1]; /* "" when the op takes none */
	struct tc_orpc_card_args c;
	/* supplement (its reason is the review's field above) */
	struct tc_orpc_patch patch[TC_APP_PATCH_MAX];
	size_t n_patch;
	/* queue: page size (0: the default), cursors ("" when not sent) */
	int limit;
	/* queue, search: the fields asked for as columns (0: objects) */
	uint32_t columns;
	uint32_t pages; /* pdf-pages */
	char after[TC_APP_CURSOR_MAX], before[TC_APP_CURSOR_MAX];
	/* search: the beginning of an applicant's name (its limit is
	 * limit above) */
	char name[TC_HOLDER_NAME_MAX + 1];
	/* passphrase: the new one (the old one is passphrase); wiped */
	char new_passphrase[TC_ORPC_PASS_MAX + 1];
	/* card-action, card-change: the supporting documents */
	struct tc_orpc_doc docs[TC_ORPC_DOCS_MAX];
	size_t n_docs;
	/*
	 * The portal (its password is passphrase above, its display name
	 * name, a withdrawal's reason reason): an applicant's login; a
	 * one-time token (wiped); a section's id; an attachment's kind and
	 * material ("" when not sent); the pledge accepted; the language;
	 * and portal-create's application file or portal-section's value
	 * as JSON text (heap, freed and wiped by tc_orpc_req_release);
	 * portal-info's programme id and unit search ("" when not sent).
	 */
	char login[TC_ORPC_LOGIN_MAX + 1];
	char token[TC_ORPC_TOKEN_LEN + 1];
	char section[TC_ORPC_TEXT_MAX + 1];
	char kind[TC_ORPC_TEXT_MAX + 1], material[TC_ORPC_TEXT_MAX + 1];
	int pledge;
	char language[3];
	char *doc;
	size_t doc_len;
	/*
	 * portal-oidc-finish: the provider's code (wiped), the redirect's
	 * state and the one in the browser's cookie (tokens' text).
	 */
	char oidc_code[TC_ORPC_OIDC_CODE_MAX + 1];
	char oidc_state[TC_ORPC_TOKEN_LEN + 1];
	char cookie_state[TC_ORPC_TOKEN_LEN + 1];
	char programme[TC_ORPC_TEXT_MAX + 1];
	char unit[TC_ORG_NAME_MAX + 1]; /* portal-info's unit search */
	/* production: the state asked for; production-act: the action
	 * ("" when not sent; its id_number is c.id_number, its reason
	 * reason above) */
	char prod_state[TC_ORPC_TEXT_MAX + 1];
	char prod_action[TC_ORPC_TEXT_MAX + 1];
	/* perso-*: their args (perso-make's card is card above) */
	struct tc_orpc_perso p;
};

/*
 * The fields of an application's summary, as a list line (the queue's
 * and a search's items), in their order. A queue or search may ask for
 * some of them as "columns": the items are then arrays of those fields
 * in this order, not objects (docs/api.md, "Compact lists").
 */
enum tc_orpc_field {
	TC_ORPC_F_ID,
	TC_ORPC_F_KIND,
	TC_ORPC_F_PROGRAMME,
	TC_ORPC_F_TIER,
	TC_ORPC_F_ROUTE,
	TC_ORPC_F_CLAUSE,
	TC_ORPC_F_STATE,
	TC_ORPC_F_STEP,
	TC_ORPC_F_STEP_NAME,
	TC_ORPC_F_ROLE,
	TC_ORPC_F_DEADLINE,
	TC_ORPC_F_APPLICANT,
	TC_ORPC_F_NAME,
	TC_ORPC_F_EMPLOYER,
	TC_ORPC_F_OVERDUE,
	TC_ORPC_F_CREATED,
	TC_ORPC_F_SUBMITTED,
	TC_ORPC_F_COUNT
};

/* The name of field f ("id", ...). */
const char *tc_orpc_field_name(enum tc_orpc_field f);

/*
 * The fields named in s, separated by commas ("id,name,deadline"), as a
 * mask of TC_ORPC_F_* bits into *mask. Returns 0, or TC_ERR_INVALID_ARG
 * with err naming the first unknown or repeated field.
 */
int tc_orpc_fields_parse(
    const char *s, uint32_t *mask, char *err, size_t errlen);

/* "login", ... or "?" */
const char *tc_orpc_op_name(enum tc_orpc_op op);

/*
 * Reads a frame's header: *id, *jlen (the JSON's bytes) and *tlen (the
 * tail's). A request (tail_max 0) may have no tail. Returns 0, or
 * TC_ERR_TOO_LARGE (JSON over json_max, tail over tail_max) or
 * TC_ERR_MALFORMED (len shorter than its own fields) with err.
 */
int tc_orpc_header_parse(const uint8_t hdr[TC_ORPC_HDR_LEN], size_t json_max,
    size_t tail_max, uint32_t *id /* OUT */, uint32_t *jlen /* OUT */,
    uint32_t *tlen /* OUT */, char *err, size_t errlen);

/* Writes the header of a frame with jlen bytes of JSON and a tlen tail. */
void tc_orpc_header_put(uint8_t hdr[TC_ORPC_HDR_LEN] /* OUT */, uint32_t id,
    uint32_t jlen, uint32_t tlen);

/*
 * Parses and checks a request's JSON (len bytes, no NUL needed): an
 * object whose members are those its op takes, of their types, within
 * their sizes; tokens of the right length and alphabet; application and
 * attachment numbers positive; a review's action one of "approve",
 * "return", "reject", with a reason for the last two, and tier, months
 * and overrides only with approve. Returns 0 with *out filled, or
 * TC_ERR_TOO_LARGE, TC_ERR_MALFORMED (not a JSON object), or
 * TC_ERR_INVALID_ARG (a member missing, unknown, of the wrong type or out
 * of range) with err naming the member (never its value).
 */
int tc_orpc_req_parse(const char *json, size_t len,
    struct tc_orpc_req *out /* OUT */, char *err, size_t errlen);

/*
 * Binds the frame's tail (tlen bytes) to the documents of parsed request
 * q: their sizes must add up to tlen exactly (no tail without documents).
 * Sets each document's data. Returns 0 or TC_ERR_INVALID_ARG with err.
 */
int tc_orpc_req_tail(struct tc_orpc_req *q, const uint8_t *tail, size_t tlen,
    char *err, size_t errlen);

/* "suspend", ... or "?" */
const char *tc_orpc_card_action_name(enum tc_orpc_card_action a);

/*
 * The part of tc_orpc_req_parse for the card and audit ops
 * (src/officerpc-card.c): checks args (may be NULL for "card" and
 * "audit-verify") for q->op and fills q->c and q->reason. A card-action's
 * args: "action" (one of the names above) and the members its action
 * takes, no others: suspend a "reason"; reinstate an optional "note";
 * revoke a "reason", optional "note" and "bar_employer" (true, with the
 * reason "fraud" only); renew optional "months" (1-1200); change either
 * "employer" (optional "uscc") or "residence", and "date"; reissue a
 * "reason", "lost" or "damaged"; subcard "relation", "id_type",
 * "id_number" (the relative's full number: wiped by
 * tc_orpc_req_release), "name" and optional "birth_date". An audit's: optional "after" (>= 0) and
 * "limit" (1 to TC_ORPC_AUDIT_LIMIT). A card-change's: "kind" ("upgrade" or
 * "convert"), "tier" (needed for an upgrade), "clause" (needed for an
 * upgrade), optional "draft" and "accept_pledge" (booleans). card-action
 * and card-change may carry "docs" at the top: 1 to TC_ORPC_DOCS_MAX
 * objects {"name" (1 to TC_ORPC_DOC_NAME_MAX bytes, no '/'), "size" (1 to
 * TC_ORPC_REQ_TAIL_MAX, all together at most that)}. Texts have no
 * control characters.
 * Returns 0 or TC_ERR_INVALID_ARG with err naming the member.
 */
int tc_orpc_card_args_parse(void *args /* json_t *, borrowed */,
    struct tc_orpc_req *q, char *err, size_t errlen);

/*
 * The part of tc_orpc_req_parse for the supplement, reveal-id, issue and
 * account ops (src/officerpc-office.c): checks args (NULL for the ops that
 * take none) for q->op. A supplement's args: "fields", an object of 1 to
 * TC_APP_PATCH_MAX members "section.field" (1 to TC_ORPC_FIELD_MAX bytes)
 * whose values are strings of 1 to TC_ORPC_FIELD_VALUE_MAX bytes, and
 * "reason" (1 to TC_APP_REASON_MAX bytes). totp-enrol's: "passphrase" and
 * an optional "otp" (the current code; needed by the monitor when the
 * operator is enrolled already). passphrase's: "passphrase" (the current
 * one), "new_passphrase" and an optional "otp". No NUL bytes anywhere. Returns 0 or
 * TC_ERR_INVALID_ARG with err naming the member, never its value.
 */
int tc_orpc_office_args_parse(void *args /* json_t *, borrowed */,
    struct tc_orpc_req *q, char *err, size_t errlen);
/*
 * The part of tc_orpc_req_parse for the portal's ops (src/officerpc-
 * portal.c): the top-level table of op into *top (NULL: not a portal
 * op), for the common checks.
 */
const void *tc_orpc_portal_top(enum tc_orpc_op op);
/*
 * Then the portal op's args (may be NULL where the op takes none) and
 * docs into q: login 1 to TC_ORPC_LOGIN_MAX bytes, password 1 to
 * TC_ORPC_PASS_MAX, token a token's text, name at most
 * TC_HOLDER_NAME_MAX, language "zh" or "en", section an id of 1 to
 * TC_ORPC_TEXT_MAX bytes, value an object or array (kept as text, at
 * most TC_ORPC_REQ_MAX), kind and material ids, pledge a boolean, reason
 * at most TC_APP_REASON_MAX; portal-attach exactly one doc. No NUL bytes.
 * Returns 0, TC_ERR_INVALID_ARG with err naming the member, or
 * TC_ERR_NOMEM.
 */
int tc_orpc_portal_args_parse(void *args /* json_t *, borrowed */,
    void *docs /* json_t *, borrowed */, struct tc_orpc_req *q, char *err,
    size_t errlen);
/*
 * The part of tc_orpc_req_parse for the perso ops (src/officerpc-perso.c):
 * the top-level table of op (NULL: not a perso op), then its args into
 * q->p: station and job as above, uid 8 to 32 lower-case hex digits,
 * profile an id of 1 to TC_ORPC_TEXT_MAX bytes, host_challenge 8 bytes
 * of hex, iu 29, spki and key 1 to TC_ORPC_PERSO_DATA_MAX, rc a TC_ERR_*
 * or 0, step 0 to TC_ORPC_PERSO_STEP_MAX bytes, error and reason one line
 * of 0 to TC_ORPC_PERSO_TEXT_MAX bytes, round_trips 0 to 1000000,
 * cups_job 0 to 2^31-1, state an IPP job state or "failed". Returns 0 or
 * TC_ERR_INVALID_ARG with err naming the member.
 */
const void *tc_orpc_perso_top(enum tc_orpc_op op);
int tc_orpc_perso_args_parse(void *args /* json_t *, borrowed */,
    struct tc_orpc_req *q, char *err, size_t errlen);
/* 1 when s is a station's name (1..64 of A-Z a-z 0-9 . _ -), else 0. */
int tc_orpc_station_ok(const char *s);
/* 1 when s is a job's id (1..32 of A-Z a-z 0-9 -), else 0. */
int tc_orpc_job_ok(const char *s);

/* Wipes the passphrase, tokens and a relative's ID number of req. */
void tc_orpc_req_release(struct tc_orpc_req *req);

/*
 * Writes 32 bytes as base64url without padding (TC_ORPC_TOKEN_LEN
 * characters and a NUL) into out: the one token encoder, for the
 * monitor's session ids and CSRF tokens and for tc_token_new
 * (include/tcard/webform.h).
 */
void tc_orpc_token_text(
    const uint8_t raw[32], char out[TC_ORPC_TOKEN_LEN + 1] /* OUT */);

/* 1 when s is a token's text (43 base64url characters), else 0. */
int tc_orpc_token_ok(const char *s);

#endif
