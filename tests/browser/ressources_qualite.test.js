'use strict';
/*
 * Collections and reviews in a real browser, as a médiateur uses them: on a resource's page,
 * « Enregistrer » it into a new collection; on another, give a review (first sent back with an
 * error that keeps what was typed, then saved). axe-core (no serious or critical violation) on the
 * resource page with its quality panel, the collection, « Mes collections », the review page with
 * and without errors, the report form, the authors' page and the moderation queue; no horizontal
 * scrolling at 360 px.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { before, after } = require('node:test');
const h = require('../http/lib/harness');
const { query } = require('../http/lib/lieux');
const b = require('./lib/browser');

let browser;
before(async () => {
    browser = await b.launch();
});
after(async () => {
    if (browser) await browser.close();
});

h.forEachStore('browser ressources qualite', (ctx) => {
    const ids = {};

    async function contextFor(role, options = {}) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', ...options });
        const page = await context.newPage();
        if (role !== 'anonymous') await b.login(page, ctx.server.base, ctx.fixture.users[role]);
        return { context, page };
    }

    ctx.test('setup: two published resources imported, then the server', async () => {
        const dir = h.tempDir('ressources');
        const file = path.join(dir, 'ressources.json');
        fs.writeFileSync(file, JSON.stringify([
            {
                id: 'qualite-courriel', title: 'Créer une adresse e-mail', base: 'Ateliers de Laval',
                description: 'Une fiche pas à pas pour ouvrir une boîte aux lettres électronique.',
                content: 'Étape 1 : choisir un fournisseur. Voir https://exemple.invalid/guide.',
            },
            {
                id: 'qualite-arnaque', title: 'Repérer une arnaque par SMS', base: 'Ateliers de Laval',
                description: 'Les signes qui doivent alerter, avec des exemples réels.',
                content: 'Un message pressant qui demande de payer est suspect.',
            },
        ]));
        h.cliOk(['import', 'ressources', file, '--database', ctx.db.url]);
        for (const ext of ['qualite-courriel', 'qualite-arnaque']) {
            const out = query(ctx.db, `SELECT id FROM ressources WHERE ext_id = '${ext}';`);
            ids[ext] = Number(out.split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l)));
            assert.ok(ids[ext] > 0, `${ext} imported`);
        }
        ctx.server = await ctx.startServer({ db: ctx.db });
    });

    ctx.test('a médiateur collects a resource and reviews another, every page passes axe', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 1280, height: 900 } });
        const base = ctx.server.base;
        const problems = [];
        const axe = async (what) => {
            for (const v of await b.axeViolations(page)) problems.push(`${what}: ${v}`);
        };
        try {
            // Collect: a new collection from the resource's « Enregistrer » form.
            await page.goto(`${base}/ressources/${ids['qualite-courriel']}`);
            await axe('ressource');
            await page.selectOption('select[name="collection"]', 'nouvelle');
            await page.fill('form[action$="/enregistrer"] input[name="titre"]', 'Ateliers seniors');
            await Promise.all([
                page.waitForURL((u) => /^\/collections\/\d+$/.test(new URL(u).pathname)),
                page.click('form[action$="/enregistrer"] button[type="submit"]'),
            ]);
            assert.match(await page.textContent('h1'), /Ateliers seniors/);
            assert.match(await page.textContent('main'), /La ressource a été ajoutée à la collection\./);
            assert.match(await page.textContent('main ol'), /Créer une adresse e-mail/);
            await axe('collection');
            const collection = new URL(page.url()).pathname;
            await page.goto(`${base}/collections`);
            assert.match(await page.textContent('main'), /Ateliers seniors/);
            await axe('mes collections');

            // Review another: sent back once with an error that keeps the comment, then saved.
            await page.goto(`${base}/ressources/${ids['qualite-arnaque']}`);
            await Promise.all([page.waitForURL(/\/avis$/), page.click('text=Donner ou modifier mon avis')]);
            await axe('avis');
            await page.fill('textarea[name="commentaire"]', 'Parfait pour les seniors');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/avis"] button[type="submit"]')]);
            assert.match(await page.title(), /^Erreur/);
            assert.equal(await page.inputValue('textarea[name="commentaire"]'), 'Parfait pour les seniors');
            const links = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(links.includes('#recommandation'), links.join(' '));
            await axe('avis avec erreurs');
            await page.check('input[name="recommandation"][value="4"]');
            await page.check('input[name="a_jour"][value="oui"]');
            await page.check('input[name="facile_atelier"][value="oui"]');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/avis"] button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Merci, votre avis a été enregistré\./);
            assert.match(await page.textContent('main'), /1 avis\. Recommandez-vous cette ressource \? Beaucoup : 1/);
            assert.match(await page.textContent('main'), /Parfait pour les seniors/);

            await page.goto(`${base}/ressources/${ids['qualite-arnaque']}/signaler`);
            await axe('signaler');
            await page.check('input[name="motif"][value="errors"]');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/signaler"] button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Merci, votre signalement a été transmis/);
            await page.goto(`${base}/qualite`);
            await axe('qualite');

            // A small phone: nothing scrolls sideways.
            await page.setViewportSize({ width: 360, height: 740 });
            for (const p of [collection, `/ressources/${ids['qualite-arnaque']}/avis`, `/ressources/${ids['qualite-courriel']}`]) {
                await page.goto(base + p);
                const over = await b.horizontalOverflow(page);
                if (over.length) problems.push(`${p} at 360 px: ${over.join(', ')}`);
            }
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('the moderation queue and the authors\' part of the panel pass axe', async () => {
        const { context, page } = await contextFor('admin', { viewport: { width: 1280, height: 900 } });
        try {
            await page.goto(`${ctx.server.base}/moderation`);
            assert.match(await page.textContent('main'), /Erreurs dans le contenu : « Repérer une arnaque par SMS »/);
            assert.deepEqual(await b.axeViolations(page), []);
            // A platform admin may edit every resource: the panel shows what its authors see.
            await page.goto(`${ctx.server.base}/ressources/${ids['qualite-courriel']}`);
            assert.match(await page.textContent('main'), /Complétude : \d+ %/);
            assert.deepEqual(await b.axeViolations(page), []);
        } finally {
            await context.close();
        }
    });
});
