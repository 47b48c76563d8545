'use strict';
/* Logging in and out, the session cookie, CSRF, and throttling of password guessing. */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { assertFrench, assertLoginRedirect, assertSecurityHeaders } = require('./lib/checks');

/* A page body without what legitimately differs between two answers (tokens, nonces, the email). */
function normalise(text, email) {
    return text
        .split(email).join('EMAIL')
        .replace(/(name="_csrf"[^>]*value=")[^"]*"/g, '$1"')
        .replace(/(value="[^"]*"[^>]*name="_csrf")/g, 'CSRF')
        .replace(/nonce="[^"]*"/g, 'nonce=""');
}

h.forEachStore('auth', (ctx) => {
    const users = () => ctx.fixture.users;

    ctx.test('login failure: French message, keeps the email, never echoes the password, no session', async () => {
        const c = ctx.client();
        const secret = 'MauvaisMotDePasse-%<b>&"x';
        const res = await c.login({ email: users().mediateur.email, password: secret });
        assert.ok([200, 400, 422].includes(res.status), `status ${res.status}`);
        assertSecurityHeaders(res, 'login failure');
        assertFrench(res.text, 'login failure');
        const f = h.forms(res.text).find((x) => x.action === '/connexion');
        assert.ok(f, 'the form is shown again');
        assert.equal(f.fields.email, users().mediateur.email, 'the typed email is kept');
        assert.ok(!('password' in f.fields) || f.fields.password === '', 'the password field is empty');
        for (const form of [secret, encodeURIComponent(secret), secret.replace(/&/g, '&amp;').replace(/</g, '&lt;')]) {
            assert.ok(!res.text.includes(form), `the password is echoed (${form})`);
        }
        assert.ok(!c.cookies.has('relais_session'), 'no session after a failed login');
        assertLoginRedirect(await c.get('/tableau-de-bord'), '/tableau-de-bord', 'dashboard after failure');
    });

    ctx.test('login failure: an unknown email gets the same answer as a wrong password', async () => {
        const a = ctx.client();
        const b = ctx.client();
        const ra = await a.login({ email: users().coordinateur.email, password: 'pas-le-bon-mot-de-passe' });
        const unknown = 'personne-inconnue@example.org';
        const rb = await b.login({ email: unknown, password: 'pas-le-bon-mot-de-passe' });
        assert.equal(ra.status, rb.status);
        assert.equal(normalise(ra.text, users().coordinateur.email), normalise(rb.text, unknown),
            'the two answers differ: the page reveals whether an account exists');
    });

    ctx.test('login success: 303 to the dashboard, session cookie HttpOnly + SameSite=Lax', async () => {
        const c = ctx.client();
        const res = await c.login(users().mediateur);
        assert.equal(res.status, 303, res.text.slice(0, 300));
        assert.equal(new URL(res.location, 'http://x').pathname, '/tableau-de-bord');
        const s = c.cookies.get('relais_session');
        assert.ok(s, 'relais_session cookie');
        assert.ok(s.attrs.httponly, 'HttpOnly');
        assert.equal(String(s.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
        assert.equal(s.attrs.path, '/', 'Path=/');
        assert.ok(s.value.length >= 32, `session id too short: ${s.value.length} characters`);
        const dash = await c.get('/tableau-de-bord');
        assert.equal(dash.status, 200);
        assert.ok(dash.text.includes(users().mediateur.name), 'the dashboard names the user');
        assertSecurityHeaders(dash, 'dashboard');
        assert.match(dash.headers.get('cache-control') || '', /no-store|private/, 'a logged-in page must not be cached by proxies');
    });

    ctx.test('the session is rotated at login (no fixation)', async () => {
        const c = ctx.client();
        c.setCookie('relais_session', 'fixe-par-un-attaquant-0123456789abcdef0123456789');
        await c.loginOk(users().admin_structure);
        const first = c.cookies.get('relais_session').value;
        assert.notEqual(first, 'fixe-par-un-attaquant-0123456789abcdef0123456789');
        await c.loginOk(users().admin_structure);
        const second = c.cookies.get('relais_session').value;
        assert.notEqual(second, first, 'logging in again must issue a new session id');
        const stale = ctx.client();
        stale.setCookie('relais_session', first);
        assertLoginRedirect(await stale.get('/compte'), '/compte', 'the session replaced at login is no longer valid');
        assert.equal((await c.get('/compte')).status, 200);
    });

    ctx.test('a protected page sends a visitor to /connexion?retour=…, and back after login', async () => {
        const c = ctx.client();
        assertLoginRedirect(await c.get('/compte'), '/compte', 'GET /compte anonymous');
        const res = await c.login(users().mediateur, { retour: '/compte' });
        assert.equal(res.status, 303);
        assert.equal(res.location, '/compte');
    });

    ctx.test('retour cannot send the user to another site', async () => {
        for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
            const c = ctx.client();
            const res = await c.login(users().mediateur, { retour: evil });
            assert.equal(res.status, 303, evil);
            const loc = res.location;
            assert.ok(loc.startsWith('/') && !loc.startsWith('//') && !loc.startsWith('/\\'), `${evil} → Location ${loc}`);
        }
    });

    ctx.test('logout: 303, the cookie is cleared and the old session is dead', async () => {
        const c = ctx.client();
        await c.loginOk(users().coordinateur);
        const old = c.cookies.get('relais_session').value;
        const token = await c.csrfToken('/tableau-de-bord');
        const res = await c.post('/deconnexion', { _csrf: token });
        assert.equal(res.status, 303);
        assert.ok(!c.cookies.has('relais_session'), 'Set-Cookie must expire relais_session');
        assertLoginRedirect(await c.get('/tableau-de-bord'), '/tableau-de-bord', 'after logout');
        const replay = ctx.client();
        replay.setCookie('relais_session', old);
        assertLoginRedirect(await replay.get('/tableau-de-bord'), '/tableau-de-bord', 'replayed session after logout');
    });

    ctx.test('logout with a wrong CSRF token: 403 and the session survives', async () => {
        const c = ctx.client();
        await c.loginOk(users().coordinateur);
        const res = await c.post('/deconnexion', { _csrf: 'faux' });
        assert.equal(res.status, 403);
        assert.equal((await c.get('/tableau-de-bord')).status, 200);
    });

    ctx.test('CSRF: a wrong or missing token is refused with 403 and changes nothing', async () => {
        const admin = await ctx.asRole('admin');
        const name = `Structure CSRF ${ctx.store} ${Date.now()}`;
        const wrong = await admin.post('/structures', { _csrf: 'faux-jeton', nom: name, departement: '53' });
        assert.equal(wrong.status, 403, 'wrong token');
        assertFrench(wrong.text, '403 page');
        const missing = await admin.post('/structures', { nom: name, departement: '53' });
        assert.equal(missing.status, 403, 'missing token');
        const other = await ctx.asRole('coordinateur');
        const stolen = await other.csrfToken();
        const crossed = await admin.post('/structures', { _csrf: stolen, nom: name, departement: '53' });
        assert.equal(crossed.status, 403, "another session's token");
        let list = await admin.get('/structures');
        assert.equal(list.status, 200);
        assert.ok(!list.text.includes(name), 'a refused POST created the structure');
        // The same request with the right token does create it: the check above can see a change.
        const ok = await admin.post('/structures', { _csrf: await admin.csrfToken(), nom: name, departement: '53' });
        assert.equal(ok.status, 303, `with the right token: ${ok.status} ${ok.text.slice(0, 300)}`);
        list = await admin.get('/structures');
        assert.ok(list.text.includes(name), 'the valid POST is visible in /structures');
    });

    ctx.test('anonymous login with a wrong CSRF token: 403, no session', async () => {
        const c = ctx.client();
        await c.get('/connexion');
        const res = await c.post('/connexion', { _csrf: 'faux', email: users().admin.email, password: users().admin.password });
        assert.equal(res.status, 403);
        assert.ok(!c.cookies.has('relais_session'));
    });

    ctx.test('password guessing on one account is throttled with 429, other accounts are not', async () => {
        const victim = h.createUser(ctx.db, { role: 'mediateur', structure: ctx.fixture.structure, departement: '53' });
        const attacker = ctx.client();
        let throttledAt = 0;
        for (let i = 1; i <= 10 && !throttledAt; i++) {
            const res = await attacker.login({ email: victim.email, password: `essai-numero-${i}-incorrect` });
            if (res.status === 429) throttledAt = i;
            else assert.ok([200, 400, 422].includes(res.status), `attempt ${i}: ${res.status}`);
        }
        assert.ok(throttledAt > 0, 'no 429 after 10 wrong passwords');
        assert.ok(throttledAt >= 3, `throttled already at attempt ${throttledAt}`);
        // Even the right password is refused while the account is throttled.
        const right = await ctx.client().login(victim);
        assert.equal(right.status, 429, 'the right password during throttling');
        assertFrench(right.text, '429 page');
        // Another account from the same address still logs in.
        const other = ctx.client();
        await other.loginOk(ctx.fixture.users.admin);
    });
});
