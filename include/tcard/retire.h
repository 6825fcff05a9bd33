/* SPDX-License-Identifier: MIT */
/*
 * Statutory retirement age in China after the Decision of the Standing
 * Committee of the National People's Congress of 13 September 2024 on
 * gradually raising the statutory retirement age (in force 1 January 2025)
 * and its annexed table:
 *
 *   men, originally 60: born January 1965 or later retire 1 month later for
 *       every 4 months of birth (1965-01..04: +1, 1965-05..08: +2, ...), at
 *       most 36 months: 63 for those born September 1976 or later;
 *   women originally retiring at 55: the same from January 1970, at most
 *       36 months: 58 from September 1981;
 *   women originally retiring at 50: 1 month later for every 2 months of
 *       birth from January 1975, at most 60 months: 55 from November 1984.
 *
 * People born earlier keep the original age. The reform's voluntary
 * earlier or later retirement (up to 3 years, by agreement) is not
 * modelled: the statutory age is what the programmes' guards name.
 * docs/workflow.md explains how the applicant's group is chosen.
 */
#ifndef TCARD_RETIRE_H
#define TCARD_RETIRE_H

#include <stdint.h>

/* The original statutory ages, which name the three groups. */
#define TC_RETIRE_MEN	   60
#define TC_RETIRE_WOMEN_55 55
#define TC_RETIRE_WOMEN_50 50

/*
 * Sets *months to the statutory retirement age, in months, of a person of
 * group base (60, 55 or 50) born in month birth_month of birth_year.
 * Returns 0, or TC_ERR_INVALID_ARG for another base, a month outside 1-12
 * or a year outside 1900-9999 (*months untouched).
 */
int tc_retire_age_months(
    int base, int birth_year, int birth_month, int *months /* OUT */);

/*
 * Sets *day (a day number, include/tcard/workday.h) to the day the person
 * born on y-m-d reaches the statutory retirement age: the birth date plus
 * that many months, the 29th-31st falling back to the month's last day.
 * Returns 0, or TC_ERR_INVALID_ARG (base, or not a real date).
 */
int tc_retire_day(int base, int y, int m, int d, int64_t *day /* OUT */);

#endif
