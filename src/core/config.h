/*
 * config: the settings of a running Relais, from command-line flags and environment variables (flags
 * win). Strings are borrowed from argv/environ or static defaults and live as long as the process.
 */
#ifndef RELAIS_CORE_CONFIG_H
#define RELAIS_CORE_CONFIG_H

#include <stdbool.h>

struct config {
    const char *database_url; /* --database, RELAIS_DATABASE_URL: sqlite:relais.db by default */
    const char *bind;         /* --bind, RELAIS_BIND: 127.0.0.1 */
    const char *port;         /* --port, RELAIS_PORT: 8080 (0 picks a free port) */
    const char *data_dir;     /* --data-dir, RELAIS_DATA_DIR: uploads and exports (./data) */
    const char *web_dir;      /* --web-dir, RELAIS_WEB_DIR: compiled static assets (web/dist) */
    const char *base_url;     /* --base-url, RELAIS_BASE_URL: public URL, for links in e-mails */
    const char *threads;      /* --threads, RELAIS_THREADS: worker threads (0 = cores) */
    const char *smtp_url;     /* RELAIS_SMTP_URL: smtp://host:587 or smtps://host:465; unset = no mail */
    const char *smtp_user;    /* RELAIS_SMTP_USER */
    const char *smtp_password; /* RELAIS_SMTP_PASSWORD */
    const char *smtp_from;    /* RELAIS_SMTP_FROM: sender address */
    const char *tile_url;     /* RELAIS_TILE_URL: map tile server template */
    const char *tile_attribution; /* RELAIS_TILE_ATTRIBUTION: the credit the tile server asks for */
    const char *font_dir;     /* RELAIS_FONT_DIR: the guide's TrueType fonts (build/fonts) */
    const char *communes_dir; /* --communes, RELAIS_COMMUNES_DIR: ref/data/communes */
    const char *anonymise_months; /* RELAIS_ANONYMISE_MONTHS: months without accompaniment before a
                                   * beneficiary's named record is anonymised (24) */
    const char *orientation_rappel_jours;        /* RELAIS_ORIENTATION_RAPPEL_JOURS: 10 */
    const char *orientation_expiration_jours;    /* RELAIS_ORIENTATION_EXPIRATION_JOURS: 30 */
    const char *orientation_anonymisation_jours; /* RELAIS_ORIENTATION_ANONYMISATION_JOURS: 730 */
    const char *orientation_lien_jours;          /* RELAIS_ORIENTATION_LIEN_JOURS: 8 */
    bool demo;                /* the database holds demo data (shown in the interface) */
};

/* Fills the defaults, then the environment. Flags are applied by the command-line parser. */
void config_init(struct config *c);
/* True when the public base URL is https:// (cookies get Secure, responses get HSTS). */
bool config_https(const struct config *c);

#endif
