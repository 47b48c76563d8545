/*
 * store_fixture: the database of a unit test that runs once per store. store_fixture_open gives a
 * migrated connection to a new SQLite file (url NULL) or to the test PostgreSQL (its URL), and
 * store_fixture_close closes it and removes the SQLite files. Header-only, for tests/unit only.
 */
#ifndef RELAIS_TESTS_STORE_FIXTURE_H
#define RELAIS_TESTS_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

struct store_fixture {
    struct db *db;
    char path[96]; /* the SQLite file, or "" on PostgreSQL */
};

/* name tells the tests' files apart in /tmp. 0, or -1 when the store cannot be opened. */
static inline int store_fixture_open(struct store_fixture *f, const char *url, const char *name)
{
    f->path[0] = '\0';
    if (url)
        return db_open(url, &f->db) || db_migrate(f->db) ? -1 : 0;
    snprintf(f->path, sizeof(f->path), "/tmp/relais-test-%s-%d.db", name, (int)getpid());
    unlink(f->path);
    char u[128];
    snprintf(u, sizeof(u), "sqlite:%s", f->path);
    return db_open(u, &f->db) || db_migrate(f->db) ? -1 : 0;
}

static inline void store_fixture_close(struct store_fixture *f)
{
    db_close(f->db);
    if (!f->path[0])
        return;
    char side[128];
    unlink(f->path);
    snprintf(side, sizeof(side), "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", f->path);
    unlink(side);
}

/* Runs a cmocka group (an array, so that its size is known here) once on SQLite as NAME-sqlite,
 * then on the test PostgreSQL as NAME-postgres when RELAIS_TEST_PG_URL is set, and says so when it
 * is not; the value is the number of failures of both. */
#define STORE_FIXTURE_RUN(name, tests, setup_sqlite, setup_pg, teardown)                           \
    (cmocka_run_group_tests_name(name "-sqlite", tests, setup_sqlite, teardown) +                  \
     (getenv("RELAIS_TEST_PG_URL")                                                                  \
          ? cmocka_run_group_tests_name(name "-postgres", tests, setup_pg, teardown)               \
          : (fprintf(stderr, "%s-postgres: skipped (RELAIS_TEST_PG_URL is not set)\n", name), 0)))

#endif
