'use strict';
/*
 * A referral in a real browser, with axe-core on every page (the same path without JavaScript is
 * walked by tests/http/orientation.test.js, whose forms are plain GET and POST forms): a médiatrice finds a destination in the orientation mode, sends a referral with an
 * attachment, prints the sheet; the destination, which has no account, gets the e-mail in a local
 * SMTP server, opens the link, accepts and answers; the médiatrice sees the status change; the
 * maintenance expires an unanswered referral and deletes its attachment. From a structure's page, a
 * referral linked to a person's record joins her journey, which the receiving structure sees
 * without her name.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { before, after } = require('node:test');
const h = require('../http/lib/harness');
const L = require('../http/lib/lieux');
const { smtpServer, linkIn } = require('../http/lib/smtp');
const b = require('./lib/browser');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let browser, smtp;
before(async () => {
    browser = await b.launch();
});
after(async () => {
    if (browser) await browser.close();
    if (smtp) await smtp.close();
});

h.forEachStore('browser orientation', (ctx) => {
    let lieu, pdfPath, sentId;

    async function open(role) {
        const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
        const page = await context.newPage();
        if (role) {
            await page.goto(`${ctx.server.base}/connexion`);
            await page.fill('input[name="email"]', role.email);
            await page.fill('input[name="password"]', role.password);
            await Promise.all([page.waitForNavigation(), page.click('form[action="/connexion"] [type="submit"]')]);
        }
        return { context, page };
    }

    async function axe(page, problems) {
        for (const v of await b.axeViolations(page)) problems.push(`${new URL(page.url()).pathname}: ${v}`);
    }

    ctx.test('setup: a lieu without an account near Laval, a server that mails', async () => {
        // One SMTP server per store, so that no message of another run is read here.
        if (smtp) await smtp.close();
        smtp = await smtpServer();
        [lieu] = L.insertLieux(ctx.db, [{ ...L.FIXTURE[0], courriels: 'accueil-laval@exemple.fr' }]);
        L.insertLieux(ctx.db, [L.FIXTURE[3]]);
        pdfPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relais-pdf-')), 'courrier.pdf');
        fs.writeFileSync(pdfPath, PDF);
        ctx.server = await ctx.startServer({
            db: ctx.db,
            env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, RELAIS_SMTP_FROM: 'relais@exemple.fr' },
            args: ['--base-url', 'http://relais.exemple.fr'],
        });
    });

    ctx.test('a médiatrice finds a destination, sends a referral and prints the sheet', async () => {
        const { context, page } = await open(ctx.fixture.users.mediateur);
        const problems = [];
        try {
            await page.goto(`${ctx.server.base}/orienter`);
            await axe(page, problems);
            await page.check('input[name="services"][value="Aide aux démarches administratives"]');
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Étape 2 sur 4/);
            await axe(page, problems);
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            // The commune field is the lieux search's combobox: Laval of Mayenne is chosen in it.
            await page.type('input[name="commune"]', 'Laval');
            await page.waitForSelector('#commune-suggestions [role="option"]');
            await axe(page, problems);
            await page.click('#commune-suggestions [role="option"]:has-text("Mayenne")');
            assert.equal(await page.inputValue('input[name="code_insee"]'), '53130');
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Étape 4 sur 4/);
            await axe(page, problems);
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Espace numérique du centre/);
            await axe(page, problems);
            await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Orienter vers ce lieu")')]);

            assert.ok(await page.isChecked('input[name="besoins"][value="Aide aux démarches administratives"]'),
                'the need chosen in the orientation mode is kept');
            await axe(page, problems);
            await page.fill('input[name="personne"]', 'M. D.');
            await page.fill('input[name="contact"]', '06 12 34 56 78');
            await page.check('input[name="preferences"][value="telephone"]');
            await page.fill('textarea[name="motif"]', 'Renouveler sa carte de séjour en ligne.');
            await page.fill('input[name="interlocuteur"]', 'Mme Martin, à l’accueil');
            await page.fill('textarea[name="a_apporter"]', 'Son titre de séjour actuel');
            await page.setInputFiles('input[name="pieces"]', pdfPath);
            // Without the commitment, nothing is sent.
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            assert.match(await page.textContent('main'), /Engagement : cochez la case/);
            await axe(page, problems);
            await page.setInputFiles('input[name="pieces"]', pdfPath);
            await page.check('input[name="engagement"]');
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            const url = new URL(page.url());
            assert.match(url.pathname, /^\/orientations\/\d+$/);
            sentId = Number(url.pathname.split('/').pop());
            assert.match(await page.textContent('main'), /courrier\.pdf/);
            await axe(page, problems);

            await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Fiche à remettre")')]);
            const sheet = await page.textContent('main');
            assert.match(sheet, /12 rue de la Paix/);
            assert.match(sheet, /du lundi au vendredi/);
            assert.match(sheet, /Mme Martin/);
            assert.match(sheet, /Son titre de séjour actuel/);
            await axe(page, problems);
            await page.emulateMedia({ media: 'print' });
            assert.equal(await page.isVisible('.relais-ecran-seulement'), false, 'screen-only help is not printed');
        } finally {
            await context.close();
        }
        assert.deepEqual(problems, []);
    }, { timeout: 120000 });

    ctx.test('the destination gets the e-mail, opens the link, accepts and answers; the sender sees it', async () => {
        let msg;
        do msg = await smtp.next(); while (!msg.to.join().includes('accueil-laval@exemple.fr'));
        const link = linkIn(msg.data, '/orientations/lien/');
        assert.ok(link, msg.data);
        const problems = [];
        const { context, page } = await open(null);
        try {
            await page.goto(ctx.server.base + link.pathname);
            assert.match(await page.textContent('main'), /Renouveler sa carte de séjour/);
            await axe(page, problems);
            await page.check('input[name="decision"][value="acceptee"]');
            await page.fill('form:has(input[name="decision"][value="acceptee"]) textarea[name="message"]', 'Rendez-vous mardi à 10 h.');
            await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Enregistrer la décision")')]);
            assert.match(await page.textContent('main'), /Acceptée/);
            await page.fill('form:has(input[type="hidden"][value="message"]) textarea[name="message"]', 'Merci, à mardi.');
            await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Envoyer le message")')]);
            assert.match(await page.textContent('main'), /Merci, à mardi\./);
            await axe(page, problems);
        } finally {
            await context.close();
        }
        const sender = await open(ctx.fixture.users.mediateur);
        try {
            await sender.page.goto(`${ctx.server.base}/orientations`);
            assert.match(await sender.page.textContent('main'), /Acceptée/);
            assert.match(await sender.page.textContent('header'), /Notifications \(\d+\)/);
            await axe(sender.page, problems);
            await sender.page.goto(`${ctx.server.base}/notifications`);
            assert.match(await sender.page.textContent('main'), /maintenant : Acceptée/);
            await axe(sender.page, problems);
            await sender.page.goto(`${ctx.server.base}/orientations/${sentId}`);
            assert.match(await sender.page.textContent('main'), /Rendez-vous mardi à 10 h\./);
        } finally {
            await sender.context.close();
        }
        assert.deepEqual(problems, []);
    }, { timeout: 120000 });

    ctx.test('maintenance expires an unanswered referral and deletes its attachment', async () => {
        const { context, page } = await open(ctx.fixture.users.admin_structure);
        try {
            await page.goto(`${ctx.server.base}/orientations/nouvelle?lieu=${lieu}`);
            await page.fill('input[name="personne"]', 'A. B.');
            await page.fill('input[name="contact"]', 'a.b@exemple.fr');
            await page.check('input[name="preferences"][value="email"]');
            await page.check('input[name="besoins"][value="Aide aux démarches administratives"]');
            await page.fill('textarea[name="motif"]', 'Une déclaration en ligne.');
            await page.setInputFiles('input[name="pieces"]', pdfPath);
            await page.check('input[name="engagement"]');
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            const id = Number(new URL(page.url()).pathname.split('/').pop());
            const stored = L.query(ctx.db, `SELECT stored FROM orientation_pieces WHERE orientation_id = ${id};`).trim().split('\n')[0].trim();
            const file = path.join(ctx.db.dataDir, 'orientations', stored);
            assert.ok(fs.existsSync(file));
            const later = new Date(Date.now() + 31 * 86400 * 1000).toISOString().slice(0, 16);
            const out = h.cliOk(['maintenance', '--database', ctx.db.url, '--data-dir', ctx.db.dataDir, '--only', 'orientations', '--date', later]);
            assert.match(out, /[1-9]\d* expirée/);
            assert.ok(!fs.existsSync(file), 'the attachment is deleted');
            await page.goto(`${ctx.server.base}/orientations/${id}`);
            const text = await page.textContent('main');
            assert.match(text, /Expirée/);
            assert.match(text, /courrier\.pdf \(supprimée\)/);
        } finally {
            await context.close();
        }
    }, { timeout: 120000 });

    ctx.test('from a structure\'s page, a referral joins the person\'s journey, which each side sees its share of', async () => {
        const problems = [];
        // A consented named record of the médiatrice's structure.
        const api = new h.Client(ctx.server.base);
        await api.loginOk(ctx.fixture.users.mediateur);
        const made = await api.post('/beneficiaires', {
            _csrf: await api.csrfToken(), prenom: 'Éloïse', nom: 'Le Gall', consentement: '1',
        });
        const person = Number(/^\/beneficiaires\/(\d+)/.exec(made.location || '')[1]);
        const { context, page } = await open(ctx.fixture.users.mediateur);
        try {
            await page.goto(`${ctx.server.base}/structures/${ctx.fixture.other}`);
            await axe(page, problems);
            await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Orienter vers cette structure")')]);
            assert.match(await page.textContent('main'), /Vers : Médiathèque de Mayenne/);
            await page.selectOption('select[name="beneficiaire"]', String(person));
            await page.fill('input[name="personne"]', 'É. L.');
            await page.fill('input[name="contact"]', '06 12 34 56 78');
            await page.check('input[name="preferences"][value="telephone"]');
            await page.check('input[name="besoins"][value="Aide aux démarches administratives"]');
            await page.fill('textarea[name="motif"]', 'Une démarche de retraite en ligne.');
            await page.check('input[name="engagement"]');
            await axe(page, problems);
            await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
            const id = Number(new URL(page.url()).pathname.split('/').pop());
            assert.ok(id > 0, page.url());
            await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Parcours de la personne")')]);
            const journey = await page.textContent('main');
            assert.match(journey, /Parcours vers l’autonomie de Éloïse Le Gall|Parcours vers l'autonomie de Éloïse Le Gall/);
            assert.match(journey, new RegExp(`Orientation n° ${id}`));
            assert.match(journey, /De Espace numérique de Laval vers Médiathèque de Mayenne/);
            await axe(page, problems);
        } finally {
            await context.close();
        }
        const other = await open(ctx.fixture.spare);
        try {
            await other.page.goto(`${ctx.server.base}/beneficiaires/${person}/parcours`);
            const text = await other.page.textContent('main');
            assert.match(text, /Parcours de la personne orientée/);
            assert.doesNotMatch(text, /Le Gall/);
            await axe(other.page, problems);
        } finally {
            await other.context.close();
        }
        assert.deepEqual(problems, []);
    }, { timeout: 120000 });
}, { server: false });
