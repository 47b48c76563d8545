/* A lieu's page GET /lieux/{id}, and the printable fiche d'orientation GET /lieux/{id}/fiche. */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/standard.h"
#include "lieux/store.h"
#include "site/shell.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define HISTORY_SHOWN 30

/* The enumerated and list fields of the page, with their French titles, in reading order. */
static const struct {
    enum lieu_field field;
    const char *title;
} list_fields[] = {
    {LF_SERVICES, "Services"},
    {LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, "Publics spécifiquement adressés"},
    {LF_PRISE_EN_CHARGE_SPECIFIQUE, "Prise en charge spécifique"},
    {LF_FRAIS_A_CHARGE, "Frais à charge"},
    {LF_MODALITES_ACCES, "Modalités d'accès"},
    {LF_MODALITES_ACCOMPAGNEMENT, "Modalités d'accompagnement"},
    {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "Dispositifs et programmes nationaux"},
    {LF_FORMATIONS_LABELS, "Formations et labels"},
    {LF_AUTRES_FORMATIONS_LABELS, "Autres formations et labels"},
    {LF_TYPOLOGIE, "Type de structure"},
    {LF_ITINERANCE, "Itinérance"},
};

static const char *field(const struct lieu_record *rec, enum lieu_field f)
{
    const char *v = rec->row.v[f];
    return v && *v ? v : NULL;
}

/* "+33243000000" → "02 43 00 00 00"; other numbers as written. */
static const char *phone_fr(struct arena *a, const char *tel)
{
    if (strncmp(tel, "+33", 3) != 0 || strlen(tel) != 12)
        return tel;
    const char *d = tel + 3;
    return arena_printf(a, "0%c %.2s %.2s %.2s %.2s", d[0], d + 1, d + 3, d + 5, d + 7);
}

/* Text with line breaks as paragraphs. */
static void paragraphs(struct buf *b, struct arena *a, const char *text)
{
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct str s = str_trim((struct str){p, len});
        if (s.len) {
            html_lit(b, "<p class=\"govuk-body\">");
            html_text(b, str_dup(s, a));
            html_lit(b, "</p>");
        }
        p = nl ? nl + 1 : NULL;
    }
}

static void address(struct buf *b, struct arena *a, const struct lieu_record *rec)
{
    html_lit(b, "<p class=\"govuk-body relais-adresse\">");
    html_text(b, field(rec, LF_ADRESSE));
    if (field(rec, LF_COMPLEMENT_ADRESSE)) {
        html_lit(b, "<br>");
        html_text(b, field(rec, LF_COMPLEMENT_ADRESSE));
    }
    html_lit(b, "<br>");
    html_text(b,
              arena_printf(a, "%s %s", field(rec, LF_CODE_POSTAL) ? field(rec, LF_CODE_POSTAL) : "",
                           field(rec, LF_COMMUNE) ? field(rec, LF_COMMUNE) : ""));
    html_lit(b, "</p>");
}

static void hours_block(struct buf *b, const struct lieux_hours *h, bool with_status)
{
    if (with_status) {
        html_lit(b, "<p class=\"relais-lieu__statut\">");
        lieux_status_tag(b, h);
        if (h->next) {
            html_lit(b, " <span class=\"govuk-body-s\">");
            html_text(b, h->next);
            html_lit(b, "</span>");
        }
        html_lit(b, "</p>");
    }
    if (h->french) {
        html_lit(b, "<p class=\"govuk-body relais-horaires\">");
        html_text(b, h->french);
        html_lit(b, "</p>");
    } else if (h->raw) {
        html_lit(b, "<p class=\"govuk-body relais-horaires\">");
        html_text(b, h->raw);
        html_lit(b, "</p><p class=\"govuk-body-s\">Horaires reproduits tels qu'ils ont été "
                    "saisis. Appelez avant de vous déplacer.</p>");
    } else {
        ui_p(b, "Horaires non renseignés : appelez avant de vous déplacer.");
    }
}

static void contact(struct buf *b, struct arena *a, const struct lieu_record *rec)
{
    const char **items;
    size_t n;
    html_lit(b, "<ul class=\"govuk-list relais-contact\">");
    if (field(rec, LF_TELEPHONE)) {
        html_lit(b, "<li>Téléphone : ");
        ui_link(b, phone_fr(a, field(rec, LF_TELEPHONE)),
                arena_printf(a, "tel:%s", field(rec, LF_TELEPHONE)));
        html_lit(b, "</li>");
    }
    n = lieux_split(a, field(rec, LF_COURRIELS), &items);
    for (size_t i = 0; i < n; i++) {
        html_lit(b, "<li>Courriel : ");
        ui_link(b, items[i], arena_printf(a, "mailto:%s", items[i]));
        html_lit(b, "</li>");
    }
    n = lieux_split(a, field(rec, LF_SITE_WEB), &items);
    for (size_t i = 0; i < n; i++) {
        html_lit(b, "<li>Site : ");
        ui_link(b, items[i], items[i]);
        html_lit(b, "</li>");
    }
    html_lit(b, "</ul>");
}

static size_t filled_fields(const struct lieu_record *rec)
{
    size_t n = 0;
    for (int f = 0; f < LIEU_N_FIELDS; f++)
        n += field(rec, (enum lieu_field)f) != NULL;
    return n;
}

static const char *action_fr(const char *action)
{
    static const struct {
        const char *code, *label;
    } actions[] = {{"import", "Import"},
                   {"creation", "Création"},
                   {"modification", "Modification"},
                   {"publication", "Publication"},
                   {"depublication", "Dépublication"},
                   {"verification", "Vérification"}};
    for (size_t i = 0; action && i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(actions[i].code, action) == 0)
            return actions[i].label;
    return action ? action : "";
}

/* The names of the fields a change touched, from its JSON {"field": [before, after]}. */
static const char *changed_fields(struct arena *a, const char *changes)
{
    json_t *o = changes ? json_loads(changes, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        return "—";
    }
    struct buf b;
    buf_init(&b, a, 4096);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (b.len)
            buf_addlit(&b, ", ");
        buf_adds(&b, k);
    }
    json_decref(o);
    return b.len ? buf_cstr(&b) : "—";
}

static int history(struct buf *b, struct http_request *req, const struct lieu_record *rec)
{
    const struct ctx *ctx = req->ctx;
    struct lieu_change *changes;
    size_t n;
    int rc = lieu_store_history(ctx->db, req->arena, rec->id, HISTORY_SHOWN, &changes, &n);
    if (rc)
        return rc;
    ui_h2(b, "Historique des modifications");
    if (n == 0) {
        ui_p(b, "Aucune modification enregistrée.");
        return 0;
    }
    static const char *const head[] = {"Date", "Par", "Action", "Champs modifiés"};
    struct ui_table t = {
        .caption = "Dernières modifications de ce lieu", .head = head, .n_cols = 4};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < n; i++) {
        const struct lieu_change *c = &changes[i];
        const char *who = c->user_name ? c->user_name : c->origin ? c->origin : "—";
        ui_table_row(b, &t,
                     (const char *[]){lieux_time_fr(req->arena, (time_t)c->at), who,
                                      action_fr(c->action),
                                      changed_fields(req->arena, c->changes)});
    }
    ui_table_end(b);
    return 0;
}

static void manager_actions(struct buf *b, struct http_request *req, const struct lieu_record *rec)
{
    struct arena *a = req->arena;
    const char *csrf = auth_of(req)->csrf_token;
    html_lit(b, "<div class=\"relais-actions\">");
    ui_button_link(b, "Modifier ce lieu",
                   arena_printf(a, "/lieux/%lld/modifier", (long long)rec->id),
                   UI_BUTTON_SECONDARY);
    ui_form_begin(b, arena_printf(a, "/lieux/%lld/verification", (long long)rec->id), "post", csrf,
                  false);
    ui_button(b, "Informations vérifiées aujourd'hui", UI_BUTTON_SECONDARY);
    ui_form_end(b);
    ui_form_begin(b, arena_printf(a, "/lieux/%lld/publication", (long long)rec->id), "post", csrf,
                  false);
    html_lit(b, "<input type=\"hidden\" name=\"publie\" value=\"");
    html_attr(b, rec->published ? "0" : "1");
    html_lit(b, "\">");
    ui_button(b, rec->published ? "Retirer de la publication" : "Publier ce lieu",
              rec->published ? UI_BUTTON_WARNING : UI_BUTTON_PRIMARY);
    ui_form_end(b);
    html_lit(b, "</div>");
}

static void list_details(struct buf *b, struct arena *a, const struct lieu_record *rec)
{
    html_lit(b, "<dl class=\"relais-details\">");
    for (size_t i = 0; i < sizeof(list_fields) / sizeof(list_fields[0]); i++) {
        const char **items;
        size_t n = lieux_split(a, field(rec, list_fields[i].field), &items);
        if (n == 0)
            continue;
        html_lit(b, "<div class=\"relais-details__row\"><dt>");
        html_text(b, list_fields[i].title);
        html_lit(b, "</dt><dd><ul class=\"govuk-list govuk-list--bullet\">");
        for (size_t k = 0; k < n; k++) {
            html_lit(b, "<li>");
            const char *label =
                list_fields[i].field == LF_TYPOLOGIE ? lieux_typologie_label(items[k]) : NULL;
            html_text(b, label ? arena_printf(a, "%s (%s)", label, items[k]) : items[k]);
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul></dd></div>");
    }
    html_lit(b, "</dl>");
}

static void data_facts(struct buf *b, struct arena *a, const struct lieu_record *rec)
{
    ui_h2(b, "À propos de ces informations");
    html_lit(b, "<dl class=\"relais-details\">");
    const struct {
        const char *title, *value;
    } facts[] = {
        {"Structure parente ou réseau", field(rec, LF_STRUCTURE_PARENTE)},
        {"SIRET, RNA ou RIDET", field(rec, LF_PIVOT)},
        {"Source des données", field(rec, LF_SOURCE)},
        {"Mise à jour des données", lieux_date_fr(a, field(rec, LF_DATE_MAJ))},
        {"Vérifiées sur Relais",
         rec->verified_at ? lieux_time_fr(a, (time_t)rec->verified_at) : NULL},
        {"Identifiant du lieu chez sa source", field(rec, LF_ID)},
    };
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
        if (!facts[i].value)
            continue;
        html_lit(b, "<div class=\"relais-details__row\"><dt>");
        html_text(b, facts[i].title);
        html_lit(b, "</dt><dd>");
        html_text(b, facts[i].value);
        html_lit(b, "</dd></div>");
    }
    html_lit(b, "</dl>");
    size_t filled = filled_fields(rec);
    unsigned percent = (unsigned)(filled * 100 / LIEU_N_FIELDS);
    html_lit(b, "<p class=\"govuk-body relais-completude\"><label for=\"completude\">");
    html_text(b, arena_printf(a, "Cette fiche est remplie à %u %% (%zu champs du standard sur %d).",
                              percent, filled, LIEU_N_FIELDS));
    html_lit(b, "</label> <meter id=\"completude\" min=\"0\" max=\"100\" value=\"");
    html_uint(b, percent);
    html_lit(b, "\">");
    html_uint(b, percent);
    html_lit(b, " %</meter></p>");
}

int lieux_page_lieu(struct http_request *req, struct http_response *resp)
{
    struct lieu_record rec;
    int rc = lieux_load(req, &rec);
    if (rc)
        return rc;
    struct arena *a = req->arena;
    bool manager = lieux_can_manage(auth_of(req), &rec);
    struct lieux_hours hours;
    lieux_hours_read(a, field(&rec, LF_HORAIRES), rec.departement, time(NULL), &hours);

    struct buf b = lieux_page_buf(req);
    html_lit(&b, "<article class=\"relais-lieu-page\">");
    ui_h1(&b, field(&rec, LF_NOM));
    if (!rec.published)
        ui_notice(&b, UI_NOTICE_WARNING, NULL,
                  "Ce lieu n'est pas publié : seuls ses gestionnaires le voient.");
    if (manager)
        manager_actions(&b, req, &rec);

    html_lit(&b, "<div class=\"relais-lieu-page__colonnes\"><div class=\"relais-lieu-page__"
                 "principal\">");
    if (field(&rec, LF_PRESENTATION_RESUME))
        paragraphs(&b, a, field(&rec, LF_PRESENTATION_RESUME));
    ui_h2(&b, "Adresse");
    address(&b, a, &rec);
    if (rec.coords_approx)
        ui_p(&b, "Position sur la carte approximative : le centre de la commune.");
    if (field(&rec, LF_ITINERANCE) && strstr(field(&rec, LF_ITINERANCE), "Itinérant"))
        ui_p(&b, "Ce service est itinérant : il se déplace. Vérifiez le lieu et le jour de "
                 "passage avant de venir.");
    ui_h2(&b, "Horaires");
    hours_block(&b, &hours, true);
    if (hours.french && hours.raw) {
        html_lit(&b,
                 "<p class=\"govuk-body-s relais-horaires__brut\">Format OpenStreetMap : <code>");
        html_text(&b, hours.raw);
        html_lit(&b, "</code></p>");
    }

    html_lit(&b, "<div class=\"relais-boutons\">");
    if (field(&rec, LF_PRISE_RDV))
        ui_button_link(&b, "Prendre rendez-vous en ligne", field(&rec, LF_PRISE_RDV),
                       UI_BUTTON_PRIMARY);
    if (field(&rec, LF_FICHE_ACCES_LIBRE))
        ui_button_link(&b, "Accessibilité du lieu (acceslibre)", field(&rec, LF_FICHE_ACCES_LIBRE),
                       UI_BUTTON_SECONDARY);
    ui_button_link(&b, "Fiche d'orientation à imprimer",
                   arena_printf(a, "/lieux/%lld/fiche", (long long)rec.id), UI_BUTTON_SECONDARY);
    if (auth_of(req)->n_memberships)
        ui_button_link(&b, "Orienter une personne ici",
                       arena_printf(a, "/orientations/nouvelle?lieu=%lld", (long long)rec.id),
                       UI_BUTTON_SECONDARY);
    html_lit(&b, "</div>");

    if (field(&rec, LF_PRESENTATION_DETAIL)) {
        ui_h2(&b, "Présentation");
        paragraphs(&b, a, field(&rec, LF_PRESENTATION_DETAIL));
    }
    ui_h2(&b, "Ce que propose ce lieu");
    list_details(&b, a, &rec);
    html_lit(&b, "</div><div class=\"relais-lieu-page__cote\">");
    ui_h2(&b, "Contact");
    if (field(&rec, LF_TELEPHONE) || field(&rec, LF_COURRIELS) || field(&rec, LF_SITE_WEB))
        contact(&b, a, &rec);
    else
        ui_p(&b, "Aucun contact renseigné.");
    data_facts(&b, a, &rec);
    ui_link(&b, "Signaler une erreur sur cette fiche",
            arena_printf(a, "/lieux/%lld/signaler", (long long)rec.id));
    ui_link(&b, "Les autres lieux du département",
            arena_printf(a, "/departements/%s", rec.departement));
    html_lit(&b, "</div></div>");
    if (rec.has_coords) {
        struct lieux_marker m = {rec.id,       field(&rec, LF_NOM), field(&rec, LF_ADRESSE),
                                 rec.latitude, rec.longitude,       rec.coords_approx};
        lieux_map(&b, req, "Carte : position du lieu", &m, 1, NULL);
    }
    if (manager && (rc = history(&b, req, &rec)))
        return rc;
    html_lit(&b, "</article>");

    const char *ok = http_param(&req->query, "ok");
    const char *notice = NULL;
    if (ok && strcmp(ok, "modifie") == 0)
        notice = "Les modifications ont été enregistrées.";
    else if (ok && strcmp(ok, "publie") == 0)
        notice = "Le lieu est publié.";
    else if (ok && strcmp(ok, "depublie") == 0)
        notice = "Le lieu n'est plus publié.";
    else if (ok && strcmp(ok, "inchange") == 0)
        notice = "Aucune modification : les informations étaient déjà celles-ci.";
    else if (ok && strcmp(ok, "verifie") == 0)
        notice = "Les informations sont marquées comme vérifiées aujourd'hui.";
    else if (ok && strcmp(ok, "signale") == 0)
        notice = "Merci : votre signalement a été transmis aux personnes qui gèrent ce lieu.";
    return shell_render(req, resp,
                        &(struct shell_page){.title = field(&rec, LF_NOM), .notice = notice},
                        buf_cstr(&b));
}

/* Lines to write on by hand. */
static void blank_lines(struct buf *b, int n)
{
    html_lit(b, "<div class=\"relais-lignes\" aria-hidden=\"true\">");
    for (int i = 0; i < n; i++)
        html_lit(b, "<span class=\"relais-lignes__ligne\"></span>");
    html_lit(b, "</div>");
}

int lieux_page_fiche(struct http_request *req, struct http_response *resp)
{
    struct lieu_record rec;
    int rc = lieux_load(req, &rec);
    if (rc)
        return rc;
    struct arena *a = req->arena;
    struct lieux_hours hours;
    lieux_hours_read(a, field(&rec, LF_HORAIRES), rec.departement, time(NULL), &hours);

    struct buf b = lieux_page_buf(req);
    html_lit(&b, "<article class=\"relais-orientation\">");
    html_lit(&b, "<p class=\"govuk-body relais-ecran-seulement\">");
    ui_link(&b, "Retour à la page du lieu", arena_printf(a, "/lieux/%lld", (long long)rec.id));
    html_lit(&b, " · Pour imprimer cette fiche : menu « Imprimer » de votre navigateur "
                 "(Ctrl + P). Elle tient sur une page A4.</p>");
    ui_h1(&b, "Fiche d'orientation");
    html_lit(&b, "<p class=\"govuk-body\">Remise le ____ / ____ / ________ par "
                 "<span class=\"relais-blanc\"></span></p>");

    ui_h2(&b, "Où aller");
    html_lit(&b, "<p class=\"govuk-body govuk-!-font-weight-bold\">");
    html_text(&b, field(&rec, LF_NOM));
    html_lit(&b, "</p>");
    address(&b, a, &rec);
    ui_p(&b, "Présentez cette fiche à l'accueil du lieu.");

    ui_h2(&b, "Quand");
    hours_block(&b, &hours, false);
    if (field(&rec, LF_MODALITES_ACCES)) {
        const char **items;
        size_t n = lieux_split(a, field(&rec, LF_MODALITES_ACCES), &items);
        html_lit(&b, "<p class=\"govuk-body\">Pour y accéder : ");
        for (size_t i = 0; i < n; i++) {
            html_text(&b, items[i]);
            html_text(&b, i + 1 < n ? ", " : ".");
        }
        html_lit(&b, "</p>");
    }

    ui_h2(&b, "Contact");
    if (field(&rec, LF_TELEPHONE) || field(&rec, LF_COURRIELS) || field(&rec, LF_SITE_WEB))
        contact(&b, a, &rec);
    else
        ui_p(&b, "Aucun contact renseigné.");

    ui_h2(&b, "Ce qu'il est conseillé d'apporter");
    html_lit(&b, "<ul class=\"govuk-list relais-cases\">"
                 "<li>Une pièce d'identité (carte d'identité, passeport ou titre de séjour).</li>"
                 "<li>Vos identifiants et mots de passe, si vous en avez (adresse e-mail, "
                 "France Connect, impots.gouv, Ameli, CAF…).</li>"
                 "<li>Votre téléphone portable, chargé : des codes de confirmation y sont souvent "
                 "envoyés.</li>"
                 "<li>Les justificatifs demandés pour votre démarche (avis d'imposition, "
                 "justificatif de domicile, relevé d'identité bancaire, courriers reçus…).</li>"
                 "</ul>");

    ui_h2(&b, "Votre besoin");
    blank_lines(&b, 3);
    ui_h2(&b, "Rendez-vous");
    html_lit(&b, "<p class=\"govuk-body\">Le ____ / ____ / ________ à ____ h ____ avec "
                 "<span class=\"relais-blanc\"></span></p>");
    blank_lines(&b, 1);

    html_lit(&b, "<p class=\"govuk-body-s relais-orientation__source\">");
    html_text(
        &b, arena_printf(a, "Informations %s%s%s, imprimées le %s depuis Relais.",
                         field(&rec, LF_DATE_MAJ) ? "mises à jour le " : "à vérifier",
                         field(&rec, LF_DATE_MAJ) ? lieux_date_fr(a, field(&rec, LF_DATE_MAJ)) : "",
                         field(&rec, LF_SOURCE)
                             ? arena_printf(a, " (source : %s)", field(&rec, LF_SOURCE))
                             : "",
                         lieux_time_fr(a, time(NULL))));
    html_lit(&b, "</p></article>");
    return shell_render(req, resp,
                        &(struct shell_page){.title = arena_printf(a, "Fiche d'orientation – %s",
                                                                   field(&rec, LF_NOM))},
                        buf_cstr(&b));
}
