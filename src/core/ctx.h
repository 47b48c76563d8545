/*
 * ctx: what a worker thread owns and hands to every request it serves (req->ctx): its own database
 * connection and the process configuration (read-only). Created lazily per thread by the
 * application's thread_context hook, never freed before the process ends.
 */
#ifndef RELAIS_CORE_CTX_H
#define RELAIS_CORE_CTX_H

struct db;
struct config;

struct ctx {
    struct db *db;
    const struct config *cfg;
};

#endif
