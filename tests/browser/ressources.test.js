'use strict';
/*
 * Resources in a real browser, as a new médiateur would use them: create a base, publish a
 * resource with a PDF in one form (JavaScript off: the form needs none), then find it by
 * searching with a typo, without accents and with a synonym (JavaScript off too). axe-core (no
 * serious or critical violation, JavaScript on) on every page of the way, the forms sent back with
 * errors included; no horizontal scrolling at 360 px.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { before, after } = require('node:test');
const h = require('../http/lib/harness');
const b = require('./lib/browser');

const PDF = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const TITLE = 'Reconnaître un hameçonnage par courriel';

let browser;
before(async () => {
    browser = await b.launch();
});
after(async () => {
    if (browser) await browser.close();
});

h.forEachStore('browser ressources', (ctx) => {
    let baseUrl, ressourceUrl, pdfPath;

    async function contextFor(role, options = {}) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', ...options });
        const page = await context.newPage();
        if (role !== 'anonymous') await b.login(page, ctx.server.base, ctx.fixture.users[role]);
        return { context, page };
    }

    async function submit(page, selector) {
        await Promise.all([page.waitForNavigation(), page.click(selector)]);
    }

    ctx.test('setup: a PDF to upload', () => {
        pdfPath = path.join(h.tempDir('pdf'), 'fiche-atelier.pdf');
        fs.writeFileSync(pdfPath, PDF);
    });

    ctx.test('a médiateur creates a base and publishes a resource with a PDF in one form, without JavaScript', async () => {
        const { context, page } = await contextFor('mediateur', { javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
        try {
            await page.goto(`${ctx.server.base}/bases/nouvelle`);
            // Sent back with an error first: the summary links to the field.
            await page.fill('textarea[name="description"]', 'Les fiches de notre équipe');
            await submit(page, 'form[action="/bases/nouvelle"] button[type="submit"]');
            assert.match(await page.title(), /^Erreur/);
            assert.equal(await page.inputValue('textarea[name="description"]'), 'Les fiches de notre équipe');
            await page.fill('input[name="nom"]', 'Médiateurs de Laval');
            await submit(page, 'form[action="/bases/nouvelle"] button[type="submit"]');
            baseUrl = new URL(page.url()).pathname;
            assert.match(baseUrl, /^\/bases\/\d+$/);
            assert.match(await page.textContent('h1'), /Médiateurs de Laval/);

            await submit(page, 'a:has-text("Ajouter une ressource")');
            await page.fill('input[name="titre"]', TITLE);
            await page.fill('textarea[name="description"]', 'Un atelier pour repérer les messages frauduleux.');
            await page.selectOption('select[name="bloc-1-type"]', 'titre');
            await page.fill('textarea[name="bloc-1-texte"]', 'Déroulé');
            await page.fill('textarea[name="bloc-2-texte"]', 'Comparer **trois messages** et chercher les indices.');
            await page.setInputFiles('input[name="bloc-3-fichier"]', pdfPath);
            await page.fill('input[name="bloc-3-legende"]', 'Fiche à distribuer');
            await page.check('input[name="theme"][value="risques_cyber_et_protection"]');
            await page.check('input[name="public"][value="seniors_personnes_agees"]');
            await submit(page, 'button[name="action"][value="publier"]');
            ressourceUrl = new URL(page.url()).pathname;
            assert.match(ressourceUrl, /^\/ressources\/\d+$/, page.url());
            assert.equal(await page.textContent('h1'), TITLE);
            assert.ok(await page.isVisible('a:has-text("Fiche à distribuer")'));
            assert.ok(await page.isVisible('img[alt="Première page de fiche-atelier.pdf"]'));
        } finally {
            await context.close();
        }
    });

    ctx.test('the forms sent back with errors keep what was typed and pass axe', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 1280, height: 900 } });
        try {
            await page.goto(`${ctx.server.base}/ressources/nouvelle`);
            await page.fill('textarea[name="description"]', 'Gardée telle quelle');
            await page.selectOption('select[name="bloc-1-type"]', 'lien');
            await page.fill('input[name="bloc-1-url"]', 'javascript:alert(1)');
            await submit(page, 'button[name="action"][value="publier"]');
            assert.match(await page.title(), /^Erreur/);
            assert.equal(await page.inputValue('textarea[name="description"]'), 'Gardée telle quelle');
            const links = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(links.includes('#bloc-1-url'), links.join(' '));
            const problems = (await b.axeViolations(page)).map((v) => `ressources/nouvelle: ${v}`);
            await page.goto(`${ctx.server.base}/bases/nouvelle`);
            await submit(page, 'form[action="/bases/nouvelle"] button[type="submit"]');
            assert.match(await page.title(), /^Erreur/);
            for (const v of await b.axeViolations(page)) problems.push(`bases/nouvelle: ${v}`);
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('anyone finds it with a typo, without accents and with a synonym (JavaScript off)', async () => {
        const { context, page } = await contextFor('anonymous', { javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
        try {
            for (const q of ['hamesonnage', 'reconnaitre hameconnage', 'phishing']) {
                await page.goto(`${ctx.server.base}/ressources`);
                await page.fill('input[name="q"]', q);
                await submit(page, 'form[action="/ressources"] button[type="submit"] >> nth=0');
                const first = await page.textContent('.relais-ressource h3 a');
                assert.equal(first, TITLE, q);
            }
            // The filters show their counts; a filter narrows the list.
            assert.match(await page.textContent('label[for^="theme-"]:has-text("Risques cyber")'), /\(1\)/);
            await page.check('input[name="theme"][value="risques_cyber_et_protection"]');
            await submit(page, 'form[action="/ressources"] button[type="submit"] >> nth=1');
            assert.equal((await page.$$('.relais-ressource')).length, 1);
        } finally {
            await context.close();
        }
    });

    ctx.test('the other pages pass axe, and nothing scrolls sideways at 360×640', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
        try {
            const problems = [];
            const id = ressourceUrl.split('/').pop();
            for (const p of ['/ressources', '/ressources?q=courriel', ressourceUrl, `${ressourceUrl}/modifier`, `${ressourceUrl}/historique`,
                '/ressources/nouvelle', '/mes-ressources', '/bases', baseUrl, `${baseUrl}/membres`, `${baseUrl}/modifier`]) {
                const resp = await page.goto(ctx.server.base + p);
                if (resp.status() !== 200) problems.push(`${p}: status ${resp.status()}`);
                for (const v of await b.axeViolations(page)) problems.push(`${p}: ${v}`);
                const over = await b.horizontalOverflow(page);
                if (over.length) problems.push(`${p} (360 px): ${over.join(', ')}`);
            }
            assert.ok(id);
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });
});
