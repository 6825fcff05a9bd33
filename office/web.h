/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd-web, the web worker of tcard-issuerd (office/web.c,
 * office/web-*.c): the HTTP side on the daemon layer, without keys,
 * registry or file system access; every operation is an RPC to the
 * monitor (office/rpc.h). docs/issuerd.md.
 */
#ifndef TCARD_OFFICE_WEB_H
#define TCARD_OFFICE_WEB_H

#include <pthread.h>
#include <stdint.h>

#include <jansson.h>

#include "daemon.h"
#include "dthrottle.h"
#include "tcard/officerpc.h"
#include "tcard/perso.h"
#include "tcard/webform.h"

/* Endpoints (metrics and log). */
enum {
	WEB_EP_HEALTHZ,
	WEB_EP_METRICS,
	WEB_EP_SESSION,
	WEB_EP_QUEUE,
	WEB_EP_APP,
	WEB_EP_ATTACHMENT,
	WEB_EP_REVIEW,
	WEB_EP_CONSOLE, /* the console's pages (office/web-console.c) */
	WEB_EP_CARD,	/* office/web-cards.c */
	WEB_EP_CARD_ACTION,
	WEB_EP_AUDIT,
	WEB_EP_PORTAL, /* the applicants' portal (office/web-portal.c) */
	WEB_EP_OTHER,
	WEB_EP_STATION, /* the branch stations (office/web-station.c) */
	WEB_EP_COUNT
};

/* Results. */
enum {
	WEB_R_OK,
	WEB_R_BAD_REQUEST,
	WEB_R_TOO_LARGE,
	WEB_R_NOT_FOUND,
	WEB_R_METHOD,
	WEB_R_ERROR,
	WEB_R_UNAUTHORIZED,
	WEB_R_FORBIDDEN,
	WEB_R_REFUSED,
	WEB_R_UNAVAILABLE,
	WEB_R_THROTTLED,
	WEB_R_COUNT
};

/*
 * The channel to the monitor (office/web-rpc.c): calls from many threads,
 * written whole in turn and answered in the same order.
 */
/* Calls waiting for their answers at once: at most one per thread. */
#define WEB_RPC_WAITERS 256

struct web_rpc {
	int fd;
	pthread_mutex_t send_mu; /* one frame written at a time */
	pthread_mutex_t mu;	 /* guards what follows */
	/* The waiting call of id i sleeps on waiter[i % WEB_RPC_WAITERS]. */
	pthread_cond_t *waiter[WEB_RPC_WAITERS];
	uint32_t sent, done; /* the last id written, and answered */
	int broken;	     /* out of step or gone: every call is 503 */
};

/* An answer frame: its JSON (NUL terminated) and its tail, heap. */
struct web_rpc_reply {
	char *json;
	size_t jlen;
	uint8_t *tail;
	size_t tlen;
};

int web_rpc_init(struct web_rpc *c, int fd);
void web_rpc_destroy(struct web_rpc *c);
int web_rpc_broken(struct web_rpc *c);
/*
 * One call: writes the request frame (json and tail), waits for the
 * earlier calls' answers, reads its own into *out (free it with
 * web_rpc_reply_free). Returns 0, or -1 with err (the channel is then
 * broken for every call).
 */
int web_rpc_call(struct web_rpc *c, const char *json, size_t jlen,
    const void *tail, size_t tlen, struct web_rpc_reply *out, char *err,
    size_t errlen);
void web_rpc_reply_free(struct web_rpc_reply *r);

struct web_stations;

struct web {
	struct web_rpc rpc;
	struct tc_daemon *d;
	struct tc_dlog *log;
	struct tc_dmetrics *metrics;
	uint64_t started_ns;
	/* Password checks per client address (web_sign_in_throttled). */
	struct tc_dthrottle *sign_in;
	/* The branch stations and their jobs (office/web-station.c). */
	struct web_stations *stations;
};

#define WEB_COOKIE_NAME	  "tcard_session"
#define WEB_PORTAL_COOKIE "tcard_portal" /* an applicant's session */
/* The state of a sign-in at the identity platform, until its callback. */
#define WEB_OIDC_COOKIE "tcard_oidc"

/* An RPC answer, parsed (office/web-api.c). */
struct web_answer {
	json_t *o;
	unsigned status;
	const char *error, *message, *session, *ctype, *filename;
	json_t *body;
	uint8_t *tail; /* a file, or with raw the body's JSON text */
	size_t tlen;
	int raw;     /* the body came as text in the tail ("json_tail") */
	json_t *own; /* the body parsed from the tail */
	json_t *who; /* asked for with "who": the operator's whoami */
};

/* ---- office/web-api.c ---- */

/*
 * One call to the monitor: req (consumed) out, the parsed answer in *an
 * (free it with web_answer_free). Returns 0, or -1 with resp answered 503
 * in JSON (the monitor is gone).
 */
int web_call(
    struct web *w, json_t *req, struct web_answer *an, struct tc_dresp *resp);
/* web_call with a tail: the supporting documents of a card op. */
int web_call_tail(struct web *w, json_t *req, const uint8_t *tail, size_t tlen,
    struct web_answer *an, struct tc_dresp *resp);
void web_answer_free(struct web_answer *an);
/*
 * web_call_tail, then the answer as the response (web_answer_json).
 * Returns 1 when it was 200.
 */
int web_call_tail_answer(struct web *w, json_t *req, const uint8_t *tail,
    size_t tlen, struct tc_dresp *resp);
/*
 * After a sign-in (POST) answered 200, the session cookie name with the
 * answer's session id (HttpOnly, SameSite=Strict, Secure under TLS);
 * after a sign-out (DELETE), the cookie cleared.
 */
void web_session_cookie(struct tc_daemon *d, const struct tc_dreq *rq,
    const struct web_answer *an, const char *name, struct tc_dresp *resp);
/* web_call, then the answer as the response (web_answer_json). */
void web_call_answer(struct web *w, json_t *req, struct tc_dresp *resp);
/*
 * 1 when a sign-in POST may go on (a sign-in has no CSRF token yet):
 * Sec-Fetch-Site same-origin or none, or without it an Origin of this
 * Host, or neither header (not a browser).
 */
int web_same_origin(const struct tc_dreq *rq);
/* The tcard_session cookie's token (tc_cookie_get), or "". */
void web_session_id(struct tc_dreq *rq, char out[TC_ORPC_TOKEN_LEN + 1]);
/* The token in cookie name (tc_cookie_get), or "". */
void web_cookie_token(
    struct tc_dreq *rq, const char *name, char out[TC_ORPC_TOKEN_LEN + 1]);

/* ---- office/web-portal.c: the applicants' portal API ---- */
/*
 * /v1/portal/session (GET, POST, DELETE); POST /v1/portal/accounts and
 * /v1/portal/accounts/{what} (verify, reset-request, reset); GET and
 * POST /v1/portal/applications; GET /v1/portal/applications/{n}, GET
 * .../{n}/pledge, POST .../{n}/submit and .../{n}/withdraw, PUT
 * .../{n}/sections/{section}; POST .../{n}/attachments, GET
 * .../{n}/attachments/{id}. docs/portal.md.
 */
/*
 * GET /portal/oidc/start (303 to the identity platform, the tcard_oidc
 * cookie set) and GET /portal/oidc/callback (the platform's redirect:
 * tcard_portal set, 303 to /portal/). docs/oidc.md, "In the office".
 */
tc_dhandler web_portal_oidc;
tc_dhandler web_portal_session, web_portal_account, web_portal_apps,
    web_portal_app, web_portal_attachment;
/*
 * GET /v1/portal/applications/{n}/ecard/{what}: qr.png (the signed
 * e-card's QR code) or phone.png (the e-card for the phone, drawn here by
 * web_ecard_draw). docs/portal.md "The e-card".
 */
tc_dhandler web_portal_ecard;

/* ---- office/web-ecard.c ---- */

/*
 * Appends the phone image (PNG) of the e-card that body (portal-ecard's
 * answer: programme, card, qr) describes, photo being the holder's photo,
 * to png. Returns 0 or the error of the card face (tcard/cardface.h).
 */
int web_ecard_draw(json_t *body, const uint8_t *photo, size_t plen,
    struct tc_buf *png, char *err, size_t errlen);

/*
 * office/web-portal-pages.c, the portal's pages (docs/portal.md, "Pages"):
 * GET /portal/style.css and /portal/portal.js; GET and POST /portal/login
 * and /portal/register, POST /portal/logout; GET /portal/ (my matters;
 * other /portal/ paths: the 404 page); GET /portal/programmes/{id} (the
 * self-check); GET and POST /portal/apply/{programme}; GET
 * /portal/applications/{n}, POST .../{n}/attachments (multipart), POST
 * .../{n}/withdraw, GET and POST .../{n}/pledge (POST submits), GET and
 * POST .../{n}/sections/{section}.
 */
tc_dhandler web_portal_css, web_portal_js, web_portal_login,
    web_portal_register, web_portal_logout, web_portal_home,
    web_portal_programme, web_portal_apply, web_portal_overview,
    web_portal_upload, web_portal_withdraw, web_portal_pledge,
    web_portal_section_page;

/*
 * A request object {"op", "session", "csrf"} from the session cookie and
 * the X-CSRF-Token header, or NULL with resp answered (401 without a
 * session cookie, 500).
 */
json_t *web_request(struct tc_dreq *rq, const char *op, struct tc_dresp *resp);
/*
 * The request's query string into f (tc_webform_init here; the caller
 * releases it either way). Returns 0, or -1 with resp answered 400.
 */
int web_query(struct tc_dreq *rq, struct tc_webform *f, struct tc_dresp *resp);
/* The JSON object of a request body, or NULL with resp answered 400. */
json_t *web_body_object(struct tc_dreq *rq, struct tc_dresp *resp);
/*
 * Adds to queue request req the args of query f: limit, after and before
 * as given (the monitor checks them; a limit of digits as a number).
 */
void web_queue_args(json_t *req, const struct tc_webform *f);
/*
 * Adds to request req the args of query f named in names (ended by
 * NULL), as given; "limit" of digits as a number.
 */
void web_query_args(
    json_t *req, const struct tc_webform *f, const char *const *names);
/* Writes an answer's body or error into resp as JSON. 1 when 200. */
int web_answer_json(struct web_answer *an, struct tc_dresp *resp);
/*
 * web_call, then an answer holding a file (its media type, file name and
 * the tail: an attachment, a card's document) into resp, else its error
 * as JSON.
 */
void web_call_file(struct web *w, json_t *req, struct tc_dresp *resp);
/*
 * For a POST that checks a password (sign-in, registration, reset: an
 * scrypt in the monitor each): 0 when rq's client address may, else 429
 * with Retry-After answered in resp (JSON; html: a short page) and 1.
 */
int web_sign_in_throttled(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp, int html);
/*
 * "attachment; filename=..." of name (printable ASCII, no quote,
 * backslash or semicolon) into out.
 */
void web_disposition(const char *name, char *out, size_t len);

/*
 * Starts the layer on the inherited listener; with HTTPS when cert is
 * not NULL (the PEM chain and key from the monitor, the caller's: it
 * wipes them after).
 */
int web_http_start(struct web *w, int listen_fd, const char *listen,
    const uint8_t *cert, size_t clen, const uint8_t *key, size_t klen,
    char *err, size_t errlen);

/* ---- office/web-console.c: the staff console's pages ---- */

/*
 * The handlers (routes in office/web-api.c): GET /console/style.css,
 * GET /console/ (and unknown /console/ paths: the 404 page), GET and
 * POST /console/login, POST /console/logout, GET /console/queue, GET
 * /console/search, GET /console/applications/{n}, POST
 * /console/applications/{n}/review. A handler that redirects keeps the
 * Location text in rq->app (freed by the finish hook).
 */
tc_dhandler web_console_css, web_console_root, web_console_login,
    web_console_logout, web_console_queue, web_console_search, web_console_app,
    web_console_review;

/* ---- office/web-cards.c: cards and the audit log ---- */

/*
 * The API: GET /v1/cards/{card}, POST /v1/cards/{card}/{action}, GET
 * /v1/audit?after=SEQ&limit=N, GET /v1/audit/verify. The console: GET
 * /console/cards/{card}, POST /console/cards/{card}/{action} (a form,
 * 303 back to the card), GET /console/audit?after=SEQ.
 */
tc_dhandler web_api_card, web_api_card_action, web_api_audit,
    web_api_audit_verify, web_console_card, web_console_card_action,
    web_console_audit;
/* GET /v1/cards/{card}/documents/{id}: a supporting document's bytes. */
tc_dhandler web_api_card_document;
/*
 * office/web-prod.c: GET /v1/production/queue?state=S, POST
 * /v1/production/cards/{card}/{action} (start, fail, made, deliver).
 */
tc_dhandler web_api_production, web_api_production_act;
/*
 * office/web-console.c: GET /console/production (the queue by section,
 * zh/en), POST /console/production/{card}/{action} (a form with csrf;
 * 303 back with ?done=).
 */
tc_dhandler web_console_production, web_console_production_act;
/*
 * GET /console/production/jobs/{job}: a personalisation job's state,
 * step, round trips and error (perso-status), with a refresh link; the
 * "make" form (POST /console/production/{card}/make, a station chosen
 * among those that polled in the last 2 minutes) redirects there.
 */
tc_dhandler web_console_job;

/* ---- office/web-station.c: branch stations (docs/station.md) ---- */

/*
 * The station table and its job threads: web_station_start before
 * serving; web_station_stop after the signal, before the daemon is
 * freed (it ends every relay, resumes every parked long poll and joins
 * the job threads); web_station_free after the daemon is freed (a
 * resumed poll's handler still reads the table). web_station_start
 * returns 0, or -1 with err (out of memory).
 */
int web_station_start(struct web *w, char *err, size_t errlen);
void web_station_stop(struct web *w);
void web_station_free(struct web *w);
/*
 * The station routes, over TLS with a station certificate only (else
 * 403): POST /v1/station/poll, GET /v1/station/jobs/{job}/face.pdf, POST
 * /v1/station/jobs/{job}/print. The operator's: POST
 * /v1/production/cards/{card}/make ({"station": NAME}, CSRF; 201 with
 * the job), GET /v1/production/jobs/{job}.
 */
tc_dhandler web_station_poll, web_station_face, web_station_print,
    web_api_production_make, web_api_production_job;
/*
 * The names of the stations that polled in the last secs seconds, as a JSON array of strings (NULL: out of memory).
 */
json_t *web_station_names(struct web *w, unsigned secs);
/*
 * Job (a perso-make answer's) waits for the next card of station (a job
 * waiting there before is replaced). Returns 0, or -1 (bad names, the
 * table full).
 */
int web_station_wait_job(struct web *w, const char *station, const char *job);
/*
 * The round trips of job's relay while it runs (1 with *rt), else 0.
 */
int web_station_job_rt(struct web *w, const char *job, unsigned *rt);

/* ---- office/web-ecard.c ---- */

/*
 * Appends the phone image (PNG) of the e-card that body (portal-ecard's
 * answer: programme, card, qr) describes, photo being the holder's photo,
 * to png. Returns 0 or the error of the card face (tcard/cardface.h).
 */
int web_ecard_draw(json_t *body, const uint8_t *photo, size_t plen,
    struct tc_buf *png, char *err, size_t errlen);

/*
 * office/web-portal-pages.c, the portal's pages (docs/portal.md, "Pages"):
 * GET /portal/style.css and /portal/portal.js; GET and POST /portal/login
 * and /portal/register, POST /portal/logout; GET /portal/ (my matters;
 * other /portal/ paths: the 404 page); GET /portal/programmes/{id} (the
 * self-check); GET and POST /portal/apply/{programme}; GET
 * /portal/applications/{n}, POST .../{n}/attachments (multipart), POST
 * .../{n}/withdraw, GET and POST .../{n}/pledge (POST submits), GET and
 * POST .../{n}/sections/{section}.
 */
tc_dhandler web_portal_css, web_portal_js, web_portal_login,
    web_portal_register, web_portal_logout, web_portal_home,
    web_portal_programme, web_portal_apply, web_portal_overview,
    web_portal_upload, web_portal_withdraw, web_portal_pledge,
    web_portal_section_page;

/*
 * A request object {"op", "session", "csrf"} from the session cookie and
 * the X-CSRF-Token header, or NULL with resp answered (401 without a
 * session cookie, 500).
 */
json_t *web_request(struct tc_dreq *rq, const char *op, struct tc_dresp *resp);
/*
 * The request's query string into f (tc_webform_init here; the caller
 * releases it either way). Returns 0, or -1 with resp answered 400.
 */
int web_query(struct tc_dreq *rq, struct tc_webform *f, struct tc_dresp *resp);
/* The JSON object of a request body, or NULL with resp answered 400. */
json_t *web_body_object(struct tc_dreq *rq, struct tc_dresp *resp);
/*
 * Adds to queue request req the args of query f: limit, after and before
 * as given (the monitor checks them; a limit of digits as a number).
 */
void web_queue_args(json_t *req, const struct tc_webform *f);
/*
 * Adds to request req the args of query f named in names (ended by
 * NULL), as given; "limit" of digits as a number.
 */
void web_query_args(
    json_t *req, const struct tc_webform *f, const char *const *names);
/* Writes an answer's body or error into resp as JSON. 1 when 200. */
int web_answer_json(struct web_answer *an, struct tc_dresp *resp);
/*
 * web_call, then an answer holding a file (its media type, file name and
 * the tail: an attachment, a card's document) into resp, else its error
 * as JSON.
 */
void web_call_file(struct web *w, json_t *req, struct tc_dresp *resp);
/*
 * For a POST that checks a password (sign-in, registration, reset: an
 * scrypt in the monitor each): 0 when rq's client address may, else 429
 * with Retry-After answered in resp (JSON; html: a short page) and 1.
 */
int web_sign_in_throttled(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp, int html);
/*
 * "attachment; filename=..." of name (printable ASCII, no quote,
 * backslash or semicolon) into out.
 */
void web_disposition(const char *name, char *out, size_t len);

/*
 * Starts the layer on the inherited listener; with HTTPS when cert is
 * not NULL (the PEM chain and key from the monitor, the caller's: it
 * wipes them after).
 */
int web_http_start(struct web *w, int listen_fd, const char *listen,
    const uint8_t *cert, size_t clen, const uint8_t *key, size_t klen,
    char *err, size_t errlen);

/* ---- office/web-console.c: the staff console's pages ---- */

/*
 * The handlers (routes in office/web-api.c): GET /console/style.css,
 * GET /console/ (and unknown /console/ paths: the 404 page), GET and
 * POST /console/login, POST /console/logout, GET /console/queue, GET
 * /console/search, GET /console/applications/{n}, POST
 * /console/applications/{n}/review. A handler that redirects keeps the
 * Location text in rq->app (freed by the finish hook).
 */
tc_dhandler web_console_css, web_console_root, web_console_login,
    web_console_logout, web_console_queue, web_console_search, web_console_app,
    web_console_review;

/* ---- office/web-cards.c: cards and the audit log ---- */

/*
 * The API: GET /v1/cards/{card}, POST /v1/cards/{card}/{action}, GET
 * /v1/audit?after=SEQ&limit=N, GET /v1/audit/verify. The console: GET
 * /console/cards/{card}, POST /console/cards/{card}/{action} (a form,
 * 303 back to the card), GET /console/audit?after=SEQ.
 */
tc_dhandler web_api_card, web_api_card_action, web_api_audit,
    web_api_audit_verify, web_console_card, web_console_card_action,
    web_console_audit;
/* GET /v1/cards/{card}/documents/{id}: a supporting document's bytes. */
tc_dhandler web_api_card_document;
/*
 * office/web-prod.c: GET /v1/production/queue?state=S, POST
 * /v1/production/cards/{card}/{action} (start, fail, made, deliver).
 */
tc_dhandler web_api_production, web_api_production_act;
/*
 * office/web-console.c: GET /console/production (the queue by section,
 * zh/en), POST /console/production/{card}/{action} (a form with csrf;
 * 303 back with ?done=).
 */
tc_dhandler web_console_production, web_console_production_act;
/*
 * GET /console/production/jobs/{job}: a personalisation job's state,
 * step, round trips and error (perso-status), with a refresh link; the
 * "make" form (POST /console/production/{card}/make, a station chosen
 * among those that polled in the last 2 minutes) redirects there.
 */
tc_dhandler web_console_job;

/* ---- office/web-station.c: branch stations (docs/station.md) ---- */

/*
 * The station table and its job threads: web_station_start before
 * serving; web_station_stop after the signal, before the daemon is
 * freed (it ends every relay, resumes every parked long poll and joins
 * the job threads); web_station_free after the daemon is freed (a
 * resumed poll's handler still reads the table). web_station_start
 * returns 0, or -1 with err (out of memory).
 */
int web_station_start(struct web *w, char *err, size_t errlen);
void web_station_stop(struct web *w);
void web_station_free(struct web *w);
/*
 * The station routes, over TLS with a station certificate only (else
 * 403): POST /v1/station/poll, GET /v1/station/jobs/{job}/face.pdf, POST
 * /v1/station/jobs/{job}/print. The operator's: POST
 * /v1/production/cards/{card}/make ({"station": NAME}, CSRF; 201 with
 * the job), GET /v1/production/jobs/{job}.
 */
tc_dhandler web_station_poll, web_station_face, web_station_print,
    web_api_production_make, web_api_production_job;
/*
 * The names of the stations that polled in the last secs seconds, as a JSON array of strings (NULL: out of memory).
 */
json_t *web_station_names(struct web *w, unsigned secs);
/*
 * Job (a perso-make answer's) waits for the next card of station (a job
 * waiting there before is replaced). Returns 0, or -1 (bad names, the
 * table full).
 */
int web_station_wait_job(struct web *w, const char *station, const char *job);
/*
 * The round trips of job's relay while it runs (1 with *rt), else 0.
 */
int web_station_job_rt(struct web *w, const char *job, unsigned *rt);

/* ---- office/web-perso.c (H-keys): the office side of a job ---- */

struct web_perso;
struct tc_perso_job;
struct tc_perso_env;
struct tc_profile_set;
struct tc_perso_result;
/*
 * The office side of job JOB (a perso-make answer's "job"), for station
 * STATION (the certificate CN): asks the monitor (perso-job) and builds
 * the driver's callbacks (every callback is an RPC to the monitor) and
 * the profile set. Safe to call from any worker thread. Returns 0 or
 * TC_ERR_* with err.
 */
int web_perso_open(struct web *w, const char *job, const char *station,
    struct web_perso **out, char *err, size_t errlen);
const struct tc_perso_job *web_perso_job(const struct web_perso *p);
/* card_keys, ring, now set */
const struct tc_perso_env *web_perso_env(const struct web_perso *p);
const struct tc_profile_set *web_perso_profiles(const struct web_perso *p);
/*
 * Tells the monitor how the drive ended (perso-end: rc, res->step, err,
 * round trips), frees p.
 */
void web_perso_close(struct web_perso *p, int rc,
    const struct tc_perso_result *res, const char *err, unsigned round_trips);

/* ---- office/web-ecard.c ---- */

/*
 * Appends the two-page PDF (front, back) of the card that body (an
 * answer of the form of portal-ecard: programme, card, qr) describes,
 * photo being the holder's photo, to pdf. Returns 0 or the error of the
 * card face (tcard/cardface.h).
 */
int web_face_pdf(json_t *body, const uint8_t *photo, size_t plen,
    struct tc_buf *pdf, char *err, size_t errlen);

/* A card POST's body: the documents and the multipart's framing. */
#define WEB_DOC_BODY_MAX (TC_ORPC_REQ_TAIL_MAX + 64u * 1024)

/*
 * The body of a card POST (office/web-cards.c). For multipart/form-data:
 * its file parts "document" (1 to TC_ORPC_DOCS_MAX, their bytes together
 * at most TC_ORPC_REQ_TAIL_MAX, else 413) go into tail and *docs (the
 * request's "docs" array; NULL when none), and its text parts into text:
 * with form, every one url-encoded (for tc_webform_parse: the console's
 * fields); without, the one part "args" (the JSON object of the API).
 * Any other body is copied into text as it is. Returns 0, or -1 with
 * resp answered (400, 413, 500).
 */
int web_card_body(struct tc_dreq *rq, struct tc_dresp *resp, int form,
    struct tc_buf *text /* OUT */, json_t **docs /* OUT */,
    struct tc_buf *tail /* OUT */);

/* ---- office/web-acts.c: supplement, reveal, issue, the account ---- */
/*
 * web_api_act, one handler for the RPC op its route names
 * (office/web-acts.c): POST /v1/applications/{n}/supplement
 * ({"fields", "reason"}), POST
 * /v1/applications/{n}/reveal-id, POST /v1/applications/{n}/issue, POST
 * /v1/session/totp ({"passphrase", "otp"}), POST /v1/session/passphrase
 * ({"passphrase", "new_passphrase"}); web_totp_png: GET
 * /console/account/totp.png (the QR code of the enrolment made in this
 * session).
 */
tc_dhandler web_api_act, web_totp_png;
/*
 * The console's account page and forms (office/web-console.c): GET
 * /console/account, POST /console/account/totp, POST
 * /console/account/passphrase; on the application page POST
 * /console/applications/{n}/supplement and /reveal-id.
 */
tc_dhandler web_console_account, web_console_totp, web_console_passphrase,
    web_console_supplement, web_console_reveal;
/* ---- office/web-pdf.c: PDF materials as page images ---- */

#define WEB_PDF_SHOWN 10 /* pages shown on the application page */

/*
 * GET /console/applications/{n}/attachments/{id}/pages: {"pages": N,
 * "shown": M} (JSON; 422 "bad-pdf" when the PDF cannot be read); GET
 * .../page/{k} with k "K.png": page K as a PNG at most 1200 pixels wide
 * (text/plain 4xx when not). Each renders in a child process under
 * limits (docs/issuerd.md, "PDF materials").
 */
tc_dhandler web_pdf_pages, web_pdf_page;

/*
 * Opens tcard-pdf-render, next to this program (O_PATH, kept for the
 * fexecve of each render), and keeps fontconfig's variables of the
 * environment for it; before Landlock, whose ruleset lets the worker
 * execute this one file. Returns the descriptor, or -1 with err (the
 * worker goes on: every PDF page is then 503).
 */
int web_pdf_renderer_open(char *err, size_t errlen);

/*
 * Appends to b the <div class="pages" data-attachment="ID"> of PDF
 * attachment att of application n for the application page: an <img> of
 * each of the first WEB_PDF_SHOWN pages and a download link for the rest,
 * or the reason it cannot be shown (escaped). sid: the page's session id.
 * pages: the count the monitor keeps, 0 when not yet counted: then the
 * renderer counts them once and the monitor is told (op pdf-pages).
 * Returns 0 or the buffer's error.
 */
int web_pdf_div(struct tc_buf *b, struct tc_dreq *rq, const char *sid,
    int64_t n, int64_t att, uint32_t pages, int en);

/* ---- office/web-perso.c: a personalisation job's office side ---- */

struct web_perso;
/*
 * The office side of job JOB (a perso-make answer's "job"), for station
 * STATION (the certificate CN): asks the monitor (perso-job) and builds
 * the driver's callbacks (every callback is an RPC to the monitor) and
 * the profile set. Safe to call from any worker thread. Returns 0 or
 * TC_ERR_* with err.
 */
int web_perso_open(struct web *w, const char *job, const char *station,
    struct web_perso **out, char *err, size_t errlen);
const struct tc_perso_job *web_perso_job(const struct web_perso *p);
/* card_keys, ring, now set */
const struct tc_perso_env *web_perso_env(const struct web_perso *p);
const struct tc_profile_set *web_perso_profiles(const struct web_perso *p);
/*
 * Tells the monitor how the drive ended (perso-end: rc, res->step, err,
 * round trips), frees p.
 */
void web_perso_close(struct web_perso *p, int rc,
    const struct tc_perso_result *res, const char *err, unsigned round_trips);

#endif
