/*
 * The coordinators' activities: vocabularies, validation by type, storage and counts. The rules
 * follow La Coop's forms: an animation has a duration, a kind, who took the initiative, at least
 * one theme and at least one participant; an événement a name, a duration, a kind, its organisers,
 * its scale and its participants; a partenariat its scale, its nature and the partner structures.
 */
#include "activite/coordination.h"
#include "activite/stats.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"

#include <string.h>

#define V(x)                                                                                       \
    {                                                                                              \
        x, sizeof(x) / sizeof(x[0])                                                                \
    }

static const struct coordination_value types[] = {
    {"animation", "Animation"},
    {"evenement", "Événement"},
    {"partenariat", "Partenariat"},
};
static const struct coordination_value types_animation[] = {
    {"assemblee", "Assemblée"},
    {"comite", "Comité"},
    {"groupe_de_travail", "Groupe de travail"},
    {"echange", "Échange entre pairs"},
    {"reunion_coordination", "Réunion de coordination"},
    {"webinaire", "Webinaire"},
    {"autre", "Autre"},
};
static const struct coordination_value initiatives[] = {
    {"initiative", "À mon initiative"},
    {"demande", "À la demande d'un partenaire"},
};
static const struct coordination_value thematiques_animation[] = {
    {"partage", "Partage d'expériences et de pratiques"},
    {"reseau", "Animation et structuration du réseau"},
    {"soutien", "Soutien aux médiateurs"},
    {"professionnel", "Professionnalisation et formation"},
    {"rh", "Ressources humaines"},
    {"autre", "Autre"},
};
static const struct coordination_value types_evenement[] = {
    {"grand_public", "Événement grand public"},
    {"national", "Événement national"},
    {"inclusion_numerique", "Événement de l'inclusion numérique"},
    {"nec_local", "Numérique en Commun[s] local"},
    {"autre", "Autre"},
};
static const struct coordination_value organisateurs[] = {
    {"ma_structure", "Ma structure"},
    {"commune", "Commune"},
    {"epci", "Intercommunalité (EPCI)"},
    {"departement", "Département"},
    {"region", "Région"},
    {"association", "Association"},
    {"entreprise", "Entreprise"},
    {"hub", "Hub du numérique inclusif"},
    {"etat", "Services de l'État"},
    {"groupement", "Groupement"},
    {"autre", "Autre"},
};
static const struct coordination_value echelons[] = {
    {"communal", "Communal"},           {"intercommunal", "Intercommunal"},
    {"departemental", "Départemental"}, {"regional", "Régional"},
    {"national", "National"},
};
static const struct coordination_value natures_partenariat[] = {
    {"parcours_usager", "Parcours usager"},
    {"subvention", "Subvention"},
    {"coordination_departementale", "Coordination départementale"},
    {"rdv_elu", "Rendez-vous avec un élu"},
    {"autre", "Autre"},
};

const struct coordination_vocab coordination_types = V(types),
                                coordination_types_animation = V(types_animation),
                                coordination_initiatives = V(initiatives),
                                coordination_thematiques_animation = V(thematiques_animation),
                                coordination_types_evenement = V(types_evenement),
                                coordination_organisateurs = V(organisateurs),
                                coordination_echelons = V(echelons),
                                coordination_natures_partenariat = V(natures_partenariat);

const char *coordination_label(const struct coordination_vocab *vocab, const char *value)
{
    if (!value)
        return NULL;
    for (size_t i = 0; i < vocab->n; i++)
        if (strcmp(vocab->items[i].value, value) == 0)
            return vocab->items[i].label;
    return NULL;
}

#define MAX_DUREE_MINUTES (12 * 60)
#define MAX_COUNT 100000
#define MAX_NOM_CHARS 200
#define MAX_NOTES_BYTES 5000

/* Trimmed copy, NULL when empty. */
static const char *clean(struct arena *a, const char *s)
{
    struct str t = str_trim(str_from(s));
    return t.len ? str_dup(t, a) : NULL;
}

/* A count typed in a form: empty is 0 when optional. */
static bool parse_count(const char *s, bool required, int64_t *out)
{
    struct str t = str_trim(str_from(s));
    if (!t.len) {
        *out = 0;
        return !required;
    }
    return str_to_int64(t, out) == 0 && *out >= 0 && *out <= MAX_COUNT;
}

static void check_count(struct ui_errors *errs, const char *field, const char *label,
                        const char *text, bool required, int64_t *out, struct arena *a)
{
    if (!parse_count(text, required, out))
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : un nombre entier entre 0 et %d%s.", label, MAX_COUNT,
                                   required ? ", obligatoire" : ""));
}

/* One required value of vocab, with its "autre" precision. */
static const char *check_one(struct arena *a, struct ui_errors *errs,
                             const struct coordination_vocab *vocab, const char *field,
                             const char *label, const char *value, const char *autre_field,
                             const char *autre, const char **autre_out)
{
    const char *v = clean(a, value);
    if (!v) {
        ui_errors_add(errs, field, arena_printf(a, "%s : choisissez une valeur.", label));
        return NULL;
    }
    if (!coordination_label(vocab, v)) {
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : « %s » n'est pas une valeur de la liste.", label, v));
        return NULL;
    }
    if (autre_field) {
        *autre_out = strcmp(v, "autre") == 0 ? clean(a, autre) : NULL;
        if (strcmp(v, "autre") == 0 && !*autre_out)
            ui_errors_add(errs, autre_field,
                          arena_printf(a, "%s : précisez ce que recouvre « Autre ».", label));
    }
    return v;
}

/* At least one value of vocab, '|'-joined; with its "autre" precision. */
static const char *check_many(struct arena *a, struct ui_errors *errs,
                              const struct coordination_vocab *vocab, const char *field,
                              const char *label, const char *const *values, size_t n,
                              const char *autre_field, const char *autre, const char **autre_out)
{
    struct buf b;
    buf_init(&b, a, 4096);
    bool has_autre = false;
    for (size_t i = 0; i < n; i++) {
        const char *v = clean(a, values[i]);
        if (!v)
            continue;
        if (!coordination_label(vocab, v)) {
            ui_errors_add(
                errs, field,
                arena_printf(a, "%s : « %s » n'est pas une valeur de la liste.", label, v));
            return NULL;
        }
        /* A value checked twice is stored once. */
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            if (values[k] && strcmp(values[k], values[i]) == 0)
                seen = true;
        if (seen)
            continue;
        if (b.len)
            buf_addch(&b, '|');
        buf_adds(&b, v);
        has_autre |= strcmp(v, "autre") == 0;
    }
    if (!b.len) {
        ui_errors_add(errs, field, arena_printf(a, "%s : cochez au moins une valeur.", label));
        return NULL;
    }
    *autre_out = has_autre ? clean(a, autre) : NULL;
    if (has_autre && !*autre_out)
        ui_errors_add(errs, autre_field,
                      arena_printf(a, "%s : précisez ce que recouvre « Autre ».", label));
    return buf_cstr(&b);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int coordination_validate(const struct coordination_input *in, const char *today, struct arena *a,
                          struct coordination *out, struct ui_errors *errs)
{
    memset(out, 0, sizeof(*out));
    out->type = check_one(a, errs, &coordination_types, "type", "Type d'activité", in->type, NULL,
                          NULL, NULL);
    out->departement = clean(a, in->departement);
    if (!out->departement || strlen(out->departement) > 3)
        ui_errors_add(errs, "departement", "Département : choisissez l'un de vos départements.");
    out->date = clean(a, in->date);
    if (!out->date)
        ui_errors_add(errs, "date", "Date : obligatoire, au format AAAA-MM-JJ.");
    else if (!activite_stats_valid_day(out->date))
        ui_errors_add(errs, "date",
                      "Date : une date réelle au format AAAA-MM-JJ, par exemple "
                      "2026-03-14.");
    else if (today && strcmp(out->date, today) > 0)
        ui_errors_add(errs, "date", "Date : l'activité ne peut pas être dans le futur.");
    out->notes = clean(a, in->notes);
    if (out->notes && strlen(out->notes) > MAX_NOTES_BYTES)
        ui_errors_add(errs, "notes", "Notes : 5 000 caractères au plus.");
    if (!out->type)
        return ERR_INVALID;

    bool animation = strcmp(out->type, "animation") == 0;
    bool evenement = strcmp(out->type, "evenement") == 0;
    if (animation || evenement) {
        struct str t = str_trim(str_from(in->duree));
        if (!t.len || str_to_int64(t, &out->duree) || out->duree < 1 ||
            out->duree > MAX_DUREE_MINUTES)
            ui_errors_add(errs, "duree",
                          "Durée : un nombre de minutes entre 1 et 720 (12 heures), obligatoire.");
    }
    out->nom = clean(a, in->nom);
    if (out->nom && utf8_chars(out->nom) > MAX_NOM_CHARS)
        ui_errors_add(errs, "nom", "Nom : 200 caractères au plus.");
    if (animation) {
        out->nom = NULL;
        out->type_animation =
            check_one(a, errs, &coordination_types_animation, "type_animation", "Type d'animation",
                      in->type_animation, "type_animation_autre", in->type_animation_autre,
                      &out->type_animation_autre);
        out->initiative = check_one(a, errs, &coordination_initiatives, "initiative", "Initiative",
                                    in->initiative, NULL, NULL, NULL);
        out->thematiques_animation =
            check_many(a, errs, &coordination_thematiques_animation, "thematiques_animation",
                       "Thématiques de l'animation", in->thematiques_animation,
                       in->n_thematiques_animation, "thematique_animation_autre",
                       in->thematique_animation_autre, &out->thematique_animation_autre);
        check_count(errs, "mediateurs", "Médiateurs participants", in->mediateurs, false,
                    &out->mediateurs, a);
        check_count(errs, "structures", "Structures participantes", in->structures, false,
                    &out->structures, a);
        check_count(errs, "autres_acteurs", "Autres acteurs participants", in->autres_acteurs,
                    false, &out->autres_acteurs, a);
        out->participants = out->mediateurs + out->autres_acteurs;
        if (!ui_errors_for(errs, "mediateurs") && !ui_errors_for(errs, "autres_acteurs") &&
            out->participants == 0)
            ui_errors_add(errs, "mediateurs",
                          "Participants : indiquez au moins un médiateur ou un autre acteur "
                          "présent.");
    } else if (evenement) {
        if (!out->nom)
            ui_errors_add(errs, "nom", "Nom de l'événement : obligatoire.");
        out->type_evenement =
            check_one(a, errs, &coordination_types_evenement, "type_evenement", "Type d'événement",
                      in->type_evenement, "type_evenement_autre", in->type_evenement_autre,
                      &out->type_evenement_autre);
        out->organisateurs =
            check_many(a, errs, &coordination_organisateurs, "organisateurs", "Organisateurs",
                       in->organisateurs, in->n_organisateurs, "organisateur_autre",
                       in->organisateur_autre, &out->organisateur_autre);
        out->echelon_territorial =
            check_one(a, errs, &coordination_echelons, "echelon_territorial", "Échelon territorial",
                      in->echelon_territorial, NULL, NULL, NULL);
        check_count(errs, "participants", "Nombre de participants", in->participants, true,
                    &out->participants, a);
        if (!ui_errors_for(errs, "participants") && out->participants == 0)
            ui_errors_add(errs, "participants", "Nombre de participants : au moins 1.");
    } else {
        out->echelon_territorial =
            check_one(a, errs, &coordination_echelons, "echelon_territorial", "Échelon territorial",
                      in->echelon_territorial, NULL, NULL, NULL);
        out->natures_partenariat =
            check_many(a, errs, &coordination_natures_partenariat, "natures_partenariat",
                       "Nature du partenariat", in->natures_partenariat, in->n_natures_partenariat,
                       "nature_partenariat_autre", in->nature_partenariat_autre,
                       &out->nature_partenariat_autre);
        check_count(errs, "structures", "Structures partenaires", in->structures, true,
                    &out->structures, a);
        if (!ui_errors_for(errs, "structures") && out->structures == 0)
            ui_errors_add(errs, "structures", "Structures partenaires : au moins 1.");
    }
    return errs->n ? ERR_INVALID : 0;
}

#define COLUMNS                                                                                    \
    "coordinateur_id, departement, type, date, duree, nom, echelon_territorial, type_animation, "  \
    "type_animation_autre, initiative, thematiques_animation, thematique_animation_autre, "        \
    "type_evenement, type_evenement_autre, organisateurs, organisateur_autre, "                    \
    "natures_partenariat, nature_partenariat_autre, mediateurs, structures, autres_acteurs, "      \
    "participants, notes, demo"

static const char SQL_INSERT[] =
    "INSERT INTO activites_coordination (" COLUMNS ", created_at, updated_at) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, "
    "$24, $25, $25) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE activites_coordination SET departement = $2, type = $3, date = $4, duree = $5, nom = "
    "$6, echelon_territorial = $7, type_animation = $8, type_animation_autre = $9, initiative = "
    "$10, thematiques_animation = $11, thematique_animation_autre = $12, type_evenement = $13, "
    "type_evenement_autre = $14, organisateurs = $15, organisateur_autre = $16, "
    "natures_partenariat = $17, nature_partenariat_autre = $18, mediateurs = $19, structures = "
    "$20, autres_acteurs = $21, participants = $22, notes = $23, demo = $24, updated_at = $25 "
    "WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM activites_coordination WHERE id = $1";
static const char SQL_GET[] = "SELECT id, " COLUMNS ", created_at, updated_at FROM "
                              "activites_coordination WHERE id = $1";
static const char SQL_LIST[] =
    "SELECT id, " COLUMNS ", created_at, updated_at FROM activites_coordination WHERE ($1 = 0 OR "
    "coordinateur_id = $1) ORDER BY date DESC, id DESC LIMIT $2 OFFSET $3";
static const char SQL_LIST_COUNT[] =
    "SELECT count(*) FROM activites_coordination WHERE ($1 = 0 OR coordinateur_id = $1)";
static const char SQL_COUNT[] =
    "SELECT type, count(*), coalesce(sum(duree), 0), coalesce(sum(participants), 0), "
    "coalesce(sum(structures), 0) FROM activites_coordination WHERE ($1 = '' OR departement = $1) "
    "AND ($2 = 0 OR coordinateur_id = $2) AND date >= $3 AND date <= $4 GROUP BY type";

static void bind_fields(struct db_stmt *st, const struct coordination *c)
{
    db_bind_text(st, 2, c->departement);
    db_bind_text(st, 3, c->type);
    db_bind_text(st, 4, c->date);
    db_bind_int64(st, 5, c->duree);
    db_bind_text(st, 6, c->nom);
    db_bind_text(st, 7, c->echelon_territorial);
    db_bind_text(st, 8, c->type_animation);
    db_bind_text(st, 9, c->type_animation_autre);
    db_bind_text(st, 10, c->initiative);
    db_bind_text(st, 11, c->thematiques_animation);
    db_bind_text(st, 12, c->thematique_animation_autre);
    db_bind_text(st, 13, c->type_evenement);
    db_bind_text(st, 14, c->type_evenement_autre);
    db_bind_text(st, 15, c->organisateurs);
    db_bind_text(st, 16, c->organisateur_autre);
    db_bind_text(st, 17, c->natures_partenariat);
    db_bind_text(st, 18, c->nature_partenariat_autre);
    db_bind_int64(st, 19, c->mediateurs);
    db_bind_int64(st, 20, c->structures);
    db_bind_int64(st, 21, c->autres_acteurs);
    db_bind_int64(st, 22, c->participants);
    db_bind_text(st, 23, c->notes);
    db_bind_int64(st, 24, c->demo);
}

int coordination_insert(struct db *db, struct coordination *c, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, c->coordinateur_id);
    bind_fields(st, c);
    db_bind_int64(st, 25, now);
    rc = db_step_one(st);
    if (rc == 0) {
        c->id = db_col_int64(st, 0);
        c->created_at = c->updated_at = now;
    }
    db_reset(st);
    return rc;
}

int coordination_update(struct db *db, const struct coordination *c, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_UPDATE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, c->id);
    bind_fields(st, c);
    db_bind_int64(st, 25, now);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int coordination_delete(struct db *db, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DELETE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

static void read_row(struct db_stmt *st, struct arena *a, struct coordination *c)
{
    int k = 0;
    c->id = db_col_int64(st, k++);
    c->coordinateur_id = db_col_int64(st, k++);
    c->departement = db_col_dup(st, k++, a);
    c->type = db_col_dup(st, k++, a);
    c->date = db_col_dup(st, k++, a);
    c->duree = db_col_int64(st, k++);
    c->nom = db_col_dup(st, k++, a);
    c->echelon_territorial = db_col_dup(st, k++, a);
    c->type_animation = db_col_dup(st, k++, a);
    c->type_animation_autre = db_col_dup(st, k++, a);
    c->initiative = db_col_dup(st, k++, a);
    c->thematiques_animation = db_col_dup(st, k++, a);
    c->thematique_animation_autre = db_col_dup(st, k++, a);
    c->type_evenement = db_col_dup(st, k++, a);
    c->type_evenement_autre = db_col_dup(st, k++, a);
    c->organisateurs = db_col_dup(st, k++, a);
    c->organisateur_autre = db_col_dup(st, k++, a);
    c->natures_partenariat = db_col_dup(st, k++, a);
    c->nature_partenariat_autre = db_col_dup(st, k++, a);
    c->mediateurs = db_col_int64(st, k++);
    c->structures = db_col_int64(st, k++);
    c->autres_acteurs = db_col_int64(st, k++);
    c->participants = db_col_int64(st, k++);
    c->notes = db_col_dup(st, k++, a);
    c->demo = db_col_int64(st, k++) != 0;
    c->created_at = db_col_int64(st, k++);
    c->updated_at = db_col_int64(st, k++);
}

int coordination_get(struct db *db, struct arena *a, int64_t id, struct coordination *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        read_row(st, a, out);
    db_reset(st);
    return rc;
}

int coordination_list(struct db *db, struct arena *a, int64_t coordinateur_id, int64_t offset,
                      int64_t limit, struct coordination **out, size_t *n, int64_t *total)
{
    struct db_stmt *st;
    *out = NULL;
    *n = 0;
    *total = 0;
    int rc = db_prepare(db, SQL_LIST_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, coordinateur_id);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_LIST, &st)))
        return rc;
    db_bind_int64(st, 1, coordinateur_id);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct coordination c;
        read_row(st, a, &c);
        *out = arena_push(a, *out, *n, &cap, sizeof(c));
        (*out)[(*n)++] = c;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int coordination_count(struct db *db, const char *departement, int64_t coordinateur_id,
                       const char *from, const char *to, struct coordination_counts *out)
{
    memset(out, 0, sizeof(*out));
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_COUNT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, departement ? departement : "");
    db_bind_int64(st, 2, coordinateur_id);
    db_bind_text(st, 3, from ? from : "0000-00-00");
    db_bind_text(st, 4, to ? to : "9999-99-99");
    while ((rc = db_step(st)) == 1) {
        const char *type = db_col_text(st, 0);
        int64_t count = db_col_int64(st, 1);
        if (strcmp(type, "animation") == 0)
            out->animations = count;
        else if (strcmp(type, "evenement") == 0)
            out->evenements = count;
        else
            out->partenariats = count;
        out->duree_minutes += db_col_int64(st, 2);
        out->participants += db_col_int64(st, 3);
        out->structures += db_col_int64(st, 4);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
