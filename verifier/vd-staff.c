/* SPDX-License-Identifier: MIT */
/*
 * Staff authentication of tcard-verifierd: the endpoints a service window
 * uses (redeem, usage, report, the window's reader) need
 * "Authorization: Bearer TOKEN" with a token of the staff-tokens file
 * (include/tcard/vdconf.h, tc_staff_tokens_parse). The window name that
 * goes with the token is recorded with each use; its scope (the services
 * and programmes it may act on) is checked by each endpoint once it knows
 * them (403 "out-of-scope"). Without a staff-tokens file those endpoints
 * answer 503: they are never open to everyone.
 */
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "tcard/vdconf.h"
#include "vd.h"

const struct tc_staff_token *
vd_staff_auth(
    struct vd_ctx *vd, const struct tc_dreq *rq, struct tc_dresp *resp)
{
	const struct tc_staff_token *w;
	const char *h;
	size_t n;

	if (vd->staff == NULL) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unavailable", "%s",
		    "staff endpoints are off: no staff-tokens file is configured");
		return NULL;
	}
	h = tc_dreq_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		resp->www_auth = "Bearer realm=\"tcard-verifierd\"";
		tc_dresp_error(resp, MHD_HTTP_UNAUTHORIZED, VD_R_UNAUTHORIZED,
		    "unauthorized", "%s",
		    "send Authorization: Bearer TOKEN with a staff token");
		return NULL;
	}
	for (h += 7; *h == ' '; h++)
		;
	n = strlen(h);
	while (n > 0 && h[n - 1] == ' ')
		n--;
	if ((w = tc_staff_tokens_lookup(vd->staff, h, n)) == NULL) {
		resp->www_auth =
		    "Bearer realm=\"tcard-verifierd\", error=\"invalid_token\"";
		tc_dresp_error(resp, MHD_HTTP_UNAUTHORIZED, VD_R_UNAUTHORIZED,
		    "unauthorized", "%s", "the staff token is not known");
		return NULL;
	}
	return w;
}

int
vd_staff_scope(const struct tc_staff_token *w, const char *programme,
    const char *service, struct tc_dresp *resp)
{
	if (tc_staff_allows(w, programme, service))
		return 1;
	if (programme != NULL)
		tc_dresp_error(resp, MHD_HTTP_FORBIDDEN, VD_R_FORBIDDEN,
		    "out-of-scope",
		    "window %s may not act on service %s of programme %s (its scope: %s)",
		    w->window, service, programme, w->scope);
	else
		tc_dresp_error(resp, MHD_HTTP_FORBIDDEN, VD_R_FORBIDDEN,
		    "out-of-scope",
		    "window %s may not act on service %s (its scope: %s)",
		    w->window, service, w->scope);
	return 0;
}
