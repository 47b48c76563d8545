#include "lieux/lieux.h"
#include "core/err.h"
#include "core/log.h"
#include "lieux/communes.h"
#include "lieux/search.h"

static struct communes *communes_table;

int lieux_init(struct db *db, const char *communes_dir)
{
    int rc = communes_load(communes_dir, &communes_table);
    if (rc) {
        log_error("lieux: cannot load the communes of %s", communes_dir);
        return rc;
    }
    log_info("lieux: %zu communes loaded in %.0f ms", communes_count(communes_table),
             communes_load_ms(communes_table));
    return lieux_index_refresh(db, 0);
}

const struct communes *lieux_communes(void) { return communes_table; }
