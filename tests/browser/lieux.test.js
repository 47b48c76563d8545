'use strict';
/*
 * The lieux pages in a real browser: axe-core (no serious or critical violation) on the search page
 * with results, a lieu, its fiche d'orientation, the département page, the coverage page and the
 * edit form sent back with errors; no horizontal scrolling at 360 px; the search works with
 * JavaScript off; with JavaScript on, the commune field is a combobox that fills code_insee.
 */
const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const h = require('../http/lib/harness');
const L = require('../http/lib/lieux');
const b = require('./lib/browser');

let browser;
before(async () => {
    browser = await b.launch();
});
after(async () => {
    if (browser) await browser.close();
});

h.forEachStore('browser lieux', (ctx) => {
    const ids = {};
    const pages = () => [
        '/lieux',
        '/lieux?commune=Laval&services=Aide%20aux%20d%C3%A9marches%20administratives',
        '/lieux?commune=Mayennnne',
        '/lieux?commune=Saint-Denis',
        `/lieux/${ids['laval-centre']}`,
        `/lieux/${ids.markup}`,
        `/lieux/${ids['laval-centre']}/fiche`,
        `/lieux/${ids['laval-centre']}/signaler`,
        '/departements/53',
    ];

    async function contextFor(role, options = {}) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', ...options });
        const page = await context.newPage();
        if (role !== 'anonymous') await b.login(page, ctx.server.base, ctx.fixture.users[role]);
        return { context, page };
    }

    ctx.test('setup: lieux around Laval, then the server', async () => {
        const rows = L.FIXTURE;
        const got = L.insertLieux(ctx.db, rows, { structure: ctx.fixture.structure });
        rows.forEach((r, i) => (ids[r.id] = got[i]));
        ctx.server = await ctx.startServer({ db: ctx.db });
    });

    ctx.test('the pages pass axe', async () => {
        const { context, page } = await contextFor('anonymous', { viewport: { width: 1280, height: 900 } });
        try {
            const problems = [];
            for (const p of pages()) {
                const resp = await page.goto(ctx.server.base + p);
                if (![200, 400].includes(resp.status())) problems.push(`${p}: status ${resp.status()}`);
                for (const v of await b.axeViolations(page)) problems.push(`${p}: ${v}`);
            }
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('the coverage page and the edit form with errors pass axe', async () => {
        const { context, page } = await contextFor('coordinateur', { viewport: { width: 1280, height: 900 } });
        try {
            const problems = [];
            await page.goto(`${ctx.server.base}/departements/53/couverture`);
            for (const v of await b.axeViolations(page)) problems.push(`couverture: ${v}`);
            await page.goto(`${ctx.server.base}/lieux/${ids['laval-centre']}/modifier`);
            await page.fill('input[name="nom"]', '');
            await page.fill('input[name="code_postal"]', '5300');
            await page.fill('textarea[name="presentation_resume"]', 'Gardé tel quel');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/modifier"] button[type="submit"]')]);
            assert.match(await page.title(), /^Erreur/);
            assert.equal(await page.inputValue('input[name="code_postal"]'), '5300');
            assert.equal(await page.inputValue('textarea[name="presentation_resume"]'), 'Gardé tel quel');
            const links = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(links.includes('#nom') && links.includes('#code_postal'), links.join(' '));
            for (const v of await b.axeViolations(page)) problems.push(`modifier: ${v}`);
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('« Signaler une erreur »: the form with its errors, then the report on the edit page, pass axe', async () => {
        const anon = await contextFor('anonymous', { viewport: { width: 1280, height: 900 } });
        const problems = [];
        try {
            const { page } = anon;
            await page.goto(`${ctx.server.base}/lieux/${ids['laval-centre']}`);
            await Promise.all([page.waitForNavigation(), page.click('a[href$="/signaler"]')]);
            await page.fill('input[name="courriel"]', 'pas une adresse');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/signaler"] button[type="submit"]')]);
            assert.match(await page.title(), /^Erreur/);
            const links = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(links.includes('#message') && links.includes('#courriel'), links.join(' '));
            assert.equal(await page.inputValue('input[name="courriel"]'), 'pas une adresse');
            for (const v of await b.axeViolations(page)) problems.push(`signaler (erreurs): ${v}`);
            await page.fill('textarea[name="message"]', 'Le lieu ferme à 16 h le vendredi.');
            await page.fill('input[name="courriel"]', '');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/signaler"] button[type="submit"]')]);
            assert.match(await page.textContent('body'), /votre signalement a été transmis/);
        } finally {
            await anon.context.close();
        }
        const coord = await contextFor('coordinateur', { viewport: { width: 1280, height: 900 } });
        try {
            const { page } = coord;
            await page.goto(`${ctx.server.base}/lieux/${ids['laval-centre']}/modifier`);
            assert.match(await page.textContent('table'), /Le lieu ferme à 16 h le vendredi\./);
            for (const v of await b.axeViolations(page)) problems.push(`modifier (signalements): ${v}`);
        } finally {
            await coord.context.close();
        }
        assert.deepEqual(problems, []);
    });

    ctx.test('no horizontal scrolling at 360×640', async () => {
        const { context, page } = await contextFor('coordinateur', { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
        try {
            const problems = [];
            for (const p of [...pages(), `/lieux/${ids['laval-centre']}/modifier`, '/departements/53/couverture']) {
                await page.goto(ctx.server.base + p);
                const over = await b.horizontalOverflow(page);
                if (over.length) problems.push(`${p}: ${over.join(', ')}`);
            }
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('the search works with JavaScript disabled', async () => {
        const { context, page } = await contextFor('anonymous', { javaScriptEnabled: false });
        try {
            await page.goto(`${ctx.server.base}/lieux`);
            await page.fill('input[name="commune"]', 'Laval');
            await Promise.all([page.waitForNavigation(), page.click('form[action="/lieux"] button[type="submit"] >> nth=0')]);
            const names = await page.$$eval('.relais-lieu__nom a', (as) => as.map((a) => a.textContent));
            assert.equal(names.length, 4);
            assert.equal(names[1], 'Espace numérique du centre');
            assert.ok(await page.isHidden('#carte'), 'no map without JavaScript');
            // A filter (its fieldset folded in a <details> once there are results), then the
            // first result's page.
            await page.click('summary.relais-filtre__titre:has-text("Services")');
            await page.check('input[name="services"][value="Aide aux démarches administratives"]');
            await Promise.all([page.waitForNavigation(), page.click('form[action="/lieux"] button[type="submit"] >> nth=1')]);
            assert.equal((await page.$$('.relais-lieu')).length, 2);
            await Promise.all([page.waitForNavigation(), page.click('.relais-lieu__nom a:has-text("Espace numérique du centre")')]);
            assert.match(await page.textContent('h1'), /Espace numérique du centre/);
        } finally {
            await context.close();
        }
    });

    ctx.test('with JavaScript, the commune field is a combobox', async () => {
        const { context, page } = await contextFor('anonymous', { viewport: { width: 1280, height: 900 } });
        try {
            await page.goto(`${ctx.server.base}/lieux`);
            assert.equal(await page.getAttribute('input[name="commune"]', 'role'), 'combobox');
            await page.type('input[name="commune"]', 'chateau gon');
            await page.waitForSelector('#commune-suggestions [role="option"]');
            assert.equal(await page.getAttribute('input[name="commune"]', 'aria-expanded'), 'true');
            await page.keyboard.press('ArrowDown');
            await page.keyboard.press('Enter');
            assert.equal(await page.inputValue('input[name="commune"]'), 'Château-Gontier-sur-Mayenne');
            assert.equal(await page.inputValue('input[name="code_insee"]'), '53062');
            await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
            assert.match(await page.textContent('.relais-resultats__compte'), /Château-Gontier-sur-Mayenne/);
        } finally {
            await context.close();
        }
    });
}, { server: false });
