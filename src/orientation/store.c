/* Referrals in the database: validation, the status machine, the log, attachments, signed links,
 * notifications. */
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "lieux/standard.h"
#include "orientation/orientation.h"
#include "orientation/outbox.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const status_values[OS_N] = {"ouverte", "en_cours", "acceptee", "refusee",
                                                "expiree"};
static const char *const status_labels[OS_N] = {"Ouverte", "En cours d'étude", "Acceptée",
                                                "Refusée", "Expirée"};

const char *orientation_status_value(enum orientation_status s) { return status_values[s]; }
const char *orientation_status_label(enum orientation_status s) { return status_labels[s]; }

int orientation_status_parse(const char *value)
{
    for (int i = 0; value && i < OS_N; i++)
        if (strcmp(value, status_values[i]) == 0)
            return i;
    return -1;
}

bool orientation_status_final(enum orientation_status s)
{
    return s == OS_ACCEPTEE || s == OS_REFUSEE || s == OS_EXPIREE;
}

bool orientation_transition_ok(enum orientation_status from, enum orientation_status to)
{
    switch (from) {
    case OS_OUVERTE:
        return to == OS_EN_COURS || to == OS_ACCEPTEE || to == OS_REFUSEE || to == OS_EXPIREE;
    case OS_EN_COURS:
        return to == OS_ACCEPTEE || to == OS_REFUSEE || to == OS_EXPIREE;
    default:
        return false;
    }
}

const struct orientation_choice orientation_preferences[] = {
    {"telephone", "Téléphone"},
    {"email", "E-mail"},
    {"referent", "Via le conseiller référent"},
    {"autre", "Autre"},
};
const size_t orientation_n_preferences = N(orientation_preferences);

/* DORA's reasons, worded for digital mediation and for people rather than job seekers. */
const struct orientation_choice orientation_refus[] = {
    {"personne-non-joignable", "Personne non joignable"},
    {"personne-absente", "Personne ne s'étant pas présentée au rendez-vous"},
    {"personne-non-eligible", "Personne non éligible (ne répond pas aux conditions d'accès)"},
    {"personne-non-mobile", "Personne non mobile"},
    {"personne-non-interessee", "Personne non intéressée"},
    {"freins-peripheriques",
     "Un ou plusieurs freins périphériques empêchent la personne de poursuivre"},
    {"hors-competence", "Demande hors du champ de la structure"},
    {"complet", "Plus de place disponible (atelier ou agenda complet)"},
    {"orientation-en-doublon", "Orientation en doublon"},
    {"autre", "Autre (détails dans le message)"},
};
const size_t orientation_n_refus = N(orientation_refus);

const char *orientation_choice_label(const struct orientation_choice *list, size_t n,
                                     const char *value)
{
    for (size_t i = 0; value && i < n; i++)
        if (strcmp(list[i].value, value) == 0)
            return list[i].label;
    return NULL;
}

static int64_t days_setting(const char *name, const char *value, int64_t fallback)
{
    int64_t d;
    if (!value || cstr_to_int64(value, &d) || d < 1 || d > 36500) {
        log_warn("%s: « %s » n'est pas un nombre de jours de 1 à 36500 ; %lld retenu", name,
                 value ? value : "", (long long)fallback);
        return fallback * 86400;
    }
    return d * 86400;
}

void orientation_settings_read(const struct config *cfg, struct orientation_settings *out)
{
    out->rappel_s =
        days_setting("RELAIS_ORIENTATION_RAPPEL_JOURS", cfg->orientation_rappel_jours, 10);
    out->expiration_s =
        days_setting("RELAIS_ORIENTATION_EXPIRATION_JOURS", cfg->orientation_expiration_jours, 30);
    out->anonymisation_s = days_setting("RELAIS_ORIENTATION_ANONYMISATION_JOURS",
                                        cfg->orientation_anonymisation_jours, 730);
    out->lien_s = days_setting("RELAIS_ORIENTATION_LIEN_JOURS", cfg->orientation_lien_jours, 8);
}

/* --- validation --- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *trimmed(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    struct str t = str_trim(str_from(s));
    return t.len ? str_dup(t, a) : NULL;
}

static void check_length(struct ui_errors *errs, struct arena *a, const char *field,
                         const char *label, const char *value, size_t max)
{
    size_t n = utf8_chars(value);
    if (n > max)
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : %zu caractères au plus (%zu saisis).", label, max, n));
}

int orientation_validate(const struct orientation_input *in, struct arena *a,
                         struct ui_errors *errs)
{
    size_t before = errs->n;
    const char *personne = trimmed(a, in->personne), *contact = trimmed(a, in->contact),
               *motif = trimmed(a, in->motif);
    if (!in->to_structure_id && !in->to_email)
        ui_errors_add(errs, "destination",
                      "Destination : ce lieu n'a ni compte sur Relais ni adresse e-mail ; "
                      "orientez la personne avec la fiche du lieu.");
    if (in->to_structure_id && in->to_structure_id == in->from_structure_id)
        ui_errors_add(errs, "destination",
                      "Destination : vous ne pouvez pas orienter une personne vers votre propre "
                      "structure.");
    if (!personne)
        ui_errors_add(errs, "personne",
                      "Personne : indiquez son prénom ou ses initiales (rien de plus).");
    else
        check_length(errs, a, "personne", "Personne", personne, ORIENTATION_PERSONNE_MAX);
    bool referent_only = in->n_preferences == 1 && strcmp(in->preferences[0], "referent") == 0;
    if (in->n_preferences == 0)
        ui_errors_add(errs, "preferences",
                      "Préférences de contact : cochez au moins une façon de contacter la "
                      "personne.");
    for (size_t i = 0; i < in->n_preferences; i++)
        if (!orientation_choice_label(orientation_preferences, orientation_n_preferences,
                                      in->preferences[i])) {
            ui_errors_add(errs, "preferences",
                          "Préférences de contact : une valeur ne fait pas partie de la liste.");
            break;
        }
    if (!contact && !referent_only)
        ui_errors_add(errs, "contact",
                      "Moyen de la joindre : indiquez un téléphone ou une adresse e-mail de la "
                      "personne (ou choisissez seulement « Via le conseiller référent »).");
    else if (contact)
        check_length(errs, a, "contact", "Moyen de la joindre", contact, ORIENTATION_CONTACT_MAX);
    if (in->n_besoins == 0)
        ui_errors_add(errs, "besoins", "Besoin : cochez au moins un service demandé.");
    for (size_t i = 0; i < in->n_besoins; i++)
        if (lieu_value_index(LF_SERVICES, in->besoins[i], strlen(in->besoins[i])) < 0) {
            ui_errors_add(errs, "besoins",
                          arena_printf(a, "Besoin : « %.80s » n'est pas un service du standard.",
                                       in->besoins[i]));
            break;
        }
    if (!motif)
        ui_errors_add(errs, "motif",
                      "Motif de l'orientation : expliquez en quelques lignes ce "
                      "que la personne attend.");
    else
        check_length(errs, a, "motif", "Motif de l'orientation", motif, ORIENTATION_MOTIF_MAX);
    check_length(errs, a, "disponibilites", "Disponibilités", in->disponibilites,
                 ORIENTATION_TEXT_MAX);
    check_length(errs, a, "interlocuteur", "Personne à demander", in->interlocuteur,
                 ORIENTATION_PERSONNE_MAX * 2);
    check_length(errs, a, "a_apporter", "Documents à apporter", in->a_apporter,
                 ORIENTATION_TEXT_MAX);
    if (!in->engagement)
        ui_errors_add(errs, "engagement",
                      "Engagement : cochez la case pour confirmer que vous informez la personne du "
                      "traitement de ses données.");
    return errs->n > before ? ERR_INVALID : 0;
}

static const char *joined(struct arena *a, const char **items, size_t n)
{
    struct buf b;
    buf_init(&b, a, 64 * 1024);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(&b, '|');
        buf_adds(&b, items[i]);
    }
    return buf_cstr(&b);
}

static int log_event(struct db *db, int64_t id, const struct orientation_actor *who, bool status,
                     const char *from, const char *to, const char *body, int64_t now);

static const char SQL_INSERT[] =
    "INSERT INTO orientations (departement, from_structure_id, from_user_id, to_structure_id, "
    "to_email, lieu_id, destination_nom, personne, contact, preferences, besoins, motif, "
    "disponibilites, interlocuteur, a_apporter, engagement, status, created_at, updated_at, demo, "
    "beneficiaire_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, "
    "'ouverte', $16, $16, $17, $18) RETURNING id";

static void bind_id_or_null(struct db_stmt *st, int i, int64_t v)
{
    if (v > 0)
        db_bind_int64(st, i, v);
    else
        db_bind_null(st, i);
}

int orientation_create(struct db *db, struct arena *a, const struct orientation_input *in,
                       const char *departement, int64_t now, struct ui_errors *errs, int64_t *id)
{
    int rc = orientation_validate(in, a, errs);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_INSERT, &st)))
        return rc;
    db_bind_text(st, 1, departement);
    db_bind_int64(st, 2, in->from_structure_id);
    bind_id_or_null(st, 3, in->from_user_id);
    bind_id_or_null(st, 4, in->to_structure_id);
    db_bind_text(st, 5, in->to_email);
    bind_id_or_null(st, 6, in->lieu_id);
    db_bind_text(st, 7, in->destination_nom);
    db_bind_text(st, 8, trimmed(a, in->personne));
    db_bind_text(st, 9, trimmed(a, in->contact) ? trimmed(a, in->contact) : "");
    db_bind_text(st, 10, joined(a, in->preferences, in->n_preferences));
    db_bind_text(st, 11, joined(a, in->besoins, in->n_besoins));
    db_bind_text(st, 12, trimmed(a, in->motif));
    db_bind_text(st, 13, trimmed(a, in->disponibilites));
    db_bind_text(st, 14, trimmed(a, in->interlocuteur));
    db_bind_text(st, 15, trimmed(a, in->a_apporter));
    db_bind_int64(st, 16, now);
    db_bind_int64(st, 17, in->demo ? 1 : 0);
    bind_id_or_null(st, 18, in->beneficiaire_id);
    rc = db_step_one(st);
    if (rc == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    const struct orientation_actor who = {
        in->from_user_id, in->from_user_name ? in->from_user_name : "API", SIDE_ENVOI};
    return log_event(db, *id, &who, true, NULL, status_values[OS_OUVERTE], NULL, now);
}

/* --- reading --- */

#define SELECT_ORIENTATION                                                                         \
    "SELECT o.id, o.departement, o.from_structure_id, fs.nom, o.from_user_id, u.name, u.email, "   \
    "o.to_structure_id, ts.nom, o.to_email, o.lieu_id, o.destination_nom, o.personne, o.contact, " \
    "o.preferences, o.besoins, o.motif, o.disponibilites, o.interlocuteur, o.a_apporter, "         \
    "o.status, o.refus_motifs, o.created_at, o.updated_at, o.answered_at, o.last_reminder_at, "    \
    "o.anonymised, o.demo, o.beneficiaire_id FROM orientations o JOIN structures fs ON fs.id = "   \
    "o.from_structure_id LEFT JOIN structures ts ON ts.id = o.to_structure_id LEFT JOIN users u "  \
    "ON u.id = o.from_user_id "

static const char SQL_GET[] = SELECT_ORIENTATION "WHERE o.id = $1";
static const char SQL_LIST_SENT[] =
    SELECT_ORIENTATION "WHERE o.from_structure_id = $1 ORDER BY o.created_at DESC, o.id DESC "
                       "LIMIT $2 OFFSET $3";
static const char SQL_LIST_RECEIVED[] =
    SELECT_ORIENTATION "WHERE o.to_structure_id = $1 ORDER BY o.created_at DESC, o.id DESC "
                       "LIMIT $2 OFFSET $3";
static const char SQL_COUNT_SENT[] =
    "SELECT count(*) FROM orientations WHERE from_structure_id = $1";
static const char SQL_COUNT_RECEIVED[] =
    "SELECT count(*) FROM orientations WHERE to_structure_id = $1";

static void read_row(struct db_stmt *st, struct arena *a, struct orientation *o)
{
    o->id = db_col_int64(st, 0);
    o->departement = db_col_dup(st, 1, a);
    o->from_structure_id = db_col_int64(st, 2);
    o->from_structure_nom = db_col_dup(st, 3, a);
    o->from_user_id = db_col_int64(st, 4);
    o->from_user_nom = db_col_dup(st, 5, a);
    o->from_user_email = db_col_dup(st, 6, a);
    o->to_structure_id = db_col_int64(st, 7);
    o->to_structure_nom = db_col_dup(st, 8, a);
    o->to_email = db_col_dup(st, 9, a);
    o->lieu_id = db_col_int64(st, 10);
    o->destination_nom = db_col_dup(st, 11, a);
    o->personne = db_col_dup(st, 12, a);
    o->contact = db_col_dup(st, 13, a);
    o->preferences = db_col_dup(st, 14, a);
    o->besoins = db_col_dup(st, 15, a);
    o->motif = db_col_dup(st, 16, a);
    o->disponibilites = db_col_dup(st, 17, a);
    o->interlocuteur = db_col_dup(st, 18, a);
    o->a_apporter = db_col_dup(st, 19, a);
    int s = orientation_status_parse(db_col_text(st, 20));
    o->status = s < 0 ? OS_OUVERTE : (enum orientation_status)s;
    o->refus_motifs = db_col_dup(st, 21, a);
    o->created_at = db_col_int64(st, 22);
    o->updated_at = db_col_int64(st, 23);
    o->answered_at = db_col_int64(st, 24);
    o->last_reminder_at = db_col_int64(st, 25);
    o->anonymised = db_col_int64(st, 26) != 0;
    o->demo = db_col_int64(st, 27) != 0;
    o->beneficiaire_id = db_col_int64(st, 28);
}

int orientation_get(struct db *db, struct arena *a, int64_t id, struct orientation *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)) == 0)
        read_row(st, a, out);
    db_reset(st);
    return rc;
}

int orientation_list(struct db *db, struct arena *a, int64_t structure_id, bool received,
                     int64_t offset, int64_t limit, struct orientation **out, size_t *n,
                     int64_t *total)
{
    struct db_stmt *st;
    *n = 0;
    *out = arena_calloc(a, (size_t)limit + 1, sizeof(**out));
    int rc = db_prepare(db, received ? SQL_LIST_RECEIVED : SQL_LIST_SENT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    while ((rc = db_step(st)) == 1)
        read_row(st, a, &(*out)[(*n)++]);
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, received ? SQL_COUNT_RECEIVED : SQL_COUNT_SENT, &st)))
        return rc;
    db_bind_int64(st, 1, structure_id);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

/* The referrals of a person that a structure of user $2 sent or received ($3 = 1: every one). */
static const char SQL_OF_BENEFICIAIRE[] =
    SELECT_ORIENTATION "WHERE o.beneficiaire_id = $1 AND ($3 = 1 OR o.from_structure_id IN "
                       "(SELECT m.structure_id FROM memberships m WHERE m.user_id = $2) OR "
                       "o.to_structure_id IN (SELECT m.structure_id FROM memberships m WHERE "
                       "m.user_id = $2)) ORDER BY o.created_at, o.id LIMIT $4";

int orientation_of_beneficiaire(struct db *db, struct arena *a, int64_t beneficiaire_id,
                                int64_t user_id, bool all, struct orientation **out, size_t *n)
{
    struct db_stmt *st;
    *n = 0;
    *out = arena_calloc(a, ORIENTATION_PARCOURS_MAX + 1, sizeof(**out));
    int rc = db_prepare(db, SQL_OF_BENEFICIAIRE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, beneficiaire_id);
    db_bind_int64(st, 2, user_id);
    db_bind_int64(st, 3, all ? 1 : 0);
    db_bind_int64(st, 4, ORIENTATION_PARCOURS_MAX);
    while ((rc = db_step(st)) == 1)
        read_row(st, a, &(*out)[(*n)++]);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* --- figures --- */

#define STATS_COLUMNS                                                                              \
    "SELECT count(*), COALESCE(sum(CASE WHEN status IN ('ouverte', 'en_cours') THEN 1 ELSE 0 "     \
    "END), 0), COALESCE(sum(CASE WHEN status = 'acceptee' THEN 1 ELSE 0 END), 0), "                \
    "COALESCE(sum(CASE WHEN status = 'refusee' THEN 1 ELSE 0 END), 0), COALESCE(sum(CASE WHEN "    \
    "status = 'expiree' THEN 1 ELSE 0 END), 0), count(answered_at), COALESCE(sum(answered_at - "   \
    "created_at), 0) FROM orientations "
static const char SQL_STATS_SENT[] = STATS_COLUMNS "WHERE from_structure_id = $1";
static const char SQL_STATS_RECEIVED[] = STATS_COLUMNS "WHERE to_structure_id = $1";

int orientation_stats(struct db *db, int64_t structure_id, bool received,
                      struct orientation_figures *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, received ? SQL_STATS_RECEIVED : SQL_STATS_SENT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    if ((rc = db_step_one(st)) == 0) {
        out->total = db_col_int64(st, 0);
        out->pending = db_col_int64(st, 1);
        out->accepted = db_col_int64(st, 2);
        out->refused = db_col_int64(st, 3);
        out->expired = db_col_int64(st, 4);
        out->answered = db_col_int64(st, 5);
        out->answer_seconds = db_col_int64(st, 6);
    }
    db_reset(st);
    return rc;
}

/* --- status and messages --- */

static const char *const side_values[] = {"envoi", "reception", "systeme"};

static const char SQL_EVENT[] =
    "INSERT INTO orientation_events (orientation_id, departement, at, user_id, actor, side, kind, "
    "from_status, to_status, body) SELECT id, departement, $2, $3, $4, $5, $6, $7, $8, $9 FROM "
    "orientations WHERE id = $1";
static const char SQL_STATUS_OF[] = "SELECT status FROM orientations WHERE id = $1";
static const char SQL_SET_STATUS[] =
    "UPDATE orientations SET status = $2, refus_motifs = $3, updated_at = $4, answered_at = CASE "
    "WHEN $5 = 1 THEN COALESCE(answered_at, $4) ELSE answered_at END WHERE id = $1 AND status = $6";

static int log_event(struct db *db, int64_t id, const struct orientation_actor *who, bool status,
                     const char *from, const char *to, const char *body, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_EVENT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, now);
    bind_id_or_null(st, 3, who->user_id);
    db_bind_text(st, 4, who->name ? who->name : "Relais");
    db_bind_text(st, 5, side_values[who->side]);
    db_bind_text(st, 6, status ? "statut" : "message");
    db_bind_text(st, 7, from);
    db_bind_text(st, 8, to);
    db_bind_text(st, 9, body);
    return db_exec_stmt(st);
}

int orientation_set_status(struct db *db, int64_t id, enum orientation_status to,
                           const struct orientation_actor *who, const char *refus_motifs,
                           const char *message, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_STATUS_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st))) {
        db_reset(st);
        return rc;
    }
    int from = orientation_status_parse(db_col_text(st, 0));
    db_reset(st);
    if (from < 0 || !orientation_transition_ok((enum orientation_status)from, to))
        return ERR_CONFLICT;
    if ((rc = db_prepare(db, SQL_SET_STATUS, &st)))
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, status_values[to]);
    db_bind_text(st, 3, to == OS_REFUSEE ? refus_motifs : NULL);
    db_bind_int64(st, 4, now);
    db_bind_int64(st, 5, who->side == SIDE_RECEPTION ? 1 : 0);
    db_bind_text(st, 6, status_values[from]);
    if ((rc = db_exec_stmt(st)))
        return rc;
    /* Someone else changed it between the read and the write. */
    if (db_changes(st) != 1)
        return ERR_CONFLICT;
    if ((rc = log_event(db, id, who, true, status_values[from], status_values[to], NULL, now)))
        return rc;
    if (message && *message)
        rc = orientation_message(db, id, who, message, now);
    return rc;
}

int orientation_message(struct db *db, int64_t id, const struct orientation_actor *who,
                        const char *body, int64_t now)
{
    struct str t = str_trim(str_from(body));
    if (!t.len || utf8_chars(body) > ORIENTATION_MESSAGE_MAX)
        return ERR_INVALID;
    return log_event(db, id, who, false, NULL, NULL, body, now);
}

static const char SQL_EVENTS[] =
    "SELECT at, actor, side, kind, from_status, to_status, body FROM orientation_events WHERE "
    "orientation_id = $1 ORDER BY at, id";

int orientation_events(struct db *db, struct arena *a, int64_t id, struct orientation_event **out,
                       size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_EVENTS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    size_t cap = 16;
    *out = arena_calloc(a, cap, sizeof(**out));
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        if (*n == cap) {
            struct orientation_event *bigger = arena_calloc(a, cap * 2, sizeof(*bigger));
            memcpy(bigger, *out, cap * sizeof(*bigger));
            *out = bigger;
            cap *= 2;
        }
        struct orientation_event *e = &(*out)[(*n)++];
        e->at = db_col_int64(st, 0);
        e->actor = db_col_dup(st, 1, a);
        const char *side = db_col_text(st, 2);
        e->side = strcmp(side, "envoi") == 0       ? SIDE_ENVOI
                  : strcmp(side, "reception") == 0 ? SIDE_RECEPTION
                                                   : SIDE_SYSTEME;
        e->is_status = strcmp(db_col_text(st, 3), "statut") == 0;
        e->from_status = db_col_dup(st, 4, a);
        e->to_status = db_col_dup(st, 5, a);
        e->body = db_col_dup(st, 6, a);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* --- attachments --- */

static const char SQL_PIECE_ADD[] =
    "INSERT INTO orientation_pieces (orientation_id, departement, nom, stored, mime, size, "
    "created_at) SELECT id, departement, $2, $3, $4, $5, $6 FROM orientations WHERE id = $1";
static const char SQL_PIECES[] = "SELECT id, nom, stored, mime, size, deleted_at FROM "
                                 "orientation_pieces WHERE orientation_id = $1 ORDER BY id";
static const char SQL_PIECE_DELETED[] =
    "UPDATE orientation_pieces SET deleted_at = $2 WHERE id = $1";

int orientation_piece_add(struct db *db, int64_t orientation_id, const char *nom,
                          const char *stored, const char *mime, int64_t size, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PIECE_ADD, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, orientation_id);
    db_bind_text(st, 2, nom);
    db_bind_text(st, 3, stored);
    db_bind_text(st, 4, mime);
    db_bind_int64(st, 5, size);
    db_bind_int64(st, 6, now);
    return db_exec_stmt(st);
}

int orientation_pieces(struct db *db, struct arena *a, int64_t orientation_id,
                       struct orientation_piece **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PIECES, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, orientation_id);
    size_t cap = 16;
    *out = arena_calloc(a, cap, sizeof(**out));
    *n = 0;
    while ((rc = db_step(st)) == 1 && *n < cap) {
        struct orientation_piece *p = &(*out)[(*n)++];
        p->id = db_col_int64(st, 0);
        p->nom = db_col_dup(st, 1, a);
        p->stored = db_col_dup(st, 2, a);
        p->mime = db_col_dup(st, 3, a);
        p->size = db_col_int64(st, 4);
        p->deleted = !db_col_is_null(st, 5);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

const char *orientation_pieces_dir(struct arena *a, const char *data_dir)
{
    return arena_printf(a, "%s/orientations", data_dir);
}

int orientation_pieces_delete(struct db *db, struct arena *a, const char *dir,
                              int64_t orientation_id, int64_t now, int64_t *removed)
{
    struct orientation_piece *p;
    size_t n;
    int rc = orientation_pieces(db, a, orientation_id, &p, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (p[i].deleted)
            continue;
        const char *path = arena_printf(a, "%s/%s", dir, p[i].stored);
        if (unlink(path) < 0 && errno != ENOENT)
            log_warn("orientation: cannot remove %s: %m", path);
        struct db_stmt *st;
        if ((rc = db_prepare(db, SQL_PIECE_DELETED, &st)))
            break;
        db_bind_int64(st, 1, p[i].id);
        db_bind_int64(st, 2, now);
        rc = db_exec_stmt(st);
        if (rc == 0 && removed)
            (*removed)++;
    }
    return rc;
}

/* --- signed links --- */

static const char SQL_LINK_ADD[] = "INSERT INTO orientation_links (token_hash, orientation_id, "
                                   "created_at, expires_at) VALUES ($1, $2, $3, $4)";
static const char SQL_LINK_GET[] = "SELECT orientation_id, expires_at FROM orientation_links "
                                   "WHERE token_hash = $1 AND revoked_at IS NULL";

int orientation_link_create(struct db *db, struct arena *a, int64_t orientation_id, int64_t now,
                            int64_t ttl_s, const char **token)
{
    const char *t = crypto_random_token(a);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_ADD, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, t));
    db_bind_int64(st, 2, orientation_id);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, now + ttl_s);
    if ((rc = db_exec_stmt(st)) == 0)
        *token = t;
    return rc;
}

int orientation_link_lookup(struct db *db, struct arena *a, const char *token, int64_t now,
                            int64_t *orientation_id, bool *expired)
{
    if (!token || strlen(token) != 43)
        return ERR_NOT_FOUND;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_GET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, token));
    if ((rc = db_step_one(st)) == 0) {
        *orientation_id = db_col_int64(st, 0);
        *expired = db_col_int64(st, 1) <= now;
    }
    db_reset(st);
    return rc;
}

/* --- notifications --- */

static const char SQL_MEMBERS[] =
    "SELECT DISTINCT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE "
    "m.structure_id = $1 AND u.disabled = 0 ORDER BY u.id";
static const char SQL_NOTIF_ADD[] =
    "INSERT INTO notifications (user_id, at, text, href) VALUES ($1, $2, $3, $4)";
static const char SQL_NOTIF_UNREAD[] =
    "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
static const char SQL_NOTIF_LIST[] = "SELECT id, at, text, href, read_at FROM notifications WHERE "
                                     "user_id = $1 ORDER BY at DESC, id DESC LIMIT $2";
static const char SQL_NOTIF_READ[] =
    "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL";

int orientation_structure_has_members(struct db *db, int64_t structure_id, bool *yes)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBERS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    rc = db_step(st);
    *yes = rc == 1;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int notification_add(struct db *db, int64_t user_id, const char *text, const char *href,
                     int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_NOTIF_ADD, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, now);
    db_bind_text(st, 3, text);
    db_bind_text(st, 4, href);
    return db_exec_stmt(st);
}

int notification_unread(struct db *db, int64_t user_id, int64_t *count)
{
    return db_int64_by_id(db, SQL_NOTIF_UNREAD, user_id, count);
}

int notification_list(struct db *db, struct arena *a, int64_t user_id, int64_t limit,
                      struct notification **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_NOTIF_LIST, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, limit);
    *out = arena_calloc(a, (size_t)limit + 1, sizeof(**out));
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        struct notification *x = &(*out)[(*n)++];
        x->id = db_col_int64(st, 0);
        x->at = db_col_int64(st, 1);
        x->text = db_col_dup(st, 2, a);
        x->href = db_col_dup(st, 3, a);
        x->read = !db_col_is_null(st, 4);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int notification_mark_read(struct db *db, int64_t user_id, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_NOTIF_READ, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, now);
    return db_exec_stmt(st);
}

struct recipient {
    int64_t id;
    const char *email;
};

static int members_of(struct db *db, struct arena *a, int64_t structure_id, struct recipient **out,
                      size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBERS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    size_t cap = 64;
    *out = arena_calloc(a, cap, sizeof(**out));
    *n = 0;
    while ((rc = db_step(st)) == 1 && *n < cap) {
        (*out)[*n].id = db_col_int64(st, 0);
        (*out)[(*n)++].email = db_col_dup(st, 1, a);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int orientation_notify(struct db *db, struct arena *a, const struct orientation *o,
                       enum orientation_side side, const char *text, const char *mail_subject,
                       const char *mail_body, int64_t now)
{
    const char *href = arena_printf(a, "/orientations/%lld", (long long)o->id);
    struct recipient *r = NULL;
    size_t n = 0;
    int rc = 0;
    if (side == SIDE_ENVOI && o->from_user_id > 0) {
        r = arena_calloc(a, 1, sizeof(*r));
        r[0] = (struct recipient){o->from_user_id, o->from_user_email};
        n = 1;
    } else {
        int64_t sid = side == SIDE_ENVOI ? o->from_structure_id : o->to_structure_id;
        if (sid > 0)
            rc = members_of(db, a, sid, &r, &n);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = notification_add(db, r[i].id, text, href, now);
        if (rc == 0 && mail_subject && r[i].email)
            rc = outbox_enqueue(db, r[i].email, mail_subject, mail_body, now);
    }
    return rc;
}

/* --- time bounds --- */

static const char SQL_DUE_REMINDER[] =
    "SELECT id FROM orientations WHERE status = 'ouverte' AND created_at <= $1 AND "
    "(last_reminder_at IS NULL OR last_reminder_at <= $1) AND anonymised = 0 ORDER BY id LIMIT 500";
static const char SQL_REMINDED[] = "UPDATE orientations SET last_reminder_at = $2 WHERE id = $1";
static const char SQL_DUE_EXPIRY[] =
    "SELECT id FROM orientations WHERE status IN ('ouverte', 'en_cours') AND created_at <= $1 "
    "ORDER BY id LIMIT 500";
static const char SQL_CLOSED_WITH_PIECES[] =
    "SELECT DISTINCT o.id FROM orientations o JOIN orientation_pieces p ON p.orientation_id = o.id "
    "WHERE o.status IN ('refusee', 'expiree') AND p.deleted_at IS NULL ORDER BY o.id LIMIT 500";
static const char SQL_DUE_ANONYMISATION[] =
    "SELECT id FROM orientations WHERE anonymised = 0 AND created_at <= $1 ORDER BY id LIMIT 500";
static const char SQL_ANONYMISE[] =
    "UPDATE orientations SET personne = '', contact = '', motif = '', disponibilites = NULL, "
    "interlocuteur = NULL, a_apporter = NULL, to_email = NULL, anonymised = 1, updated_at = $2 "
    "WHERE id = $1";
static const char SQL_ANONYMISE_EVENTS[] =
    "UPDATE orientation_events SET body = NULL WHERE orientation_id = $1";
static const char SQL_ANONYMISE_LINKS[] = "DELETE FROM orientation_links WHERE orientation_id = $1";

static int ids_of(struct db *db, const char *sql, int64_t bound, bool bind, int64_t *ids,
                  size_t max, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (bind)
        db_bind_int64(st, 1, bound);
    *n = 0;
    while ((rc = db_step(st)) == 1 && *n < max)
        ids[(*n)++] = db_col_int64(st, 0);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int exec_id_now(struct db *db, const char *sql, int64_t id, int64_t now, bool with_now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if (with_now)
        db_bind_int64(st, 2, now);
    return db_exec_stmt(st);
}

static const char *fr_date(struct arena *a, int64_t t)
{
    static const char *const months[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return arena_printf(a, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

/* One step on one referral, in its own transaction: a failure leaves the others done. */
static int remind_one(struct db *db, const struct config *cfg, const struct orientation_settings *s,
                      int64_t id, int64_t now)
{
    struct arena a = ARENA_INIT;
    struct orientation o;
    int rc = db_begin(db);
    if (rc == 0)
        rc = orientation_get(db, &a, id, &o);
    const char *subject = "Relais : une orientation attend votre réponse";
    const char *text = arena_printf(&a,
                                    "Rappel : l'orientation n° %lld de %s attend une réponse "
                                    "depuis le %s.",
                                    (long long)id, o.from_structure_nom ? o.from_structure_nom : "",
                                    fr_date(&a, o.created_at));
    bool members = false;
    if (rc == 0 && o.to_structure_id)
        rc = orientation_structure_has_members(db, o.to_structure_id, &members);
    if (rc == 0 && members) {
        const char *body = arena_printf(
            &a, "Bonjour,\n\n%s\n\nRépondez-lui ici : %s\n\nRelais\n", text,
            mail_link(cfg, &a, arena_printf(&a, "/orientations/%lld", (long long)id), ""));
        rc = orientation_notify(db, &a, &o, SIDE_RECEPTION, text, subject, body, now);
    } else if (rc == 0 && o.to_email && !o.demo) {
        const char *token;
        rc = orientation_link_create(db, &a, id, now, s->lien_s, &token);
        if (rc == 0) {
            const char *body = arena_printf(
                &a,
                "Bonjour,\n\n%s\n\nLisez-la et répondez sans créer de compte, par ce lien "
                "personnel valable %lld jours :\n%s\n\nRelais\n",
                text, (long long)(s->lien_s / 86400),
                mail_link(cfg, &a, "/orientations/lien/", token));
            rc = outbox_enqueue(db, o.to_email, subject, body, now);
        }
    }
    if (rc == 0)
        rc = exec_id_now(db, SQL_REMINDED, id, now, true);
    rc = rc ? (db_rollback(db), rc) : db_commit(db);
    arena_release(&a);
    return rc;
}

static int expire_one(struct db *db, const struct config *cfg, int64_t id, int64_t now,
                      struct orientation_maintenance_stats *stats)
{
    struct arena a = ARENA_INIT;
    struct orientation o;
    const struct orientation_actor sys = {0, "Relais (expiration automatique)", SIDE_SYSTEME};
    int rc = db_begin(db);
    if (rc == 0)
        rc = orientation_set_status(db, id, OS_EXPIREE, &sys, NULL, NULL, now);
    if (rc == 0)
        rc = orientation_get(db, &a, id, &o);
    if (rc == 0)
        rc = orientation_pieces_delete(db, &a, orientation_pieces_dir(&a, cfg->data_dir), id, now,
                                       &stats->pieces_deleted);
    if (rc == 0) {
        const char *text = arena_printf(&a, "L'orientation n° %lld vers %s a expiré sans réponse.",
                                        (long long)id, o.destination_nom);
        const char *body = arena_printf(
            &a, "Bonjour,\n\n%s Ses pièces jointes ont été supprimées.\n\n%s\n\nRelais\n", text,
            mail_link(cfg, &a, arena_printf(&a, "/orientations/%lld", (long long)id), ""));
        rc = orientation_notify(db, &a, &o, SIDE_ENVOI, text, "Relais : une orientation a expiré",
                                body, now);
    }
    rc = rc ? (db_rollback(db), rc) : db_commit(db);
    if (rc == 0)
        stats->expired++;
    arena_release(&a);
    return rc;
}

static int anonymise_one(struct db *db, const struct config *cfg, int64_t id, int64_t now,
                         struct orientation_maintenance_stats *stats)
{
    struct arena a = ARENA_INIT;
    int rc = db_begin(db);
    if (rc == 0)
        rc = orientation_pieces_delete(db, &a, orientation_pieces_dir(&a, cfg->data_dir), id, now,
                                       &stats->pieces_deleted);
    if (rc == 0)
        rc = exec_id_now(db, SQL_ANONYMISE, id, now, true);
    if (rc == 0)
        rc = exec_id_now(db, SQL_ANONYMISE_EVENTS, id, now, false);
    if (rc == 0)
        rc = exec_id_now(db, SQL_ANONYMISE_LINKS, id, now, false);
    rc = rc ? (db_rollback(db), rc) : db_commit(db);
    if (rc == 0)
        stats->anonymised++;
    arena_release(&a);
    return rc;
}

int orientation_maintenance(struct db *db, const struct config *cfg,
                            const struct orientation_settings *s, int64_t now,
                            struct orientation_maintenance_stats *stats)
{
    *stats = (struct orientation_maintenance_stats){0};
    int64_t ids[500];
    size_t n;
    /* Expiry first: a referral that expires today needs no reminder. */
    int rc = ids_of(db, SQL_DUE_EXPIRY, now - s->expiration_s, true, ids, N(ids), &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = expire_one(db, cfg, ids[i], now, stats);
        if (rc == ERR_CONFLICT)
            rc = 0; /* answered meanwhile */
    }
    if (rc == 0)
        rc = ids_of(db, SQL_DUE_REMINDER, now - s->rappel_s, true, ids, N(ids), &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if ((rc = remind_one(db, cfg, s, ids[i], now)) == 0)
            stats->reminded++;
    if (rc == 0)
        rc = ids_of(db, SQL_CLOSED_WITH_PIECES, 0, false, ids, N(ids), &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct arena a = ARENA_INIT;
        rc = orientation_pieces_delete(db, &a, orientation_pieces_dir(&a, cfg->data_dir), ids[i],
                                       now, &stats->pieces_deleted);
        arena_release(&a);
    }
    if (rc == 0)
        rc = ids_of(db, SQL_DUE_ANONYMISATION, now - s->anonymisation_s, true, ids, N(ids), &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = anonymise_one(db, cfg, ids[i], now, stats);
    return rc;
}
