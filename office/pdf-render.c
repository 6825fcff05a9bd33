/* SPDX-License-Identifier: MIT */
/*
 * tcard-pdf-render: the staff console's PDF renderer (issue 15), a program
 * of its own that the web worker (office/web-pdf.c) starts with fork and
 * exec for each page asked for, so that poppler parses an applicant's
 * hostile PDF in a fresh image that holds none of the worker's memory
 * (sessions, requests). It reads the PDF from descriptor 0 (at most
 * TC_ATTACH_MAX bytes), the page from its one argument (0 counts the
 * pages), and writes one reply (include/tcard/pdfview.h, parsed as
 * hostile by src/pdfview.c) to descriptor 1. Before it reads a byte of
 * the PDF it puts itself under a seccomp filter (libseccomp): a system
 * call outside the list below kills it (SIGSYS). The worker sets its
 * limits (setrlimit) before the exec. docs/issuerd.md ("PDF materials").
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cairo.h>
#include <poppler.h>
#include <seccomp.h>

#include "tcard/attach.h"
#include "tcard/pdfview.h"

static const char usage[] =
    "usage: tcard-pdf-render PAGE < FILE.pdf (PAGE 0 counts the pages, 1-9999 draws one; the reply goes to standard output; tcard-issuerd-web starts this program)";

/*
 * The system calls allowed with any arguments: reading from descriptors
 * it has (0, and files opened read-only), closing, looking at and seeking
 * in them, listing a font directory, memory, time, sysinfo (fontconfig
 * asks it when it scans a font directory that has no cache, as the fonts
 * cups-filters installs), futexes (glib's and fontconfig's locks),
 * signals' return and the exit. Found with strace -f
 * on real renders (tests/integration/185-pdf-render.sh renders under the
 * filter). write, open, openat, mmap and mprotect are allowed below with
 * their arguments checked; everything else (socket, connect, execve,
 * clone, fork, ptrace, kill...) kills the process.
 */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(pread64),
	SCMP_SYS(readv),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(statx),
	SCMP_SYS(lseek),
	SCMP_SYS(getdents64),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(futex),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(sysinfo),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),
	SCMP_SYS(access),
	SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2),
	SCMP_SYS(readlink),
	SCMP_SYS(readlinkat),
	SCMP_SYS(fstatfs),
	SCMP_SYS(fadvise64),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer's runtime (make asan) on a thread's first error
	 * check. */
	SCMP_SYS(sigaltstack),
	SCMP_SYS(gettid),
#endif
};

/* The flags that make an open write or create: refused. */
#define OPEN_WRITE (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_EXCL)

/*
 * Loads the filter: default kill; write to 1 and 2 only; open and openat
 * read-only only (an open that would write fails with EACCES, as under
 * the worker's Landlock ruleset: fontconfig tries to write its cache and
 * goes on without); mmap and mprotect never both writable and executable.
 * Returns 0, or -1.
 */

/*
 * The calls allowed with one argument checked: write to 1 and 2 only;
 * fcntl to read and set descriptor flags; open and openat without a
 * write or create flag; mmap and mprotect never both writable and
 * executable (each rule lets through a mapping without one of the two).
 */
static const struct {
	int nr;
	unsigned arg;
	enum scmp_compare op;
	scmp_datum_t a, b; /* EQ: a; MASKED_EQ: (arg & a) == b */
} checked[] = {
	{ SCMP_SYS(write), 0, SCMP_CMP_EQ, 1, 0 },
	{ SCMP_SYS(write), 0, SCMP_CMP_EQ, 2, 0 },
	{ SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_GETFD, 0 },
	{ SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_SETFD, 0 },
	{ SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_GETFL, 0 },
	{ SCMP_SYS(openat), 2, SCMP_CMP_MASKED_EQ, OPEN_WRITE, 0 },
	{ SCMP_SYS(open), 1, SCMP_CMP_MASKED_EQ, OPEN_WRITE, 0 },
	{ SCMP_SYS(mmap), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0 },
	{ SCMP_SYS(mmap), 2, SCMP_CMP_MASKED_EQ, PROT_WRITE, 0 },
	{ SCMP_SYS(mprotect), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0 },
	{ SCMP_SYS(mprotect), 2, SCMP_CMP_MASKED_EQ, PROT_WRITE, 0 },
};

static int
filter(void)
{
	scmp_filter_ctx f;
	size_t i;
	int r = 0;

	if ((f = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return -1;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r |= seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
		r |= seccomp_rule_add(f, SCMP_ACT_ALLOW, checked[i].nr, 1,
		    (struct scmp_arg_cmp){ checked[i].arg, checked[i].op,
			checked[i].a, checked[i].b });
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	return r == 0 ? 0 : -1;
}

struct sink {
	uint8_t *p;
	size_t len, cap;
};

static cairo_status_t
sink_write(void *arg, const unsigned char *data, unsigned int n)
{
	struct sink *s = arg;

	if (n > s->cap - s->len)
		return CAIRO_STATUS_WRITE_ERROR;
	memcpy(s->p + s->len, data, n);
	s->len += n;
	return CAIRO_STATUS_SUCCESS;
}

static void
write_all(const void *p, size_t n)
{
	const uint8_t *q = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(1, q, n)) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		q += w;
		n -= (size_t)w;
	}
}

/* Writes one reply to descriptor 1 and exits 0. */
static void __attribute__((noreturn))
reply(enum tc_pdfview_kind kind, uint32_t pages, const void *p, size_t n)
{
	uint8_t head[TC_PDFVIEW_HEAD_LEN];

	tc_pdfview_reply_head(head, kind, pages, (uint32_t)n);
	write_all(head, sizeof(head));
	write_all(p, n);
	_exit(0);
}

static void __attribute__((noreturn)) reply_error(const char *msg)
{
	reply(TC_PDFVIEW_ERROR, 0, msg, strlen(msg));
}

/* The page argument: 0, or 1..TC_PDFVIEW_PAGE_MAX without sign or
 * leading zero. Returns 0, or -1. */
static int
page_arg(const char *s, unsigned *page)
{
	unsigned v = 0;
	const char *c;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0') || strlen(s) > 4)
		return -1;
	for (c = s; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned)(*c - '0');
	}
	*page = v;
	return 0;
}

/* Reads descriptor 0 to its end into *pdf (malloc'd). Returns 0, -1 (a
 * read failed), or 1 (more than TC_ATTACH_MAX bytes). */
static int
read_pdf(uint8_t **pdf, size_t *len)
{
	size_t cap = TC_ATTACH_MAX + 1;
	ssize_t r;

	*len = 0;
	if ((*pdf = malloc(cap)) == NULL)
		return -1;
	while (*len < cap) {
		r = read(0, *pdf + *len, cap - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		*len += (size_t)r;
	}
	return 1;
}

/*
 * Page 0 counts the pages, page k renders page k at most
 * TC_PDFVIEW_WIDTH_MAX x TC_PDFVIEW_HEIGHT_MAX pixels (the page's aspect
 * kept) on white. Writes one reply and exits.
 */
static void __attribute__((noreturn))
render(const uint8_t *pdf, size_t len, unsigned page)
{
	PopplerDocument *doc;
	PopplerPage *pp;
	GError *ge = NULL;
	GBytes *bytes;
	cairo_surface_t *s;
	cairo_t *cr;
	struct sink sink = { NULL, 0, TC_PDFVIEW_PNG_MAX };
	double pw = 0, ph = 0, scale;
	int n, w, h;

	bytes = g_bytes_new_static(pdf, len);
	if ((doc = poppler_document_new_from_bytes(bytes, NULL, &ge)) == NULL)
		reply_error(ge != NULL && ge->domain == POPPLER_ERROR &&
			    ge->code == POPPLER_ERROR_ENCRYPTED
			? "the PDF is encrypted: download it to read it"
			: "the file could not be read as a PDF (damaged or truncated?)");
	if ((n = poppler_document_get_n_pages(doc)) <= 0)
		reply_error("the PDF has no pages");
	if (page == 0 || page > (unsigned)n)
		reply(TC_PDFVIEW_PAGES, (uint32_t)n, NULL, 0);
	if ((pp = poppler_document_get_page(doc, (int)page - 1)) == NULL)
		reply_error("the page could not be read");
	poppler_page_get_size(pp, &pw, &ph);
	if (!isfinite(pw) || !isfinite(ph) || pw < 1 || ph < 1)
		reply_error("the page has no size");
	scale = fmin(TC_PDFVIEW_WIDTH_MAX / pw, TC_PDFVIEW_HEIGHT_MAX / ph);
	w = (int)fmax(1, fmin(TC_PDFVIEW_WIDTH_MAX, floor(pw * scale)));
	h = (int)fmax(1, fmin(TC_PDFVIEW_HEIGHT_MAX, floor(ph * scale)));
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(pp, cr);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		reply_error("the page could not be drawn");
	cairo_surface_flush(s);
	if ((sink.p = malloc(sink.cap)) == NULL ||
	    cairo_surface_write_to_png_stream(s, sink_write, &sink) !=
		CAIRO_STATUS_SUCCESS)
		reply_error("the page's image is too large");
	reply(TC_PDFVIEW_PNG, (uint32_t)n, sink.p, sink.len);
}

int
main(int argc, char **argv)
{
	uint8_t *pdf;
	size_t len;
	unsigned page;
	int r;

	if (argc != 2 || page_arg(argv[1], &page) != 0) {
		fprintf(stderr, "tcard-pdf-render: %s\n", usage);
		return 2;
	}
	/* The worker set it already; a filter needs it when not root. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || filter() != 0) {
		fprintf(stderr, "tcard-pdf-render: %s\n",
		    "cannot install the seccomp filter");
		return 1;
	}
	if ((r = read_pdf(&pdf, &len)) < 0)
		return 1;
	if (r > 0)
		reply_error("the PDF is too large");
	render(pdf, len, page);
}
