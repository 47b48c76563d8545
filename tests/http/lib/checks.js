'use strict';
/* Assertions shared by the HTTP and browser tests: what every answer of Relais must look like. */
const assert = require('node:assert/strict');

/* A loose test that a message is French prose, not an English default or an empty body. */
function assertFrench(text, what) {
    const plain = String(text).replace(/<[^>]*>/g, ' ');
    assert.match(
        plain,
        /[éèêàùçÉÈ]|\b(le|la|les|des|du|une?|est|sont|votre|vous|trop|pas|ce|cette|doit|être|champ|requête|page)\b/i,
        `${what}: expected a French message, got ${JSON.stringify(plain.replace(/\s+/g, ' ').trim().slice(0, 300))}`,
    );
}

/* A JSON error body {"error":{"code","message","field"}}; returns the error object. */
function assertJsonError(res, status, what) {
    assert.equal(res.status, status, `${what}: status ${res.status}, body ${res.text.slice(0, 300)}`);
    assert.match(res.headers.get ? res.headers.get('content-type') || '' : res.headers['content-type'] || '',
        /^application\/(problem\+)?json/, `${what}: content type`);
    const body = JSON.parse(res.text);
    assert.ok(body && typeof body.error === 'object' && body.error, `${what}: no "error" object: ${res.text}`);
    assert.equal(typeof body.error.code, 'string', `${what}: error.code`);
    assert.ok(body.error.code.length > 0, `${what}: empty error.code`);
    assert.equal(typeof body.error.message, 'string', `${what}: error.message`);
    assertFrench(body.error.message, `${what}: error.message`);
    assert.ok('field' in body.error, `${what}: error.field missing (null when no field): ${res.text}`);
    return body.error;
}

function header(res, name) {
    return res.headers.get ? res.headers.get(name) : res.headers[name.toLowerCase()];
}

/* The security headers every HTML answer carries. */
function assertSecurityHeaders(res, what) {
    const csp = header(res, 'content-security-policy');
    assert.ok(csp, `${what}: no Content-Security-Policy`);
    const directives = Object.fromEntries(
        csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
            const [k, ...v] = d.split(/\s+/);
            return [k.toLowerCase(), v];
        }),
    );
    assert.ok(directives['default-src'] || directives['script-src'], `${what}: CSP without default-src/script-src: ${csp}`);
    assert.doesNotMatch(csp, /'unsafe-inline'/, `${what}: CSP allows 'unsafe-inline': ${csp}`);
    assert.doesNotMatch(csp, /'unsafe-eval'/, `${what}: CSP allows 'unsafe-eval': ${csp}`);
    const fa = directives['frame-ancestors'];
    assert.ok(fa, `${what}: CSP without frame-ancestors: ${csp}`);
    assert.ok(fa.every((s) => s === "'none'" || s === "'self'"), `${what}: frame-ancestors too wide: ${fa.join(' ')}`);
    assert.equal((header(res, 'x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
    const rp = (header(res, 'referrer-policy') || '').toLowerCase();
    assert.ok(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(rp),
        `${what}: Referrer-Policy ${JSON.stringify(rp)}`);
}

/* A logged-out visitor on a protected page: 303 to /connexion?retour=<the page>. */
function assertLoginRedirect(res, pagePath, what) {
    assert.equal(res.status, 303, `${what}: expected 303 to /connexion, got ${res.status} ${res.location || ''}`);
    const loc = new URL(res.location, 'http://x');
    assert.equal(loc.pathname, '/connexion', `${what}: Location ${res.location}`);
    if (pagePath !== undefined) {
        assert.equal(loc.searchParams.get('retour'), pagePath, `${what}: retour in ${res.location}`);
    }
}

module.exports = { assertFrench, assertJsonError, assertSecurityHeaders, assertLoginRedirect, header };
