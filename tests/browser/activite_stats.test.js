'use strict';
/*
 * A coordinator reads the département's statistics in a real browser: the dashboard passes
 * axe-core (no serious or critical violation), the filter form narrows it (without JavaScript:
 * a GET form), the print view opens from its link, and a share link is created and opened by
 * someone who is not signed in.
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

async function assertAxe(page, what) {
    const v = await b.axeViolations(page);
    assert.deepEqual(v, [], `${what}: axe violations`);
}

function parisDay(offsetDays = 0) {
    const d = new Date(Date.now() + offsetDays * 86400000);
    return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(d);
}

h.forEachStore('browser: activite stats', (ctx) => {
    let context, page;

    ctx.test('setup: the médiatrice records an individual CRA and a workshop', async () => {
        const lieu = L.insertLieux(ctx.db, L.FIXTURE.slice(0, 1), { structure: ctx.fixture.structure })[0];
        const med = await ctx.asRole('mediateur');
        const cras = [
            {
                type: 'individuel', date: parisDay(-1), duree: '30', type_lieu: 'lieu_activite', lieu_id: String(lieu),
                thematiques: 'email', materiel: 'telephone', autonomie: 'autonome', nouveau_genre: 'feminin',
            },
            {
                type: 'collectif', date: parisDay(-3), duree: '90', type_lieu: 'lieu_activite', lieu_id: String(lieu),
                thematiques: 'securite_numerique', titre_atelier: 'Arnaques en ligne', anon_total: '6',
            },
        ];
        for (const cra of cras) {
            const form = await med.get('/activites/nouvelle');
            const res = await med.post('/activites/nouvelle', { _csrf: h.csrf(form.text, '/activites/nouvelle'), ...cra });
            assert.equal(res.status, 303, res.text.slice(0, 400));
        }
    });

    ctx.test('the coordinator reads the dashboard and filters it', async () => {
        context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
        page = await context.newPage();
        await b.login(page, ctx.server.base, ctx.fixture.users.coordinateur);
        await page.click('nav a[href="/statistiques"]');
        await page.waitForURL((u) => new URL(u).pathname === '/departements/53/statistiques');
        assert.match(await page.textContent('h1'), /Statistiques de Mayenne \(53\)/);
        const figure = async (label) =>
            (await page.textContent(`xpath=//table[caption[contains(., "Chiffres clés")]]//tr[*[1][normalize-space()="${label}"]]/td[last()]`)).trim();
        assert.equal(await figure('Activités'), '2');
        assert.equal(await figure('Accompagnements'), '7');
        assert.ok(await page.isVisible('svg[role="img"][aria-labelledby="serie-mois-titre serie-mois-desc"]'));
        await assertAxe(page, 'dashboard');
        await page.selectOption('select[name="type"]', 'collectif');
        await Promise.all([page.waitForNavigation(), page.click('form[method="get"] button')]);
        assert.match(page.url(), /type=collectif/);
        assert.equal(await figure('Activités'), '1');
        assert.equal(await figure('Participants aux ateliers'), '6');
        await assertAxe(page, 'filtered dashboard');
    });

    ctx.test('the print view opens from its link', async () => {
        await Promise.all([page.waitForNavigation(), page.click('a:has-text("Version à imprimer")')]);
        assert.match(page.url(), /impression=1/);
        assert.equal(await page.locator('select[name="type"]').count(), 0);
        await page.emulateMedia({ media: 'print' });
        assert.ok(await page.isVisible('h1'));
        await page.emulateMedia({ media: 'screen' });
        await assertAxe(page, 'print view');
        await Promise.all([page.waitForNavigation(), page.click('a:has-text("Revenir au tableau de bord")')]);
    });

    ctx.test('a share link is created, and opens for someone not signed in', async () => {
        await page.fill('input[name="libelle"]', 'Ateliers de Mayenne');
        await Promise.all([page.waitForNavigation(), page.click('button:has-text("Créer un lien de partage")')]);
        assert.match(await page.textContent('h1'), /Lien de partage créé/);
        await assertAxe(page, 'share created');
        const href = await page.getAttribute('#lien-partage', 'href');
        assert.match(href, /^\/statistiques\/partage\/[A-Za-z0-9_-]{20,}$/);
        const visitor = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
        const pub = await visitor.newPage();
        const resp = await pub.goto(ctx.server.base + href);
        assert.equal(resp.status(), 200);
        assert.match(await pub.textContent('h1'), /Ateliers de Mayenne/);
        assert.match(await pub.content(), /moins de 5/);
        await assertAxe(pub, 'shared dashboard');
        await visitor.close();
        await page.goto(`${ctx.server.base}/statistiques/partages`);
        assert.match(await page.content(), /Ateliers de Mayenne/);
        await assertAxe(page, 'share list');
        await context.close();
    });
});
