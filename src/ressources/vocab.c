/*
 * La Base's vocabularies (see vocab.h). The identifiers are copied exactly from la-base's
 * schema.prisma through reference/anchors.md. Labels come from the files of la-base's
 * apps/web/src/themes/ where anchors.md gives them; the others are written from the identifier in
 * the same style. A theme's category follows la-base's themes.ts for the themes it lists there; the
 * themes added later (education_aux_medias, the environment themes, donnees...) are placed by their
 * name.
 */
#include "ressources/vocab.h"

#include <string.h>

const char *const ressources_vocab_theme_categories[] = {
    "Inclusion numérique",
    "Culture numérique",
    "Communs & souveraineté",
    "Numérique & environnement",
};
const size_t ressources_vocab_n_theme_categories = 4;

#define INCL "Inclusion numérique"
#define CULT "Culture numérique"
#define COMM "Communs & souveraineté"
#define ENV "Numérique & environnement"

static const struct vocab_value themes[] = {
    {"diagnostic_de_competences_numeriques", "Diagnostic de compétences numériques", INCL,
     "diagnostic evaluation positionnement pix niveau competence autonomie"},
    {"aides_aux_demarches_administratives", "Aides aux démarches administratives", INCL,
     "demarche administratif administration procedure formulaire caf impot ameli retraite "
     "franceconnect ants service public dossier"},
    {"maitrise_des_outils_numeriques", "Maîtrise des outils numériques", INCL,
     "ordinateur smartphone telephone tablette clavier souris bureautique fichier dossier "
     "traitement texte tableur logiciel application"},
    {"navigation_sur_internet", "Navigation sur Internet", INCL,
     "internet navigateur web site recherche moteur lien url onglet"},
    {"accessibilite", "Accessibilité", CULT, "accessibilite handicap malvoyant rgaa lecteur ecran"},
    {"loisirs_et_creations_numeriques", "Loisirs et créations numériques", CULT,
     "loisir creation photo musique dessin montage video retouche"},
    {"citoyennete_et_engagement", "Citoyenneté et engagement", CULT,
     "citoyen citoyennete vote engagement democratie association"},
    {"code_et_programmation", "Code et programmation", CULT,
     "code programmation programmer scratch python algorithme robot"},
    {"reseaux_sociaux_et_communication", "Réseaux sociaux et communication", CULT,
     "reseau social facebook instagram whatsapp messagerie courriel mail visio communication"},
    {"donnees", "Données", CULT, "donnee data cookie traces vie privee rgpd"},
    {"emploi_et_entrepreunariat", "Emploi et entrepreunariat", CULT,
     "emploi travail cv candidature entreprise entrepreneur france travail metier"},
    {"jeux_videos", "Jeux vidéos", CULT, "gaming console manette"},
    {"numerique_en_sante", "Numérique en santé", CULT,
     "sante ameli medecin doctolib mon espace sante ordonnance"},
    {"parentalite", "Parentalité", CULT, "parent enfant ecran famille controle parental ecole"},
    {"risques_cyber_et_protection", "Risques cyber et protection", CULT,
     "arnaque escroquerie fraude phishing hameconnage securite mot passe virus piratage "
     "cybersecurite protection"},
    {"education_aux_medias", "Éducation aux médias", CULT,
     "media information desinformation fake news infox esprit critique presse"},
    {"communs_numeriques", "Communs numériques", COMM,
     "commun wikipedia openstreetmap contribution"},
    {"economie_numerique", "Économie numérique", COMM, "economie plateforme marche commerce"},
    {"gouvernances_partagees", "Gouvernances partagées", COMM,
     "gouvernance cooperation collectif partage decision"},
    {"intelligence_artificielle", "Intelligence artificielle", COMM,
     "intelligence artificielle ia chatgpt algorithme generative"},
    {"open_source_et_licences_libres", "Open source et licences libres", COMM,
     "logiciel libre open source linux licence libre"},
    {"souverainete_numerique_et_hebergement_des_donnees",
     "Souveraineté numérique et hébergement des données", COMM,
     "souverainete hebergement cloud serveur"},
    {"sobriete_numerique", "Sobriété numérique", ENV, "sobriete consommation energie sobre"},
    {"materiel_reconditionne", "Matériel reconditionné", ENV,
     "reconditionne reemploi reparation recyclage materiel"},
    {"mobilites", "Mobilités", ENV, "mobilite transport deplacement covoiturage"},
    {"ecoconception_de_services_numeriques", "Écoconception de services numériques", ENV,
     "ecoconception conception service"},
    {"usages_responsables_du_numerique", "Usages responsables du numérique", ENV,
     "usage responsable ecran temps"},
    {"numerique_au_service_de_l_environnement", "Numérique au service de l'environnement", ENV,
     "environnement climat ecologie biodiversite"},
    {"territoires_connectes_et_durables", "Territoires connectés et durables", ENV,
     "territoire connecte durable ville"},
};

static const struct vocab_value types[] = {
    {"resource_pedagogique", "Ressources pédagogiques", NULL,
     "pedagogique atelier seance fiche exercice cours formation"},
    {"outils_numeriques", "Outils numériques", NULL, "outil application logiciel plateforme"},
    {"annuaire", "Annuaire", NULL, "annuaire liste contacts repertoire"},
    {"article", "Article", NULL, "article blog"},
    {"boite_outils", "Boîte à outils", NULL, "boite outils kit"},
    {"infographie", "Infographie", NULL, "infographie affiche schema"},
    {"methodologie", "Méthodologie", NULL, "methode methodologie guide etape pas"},
    {"questionnaire", "Questionnaire", NULL, "questionnaire quiz qcm test question"},
    {"video_webinaire", "Vidéo / Webinaire", NULL, "video webinaire tutoriel youtube"},
};

static const struct vocab_value publics[] = {
    {"tous_publics", "Tous publics", NULL, ""},
    {"enfants_mineurs", "Enfants et mineurs", NULL, "enfant mineur jeune ado adolescent eleve"},
    {"adultes", "Adultes", NULL, "adulte"},
    {"seniors_personnes_agees", "Seniors et personnes âgées", NULL,
     "senior age agee retraite aine"},
    {"parents", "Parents", NULL, "parent famille"},
    {"personnes_tres_eloignees_numerique", "Personnes très éloignées du numérique", NULL,
     "debutant eloigne premier pas grand debutant"},
    {"personne_situation_handicap_ou_perte_autonomie",
     "Personnes en situation de handicap ou de perte d'autonomie", NULL,
     "handicap autonomie malvoyant sourd"},
    {"personne_situation_illetrisme", "Personnes en situation d'illettrisme", NULL,
     "illettrisme lecture ecriture alphabetisation"},
    {"personne_allophone_ou_refugies_demandeurs_asile",
     "Personnes allophones, réfugiées ou demandeuses d'asile", NULL,
     "allophone refugie asile etranger fle langue"},
    {"personnes_en_insertion_sociale_ou_professionnelle",
     "Personnes en insertion sociale ou professionnelle", NULL,
     "insertion emploi chomeur demandeur"},
};

static const struct vocab_value secteurs[] = {
    {"acteurs_publics", "Acteurs publics", NULL, "collectivite mairie administration"},
    {"acteurs_prives_et_associatifs", "Acteurs privés et associatifs", NULL,
     "association entreprise prive"},
    {"aidants_et_mediateurs_numeriques", "Aidants et médiateurs numériques", NULL,
     "mediateur aidant conseiller mediation"},
    {"autres_professionnels", "Autres professionnels", NULL, "professionnel travailleur social"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct vocab vocabs[VOCAB_N] = {
    {VOCAB_THEME, "theme", "themes", "Thématiques", themes, N(themes)},
    {VOCAB_TYPE, "type", "resource_types", "Types de ressource", types, N(types)},
    {VOCAB_PUBLIC, "public", "beneficiaries", "Publics", publics, N(publics)},
    {VOCAB_SECTEUR, "secteur", "professional_sectors", "Secteurs professionnels", secteurs,
     N(secteurs)},
};

const struct vocab *ressources_vocab_get(enum vocab_kind kind) { return &vocabs[kind]; }

const struct vocab_value *ressources_vocab_find(enum vocab_kind kind, const char *value)
{
    const struct vocab *v = &vocabs[kind];
    for (size_t i = 0; value && i < v->n; i++)
        if (strcmp(v->values[i].value, value) == 0)
            return &v->values[i];
    return NULL;
}

const struct licence ressources_vocab_licences[] = {
    {"etalab_2_0", "Licence Ouverte Etalab 2.0",
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
    {"cc_by_sa_4_0", "Creative Commons BY-SA 4.0",
     "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"},
    {"cc_by_nc_sa_4_0", "Creative Commons BY-NC-SA 4.0",
     "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr"},
    {"no_licence", "Aucune licence", NULL},
};
const size_t ressources_vocab_n_licences = N(ressources_vocab_licences);

const struct licence *ressources_vocab_licence(const char *value)
{
    for (size_t i = 0; value && i < N(ressources_vocab_licences); i++)
        if (strcmp(ressources_vocab_licences[i].value, value) == 0)
            return &ressources_vocab_licences[i];
    return NULL;
}
