/*
 * log: one line per event on standard error, with a level and a UTC timestamp. The access log of the
 * HTTP layer goes through log_info too. ASSERT is always on: a broken invariant logs and aborts.
 */
#ifndef RELAIS_CORE_LOG_H
#define RELAIS_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below this level are dropped (LOG_INFO by default; RELAIS_LOG=debug|info|warn|error). */
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            log_fatal("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);                  \
    } while (0)

#endif
