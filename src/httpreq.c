/* SPDX-License-Identifier: MIT */
/*
 * Request parsers of tcard-verifierd (include/tcard/httpreq.h): strict
 * UTF-8, query strings and form bodies, the JSON body of /v1/verify. The
 * form parser decodes into caller-owned storage in one pass, so a request
 * costs no allocation; the JSON body goes through jansson with duplicate
 * keys refused, and is then checked member by member. Rules and answers:
 * docs/verifierd.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/httpreq.h"
#include "tcard/utf8.h"

int
tc_utf8_check(const uint8_t *p, size_t len, size_t *bad)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		/* Valid UTF-8, and no C0 or C1 control, nor DEL. */
		if ((k = tc_utf8_next(p + i, len - i, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7f && cp <= 0x9f)) {
			if (bad != NULL)
				*bad = i;
			return TC_ERR_BAD_ENCODING;
		}
		i += k;
	}
	return 0;
}

int
tc_form_decode(const char *s, size_t from, size_t to, char *store, size_t *w,
    size_t *where)
{
	size_t i;
	int hi, lo;

	for (i = from; i < to; i++) {
		if (s[i] == '+')
			store[(*w)++] = ' ';
		else if (s[i] == '%') {
			if (to - i < 3 || (hi = tc_hex_digit(s[i + 1])) < 0 ||
			    (lo = tc_hex_digit(s[i + 2])) < 0) {
				*where = i;
				return TC_ERR_MALFORMED;
			}
			store[(*w)++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			store[(*w)++] = s[i];
	}
	store[(*w)++] = '\0';
	return 0;
}

static int
name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
			(n[i] >= '0' && n[i] <= '9') || n[i] == '_' ||
			n[i] == '-'))
			return 0;
	return 1;
}

int
tc_form_parse(
    struct tc_form *form, const char *s, size_t len, char *err, size_t errlen)
{
	size_t i = 0, end, eq, w = 0, where = 0, nlen, vlen, k, bad;
	struct tc_form_field *f;
	const char *name;
	int r;

	if (form == NULL || (s == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	form->n = 0;
	if (len > TC_FORM_INPUT_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %u", len,
		    (unsigned)TC_FORM_INPUT_MAX);
	while (i < len) {
		for (end = i; end < len && s[end] != '&'; end++)
			;
		if (end == i) {
			i++;
			continue;
		}
		if (form->n == TC_FORM_MAX_FIELDS) {
			form->n = 0;
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "more than %d parameters", TC_FORM_MAX_FIELDS);
		}
		for (eq = i; eq < end && s[eq] != '='; eq++)
			;
		f = &form->f[form->n];
		name = form->store + w;
		if ((r = tc_form_decode(s, i, eq, form->store, &w, &where)) !=
		    0)
			goto bad_escape;
		nlen = (size_t)(form->store + w - 1 - name);
		if (nlen > TC_FORM_NAME_MAX) {
			form->n = 0;
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "byte %zu: parameter name longer than %d bytes", i,
			    TC_FORM_NAME_MAX);
		}
		if (!name_ok(name, nlen)) {
			form->n = 0;
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "byte %zu: a parameter name is 1 to %d characters of a-z, 0-9, '_' and '-'",
			    i, TC_FORM_NAME_MAX);
		}
		for (k = 0; k < form->n; k++)
			if (strcmp(form->f[k].name, name) == 0) {
				form->n = 0;
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "byte %zu: parameter '%s' repeated", i,
				    name);
			}
		f->name = name;
		f->value = form->store + w;
		if (eq < end) {
			if ((r = tc_form_decode(
				 s, eq + 1, end, form->store, &w, &where)) != 0)
				goto bad_escape;
			vlen = (size_t)(form->store + w - 1 - f->value);
		} else {
			vlen = 0;
			form->store[w++] = '\0';
		}
		f->len = vlen;
		if (tc_utf8_check((const uint8_t *)f->value, vlen, &bad) != 0) {
			form->n = 0;
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "parameter '%s': byte %zu of its value is not UTF-8 text (or a control character)",
			    name, bad);
		}
		form->n++;
		i = end + 1;
	}
	return 0;
bad_escape:
	form->n = 0;
	return tc_seterr(err, errlen, r,
	    "byte %zu: '%%' must be followed by two hex digits", where);
}

const char *
tc_form_get(const struct tc_form *form, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; form != NULL && name != NULL && i < form->n; i++)
		if (strcmp(form->f[i].name, name) == 0) {
			if (len != NULL)
				*len = form->f[i].len;
			return form->f[i].value;
		}
	if (len != NULL)
		*len = 0;
	return NULL;
}

int
tc_form_only(const struct tc_form *form, const char *const *allowed, char *err,
    size_t errlen)
{
	size_t i, k;

	for (i = 0; form != NULL && i < form->n; i++) {
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(form->f[i].name, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "unknown parameter '%s'", form->f[i].name);
	}
	return 0;
}

/* Copies the JSON string member v into out (cap bytes with the NUL). */
static int
json_text(json_t *v, const char *what, char *out, size_t cap, size_t *outlen,
    char *err, size_t errlen)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), bad;

	if (n >= cap)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "\"%s\": %zu bytes, over the limit of %zu", what, n,
		    cap - 1);
	if (tc_utf8_check((const uint8_t *)s, n, &bad) != 0)
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "\"%s\": a control character at byte %zu", what, bad);
	memcpy(out, s, n);
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/*
 * The start of a request parser: clears *out (size bytes), then parses a
 * JSON body of at most max bytes that must be one object (duplicate members
 * refused) into *root; example shows the expected shape in messages.
 * Returns 0, TC_ERR_INVALID_ARG (no out, or no body with a length),
 * TC_ERR_TOO_LARGE or TC_ERR_MALFORMED.
 */
static int
load_object(void *out, size_t size, const uint8_t *body, size_t len, size_t max,
    const char *example, json_t **root, char *err, size_t errlen)
{
	json_error_t je;

	*root = NULL;
	if (out == NULL || (body == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(out, 0, size);
	if (len > max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %zu", len, max);
	if (len == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "empty body: expected %s", example);
	*root =
	    json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &je);
	if (*root == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %d: not JSON: %s", je.position, je.text);
	if (!json_is_object(*root))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "expected a JSON object %s", example);
	return 0;
}

/* The end of a request parser: a failed parse leaves *out (size bytes) zero. */
static int
finish(json_t *root, void *out, size_t size, int r)
{
	json_decref(root);
	if (r != 0 && out != NULL)
		memset(out, 0, size);
	return r;
}

/* The member "qr" (the QR text) of a request. */
static int
member_qr(
    json_t *v, char *qr, size_t size, size_t *len, char *err, size_t errlen)
{
	if (!json_is_string(v))
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "\"qr\" must be a string");
	return json_text(v, "qr", qr, size, len, err, errlen);
}

int
tc_verify_req_parse(struct tc_verify_req *out, const uint8_t *body, size_t len,
    char *err, size_t errlen)
{
	json_t *root = NULL, *v;
	const char *key;
	size_t idlen;
	int r = TC_ERR_MALFORMED;

	if ((r = load_object(out, sizeof(*out), body, len, TC_VERIFY_REQ_MAX,
		 "{\"qr\": \"TC1:...\"}", &root, err, errlen)) != 0)
		goto out;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "qr") == 0) {
			if ((r = member_qr(v, out->qr, sizeof(out->qr),
				 &out->qrlen, err, errlen)) != 0)
				goto out;
		} else if (strcmp(key, "id") == 0) {
			if (json_is_null(v))
				continue;
			if (!json_is_string(v)) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "\"id\" must be a string or null");
				goto out;
			}
			if ((r = json_text(v, "id", out->id, sizeof(out->id),
				 &idlen, err, errlen)) != 0)
				goto out;
			out->has_id = idlen > 0;
		} else {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "unknown member \"%.40s\" (expected \"qr\" and optionally \"id\")",
			    key);
			goto out;
		}
	}
	if (out->qrlen == 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"qr\" is required and must not be empty");
		goto out;
	}
	r = 0;
out:
	return finish(root, out, sizeof(*out), r);
}

int
tc_request_id_ok(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= TC_REDEEM_REQID_MAX)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == '_' || s[i] == ':' || s[i] == '-'))
			return 0;
	}
	return 1;
}

int
tc_redeem_req_parse(struct tc_redeem_req *out, const uint8_t *body, size_t len,
    char *err, size_t errlen)
{
	json_t *root = NULL, *v;
	const char *key;
	json_int_t party;
	size_t n, i;
	int r = TC_ERR_MALFORMED;

	if ((r = load_object(out, sizeof(*out), body, len, TC_REDEEM_REQ_MAX,
		 "{\"qr\": \"TC1:...\", \"request_id\": \"...\"}", &root, err,
		 errlen)) != 0)
		goto out;
	out->party = 1;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "qr") == 0) {
			if ((r = member_qr(v, out->qr, sizeof(out->qr),
				 &out->qrlen, err, errlen)) != 0)
				goto out;
		} else if (strcmp(key, "tap") == 0) {
			if (!json_is_string(v) ||
			    json_string_length(v) != TC_REDEEM_TAP_LEN) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "\"tap\" must be the 32 hex digits of a tap id");
				goto out;
			}
			for (i = 0; i < TC_REDEEM_TAP_LEN; i++) {
				char ch = json_string_value(v)[i];

				if (!((ch >= '0' && ch <= '9') ||
					(ch >= 'a' && ch <= 'f'))) {
					r = tc_seterr(err, errlen,
					    TC_ERR_MALFORMED,
					    "\"tap\": character %zu is not a lower-case hex digit",
					    i + 1);
					goto out;
				}
			}
			memcpy(out->tap, json_string_value(v),
			    TC_REDEEM_TAP_LEN + 1);
		} else if (strcmp(key, "party") == 0) {
			if (!json_is_integer(v) ||
			    (party = json_integer_value(v)) < 1 ||
			    party > TC_REDEEM_PARTY_MAX) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "\"party\" must be an integer from 1 to %d",
				    TC_REDEEM_PARTY_MAX);
				goto out;
			}
			out->party = (int)party;
		} else if (strcmp(key, "request_id") == 0) {
			if (!json_is_string(v) ||
			    (n = json_string_length(v)) == 0 ||
			    n > TC_REDEEM_REQID_MAX ||
			    strlen(json_string_value(v)) != n ||
			    !tc_request_id_ok(json_string_value(v))) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "\"request_id\" must be 1 to %d characters of A-Z a-z 0-9 . _ : -",
				    TC_REDEEM_REQID_MAX);
				goto out;
			}
			memcpy(out->request_id, json_string_value(v), n + 1);
		} else {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "unknown member \"%.40s\" (expected \"qr\" or \"tap\", \"party\" and \"request_id\")",
			    key);
			goto out;
		}
	}
	if ((out->qrlen == 0) == (out->tap[0] == '\0')) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED, "%s",
		    out->qrlen == 0
			? "the card is needed: \"qr\" (the QR text) or \"tap\" (a tap id)"
			: "give \"qr\" or \"tap\", not both");
		goto out;
	}
	if (out->request_id[0] == '\0') {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"request_id\" is required (a client-chosen id, so that a retry counts once)");
		goto out;
	}
	r = 0;
out:
	return finish(root, out, sizeof(*out), r);
}

int
tc_url_path_decode(const char *s, size_t len, char *out, size_t outmax,
    size_t *outlen, char *err, size_t errlen)
{
	size_t i, w = 0;
	int hi, lo, c;

	if (out == NULL || outmax == 0 || (s == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	out[0] = '\0';
	for (i = 0; i < len && s[i] != '?'; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 || (hi = tc_hex_digit(s[i + 1])) < 0 ||
			    (lo = tc_hex_digit(s[i + 2])) < 0) {
				out[0] = '\0';
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "path byte %zu: '%%' must be followed by two hex digits",
				    i);
			}
			c = hi << 4 | lo;
			if (c == '/' || c == 0) {
				out[0] = '\0';
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "path byte %zu: %%%c%c (%s) is not allowed in a path",
				    i, s[i + 1], s[i + 2],
				    c == 0 ? "NUL" : "'/'");
			}
			i += 2;
		}
		if (c < 0x20 || c == 0x7f) {
			out[0] = '\0';
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "path byte %zu: a control character", i);
		}
		if (w + 1 >= outmax) {
			out[0] = '\0';
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "the path is longer than %zu bytes", outmax - 1);
		}
		out[w++] = (char)c;
	}
	out[w] = '\0';
	if (outlen != NULL)
		*outlen = w;
	return 0;
}

void
tc_http_framing_init(struct tc_http_framing *f)
{
	memset(f, 0, sizeof(*f));
}

/* value without the optional white space around it equals word (no case). */
static int
ows_equal(const char *value, const char *word)
{
	size_t n = strlen(word), len;

	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	return len == n && strncasecmp(value, word, n) == 0;
}

void
tc_http_framing_add(
    struct tc_http_framing *f, const char *name, const char *value)
{
	if (f == NULL || name == NULL)
		return;
	if (value == NULL)
		value = "";
	if (strcasecmp(name, "Transfer-Encoding") == 0) {
		f->te++;
		if (!ows_equal(value, "chunked"))
			f->te_other = 1;
	} else if (strcasecmp(name, "Content-Length") == 0) {
		if (f->cl++ == 0)
			snprintf(f->cl_first, sizeof(f->cl_first), "%s", value);
		else if (strncmp(f->cl_first, value, sizeof(f->cl_first)) !=
			0 ||
		    strlen(value) >= sizeof(f->cl_first))
			f->cl_differ = 1;
	}
}

int
tc_http_framing_check(
    const struct tc_http_framing *f, int http10, char *err, size_t errlen)
{
	if (f == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (f->te > 0 && f->cl > 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED, "%s",
		    "both Transfer-Encoding and Content-Length: the body's length is ambiguous");
	if (f->cl > 1)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "Content-Length given %u times%s", f->cl,
		    f->cl_differ ? " with different values" : "");
	if (f->te > 1)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "Transfer-Encoding given %u times", f->te);
	if (f->te > 0 && http10)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED, "%s",
		    "Transfer-Encoding in an HTTP/1.0 request");
	if (f->te_other)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED, "%s",
		    "Transfer-Encoding: only \"chunked\" is implemented");
	return 0;
}
