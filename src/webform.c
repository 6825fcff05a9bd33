/* SPDX-License-Identifier: MIT */
/*
 * Parsers of what a browser sends to tcard-issuerd (include/tcard/
 * webform.h): a cookie out of the Cookie header, urlencoded and multipart
 * form bodies, and the CSRF token. Each is one pass over bytes the daemon
 * already buffered: the urlencoded parser decodes into one allocation no
 * larger than the body, the multipart parser copies only the short header
 * parameters and points into the body for the data. Rules:
 * docs/web-input.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "tcard/officerpc.h"
#include "tcard/utf8.h"
#include "tcard/webform.h"

/* RFC 7230 tchar: what a cookie name or a header name is made of. */
static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 6265 cookie-octet: visible ASCII but '"', ',', ';' and '\'. */
static int
is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

static int
is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Finds the pair of cookie name (nlen bytes) in header[0..hlen): sets
 * [*vs, *ve) to its value, trimmed. Returns how many pairs have that name
 * (0, 1, or 2 when it stopped at a second one, *vs then at its name).
 * Pairs without '=' are skipped: they are not name=value pairs.
 */
static size_t
cookie_find(const char *header, size_t hlen, const char *name, size_t nlen,
    size_t *vs, size_t *ve)
{
	size_t i, end, a, b, eq, k, found = 0;

	for (i = 0; i < hlen; i = end + 1) {
		for (end = i; end < hlen && header[end] != ';'; end++)
			;
		for (a = i; a < end && is_ows((unsigned char)header[a]); a++)
			;
		for (b = end; b > a && is_ows((unsigned char)header[b - 1]);
		     b--)
			;
		for (eq = a; eq < b && header[eq] != '='; eq++)
			;
		for (k = eq; k > a && is_ows((unsigned char)header[k - 1]); k--)
			;
		if (eq == b || k - a != nlen ||
		    memcmp(header + a, name, nlen) != 0)
			continue;
		if (++found > 1) {
			*vs = a;
			return found;
		}
		for (k = eq + 1; k < b && is_ows((unsigned char)header[k]); k++)
			;
		*vs = k;
		*ve = b;
	}
	return found;
}

/* Checks the caller's cookie name and the header's size and bytes. */
static int
cookie_args(const char *header, const char *name, size_t *hlen, size_t *nlen,
    char *err, size_t errlen)
{
	size_t k;

	if (name == NULL || (*nlen = strlen(name)) == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no cookie name");
	for (k = 0; k < *nlen; k++)
		if (!is_tchar((unsigned char)name[k]))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "cookie name: byte %zu is not a token character",
			    k);
	if (header == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "no Cookie header");
	if ((*hlen = strnlen(header, TC_COOKIE_HEADER_MAX + 1)) >
	    TC_COOKIE_HEADER_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "Cookie header: over the limit of %d bytes",
		    TC_COOKIE_HEADER_MAX);
	for (k = 0; k < *hlen; k++)
		if (((unsigned char)header[k] < 0x20 && header[k] != '\t') ||
		    header[k] == 0x7f)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "Cookie header: a control character at byte %zu",
			    k);
	return 0;
}

int
tc_cookie_get(const char *header, const char *name, char *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t hlen = 0, nlen = 0, vs = 0, ve = 0, k, found;
	int r;

	if (out == NULL || outlen == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no room for the cookie's value");
	out[0] = '\0';
	if ((r = cookie_args(header, name, &hlen, &nlen, err, errlen)) != 0)
		return r;
	if ((found = cookie_find(header, hlen, name, nlen, &vs, &ve)) == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "no cookie '%s'", name);
	if (found > 1)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "Cookie header: cookie '%s' given more than once (byte %zu)",
		    name, vs);
	if (ve - vs >= 2 && header[vs] == '"' && header[ve - 1] == '"') {
		vs++;
		ve--;
	}
	if (ve == vs)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "cookie '%s': empty value", name);
	if (ve - vs > TC_COOKIE_VALUE_MAX || ve - vs >= outlen)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "cookie '%s': %zu bytes, over the limit of %zu", name,
		    ve - vs,
		    outlen - 1 < TC_COOKIE_VALUE_MAX ? outlen - 1
						     : TC_COOKIE_VALUE_MAX);
	for (k = vs; k < ve; k++)
		if (!is_cookie_octet((unsigned char)header[k]))
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "cookie '%s': byte %zu of the header is not allowed in a cookie value",
			    name, k);
	memcpy(out, header + vs, ve - vs);
	out[ve - vs] = '\0';
	return 0;
}

/* Form bodies. */

#define WF_MAX_BODY   65536
#define WF_MAX_FIELDS 64
#define WF_MAX_NAME   64
#define WF_MAX_VALUE  8192

static int
wf_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':' || c == '[' || c == ']';
}

/*
 * Checks decoded text: valid UTF-8 and no control character but those in
 * allow (tab, CR, LF for a value; none for a name). Returns the offset of
 * the first bad byte, or len when all is well.
 */
static size_t
text_bad(const uint8_t *p, size_t len, int allow_ws)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		if ((k = tc_utf8_next(p + i, len - i, &cp)) == 0)
			return i;
		if ((cp < 0x20 || cp == 0x7f) &&
		    !(allow_ws && (cp == '\t' || cp == '\r' || cp == '\n')))
			return i;
		i += k;
	}
	return len;
}

void
tc_webform_init(struct tc_webform *form)
{
	memset(form, 0, sizeof(*form));
}

void
tc_webform_release(struct tc_webform *form)
{
	if (form == NULL)
		return;
	if (form->store != NULL)
		OPENSSL_cleanse(form->store, form->storelen);
	free(form->store);
	free(form->f);
	tc_webform_init(form);
}

/* Parses one field s[i..end) (field number no) onto the form. */
static int
wf_field(struct tc_webform *form, const uint8_t *s, size_t i, size_t end,
    size_t no, const struct tc_webform_limits *lim, size_t *w, char *err,
    size_t errlen)
{
	struct tc_webform_field *f = &form->f[form->n];
	size_t eq, where = 0, nlen, vlen, bad, k;
	char *name, *value;

	for (eq = i; eq < end && s[eq] != '='; eq++)
		;
	name = form->store + *w;
	if (tc_form_decode((const char *)s, i, eq, form->store, w, &where) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "field %zu: bad percent escape in its name at byte %zu of the body",
		    no, where);
	nlen = strlen(name);
	if (nlen == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "field %zu: empty name at byte %zu of the body", no, i);
	if (nlen > lim->max_name)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "field %zu: name longer than %zu bytes at byte %zu of the body",
		    no, lim->max_name, i);
	/* An embedded NUL ends name early: it then differs from eq - i. */
	for (k = 0; k < nlen; k++)
		if (!wf_name_char((unsigned char)name[k]))
			break;
	if (k < nlen || (size_t)(*w - 1 - (name - form->store)) != nlen)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "field %zu: a name is made of A-Z, a-z, 0-9 and _ - . : [ ] (byte %zu of the body)",
		    no, i);
	value = form->store + *w;
	if (eq < end) {
		if (tc_form_decode((const char *)s, eq + 1, end, form->store, w,
			&where) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "field %zu ('%s'): bad percent escape at byte %zu of the body",
			    no, name, where);
	} else
		form->store[(*w)++] = '\0';
	vlen = (size_t)(form->store + *w - 1 - value);
	if (vlen > lim->max_value)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "field %zu ('%s'): value of %zu bytes, over the limit of %zu",
		    no, name, vlen, lim->max_value);
	if ((bad = text_bad((const uint8_t *)value, vlen, 1)) != vlen)
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "field %zu ('%s'): byte %zu of the decoded value is not UTF-8 text (or a control character)",
		    no, name, bad);
	f->name = name;
	f->value = value;
	f->len = vlen;
	form->n++;
	return 0;
}

int
tc_webform_parse(struct tc_webform *form, const uint8_t *body, size_t len,
    const struct tc_webform_limits *limits, char *err, size_t errlen)
{
	struct tc_webform_limits lim = { 0 };
	size_t i, end, w = 0, no = 0;
	int r;

	if (form == NULL || (body == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	tc_webform_release(form);
	if (limits != NULL)
		lim = *limits;
	lim.max_body = lim.max_body ? lim.max_body : WF_MAX_BODY;
	lim.max_fields = lim.max_fields ? lim.max_fields : WF_MAX_FIELDS;
	if (lim.max_fields > TC_WEBFORM_FIELDS_CAP)
		lim.max_fields = TC_WEBFORM_FIELDS_CAP;
	lim.max_name = lim.max_name ? lim.max_name : WF_MAX_NAME;
	lim.max_value = lim.max_value ? lim.max_value : WF_MAX_VALUE;
	if (len > lim.max_body)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "form body of %zu bytes, over the limit of %zu", len,
		    lim.max_body);
	/* Decoding never grows text; a field adds two NULs at most. */
	form->storelen = len + 2 * lim.max_fields + 1;
	if ((form->store = malloc(form->storelen)) == NULL ||
	    (form->f = calloc(lim.max_fields, sizeof(*form->f))) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < len; i = end + 1) {
		for (end = i; end < len && body[end] != '&'; end++)
			;
		if (end == i)
			continue;
		if (++no > lim.max_fields) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "more than %zu fields (byte %zu of the body)",
			    lim.max_fields, i);
			goto fail;
		}
		if ((r = wf_field(
			 form, body, i, end, no, &lim, &w, err, errlen)) != 0)
			goto fail;
	}
	return 0;
fail:
	tc_webform_release(form);
	return r;
}

size_t
tc_webform_count(const struct tc_webform *form, const char *name)
{
	size_t i, n = 0;

	for (i = 0; form != NULL && name != NULL && i < form->n; i++)
		n += strcmp(form->f[i].name, name) == 0;
	return n;
}

const char *
tc_webform_get(const struct tc_webform *form, const char *name, size_t *len)
{
	const char *v = NULL;
	size_t vlen = 0;

	if (tc_webform_get_all(form, name, &v, &vlen, 1) != 1) {
		v = NULL;
		vlen = 0;
	}
	if (len != NULL)
		*len = vlen;
	return v;
}

size_t
tc_webform_get_all(const struct tc_webform *form, const char *name,
    const char **values, size_t *lens, size_t max)
{
	size_t i, n = 0;

	for (i = 0; form != NULL && name != NULL && i < form->n; i++) {
		if (strcmp(form->f[i].name, name) != 0)
			continue;
		if (n < max && values != NULL)
			values[n] = form->f[i].value;
		if (n < max && lens != NULL)
			lens[n] = form->f[i].len;
		n++;
	}
	return n;
}

/* multipart/form-data */

#define MP_MAX_PARTS  32
#define MP_MAX_HEADER 2048
#define MP_MAX_PART   (16u << 20)

/* RFC 2046 bcharsnospace. */
static int
is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("'()+_,-./:=?", c) != NULL);
}

/*
 * Reads one parameter value at s[*i..] (after the '='): a quoted string
 * (up to the next '"': browsers escape '"' as %22 and send '\' as it is)
 * or a run of characters up to ';' or the end, trimmed. Sets *vs, *ve.
 * Returns 0 or TC_ERR_MALFORMED (an unterminated quote, text after it).
 */
static int
param_value(const char *s, size_t n, size_t *i, size_t *vs, size_t *ve)
{
	size_t k = *i;

	if (k < n && s[k] == '"') {
		*vs = ++k;
		while (k < n && s[k] != '"')
			k++;
		if (k == n)
			return TC_ERR_MALFORMED;
		*ve = k++;
		while (k < n && is_ows((unsigned char)s[k]))
			k++;
		if (k < n && s[k] != ';')
			return TC_ERR_MALFORMED;
	} else {
		*vs = k;
		while (k < n && s[k] != ';')
			k++;
		*ve = k;
		while (*ve > *vs && is_ows((unsigned char)s[*ve - 1]))
			(*ve)--;
	}
	*i = k;
	return 0;
}

/* One parameter of a header value, as param_next finds it. */
struct param {
	size_t ns, ne, vs, ve; /* name and value, offsets into the value */
};

/*
 * Steps to the next "; name=value" of s (n bytes) from *i, which is at a
 * ';' or the end. Returns 1 with *p filled, 0 at the end, or
 * TC_ERR_MALFORMED.
 */
static int
param_next(const char *s, size_t n, size_t *i, struct param *p)
{
	size_t k = *i;

	if (k >= n)
		return 0;
	if (s[k] != ';')
		return TC_ERR_MALFORMED;
	k++;
	while (k < n && is_ows((unsigned char)s[k]))
		k++;
	if (k == n)
		return 0; /* a trailing ';' */
	p->ns = k;
	while (k < n && is_tchar((unsigned char)s[k]))
		k++;
	p->ne = k;
	while (k < n && is_ows((unsigned char)s[k]))
		k++;
	if (p->ne == p->ns || k == n || s[k] != '=')
		return TC_ERR_MALFORMED;
	k++;
	while (k < n && is_ows((unsigned char)s[k]))
		k++;
	if (param_value(s, n, &k, &p->vs, &p->ve) != 0)
		return TC_ERR_MALFORMED;
	*i = k;
	return 1;
}

static int
param_is(const char *s, const struct param *p, const char *name)
{
	size_t n = strlen(name);

	return p->ne - p->ns == n && strncasecmp(s + p->ns, name, n) == 0;
}

int
tc_multipart_boundary(
    const char *ctype, char *out, size_t outlen, char *err, size_t errlen)
{
	static const char mt[] = "multipart/form-data";
	size_t n, i, k, found = 0;
	struct param p;
	int r;

	if (out == NULL || outlen < TC_MULTIPART_BOUNDARY_MAX + 1)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no room for the boundary");
	out[0] = '\0';
	if (ctype == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "no Content-Type");
	if ((n = strnlen(ctype, 1025)) > 1024)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "Content-Type: over 1024 bytes");
	for (i = 0; i < n && is_ows((unsigned char)ctype[i]); i++)
		;
	if (n - i < sizeof(mt) - 1 ||
	    strncasecmp(ctype + i, mt, sizeof(mt) - 1) != 0 ||
	    (n - i > sizeof(mt) - 1 && ctype[i + sizeof(mt) - 1] != ';' &&
		!is_ows((unsigned char)ctype[i + sizeof(mt) - 1])))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "Content-Type: expected multipart/form-data");
	for (i += sizeof(mt) - 1; i < n && is_ows((unsigned char)ctype[i]); i++)
		;
	while ((r = param_next(ctype, n, &i, &p)) == 1) {
		if (!param_is(ctype, &p, "boundary"))
			continue;
		if (found++) {
			out[0] = '\0';
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "Content-Type: boundary given twice");
		}
		if (p.ve == p.vs || p.ve - p.vs > TC_MULTIPART_BOUNDARY_MAX)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "Content-Type: the boundary is %zu characters, not 1 to %d",
			    p.ve - p.vs, TC_MULTIPART_BOUNDARY_MAX);
		for (k = p.vs; k < p.ve; k++)
			if (!is_bchar((unsigned char)ctype[k]))
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "Content-Type: byte %zu of the boundary is not one of A-Z a-z 0-9 ' ( ) + _ , - . / : = ?",
				    k - p.vs);
		memcpy(out, ctype + p.vs, p.ve - p.vs);
		out[p.ve - p.vs] = '\0';
	}
	if (r < 0) {
		out[0] = '\0';
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "Content-Type: a bad parameter at byte %zu", i);
	}
	if (!found)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "Content-Type: no boundary");
	return 0;
}

void
tc_multipart_init(struct tc_multipart *mp)
{
	memset(mp, 0, sizeof(*mp));
}

void
tc_multipart_release(struct tc_multipart *mp)
{
	if (mp == NULL)
		return;
	free(mp->parts);
	tc_multipart_init(mp);
}

const struct tc_multipart_part *
tc_multipart_get(const struct tc_multipart *mp, const char *name)
{
	size_t i;

	for (i = 0; mp != NULL && name != NULL && i < mp->n; i++)
		if (strcmp(mp->parts[i].name, name) == 0)
			return &mp->parts[i];
	return NULL;
}

static unsigned
filename_flags(const char *s, size_t n)
{
	unsigned fl = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/')
			fl |= TC_FILENAME_SLASH;
		else if (c == '\\')
			fl |= TC_FILENAME_BACKSLASH;
		else if (c == '\0')
			fl |= TC_FILENAME_NUL;
		else if (c < 0x20 || c == 0x7f)
			fl |= TC_FILENAME_CONTROL;
	}
	if (text_bad((const uint8_t *)s, n, 0) != n &&
	    !(fl & (TC_FILENAME_NUL | TC_FILENAME_CONTROL)))
		fl |= TC_FILENAME_NOT_UTF8;
	if (n == 0 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		fl |= TC_FILENAME_DOTS;
	return fl;
}

/*
 * Reads a Content-Disposition value v (n bytes) of part no into *pt.
 */
static int
disposition(const char *v, size_t n, size_t no, struct tc_multipart_part *pt,
    char *err, size_t errlen)
{
	static const char fd[] = "form-data";
	size_t i = 0, len;
	struct param p;
	int r, has_name = 0;

	if (n < sizeof(fd) - 1 || strncasecmp(v, fd, sizeof(fd) - 1) != 0 ||
	    (n > sizeof(fd) - 1 && v[sizeof(fd) - 1] != ';' &&
		!is_ows((unsigned char)v[sizeof(fd) - 1])))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "part %zu: Content-Disposition is not form-data", no);
	for (i = sizeof(fd) - 1; i < n && is_ows((unsigned char)v[i]); i++)
		;
	while ((r = param_next(v, n, &i, &p)) == 1) {
		len = p.ve - p.vs;
		if (param_is(v, &p, "name")) {
			if (has_name++)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "part %zu: name= given twice", no);
			if (len > TC_MULTIPART_NAME_MAX)
				return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				    "part %zu: a name of %zu bytes, over the limit of %d",
				    no, len, TC_MULTIPART_NAME_MAX);
			if (len == 0 ||
			    text_bad((const uint8_t *)v + p.vs, len, 0) != len)
				return tc_seterr(err, errlen,
				    TC_ERR_BAD_ENCODING,
				    "part %zu: the name is empty, not UTF-8 or holds a control character",
				    no);
			memcpy(pt->name, v + p.vs, len);
			pt->name[len] = '\0';
		} else if (param_is(v, &p, "filename")) {
			if (pt->has_filename++)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "part %zu: filename= given twice", no);
			if (len > TC_MULTIPART_FILENAME_MAX)
				return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				    "part %zu: a file name of %zu bytes, over the limit of %d",
				    no, len, TC_MULTIPART_FILENAME_MAX);
			memcpy(pt->filename, v + p.vs, len);
			pt->filename[len] = '\0';
			pt->filename_len = len;
			pt->filename_flags = filename_flags(pt->filename, len);
		}
		/* filename* and others: ignored (RFC 7578 section 4.2). */
	}
	if (r < 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "part %zu: Content-Disposition: a bad parameter at byte %zu",
		    no, i);
	if (!has_name)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "part %zu: Content-Disposition without name=", no);
	return 0;
}

/*
 * Reads the header block h (n bytes, each line ending in CR LF, the empty
 * line excluded) of part no into *pt. A header value is read as bytes:
 * browsers send UTF-8 file names raw.
 */
static int
part_headers(const uint8_t *h, size_t n, size_t no,
    struct tc_multipart_part *pt, char *err, size_t errlen)
{
	size_t i = 0, eol, colon, vs, ve, k;
	int seen_cd = 0, seen_ct = 0, r;

	/* Folding (RFC 7230 obs-fold) would hide a line's end: refused. */
	for (k = 0; k < n; k++)
		if (is_ows(h[k]) &&
		    (k == 0 ||
			(k >= 2 && h[k - 1] == '\n' && h[k - 2] == '\r')))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "part %zu: a folded header line", no);
	while (i < n) {
		for (eol = i;
		     eol + 1 < n && !(h[eol] == '\r' && h[eol + 1] == '\n');
		     eol++)
			;
		if (eol + 1 >= n)
			eol = n; /* not reached: the caller cut at CR LF */
		for (colon = i; colon < eol && is_tchar(h[colon]); colon++)
			;
		if (colon == i || colon == eol || h[colon] != ':')
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "part %zu: a header line without a name and ':'",
			    no);
		/*
		 * Other control bytes are judged where they matter: refused
		 * in a name and a Content-Type, flagged in a file name.
		 */
		for (k = colon + 1; k < eol; k++)
			if (h[k] == '\r' || h[k] == '\n')
				return tc_seterr(err, errlen,
				    TC_ERR_BAD_ENCODING,
				    "part %zu: a bare CR or LF in a header line",
				    no);
		for (vs = colon + 1; vs < eol && is_ows(h[vs]); vs++)
			;
		for (ve = eol; ve > vs && is_ows(h[ve - 1]); ve--)
			;
		if (colon - i == 19 &&
		    strncasecmp(
			(const char *)h + i, "Content-Disposition", 19) == 0) {
			if (seen_cd++)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "part %zu: Content-Disposition given twice",
				    no);
			if ((r = disposition((const char *)h + vs, ve - vs, no,
				 pt, err, errlen)) != 0)
				return r;
		} else if (colon - i == 12 &&
		    strncasecmp((const char *)h + i, "Content-Type", 12) == 0) {
			if (seen_ct++)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "part %zu: Content-Type given twice", no);
			if (ve - vs > TC_MULTIPART_CTYPE_MAX)
				return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				    "part %zu: a Content-Type of %zu bytes, over the limit of %d",
				    no, ve - vs, TC_MULTIPART_CTYPE_MAX);
			for (k = vs; k < ve; k++)
				if ((h[k] < 0x20 && h[k] != '\t') ||
				    h[k] >= 0x7f)
					return tc_seterr(err, errlen,
					    TC_ERR_BAD_ENCODING,
					    "part %zu: Content-Type is not printable ASCII",
					    no);
			memcpy(pt->ctype, h + vs, ve - vs);
			pt->ctype[ve - vs] = '\0';
		}
		i = eol + 2;
	}
	if (!seen_cd)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "part %zu: no Content-Disposition", no);
	return 0;
}

/* memmem for byte strings, bounded by n. */
static const uint8_t *
find(const uint8_t *p, size_t n, const uint8_t *needle, size_t nl)
{
	return memmem(p, n, needle, nl);
}

/*
 * After a delimiter at *i: "--" (the close delimiter: returns 1) or
 * optional spaces and tabs, then CR LF (returns 0, *i past them); else
 * TC_ERR_MALFORMED.
 */
static int
after_delimiter(const uint8_t *b, size_t len, size_t *i)
{
	size_t k = *i;

	if (len - k >= 2 && b[k] == '-' && b[k + 1] == '-') {
		*i = k + 2;
		return 1;
	}
	while (k < len && is_ows(b[k]))
		k++;
	if (len - k < 2 || b[k] != '\r' || b[k + 1] != '\n')
		return TC_ERR_MALFORMED;
	*i = k + 2;
	return 0;
}

static int
single_ok(const struct tc_multipart *mp, const struct tc_multipart_limits *lim,
    const char *name)
{
	size_t k;

	if (lim->single == NULL)
		return 1;
	for (k = 0; lim->single[k] != NULL; k++)
		if (strcmp(lim->single[k], name) == 0)
			return tc_multipart_get(mp, name) == NULL;
	return 1;
}

static int
mp_grow(struct tc_multipart *mp, size_t max)
{
	struct tc_multipart_part *np;
	size_t na;

	if (mp->n < mp->alloc)
		return 0;
	na = mp->alloc ? mp->alloc * 2 : 4;
	if (na > max)
		na = max;
	if ((np = realloc(mp->parts, na * sizeof(*np))) == NULL)
		return TC_ERR_NOMEM;
	mp->parts = np;
	mp->alloc = na;
	return 0;
}

int
tc_multipart_parse(struct tc_multipart *mp, const char *ctype,
    const uint8_t *body, size_t len, const struct tc_multipart_limits *limits,
    char *err, size_t errlen)
{
	struct tc_multipart_limits lim = { 0 };
	char bnd[TC_MULTIPART_BOUNDARY_MAX + 1];
	uint8_t delim[TC_MULTIPART_BOUNDARY_MAX + 4];
	struct tc_multipart_part *pt;
	const uint8_t *e;
	size_t dl, i, hend, no = 0;
	int r;

	if (mp == NULL || (body == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	tc_multipart_release(mp);
	if (limits != NULL)
		lim = *limits;
	lim.max_parts = lim.max_parts ? lim.max_parts : MP_MAX_PARTS;
	if (lim.max_parts > TC_MULTIPART_PARTS_CAP)
		lim.max_parts = TC_MULTIPART_PARTS_CAP;
	lim.max_header_bytes =
	    lim.max_header_bytes ? lim.max_header_bytes : MP_MAX_HEADER;
	lim.max_part_size = lim.max_part_size ? lim.max_part_size : MP_MAX_PART;
	if ((r = tc_multipart_boundary(ctype, bnd, sizeof(bnd), err, errlen)) !=
	    0)
		return r;
	/* delim is CR LF "--" boundary; the first one comes without CR LF. */
	dl = strlen(bnd) + 4;
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, bnd, dl - 4);
	if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the body does not start with the boundary");
	i = dl - 2;
	for (;;) {
		if ((r = after_delimiter(body, len, &i)) == 1)
			break; /* the close delimiter; the epilogue is ignored */
		if (r < 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "byte %zu: a delimiter not followed by CR LF or --",
			    i);
			goto fail;
		}
		if (++no > lim.max_parts) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "more than %zu parts", lim.max_parts);
			goto fail;
		}
		if ((r = mp_grow(mp, lim.max_parts)) != 0) {
			r = tc_seterr(err, errlen, r, "out of memory");
			goto fail;
		}
		pt = &mp->parts[mp->n];
		memset(pt, 0, sizeof(*pt));
		/* The header block: up to CR LF CR LF, within the limit. */
		if (len - i >= 2 && body[i] == '\r' && body[i + 1] == '\n')
			e = body + i; /* no header line at all */
		else
			e = find(body + i,
			    len - i < lim.max_header_bytes + 4
				? len - i
				: lim.max_header_bytes + 4,
			    (const uint8_t *)"\r\n\r\n", 4);
		if (e == NULL) {
			r = len - i >= lim.max_header_bytes + 4
			    ? tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				  "part %zu: headers over %zu bytes", no,
				  lim.max_header_bytes)
			    : tc_seterr(err, errlen, TC_ERR_MALFORMED,
				  "part %zu: headers not ended by CR LF CR LF",
				  no);
			goto fail;
		}
		hend = (size_t)(e - body);
		if (hend - i > lim.max_header_bytes) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "part %zu: headers over %zu bytes", no,
			    lim.max_header_bytes);
			goto fail;
		}
		if ((r = part_headers(body + i, hend == i ? 0 : hend - i + 2,
			 no, pt, err, errlen)) != 0)
			goto fail;
		i = hend + (hend == i ? 2 : 4);
		if ((e = find(body + i, len - i, delim, dl)) == NULL) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "part %zu ('%s'): no delimiter after its data (is the close delimiter missing?)",
			    no, pt->name);
			goto fail;
		}
		pt->data = body + i;
		pt->len = (size_t)(e - body) - i;
		if (pt->len > lim.max_part_size) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "part %zu ('%s'): %zu bytes, over the limit of %zu",
			    no, pt->name, pt->len, lim.max_part_size);
			goto fail;
		}
		if (!single_ok(mp, &lim, pt->name)) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "part %zu: field '%s' given more than once", no,
			    pt->name);
			goto fail;
		}
		mp->n++;
		i = (size_t)(e - body) + dl;
	}
	return 0;
fail:
	tc_multipart_release(mp);
	return r;
}

/* CSRF tokens. */

/* The monitor's session ids are the same text: one encoder serves both. */
_Static_assert(TC_TOKEN_LEN == TC_ORPC_TOKEN_LEN, "one token length");

int
tc_token_new(char out[TC_TOKEN_LEN + 1])
{
	uint8_t raw[32];

	out[0] = '\0';
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return TC_ERR_CRYPTO;
	tc_orpc_token_text(raw, out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int
tc_token_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strnlen(a, 256);
	lb = strnlen(b, 256);
	if (la == 0 || la != lb || la == 256)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
