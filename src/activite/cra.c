/* The CRA: reading it from text, its rules, and its rows (see cra.h). */
#include "activite/cra.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "lieux/communes.h"
#include "lieux/pages_common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void cra_init(struct cra *c)
{
    memset(c, 0, sizeof(*c));
    c->type = CRA_INDIVIDUEL;
    c->type_lieu = TYPE_LIEU_LIEU_ACTIVITE;
    c->autonomie = AUTONOMIE_AUCUN;
    c->oriente = -1;
    c->structure_de_redirection = STRUCTURE_REDIRECTION_AUCUN;
    c->niveau_atelier = NIVEAU_ATELIER_AUCUN;
    c->nouveau.genre = GENRE_AUCUN;
    c->nouveau.tranche_age = TRANCHE_AGE_AUCUN;
    c->nouveau.statut_social = STATUT_SOCIAL_AUCUN;
    c->origine = CRA_ORIGINE_SAISIE;
}

void cra_errors_add(struct cra_errors *e, const char *field, const char *message)
{
    if (e->n < CRA_MAX_ERRORS)
        e->items[e->n++] = (struct cra_field_error){field, message};
}

const char *cra_errors_for(const struct cra_errors *e, const char *field)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->items[i].field, field) == 0)
            return e->items[i].message;
    return NULL;
}

void cra_today(char out[11])
{
    struct tm tm;
    lieux_paris_time(time(NULL), &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- from text ---- */

static bool blank(const char *s) { return !s || !str_trim(str_from(s)).len; }

static const char *trimmed_dup(struct arena *a, const char *s)
{
    if (blank(s))
        return NULL;
    return str_dup(str_trim(str_from(s)), a);
}

/* A count: "" is 0; anything else must be a whole number 0..max. */
static int read_count(const char *s, int max, int *out)
{
    *out = 0;
    if (blank(s))
        return 0;
    int64_t v;
    if (str_to_int64(str_trim(str_from(s)), &v) || v < 0 || v > max)
        return ERR_INVALID;
    *out = (int)v;
    return 0;
}

/* An optional enumerated value: "" is absent (-1); an unknown value is an error. */
static int read_enum(const struct vocab *v, const char *s, int *out)
{
    *out = -1;
    if (blank(s))
        return 0;
    struct str t = str_trim(str_from(s));
    for (int i = 0; i < v->count; i++)
        if (str_eq_cstr(t, v->entries[i].value))
            *out = i;
    return *out < 0 ? ERR_INVALID : 0;
}

static const char *unknown_value(struct arena *a, const char *label, const char *value,
                                 const struct vocab *v)
{
    struct buf b;
    buf_init(&b, a, 8192);
    buf_addf(&b, "%s : « %s » n’est pas une valeur connue. Valeurs possibles : ", label, value);
    for (int i = 0; i < v->count; i++)
        buf_addf(&b, "%s%s", i ? ", " : "", v->entries[i].value);
    buf_adds(&b, ".");
    return buf_finish(&b) ? label : buf_cstr(&b);
}

static int read_id(const char *s, int64_t *out)
{
    *out = 0;
    if (blank(s))
        return 0;
    int64_t v;
    if (str_to_int64(str_trim(str_from(s)), &v) || v <= 0)
        return ERR_INVALID;
    *out = v;
    return 0;
}

/* A commune typed as an INSEE code, a postcode or a name. A name is looked for in the médiateur's
 * département first (departement, when known), then everywhere; two communes that match it as well
 * as each other (homonyms, a prefix of several names) are ERR_CONFLICT rather than a guess. */
static int read_commune(const struct communes *communes, struct arena *a, const char *text,
                        const char *departement, const char **insee, const char **postal,
                        const char **nom)
{
    *insee = *postal = *nom = NULL;
    if (blank(text))
        return 0;
    struct str t = str_trim(str_from(text));
    char *q = str_dup(t, a);
    if (!communes) {
        if (t.len != 5)
            return ERR_INVALID;
        *insee = q;
        return 0;
    }
    const struct commune *m = communes_by_insee(communes, q);
    if (m) {
        *insee = m->code_insee;
        *postal = m->n_codes_postaux ? m->codes_postaux[0] : NULL;
        *nom = m->nom;
        return 0;
    }
    bool digits = t.len > 0;
    for (size_t i = 0; i < t.len; i++)
        digits &= t.p[i] >= '0' && t.p[i] <= '9';
    struct communes_result r[2];
    size_t n = 0;
    if (departement && *departement && !digits)
        n = communes_search(communes, q, departement, 2, r);
    /* Exact name, name prefix or postcode; a typo is a suggestion, not an answer. */
    if (n == 0 || r[0].rank > 3)
        n = communes_search(communes, q, NULL, 2, r);
    if (n == 0 || r[0].rank > 3)
        return ERR_INVALID;
    /* A postcode names its main commune first; a name must name one. */
    if (!digits && n == 2 && r[1].rank == r[0].rank)
        return ERR_CONFLICT;
    *insee = r[0].commune->code_insee;
    *postal = r[0].code_postal && *r[0].code_postal ? r[0].code_postal : NULL;
    *nom = r[0].commune->nom;
    return 0;
}

int cra_from_input(const struct cra_input *in, const struct communes *communes, struct arena *a,
                   struct cra *c, struct cra_errors *errs)
{
    errs->n = 0;
    int v;
    if (blank(in->type)) {
        cra_errors_add(errs, "type",
                       "Type d’activité : choisissez accompagnement individuel, atelier collectif "
                       "ou démarche administrative.");
    } else if (read_enum(&vocab_cra_type, in->type, &v)) {
        cra_errors_add(errs, "type",
                       unknown_value(a, "Type d’activité", in->type, &vocab_cra_type));
    } else {
        c->type = (enum cra_type)v;
    }

    if (!blank(in->date)) {
        struct str d = str_trim(str_from(in->date));
        if (d.len < sizeof(c->date))
            memcpy(c->date, d.p, d.len), c->date[d.len] = '\0';
        else
            cra_errors_add(errs, "date",
                           "Date : une date au format AAAA-MM-JJ, par exemple 2026-03-14.");
    }

    const char *duree = in->duree;
    if (!blank(duree) && strcmp(str_dup(str_trim(str_from(duree)), a), "autre") == 0)
        duree = in->duree_autre;
    if (!blank(duree)) {
        int64_t m;
        if (str_to_int64(str_trim(str_from(duree)), &m) || m < -100000 || m > 100000)
            cra_errors_add(errs, "duree", "Durée : un nombre entier de minutes, par exemple 45.");
        else
            c->duree = (int)m;
    }

    if (blank(in->type_lieu))
        c->type_lieu = TYPE_LIEU_LIEU_ACTIVITE;
    else if (read_enum(&vocab_type_lieu, in->type_lieu, &v))
        cra_errors_add(errs, "type_lieu",
                       unknown_value(a, "Canal", in->type_lieu, &vocab_type_lieu));
    else
        c->type_lieu = (enum type_lieu)v;

    if (read_id(in->lieu_id, &c->lieu_id))
        cra_errors_add(errs, "lieu_id", "Lieu d’activité : choisissez un lieu de la liste.");
    int crc = read_commune(communes, a, in->commune, c->departement, &c->commune_code_insee,
                           &c->commune_code_postal, &c->commune_nom);
    if (crc == ERR_CONFLICT)
        cra_errors_add(errs, "commune",
                       "Commune : plusieurs communes portent ce nom ; tapez son code postal ou son "
                       "code INSEE.");
    else if (crc)
        cra_errors_add(errs, "commune",
                       "Commune : introuvable ; tapez son nom, son code postal ou son code INSEE.");

    c->n_thematiques = 0;
    for (size_t i = 0; i < in->n_thematiques; i++) {
        if (blank(in->thematiques[i]))
            continue;
        if (read_enum(&vocab_thematique, in->thematiques[i], &v)) {
            cra_errors_add(errs, "thematiques",
                           unknown_value(a, "Thématiques", in->thematiques[i], &vocab_thematique));
            continue;
        }
        if (c->n_thematiques < THEMATIQUE_COUNT)
            c->thematiques[c->n_thematiques++] = (enum thematique)v;
    }
    c->n_materiel = 0;
    for (size_t i = 0; i < in->n_materiel; i++) {
        if (blank(in->materiel[i]))
            continue;
        if (read_enum(&vocab_materiel, in->materiel[i], &v)) {
            cra_errors_add(errs, "materiel",
                           unknown_value(a, "Matériel utilisé", in->materiel[i], &vocab_materiel));
            continue;
        }
        if (c->n_materiel < MATERIEL_COUNT)
            c->materiel[c->n_materiel++] = (enum materiel)v;
    }

    if (read_enum(&vocab_autonomie, in->autonomie, &v))
        cra_errors_add(errs, "autonomie",
                       unknown_value(a, "Niveau d’autonomie", in->autonomie, &vocab_autonomie));
    else
        c->autonomie = (enum autonomie)v;
    if (blank(in->oriente))
        c->oriente = -1;
    else if (strcmp(in->oriente, "oui") == 0 || strcmp(in->oriente, "true") == 0)
        c->oriente = 1;
    else if (strcmp(in->oriente, "non") == 0 || strcmp(in->oriente, "false") == 0)
        c->oriente = 0;
    else
        cra_errors_add(errs, "oriente", "Bénéficiaire orienté : « oui » ou « non ».");
    if (read_enum(&vocab_structure_redirection, in->structure_de_redirection, &v))
        cra_errors_add(errs, "structure_de_redirection",
                       unknown_value(a, "Structure de redirection", in->structure_de_redirection,
                                     &vocab_structure_redirection));
    else
        c->structure_de_redirection = (enum structure_redirection)v;
    if (read_enum(&vocab_niveau_atelier, in->niveau_atelier, &v))
        cra_errors_add(
            errs, "niveau_atelier",
            unknown_value(a, "Niveau de l’atelier", in->niveau_atelier, &vocab_niveau_atelier));
    else
        c->niveau_atelier = (enum niveau_atelier)v;
    c->precisions_demarche = trimmed_dup(a, in->precisions_demarche);
    c->titre_atelier = trimmed_dup(a, in->titre_atelier);
    c->notes = trimmed_dup(a, in->notes);

    /* People. */
    int64_t bid;
    if (read_id(in->beneficiaire_id, &bid)) {
        cra_errors_add(errs, "beneficiaire_id",
                       "Bénéficiaire : choisissez une personne de la liste.");
    } else if (bid) {
        c->participants = arena_calloc(a, 1, sizeof(*c->participants));
        c->participants[0].beneficiaire_id = bid;
        c->n_participants = 1;
    }
    if (in->n_participants) {
        if (in->n_participants > CRA_MAX_PARTICIPANTS) {
            cra_errors_add(errs, "participants",
                           "Participants : 200 participants identifiés au plus ; comptez les "
                           "autres parmi les participants anonymes.");
        } else {
            struct cra_participant *p =
                arena_calloc(a, in->n_participants + c->n_participants, sizeof(*p));
            size_t n = 0;
            if (c->n_participants)
                p[n++] = c->participants[0];
            for (size_t i = 0; i < in->n_participants; i++) {
                if (blank(in->participants[i]))
                    continue;
                if (read_id(in->participants[i], &bid)) {
                    cra_errors_add(errs, "participants",
                                   "Participants : choisissez des personnes de la liste.");
                    break;
                }
                p[n++].beneficiaire_id = bid;
            }
            c->participants = p;
            c->n_participants = n;
        }
    }
    if (in->n_tags > CRA_MAX_TAGS) {
        cra_errors_add(errs, "tags", "Tags : 20 tags au plus.");
    } else if (in->n_tags) {
        c->tags = arena_calloc(a, in->n_tags, sizeof(*c->tags));
        for (size_t i = 0; i < in->n_tags; i++) {
            if (blank(in->tags[i]))
                continue;
            if (read_id(in->tags[i], &bid)) {
                cra_errors_add(errs, "tags", "Tags : choisissez des tags de la liste.");
                break;
            }
            c->tags[c->n_tags++] = bid;
        }
    }

    /* Anonymous participants of a workshop. */
    bool bad_count =
        read_count(in->anon_total, CRA_MAX_ANONYMES, &c->anonymes.total) ||
        read_count(in->anon_deja_accompagne, CRA_MAX_ANONYMES, &c->anonymes.deja_accompagne);
    for (int i = 0; i < GENRE_COUNT; i++)
        bad_count |= read_count(in->anon_genre[i], CRA_MAX_ANONYMES, &c->anonymes.genre[i]) != 0;
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        bad_count |=
            read_count(in->anon_tranche_age[i], CRA_MAX_ANONYMES, &c->anonymes.tranche_age[i]) != 0;
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        bad_count |= read_count(in->anon_statut_social[i], CRA_MAX_ANONYMES,
                                &c->anonymes.statut_social[i]) != 0;
    if (bad_count)
        cra_errors_add(errs, "anon_total",
                       "Participants anonymes : des nombres entiers de 0 à 10 000.");

    /* The anonymous person of an individual CRA. */
    if (read_enum(&vocab_genre, in->nouveau_genre, &v))
        cra_errors_add(errs, "nouveau_genre",
                       unknown_value(a, "Genre", in->nouveau_genre, &vocab_genre));
    else
        c->nouveau.genre = (enum genre)v;
    if (read_enum(&vocab_tranche_age, in->nouveau_tranche_age, &v))
        cra_errors_add(
            errs, "nouveau_tranche_age",
            unknown_value(a, "Tranche d’âge", in->nouveau_tranche_age, &vocab_tranche_age));
    else
        c->nouveau.tranche_age = (enum tranche_age)v;
    if (read_enum(&vocab_statut_social, in->nouveau_statut_social, &v))
        cra_errors_add(errs, "nouveau_statut_social",
                       unknown_value(a, "Statut", in->nouveau_statut_social, &vocab_statut_social));
    else
        c->nouveau.statut_social = (enum statut_social)v;
    crc = read_commune(communes, a, in->nouveau_commune, c->departement,
                       &c->nouveau.commune_code_insee, &c->nouveau.commune_code_postal,
                       &c->nouveau.commune_nom);
    if (crc == ERR_CONFLICT)
        cra_errors_add(errs, "nouveau_commune",
                       "Commune de résidence : plusieurs communes portent ce nom ; tapez son code "
                       "postal ou son code INSEE.");
    else if (crc)
        cra_errors_add(errs, "nouveau_commune",
                       "Commune de résidence : introuvable ; tapez son nom, son code postal ou "
                       "son code INSEE.");

    cra_normalise(c);
    return errs->n ? ERR_INVALID : 0;
}

void cra_normalise(struct cra *c)
{
    /* Lists without duplicates, in vocabulary order. */
    bool seen[THEMATIQUE_COUNT] = {0};
    bool any_demarche = c->type == CRA_DEMARCHE;
    for (size_t i = 0; i < c->n_thematiques; i++) {
        seen[c->thematiques[i]] = true;
        any_demarche |= thematique_is_demarche(c->thematiques[i]);
    }
    if (any_demarche)
        seen[THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES] = true;
    c->n_thematiques = 0;
    for (int t = 0; t < THEMATIQUE_COUNT; t++)
        if (seen[t])
            c->thematiques[c->n_thematiques++] = (enum thematique)t;
    bool mseen[MATERIEL_COUNT] = {0};
    for (size_t i = 0; i < c->n_materiel; i++)
        mseen[c->materiel[i]] = true;
    c->n_materiel = 0;
    for (int m = 0; m < MATERIEL_COUNT; m++)
        if (mseen[m])
            c->materiel[c->n_materiel++] = (enum materiel)m;

    if (c->type == CRA_COLLECTIF) {
        c->autonomie = AUTONOMIE_AUCUN;
        c->oriente = -1;
        c->structure_de_redirection = STRUCTURE_REDIRECTION_AUCUN;
        c->nouveau.genre = GENRE_AUCUN;
        c->nouveau.tranche_age = TRANCHE_AGE_AUCUN;
        c->nouveau.statut_social = STATUT_SOCIAL_AUCUN;
        c->nouveau.commune_code_insee = c->nouveau.commune_code_postal = c->nouveau.commune_nom =
            NULL;
        /* Identified participants once each. */
        size_t n = 0;
        for (size_t i = 0; i < c->n_participants; i++) {
            bool dup = false;
            for (size_t k = 0; k < n; k++)
                dup |= c->participants[k].beneficiaire_id == c->participants[i].beneficiaire_id;
            if (!dup)
                c->participants[n++] = c->participants[i];
        }
        c->n_participants = n;
    } else {
        c->titre_atelier = NULL;
        c->niveau_atelier = NIVEAU_ATELIER_AUCUN;
        memset(&c->anonymes, 0, sizeof(c->anonymes));
        if (c->n_participants > 1)
            c->n_participants = 1;
        if (c->structure_de_redirection != STRUCTURE_REDIRECTION_AUCUN && c->oriente < 0)
            c->oriente = 1;
    }
    if (c->type_lieu == TYPE_LIEU_LIEU_ACTIVITE) {
        c->commune_code_insee = c->commune_code_postal = c->commune_nom = NULL;
    } else {
        c->lieu_id = 0;
    }
}

/* ---- rules ---- */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool iso_date_ok(const char *d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0');
    int j = (d[8] - '0') * 10 + (d[9] - '0');
    if (y < 2000 || m < 1 || m > 12 || j < 1)
        return false;
    return j <= days[m - 1] + (m == 2 && leap(y));
}

static int sum(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

static bool has_thematique(const struct cra *c, enum thematique t)
{
    for (size_t i = 0; i < c->n_thematiques; i++)
        if (c->thematiques[i] == t)
            return true;
    return false;
}

static bool too_long(const char *s) { return s && strlen(s) > CRA_TEXT_MAX; }

int cra_validate(const struct cra *c, const char *today, struct cra_errors *errs)
{
    errs->n = 0;
    if (!c->date[0])
        cra_errors_add(errs, "date", "Date : indiquez le jour de l’activité.");
    else if (!iso_date_ok(c->date))
        cra_errors_add(errs, "date",
                       "Date : une date réelle au format AAAA-MM-JJ, depuis l’an 2000, par "
                       "exemple 2026-03-14.");
    else if (today && strcmp(c->date, today) > 0)
        cra_errors_add(errs, "date", "Date : l’activité ne peut pas être dans le futur.");

    if (c->duree == 0)
        cra_errors_add(errs, "duree", "Durée : indiquez une durée d’au moins 1 minute.");
    else if (c->duree < 0)
        cra_errors_add(errs, "duree", "Durée : une durée ne peut pas être négative.");
    else if (c->duree > VOCAB_DUREE_MAX_MINUTES)
        cra_errors_add(errs, "duree", "Durée : 12 heures (720 minutes) au plus.");

    if (c->type_lieu == TYPE_LIEU_LIEU_ACTIVITE && !c->lieu_id)
        cra_errors_add(errs, "lieu_id", "Lieu d’activité : choisissez le lieu de l’activité.");
    if ((c->type_lieu == TYPE_LIEU_DOMICILE || c->type_lieu == TYPE_LIEU_AUTRE) &&
        !c->commune_code_insee)
        cra_errors_add(errs, "commune",
                       "Commune : indiquez la commune où l’activité a eu lieu (à domicile ou "
                       "autre lieu).");

    if (c->n_thematiques == 0)
        cra_errors_add(errs, "thematiques", "Thématiques : cochez au moins une thématique.");
    if (c->type == CRA_DEMARCHE) {
        bool any = false;
        for (size_t i = 0; i < c->n_thematiques; i++)
            any |= thematique_is_demarche(c->thematiques[i]);
        if (!any)
            cra_errors_add(errs, "thematiques",
                           "Thématiques : une démarche administrative demande au moins une des 11 "
                           "thématiques de démarche (Papiers, Famille, Logement…).");
    }
    if (c->precisions_demarche && c->type != CRA_COLLECTIF &&
        !has_thematique(c, THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES))
        cra_errors_add(errs, "precisions_demarche",
                       "Précisions sur la démarche : seulement avec la thématique « Aide aux "
                       "démarches administratives ».");
    if (c->precisions_demarche && c->type == CRA_COLLECTIF)
        cra_errors_add(errs, "precisions_demarche",
                       "Précisions sur la démarche : seulement pour un accompagnement individuel "
                       "ou une démarche.");
    if (c->oriente == 0 && c->structure_de_redirection != STRUCTURE_REDIRECTION_AUCUN)
        cra_errors_add(errs, "structure_de_redirection",
                       "Structure de redirection : seulement si la personne a été orientée.");

    if (c->type == CRA_COLLECTIF) {
        const struct cra_participants_anonymes *an = &c->anonymes;
        if (c->n_participants == 0 && an->total == 0)
            cra_errors_add(errs, "participants",
                           "Participants : un atelier demande au moins un participant, identifié "
                           "ou compté parmi les participants anonymes.");
        if (an->deja_accompagne > an->total)
            cra_errors_add(errs, "anon_deja_accompagne",
                           "Participants anonymes déjà accompagnés : pas plus que le total des "
                           "participants anonymes.");
        if (sum(an->genre, GENRE_COUNT) > an->total)
            cra_errors_add(errs, "anon_genre",
                           "Participants anonymes par genre : la somme dépasse le total des "
                           "participants anonymes.");
        if (sum(an->tranche_age, TRANCHE_AGE_COUNT) > an->total)
            cra_errors_add(errs, "anon_tranche_age",
                           "Participants anonymes par tranche d’âge : la somme dépasse le total "
                           "des participants anonymes.");
        if (sum(an->statut_social, STATUT_SOCIAL_COUNT) > an->total)
            cra_errors_add(errs, "anon_statut_social",
                           "Participants anonymes par statut : la somme dépasse le total des "
                           "participants anonymes.");
    }
    if (too_long(c->notes))
        cra_errors_add(errs, "notes", "Notes : 2 000 caractères au plus.");
    if (too_long(c->precisions_demarche))
        cra_errors_add(errs, "precisions_demarche",
                       "Précisions sur la démarche : 2 000 caractères au plus.");
    if (too_long(c->titre_atelier))
        cra_errors_add(errs, "titre_atelier", "Titre de l’atelier : 2 000 caractères au plus.");
    return errs->n ? ERR_INVALID : 0;
}
