/* La Coop's CRA and beneficiary vocabularies (values and labels from reference/anchors.md §2). */
#include "activite/vocab.h"

#include <string.h>

#define VOCAB(name_, field_)                                                                       \
    const struct vocab name_ = {field_, name_##_entries,                                           \
                                (int)(sizeof(name_##_entries) / sizeof(name_##_entries[0]))}

static const struct vocab_entry vocab_cra_type_entries[] = {
    {"individuel", "Accompagnement individuel", "Une personne, sur un ou plusieurs sujets."},
    {"collectif", "Atelier collectif", "Plusieurs participants, identifiés ou comptés."},
    {"demarche", "Démarche administrative",
     "Une personne, pour une démarche : au moins une des 11 thématiques administratives."},
};
VOCAB(vocab_cra_type, "type");

static const struct vocab_entry vocab_type_lieu_entries[] = {
    {"lieu_activite", "Lieu d’activité", NULL},
    {"domicile", "À domicile", NULL},
    {"a_distance", "À distance", "Par téléphone ou en visioconférence."},
    {"autre", "Autre lieu", NULL},
};
VOCAB(vocab_type_lieu, "type_lieu");

static const struct vocab_entry vocab_thematique_entries[] = {
    {"diagnostic_numerique", "Diagnostic numérique", "Évaluer ce que la personne sait déjà faire."},
    {"prendre_en_main_du_materiel", "Prendre en main du matériel",
     "Ordinateur, téléphone, tablette : allumer, régler, installer une application."},
    {"maintenance_de_materiel", "Maintenance de matériel",
     "Mises à jour, nettoyage, sauvegarde, réparation simple."},
    {"gere_ses_contenus_numeriques", "Gérer ses contenus numériques",
     "Fichiers, photos, dossiers, stockage en ligne."},
    {"navigation_sur_internet", "Navigation sur internet", "Chercher, naviguer, se repérer."},
    {"email", "E-mail", "Créer une adresse, envoyer, joindre un document."},
    {"bureautique", "Bureautique", "Traitement de texte, tableur, impression."},
    {"reseaux_sociaux", "Réseaux sociaux communication", "Messageries, réseaux, visioconférence."},
    {"sante", "Santé", "Mon espace santé, Ameli, prise de rendez-vous médical."},
    {"banque_et_achats_en_ligne", "Banque et achats en ligne",
     "Banque en ligne, paiement, achats et ventes."},
    {"entrepreneuriat", "Accompagner un professionnel", "Outils numériques d’une activité."},
    {"insertion_professionnelle", "Insertion professionnelle",
     "CV, recherche d’emploi, candidatures en ligne."},
    {"securite_numerique", "Prévention en sécurité numérique",
     "Mots de passe, arnaques, données personnelles."},
    {"parentalite", "Parentalité", "Accompagner les usages numériques des enfants."},
    {"scolarite_et_numerique", "Scolarité et numérique", "Espace numérique de travail, Pronote."},
    {"creer_avec_le_numerique", "Créer avec le numérique", "Photo, vidéo, musique, impression 3D."},
    {"culture_numerique", "Culture numérique", "Comprendre le numérique et ses enjeux."},
    {"intelligence_artificielle", "Intelligence artificielle (IA)",
     "Comprendre et utiliser les outils d’IA."},
    {"aide_aux_demarches_administratives", "Aide aux démarches administratives",
     "Une démarche en ligne : précisez son domaine ci-dessous."},
    {"papiers_elections_citoyennete", "Papiers - Élections - Citoyenneté", NULL},
    {"famille_scolarite", "Famille - Scolarité", NULL},
    {"social_sante", "Social - Santé", NULL},
    {"travail_formation", "Travail - Formation - Entreprise", NULL},
    {"logement", "Logement", NULL},
    {"transports_mobilite", "Transports - Mobilité", NULL},
    {"argent_impots", "Argent - Impôts", NULL},
    {"justice", "Justice", NULL},
    {"etrangers_europe", "Étrangers - Europe", NULL},
    {"loisirs_sports_culture", "Loisirs - Sports - Culture", NULL},
    {"associations", "Associations", NULL},
};
VOCAB(vocab_thematique, "thematiques");

static const struct vocab_entry vocab_materiel_entries[] = {
    {"ordinateur", "Ordinateur", NULL}, {"telephone", "Téléphone", NULL},
    {"tablette", "Tablette", NULL},     {"autre", "Autre", NULL},
    {"aucun", "Pas de matériel", NULL},
};
VOCAB(vocab_materiel, "materiel");

static const struct vocab_entry vocab_autonomie_entries[] = {
    {"entierement_accompagne", "Avec guidage", "La personne a été guidée du début à la fin."},
    {"partiellement_autonome", "Autonome avec guidage en cas de besoin",
     "La personne a fait une partie seule."},
    {"autonome", "Autonome", "La personne a tout fait seule."},
};
VOCAB(vocab_autonomie, "autonomie");

static const struct vocab_entry vocab_niveau_atelier_entries[] = {
    {"debutant", "Débutant", NULL},
    {"intermediaire", "Intermédiaire", NULL},
    {"avance", "Avancé", NULL},
};
VOCAB(vocab_niveau_atelier, "niveau_atelier");

static const struct vocab_entry vocab_structure_redirection_entries[] = {
    {"administration", "Administration (mairie, préfecture…)", NULL},
    {"mediation_numerique", "Autre structure de médiation numérique", NULL},
    {"operateur_ou_organisme_en_charge",
     "Opérateur ou organisme en charge de la démarche administrative", NULL},
    {"aide_sociale", "Structure d’aide sociale (maison des solidarités, centre social…)", NULL},
    {"insertion_professionnelle",
     "Structure d’insertion professionnelle (France Travail, mission locale, chambre de "
     "commerce…)",
     NULL},
    {"aide_aux_demarches_administratives",
     "Structure d’aide aux démarches administratives (France Services…)", NULL},
    {"autre", "Autre", NULL},
};
VOCAB(vocab_structure_redirection, "structure_de_redirection");

static const struct vocab_entry vocab_genre_entries[] = {
    {"masculin", "Masculin", NULL},
    {"feminin", "Féminin", NULL},
    {"non_communique", "Non communiqué", NULL},
};
VOCAB(vocab_genre, "genre");

static const struct vocab_entry vocab_tranche_age_entries[] = {
    {"moins_de_douze", "Moins de 12 ans", NULL},
    {"douze_dix_huit", "12 - 17 ans", NULL},
    {"dix_huit_vingt_quatre", "18 - 24 ans", NULL},
    {"vingt_cinq_trente_neuf", "25 - 39 ans", NULL},
    {"quarante_cinquante_neuf", "40 - 59 ans", NULL},
    {"soixante_soixante_neuf", "60 - 69 ans", NULL},
    {"soixante_dix_plus", "70 ans et plus", NULL},
    {"non_communique", "Non communiqué", NULL},
};
VOCAB(vocab_tranche_age, "tranche_age");

static const struct vocab_entry vocab_statut_social_entries[] = {
    {"scolarise", "Scolarisé", NULL},
    {"sans_emploi", "Sans emploi", NULL},
    {"en_emploi", "En emploi", NULL},
    {"retraite", "Retraité", NULL},
    {"non_communique", "Non communiqué ou hétérogène", NULL},
};
VOCAB(vocab_statut_social, "statut_social");

const int vocab_duree_presets[6] = {15, 30, 45, 60, 90, 120};

int vocab_find(const struct vocab *v, const char *value)
{
    if (!value || !*value)
        return -1;
    for (int i = 0; i < v->count; i++)
        if (strcmp(v->entries[i].value, value) == 0)
            return i;
    return -1;
}

const char *vocab_value(const struct vocab *v, int i)
{
    return i >= 0 && i < v->count ? v->entries[i].value : NULL;
}

const char *vocab_label(const struct vocab *v, int i)
{
    return i >= 0 && i < v->count ? v->entries[i].label : NULL;
}

bool thematique_is_demarche(enum thematique t)
{
    return t >= THEMATIQUE_FIRST_DEMARCHE && t < THEMATIQUE_COUNT;
}

enum tranche_age tranche_age_of_birth_year(int annee_naissance, int current_year)
{
    int age = current_year - annee_naissance;
    if (annee_naissance <= 0 || age < 0 || age > 130)
        return TRANCHE_AGE_NON_COMMUNIQUE;
    if (age < 12)
        return TRANCHE_AGE_MOINS_DE_DOUZE;
    if (age < 18)
        return TRANCHE_AGE_DOUZE_DIX_HUIT;
    if (age < 25)
        return TRANCHE_AGE_DIX_HUIT_VINGT_QUATRE;
    if (age < 40)
        return TRANCHE_AGE_VINGT_CINQ_TRENTE_NEUF;
    if (age < 60)
        return TRANCHE_AGE_QUARANTE_CINQUANTE_NEUF;
    if (age < 70)
        return TRANCHE_AGE_SOIXANTE_SOIXANTE_NEUF;
    return TRANCHE_AGE_SOIXANTE_DIX_PLUS;
}
