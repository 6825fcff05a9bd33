/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of tcard-verifierd between its entry point
 * (tcard-verifierd.c: options, configuration, signals) and its parts:
 * vd-http.c (the route table and the hooks of the daemon layer,
 * daemon/daemon.h, which serves HTTP), one file per group of
 * endpoints (vd-verify.c, vd-lookup.c, vd-page.c, vd-files.c,
 * vd-metrics.c), the bundle held in memory and its reloads (vd-bundle.c),
 * pulling a bundle from a URL (vd-pull.c), the rollback floor kept in
 * state-dir (vd-floor.c), guessing throttles
 * (vd-throttle.c) and the JSON log (vd-log.c, on daemon/log.c). Reference:
 * docs/verifierd.md.
 *
 * Concurrency: requests run on libmicrohttpd's worker threads; one updater
 * thread loads bundles (periodically and on SIGHUP); the main thread waits
 * for signals. The bundle in use is an immutable, reference-counted
 * struct vd_bundle: a request takes a reference (vd_bundle_get, a pointer
 * copy under a mutex) and drops it when done; a reload builds a new bundle
 * beside the old one and swaps the pointer, so a reload never blocks
 * requests, and the old bundle is freed by whoever drops the last
 * reference.
 *
 * State: there is no global. main() owns one struct vd_ctx and hands it to
 * every part: each vd_* function that needs the daemon's state takes it as
 * its first parameter, handlers and the layer's hooks find it with
 * tc_daemon_app(d) (it is the daemon's app pointer), threads and the
 * SIGHUP callback get it as their argument. A part's own state is a
 * member of vd_ctx (the budget, the floor) or, where its types are the
 * part's own business (curl, the reader's ring), an opaque pointer made by
 * the part's init function. What stays file-static is constant (tables,
 * fixed answers) or per-thread scratch (_Thread_local forms and header
 * values handed back to the caller of one request).
 */
#ifndef TCARD_VD_H
#define TCARD_VD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/bundle.h"
#include "tcard/programme.h"
#include "tcard/revocation.h"
#include "tcard/tap.h"
#include "tcard/trust.h"
#include "tcard/vdconf.h"
#include "tcard/vdfloor.h"

#include "daemon.h"
#include "dstate.h"

#define VD_PROG "tcard-verifierd"

struct tc_dresp;
struct tc_dthrottle;
struct tc_cardguard;
struct tc_ledger;
struct tc_staff_tokens;

/* ---- the bundle in memory (vd-bundle.c) ---- */

/* Bytes served as they are, with their entity tag. */
struct vd_blob {
	uint8_t *data;
	size_t len;
	char etag[48]; /* "\"" + 32 hex digits of SHA-256 + "\"" */
};

/* A reference-counted part of a bundle, shared by successive bundles. */
struct vd_part {
	atomic_long refs;
	void (*free)(struct vd_part *);
};

struct vd_trust_part {
	struct vd_part part;
	struct tc_trust *trust;
	struct vd_blob file; /* trust.cose */
};

#define VD_DELTAS_MAX	   64		      /* delta files held */
#define VD_DELTA_FILE_MAX  (1024u * 1024)     /* bytes of one delta */
#define VD_DELTA_TOTAL_MAX (8u * 1024 * 1024) /* bytes of all deltas */
#define VD_DELTA_CHAIN_MAX 32 /* deltas applied after a full list */

struct vd_delta {
	uint64_t from, to;
	struct vd_blob file;
};

struct vd_rev_part {
	struct vd_part part;
	struct tc_revocations *rev; /* full list + the deltas applied */
	struct vd_blob full;	    /* revocations.cose as held */
	uint64_t full_seq;	    /* its sequence number */
	uint64_t seq;		    /* after the deltas */
	time_t issued_at, next_update;
	unsigned chain; /* deltas applied after the full list */
	struct vd_delta deltas[VD_DELTAS_MAX]; /* served: ?since=N */
	size_t ndeltas;
};

struct vd_lookup_part {
	struct vd_part part;
	struct tc_lookup *lk;
	uint8_t sig_sha[32]; /* SHA-256 of lookup.cose */
	struct tc_lookup_info info;
};

struct vd_progs_part {
	struct vd_part part;
	struct tc_programme_set *set; /* NULL: no programme files */
};

struct vd_bundle {
	atomic_long refs;
	struct vd_trust_part *trust;
	struct vd_rev_part *rev;
	struct vd_lookup_part *lookup; /* NULL: no snapshot */
	struct vd_progs_part *progs;
	uint64_t generation; /* 1, 2, ... per swap */
	time_t loaded_at;
};

/* ---- the daemon ---- */

/*
 * The scrypt budget (vd-budget.c): verifications with a binding run at
 * most max_running at a time, max_waiting more wait at most wait_ns.
 */
struct vd_budget {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned running, waiting;
	unsigned max_running, max_waiting;
	uint64_t wait_ns;
	atomic_ulong refused;
};

/* The rollback floor in memory and where it is kept (vd-floor.c). */
struct vd_floor_state {
	struct tc_dstate st; /* state-dir; read-only with --check */
	char name[TC_VDFLOOR_NAME_MAX];
	int reset; /* --reset-rollback-floor */
	int loaded;
	int dirty; /* f differs from the file */
	struct tc_vdfloor f;
};

struct vd_pull_state;	/* vd-pull.c: the curl handle, validators */
struct vd_reader_state; /* vd-reader.c: the reader thread, taps, long-polls */
struct vd_window_state; /* vd-window.c: sessions of the window page */

/*
 * Everything the daemon holds, made by main() and handed to every part:
 * handlers find it with tc_daemon_app(d), threads get it as their
 * argument. There is no global.
 */
struct vd_ctx {
	struct tc_vdconf conf;
	int is_url;
	char bundle_dir[TC_VDCONF_PATH_MAX]; /* where files are read */
	uint8_t pin[TC_TRUST_FPR_LEN];	     /* CA pin: configured or */
	int have_pin;			     /* learned from the first list */
	struct tc_lookup_key *pepper;	     /* NULL: lookups unavailable */
	struct tc_dthrottle *client_tb, *card_tb;
	struct tc_cardguard *guard; /* per-card bound of snapshot cards */
	time_t clock_offset; /* $TCARD_NOW minus the real time at start */

	pthread_mutex_t mu; /* guards cur and the updater's flags */
	pthread_cond_t cond;
	struct vd_bundle *cur; /* NULL until the first bundle loads */
	int reload_requested, stopping;
	pthread_t updater;
	int updater_running;
	atomic_ullong generation;
	/* Reload outcomes for /metrics. */
	atomic_ulong reloads_ok, reloads_unchanged, reloads_refused,
	    reloads_failed;
	atomic_llong last_check; /* time of the last check */
	char last_error[256];	 /* guarded by mu */

	struct tc_daemon *d;	     /* the HTTP side (daemon/daemon.h) */
	struct tc_dmetrics *metrics; /* request counters (vd-metrics.c) */
	struct tc_dlog *log;	     /* the JSON log (vd-log.c) */

	struct tc_staff_tokens *staff; /* NULL: no staff endpoints */
	struct tc_ledger *ledger;      /* NULL: no services */

	/* The parts' own state. */
	struct vd_budget budget;
	struct vd_floor_state floor;
	struct vd_pull_state *pull;	/* NULL until vd_pull_init */
	struct vd_reader_state *reader; /* NULL until vd_reader_init */
	struct vd_window_state *window; /* vd-window.c: the page's sessions */
	/* SHA-256 of the last file refused, per kind, so it is not retried. */
	uint8_t refused_sha[3][32];
	pthread_mutex_t check_mu; /* one vd_bundle_check at a time */
};

/*
 * Initialises vd (zeros, the defaults, the mutexes, the reader's state) before
 * anything else uses it. Returns 0 or -1 (memory).
 */
int vd_ctx_init(struct vd_ctx *vd);

/* The daemon's clock: real time shifted by $TCARD_NOW (tests). */
time_t vd_now(struct vd_ctx *vd);
/* snprintf for messages that may be cut short (no truncation warning). */
void vd_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Monotonic nanoseconds. */
uint64_t vd_mono_ns(void);

/* Takes a reference to the current bundle (NULL when none is loaded). */
struct vd_bundle *vd_bundle_get(struct vd_ctx *vd);
/*
 * For a handler: vd_bundle_get, or NULL with resp filled (503
 * "unavailable": no bundle is loaded yet).
 */
struct vd_bundle *vd_bundle_need(struct vd_ctx *vd, struct tc_dresp *resp);
/* Drops a reference (NULL is fine). */
void vd_bundle_put(struct vd_bundle *b);

/*
 * Loads the bundle once (the first load, or on request): reads the bundle
 * directory (vd->bundle_dir) and, for a URL, pulls into it first. Returns
 * 0 when a bundle is in use afterwards (new or kept), else -1 with err.
 */
int vd_bundle_check(
    struct vd_ctx *vd, int from_signal, char *err, size_t errlen);

/* Starts and stops the updater thread (pull-interval, SIGHUP). */
int vd_updater_start(struct vd_ctx *vd);
void vd_updater_request(struct vd_ctx *vd);
void vd_updater_stop(struct vd_ctx *vd);

/* 1 when the revocation list of b is past next-update + grace at now. */
int vd_bundle_stale(struct vd_ctx *vd, const struct vd_bundle *b, time_t now);

/* Frees everything vd_bundle_check built (at exit). */
void vd_bundle_shutdown(struct vd_ctx *vd);

/* ---- pulling from a URL (vd-pull.c) ---- */

/*
 * Mirrors the bundle at vd->conf.bundle into vd->bundle_dir: trust list,
 * revocation delta since cur's sequence number (or the full list), lookup
 * snapshot, each with a conditional GET and checked before it is written
 * (never a file older than the rollback floor). Each part that fails is
 * logged (pull-failed; pull-refused for one older than the floor).
 * Returns 0 (something may have changed) or -1 with err, the first failure
 * (the cache is left as it was for what failed).
 */
int vd_pull(
    struct vd_ctx *vd, const struct vd_bundle *cur, char *err, size_t errlen);
int vd_pull_init(struct vd_ctx *vd);
void vd_pull_cleanup(struct vd_ctx *vd);

/* ---- the rollback floor (vd-floor.c) ---- */

/*
 * Settles state-dir (the setting, else cache-dir, else the built-in
 * default), makes it when missing and checks the daemon may write it
 * (neither with check_only, which never writes), and loads the floor of
 * the pinned CA when there is a pin. reset forgets the floor of the CA
 * loaded first (--reset-rollback-floor, logged). Returns 0 or -1 with err.
 */
int vd_floor_start(
    struct vd_ctx *vd, int check_only, int reset, char *err, size_t errlen);
/*
 * Loads the floor of the CA with this SHA-256 once (a missing file: no
 * floor yet). Returns 0, or -1 with err when the file cannot be read or
 * parsed (fail closed: the caller accepts no list) or the floor in use is
 * another CA's.
 */
int vd_floor_load(
    struct vd_ctx *vd, const uint8_t ca[32], char *err, size_t errlen);
/* Copies the floor into *out; -1 (and zeros) while none is loaded. */
int vd_floor_get(struct vd_ctx *vd, struct tc_vdfloor *out /* OUT */);
/* Writes the floor file's path (or the directory's pattern) into buf. */
const char *vd_floor_file(struct vd_ctx *vd, char *buf, size_t len);
/*
 * Raises the floor to the parts of b, a bundle about to be used, and
 * rewrites the file when it rose. Returns 0, or -1 with err when the file
 * could not be written (the floor in memory is raised all the same).
 */
int vd_floor_raise(
    struct vd_ctx *vd, const struct vd_bundle *b, char *err, size_t errlen);

/* ---- throttles (vd-throttle.c, on daemon/dthrottle.h) ---- */

/*
 * Makes the lookup throttles from vd->conf: the client and card tables and
 * the per-card guard (lookup-guard: in memory, or a file shared by the
 * daemons of a host), whose file modes are checked (a warning). Returns 0
 * or -1 with err.
 */
int vd_throttles_start(struct vd_ctx *vd, char *err, size_t errlen);
void vd_throttles_stop(struct vd_ctx *vd);

/*
 * Takes a token of the card's bucket: the per-card guard for a card of the
 * snapshot of b (never forgotten while it holds a guess), else the card
 * table. Returns 0 when allowed, else the seconds to wait; *busy is set
 * when the guard could not answer (a shared file locked too long: refuse).
 */
unsigned vd_throttle_card(struct vd_ctx *vd, const struct vd_bundle *b,
    const char *card16, uint64_t serial, uint64_t now_ns, int *busy /* OUT */);

/* ---- the scrypt budget (vd-budget.c) ---- */

/* Sizes the budget from vd->conf (binding-concurrency, binding-wait). */
int vd_budget_init(struct vd_ctx *vd);
/*
 * tc_credential_verify of qr against b, within the budget when id is not
 * NULL (a scrypt). Returns 0 with *v filled, or -1 with resp filled: 503
 * "busy" with Retry-After when the budget is spent, 500 when the
 * verification could not run.
 */
int vd_budget_verify(struct vd_ctx *vd, const char *qr, size_t qrlen,
    const struct vd_bundle *b, const char *id, struct tc_verdict *v /* OUT */,
    struct tc_dresp *resp);
/* Requests refused by the budget so far. */
unsigned long vd_budget_refused(struct vd_ctx *vd);

/* ---- metrics (vd-metrics.c) ---- */

enum vd_endpoint {
	VD_EP_HEALTHZ,
	VD_EP_METRICS,
	VD_EP_PAGE,
	VD_EP_LOOKUP,
	VD_EP_VERIFY,
	VD_EP_TRUST,
	VD_EP_REVOCATIONS,
	VD_EP_BUNDLE,
	VD_EP_REDEEM,
	VD_EP_USAGE,
	VD_EP_REPORT,
	VD_EP_READER,
	VD_EP_WINDOW,
	VD_EP_OTHER,
	VD_EP_COUNT
};

/* Results counted per endpoint (a closed set, for fixed tables). */
enum vd_result {
	VD_R_OK,
	VD_R_VALID,
	VD_R_INVALID,
	VD_R_UNKNOWN_STATUS,
	VD_R_NO_MATCH,
	VD_R_EXPIRED,
	VD_R_REVOKED,
	VD_R_SUSPENDED,
	VD_R_NOT_MODIFIED,
	VD_R_BAD_REQUEST,
	VD_R_TOO_LARGE,
	VD_R_THROTTLED,
	VD_R_NOT_FOUND,
	VD_R_METHOD,
	VD_R_UNAVAILABLE,
	VD_R_UNAUTHORIZED,
	VD_R_FORBIDDEN,
	VD_R_ALLOWED,
	VD_R_REFUSED,
	VD_R_ERROR,
	VD_R_COUNT
};

const char *vd_endpoint_name(enum vd_endpoint e);
const char *vd_result_name(enum vd_result r);
void vd_metrics_count(
    struct vd_ctx *vd, enum vd_endpoint e, enum vd_result r, uint64_t ns);
/* Makes vd->metrics (before the first request); 0 or -1 (memory). */
int vd_metrics_start(struct vd_ctx *vd);
/* Appends the Prometheus text to out; returns 0 or -1. */
int vd_metrics_render(struct vd_ctx *vd, struct tc_buf *out);

/* ---- the JSON log (vd-log.c) ---- */

int vd_log_open(struct vd_ctx *vd, const char *dest, char *err, size_t errlen);
/* Starts the thread that writes waiting request lines every 100 ms. */
int vd_log_start(struct vd_ctx *vd);
/* Stops it and writes every line still waiting. */
void vd_log_stop(struct vd_ctx *vd);
int vd_log_reopen(struct vd_ctx *vd);
void vd_log_close(struct vd_ctx *vd);
/* One request line; card_masked may be "". */
void vd_log_request(struct vd_ctx *vd, const char *client, const char *method,
    const char *path, enum vd_endpoint e, unsigned status, enum vd_result r,
    uint64_t ns, size_t bytes, const char *card_masked);
/* Lines that pass a rate limit (vd_log_limit): the layer's kinds. */
enum vd_limit {
	VD_LIMIT_HTTP = TC_DLOG_HTTP,
	VD_LIMIT_ABORTED = TC_DLOG_ABORTED,
	VD_LIMIT_COUNT = TC_DLOG_LIMIT_COUNT
};
/*
 * 1 when a line of this kind may be written at now_ns (monotonic), 0 when
 * it is over the kind's rate and must be dropped (it is counted).
 */
int vd_log_limit(struct vd_ctx *vd, enum vd_limit kind, uint64_t now_ns);
/* Lines of this kind dropped since start. */
unsigned long vd_log_limited(struct vd_ctx *vd, enum vd_limit kind);
/* An event line: {"ts", "event", "level", "message", extra...}. */
void vd_log_event(struct vd_ctx *vd, const char *event, const char *level,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Appends {"zh": ..., "en": ...} (null for a missing language). Returns
 * 0, or -1 when a part did not fit (the buffer is then not to be sent).
 */
int vd_json_text(struct tc_buf *out, const struct tc_text *t);

/* Writes "440100******0114" for a 16-digit card number ("" otherwise). */
void vd_mask_card(const char *card16, char out[20]);

/* ---- HTTP (vd-http.c) and the endpoints ---- */

struct tc_verdict;
struct tc_verdict_note;

/*
 * The card's status from b's revocation list and lookup snapshot, folded
 * into v (vd-verify.c), with the CA basis (configured pin, or pinned at
 * first use): SUSPENDED, INVALID revoked or expired, UNKNOWN-STATUS with
 * a stale list under stale-policy fail; under warn (or with keep_unknown,
 * for a caller that handles staleness itself) a VALID verdict stays VALID
 * and note->warning (note may be NULL) says the list is stale.
 */
void vd_verdict_status(struct vd_ctx *vd, struct vd_bundle *b,
    struct tc_verdict *v, time_t now, int keep_unknown,
    struct tc_verdict_note *note);
/* The metrics result of a verdict: VALID, SUSPENDED, UNKNOWN-STATUS, ... */
enum vd_result vd_verdict_result(const struct tc_verdict *v);

/* Endpoint handlers: fill *resp. */
void vd_ep_healthz(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
void vd_ep_metrics(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
void vd_ep_verify(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
void vd_ep_lookup(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
void vd_ep_page(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
/*
 * The window page (vd-window.c): GET /window, /window/ and
 * /window/window.css, POST /window/session, /window/signout, /window/scan
 * and /window/redeem. vd_window_init makes its session table (0, or -1
 * out of memory), vd_window_free wipes and frees it.
 */
void vd_ep_window(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
int vd_window_init(struct vd_ctx *vd);
void vd_window_free(struct vd_ctx *vd);
void vd_ep_trust(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
void vd_ep_revocations(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
/* GET /bundle/NAME: the bundle directory's files by name. */
void vd_ep_bundle(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
/* GET / (a redirect to the page) and any other method (404). */
void vd_ep_root(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);

/*
 * The lookup shared by the API and the page: checks the three fields,
 * throttles, asks the snapshot. Returns the HTTP status; fills *ans (on
 * 200), retry (on 429), code and msg (on an error: "bad-request",
 * "throttled", "unavailable").
 */
struct vd_lookup_out {
	unsigned status;
	enum vd_result result;
	struct tc_lookup_answer ans;
	const char *result_name; /* "valid", "no-match", "unknown-status" */
	unsigned retry;
	const char *code;
	char msg[256];
	struct vd_bundle *b; /* a reference while the answer is used */
};
void vd_lookup_run(struct vd_ctx *vd, struct tc_dreq *rq, const char *card,
    const char *name, const char *id, struct vd_lookup_out *out);
void vd_lookup_done(struct vd_lookup_out *out);

/*
 * Staff endpoints (vd-staff.c): checks the request's bearer token and
 * returns the window it belongs to (its name and scope, owned by vd), or
 * NULL with resp filled (401, or 503 when no staff-tokens file is
 * configured).
 */
const struct tc_staff_token *vd_staff_auth(
    struct vd_ctx *vd, const struct tc_dreq *rq, struct tc_dresp *resp);

/*
 * Whether window w may act on service of programme (NULL: of any one, not
 * known yet); when not, fills resp with 403 "out-of-scope" naming both.
 * 1 or 0.
 */
int vd_staff_scope(const struct tc_staff_token *w, const char *programme,
    const char *service, struct tc_dresp *resp);

/*
 * ---- the window's reader (vd-reader.c) ----
 * A thread reads each card presented at the reader once (tap
 * verification, include/tcard/tap.h) and keeps the newest taps; a redeem
 * may name one by its id (vd-services.c).
 */

struct vd_tap {
	char id[33];		  /* 32 lower-case hex digits */
	time_t at;		  /* vd_now() at the read */
	struct tc_tap_result res; /* res.v is the verdict */
	int stale;		  /* the revocation list was stale then */
};

/*
 * Copies the tap with this id into *out when it is at most tap-max-age
 * old. Returns 0, or -1 (unknown or too old).
 */
int vd_reader_find(
    struct vd_ctx *vd, const char *id, struct vd_tap *out /* OUT */);
/* As vd_reader_find, the newest tap (the window page's "card on the reader"). */
int vd_reader_newest(struct vd_ctx *vd, struct vd_tap *out /* OUT */);
/*
 * Makes vd->reader, the reader's state (its mutex, the taps, the parked
 * long-polls), whether or not a reader is set: GET /v1/reader answers
 * "no-reader" from it. Returns 0 or -1 (memory).
 */
int vd_reader_init(struct vd_ctx *vd);
/* Frees vd->reader (after vd_reader_stop). */
void vd_reader_free(struct vd_ctx *vd);
/* Starts the reader thread (0 and nothing when no reader is set). */
int vd_reader_start(struct vd_ctx *vd, char *err, size_t errlen);
void vd_reader_stop(struct vd_ctx *vd);
/* GET /v1/reader[?after=TAPID&wait=SECS]: the state and the newest tap. */
void vd_ep_reader(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);

/*
 * /v1/services/{service}/redeem, /usage and /report (vd-services.c), and
 * the 404 of any other path under /v1/services/.
 */
void vd_ep_services(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);
/*
 * Opens vd->conf.ledger into vd->ledger (made mode 0600 when new) and logs
 * a warning when the ledger's files are open to group or others. Returns
 * 0 or -1 with err.
 */
int vd_ledger_open(struct vd_ctx *vd, char *err, size_t errlen);

/* ---- HTTP (vd-http.c, on daemon/daemon.h) ---- */

/* Starts the daemon layer with the verifier's routes; 0 or -1 with err. */
int vd_http_start(struct vd_ctx *vd, char *err, size_t errlen);
void vd_http_stop(struct vd_ctx *vd);

#endif
