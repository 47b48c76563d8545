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
