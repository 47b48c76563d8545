'use strict';
/*
 * The role matrix: for every route of `relais routes`, who may use it.
 *
 * One row per route (several rows may share a route to test an example with another outcome, e.g.
 * a structure the user does not belong to). A row:
 *   method, pattern   exactly as `relais routes` prints them (parameter names do not matter)
 *   path(f)           a concrete path; f is the fixture { structure, other, users, spare }
 *   body(f, role)     for POST and PATCH: a minimal body (form fields, or JSON when json: true); _csrf is added
 *   expect            { anonymous, mediateur, admin_structure, coordinateur, admin }: 'allow' | 'deny'
 *   accept            statuses that also count as 'allow' (a validation 400/422 for a minimal body,
 *                     a 404 for a made-up token): the request got past the role check
 *   fresh             the request ends the session (logout): run it with a session of its own
 *
 * deny means: anonymous on a page → 303 to /connexion?retour=…; anonymous on the API → 401;
 * a logged-in role → 403. allow means: status < 400 (or in accept), and not one of those.
 *
 * Roles: mediateur and admin_structure belong to f.structure; f.other is a structure they do not
 * belong to; the coordinateur covers département 53, where both structures are.
 */

const ALL = ['anonymous', 'mediateur', 'admin_structure', 'coordinateur', 'admin'];

function only(...roles) {
    const e = {};
    for (const r of ALL) e[r] = roles.includes(r) ? 'allow' : 'deny';
    return e;
}

const PUBLIC = only(...ALL);
const LOGGED_IN = only('mediateur', 'admin_structure', 'coordinateur', 'admin');
const STRUCTURE_ADMINS = only('admin_structure', 'coordinateur', 'admin');
const COORDINATION = only('coordinateur', 'admin');
const ADMIN = only('admin');
const MEMBERS = only('mediateur', 'admin_structure', 'admin');
const VALIDATION = [400, 422];

const rows = [
    // Public pages.
    { method: 'GET', pattern: '/', path: () => '/', expect: PUBLIC },
    { method: 'GET', pattern: '/accessibilite', path: () => '/accessibilite', expect: PUBLIC },
    { method: 'GET', pattern: '/donnees-personnelles', path: () => '/donnees-personnelles', expect: PUBLIC },
    { method: 'GET', pattern: '/connexion', path: () => '/connexion', expect: PUBLIC },
    {
        method: 'POST', pattern: '/connexion', path: () => '/connexion', expect: PUBLIC, accept: VALIDATION,
        // Wrong credentials on an address that exists nowhere: a failed login, not a role question.
        body: (f, role) => ({ email: `matrice-${role}@example.org`, password: 'pas-le-bon-mot-de-passe' }),
    },
    { method: 'POST', pattern: '/deconnexion', path: () => '/deconnexion', expect: LOGGED_IN, fresh: true, body: () => ({}) },
    { method: 'GET', pattern: '/mot-de-passe-oublie', path: () => '/mot-de-passe-oublie', expect: PUBLIC },
    {
        method: 'POST', pattern: '/mot-de-passe-oublie', path: () => '/mot-de-passe-oublie', expect: PUBLIC,
        accept: VALIDATION, body: () => ({ email: 'personne-inconnue@example.org' }),
    },
    // A made-up token: the page says the link is invalid (200/400/404/410) — never a role refusal.
    {
        method: 'GET', pattern: '/reinitialiser/{token}', path: () => '/reinitialiser/jeton-invente-0123456789',
        expect: PUBLIC, accept: [400, 404, 410],
    },
    {
        method: 'POST', pattern: '/reinitialiser/{token}', path: () => '/reinitialiser/jeton-invente-0123456789',
        expect: PUBLIC, accept: [400, 404, 410, 422],
        body: () => ({ password: 'Nouveau-mot-de-passe-2024', confirmation: 'Nouveau-mot-de-passe-2024' }),
    },
    {
        method: 'GET', pattern: '/invitation/{token}', path: () => '/invitation/jeton-invente-0123456789',
        expect: PUBLIC, accept: [400, 404, 410],
    },
    {
        method: 'POST', pattern: '/invitation/{token}', path: () => '/invitation/jeton-invente-0123456789',
        expect: PUBLIC, accept: [400, 404, 410, 422],
        body: () => ({ password: 'Nouveau-mot-de-passe-2024', confirmation: 'Nouveau-mot-de-passe-2024' }),
    },

    // Any logged-in user.
    { method: 'GET', pattern: '/tableau-de-bord', path: () => '/tableau-de-bord', expect: LOGGED_IN },
    { method: 'GET', pattern: '/compte', path: () => '/compte', expect: LOGGED_IN },
    {
        // A wrong current password: the form comes back with an error, nothing changes.
        method: 'POST', pattern: '/compte/mot-de-passe', path: () => '/compte/mot-de-passe', expect: LOGGED_IN,
        accept: VALIDATION,
        body: () => ({ actuel: 'pas-le-bon-mot-de-passe', password: 'Nouveau-mot-de-passe-2024', confirmation: 'Nouveau-mot-de-passe-2024' }),
    },

    // Structures.
    { method: 'GET', pattern: '/structures', path: () => '/structures', expect: STRUCTURE_ADMINS },
    { method: 'GET', pattern: '/structures/nouvelle', path: () => '/structures/nouvelle', expect: COORDINATION },
    {
        method: 'POST', pattern: '/structures', path: () => '/structures', expect: COORDINATION, accept: VALIDATION,
        body: (f, role) => ({ nom: `Structure de la matrice (${role})`, departement: '53' }),
    },
    // A structure's page is public, like the API's directory of structures.
    { method: 'GET', pattern: '/structures/{id}', path: (f) => `/structures/${f.structure}`, expect: PUBLIC },
    {
        method: 'POST', pattern: '/structures/{id}/membres', path: (f) => `/structures/${f.structure}/membres`,
        expect: STRUCTURE_ADMINS, accept: VALIDATION,
        body: (f, role) => ({ email: `invite-${role}@example.org`, name: `Invité ${role}`, role: 'mediateur' }),
    },
    {
        method: 'POST', pattern: '/structures/{id}/membres', path: (f) => `/structures/${f.other}/membres`,
        expect: COORDINATION, accept: VALIDATION, note: 'not a member',
        body: (f, role) => ({ email: `invite-autre-${role}@example.org`, name: `Invité ${role}`, role: 'mediateur' }),
    },
    { method: 'GET', pattern: '/structures/{id}/jetons', path: (f) => `/structures/${f.structure}/jetons`, expect: STRUCTURE_ADMINS },
    { method: 'GET', pattern: '/structures/{id}/jetons', path: (f) => `/structures/${f.other}/jetons`, expect: COORDINATION, note: 'not a member' },
    {
        method: 'POST', pattern: '/structures/{id}/jetons', path: (f) => `/structures/${f.structure}/jetons`,
        expect: STRUCTURE_ADMINS, accept: VALIDATION, body: (f, role) => ({ nom: `Jeton de la matrice (${role})`, portee: 'lecture' }),
    },
    {
        method: 'POST', pattern: '/structures/{id}/jetons', path: (f) => `/structures/${f.other}/jetons`,
        expect: COORDINATION, accept: VALIDATION, note: 'not a member', body: (f, role) => ({ nom: `Jeton autre (${role})`, portee: 'lecture' }),
    },
    {
        // No such token: allowed roles get 404, the others a refusal before the lookup.
        method: 'POST', pattern: '/structures/{id}/jetons/{tid}/revoquer',
        path: (f) => `/structures/${f.structure}/jetons/999999/revoquer`, expect: STRUCTURE_ADMINS, accept: [404],
        body: () => ({}),
    },

    // Lieux. The fixture has no lieu: a made-up id gives 404 past the role check (real lieux, and
    // the object-level checks of their structure and département, are in lieux_pages.test.js).
    { method: 'GET', pattern: '/lieux', path: () => '/lieux?commune=Laval', expect: PUBLIC },
    { method: 'GET', pattern: '/lieux/{id}', path: () => '/lieux/999999', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/lieux/{id}/fiche', path: () => '/lieux/999999/fiche', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/lieux/{id}/signaler', path: () => '/lieux/999999/signaler', expect: PUBLIC, accept: [404] },
    {
        method: 'POST', pattern: '/lieux/{id}/signaler', path: () => '/lieux/999999/signaler', expect: PUBLIC,
        accept: [404], body: () => ({ message: 'Les horaires ont changé.' }),
    },
    { method: 'GET', pattern: '/lieux/{id}/modifier', path: () => '/lieux/999999/modifier', expect: STRUCTURE_ADMINS, accept: [404] },
    {
        method: 'POST', pattern: '/lieux/{id}/modifier', path: () => '/lieux/999999/modifier', expect: STRUCTURE_ADMINS,
        accept: [404], body: () => ({ nom: 'Lieu de la matrice' }),
    },
    {
        method: 'POST', pattern: '/lieux/{id}/publication', path: () => '/lieux/999999/publication', expect: STRUCTURE_ADMINS,
        accept: [404], body: () => ({ publie: '0' }),
    },
    {
        method: 'POST', pattern: '/lieux/{id}/verification', path: () => '/lieux/999999/verification', expect: STRUCTURE_ADMINS,
        accept: [404], body: () => ({}),
    },
    { method: 'GET', pattern: '/departements/{code}', path: () => '/departements/53', expect: PUBLIC },
    { method: 'GET', pattern: '/departements/{code}/guide.pdf', path: () => '/departements/53/guide.pdf', expect: PUBLIC },
    { method: 'GET', pattern: '/departements/{code}/couverture', path: () => '/departements/53/couverture', expect: COORDINATION },
    {
        method: 'GET', pattern: '/departements/{code}/couverture', path: () => '/departements/72/couverture', expect: ADMIN,
        note: 'a département the coordinateur does not coordinate',
    },

    // Administration.
    { method: 'GET', pattern: '/admin/utilisateurs', path: () => '/admin/utilisateurs', expect: ADMIN },
    {
        method: 'POST', pattern: '/admin/utilisateurs/{id}/role', path: (f) => `/admin/utilisateurs/${f.spare.id}/role`,
        expect: ADMIN, accept: VALIDATION, body: (f) => ({ role: 'mediateur', structure: String(f.other) }),
    },
    {
        method: 'POST', pattern: '/admin/utilisateurs/{id}/desactiver', path: (f) => `/admin/utilisateurs/${f.spare.id}/desactiver`,
        expect: ADMIN, body: () => ({}),
    },

    // API. Logged-in roles call it with their session cookie (and the CSRF token in X-CSRF-Token).
    { method: 'GET', pattern: '/api/v1/openapi.json', path: () => '/api/v1/openapi.json', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/sante', path: () => '/api/v1/sante', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/moi', path: () => '/api/v1/moi', expect: LOGGED_IN },
    // The directory of structures is public information.
    { method: 'GET', pattern: '/api/v1/structures', path: () => '/api/v1/structures', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/structures/{id}', path: (f) => `/api/v1/structures/${f.structure}`, expect: PUBLIC },
    {
        method: 'POST', pattern: '/api/v1/structures', path: () => '/api/v1/structures', expect: COORDINATION,
        accept: VALIDATION, json: true, body: (f, role) => ({ nom: `Structure API de la matrice (${role})`, departement: '53' }),
    },
    // Lieux and communes are public information.
    { method: 'GET', pattern: '/api/v1/lieux', path: () => '/api/v1/lieux?commune=Laval', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/lieux/{id}', path: () => '/api/v1/lieux/999999', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/lieux/importer', path: () => '/lieux/importer', expect: COORDINATION },
    {
        method: 'POST', pattern: '/lieux/importer', path: () => '/lieux/importer', expect: COORDINATION,
        accept: VALIDATION, body: () => ({ format: 'auto', mode: 'essai' }),
    },
    {
        method: 'GET', pattern: '/lieux/importer/rejets/{fichier}', path: () => '/lieux/importer/rejets/nexiste-pas.csv',
        expect: COORDINATION, accept: [404],
    },
    { method: 'GET', pattern: '/api/v1/lieux/export', path: () => '/api/v1/lieux/export?format=csv&departement=53', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/communes', path: () => '/api/v1/communes?q=laval', expect: PUBLIC },
    // Its managers may change a structure; an administrator of another structure may not.
    {
        method: 'PATCH', pattern: '/api/v1/structures/{id}', path: (f) => `/api/v1/structures/${f.structure}`,
        expect: STRUCTURE_ADMINS, json: true, body: () => ({ commune: 'Laval' }),
    },
    {
        method: 'PATCH', pattern: '/api/v1/structures/{id}', path: (f) => `/api/v1/structures/${f.other}`,
        expect: COORDINATION, json: true, body: () => ({ commune: 'Mayenne' }),
        note: 'the route lets administrators of structures in; the handler refuses another structure',
    },

    // Activités (CRA). The matrix's users have no CRA: a made-up id gives 404 past the role check
    // (real CRAs, their owner-only edits and the scopes of readers are in activite_cra.test.js).
    // Recording needs a médiateur's membership: the route lets admins in, the handler refuses an
    // admin who is not a médiateur of a structure.
    { method: 'GET', pattern: '/activites', path: () => '/activites', expect: only('mediateur', 'admin_structure', 'coordinateur', 'admin') },
    {
        method: 'GET', pattern: '/activites/nouvelle', path: () => '/activites/nouvelle', expect: only('mediateur'),
        note: 'the handler refuses an admin who is not a médiateur of a structure',
    },
    {
        method: 'POST', pattern: '/activites/nouvelle', path: () => '/activites/nouvelle', expect: only('mediateur'),
        accept: VALIDATION, body: () => ({ type: 'individuel' }),
        note: 'the handler refuses an admin who is not a médiateur of a structure',
    },
    {
        method: 'GET', pattern: '/activites/{id}', path: () => '/activites/999999',
        expect: only('mediateur', 'admin_structure', 'coordinateur', 'admin'), accept: [404],
    },
    { method: 'GET', pattern: '/activites/{id}/modifier', path: () => '/activites/999999/modifier', expect: only('mediateur', 'admin'), accept: [404] },
    {
        method: 'POST', pattern: '/activites/{id}/modifier', path: () => '/activites/999999/modifier',
        expect: only('mediateur', 'admin'), accept: [404], body: () => ({ type: 'individuel' }),
    },
    { method: 'GET', pattern: '/activites/{id}/supprimer', path: () => '/activites/999999/supprimer', expect: only('mediateur', 'admin'), accept: [404] },
    {
        method: 'POST', pattern: '/activites/{id}/supprimer', path: () => '/activites/999999/supprimer',
        expect: only('mediateur', 'admin'), accept: [404], body: () => ({}),
    },
    {
        method: 'GET', pattern: '/api/v1/activites', path: () => '/api/v1/activites',
        expect: only('mediateur', 'admin_structure', 'coordinateur', 'admin'),
    },
    {
        method: 'POST', pattern: '/api/v1/activites', path: () => '/api/v1/activites', expect: only('mediateur'),
        accept: VALIDATION, json: true, body: () => ({ type: 'individuel' }),
        note: 'the handler refuses an admin who is not a médiateur of a structure',
    },

    // Suivi of beneficiaries: their structure's médiateurs and administrators (and admins); never
    // coordinators. The matrix's users have no beneficiary: a made-up id gives 404 past the role
    // check (real records, another structure's 403 and coordinators' refusals are in
    // activite_suivi.test.js). A minimal creation body is refused by validation (no name, no consent).
    { method: 'GET', pattern: '/beneficiaires', path: () => '/beneficiaires', expect: only('mediateur', 'admin_structure', 'admin') },
    { method: 'GET', pattern: '/beneficiaires/nouveau', path: () => '/beneficiaires/nouveau', expect: only('mediateur', 'admin_structure', 'admin') },
    {
        method: 'POST', pattern: '/beneficiaires', path: () => '/beneficiaires', expect: only('mediateur', 'admin_structure', 'admin'),
        accept: VALIDATION, body: () => ({ prenom: 'Matrice' }),
    },
    ...['', '/modifier', '/parcours', '/fusionner', '/effacer', '/donnees.json', '/donnees.csv'].map((suffix) => ({
        method: 'GET', pattern: `/beneficiaires/{id}${suffix}`, path: () => `/beneficiaires/999999${suffix}`,
        expect: only('mediateur', 'admin_structure', 'admin'), accept: [404],
    })),
    ...['/modifier', '/fusionner', '/effacer'].map((suffix) => ({
        method: 'POST', pattern: `/beneficiaires/{id}${suffix}`, path: () => `/beneficiaires/999999${suffix}`,
        expect: only('mediateur', 'admin_structure', 'admin'), accept: [404], body: () => ({ prenom: 'Matrice', doublon: '1' }),
    })),

    // Coordinators' activities (« Animation du réseau »): coordinators and admins; each activity is
    // its coordinator's (the owner-only checks are in activite_suivi.test.js).
    { method: 'GET', pattern: '/coordination/activites', path: () => '/coordination/activites', expect: COORDINATION },
    { method: 'GET', pattern: '/coordination/activites/nouvelle', path: () => '/coordination/activites/nouvelle', expect: COORDINATION },
    {
        method: 'POST', pattern: '/coordination/activites', path: () => '/coordination/activites', expect: COORDINATION,
        accept: VALIDATION, body: () => ({ type: 'animation' }),
    },
    ...['/modifier', '/supprimer'].flatMap((suffix) => [
        {
            method: 'GET', pattern: `/coordination/activites/{id}${suffix}`, path: () => `/coordination/activites/999999${suffix}`,
            expect: COORDINATION, accept: [404],
        },
        {
            method: 'POST', pattern: `/coordination/activites/{id}${suffix}`, path: () => `/coordination/activites/999999${suffix}`,
            expect: COORDINATION, accept: [404], body: () => ({}),
        },
    ]),

    // Statistiques. The dashboards of each scope; the handler checks the structure and the
    // département (activite_stats.test.js checks the figures and the share links).
    { method: 'GET', pattern: '/statistiques', path: () => '/statistiques', expect: LOGGED_IN },
    { method: 'GET', pattern: '/structures/{id}/statistiques', path: (f) => `/structures/${f.structure}/statistiques`, expect: LOGGED_IN },
    {
        method: 'GET', pattern: '/structures/{id}/statistiques', path: (f) => `/structures/${f.other}/statistiques`,
        expect: COORDINATION, note: 'not a member',
    },
    { method: 'GET', pattern: '/departements/{code}/statistiques', path: () => '/departements/53/statistiques', expect: COORDINATION },
    {
        method: 'GET', pattern: '/departements/{code}/statistiques', path: () => '/departements/72/statistiques', expect: ADMIN,
        note: 'a département the coordinateur does not coordinate',
    },
    { method: 'GET', pattern: '/admin/statistiques', path: () => '/admin/statistiques', expect: ADMIN },
    { method: 'GET', pattern: '/statistiques/partages', path: () => '/statistiques/partages', expect: LOGGED_IN },
    {
        method: 'POST', pattern: '/statistiques/partages', path: () => '/statistiques/partages', expect: COORDINATION,
        note: 'a département\'s dashboard: only its coordinateurs and admins share it',
        body: (f, role) => ({ portee: 'departement', portee_id: '53', filtres: '', libelle: `Partage de la matrice (${role})` }),
    },
    {
        method: 'POST', pattern: '/statistiques/partages/{id}/revoquer', path: () => '/statistiques/partages/999999/revoquer',
        expect: LOGGED_IN, accept: [404], body: () => ({}),
    },
    {
        method: 'GET', pattern: '/statistiques/partage/{token}', path: () => '/statistiques/partage/jeton-invente-0123456789abcdef',
        expect: PUBLIC, accept: [404],
    },
    { method: 'GET', pattern: '/api/v1/statistiques', path: () => '/api/v1/statistiques', expect: LOGGED_IN },
    // Orientation. Rows run in order: the two POSTs that create referrals come first, so that
    // referrals 1 and 2 (by the route's page) and 3 and 4 (by the API) exist for the rows after
    // them; they go from f.structure (mediateur, admin_structure) to f.other.
    { method: 'GET', pattern: '/orienter', path: () => '/orienter', expect: LOGGED_IN },
    // Without a destination the form says so (400); the login redirect keeps no query string.
    { method: 'GET', pattern: '/orientations/nouvelle', path: () => '/orientations/nouvelle', expect: MEMBERS, accept: VALIDATION },
    {
        method: 'POST', pattern: '/orientations', path: () => '/orientations', expect: MEMBERS, accept: VALIDATION,
        body: (f) => ({ structure: String(f.other), personne: 'A. B.', contact: '06 00 00 00 00', preferences: 'telephone',
            besoins: 'Aide aux démarches administratives', motif: 'Une démarche en ligne.', engagement: '1' }),
    },
    {
        method: 'POST', pattern: '/api/v1/orientations', path: () => '/api/v1/orientations', expect: MEMBERS,
        accept: VALIDATION, json: true,
        body: (f) => ({ structure: f.other, personne: 'C. D.', contact: '06 00 00 00 01', preferences: ['telephone'],
            besoins: ['Aide aux démarches administratives'], motif: 'Une autre démarche.', engagement: true }),
    },
    { method: 'GET', pattern: '/orientations', path: () => '/orientations', expect: MEMBERS },
    { method: 'GET', pattern: '/orientations/{id}', path: () => '/orientations/1', expect: MEMBERS },
    {
        method: 'POST', pattern: '/orientations/{id}/reponse', path: () => '/orientations/1/reponse', expect: MEMBERS,
        body: () => ({ decision: 'message', message: 'Un message de la matrice.' }),
    },
    {
        // The sending structure may write, never decide: only the destination (or an admin) accepts.
        method: 'POST', pattern: '/orientations/{id}/reponse', path: () => '/orientations/2/reponse', expect: only('admin'),
        body: () => ({ decision: 'en_cours' }), note: 'the sender may not decide',
    },
    {
        // Referral 1 goes to a structure with an account: there is no link to renew (409).
        method: 'POST', pattern: '/orientations/{id}/lien', path: () => '/orientations/1/lien', expect: MEMBERS,
        accept: [409], body: () => ({}),
    },
    { method: 'GET', pattern: '/orientations/{id}/fiche', path: () => '/orientations/1/fiche', expect: MEMBERS },
    { method: 'GET', pattern: '/orientations/{id}/pieces/{pid}', path: () => '/orientations/1/pieces/999999', expect: MEMBERS, accept: [404] },
    { method: 'GET', pattern: '/orientations/lien/{token}', path: () => '/orientations/lien/jeton-invente-0123456789', expect: PUBLIC, accept: [404] },
    {
        method: 'POST', pattern: '/orientations/lien/{token}', path: () => '/orientations/lien/jeton-invente-0123456789',
        expect: PUBLIC, accept: [404], body: () => ({ decision: 'acceptee' }),
    },
    {
        method: 'GET', pattern: '/orientations/lien/{token}/pieces/{pid}', path: () => '/orientations/lien/jeton-invente-0123456789/pieces/1',
        expect: PUBLIC, accept: [404],
    },
    { method: 'GET', pattern: '/structures/{id}/orientations', path: (f) => `/structures/${f.structure}/orientations`, expect: MEMBERS },
    {
        method: 'GET', pattern: '/structures/{id}/orientations', path: (f) => `/structures/${f.other}/orientations`, expect: only('admin'),
        note: "another structure's inbox",
    },
    {
        method: 'GET', pattern: '/structures/{id}/orientations/export.csv',
        path: (f) => `/structures/${f.structure}/orientations/export.csv`, expect: MEMBERS,
    },
    {
        method: 'GET', pattern: '/structures/{id}/orientations/export.csv',
        path: (f) => `/structures/${f.other}/orientations/export.csv`, expect: only('admin'), note: "another structure's export",
    },
    {
        method: 'GET', pattern: '/structures/{id}/orientations/export.xlsx',
        path: (f) => `/structures/${f.structure}/orientations/export.xlsx`, expect: MEMBERS,
    },
    {
        method: 'GET', pattern: '/structures/{id}/orientations/export.xlsx',
        path: (f) => `/structures/${f.other}/orientations/export.xlsx`, expect: only('admin'), note: "another structure's export",
    },
    { method: 'GET', pattern: '/notifications', path: () => '/notifications', expect: LOGGED_IN },
    { method: 'POST', pattern: '/notifications/lues', path: () => '/notifications/lues', expect: LOGGED_IN, body: () => ({}) },
    { method: 'GET', pattern: '/api/v1/orientations/{id}', path: () => '/api/v1/orientations/3', expect: MEMBERS },
    {
        method: 'POST', pattern: '/api/v1/orientations/{id}/reponse', path: () => '/api/v1/orientations/3/reponse', expect: MEMBERS,
        json: true, body: () => ({ decision: 'message', message: 'Un message de la matrice.' }),
    },
    {
        method: 'POST', pattern: '/api/v1/orientations/{id}/reponse', path: () => '/api/v1/orientations/4/reponse', expect: only('admin'),
        json: true, body: () => ({ decision: 'acceptee' }), note: 'the sender may not decide',
    },
    // Collections, reviews, reports and quality of resources. The fixture has no resource and no
    // collection: made-up ids give 404 past the role check (the object-level checks, owners of a
    // collection, authors of a resource, moderators of a base, are in ressources_qualite.test.js).
    { method: 'GET', pattern: '/collections', path: () => '/collections', expect: LOGGED_IN },
    {
        method: 'POST', pattern: '/collections', path: () => '/collections', expect: LOGGED_IN, accept: VALIDATION,
        body: (f, role) => ({ titre: `Collection de la matrice (${role})`, visibilite: 'prive' }),
    },
    { method: 'GET', pattern: '/collections/partage/{token}', path: () => '/collections/partage/jeton-invente-0123456789', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/collections/{id}', path: () => '/collections/999999', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/collections/{id}/modifier', path: () => '/collections/999999/modifier', expect: LOGGED_IN, accept: [404] },
    {
        method: 'POST', pattern: '/collections/{id}/modifier', path: () => '/collections/999999/modifier', expect: LOGGED_IN,
        accept: [404], body: () => ({ titre: 'Collection', visibilite: 'prive' }),
    },
    { method: 'POST', pattern: '/collections/{id}/supprimer', path: () => '/collections/999999/supprimer', expect: LOGGED_IN, accept: [404], body: () => ({}) },
    {
        method: 'POST', pattern: '/collections/{id}/ordre', path: () => '/collections/999999/ordre', expect: LOGGED_IN,
        accept: [404], body: () => ({ ressource: '1', sens: 'haut' }),
    },
    {
        method: 'POST', pattern: '/collections/{id}/retirer', path: () => '/collections/999999/retirer', expect: LOGGED_IN,
        accept: [404], body: () => ({ ressource: '1' }),
    },
    { method: 'POST', pattern: '/collections/{id}/partage', path: () => '/collections/999999/partage', expect: LOGGED_IN, accept: [404], body: () => ({}) },
    {
        method: 'POST', pattern: '/collections/{id}/partage/revoquer', path: () => '/collections/999999/partage/revoquer',
        expect: LOGGED_IN, accept: [404], body: () => ({}),
    },
    {
        method: 'POST', pattern: '/ressources/{id}/enregistrer', path: () => '/ressources/999999/enregistrer', expect: LOGGED_IN,
        accept: [404], body: () => ({ collection: 'favoris' }),
    },
    { method: 'GET', pattern: '/ressources/{id}/avis', path: () => '/ressources/999999/avis', expect: PUBLIC, accept: [404] },
    {
        method: 'POST', pattern: '/ressources/{id}/avis', path: () => '/ressources/999999/avis', expect: LOGGED_IN,
        accept: [404], body: () => ({ recommandation: '3' }),
    },
    { method: 'POST', pattern: '/ressources/{id}/avis/supprimer', path: () => '/ressources/999999/avis/supprimer', expect: LOGGED_IN, accept: [404], body: () => ({}) },
    {
        method: 'POST', pattern: '/ressources/{id}/avis/{aid}/reponse', path: () => '/ressources/999999/avis/1/reponse',
        expect: LOGGED_IN, accept: [404], body: () => ({ reponse: 'Merci' }),
    },
    { method: 'GET', pattern: '/ressources/{id}/signaler', path: () => '/ressources/999999/signaler', expect: LOGGED_IN, accept: [404] },
    {
        method: 'POST', pattern: '/ressources/{id}/signaler', path: () => '/ressources/999999/signaler', expect: LOGGED_IN,
        accept: [404], body: () => ({ motif: 'outdated' }),
    },
    { method: 'POST', pattern: '/ressources/{id}/verification', path: () => '/ressources/999999/verification', expect: LOGGED_IN, accept: [404], body: () => ({}) },
    // The queue is for platform admins and the administrators of a base; the fixture's users
    // administer no base, so only the admin gets in (a base's administrator is tested with a base).
    { method: 'GET', pattern: '/moderation', path: () => '/moderation', expect: ADMIN, note: 'base administrators: the handler decides' },
    {
        method: 'POST', pattern: '/moderation/{id}', path: () => '/moderation/999999', expect: LOGGED_IN, accept: [404],
        body: () => ({ decision: 'resolu' }),
    },
    { method: 'GET', pattern: '/qualite', path: () => '/qualite', expect: LOGGED_IN },
    // Bases and resources. The fixture has no base and no resource: made-up ids give 404 past the
    // role check (members, administrators, authors and visibility are in ressources.test.js).
    { method: 'GET', pattern: '/ressources', path: () => '/ressources?q=atelier', expect: PUBLIC },
    { method: 'GET', pattern: '/ressources/nouvelle', path: () => '/ressources/nouvelle', expect: LOGGED_IN },
    {
        method: 'POST', pattern: '/ressources/nouvelle', path: () => '/ressources/nouvelle', expect: LOGGED_IN,
        accept: VALIDATION, body: () => ({ titre: '', action: 'brouillon' }),
    },
    { method: 'GET', pattern: '/ressources/{id}', path: () => '/ressources/999999', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/ressources/{id}/modifier', path: () => '/ressources/999999/modifier', expect: LOGGED_IN, accept: [404] },
    {
        method: 'POST', pattern: '/ressources/{id}/modifier', path: () => '/ressources/999999/modifier', expect: LOGGED_IN,
        accept: [404], body: () => ({ titre: 'Titre', action: 'brouillon' }),
    },
    { method: 'POST', pattern: '/ressources/{id}/publication', path: () => '/ressources/999999/publication', expect: LOGGED_IN, accept: [404], body: () => ({}) },
    { method: 'GET', pattern: '/ressources/{id}/historique', path: () => '/ressources/999999/historique', expect: PUBLIC, accept: [404] },
    {
        method: 'POST', pattern: '/ressources/{id}/contributeurs', path: () => '/ressources/999999/contributeurs', expect: LOGGED_IN,
        accept: [404], body: () => ({ email: 'personne@example.org' }),
    },
    {
        method: 'POST', pattern: '/ressources/{id}/contributeurs/{user}/retrait', path: () => '/ressources/999999/contributeurs/1/retrait',
        expect: LOGGED_IN, accept: [404], body: () => ({}),
    },
    {
        method: 'GET', pattern: '/ressources/{id}/fichiers/{sha}', expect: PUBLIC, accept: [404],
        path: () => `/ressources/999999/fichiers/${'0'.repeat(64)}`,
    },
    { method: 'GET', pattern: '/mes-ressources', path: () => '/mes-ressources', expect: LOGGED_IN },
    { method: 'GET', pattern: '/bases', path: () => '/bases', expect: PUBLIC },
    { method: 'GET', pattern: '/bases/nouvelle', path: () => '/bases/nouvelle', expect: LOGGED_IN },
    {
        method: 'POST', pattern: '/bases/nouvelle', path: () => '/bases/nouvelle', expect: LOGGED_IN, accept: VALIDATION,
        body: () => ({ nom: '', visibilite: 'public' }),
    },
    {
        method: 'POST', pattern: '/bases/invitations/{id}', path: () => '/bases/invitations/999999', expect: LOGGED_IN,
        accept: [404], body: () => ({ action: 'accepter' }),
    },
    { method: 'GET', pattern: '/bases/{id}', path: () => '/bases/999999', expect: PUBLIC, accept: [404] },
    { method: 'GET', pattern: '/bases/{id}/modifier', path: () => '/bases/999999/modifier', expect: LOGGED_IN, accept: [404] },
    {
        method: 'POST', pattern: '/bases/{id}/modifier', path: () => '/bases/999999/modifier', expect: LOGGED_IN,
        accept: [404], body: () => ({ nom: 'Base', visibilite: 'public' }),
    },
    { method: 'GET', pattern: '/bases/{id}/membres', path: () => '/bases/999999/membres', expect: LOGGED_IN, accept: [404] },
    {
        method: 'POST', pattern: '/bases/{id}/membres/{user}', path: () => '/bases/999999/membres/1', expect: LOGGED_IN,
        accept: [404], body: () => ({ action: 'retirer' }),
    },
    {
        method: 'POST', pattern: '/bases/{id}/invitations', path: () => '/bases/999999/invitations', expect: LOGGED_IN,
        accept: [404], body: () => ({ email: 'personne@example.org', role: 'membre' }),
    },
    { method: 'POST', pattern: '/bases/{id}/demandes', path: () => '/bases/999999/demandes', expect: LOGGED_IN, accept: [404], body: () => ({ message: '' }) },
    {
        method: 'POST', pattern: '/bases/{id}/demandes/{demande}', path: () => '/bases/999999/demandes/1', expect: LOGGED_IN,
        accept: [404], body: () => ({ action: 'refuser' }),
    },
    { method: 'GET', pattern: '/api/v1/ressources', path: () => '/api/v1/ressources?q=atelier', expect: PUBLIC },
    { method: 'GET', pattern: '/api/v1/ressources/export', path: () => '/api/v1/ressources/export', expect: PUBLIC },
    {
        method: 'POST', pattern: '/api/v1/ressources/import', path: () => '/api/v1/ressources/import?base=999999', expect: LOGGED_IN,
        accept: [404], json: true, body: () => [],
    },
    { method: 'GET', pattern: '/api/v1/ressources/{id}', path: () => '/api/v1/ressources/999999', expect: PUBLIC, accept: [404] },
];

/*
 * What the ACCESS column of `relais routes` implies for the five roles: "public", "auth" (any
 * signed-in user), or the list of roles allowed ("admin_structure,coordinateur,admin"), with an
 * "api-" prefix on API routes and token scopes ("jeton-lecture") that do not concern sessions.
 */
function accessAllows(access) {
    const words = access.replace(/^api-/, '').split(',').filter((w) => !w.startsWith('jeton-'));
    if (words.length === 1 && words[0] === 'public') return PUBLIC;
    if (words.length === 1 && words[0] === 'auth') return LOGGED_IN;
    for (const w of words) if (!ALL.includes(w) || w === 'anonymous') return null;
    return only(...words);
}

module.exports = { rows, ROLES: ALL, accessAllows };
