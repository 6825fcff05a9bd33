/* SPDX-License-Identifier: MIT */
/*
 * tcard-station's settings (station/st-conf.c): the table of keys read by
 * the daemon layer's configuration reader (daemon/dconf.h), and the checks
 * across keys. Pure parsing: no file is opened here, so the unit test
 * (tests/unit/test-stconf.c) and the fuzz target (fuzz_stconf) run it on
 * text. Reference of every key: docs/station.md, "Running a station".
 */
#ifndef TCARD_STATION_STATION_H
#define TCARD_STATION_STATION_H

#include <stddef.h>

#include "tcard/printjob.h"

#define ST_URL_MAX    1024 /* bytes of the office's URL, with its NUL */
#define ST_PATH_MAX   4096 /* bytes of a file name, with its NUL */
#define ST_READER_MAX 128  /* bytes of a reader name, with its NUL */
#define ST_WAIT_DFLT  25000
#define ST_WAIT_MAX   55000 /* TC_STATION_WAIT_MAX */

struct st_conf {
	char office[ST_URL_MAX]; /* https://HOST[:PORT][/PATH], no '/' at end */
	char office_ca[ST_PATH_MAX]; /* CA file of the office's certificate */
	char cert[ST_PATH_MAX];	     /* the station certificate (PEM) */
	char key[ST_PATH_MAX];	     /* its key (PEM, mode 600) */
	char reader[ST_READER_MAX];  /* a PC/SC reader, or part of its name */
	char printer_server[TC_PRINTQ_HOST_MAX + 16];
	char printer_queue[TC_PRINTQ_QUEUE_MAX];
	unsigned wait_ms;      /* the long poll */
	char log[ST_PATH_MAX]; /* a file, "" or "stderr": standard error */
	int have_printer;      /* printer-server and printer-queue set */
	struct tc_printq printq;
};

/*
 * Parses the settings file's text (len bytes) into cf, defaults first,
 * then checks what must be set and what goes together. Returns 0 or a
 * TC_ERR_* with err naming the line and the setting ("line 3: wait: ..."),
 * or the setting alone for a check across lines ("office is not set").
 */
int st_conf_parse(struct st_conf *cf /* OUT */, const char *text, size_t len,
    char *err, size_t errlen);

#endif
