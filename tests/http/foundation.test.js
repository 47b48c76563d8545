'use strict';
/* The HTTP layer as every page sees it: headers, static files, errors, limits, parsing. */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { assertFrench, assertJsonError, assertSecurityHeaders } = require('./lib/checks');

const MB = 1024 * 1024;

h.forEachStore('foundation', (ctx) => {
    let anon; // a client with the anonymous CSRF cookie
    let anonCsrf;

    ctx.test('home page: 200, French HTML, security headers', async () => {
        anon = ctx.client();
        const res = await anon.get('/');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^text\/html;\s*charset=utf-8/i);
        assert.match(res.text, /<html[^>]*\blang="fr"/, 'html lang="fr"');
        assertSecurityHeaders(res, 'GET /');
    });

    ctx.test('HEAD / answers like GET without a body', async () => {
        const res = await ctx.client().request('HEAD', '/');
        assert.equal(res.status, 200);
        assert.equal(res.bytes.length, 0);
    });

    ctx.test('login page sets the anonymous CSRF cookie and a _csrf input', async () => {
        anon = ctx.client();
        const res = await anon.get('/connexion');
        assert.equal(res.status, 200);
        assertSecurityHeaders(res, 'GET /connexion');
        const c = anon.cookies.get('relais_csrf');
        assert.ok(c, 'relais_csrf cookie');
        assert.ok(c.attrs.httponly, 'relais_csrf HttpOnly');
        assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', 'relais_csrf SameSite=Lax');
        anonCsrf = h.csrf(res.text, '/connexion');
        assert.ok(anonCsrf && anonCsrf.length >= 16, `_csrf input: ${anonCsrf}`);
        const f = h.forms(res.text).find((x) => x.action === '/connexion');
        assert.ok(f, 'a form posting to /connexion');
        assert.equal(f.method, 'post');
        assert.ok('email' in f.fields && 'password' in f.fields, `fields: ${Object.keys(f.fields)}`);
        assert.match(f.html, /<input\b[^>]*type="password"[^>]*name="password"|<input\b[^>]*name="password"[^>]*type="password"/);
    });

    ctx.test('static assets: fingerprinted names are immutable, ETag and 304', async () => {
        const home = await ctx.client().get('/');
        const refs = [...home.text.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => h.decodeEntities(m[1]));
        const fingerprinted = refs.filter((r) => /[.-][0-9a-f]{8,}\.[a-z0-9]+$/i.test(r));
        assert.ok(fingerprinted.length > 0, `the home page references no fingerprinted /static/ asset: ${refs.join(', ')}`);
        const c = ctx.client();
        for (const ref of fingerprinted) {
            const res = await c.get(ref);
            assert.equal(res.status, 200, ref);
            assert.ok(res.bytes.length > 0, `${ref}: empty`);
            if (ref.endsWith('.css')) assert.match(res.headers.get('content-type'), /^text\/css/, ref);
            if (ref.endsWith('.js')) assert.match(res.headers.get('content-type'), /^(text|application)\/javascript/, ref);
            assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${ref}: nosniff`);
            const cc = res.headers.get('cache-control') || '';
            assert.match(cc, /\bimmutable\b/, `${ref}: Cache-Control ${cc}`);
            const maxAge = Number((cc.match(/max-age=(\d+)/) || [])[1] || 0);
            assert.ok(maxAge >= 30 * 86400, `${ref}: max-age ${maxAge}`);
            const etag = res.headers.get('etag');
            assert.ok(etag, `${ref}: no ETag`);
            const again = await c.get(ref, { headers: { 'if-none-match': etag } });
            assert.equal(again.status, 304, `${ref}: If-None-Match ${etag}`);
            assert.equal(again.bytes.length, 0, `${ref}: 304 with a body`);
            const other = await c.get(ref, { headers: { 'if-none-match': '"autre"' } });
            assert.equal(other.status, 200, `${ref}: a different ETag must get the file`);
        }
    });

    ctx.test('static files: no path traversal', async () => {
        for (const p of ['/static/../../../../../../etc/passwd', '/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
            '/static/..%2f..%2f..%2f..%2fetc%2fpasswd', '/static/%2fetc%2fpasswd']) {
            const res = await h.rawRequest(ctx.server.port, 'GET', p);
            assert.ok([400, 403, 404].includes(res.status), `${p}: status ${res.status}`);
            assert.doesNotMatch(res.text, /root:.*:0:0:/, `${p}: leaked /etc/passwd`);
        }
        const missing = await ctx.client().get('/static/nexiste-pas.0123456789.css');
        assert.equal(missing.status, 404);
    });

    ctx.test('unknown page: 404 HTML in French', async () => {
        const res = await ctx.client().get('/page-qui-nexiste-pas');
        assert.equal(res.status, 404);
        assert.match(res.headers.get('content-type'), /^text\/html/);
        assertSecurityHeaders(res, '404 page');
        assertFrench(res.text, '404 page');
    });

    ctx.test('unknown API path: 404 JSON error', async () => {
        const res = await ctx.client().get('/api/v1/nexiste-pas');
        const e = assertJsonError(res, 404, 'GET /api/v1/nexiste-pas');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(e.code);
    });

    ctx.test('wrong method: 405 with Allow (page and API)', async () => {
        const page = await ctx.client().request('DELETE', '/');
        assert.equal(page.status, 405);
        assert.match(page.headers.get('allow') || '', /\bGET\b/, `Allow: ${page.headers.get('allow')}`);
        assert.match(page.headers.get('content-type'), /^text\/html/);
        const api = await ctx.client().request('PUT', '/api/v1/sante', { json: {} });
        assertJsonError(api, 405, 'PUT /api/v1/sante');
        assert.match(api.headers.get('allow') || '', /\bGET\b/);
    });

    // A chunked body has no length to check up front: the server must count as it reads.
    ctx.test('oversized chunked form body: 413 with a French message', async () => {
        const payload = Buffer.from(`_csrf=${anonCsrf}&email=${'a'.repeat(2 * MB)}&password=x`);
        const chunks = [];
        for (let o = 0; o < payload.length; o += 64 * 1024) {
            const piece = payload.subarray(o, o + 64 * 1024);
            chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
        }
        chunks.push(Buffer.from('0\r\n\r\n'));
        const res = await h.rawRequest(ctx.server.port, 'POST', '/connexion', {
            headers: {
                'Content-Type': 'application/x-www-form-urlencoded',
                'Transfer-Encoding': 'chunked',
                Cookie: anon.cookieHeader(),
            },
            body: Buffer.concat(chunks),
        });
        assert.equal(res.status, 413, `status ${res.status}: ${res.text.slice(0, 200)}`);
        assert.match(res.headers['content-type'] || '', /^text\/html/);
        assertFrench(res.text, '413 page');
    });

    // Up to LIMIT_DRAIN_BYTES (twice the upload limit) a refused body is read and dropped so that a
    // browser sees the 413; past it the server answers at once, without waiting for the body.
    ctx.test('a declared length far over the limit is refused without reading the body', async () => {
        const res = await h.rawRequest(ctx.server.port, 'POST', '/connexion', {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(1024 * MB) },
            body: Buffer.from('email=x'),
        });
        assert.equal(res.status, 413);
    });

    ctx.test('oversized JSON body on the API: 413 JSON error', async () => {
        const admin = await ctx.asRole('admin');
        const token = await admin.csrfToken();
        const json = Buffer.from(JSON.stringify({ nom: 'x'.repeat(2 * MB), departement: '53' }));
        const res = await h.rawRequest(ctx.server.port, 'POST', '/api/v1/structures', {
            headers: { 'Content-Type': 'application/json', Cookie: admin.cookieHeader(), 'X-CSRF-Token': token },
            body: json,
            expectContinue: true, // as curl sends it; the answer comes before the body
        });
        assertJsonError(res, 413, 'POST /api/v1/structures 2 MB');
    });

    ctx.test('malformed urlencoded form: 400 naming the field', async () => {
        const res = await ctx.client().post('/connexion', undefined, {
            body: `_csrf=${encodeURIComponent(anonCsrf)}&email=%ZZ&password=x`,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anon.cookieHeader() },
            cookies: false,
        });
        assert.equal(res.status, 400, res.text.slice(0, 300));
        assertFrench(res.text, 'malformed form');
        assert.match(res.text, /email/, 'the message names the field "email"');
    });

    ctx.test('invalid UTF-8 in a form field: 400 naming the field', async () => {
        const res = await ctx.client().post('/connexion', undefined, {
            body: `_csrf=${encodeURIComponent(anonCsrf)}&email=%C3%28%FF&password=x`,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anon.cookieHeader() },
            cookies: false,
        });
        assert.equal(res.status, 400, res.text.slice(0, 300));
        assert.match(res.text, /email/, 'the message names the field "email"');
    });

    ctx.test('invalid UTF-8 in the query string and in the path: 400', async () => {
        const q = await ctx.client().get('/?q=%FF%FE');
        assert.equal(q.status, 400, 'query');
        const p = await h.rawRequest(ctx.server.port, 'GET', '/structures/%C0%AF');
        assert.equal(p.status, 400, 'path');
        const r = await h.rawRequest(ctx.server.port, 'GET', Buffer.from('/caf\xe9', 'latin1').toString('latin1'));
        assert.equal(r.status, 400, 'raw 8-bit path');
    });

    ctx.test('malformed multipart: 400 naming the field, truncated body: 400', async () => {
        const boundary = '----relais-test-boundary';
        const part = (name, value) => Buffer.concat([
            Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
            Buffer.isBuffer(value) ? value : Buffer.from(value),
            Buffer.from('\r\n'),
        ]);
        const headers = { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Cookie: anon.cookieHeader() };
        const badUtf8 = Buffer.concat([
            part('_csrf', anonCsrf), part('email', Buffer.from([0x61, 0xff, 0xfe, 0x62])), part('password', 'x'),
            Buffer.from(`--${boundary}--\r\n`),
        ]);
        const r1 = await h.rawRequest(ctx.server.port, 'POST', '/connexion', { headers, body: badUtf8 });
        assert.equal(r1.status, 400, `invalid UTF-8 part: ${r1.status}`);
        assert.match(r1.text, /email/, 'names the field "email"');
        const truncated = Buffer.concat([part('_csrf', anonCsrf), Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\nabc`)]);
        const r2 = await h.rawRequest(ctx.server.port, 'POST', '/connexion', { headers, body: truncated });
        assert.equal(r2.status, 400, `truncated multipart: ${r2.status}`);
        const noBoundary = await h.rawRequest(ctx.server.port, 'POST', '/connexion', {
            headers: { 'Content-Type': 'multipart/form-data', Cookie: anon.cookieHeader() },
            body: badUtf8,
        });
        assert.equal(noBoundary.status, 400, `multipart without boundary: ${noBoundary.status}`);
    });

    ctx.test('malformed JSON and invalid UTF-8 in JSON: 400 JSON errors; a wrong type names the field', async () => {
        const admin = await ctx.asRole('admin');
        const token = await admin.csrfToken();
        const headers = { 'content-type': 'application/json', 'x-csrf-token': token };
        const syntax = await admin.request('POST', '/api/v1/structures', { body: '{"nom": "x",', headers });
        assertJsonError(syntax, 400, 'truncated JSON');
        const utf8 = await admin.request('POST', '/api/v1/structures', {
            body: Buffer.concat([Buffer.from('{"nom":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","departement":"53"}')]),
            headers,
        });
        assertJsonError(utf8, 400, 'invalid UTF-8 in JSON');
        const type = await admin.request('POST', '/api/v1/structures', { json: { nom: 12, departement: '53' }, headers });
        assert.ok([400, 422].includes(type.status), `wrong type: ${type.status} ${type.text}`);
        const e = assertJsonError(type, type.status, 'wrong type');
        assert.equal(e.field, 'nom');
        const deep = await admin.request('POST', '/api/v1/structures', { body: '['.repeat(100) + ']'.repeat(100), headers });
        assertJsonError(deep, 400, 'JSON nested too deep');
    });
});
