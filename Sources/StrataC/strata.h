#ifndef STRATA_H
#define STRATA_H
/* Strata's C ABI (libStrataC.so): tables in and out through the Arrow C Stream Interface.
 * Return 0 on success, else a Strata exit code (64 usage, 65 bad data, 66 missing input,
 * 69 unsupported, 74 I/O) with a message in *error (free it with strata_free_error). */
#include <stdint.h>

struct ArrowArrayStream; /* the Arrow C Stream Interface, as the Arrow specification defines it */

/* Reads a CSV, Parquet or Arrow IPC file (by extension) into a stream the caller releases. */
int strata_read(const char *path, struct ArrowArrayStream *out, char **error);
/* Consumes (releases) a stream and writes its rows as CSV, Parquet or Arrow IPC (by extension). */
int strata_write(const char *path, struct ArrowArrayStream *input, char **error);
void strata_free_error(char *message);
#endif
