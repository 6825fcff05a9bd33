/* SPDX-License-Identifier: MIT */
/*
 * Statutory retirement age after the 2024 NPC Standing Committee decision
 * (include/tcard/retire.h): a table of three rows, each a start month of
 * birth, a step in months of birth per month of delay, and a cap.
 */
#include <stddef.h>

#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/retire.h"
#include "tcard/workday.h"

static const struct {
	int base;      /* original age in years */
	int from_year; /* first birth year affected (January) */
	int step;      /* months of birth per month of delay */
	int max_delay; /* months */
} groups[] = {
	{ TC_RETIRE_MEN, 1965, 4, 36 },
	{ TC_RETIRE_WOMEN_55, 1970, 4, 36 },
	{ TC_RETIRE_WOMEN_50, 1975, 2, 60 },
};

int
tc_retire_age_months(int base, int birth_year, int birth_month, int *months)
{
	size_t i;
	int k, delay;

	if (months == NULL || birth_month < 1 || birth_month > 12 ||
	    birth_year < 1900 || birth_year > 9999)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (groups[i].base != base)
			continue;
		/* Months of birth since January of the first year. */
		k = (birth_year - groups[i].from_year) * 12 + birth_month - 1;
		delay = k < 0 ? 0 : k / groups[i].step + 1;
		if (delay > groups[i].max_delay)
			delay = groups[i].max_delay;
		*months = base * 12 + delay;
		return 0;
	}
	return TC_ERR_INVALID_ARG;
}

int
tc_retire_day(int base, int y, int m, int d, int64_t *day)
{
	int months, r;

	if (day == NULL || !tc_date_valid(y, m, d))
		return TC_ERR_INVALID_ARG;
	if ((r = tc_retire_age_months(base, y, m, &months)) != 0)
		return r;
	*day = tc_day_add_months(tc_day_from_civil(y, m, d), months);
	return 0;
}
