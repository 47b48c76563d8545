/* The maintenance steps of the activité module (see maintenance_activite.h). */
#include "activite/maintenance_activite.h"
#include "activite/beneficiaires.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/str.h"

int maintenance_beneficiaires(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
                              const char **summary)
{
    int64_t months;
    const char *text = cfg->anonymise_months;
    if (!text || cstr_to_int64(text, &months) || months < 1 ||
        months > BENEFICIAIRE_ANONYMISE_MONTHS_MAX) {
        *summary = arena_printf(a,
                                "période d'inactivité « %s » : un nombre entier de mois entre 1 "
                                "et %d",
                                text ? text : "", BENEFICIAIRE_ANONYMISE_MONTHS_MAX);
        return ERR_INVALID;
    }
    int64_t count = 0;
    int rc = beneficiaire_anonymise_inactive(db, a, now, (int)months, &count);
    if (rc) {
        *summary = "l'anonymisation a échoué (base de données)";
        return rc;
    }
    *summary = arena_printf(a,
                            "%lld fiche%s nominative%s anonymisée%s après %lld mois sans "
                            "accompagnement",
                            (long long)count, count > 1 ? "s" : "", count > 1 ? "s" : "",
                            count > 1 ? "s" : "", (long long)months);
    return 0;
}
