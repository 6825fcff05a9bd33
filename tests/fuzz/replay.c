/* SPDX-License-Identifier: MIT */
/*
 * A main() for the fuzz targets when they are built without libFuzzer (gcc):
 * each argument is a file or a directory of files, and each file is passed
 * once to LLVMFuzzerTestOneInput. `make check` uses it to replay the seed
 * corpora, so every target is exercised on every build. Shaped after OpenSC's
 * src/tests/fuzzing/fuzzer.c.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/*
 * A target may define this to write its seed corpus into dir (signed seeds
 * need the target's fixed keys): `fuzz_X --write-seeds DIR`. Returns 0.
 */
int tc_fuzz_write_seeds(const char *dir) __attribute__((weak));

static int
run_file(const char *path)
{
	FILE *f;
	uint8_t *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	/* A copy of exactly n bytes, so ASan sees reads past the end. */
	if ((p = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)n);
	free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, count = 0, bad = 0;

	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0) {
		if (tc_fuzz_write_seeds == NULL) {
			fprintf(stderr, "%s: this target writes no seeds\n",
			    argv[0]);
			return 2;
		}
		return tc_fuzz_write_seeds(argv[2]) == 0 ? 0 : 1;
	}

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;
		char path[4096];

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) != 0;
			count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			bad++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(
			    path, sizeof(path), "%s/%s", argv[i], e->d_name);
			bad += run_file(path) != 0;
			count++;
		}
		closedir(d);
	}
	printf("replayed %d inputs, %d unreadable\n", count, bad);
	return bad != 0 || count == 0;
}
