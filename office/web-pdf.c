/* SPDX-License-Identifier: MIT */
/*
 * The staff console's PDF viewer in the web worker (issue 15): a PDF
 * material's pages as PNG images. The bytes come from the monitor's
 * attachment op (its authorization and its audited read apply); an
 * applicant's PDF is hostile, so each request starts the program
 * tcard-pdf-render (office/pdf-render.c: poppler parses it and cairo
 * draws one page, under a seccomp filter) with fork and fexecve, under
 * setrlimit (CPU seconds, address space, no core, no file writes, no
 * new processes), with only the PDF, its reply pipe and a dead standard
 * error as descriptors, an empty environment and a wall-clock deadline
 * after which the worker kills it. Its reply is parsed as hostile too
 * (src/pdfview.c). Nothing is cached, on disk
 * or in memory, but a PDF's page count: counted at its first showing, the
 * monitor keeps it (op pdf-pages), and later application pages are built
 * from it without a renderer. Routes: GET /console/applications/{n}/attachments/{id}/
 * pages and .../page/{k}.png; the application page's <img> elements.
 * docs/issuerd.md ("PDF materials").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tcard/html.h"
#include "tcard/officerpc.h"
#include "tcard/pdfview.h"
#include "web.h"

#define PDF_TIMEOUT_MS 10000		      /* wall clock of one child */
#define PDF_CPU_S      5		      /* RLIMIT_CPU of one child */
#define PDF_AS	       (1024ul * 1024 * 1024) /* RLIMIT_AS of one child */
#define PDF_CHILDREN   2 /* children at once; more is 503 */

#define PDF_QUEUE_MS 10000 /* longest wait for a free slot */

static pthread_mutex_t busy_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t busy_cv = PTHREAD_COND_INITIALIZER;
static int busy;

/*
 * Takes one of the PDF_CHILDREN slots, waiting for one at most
 * PDF_QUEUE_MS (a browser asks for ten pages at once). Returns 1, or 0
 * when none came free.
 */
static int
slot_take(void)
{
	struct timespec until;
	int ok = 1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PDF_QUEUE_MS / 1000;
	pthread_mutex_lock(&busy_mu);
	while (busy >= PDF_CHILDREN && ok)
		ok = pthread_cond_timedwait(&busy_cv, &busy_mu, &until) == 0 ||
		    busy < PDF_CHILDREN;
	if (ok)
		busy++;
	pthread_mutex_unlock(&busy_mu);
	return ok;
}

static void
slot_give(void)
{
	pthread_mutex_lock(&busy_mu);
	busy--;
	pthread_cond_signal(&busy_cv);
	pthread_mutex_unlock(&busy_mu);
}

/* What one render gave. */
struct pdf_out {
	unsigned status; /* 200, 404 (no such page), 422, 503 */
	uint32_t pages;
	uint8_t *png; /* malloc'd, or NULL */
	size_t len;
	char msg[TC_PDFVIEW_MSG_MAX + 1];
};

/* A limit from the environment (tests make them tiny), else def. */
static long
knob(const char *name, long def, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 1 && v <= max ? v : def;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the renderer ---- */

/*
 * tcard-pdf-render (office/pdf-render.c), opened next to this program
 * before Landlock (web_pdf_renderer_open) and started with fexecve, and
 * the environment it gets: fontconfig's two variables when the worker has
 * them, nothing else.
 */
#define RENDERER_NAME "tcard-pdf-render"

static int renderer_fd = -1;
static char *renderer_env[3];

int
web_pdf_renderer_open(char *err, size_t errlen)
{
	static const char *const keep[] = { "FONTCONFIG_FILE",
		"FONTCONFIG_PATH" };
	char self[PATH_MAX], path[PATH_MAX + 32], *slash;
	const char *v;
	ssize_t n;
	size_t i, k = 0;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		snprintf(err, errlen, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", self, RENDERER_NAME);
	if ((renderer_fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if ((v = getenv(keep[i])) != NULL &&
		    asprintf(&renderer_env[k], "%s=%s", keep[i], v) > 0)
			k++;
	return renderer_fd;
}

/* What the child does between fork and exec, all prepared before the
 * fork (a child of a threaded process calls async-signal-safe functions
 * only). */
struct spawn {
	int pdf, reply, dead; /* its 0, 1 and 2 */
	char page[16];
	struct rlimit cpu, as;
};

static void
spawn_init(struct spawn *sp, unsigned page)
{
	long cpu = knob("TCARD_PDF_CPU_SECONDS", PDF_CPU_S, 600);

	sp->pdf = sp->reply = sp->dead = -1;
	snprintf(sp->page, sizeof(sp->page), "%u", page);
	sp->cpu.rlim_cur = (rlim_t)cpu;
	sp->cpu.rlim_max = (rlim_t)cpu + 1;
	sp->as.rlim_cur = sp->as.rlim_max =
	    (rlim_t)knob("TCARD_PDF_AS_MB", (long)(PDF_AS >> 20), 65536) << 20;
}

/* The PDF in a sealed memfd at offset 0, the renderer's descriptor 0;
 * -1 when it cannot be made. */
static int
pdf_memfd(const uint8_t *pdf, size_t len)
{
	ssize_t w;
	int fd = memfd_create("tcard-pdf", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	while (fd >= 0 && len > 0) {
		if ((w = write(fd, pdf, len)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		pdf += w;
		len -= (size_t)w;
	}
	if (fd >= 0 &&
	    (len > 0 ||
		fcntl(fd, F_ADD_SEALS,
		    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) !=
		    0 ||
		lseek(fd, 0, SEEK_SET) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The child, before the exec: signals back to their defaults but SIGPIPE
 * ignored, killed with the worker, the PDF on 0, the reply pipe on 1, 2 a
 * pipe nobody reads (poppler's warnings go nowhere: a write there fails
 * with EPIPE), every other descriptor closed at the exec, then the limits.
 * The renderer puts itself under its seccomp filter before it reads the
 * PDF; it inherits the worker's user, no-new-privileges and Landlock
 * ruleset.
 */
static void __attribute__((noreturn)) child(const struct spawn *sp)
{
	static const struct rlimit zero = { 0, 0 }, files = { 64, 64 };
	char *argv[] = { RENDERER_NAME, (char *)(uintptr_t)sp->page, NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    dup2(sp->pdf, 0) != 0 || dup2(sp->reply, 1) != 1 ||
	    dup2(sp->dead, 2) != 2 ||
	    close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) != 0 ||
	    setrlimit(RLIMIT_CORE, &zero) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &zero) != 0 ||
	    setrlimit(RLIMIT_NPROC, &zero) != 0 ||
	    setrlimit(RLIMIT_CPU, &sp->cpu) != 0 ||
	    setrlimit(RLIMIT_NOFILE, &files) != 0)
		_exit(1);
#if !defined(__SANITIZE_ADDRESS__)
	/*
	 * Not under AddressSanitizer (make asan): its shadow memory reserves
	 * terabytes of address space, so any RLIMIT_AS stops the renderer at
	 * once; the CPU and wall-clock limits still hold there.
	 */
	if (setrlimit(RLIMIT_AS, &sp->as) != 0)
		_exit(1);
#endif
	/* The descriptor is close-on-exec: nothing of it crosses. */
	fexecve(renderer_fd, argv, renderer_env);
	_exit(127);
}

/* ---- the worker's side ---- */

struct sink {
	uint8_t *p;
	size_t len, cap;
};

/* Reads the child's reply until EOF, the cap or the deadline. */
static int
collect(int rfd, uint64_t deadline, struct sink *in)
{
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	uint64_t t;
	ssize_t r;

	for (;;) {
		if ((t = now_ms()) >= deadline)
			return -2;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)(deadline - t));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -2 : -1;
		if (in->len == in->cap)
			return -1; /* more than any reply may be */
		r = read(rfd, in->p + in->len, in->cap - in->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		in->len += (size_t)r;
	}
}

/* Parses what the child wrote into out. */
static void
judge(const struct sink *in, int st, unsigned page, struct pdf_out *out)
{
	struct tc_pdfview_reply r;
	char err[256];

	if (tc_pdfview_reply_parse(in->p, in->len, &r, err, sizeof(err)) != 0) {
		snprintf(out->msg, sizeof(out->msg), "%s",
		    WIFSIGNALED(st) &&
			    (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL)
			? "the PDF took too long to render"
			: "the PDF could not be rendered");
		return;
	}
	if (r.kind == TC_PDFVIEW_ERROR) {
		snprintf(out->msg, sizeof(out->msg), "%.*s", (int)r.len,
		    (const char *)r.data);
		return;
	}
	out->pages = r.pages;
	if (r.kind == TC_PDFVIEW_PAGES && page != 0) {
		out->status = 404;
		snprintf(out->msg, sizeof(out->msg),
		    "the PDF has %lu pages: no page %u", (unsigned long)r.pages,
		    page);
		return;
	}
	if (r.kind == TC_PDFVIEW_PNG && page == 0)
		return; /* not what was asked */
	if (r.kind == TC_PDFVIEW_PNG) {
		if ((out->png = malloc(r.len)) == NULL) {
			out->status = 503;
			snprintf(
			    out->msg, sizeof(out->msg), "%s", "out of memory");
			return;
		}
		memcpy(out->png, r.data, r.len);
		out->len = r.len;
	}
	out->status = 200;
}

/*
 * Starts the renderer on the len bytes pdf. Returns its pid with *rfd
 * the read end of its reply pipe, or -1.
 */
static pid_t
start(const uint8_t *pdf, size_t len, unsigned page, int *rfd)
{
	struct spawn sp;
	int p[2] = { -1, -1 }, d[2] = { -1, -1 }, i;
	pid_t pid = -1;

	spawn_init(&sp, page);
	if (renderer_fd < 0 || (sp.pdf = pdf_memfd(pdf, len)) < 0 ||
	    pipe2(p, O_CLOEXEC) != 0 || pipe2(d, O_CLOEXEC) != 0)
		goto out;
	sp.reply = p[1];
	sp.dead = d[1];
	close(d[0]); /* its standard error: nobody reads it */
	d[0] = -1;
	if ((pid = fork()) == 0)
		child(&sp);
	if (pid > 0) {
		*rfd = p[0];
		p[0] = -1; /* transferred */
	}
out : {
	const int fds[] = { sp.pdf, p[0], p[1], d[0], d[1] };

	for (i = 0; i < (int)(sizeof(fds) / sizeof(fds[0])); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}
	return pid;
}

/*
 * Renders page (0: counts the pages) of the len bytes pdf with
 * tcard-pdf-render. out->status: 200 (pages, and the PNG when page > 0),
 * 404 (no such page), 422 (the PDF could not be read, or took too long),
 * 503 (busy, no slot came free in PDF_QUEUE_MS, or no renderer could be
 * started).
 */
static void
pdf_run(const uint8_t *pdf, size_t len, unsigned page, struct pdf_out *out)
{
	/* One byte more than a reply may be: a longer one is refused. */
	struct sink in = { NULL, 0,
		TC_PDFVIEW_HEAD_LEN + TC_PDFVIEW_PNG_MAX + 1 };
	uint64_t deadline;
	pid_t pid = -1;
	int rfd = -1, st = 0, r;

	memset(out, 0, sizeof(*out));
	out->status = 422;
	if (!slot_take()) {
		out->status = 503;
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "busy rendering other PDFs: try again");
		return;
	}
	deadline = now_ms() +
	    (uint64_t)knob("TCARD_PDF_TIMEOUT_MS", PDF_TIMEOUT_MS, 600000);
	if ((in.p = malloc(in.cap)) == NULL ||
	    (pid = start(pdf, len, page, &rfd)) < 0) {
		out->status = 503;
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "cannot start the renderer");
		goto done;
	}
	r = collect(rfd, deadline, &in);
	close(rfd);
	if (r != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == -2)
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "the PDF took too long to render");
	else if (r != 0)
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "the PDF could not be rendered");
	else
		judge(&in, st, page, out);
done:
	free(in.p);
	slot_give();
}

/*
 * The attachment's bytes from the monitor (the same op as GET
 * /v1/applications/N/attachments/ID, so its authorization and audited
 * read apply). Returns 0 with *an holding them, 1 with *an holding the
 * monitor's refusal, -1 with resp answered (500, or 503: the monitor is
 * gone). *an is the caller's to free unless -1.
 */
static int
fetch(struct web *w, const char *sid, int64_t n, int64_t att,
    struct web_answer *an, struct tc_dresp *resp)
{
	json_t *q = json_pack("{s:s, s:s, s:I, s:I}", "op", "attachment",
	    "session", sid, "app", (json_int_t)n, "att", (json_int_t)att);

	if (q == NULL) {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return -1;
	}
	if (web_call(w, q, an, resp) != 0)
		return -1;
	if (an->error != NULL || an->status != 200 || an->ctype == NULL)
		return 1;
	return 0;
}

static int
result_of(unsigned status)
{
	return status == 200 ? WEB_R_OK
	    : status == 401  ? WEB_R_UNAUTHORIZED
	    : status == 403  ? WEB_R_FORBIDDEN
	    : status == 404  ? WEB_R_NOT_FOUND
	    : status == 422  ? WEB_R_REFUSED
	    : status == 503  ? WEB_R_UNAVAILABLE
			     : WEB_R_ERROR;
}

/* A plain-text answer (an <img> shows nothing; a person who opens it
 * reads why). */
static void
text_answer(struct tc_dresp *resp, unsigned status, const char *msg)
{
	resp->status = status;
	resp->result = result_of(status);
	resp->ctype = "text/plain; charset=utf-8";
	tc_buf_init(&resp->body, TC_PDFVIEW_MSG_MAX + 64);
	tc_dresp_checked(resp,
	    tc_buf_puts(&resp->body, msg) | tc_buf_puts(&resp->body, "\n"));
}

/*
 * The session, the application and attachment numbers and the PDF's
 * bytes of a page route. Returns 0 with *an holding the bytes, or -1
 * with resp answered.
 */
static int
route_pdf(
    struct tc_dreq *rq, struct tc_dresp *resp, struct web_answer *an, int json)
{
	char sid[TC_ORPC_TOKEN_LEN + 1];
	int64_t n = tc_dreq_param_number(rq, "n"),
		att = tc_dreq_param_number(rq, "id");
	unsigned st;
	const char *msg;
	int r;

	rq->ep = WEB_EP_CONSOLE;
	web_session_id(rq, sid);
	if (sid[0] == '\0') {
		st = 401;
		msg = "no session, or it expired: sign in at /console/login";
		goto refuse;
	}
	if (n == 0 || att == 0) {
		st = 404;
		msg = "no such application or attachment";
		goto refuse;
	}
	if ((r = fetch(tc_daemon_app(rq->d), sid, n, att, an, resp)) < 0)
		return -1;
	if (r == 0 && strcmp(an->ctype, "application/pdf") == 0)
		return 0;
	st = r == 0 ? 404 : an->status ? an->status : 500;
	msg = r == 0		  ? "this material is not a PDF"
	    : an->message != NULL ? an->message
				  : "the monitor refused";
	if (json)
		tc_dresp_error(resp, st, result_of(st),
		    an->error ? an->error : "not-found", "%s", msg);
	else
		text_answer(resp, st, msg);
	web_answer_free(an);
	return -1;
refuse:
	if (json)
		tc_dresp_error(resp, st, result_of(st),
		    st == 401 ? "unauthorized" : "not-found", "%s", msg);
	else
		text_answer(resp, st, msg);
	return -1;
}

void
web_pdf_pages(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web_answer an;
	struct pdf_out out;
	char text[96];
	int k;

	if (route_pdf(rq, resp, &an, 1) != 0)
		return;
	pdf_run(an.tail, an.tlen, 0, &out);
	web_answer_free(&an);
	if (out.status != 200) {
		tc_dresp_error(resp, out.status, result_of(out.status),
		    out.status == 422 ? "bad-pdf" : "unavailable", "%s",
		    out.msg);
		return;
	}
	k = snprintf(text, sizeof(text), "{\"pages\":%lu,\"shown\":%u}\n",
	    (unsigned long)out.pages,
	    out.pages < WEB_PDF_SHOWN ? (unsigned)out.pages : WEB_PDF_SHOWN);
	tc_buf_init(&resp->body, sizeof(text));
	tc_dresp_checked(resp, tc_buf_put(&resp->body, text, (size_t)k));
}

void
web_pdf_page(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web_answer an;
	struct pdf_out out;
	char err[128];
	unsigned page;

	if (tc_pdfview_page_segment(
		tc_dreq_param(rq, "k"), &page, err, sizeof(err)) != 0) {
		rq->ep = WEB_EP_CONSOLE;
		text_answer(resp, 404, err);
		return;
	}
	if (route_pdf(rq, resp, &an, 0) != 0)
		return;
	pdf_run(an.tail, an.tlen, page, &out);
	web_answer_free(&an);
	if (out.status != 200) {
		text_answer(resp, out.status, out.msg);
		return;
	}
	resp->ctype = "image/png";
	resp->result = WEB_R_OK;
	tc_buf_init(&resp->body, TC_PDFVIEW_PNG_MAX + 1);
	tc_dresp_checked(resp, tc_buf_put(&resp->body, out.png, out.len));
	free(out.png);
}

/*
 * Counts the pages of PDF attachment att of application n (a renderer
 * child) into *out, and has the monitor keep the count.
 */
static void
count_pages(struct tc_dreq *rq, const char *sid, int64_t n, int64_t att,
    struct pdf_out *out)
{
	struct web *w = tc_daemon_app(rq->d);
	struct web_answer an;
	struct tc_dresp scratch;
	json_t *q;

	memset(&scratch, 0, sizeof(scratch));
	tc_buf_init(&scratch.body, 1024);
	if (sid[0] != '\0' && fetch(w, sid, n, att, &an, &scratch) >= 0) {
		if (an.error == NULL && an.status == 200 && an.ctype != NULL &&
		    strcmp(an.ctype, "application/pdf") == 0)
			pdf_run(an.tail, an.tlen, 0, out);
		else
			snprintf(out->msg, sizeof(out->msg), "%s",
			    an.message ? an.message : "not a PDF");
		web_answer_free(&an);
	}
	if (out->status == 200 && out->pages > 0 &&
	    (q = json_pack("{s:s, s:s, s:I, s:I, s:{s:I}}", "op", "pdf-pages",
		 "session", sid, "app", (json_int_t)n, "att", (json_int_t)att,
		 "args", "pages", (json_int_t)out->pages)) != NULL &&
	    web_call(w, q, &an, &scratch) == 0)
		web_answer_free(&an); /* a count not kept is counted again */
	tc_buf_release(&scratch.body);
}

int
web_pdf_div(struct tc_buf *b, struct tc_dreq *rq, const char *sid, int64_t n,
    int64_t att, uint32_t pages, int en)
{
	struct pdf_out out;
	char base[96], img[400];
	unsigned k, shown;
	int bad = 0;

	snprintf(base, sizeof(base),
	    "/console/applications/%lld/attachments/%lld", (long long)n,
	    (long long)att);
	memset(&out, 0, sizeof(out));
	out.status = 503;
	snprintf(out.msg, sizeof(out.msg), "%s",
	    en ? "the office's monitor process is not answering"
	       : "办公服务暂不可用");
	if (pages > 0) {
		out.status = 200; /* counted before: nothing to parse */
		out.pages = pages;
	} else {
		count_pages(rq, sid, n, att, &out);
	}
	snprintf(img, sizeof(img),
	    "<div class=\"pages\" data-attachment=\"%lld\">", (long long)att);
	bad |= tc_buf_puts(b, img);
	if (out.status != 200) {
		bad |= tc_buf_puts(b, "<p class=\"error pdf-error\">");
		bad |= tc_buf_puts(
		    b, en ? "The PDF cannot be shown: " : "无法显示此 PDF：");
		bad |= tc_html_put(b, out.msg);
		bad |= tc_buf_puts(b, "</p></div>\n");
		return bad;
	}
	shown = out.pages < WEB_PDF_SHOWN ? (unsigned)out.pages : WEB_PDF_SHOWN;
	for (k = 1; k <= shown; k++) {
		snprintf(img, sizeof(img),
		    en ? "<img class=\"page\" src=\"%s/page/%u.png\" alt=\"page %u of %lu\" loading=\"lazy\">\n"
		       : "<img class=\"page\" src=\"%s/page/%u.png\" alt=\"第 %u 页（共 %lu 页）\" loading=\"lazy\">\n",
		    base, k, k, (unsigned long)out.pages);
		bad |= tc_buf_puts(b, img);
	}
	if (out.pages > shown) {
		snprintf(img, sizeof(img),
		    en ? "<p class=\"more\">More pages (%lu in all): <a href=\"/v1/applications/%lld/attachments/%lld\" download>download</a></p>\n"
		       : "<p class=\"more\">还有更多页（共 %lu 页）：<a href=\"/v1/applications/%lld/attachments/%lld\" download>下载</a></p>\n",
		    (unsigned long)out.pages, (long long)n, (long long)att);
		bad |= tc_buf_puts(b, img);
	}
	bad |= tc_buf_puts(b, "</div>\n");
	return bad;
}
