'use strict';
/*
 * Every role in a real browser: log in, visit what the navigation offers (and the pages the role
 * must reach), and check each page with axe-core, at a phone's width for horizontal scrolling, with
 * the page's own CSP for console errors, and without JavaScript for the login.
 */
const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const h = require('../http/lib/harness');
const b = require('./lib/browser');

let browser;
before(async () => {
    browser = await b.launch();
});
after(async () => {
    if (browser) await browser.close();
});

const MAX_PAGES = 25;

/* The pages each role must at least be able to reach, whatever the navigation shows. */
function mustReach(role, f) {
    const common = ['/tableau-de-bord', '/compte', '/accessibilite'];
    switch (role) {
    case 'anonymous':
        return ['/', '/connexion', '/mot-de-passe-oublie', '/accessibilite', '/donnees-personnelles'];
    case 'mediateur':
        return [...common, `/structures/${f.structure}`];
    case 'admin_structure':
        return [...common, '/structures', `/structures/${f.structure}`, `/structures/${f.structure}/jetons`];
    case 'coordinateur':
        return [...common, '/structures', '/structures/nouvelle', `/structures/${f.other}`];
    case 'admin':
        return [...common, '/structures', '/structures/nouvelle', '/admin/utilisateurs', `/structures/${f.structure}/jetons`];
    default:
        throw new Error(role);
    }
}

h.forEachStore('browser', (ctx) => {
    const visited = {}; // role -> [paths], filled by the desktop pass, reused by the phone pass

    /* A fresh context logged in as role (JS on, CSP bypassed for axe). */
    async function contextFor(role, options = {}) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', ...options });
        const page = await context.newPage();
        if (role !== 'anonymous') await b.login(page, ctx.server.base, ctx.fixture.users[role]);
        else await page.goto(`${ctx.server.base}/`);
        return { context, page };
    }

    for (const role of h.ROLES) {
        ctx.test(`${role}: every page of the navigation passes axe (no serious or critical violation)`, async () => {
            const { context, page } = await contextFor(role, { viewport: { width: 1280, height: 800 } });
            try {
                const nav = await b.navigationLinks(page, ctx.server.base);
                assert.ok(nav.length > 0, `${role}: the landing page has no navigation links`);
                const queue = [...new Set([...mustReach(role, ctx.fixture), ...nav])].slice(0, MAX_PAGES);
                const problems = [];
                const skipped = new Set();
                for (const p of queue) {
                    const resp = await page.goto(ctx.server.base + p);
                    const status = resp ? resp.status() : 0;
                    if (status >= 400 || status === 0) {
                        problems.push(`${p}: status ${status}`);
                        continue;
                    }
                    // Links to documents that are not pages (the OpenAPI JSON) are not checked as pages.
                    if (!/^text\/html/.test(resp.headers()['content-type'] || '')) {
                        skipped.add(p);
                        continue;
                    }
                    const landed = new URL(page.url()).pathname;
                    if (landed === '/connexion' && p !== '/connexion') {
                        problems.push(`${p}: sent to the login page`);
                        continue;
                    }
                    const lang = await page.getAttribute('html', 'lang');
                    if (lang !== 'fr') problems.push(`${p}: <html lang="${lang}">`);
                    if (!(await page.title()).trim()) problems.push(`${p}: empty <title>`);
                    for (const v of await b.axeViolations(page)) problems.push(`${p}: ${v}`);
                }
                visited[role] = queue.filter((p) => !skipped.has(p));
                assert.deepEqual(problems, [], `${role}: pages with problems`);
            } finally {
                await context.close();
            }
        });
    }

    ctx.test('a failed login page (error summary, field error) passes axe', async () => {
        const context = await browser.newContext({ bypassCSP: true });
        const page = await context.newPage();
        try {
            await page.goto(`${ctx.server.base}/connexion`);
            await page.fill('form[action="/connexion"] input[name="email"]', ctx.fixture.users.mediateur.email);
            await page.fill('form[action="/connexion"] input[name="password"]', 'pas-le-bon-mot-de-passe');
            await Promise.all([page.waitForNavigation(), page.click('form[action="/connexion"] [type="submit"]')]);
            assert.equal(new URL(page.url()).pathname, '/connexion');
            assert.deepEqual(await b.axeViolations(page), []);
        } finally {
            await context.close();
        }
    });

    ctx.test('a structure form with errors keeps what was typed, links each error to its field, passes axe', async () => {
        const { context, page } = await contextFor('coordinateur', { viewport: { width: 1280, height: 800 } });
        try {
            await page.goto(`${ctx.server.base}/structures/nouvelle`);
            await page.fill('input[name="nom"]', 'Centre social des Pommeraies');
            await page.fill('input[name="siret"]', '12345678901234');
            await page.fill('input[name="departement"]', '53');
            await Promise.all([page.waitForNavigation(), page.click('form[action="/structures"] [type="submit"]')]);
            assert.equal(await page.inputValue('input[name="nom"]'), 'Centre social des Pommeraies');
            assert.equal(await page.inputValue('input[name="siret"]'), '12345678901234');
            const summaryLinks = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.deepEqual(summaryLinks, ['#siret']);
            const described = await page.getAttribute('input[name="siret"]', 'aria-describedby');
            assert.ok(described && described.includes('siret'), `aria-describedby=${described}`);
            assert.match(await page.title(), /^Erreur/);
            assert.deepEqual(await b.axeViolations(page), []);
        } finally {
            await context.close();
        }
    });

    for (const role of h.ROLES) {
        ctx.test(`${role}: no horizontal scrolling at 360×640`, async () => {
            const { context, page } = await contextFor(role, { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
            try {
                const pages = visited[role] || mustReach(role, ctx.fixture);
                const problems = [];
                for (const p of pages) {
                    await page.goto(ctx.server.base + p);
                    const over = await b.horizontalOverflow(page);
                    if (over.length) problems.push(`${p}: ${over.join(', ')}`);
                }
                assert.deepEqual(problems, []);
            } finally {
                await context.close();
            }
        });
    }

    ctx.test('with the CSP enforced, pages raise no console error (anonymous and admin)', async () => {
        const problems = [];
        for (const role of ['anonymous', 'admin']) {
            const context = await browser.newContext(); // CSP applies here
            const page = await context.newPage();
            page.on('console', (m) => {
                if (m.type() === 'error') problems.push(`${role} ${new URL(page.url()).pathname}: ${m.text()}`);
            });
            page.on('pageerror', (e) => problems.push(`${role} ${new URL(page.url()).pathname}: ${e.message}`));
            try {
                if (role !== 'anonymous') await b.login(page, ctx.server.base, ctx.fixture.users[role]);
                for (const p of visited[role] || mustReach(role, ctx.fixture)) await page.goto(ctx.server.base + p, { waitUntil: 'load' });
            } finally {
                await context.close();
            }
        }
        assert.deepEqual(problems, []);
    });

    ctx.test('without JavaScript, a user logs in and reaches the dashboard', async () => {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const page = await context.newPage();
        try {
            await b.login(page, ctx.server.base, ctx.fixture.users.admin_structure);
            assert.equal(new URL(page.url()).pathname, '/tableau-de-bord');
            const body = await page.textContent('body');
            assert.ok(body.includes(ctx.fixture.users.admin_structure.name), 'the dashboard names the user');
        } finally {
            await context.close();
        }
    });
});
