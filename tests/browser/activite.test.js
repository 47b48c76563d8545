'use strict';
/*
 * Recording CRAs in a real browser, with the keyboard only: a médiateur tabs through the one-page
 * form and records an individual accompaniment, then a workshop, then a procedure (no mouse: Tab
 * to reach a control, Space to tick, arrows to pick a radio or an option, Enter to send). Then
 * axe-core (no serious or critical violation) on the form, the form sent back with errors, the
 * list and a CRA; no horizontal scrolling at 360 px.
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

/* Presses Tab until the focused element matches selector (the form's order is the page's). */
async function tabTo(page, selector) {
    for (let i = 0; i < 250; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
}

/* With a radio or a select focused: arrows until its value is value (arrows choose as they move). */
async function arrowTo(page, value) {
    for (let i = 0; i < 30; i++) {
        const v = await page.evaluate(() => document.activeElement.value);
        if (v === value) {
            const checked = await page.evaluate(() => document.activeElement.tagName === 'SELECT' || document.activeElement.checked);
            if (checked) return;
            await page.keyboard.press('Space');
            return;
        }
        await page.keyboard.press('ArrowDown');
    }
    throw new Error(`arrows never reached ${value}`);
}

async function send(page) {
    await tabTo(page, 'form[action="/activites/nouvelle"] button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

h.forEachStore('browser activite', (ctx) => {
    let lieu;

    async function contextFor(role, options = {}) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', ...options });
        const page = await context.newPage();
        await b.login(page, ctx.server.base, ctx.fixture.users[role]);
        return { context, page };
    }

    ctx.test('setup: a lieu of the structure, then the server', async () => {
        lieu = L.insertLieux(ctx.db, L.FIXTURE.slice(0, 1), { structure: ctx.fixture.structure })[0];
        ctx.server = await ctx.startServer({ db: ctx.db });
    });

    ctx.test('a médiateur records an individual, a collective and a procedure CRA with the keyboard only', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 1280, height: 900 } });
        try {
            const base = ctx.server.base;
            // Individual: the kind, the date and the lieu are already right.
            await page.goto(`${base}/activites/nouvelle`);
            await tabTo(page, 'input[name="type"]:checked');
            assert.equal(await page.evaluate(() => document.activeElement.value), 'individuel');
            await tabTo(page, 'input[name="duree"]');
            await arrowTo(page, '30');
            await tabTo(page, 'input[name="thematiques"][value="email"]');
            await page.keyboard.press('Space');
            await tabTo(page, 'select[name="nouveau_genre"]');
            await arrowTo(page, 'feminin');
            assert.equal(await page.inputValue('select[name="nouveau_genre"]'), 'feminin');
            await tabTo(page, 'input[name="autonomie"]');
            await page.keyboard.press('Space');
            await send(page);
            assert.match(page.url(), /\/activites\?ok=enregistree&id=\d+$/);
            assert.match(await page.textContent('main'), /L’activité a été enregistrée\./);

            // A workshop: the kind by arrows, 60 min, a title and 6 anonymous participants.
            await page.goto(`${base}/activites/nouvelle`);
            await tabTo(page, 'input[name="type"]:checked');
            await arrowTo(page, 'collectif');
            await tabTo(page, 'input[name="duree"]');
            await arrowTo(page, '60');
            await tabTo(page, 'input[name="thematiques"][value="securite_numerique"]');
            await page.keyboard.press('Space');
            await tabTo(page, 'input[name="titre_atelier"]');
            await page.keyboard.type('Repérer les arnaques');
            await tabTo(page, 'input[name="anon_total"]');
            await page.keyboard.type('6');
            await send(page);
            assert.match(page.url(), /ok=enregistree/);

            // A procedure: an administrative thématique and its precision.
            await page.goto(`${base}/activites/nouvelle`);
            await tabTo(page, 'input[name="type"]:checked');
            await arrowTo(page, 'demarche');
            await tabTo(page, 'input[name="duree"]');
            await arrowTo(page, '45');
            await tabTo(page, 'input[name="thematiques"][value="argent_impots"]');
            await page.keyboard.press('Space');
            await tabTo(page, 'input[name="precisions_demarche"]');
            await page.keyboard.type('Déclaration de revenus');
            await send(page);
            assert.match(page.url(), /ok=enregistree/);

            const out = L.query(ctx.db, `SELECT type || ':' || duree FROM cra WHERE mediateur_id = ${ctx.fixture.users.mediateur.id} ORDER BY id`);
            assert.deepEqual(out.split('\n').map((l) => l.trim()).filter((l) => /:/.test(l)),
                ['individuel:30', 'collectif:60', 'demarche:45']);
            assert.match(L.query(ctx.db, `SELECT titre_atelier FROM cra WHERE type = 'collectif'`), /Repérer les arnaques/);
            assert.match(L.query(ctx.db, `SELECT lieu_id FROM cra WHERE type = 'individuel'`), new RegExp(`\\b${lieu}\\b`));
        } finally {
            await context.close();
        }
    });

    ctx.test('the form, the form with errors, the list and a CRA pass axe', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 1280, height: 900 } });
        try {
            const problems = [];
            const base = ctx.server.base;
            await page.goto(`${base}/activites/nouvelle`);
            for (const v of await b.axeViolations(page)) problems.push(`form: ${v}`);
            await page.fill('textarea[name="notes"]', 'Gardé tel quel');
            await Promise.all([page.waitForNavigation(), page.click('form[action="/activites/nouvelle"] button')]);
            assert.match(await page.title(), /^Erreur/);
            assert.equal(await page.inputValue('textarea[name="notes"]'), 'Gardé tel quel');
            const links = await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(links.includes('#duree') && links.includes('#thematiques'), links.join(' '));
            for (const v of await b.axeViolations(page)) problems.push(`errors: ${v}`);
            await page.goto(`${base}/activites`);
            for (const v of await b.axeViolations(page)) problems.push(`list: ${v}`);
            const first = await page.getAttribute('table a[href^="/activites/"]', 'href');
            await page.goto(base + first);
            for (const v of await b.axeViolations(page)) problems.push(`cra: ${v}`);
            await page.goto(`${base}${first}/supprimer`);
            for (const v of await b.axeViolations(page)) problems.push(`supprimer: ${v}`);
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    ctx.test('no horizontal scrolling at 360×640', async () => {
        const { context, page } = await contextFor('mediateur', { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
        try {
            const problems = [];
            for (const p of ['/activites/nouvelle', '/activites', '/activites/nouvelle?dupliquer=1']) {
                await page.goto(ctx.server.base + p);
                const over = await b.horizontalOverflow(page);
                if (over.length) problems.push(`${p}: ${over.join(', ')}`);
            }
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });
}, { server: false });
