/* SPDX-License-Identifier: MIT */
/*
 * The printing test driver (tests/integration/192-cups-print.sh,
 * docs/printing.md): libtcard's CUPS calls (include/tcard/printjob.h) from
 * the command line, until tcard-station prints through them.
 *
 * print-job submit SERVER QUEUE CARDNO PDF   prints the job id
 * print-job status SERVER QUEUE JOB          prints title=, state=, reasons=,
 *     message= (the job's), printer=, accepting=, printer-message=, one a
 *     line
 * print-job cancel SERVER QUEUE JOB
 *
 * -t MS before the command sets the queue's timeout_ms (30000 otherwise).
 * Exits 0, or 1 with "print-job: NAME: message" on stderr (NAME is
 * tc_errname() of the library's code), 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/printjob.h"

static int
usage(void)
{
	fprintf(stderr,
	    "usage: print-job submit SERVER QUEUE CARDNO PDF\n"
	    "       print-job status SERVER QUEUE JOB\n"
	    "       print-job cancel SERVER QUEUE JOB\n");
	return 2;
}

static int
fail(int r, const char *err)
{
	fprintf(stderr, "print-job: %s: %s\n", tc_errname(r),
	    err[0] != '\0' ? err : tc_strerror(r));
	return 1;
}

static int
submit(const struct tc_printq *q, const char *cardno, const char *path)
{
	struct tc_buf pdf;
	char err[512] = "";
	int r, job = 0;

	tc_buf_init(&pdf, TC_PRINTJOB_PDF_MAX);
	r = tc_file_read(
	    path, path, TC_PRINTJOB_PDF_MAX, 0, &pdf, err, sizeof(err));
	if (r == 0)
		r = tc_printjob_submit(
		    q, cardno, pdf.data, pdf.len, &job, err, sizeof(err));
	tc_buf_release(&pdf);
	if (r != 0)
		return fail(r, err);
	printf("%d\n", job);
	return 0;
}

static int
status(const struct tc_printq *q, int job)
{
	struct tc_printjob_status st;
	char err[512] = "";
	int r;

	if ((r = tc_printjob_status(q, job, &st, err, sizeof(err))) != 0)
		return fail(r, err);
	printf(
	    "title=%s\nstate=%s\nreasons=%s\nmessage=%s\nprinter=%s\naccepting=%s\n"
	    "printer-message=%s\n",
	    st.title, tc_printjob_state_name(st.state), st.reasons,
	    st.job_message, tc_printq_state_name(st.printer_state),
	    st.accepting ? "yes" : "no", st.printer_message);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tc_printq q;
	char err[512] = "";
	char *end;
	long job = 0, timeout = 0;
	int r;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		timeout = strtol(argv[2], &end, 10);
		if (*end != '\0' || timeout <= 0 || timeout > 600000)
			return usage();
		argc -= 2;
		argv += 2;
	}
	if (argc < 5)
		return usage();
	if ((r = tc_printq_parse(&q, argv[2], argv[3], err, sizeof(err))) != 0)
		return fail(r, err);
	if (timeout > 0)
		q.timeout_ms = (int)timeout;
	if (strcmp(argv[1], "submit") == 0 && argc == 6)
		return submit(&q, argv[4], argv[5]);
	if (argc != 5)
		return usage();
	job = strtol(argv[4], &end, 10);
	if (*end != '\0' || job <= 0 || job > 0x7fffffff)
		return usage();
	if (strcmp(argv[1], "status") == 0)
		return status(&q, (int)job);
	if (strcmp(argv[1], "cancel") == 0) {
		if ((r = tc_printjob_cancel(&q, (int)job, err, sizeof(err))) !=
		    0)
			return fail(r, err);
		return 0;
	}
	return usage();
}
