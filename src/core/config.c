#include "core/config.h"

#include <stdlib.h>
#include <string.h>

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return (v && *v) ? v : fallback;
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->database_url = env_or("RELAIS_DATABASE_URL", "sqlite:relais.db");
    c->bind = env_or("RELAIS_BIND", "127.0.0.1");
    c->port = env_or("RELAIS_PORT", "8080");
    c->data_dir = env_or("RELAIS_DATA_DIR", "data");
    c->web_dir = env_or("RELAIS_WEB_DIR", "web/dist");
    c->base_url = env_or("RELAIS_BASE_URL", NULL);
    c->threads = env_or("RELAIS_THREADS", "0");
    c->smtp_url = env_or("RELAIS_SMTP_URL", NULL);
    c->smtp_user = env_or("RELAIS_SMTP_USER", NULL);
    c->smtp_password = env_or("RELAIS_SMTP_PASSWORD", NULL);
    c->smtp_from = env_or("RELAIS_SMTP_FROM", NULL);
    c->tile_url = env_or("RELAIS_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    c->communes_dir = env_or("RELAIS_COMMUNES_DIR", "ref/data/communes");
    c->anonymise_months = env_or("RELAIS_ANONYMISE_MONTHS", "24");
    c->orientation_rappel_jours = env_or("RELAIS_ORIENTATION_RAPPEL_JOURS", "10");
    c->orientation_expiration_jours = env_or("RELAIS_ORIENTATION_EXPIRATION_JOURS", "30");
    c->orientation_anonymisation_jours = env_or("RELAIS_ORIENTATION_ANONYMISATION_JOURS", "730");
    c->orientation_lien_jours = env_or("RELAIS_ORIENTATION_LIEN_JOURS", "8");
    c->tile_attribution =
        env_or("RELAIS_TILE_ATTRIBUTION", "© les contributeurs d'OpenStreetMap");
    c->font_dir = env_or("RELAIS_FONT_DIR", "build/fonts");
}

bool config_https(const struct config *c)
{
    return c->base_url && strncmp(c->base_url, "https://", 8) == 0;
}
