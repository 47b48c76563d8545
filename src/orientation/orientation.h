/*
 * orientation: referrals of a person from one structure to another, as DORA runs them. A médiateur
 * sends a referral (the person as little as needed, the need, the reason, optional attachments, a
 * data-protection commitment) to a structure of Relais, or to a lieu's contact address when the
 * destination has no account; the destination accepts or refuses it (with reasons), and both sides
 * exchange messages. Every status change is logged with who and when. Time bounds (reminder,
 * expiry, anonymisation) run from `relais maintenance` with an injected "now".
 *
 * Status machine: ouverte → en_cours → acceptee | refusee; ouverte → acceptee | refusee; ouverte
 * and en_cours → expiree. acceptee, refusee and expiree are final. Attachments are deleted at
 * refusal and expiry.
 *
 * The store functions take the caller's connection and never open a transaction themselves: a
 * handler wraps what must happen together in db_begin/db_commit. Strings returned live in the
 * caller's arena. Times are Unix seconds given by the caller.
 */
#ifndef RELAIS_ORIENTATION_ORIENTATION_H
#define RELAIS_ORIENTATION_ORIENTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct config;
struct db;
struct ui_errors;

enum orientation_status { OS_OUVERTE, OS_EN_COURS, OS_ACCEPTEE, OS_REFUSEE, OS_EXPIREE, OS_N };

/* Stored value ("en_cours") and French label ("En cours d'étude"). Static. */
const char *orientation_status_value(enum orientation_status s);
const char *orientation_status_label(enum orientation_status s);
/* -1 when unknown. */
int orientation_status_parse(const char *value);
bool orientation_transition_ok(enum orientation_status from, enum orientation_status to);
bool orientation_status_final(enum orientation_status s);

/* DORA's contact preferences and refusal reasons, adapted: value and French label. */
struct orientation_choice {
    const char *value;
    const char *label;
};
extern const struct orientation_choice orientation_preferences[];
extern const size_t orientation_n_preferences;
extern const struct orientation_choice orientation_refus[];
extern const size_t orientation_n_refus;
/* The label of a value of one of those lists, or NULL. */
const char *orientation_choice_label(const struct orientation_choice *list, size_t n,
                                     const char *value);

/* Limits of the referral's fields, in characters. */
#define ORIENTATION_MOTIF_MAX 600
#define ORIENTATION_PERSONNE_MAX 60
#define ORIENTATION_CONTACT_MAX 200
#define ORIENTATION_TEXT_MAX 600
#define ORIENTATION_MESSAGE_MAX 2000

/* The time bounds, from the RELAIS_ORIENTATION_* settings (config.h). */
struct orientation_settings {
    int64_t rappel_s;        /* reminder without an answer (10 days) */
    int64_t expiration_s;    /* expiry without an answer (30 days) */
    int64_t anonymisation_s; /* personal fields blanked (730 days) */
    int64_t lien_s;          /* a signed link's life (8 days) */
};
/* Reads the settings; an unreadable value keeps its default and is logged. */
void orientation_settings_read(const struct config *cfg, struct orientation_settings *out);

/* What a sender fills in. Lists are borrowed arrays of strings. */
struct orientation_input {
    int64_t from_structure_id;
    int64_t from_user_id;       /* 0 for an API token */
    const char *from_user_name; /* who is logged as having sent it */
    int64_t to_structure_id;    /* 0: external destination (to_email) */
    const char *to_email;
    int64_t lieu_id; /* 0: none */
    const char *destination_nom;
    const char *personne, *contact;
    const char **preferences;
    size_t n_preferences;
    const char **besoins;
    size_t n_besoins;
    const char *motif, *disponibilites, *interlocuteur, *a_apporter;
    bool engagement;
    bool demo;
    /* 0: none. The named beneficiary record of the sender's structure that the referral concerns;
     * the caller checks that the sender may see it (beneficiaire_can_see). */
    int64_t beneficiaire_id;
};

/* Checks every rule, with French messages per field into errs (fields: personne, contact,
 * preferences, besoins, motif, disponibilites, interlocuteur, a_apporter, engagement,
 * destination). ERR_INVALID when something is wrong. */
int orientation_validate(const struct orientation_input *in, struct arena *a,
                         struct ui_errors *errs);
/* Validates and inserts (status ouverte). */
int orientation_create(struct db *db, struct arena *a, const struct orientation_input *in,
                       const char *departement, int64_t now, struct ui_errors *errs, int64_t *id);

struct orientation {
    int64_t id;
    const char *departement;
    int64_t from_structure_id;
    const char *from_structure_nom;
    int64_t from_user_id;
    const char *from_user_nom, *from_user_email;
    int64_t to_structure_id;
    const char *to_structure_nom;
    const char *to_email;
    int64_t lieu_id;
    const char *destination_nom;
    const char *personne, *contact, *preferences, *besoins, *motif;
    const char *disponibilites, *interlocuteur, *a_apporter;
    enum orientation_status status;
    const char *refus_motifs;
    int64_t created_at, updated_at, answered_at, last_reminder_at;
    bool anonymised, demo;
    int64_t beneficiaire_id; /* 0: not linked to a beneficiary record */
};

int orientation_get(struct db *db, struct arena *a, int64_t id, struct orientation *out);
/* The referrals sent by (received: false) or to (received: true) a structure, newest first. */
int orientation_list(struct db *db, struct arena *a, int64_t structure_id, bool received,
                     int64_t offset, int64_t limit, struct orientation **out, size_t *n,
                     int64_t *total);
/* The referrals linked to a beneficiary record that a structure of user_id sent or received
 * (all: every one, for the platform's admins), oldest first, at most ORIENTATION_PARCOURS_MAX. */
#define ORIENTATION_PARCOURS_MAX 200
int orientation_of_beneficiaire(struct db *db, struct arena *a, int64_t beneficiaire_id,
                                int64_t user_id, bool all, struct orientation **out, size_t *n);

/* Figures of a structure's referrals, sent or received. */
struct orientation_figures {
    int64_t total, pending, accepted, refused, expired;
    int64_t answered;       /* with a first answer from the destination */
    int64_t answer_seconds; /* summed from sending to that first answer */
};
int orientation_stats(struct db *db, int64_t structure_id, bool received,
                      struct orientation_figures *out);

/* Who acts: a user (user_id, name) of one side, or the destination through its link, or Relais
 * itself (maintenance). */
enum orientation_side { SIDE_ENVOI, SIDE_RECEPTION, SIDE_SYSTEME };
struct orientation_actor {
    int64_t user_id; /* 0: none */
    const char *name;
    enum orientation_side side;
};

/* Changes the status, logging from, to, who and when; refus_motifs ('|'-list) for a refusal.
 * ERR_CONFLICT when the machine forbids it. The message, when not NULL, is logged after. Files of
 * attachments are not touched here: see orientation_pieces_delete. */
int orientation_set_status(struct db *db, int64_t id, enum orientation_status to,
                           const struct orientation_actor *who, const char *refus_motifs,
                           const char *message, int64_t now);
/* A message on the referral (ERR_INVALID when empty or longer than ORIENTATION_MESSAGE_MAX). */
int orientation_message(struct db *db, int64_t id, const struct orientation_actor *who,
                        const char *body, int64_t now);

struct orientation_event {
    int64_t at;
    const char *actor;
    enum orientation_side side;
    bool is_status;
    const char *from_status, *to_status; /* stored values */
    const char *body;
};
int orientation_events(struct db *db, struct arena *a, int64_t id, struct orientation_event **out,
                       size_t *n);

struct orientation_piece {
    int64_t id;
    const char *nom, *stored, *mime;
    int64_t size;
    bool deleted;
};
int orientation_piece_add(struct db *db, int64_t orientation_id, const char *nom,
                          const char *stored, const char *mime, int64_t size, int64_t now);
int orientation_pieces(struct db *db, struct arena *a, int64_t orientation_id,
                       struct orientation_piece **out, size_t *n);
/* Removes the files of a referral's attachments from dir and marks them deleted; *removed counts
 * them (may be NULL). */
int orientation_pieces_delete(struct db *db, struct arena *a, const char *dir,
                              int64_t orientation_id, int64_t now, int64_t *removed);
/* The directory of attachments under the data directory (arena). */
const char *orientation_pieces_dir(struct arena *a, const char *data_dir);

/* A signed link for the destination: a random token (returned once, arena) whose SHA-256 is
 * stored, valid ttl_s. Earlier links stay valid until they expire. */
int orientation_link_create(struct db *db, struct arena *a, int64_t orientation_id, int64_t now,
                            int64_t ttl_s, const char **token);
/* The referral of a link: 0 with *expired set, or ERR_NOT_FOUND for an unknown (or altered)
 * token. */
int orientation_link_lookup(struct db *db, struct arena *a, const char *token, int64_t now,
                            int64_t *orientation_id, bool *expired);

/* True when the structure has at least one active account (it can act in Relais). */
int orientation_structure_has_members(struct db *db, int64_t structure_id, bool *yes);

/* --- notifications --- */

/* In-app notification for a user, and an e-mail in the outbox for each member of one side:
 * side SIDE_RECEPTION: the destination structure's members; SIDE_ENVOI: the sender (or, for a
 * referral made with an API token, the sending structure's members). */
int orientation_notify(struct db *db, struct arena *a, const struct orientation *o,
                       enum orientation_side side, const char *text, const char *mail_subject,
                       const char *mail_body, int64_t now);

int notification_add(struct db *db, int64_t user_id, const char *text, const char *href,
                     int64_t now);
int notification_unread(struct db *db, int64_t user_id, int64_t *count);
struct notification {
    int64_t id, at;
    const char *text, *href;
    bool read;
};
int notification_list(struct db *db, struct arena *a, int64_t user_id, int64_t limit,
                      struct notification **out, size_t *n);
int notification_mark_read(struct db *db, int64_t user_id, int64_t now);

/* --- time bounds --- */

struct orientation_maintenance_stats {
    int64_t reminded, expired, pieces_deleted, anonymised;
};
/* Reminders, expiry, leftover attachments of closed referrals, anonymisation, at time now. Each
 * referral is handled in its own transaction. */
int orientation_maintenance(struct db *db, const struct config *cfg,
                            const struct orientation_settings *s, int64_t now,
                            struct orientation_maintenance_stats *stats);

/* --- demo --- */

/* A few invented referrals, marked démo, between the first demo structures (first, first + 1,
 * first + 2): two received by the first one (one open, one accepted with a message) and one it sent
 * that was refused. sender_email is the demo médiatrice of the first structure. */
int orientation_demo(struct db *db, struct arena *a, int64_t first, const char *sender_email,
                     int64_t now);
/* Links the demo's referrals sent by a médiateur to the demo's followed person of the same
 * structure, once the activité demo has made her. */
int orientation_demo_link_person(struct db *db);

#endif
