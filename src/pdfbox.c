/* SPDX-License-Identifier: MIT */
/*
 * Trim and bleed boxes for cairo's PDF (include/tcard/pdfbox.h): a filter
 * that passes the bytes on, reads them as lines on the side, and appends
 * an incremental update with the page objects again, boxes added.
 *
 * cairo 1.16 writes each page as
 *   N 0 obj
 *   << /Type /Page % 1
 *      /Parent 1 0 R
 *      /MediaBox [ 0 0 253.984 164.353 ]
 *      ...
 *   endobj
 * and ends the file with a classic cross-reference table ("xref", one or
 * more subsections of 20-byte entries), "trailer", the trailer dictionary,
 * "startxref", the table's offset and "%%EOF". Lines longer than LINE_MAX
 * (stream data) match nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/pdfbox.h"

#define LINE_MAX   256		/* longest line looked at */
#define OBJ_MAX	   4096		/* longest page object kept */
#define XREF_MAX   (64u << 20)	/* longest table and trailer kept */
#define TEXTS_MAX  (256u << 20) /* the page objects kept, together */
#define OBJNUM_MAX 8388607ul	/* the highest object number PDF allows */
#define INSET_MAX  1000.0

/* A page object seen in the stream: where, and its text in x->texts. */
struct page {
	unsigned long num;
	size_t off;
	size_t at, len;
};

struct tc_pdfbox {
	double inset;
	int (*write)(void *, const uint8_t *, size_t);
	void *arg;
	int failed; /* the error code that stopped the filter */
	size_t off; /* bytes written so far */
	char last;  /* the last byte written */
	/* The line being read. */
	char line[LINE_MAX];
	size_t line_len, line_off;
	int line_long;
	/* "N 0 obj" on the line before; a page object being kept. */
	int pend, keeping;
	unsigned long pend_num;
	size_t pend_off, keep_at;
	struct tc_buf texts;
	struct page *pages;
	size_t n_pages, a_pages, done;
	/* The lines from the last "xref" line on. */
	int in_xref;
	size_t xref_off;
	struct tc_buf xref;
};

int
tc_pdfbox_new(struct tc_pdfbox **out, double inset_pt,
    int (*write)(void *arg, const uint8_t *p, size_t n), void *arg)
{
	struct tc_pdfbox *x;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (write == NULL || !(inset_pt >= 0 && inset_pt <= INSET_MAX))
		return TC_ERR_INVALID_ARG;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return TC_ERR_NOMEM;
	x->inset = inset_pt;
	x->write = write;
	x->arg = arg;
	x->last = '\n';
	tc_buf_init(&x->texts, TEXTS_MAX);
	tc_buf_init(&x->xref, XREF_MAX);
	*out = x;
	return 0;
}

static int
add_page(struct tc_pdfbox *x)
{
	struct page *n;
	size_t a;

	if (x->n_pages == x->a_pages) {
		a = x->a_pages ? 2 * x->a_pages : 16;
		if ((n = realloc(x->pages, a * sizeof(*n))) == NULL)
			return TC_ERR_NOMEM;
		x->pages = n;
		x->a_pages = a;
	}
	x->pages[x->n_pages++] = (struct page){ x->pend_num, x->pend_off,
		x->keep_at, x->texts.len - x->keep_at };
	return 0;
}

/* "N 0 obj" with N a PDF object number. */
static int
obj_line(const char *s, size_t len, unsigned long *num)
{
	size_t i = 0;
	unsigned long n = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9' && n <= OBJNUM_MAX)
		n = n * 10 + (unsigned long)(s[i++] - '0');
	if (i == 0 || n > OBJNUM_MAX || len - i != 6 ||
	    memcmp(s + i, " 0 obj", 6) != 0)
		return 0;
	*num = n;
	return 1;
}

static int
is(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/* Keeps the current line (and its newline) in b. */
static int
keep_line(struct tc_pdfbox *x, struct tc_buf *b)
{
	if (tc_buf_put(b, x->line, x->line_len) != 0 ||
	    tc_buf_put_u8(b, '\n') != 0)
		return tc_buf_error(b);
	return 0;
}

/* The page object being kept gets the current line. */
static int
page_line(struct tc_pdfbox *x)
{
	int r;

	if (x->line_long || x->texts.len - x->keep_at > OBJ_MAX) {
		tc_buf_truncate(&x->texts, x->keep_at);
		x->keeping = 0;
		return 0;
	}
	if ((r = keep_line(x, &x->texts)) != 0)
		return r;
	if (!is(x->line, x->line_len, "endobj"))
		return 0;
	x->keeping = 0;
	return add_page(x);
}

/* A whole line was read (without its newline). */
static int
line_done(struct tc_pdfbox *x)
{
	const char *s = x->line;
	size_t len = x->line_len;
	unsigned long num;
	int r = 0, pend = x->pend;

	x->pend = 0;
	/* Long lines, or too many: stream data after an "xref" in it. */
	if (x->in_xref && (x->line_long || keep_line(x, &x->xref) != 0)) {
		x->in_xref = 0;
		tc_buf_truncate(&x->xref, 0);
	}
	if (x->keeping)
		return page_line(x);
	if (x->line_long)
		return 0;
	if (pend && len > 16 && memcmp(s, "<< /Type /Page ", 15) == 0) {
		x->keeping = 1;
		x->keep_at = x->texts.len;
		if (tc_buf_printf(&x->texts, "%lu 0 obj\n", x->pend_num) != 0)
			return tc_buf_error(&x->texts);
		return keep_line(x, &x->texts);
	}
	if (obj_line(s, len, &num)) {
		x->pend = 1;
		x->pend_num = num;
		x->pend_off = x->line_off;
	} else if (is(s, len, "xref")) {
		tc_buf_truncate(&x->xref, 0);
		x->in_xref = 1;
		x->xref_off = x->line_off;
		r = keep_line(x, &x->xref);
	}
	return r;
}

/* Reads n bytes as lines. */
static int
scan(struct tc_pdfbox *x, const uint8_t *p, size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if ((r = line_done(x)) != 0)
				return r;
			x->line_len = 0;
			x->line_long = 0;
			x->line_off = x->off + i + 1;
		} else if (x->line_len < LINE_MAX) {
			x->line[x->line_len++] = (char)p[i];
		} else {
			x->line_long = 1;
		}
	}
	return 0;
}

/* Writes n bytes on, unread. */
static int
emit(struct tc_pdfbox *x, const void *p, size_t n)
{
	if (x->failed)
		return x->failed;
	if (n == 0)
		return 0;
	if (x->write(x->arg, p, n) != 0)
		return x->failed = TC_ERR_IO;
	x->off += n;
	x->last = ((const char *)p)[n - 1];
	return 0;
}

int
tc_pdfbox_write(struct tc_pdfbox *x, const uint8_t *p, size_t n)
{
	int r;

	if (x == NULL || (p == NULL && n > 0))
		return TC_ERR_INVALID_ARG;
	if (x->failed)
		return x->failed;
	if ((r = scan(x, p, n)) != 0)
		return x->failed = r;
	return emit(x, p, n);
}

/* The next line of s (NUL-terminated) from *pos: its start and length. */
static const char *
next_line(const char *s, size_t *pos, size_t *len)
{
	const char *l = s + *pos, *e;

	if (*l == '\0')
		return NULL;
	e = strchr(l, '\n');
	*len = e != NULL ? (size_t)(e - l) : strlen(l);
	*pos += *len + (e != NULL);
	return l;
}

/* The parsed end of the file: offsets by object number, the trailer. */
struct tail {
	size_t *offs; /* offset + 1 of object n; 0: not in use */
	size_t n_offs;
	const char *trailer; /* the dictionary's lines before ">>" */
	size_t trailer_len;
};

/* One subsection's entries "OOOOOOOOOO GGGGG n " from line pos of s. */
static int
parse_entries(struct tail *t, const char *s, size_t *pos, unsigned long first,
    unsigned long count)
{
	unsigned long i;
	const char *l;
	size_t len, k, v;

	if (first > OBJNUM_MAX || count > OBJNUM_MAX + 1 - first)
		return TC_ERR_MALFORMED;
	if (first + count > t->n_offs) {
		size_t *n = realloc(t->offs, (first + count) * sizeof(*n));

		if (n == NULL)
			return TC_ERR_NOMEM;
		memset(
		    n + t->n_offs, 0, (first + count - t->n_offs) * sizeof(*n));
		t->offs = n;
		t->n_offs = first + count;
	}
	for (i = 0; i < count; i++) {
		if ((l = next_line(s, pos, &len)) == NULL || len != 19 ||
		    l[10] != ' ' || l[16] != ' ' || l[18] != ' ' ||
		    (l[17] != 'n' && l[17] != 'f'))
			return TC_ERR_MALFORMED;
		for (k = 0, v = 0; k < 10; k++) {
			if (l[k] < '0' || l[k] > '9')
				return TC_ERR_MALFORMED;
			v = v * 10 + (size_t)(l[k] - '0');
		}
		t->offs[first + i] = l[17] == 'n' ? v + 1 : 0;
	}
	return 0;
}

/* The table, the trailer and startxref as cairo writes them. */
static int
parse_tail(struct tc_pdfbox *x, struct tail *t)
{
	const char *s = (const char *)x->xref.data, *l, *tr;
	unsigned long first, count;
	size_t pos = 0, len, at;
	char num[32], *end;
	int r, n;

	if (!x->in_xref || s == NULL || next_line(s, &pos, &len) == NULL)
		return TC_ERR_MALFORMED;
	for (;;) {
		if ((l = next_line(s, &pos, &len)) == NULL)
			return TC_ERR_MALFORMED;
		if (is(l, len, "trailer"))
			break;
		if (len >= sizeof(num))
			return TC_ERR_MALFORMED;
		memcpy(num, l, len);
		num[len] = '\0';
		if (sscanf(num, "%lu %lu%n", &first, &count, &n) != 2 ||
		    (size_t)n != len)
			return TC_ERR_MALFORMED;
		if ((r = parse_entries(t, s, &pos, first, count)) != 0)
			return r;
	}
	tr = s + pos;
	if ((l = next_line(s, &pos, &len)) == NULL || len < 2 ||
	    memcmp(l, "<<", 2) != 0)
		return TC_ERR_MALFORMED;
	do {
		at = pos;
		if ((l = next_line(s, &pos, &len)) == NULL)
			return TC_ERR_MALFORMED;
	} while (!is(l, len, ">>"));
	t->trailer = tr;
	t->trailer_len = (size_t)(s + at - tr);
	if (memmem(tr, t->trailer_len, "/Prev", 5) != NULL ||
	    (l = next_line(s, &pos, &len)) == NULL ||
	    !is(l, len, "startxref") ||
	    (l = next_line(s, &pos, &len)) == NULL || len == 0 ||
	    len >= sizeof(num))
		return TC_ERR_MALFORMED;
	memcpy(num, l, len);
	num[len] = '\0';
	if (strtoull(num, &end, 10) != x->xref_off || *end != '\0' ||
	    (l = next_line(s, &pos, &len)) == NULL || !is(l, len, "%%EOF") ||
	    next_line(s, &pos, &len) != NULL)
		return TC_ERR_MALFORMED;
	return 0;
}

/*
 * Appends page p again to out with the boxes after its MediaBox line.
 * Returns 0 or TC_ERR_MALFORMED (no MediaBox, or one the inset does not
 * fit in).
 */
static int
page_with_boxes(struct tc_pdfbox *x, const struct page *p, struct tc_buf *out)
{
	const char *s = (const char *)x->texts.data + p->at, *m, *eol;
	double b[4], i = x->inset;
	char tmp[160], *e;
	size_t k, len;

	m = memmem(s, p->len, "\n   /MediaBox [", 15);
	if (m == NULL ||
	    (eol = memchr(m + 1, '\n', p->len - (size_t)(m + 1 - s))) == NULL)
		return TC_ERR_MALFORMED;
	len = (size_t)(eol - (m + 15));
	if (len >= sizeof(tmp))
		return TC_ERR_MALFORMED;
	memcpy(tmp, m + 15, len);
	tmp[len] = '\0';
	e = tmp;
	for (k = 0; k < 4; k++) {
		char *prev = e;

		b[k] = strtod(prev, &e);
		if (e == prev)
			return TC_ERR_MALFORMED;
	}
	while (*e == ' ')
		e++;
	if (strcmp(e, "]") != 0 || !(b[2] - b[0] > 2 * i) ||
	    !(b[3] - b[1] > 2 * i))
		return TC_ERR_MALFORMED;
	tc_buf_put(out, s, (size_t)(eol + 1 - s));
	tc_buf_printf(out,
	    "   /BleedBox [ %.4f %.4f %.4f %.4f ]\n"
	    "   /TrimBox [ %.4f %.4f %.4f %.4f ]\n",
	    b[0], b[1], b[2], b[3], b[0] + i, b[1] + i, b[2] - i, b[3] - i);
	tc_buf_put(out, eol + 1, p->len - (size_t)(eol + 1 - s));
	return tc_buf_error(out);
}

/*
 * The update: the pages again, their cross-reference section, trailer;
 * made in memory first, so that a refusal writes nothing.
 */
static int
append_update(
    struct tc_pdfbox *x, const struct tail *t, char *err, size_t errlen)
{
	struct tc_buf up, xr;
	const struct page *p;
	size_t i;
	int r = 0;

	tc_buf_init(&up, TEXTS_MAX);
	tc_buf_init(&xr, XREF_MAX);
	if (x->last != '\n')
		tc_buf_put_u8(&up, '\n');
	tc_buf_puts(&xr, "xref\n");
	for (i = 0; i < x->n_pages; i++) {
		p = &x->pages[i];
		if (p->num >= t->n_offs || t->offs[p->num] != p->off + 1)
			continue; /* bytes in a stream that look like a page */
		tc_buf_printf(
		    &xr, "%lu 1\n%010zu 00000 n \n", p->num, x->off + up.len);
		if ((r = page_with_boxes(x, p, &up)) == TC_ERR_MALFORMED) {
			r = tc_seterr(err, errlen, r,
			    "PDF: page object %lu has no MediaBox the bleed fits in",
			    p->num);
			goto out;
		}
		x->done++;
	}
	if (x->done > 0) {
		tc_buf_puts(&xr, "trailer\n");
		tc_buf_put(&xr, t->trailer, t->trailer_len);
		tc_buf_printf(&xr,
		    "   /Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", x->xref_off,
		    x->off + up.len);
		tc_buf_put(&up, xr.data, xr.len);
	}
	if ((r = tc_buf_error(&up)) != 0 || (r = tc_buf_error(&xr)) != 0)
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "PDF: out of memory");
	else if (x->done > 0 && (r = emit(x, up.data, up.len)) != 0)
		r = tc_seterr(err, errlen, r, "PDF: writing failed");
out:
	if (r != 0)
		x->done = 0;
	tc_buf_release(&up);
	tc_buf_release(&xr);
	return r;
}

int
tc_pdfbox_finish(struct tc_pdfbox *x, char *err, size_t errlen)
{
	struct tail t = { 0 };
	int r;

	if (x == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no filter");
	if (x->failed)
		return tc_seterr(err, errlen, x->failed, "PDF: %s",
		    x->failed == TC_ERR_IO ? "writing failed"
					   : "out of memory");
	if (x->line_len > 0 || x->line_long) {
		if ((r = line_done(x)) != 0)
			return tc_seterr(err, errlen, r, "PDF: out of memory");
		x->line_len = 0;
	}
	if (x->n_pages == 0)
		return 0;
	if ((r = parse_tail(x, &t)) != 0)
		r = tc_seterr(err, errlen, r,
		    r == TC_ERR_NOMEM
			? "PDF: out of memory"
			: "PDF: no cross-reference table and trailer at the end as cairo writes them");
	else
		r = append_update(x, &t, err, errlen);
	free(t.offs);
	return r;
}

size_t
tc_pdfbox_pages(const struct tc_pdfbox *x)
{
	return x != NULL ? x->done : 0;
}

void
tc_pdfbox_free(struct tc_pdfbox *x)
{
	if (x == NULL)
		return;
	tc_buf_release(&x->texts);
	tc_buf_release(&x->xref);
	free(x->pages);
	free(x);
}
