#include "orientation/destination.h"
#include "activite/beneficiaires.h"
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "lieux/store.h"
#include "orientation/outbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char SQL_STRUCTURE_EMAIL[] =
    "SELECT courriels FROM lieux WHERE structure_id = $1 AND published = 1 AND courriels IS NOT "
    "NULL AND courriels <> '' ORDER BY id LIMIT 1";

static const char *first_email(struct arena *a, const char *list)
{
    const char **items;
    size_t n = lieux_split(a, list, &items);
    return n ? items[0] : NULL;
}

int orientation_destination_read(struct http_request *req, const char *lieu_param,
                                 const char *structure_param, struct orientation_destination *out)
{
    const struct ctx *ctx = req->ctx;
    memset(out, 0, sizeof(*out));
    int64_t id;
    int rc;
    if (lieu_param) {
        struct lieu_record rec;
        if (cstr_to_int64(lieu_param, &id) || id <= 0 ||
            (rc = lieu_store_get(ctx->db, req->arena, id, &rec)) == ERR_NOT_FOUND ||
            (rc == 0 && !rec.published))
            return http_fail(req, ERR_NOT_FOUND, "Ce lieu n'existe pas, ou il n'est plus publié.",
                             "lieu");
        if (rc)
            return rc;
        out->lieu_id = rec.id;
        out->structure_id = rec.structure_id;
        out->nom = rec.row.v[LF_NOM];
        out->email = first_email(req->arena, rec.row.v[LF_COURRIELS]);
        out->departement = rec.departement;
    } else if (structure_param) {
        struct structure s;
        if (cstr_to_int64(structure_param, &id) || id <= 0 ||
            (rc = structure_get(ctx->db, req->arena, id, &s)) == ERR_NOT_FOUND)
            return http_fail(req, ERR_NOT_FOUND, "Cette structure n'existe pas.", "structure");
        if (rc)
            return rc;
        out->structure_id = s.id;
        out->nom = s.nom;
        out->departement = s.departement;
        struct db_stmt *st;
        if ((rc = db_prepare(ctx->db, SQL_STRUCTURE_EMAIL, &st)))
            return rc;
        db_bind_int64(st, 1, s.id);
        if (db_step(st) == 1)
            out->email = first_email(req->arena, db_col_text(st, 0));
        if (out->email)
            out->email = arena_strdup(req->arena, out->email);
        db_reset(st);
    } else {
        return http_fail(
            req, ERR_INVALID,
            "Destination : choisissez un lieu (lieu=…) ou une structure (structure=…).", "lieu");
    }
    if (out->structure_id &&
        (rc = orientation_structure_has_members(ctx->db, out->structure_id, &out->has_members)))
        return rc;
    /* A structure that acts in Relais answers there; the address serves only the others. */
    if (out->has_members)
        out->email = NULL;
    return 0;
}

int orientation_sender(struct http_request *req, const char *depuis, int64_t *structure_id,
                       const char **departement)
{
    const struct auth *a = auth_of(req);
    const struct ctx *ctx = req->ctx;
    int64_t want = 0;
    if (depuis && *depuis && (cstr_to_int64(depuis, &want) || want <= 0))
        return http_fail(req, ERR_INVALID, "Structure d'envoi : choisissez l'une des vôtres.",
                         "depuis");
    if (a->token_id) {
        if (want && want != a->token_structure_id)
            return http_fail(req, ERR_FORBIDDEN,
                             "Ce jeton d'API n'appartient pas à cette structure.", "depuis");
        want = a->token_structure_id;
    } else {
        if (a->n_memberships == 0)
            return http_fail(req, ERR_INVALID,
                             "Seuls les membres d'une structure peuvent envoyer une orientation.",
                             NULL);
        if (!want && a->n_memberships == 1)
            want = a->memberships[0].structure_id;
        if (!want) {
            /* One person may hold two roles in one structure: that is still one structure. */
            bool same = true;
            for (size_t i = 1; i < a->n_memberships; i++)
                same = same && a->memberships[i].structure_id == a->memberships[0].structure_id;
            if (!same)
                return http_fail(req, ERR_INVALID,
                                 "Structure d'envoi : choisissez celle au nom de laquelle vous "
                                 "orientez.",
                                 "depuis");
            want = a->memberships[0].structure_id;
        }
        bool member = false;
        for (size_t i = 0; i < a->n_memberships; i++)
            member = member || a->memberships[i].structure_id == want;
        if (!member)
            return http_fail(req, ERR_FORBIDDEN,
                             "Vous ne pouvez envoyer une orientation qu'au nom de l'une de vos "
                             "structures.",
                             "depuis");
    }
    struct structure s;
    int rc = structure_get(ctx->db, req->arena, want, &s);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_INVALID, "Structure d'envoi : elle n'existe plus.", "depuis");
    if (rc)
        return rc;
    *structure_id = s.id;
    *departement = s.departement;
    return 0;
}

static bool member_of(const struct auth *a, int64_t structure_id)
{
    if (structure_id <= 0)
        return false;
    if (a->token_id)
        return a->token_structure_id == structure_id;
    for (size_t i = 0; i < a->n_memberships; i++)
        if (a->memberships[i].structure_id == structure_id)
            return true;
    return false;
}

unsigned orientation_viewer_sides(const struct auth *a, const struct orientation *o)
{
    if (auth_has(a, ROLE_ADMIN) && !a->token_id)
        return SIDE_BIT_ENVOI | SIDE_BIT_RECEPTION;
    unsigned sides = 0;
    if (member_of(a, o->from_structure_id))
        sides |= SIDE_BIT_ENVOI;
    if (member_of(a, o->to_structure_id))
        sides |= SIDE_BIT_RECEPTION;
    return sides;
}

void orientation_flush_mail(struct http_request *req)
{
    const struct ctx *ctx = req->ctx;
    struct outbox_stats st;
    if (outbox_send_due(ctx->db, ctx->cfg, (int64_t)time(NULL), &st))
        log_warn("orientation: the outbox could not be read");
}

static const char *link_text(struct arena *a, const struct orientation *o)
{
    return arena_printf(a, "orientation n° %lld de %s vers %s", (long long)o->id,
                        o->from_structure_nom, o->destination_nom);
}

int orientation_answer(struct http_request *req, const struct orientation *o,
                       const struct orientation_actor *who, const char *decision,
                       const char **motifs, size_t n_motifs, const char *message,
                       struct ui_errors *errs)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    bool is_message = decision && strcmp(decision, "message") == 0;
    int to = is_message ? -1 : orientation_status_parse(decision);
    if (!is_message && (to != OS_EN_COURS && to != OS_ACCEPTEE && to != OS_REFUSEE)) {
        ui_errors_add(errs, "decision",
                      "Décision : choisissez « en cours d'étude », « acceptée », « refusée » ou "
                      "un message.");
        return ERR_INVALID;
    }
    if (!is_message && who->side != SIDE_RECEPTION)
        return http_fail(req, ERR_FORBIDDEN,
                         "Seule la structure destinataire peut accepter ou refuser cette "
                         "orientation.",
                         "decision");
    struct str m = str_trim(str_from(message));
    if (is_message && !m.len)
        ui_errors_add(errs, "message", "Message : écrivez-le avant de l'envoyer.");
    size_t chars = 0;
    for (const char *p = message; p && *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > ORIENTATION_MESSAGE_MAX)
        ui_errors_add(errs, "message",
                      arena_printf(a, "Message : %d caractères au plus (%zu saisis).",
                                   ORIENTATION_MESSAGE_MAX, chars));
    if (to == OS_REFUSEE && n_motifs == 0)
        ui_errors_add(errs, "motifs", "Motifs du refus : cochez au moins un motif.");
    for (size_t i = 0; i < n_motifs; i++)
        if (!orientation_choice_label(orientation_refus, orientation_n_refus, motifs[i])) {
            ui_errors_add(errs, "motifs",
                          "Motifs du refus : une valeur ne fait pas partie de la "
                          "liste.");
            break;
        }
    if (to == OS_REFUSEE && n_motifs == 1 && strcmp(motifs[0], "autre") == 0 && !m.len)
        ui_errors_add(errs, "message", "Message : précisez le motif « Autre ».");
    if (errs->n)
        return ERR_INVALID;
    if (o->anonymised)
        return http_fail(req, ERR_CONFLICT, "Cette orientation a été anonymisée.", NULL);
    const char *body = m.len ? str_dup(m, a) : NULL;
    int64_t now = (int64_t)time(NULL);
    const char *refus = NULL;
    if (to == OS_REFUSEE) {
        struct buf b;
        buf_init(&b, a, 4096);
        for (size_t i = 0; i < n_motifs; i++) {
            if (i)
                buf_addch(&b, '|');
            buf_adds(&b, motifs[i]);
        }
        refus = buf_cstr(&b);
    }
    int rc = db_begin(ctx->db);
    if (rc == 0 && is_message)
        rc = orientation_message(ctx->db, o->id, who, body, now);
    else if (rc == 0)
        rc = orientation_set_status(ctx->db, o->id, (enum orientation_status)to, who, refus, body,
                                    now);
    if (rc == 0 && to == OS_REFUSEE)
        rc = orientation_pieces_delete(ctx->db, a, orientation_pieces_dir(a, ctx->cfg->data_dir),
                                       o->id, now, NULL);
    /* The other side hears of it. */
    enum orientation_side other = who->side == SIDE_RECEPTION ? SIDE_ENVOI : SIDE_RECEPTION;
    const char *what =
        is_message ? arena_printf(a, "Nouveau message de %s sur l'%s.", who->name, link_text(a, o))
                   : arena_printf(a, "L'%s est maintenant : %s.", link_text(a, o),
                                  orientation_status_label((enum orientation_status)to));
    const char *subject = is_message ? "Relais : un message sur une orientation"
                                     : "Relais : une orientation a changé de statut";
    if (rc == 0 && (other == SIDE_ENVOI || o->to_structure_id)) {
        bool members = true;
        if (other == SIDE_RECEPTION)
            rc = orientation_structure_has_members(ctx->db, o->to_structure_id, &members);
        if (rc == 0 && members) {
            const char *mail = arena_printf(
                a, "Bonjour,\n\n%s\n%s%s\nVoir l'orientation : %s\n\nRelais\n", what,
                body ? "\nMessage :\n" : "", body ? body : "",
                mail_link(ctx->cfg, a, arena_printf(a, "/orientations/%lld", (long long)o->id),
                          ""));
            rc = orientation_notify(ctx->db, a, o, other, what, subject, mail, now);
        }
    }
    if (rc == 0 && other == SIDE_RECEPTION && o->to_email && !o->demo) {
        /* A destination without an account hears of a message by e-mail, with a fresh link. */
        struct orientation_settings s;
        orientation_settings_read(ctx->cfg, &s);
        const char *token;
        rc = orientation_link_create(ctx->db, a, o->id, now, s.lien_s, &token);
        if (rc == 0)
            rc = outbox_enqueue(
                ctx->db, o->to_email, subject,
                arena_printf(
                    a, "Bonjour,\n\n%s\n%s%s\nRépondez par ce lien personnel :\n%s\n\nRelais\n",
                    what, body ? "\nMessage :\n" : "", body ? body : "",
                    mail_link(ctx->cfg, a, "/orientations/lien/", token)),
                now);
    }
    if (rc) {
        db_rollback(ctx->db);
        if (rc == ERR_CONFLICT)
            return http_fail(req, ERR_CONFLICT,
                             arena_printf(a,
                                          "Cette orientation est déjà « %s » : son statut ne "
                                          "peut plus devenir « %s ».",
                                          orientation_status_label(o->status),
                                          orientation_status_label((enum orientation_status)to)),
                             "decision");
        return rc;
    }
    if ((rc = db_commit(ctx->db)))
        return rc;
    orientation_flush_mail(req);
    return 0;
}

/* A random file name that reveals nothing of the upload. */
static const char *stored_name(struct arena *a, const char *mime)
{
    const char *ext = strcmp(mime, "application/pdf") == 0 ? "pdf"
                      : strcmp(mime, "image/png") == 0     ? "png"
                                                           : "jpg";
    return arena_printf(a, "%s.%s", crypto_sha256_hex(a, crypto_random_token(a)), ext);
}

int orientation_send(struct http_request *req, struct orientation_input *in,
                     const struct orientation_destination *d, const char *departement,
                     const struct http_upload *const *pieces, const char *const *mimes,
                     size_t n_pieces, struct ui_errors *errs, int64_t *id)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    int64_t now = (int64_t)time(NULL);
    const char *dir = orientation_pieces_dir(a, ctx->cfg->data_dir);
    const char **moved = arena_calloc(a, n_pieces + 1, sizeof(*moved));
    size_t n_moved = 0;
    in->demo = ctx->cfg->demo;
    int rc = orientation_validate(in, a, errs);
    if (rc)
        return rc;
    if (n_pieces && mkdir(dir, 0700) < 0 && errno != EEXIST) {
        log_error("orientation: cannot create %s: %m", dir);
        return ERR_IO;
    }
    if ((rc = db_begin(ctx->db)))
        return rc;
    rc = orientation_create(ctx->db, a, in, departement, now, errs, id);
    for (size_t i = 0; rc == 0 && i < n_pieces; i++) {
        const char *name = stored_name(a, mimes[i]);
        const char *path = arena_printf(a, "%s/%s", dir, name);
        if (rename(pieces[i]->path, path) < 0) {
            log_error("orientation: cannot move %s: %m", pieces[i]->path);
            rc = ERR_IO;
            break;
        }
        moved[n_moved++] = path;
        const char *nom =
            pieces[i]->filename && *pieces[i]->filename ? pieces[i]->filename : "piece-jointe";
        rc =
            orientation_piece_add(ctx->db, *id, nom, name, mimes[i], (int64_t)pieces[i]->size, now);
    }
    struct orientation o;
    if (rc == 0)
        rc = orientation_get(ctx->db, a, *id, &o);
    const char *text = rc ? NULL
                          : arena_printf(a, "Nouvelle orientation n° %lld de %s : %s.",
                                         (long long)*id, o.from_structure_nom, o.besoins);
    const char *subject = "Relais : une personne vous est orientée";
    if (rc == 0 && d->has_members) {
        const char *mail = arena_printf(
            a,
            "Bonjour,\n\n%s\n\nLisez-la et répondez (accepter, refuser, écrire) ici :\n%s\n\n"
            "Relais\n",
            text,
            mail_link(ctx->cfg, a, arena_printf(a, "/orientations/%lld", (long long)*id), ""));
        rc = orientation_notify(ctx->db, a, &o, SIDE_RECEPTION, text, subject, mail, now);
    } else if (rc == 0 && d->email) {
        struct orientation_settings s;
        orientation_settings_read(ctx->cfg, &s);
        const char *token;
        rc = orientation_link_create(ctx->db, a, *id, now, s.lien_s, &token);
        /* A demo must never write to the real address of a real lieu: the link goes to the
         * sender's notifications instead, to try the destination's side. */
        if (rc == 0 && ctx->cfg->demo && in->from_user_id)
            rc = notification_add(ctx->db, in->from_user_id,
                                  "Démo : le lien que la structure destinataire aurait reçu par "
                                  "e-mail (aucun courriel n'est envoyé en démonstration).",
                                  arena_printf(a, "/orientations/lien/%s", token), now);
        else if (rc == 0 && !ctx->cfg->demo)
            rc = outbox_enqueue(
                ctx->db, d->email, subject,
                arena_printf(a,
                             "Bonjour,\n\n%s\n\n%s vous oriente une personne par Relais. Lisez "
                             "l'orientation et répondez (accepter, refuser, écrire) sans créer de "
                             "compte, par ce lien personnel valable %lld jours :\n%s\n\nRelais\n",
                             text, o.from_structure_nom, (long long)(s.lien_s / 86400),
                             mail_link(ctx->cfg, a, "/orientations/lien/", token)),
                now);
    }
    if (rc == 0)
        rc = db_commit(ctx->db);
    else
        db_rollback(ctx->db);
    if (rc) {
        for (size_t i = 0; i < n_moved; i++)
            unlink(moved[i]);
        return rc;
    }
    audit_record(ctx->db, in->from_user_id, departement, "orientation_envoyee",
                 arena_printf(a, "orientation:%lld", (long long)*id), NULL);
    orientation_flush_mail(req);
    return 0;
}

int orientation_suivie_read(struct http_request *req, const char *value, struct ui_errors *errs,
                            int64_t *id)
{
    *id = 0;
    if (!value || !*value)
        return 0;
    const struct ctx *ctx = req->ctx;
    struct beneficiaire x;
    int64_t v;
    if (cstr_to_int64(value, &v) || v <= 0 || beneficiaire_get(ctx->db, req->arena, v, &x) != 0 ||
        x.anonyme || x.fusion_vers_id || !beneficiaire_can_see(auth_of(req), &x)) {
        ui_errors_add(errs, "beneficiaire",
                      "Personne suivie : choisissez une personne de la liste, dont la fiche "
                      "nominative est suivie par votre structure.");
        return ERR_INVALID;
    }
    *id = v;
    return 0;
}
