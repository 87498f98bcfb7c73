/* Fuzz target: arbitrary bytes as an experiment file, then every point resolved. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-experiment-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct experiment *e;
	char err[1024];
	if (experiment_load(path, NULL, 0, &e, err, sizeof(err)) == 0) {
		size_t n = experiment_point_count(e);
		static struct experiment_point pt;
		for (size_t i = 0; i < n && i < 64; i++)
			(void)experiment_point(e, i, &pt, err, sizeof(err));
		experiment_free(e);
	}
	unlink(path);
	return 0;
}
