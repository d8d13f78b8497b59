// The small C shim between Swift and libsystemd: the headers Swift needs, and wrappers for the
// calls Swift cannot make directly (sd_journal_send is variadic).
#ifndef PUMPMOND_CSYSTEMD_SHIM_H
#define PUMPMOND_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

/// sd_listen_fds_with_names() hands back a malloc'ed array of malloc'ed strings; this frees it.
static inline void csystemd_free_names(char **names) {
    if (names == 0) return;
    for (char **p = names; *p != 0; p++) free(*p);
    free(names);
}

#endif
