/*
 * lieu: a place of digital mediation, as the national standard "schéma des lieux de médiation
 * numérique" v1.0.2 defines it: 32 fields in a fixed order (the CSV column order), lists joined with
 * '|', exact vocabulary values. A struct lieu_row holds one row as text, exactly as it is exchanged;
 * nothing is lost: columns outside the standard are kept in `extra` and written back on export.
 *
 * The field table (standard.c) says, for each field, its name, whether it is required, its kind
 * and, for enumerations, the allowed values in the standard's order. Enumerated values are also
 * available as bit sets (struct lieu_facts), which search and statistics use.
 *
 * Ownership: the strings of a row are borrowed (from the parser's arena or the database row copy);
 * whoever fills a row says which arena holds them.
 */
#ifndef RELAIS_LIEUX_LIEU_H
#define RELAIS_LIEUX_LIEU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lieu_field {
    LF_ID,
    LF_PIVOT,
    LF_NOM,
    LF_COMMUNE,
    LF_CODE_POSTAL,
    LF_CODE_INSEE,
    LF_ADRESSE,
    LF_COMPLEMENT_ADRESSE,
    LF_LATITUDE,
    LF_LONGITUDE,
    LF_TYPOLOGIE,
    LF_TELEPHONE,
    LF_COURRIELS,
    LF_SITE_WEB,
    LF_HORAIRES,
    LF_PRESENTATION_RESUME,
    LF_PRESENTATION_DETAIL,
    LF_SOURCE,
    LF_ITINERANCE,
    LF_STRUCTURE_PARENTE,
    LF_DATE_MAJ,
    LF_SERVICES,
    LF_PUBLICS_SPECIFIQUEMENT_ADRESSES,
    LF_PRISE_EN_CHARGE_SPECIFIQUE,
    LF_FRAIS_A_CHARGE,
    LF_DISPOSITIF_PROGRAMMES_NATIONAUX,
    LF_FORMATIONS_LABELS,
    LF_AUTRES_FORMATIONS_LABELS,
    LF_MODALITES_ACCES,
    LF_MODALITES_ACCOMPAGNEMENT,
    LF_FICHE_ACCES_LIBRE,
    LF_PRISE_RDV,
    LIEU_N_FIELDS
};

/* A column that the standard does not define, kept as it came. */
struct lieu_extra {
    const char *name;
    const char *value;
};

struct lieu_row {
    const char *v[LIEU_N_FIELDS]; /* NULL when empty; exact standard text */
    struct lieu_extra *extra;
    size_t n_extra;
};

/* The standard's name of each field ("id", "pivot", … "prise_rdv"), in column order. */
extern const char *const lieu_field_names[LIEU_N_FIELDS];

/* What the enumerated fields of a row hold, as bit sets, and its parsed coordinates: search and
 * statistics test these instead of the text. Bit i of a set is value i of the field's vocabulary
 * in the standard's order (lieu_vocab() in standard.h); a value outside the vocabulary sets no bit.
 * lieu_facts_from_row (standard.h) fills it; the struct owns nothing. */
struct lieu_facts {
    uint16_t services;
    uint8_t publics_specifiquement_adresses;
    uint8_t prise_en_charge_specifique;
    uint8_t frais_a_charge;
    uint8_t itinerance;
    uint16_t dispositif_programmes_nationaux;
    uint16_t formations_labels;
    uint8_t modalites_acces;
    uint8_t modalites_accompagnement;
    uint64_t typologie[2]; /* 92 data·inclusion codes: bit i in typologie[i / 64] */
    bool has_coordinates;  /* both latitude and longitude parse as WGS84 numbers in range */
    double latitude, longitude;
};

#endif
