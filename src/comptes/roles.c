/* The role vocabulary: stored values, French labels, and the text form of route access policies. */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/buf.h"

#include <string.h>

const char *role_value(enum role r)
{
    switch (r) {
    case ROLE_MEDIATEUR: return "mediateur";
    case ROLE_ADMIN_STRUCTURE: return "admin_structure";
    case ROLE_COORDINATEUR: return "coordinateur";
    case ROLE_ADMIN: return "admin";
    }
    return "";
}

const char *role_label(enum role r)
{
    switch (r) {
    case ROLE_MEDIATEUR: return "Médiateur numérique";
    case ROLE_ADMIN_STRUCTURE: return "Administrateur de structure";
    case ROLE_COORDINATEUR: return "Coordinateur";
    case ROLE_ADMIN: return "Administrateur de la plateforme";
    }
    return "";
}

enum role role_parse(const char *s)
{
    static const enum role all[] = {ROLE_MEDIATEUR, ROLE_ADMIN_STRUCTURE, ROLE_COORDINATEUR,
                                    ROLE_ADMIN};
    for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(s, role_value(all[i])) == 0)
            return all[i];
    return 0;
}

const char *auth_role_label(const struct auth *a, struct arena *arena)
{
    struct buf b;
    buf_init(&b, arena, 1024);
    if (a->roles & ROLE_ADMIN)
        buf_adds(&b, "Administrateur de la plateforme");
    if (a->roles & ROLE_COORDINATEUR) {
        buf_adds(&b, b.len ? ", coordinateur (" : "Coordinateur (");
        for (size_t i = 0; i < a->n_departements; i++)
            buf_addf(&b, "%s%s", i ? ", " : "", a->departements[i]);
        buf_addch(&b, ')');
    }
    if (a->roles & ROLE_ADMIN_STRUCTURE)
        buf_adds(&b, b.len ? ", administrateur de structure" : "Administrateur de structure");
    if (a->roles & ROLE_MEDIATEUR)
        buf_adds(&b, b.len ? ", médiateur" : "Médiateur numérique");
    if (!b.len)
        buf_adds(&b, "Sans rôle");
    return buf_cstr(&b);
}

const char *access_describe(unsigned access, struct arena *arena)
{
    struct buf b;
    buf_init(&b, arena, 256);
    if (access & ACCESS_API)
        buf_adds(&b, "api-");
    if ((access & 0xFF) == 0) {
        buf_adds(&b, (access & ACCESS_AUTH) ? "auth" : "public");
    } else {
        static const enum role order[] = {ROLE_MEDIATEUR, ROLE_ADMIN_STRUCTURE, ROLE_COORDINATEUR,
                                          ROLE_ADMIN};
        bool first = true;
        for (size_t i = 0; i < 4; i++)
            if ((access & order[i]) || order[i] == ROLE_ADMIN) {
                buf_addf(&b, "%s%s", first ? "" : ",", role_value(order[i]));
                first = false;
            }
    }
    if (access & ACCESS_TOKEN_WRITE)
        buf_adds(&b, ",jeton-ecriture");
    else if (access & ACCESS_TOKEN_READ)
        buf_adds(&b, ",jeton-lecture");
    return buf_cstr(&b);
}
