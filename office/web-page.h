/* SPDX-License-Identifier: MIT */
/*
 * The web worker's small page framework (office/web-page.c), shared by
 * the staff console (office/web-console.c) and the applicants' portal
 * (office/web-portal-pages.c): per-page state, the language (?lang=
 * remembered in the tcard_lang cookie), the HTML answer's headers and
 * CSP, 303 redirects, escaping through tc_html_put. Each site draws its
 * own header, problem pages and forms.
 */
#ifndef TCARD_OFFICE_WEB_PAGE_H
#define TCARD_OFFICE_WEB_PAGE_H

#include <jansson.h>

#include "tcard/buf.h"
#include "tcard/html.h"
#include "web.h"

#define PAGE_MAX (4u * 1024 * 1024) /* bytes of one page */

struct page;

/* What differs between the sites that draw pages. */
struct page_site {
	int ep;		    /* WEB_EP_* of its pages */
	const char *csp;    /* the pages' Content-Security-Policy */
	const char *path;   /* "/console": the language cookie's Path */
	const char *cookie; /* the session cookie's name */
	const char *login;  /* the sign-in page's path */
	/* The site's stylesheets and scripts in <head>, and its title. */
	const char *assets;
	const char *zh, *en;
	/* A signed-out request's answer (to the sign-in page). */
	void (*to_login)(struct page *pg);
	/* The site's one not-found page. */
	void (*not_found)(struct page *pg);
	/* A problem page's way back: its path and its text. */
	const char *back, *back_zh, *back_en;
	/* The site's page start: page_open, its header, page_main. */
	int (*head)(struct page *pg, const char *title);
};

/* Per-page state. */
struct page {
	const struct page_site *site;
	struct tc_dreq *rq;
	struct tc_dresp *resp;
	struct tc_buf *b;
	int en; /* English, else Chinese */
	char sid[TC_ORPC_TOKEN_LEN + 1];
	const char *who, *csrf; /* whoami's answer (owned by an answer) */
	json_t *idoc; /* portal: the identity's ID document (whoami's), or NULL */
	json_t *roles;
	struct tc_webform query;
};

/* The text in the page's language. */
#define L(z, e) (pg->en ? (e) : (z))

static inline int
put(struct page *pg, const char *s)
{
	return tc_buf_puts(pg->b, s);
}

/* s escaped for HTML text and attribute values (NULL: nothing). */
static inline int
esc(struct page *pg, const char *s)
{
	return tc_html_put(pg->b, s);
}

/*
 * Starts a page of site: the query parsed, the language chosen (and
 * remembered when ?lang= says), the session cookie's token into sid,
 * the body's buffer ready.
 */
void page_begin(struct page *pg, const struct page_site *site,
    struct tc_dreq *rq, struct tc_dresp *resp);
void page_end(struct page *pg);
/* The value of query field name, or NULL. */
const char *page_query(struct page *pg, const char *name);
/* Sets the HTML answer's status, result and headers (the site's CSP). */
void page_status(struct page *pg, unsigned status, int result);
/*
 * A 303 to location (copied into the request's state, which the finish
 * hook frees: the layer sends the header after the handler returns).
 */
void page_redirect(struct page *pg, const char *location);
/* Ends the page's HTML; a write error becomes the layer's 500. */
void page_finish(struct page *pg, int bad);
/* The WEB_R_* result of an HTTP error status. */
int page_result(unsigned status);
/*
 * The title of a problem page of status (403, 409, 400, 503; others:
 * "Error") in the page's language.
 */
const char *page_problem_title(struct page *pg, unsigned status);

/*
 * Writes the page's start: the HTML head (the site's assets, title and
 * its suffix) and the <body> up to the open <header>. page_main closes
 * the header and opens <main> with the <h1> title.
 */
int page_open(struct page *pg, const char *title);
int page_main(struct page *pg, const char *title);
/*
 * The end of a site's header, then page_main: the language switch and,
 * for a signed-in page, who (a link to account, or text when NULL) and
 * the sign-out form posting to logout with the session's CSRF token.
 */
int page_header_end(struct page *pg, const char *account, const char *logout,
    const char *title);

/* A word of a page (a flash, a state) in both languages. */
struct page_word {
	const char *word, *zh, *en;
};

/* The text of word in table w of n, in the page's language, or NULL. */
const char *page_word(
    struct page *pg, const struct page_word *w, size_t n, const char *word);
/* The flash paragraph of ?done= when it is a word of w (only those). */
int page_flash(struct page *pg, const struct page_word *w, size_t n);

/* msg escaped in the paragraph p.error#problem; nothing when NULL. */
int page_error(struct page *pg, const char *msg);
/*
 * Appends tpl, each "%s" in it replaced by the next argument escaped for
 * HTML text and attribute values (tc_html_put; NULL: nothing). Returns
 * nonzero when the page's buffer failed.
 */
int page_fmt(struct page *pg, const char *tpl, ...);
/*
 * A whole page of status with one message (escaped) and a link back to
 * back (its text back_text), in the site's frame.
 */
/*
 * An RPC error answer as the site's page: 401 to the sign-in page, 404
 * the one not-found page, others a problem page with the monitor's (the
 * library's) message and a way back (back, NULL: the site's).
 */
void page_rpc_problem(
    struct page *pg, const struct web_answer *an, const char *back);
void page_problem(struct page *pg, unsigned status, const char *title,
    const char *msg, const char *back, const char *back_text);
/*
 * An application's state for people (for an applicant when applicant:
 * "under review" where staff read "submitted"), or the state itself.
 */
const char *page_state(struct page *pg, const char *state, int applicant);

/*
 * The site's session cookie set to token (HttpOnly, SameSite=Strict,
 * Secure over TLS), or cleared when token is NULL.
 */
void page_session_cookie(struct page *pg, const char *token);
/*
 * POST of a sign-out form: op (with the form's csrf) in the session,
 * then the cookie cleared and a 303 to the sign-in page with the flash
 * "signed-out"; the site's problem page when the monitor refuses (no
 * CSRF: 403). Without a session, the sign-in page.
 */
void page_logout(struct page *pg, const char *op);
/* String member k of o, or NULL. */
const char *jstr(json_t *o, const char *k);

#endif
