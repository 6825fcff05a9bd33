/* SPDX-License-Identifier: MIT */
/*
 * The log of tcard-verifierd on the daemon layer's JSON log
 * (daemon/log.c, held in vd->log): the wrappers the verifier's files
 * call, its masked card numbers and its bilingual texts in JSON.
 */
#include <stdarg.h>
#include <string.h>

#include "tcard/buf.h"
#include "vd.h"

int
vd_log_open(struct vd_ctx *vd, const char *dest, char *err, size_t errlen)
{
	return tc_dlog_open(&vd->log, dest, vd->clock_offset, err, errlen);
}

int
vd_log_start(struct vd_ctx *vd)
{
	return tc_dlog_start(vd->log);
}

void
vd_log_stop(struct vd_ctx *vd)
{
	if (vd->log != NULL)
		tc_dlog_stop(vd->log);
}

int
vd_log_reopen(struct vd_ctx *vd)
{
	return vd->log != NULL ? tc_dlog_reopen(vd->log) : 0;
}

void
vd_log_close(struct vd_ctx *vd)
{
	tc_dlog_close(vd->log);
	vd->log = NULL;
}

void
vd_log_request(struct vd_ctx *vd, const char *client, const char *method,
    const char *path, enum vd_endpoint e, unsigned status, enum vd_result r,
    uint64_t ns, size_t bytes, const char *card_masked)
{
	tc_dlog_request(vd->log, client, method, path, vd_endpoint_name(e),
	    status, vd_result_name(r), ns, bytes, card_masked);
}

void
vd_log_event(struct vd_ctx *vd, const char *event, const char *level,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tc_dlog_eventv(vd->log, event, level, fmt, ap);
	va_end(ap);
}

int
vd_log_limit(struct vd_ctx *vd, enum vd_limit kind, uint64_t now_ns)
{
	return tc_dlog_limit(vd->log, (enum tc_dlog_limit)kind, now_ns);
}

unsigned long
vd_log_limited(struct vd_ctx *vd, enum vd_limit kind)
{
	return tc_dlog_limited(vd->log, (enum tc_dlog_limit)kind);
}

void
vd_mask_card(const char *card16, char out[20])
{
	size_t i;

	out[0] = '\0';
	if (card16 == NULL || strlen(card16) != 16)
		return;
	for (i = 0; i < 16; i++)
		out[i] = i < 6 || i >= 12 ? card16[i] : '*';
	out[16] = '\0';
}

int
vd_json_text(struct tc_buf *out, const struct tc_text *t)
{
	int bad = 0;

	bad |= tc_buf_puts(out, "{\"zh\":");
	if (t->zh != NULL)
		bad |= tc_json_put_str(out, t->zh, 512);
	else
		bad |= tc_buf_puts(out, "null");
	bad |= tc_buf_puts(out, ",\"en\":");
	if (t->en != NULL)
		bad |= tc_json_put_str(out, t->en, 512);
	else
		bad |= tc_buf_puts(out, "null");
	bad |= tc_buf_put_u8(out, '}');
	return bad != 0 ? -1 : 0;
}
