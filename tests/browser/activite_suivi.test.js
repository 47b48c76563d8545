'use strict';
/*
 * Following one person's autonomy over several visits, in a real browser, as a médiatrice would:
 * create the person's record with her consent (the commune chosen in the autocompletion), record
 * three accompaniments for her in the CRA form (opened from her record) with a rising autonomy level, then read her path to
 * autonomy. Every page passes axe-core (no serious or critical violation) and the path does not
 * scroll sideways on a phone. A coordinator's « Animation du réseau » pages pass axe too and never
 * show the person's name.
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

async function assertAxe(page, what) {
    const v = await b.axeViolations(page);
    assert.deepEqual(v, [], `${what}: axe violations`);
}

h.forEachStore('browser: activite suivi', (ctx) => {
    let context, page, id;

    ctx.test('the médiatrice creates a consented record, the commune from the autocompletion', async () => {
        context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
        page = await context.newPage();
        await b.login(page, ctx.server.base, ctx.fixture.users.mediateur);
        await page.click('nav a[href="/beneficiaires"]');
        await page.waitForURL((u) => new URL(u).pathname === '/beneficiaires');
        await assertAxe(page, 'list');
        await page.click('a[href="/beneficiaires/nouveau"]');
        await page.fill('input[name="prenom"]', 'Éloïse');
        await page.fill('input[name="nom"]', 'Le Gall');
        await page.fill('input[name="annee_naissance"]', '1950');
        await page.check('input[name="genre"][value="feminin"]');
        await page.selectOption('select[name="statut_social"]', 'retraite');
        await page.fill('input[name="commune"]', 'Lava');
        const option = page.getByRole('option', { name: /^Laval/ }).first();
        await option.waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        assert.equal(await page.inputValue('input[name="commune"]'), 'Laval');
        // Without the consent box: the form comes back with the error and what was typed.
        await page.click('form[action="/beneficiaires"] button[type="submit"], form[action="/beneficiaires"] input[type="submit"]');
        await page.waitForSelector('.govuk-error-summary');
        assert.match(await page.title(), /^Erreur/);
        assert.equal(await page.inputValue('input[name="nom"]'), 'Le Gall');
        await assertAxe(page, 'form with errors');
        await page.check('input[name="consentement"]');
        await Promise.all([
            page.waitForURL((u) => /^\/beneficiaires\/\d+$/.test(new URL(u).pathname)),
            page.click('form[action="/beneficiaires"] button[type="submit"], form[action="/beneficiaires"] input[type="submit"]'),
        ]);
        id = Number(new URL(page.url()).pathname.split('/')[2]);
        const text = await page.textContent('main');
        assert.match(text, /Éloïse Le Gall/);
        assert.match(text, /INSEE 53130/);
        assert.match(text, /recueilli le/);
        await assertAxe(page, 'record');
    });

    const visits = [
        { date: '2026-01-06', autonomie: 'entierement_accompagne', thematique: 'email' },
        { date: '2026-02-03', autonomie: 'partiellement_autonome', thematique: 'navigation_sur_internet' },
        { date: '2026-03-03', autonomie: 'autonome', thematique: 'sante' },
    ];

    ctx.test('three visits recorded in the CRA form, with a rising autonomy', async () => {
        for (const v of visits) {
            // From her record, as a médiatrice would: the form comes with her chosen.
            await page.goto(`${ctx.server.base}/beneficiaires/${id}`);
            await Promise.all([
                page.waitForURL((u) => new URL(u).pathname === '/activites/nouvelle'),
                page.click(`a[href="/activites/nouvelle?beneficiaire=${id}"]`),
            ]);
            assert.equal(await page.inputValue('select[name="beneficiaire_id"]'), String(id));
            await page.check('input[name="type"][value="individuel"]');
            await page.fill('input[name="date"]', v.date);
            await page.check('input[name="duree"][value="45"]');
            await page.check('input[name="type_lieu"][value="domicile"]');
            await page.fill('input[name="commune"]', '53000');
            await page.check(`input[name="thematiques"][value="${v.thematique}"]`);
            await page.check(`input[name="autonomie"][value="${v.autonomie}"]`);
            await Promise.all([
                page.waitForURL((u) => new URL(u).pathname !== '/activites/nouvelle'),
                page.click('form[action="/activites/nouvelle"] button[type="submit"]'),
            ]);
        }
    });

    ctx.test('her path to autonomy: three dated steps, from « Avec guidage » to « Autonome »', async () => {
        await page.goto(`${ctx.server.base}/beneficiaires/${id}`);
        await page.click(`a[href="/beneficiaires/${id}/parcours"]`);
        await page.waitForURL((u) => new URL(u).pathname === `/beneficiaires/${id}/parcours`);
        const steps = await page.locator('main ol li h3').allTextContents();
        assert.deepEqual(steps.map((s) => s.trim()), [
            '6 janvier 2026 : Accompagnement individuel',
            '3 février 2026 : Accompagnement individuel',
            '3 mars 2026 : Accompagnement individuel',
        ]);
        const main = await page.textContent('main');
        assert.match(main, /Premier niveau relevé : Avec guidage\. Dernier niveau : Autonome\. En progrès de 2 niveaux/);
        assert.match(main, /Niveau d'autonomie : Autonome avec guidage en cas de besoin/);
        await assertAxe(page, 'parcours');
        await page.setViewportSize({ width: 360, height: 740 });
        for (const p of [`/beneficiaires/${id}/parcours`, `/beneficiaires/${id}`, '/beneficiaires', '/beneficiaires/nouveau']) {
            await page.goto(`${ctx.server.base}${p}`);
            assert.deepEqual(await b.horizontalOverflow(page), [], `${p} on a phone`);
        }
        await page.goto(`${ctx.server.base}/beneficiaires/${id}/effacer`);
        await assertAxe(page, 'erase confirmation');
        await page.goto(`${ctx.server.base}/beneficiaires/${id}/fusionner`);
        await assertAxe(page, 'merge');
        await context.close();
    });

    ctx.test("a coordinator's network pages pass axe and show no name", async () => {
        const c = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
        const p = await c.newPage();
        await b.login(p, ctx.server.base, ctx.fixture.users.coordinateur);
        await p.click('nav a[href="/coordination/activites"]');
        await p.waitForURL((u) => new URL(u).pathname === '/coordination/activites');
        await assertAxe(p, 'coordination list');
        await p.goto(`${ctx.server.base}/coordination/activites/nouvelle`);
        await assertAxe(p, 'coordination type choice');
        await p.check('input[name="type"][value="evenement"]');
        await Promise.all([p.waitForURL(/type=evenement/), p.click('form[action="/coordination/activites/nouvelle"] button[type="submit"]')]);
        await p.fill('input[name="nom"]', 'Numérique en Commun[s] Mayenne');
        await p.fill('input[name="duree"]', '240');
        await p.check('input[name="type_evenement"][value="nec_local"]');
        await p.check('input[name="organisateurs"][value="hub"]');
        await p.check('input[name="echelon_territorial"][value="departemental"]');
        await p.fill('input[name="participants"]', '0');
        await p.click('form[action="/coordination/activites"] button[type="submit"]');
        await p.waitForSelector('.govuk-error-summary');
        await assertAxe(p, 'coordination form with errors');
        await p.fill('input[name="participants"]', '120');
        await Promise.all([
            p.waitForURL((u) => new URL(u).search === '?ok=cree'),
            p.click('form[action="/coordination/activites"] button[type="submit"]'),
        ]);
        const main = await p.textContent('main');
        assert.match(main, /Numérique en Commun\[s\] Mayenne/);
        assert.doesNotMatch(main, /Le Gall|Éloïse/);
        assert.equal((await p.goto(`${ctx.server.base}/beneficiaires/${id}/parcours`)).status(), 403);
        await c.close();
    });
});
