/*
 * destination: where a referral goes and who sends it, shared by the pages and the API. A lieu
 * names its structure when it has one, else its contact address; a structure of Relais without any
 * account is reached at the contact address of one of its lieux, through a signed link. The
 * sender is one of the viewer's structures (or the API token's).
 *
 * Everything lives in the request's arena.
 */
#ifndef RELAIS_ORIENTATION_DESTINATION_H
#define RELAIS_ORIENTATION_DESTINATION_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "orientation/orientation.h"

struct auth;

struct orientation_destination {
    int64_t lieu_id, structure_id;
    const char *nom;
    const char *email; /* the address of the signed link, when the structure has no account */
    bool has_members;  /* the destination structure acts in Relais */
    const char *departement;
};

/* From ?lieu=ID or ?structure=ID (lieu_param / structure_param as read from the request).
 * ERR_NOT_FOUND or ERR_INVALID after http_fail with a French message. */
int orientation_destination_read(struct http_request *req, const char *lieu_param,
                                 const char *structure_param, struct orientation_destination *out);

/* The sending structure: the one named (depuis) when the viewer belongs to several, else the only
 * one, or the API token's. ERR_FORBIDDEN (after http_fail) when the viewer may not send from the
 * structure named; ERR_INVALID when a choice is needed and missing, or the viewer belongs to no
 * structure (a platform administrator). */
int orientation_sender(struct http_request *req, const char *depuis, int64_t *structure_id,
                       const char **departement);

/* The beneficiary record a referral is linked to (« Personne suivie », field beneficiaire): 0 for
 * none (value NULL or ""); ERR_INVALID with a French message in errs when it is not a named,
 * unmerged record that the sender may see (beneficiaire_can_see). */
int orientation_suivie_read(struct http_request *req, const char *value, struct ui_errors *errs,
                            int64_t *id);

/* Which sides of a referral the viewer belongs to (admin: both). */
#define SIDE_BIT_ENVOI 1
#define SIDE_BIT_RECEPTION 2
unsigned orientation_viewer_sides(const struct auth *a, const struct orientation *o);

/* Applies an answer: decision en_cours | acceptee | refusee | message, with reasons for a refusal
 * and a message. Deletes the attachments at a refusal, notifies the other side (in the app and by
 * e-mail), in one transaction. Errors go to errs (fields decision, motifs, message) with
 * ERR_INVALID; ERR_CONFLICT when the status machine forbids it; ERR_FORBIDDEN when the side may
 * not take that decision. */
int orientation_answer(struct http_request *req, const struct orientation *o,
                       const struct orientation_actor *who, const char *decision,
                       const char **motifs, size_t n_motifs, const char *message,
                       struct ui_errors *errs);

/* Creates a referral with its attachments (already checked), the first notification or signed
 * link, in one transaction; sends the due e-mails after the commit. */
struct http_upload;
int orientation_send(struct http_request *req, struct orientation_input *in,
                     const struct orientation_destination *d, const char *departement,
                     const struct http_upload *const *pieces, const char *const *mimes,
                     size_t n_pieces, struct ui_errors *errs, int64_t *id);

/* Sends the due e-mails of the outbox (best effort, after a commit). */
void orientation_flush_mail(struct http_request *req);

#endif
