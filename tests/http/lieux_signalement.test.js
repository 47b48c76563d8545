'use strict';
/*
 * « Signaler une erreur » on a lieu's page, on both stores: anyone may report (signed in or not),
 * with the CSRF token of the form; bad input gets a French 400 that keeps what was typed; the
 * report is listed on the lieu's editing page for its managers only, and e-mailed to the
 * administrators of its structure through the configured SMTP server; one address may not send
 * more than LIMIT_SIGNALEMENTS_PER_IP (10) reports per quarter of an hour.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { smtpServer } = require('./lib/smtp');
const L = require('./lib/lieux');


async function waitFor(cond) {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
    return cond();
}

h.forEachStore('lieux signalements', (ctx) => {
    let f;
    let sink;
    let srv;
    let id;
    let hidden;

    ctx.test('setup: a lieu of the structure, a server that sends mail', async () => {
        f = ctx.fixture;
        [id] = L.insertLieux(ctx.db, L.FIXTURE.filter((r) => r.id === 'laval-centre'), { structure: f.structure });
        [hidden] = L.insertLieux(ctx.db, L.FIXTURE.filter((r) => r.id === 'change'),
            { structure: f.structure, published: false });
        sink = await smtpServer();
        srv = await ctx.startServer({
            db: ctx.db,
            name: `signalement-${ctx.store}`,
            env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, RELAIS_SMTP_FROM: 'relais@exemple.fr' },
        });
    });

    ctx.test('the lieu page links to the form; an unpublished lieu has none for the public', async () => {
        const anon = ctx.client(srv);
        const page = await anon.get(`/lieux/${id}`);
        assert.equal(page.status, 200);
        assert.ok(page.text.includes(`href="/lieux/${id}/signaler"`));
        assert.match(h.decodeEntities(page.text), /Signaler une erreur sur cette fiche/);
        const form = await anon.get(`/lieux/${id}/signaler`);
        assert.equal(form.status, 200);
        assert.match(form.text, /<label[^>]*for="message"/);
        assert.match(form.text, /<label[^>]*for="courriel"/);
        assert.equal((await anon.get(`/lieux/${hidden}/signaler`)).status, 404);
        assert.equal((await anon.get('/lieux/999999/signaler')).status, 404);
    });

    ctx.test('bad input: a French 400 naming the field, what was typed kept, nothing stored', async () => {
        const anon = ctx.client(srv);
        const form = await anon.get(`/lieux/${id}/signaler`);
        const token = h.csrf(form.text, `/lieux/${id}/signaler`);
        const noCsrf = await anon.post(`/lieux/${id}/signaler`, { message: 'Sans jeton' });
        assert.equal(noCsrf.status, 403);
        const empty = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message: '   ', courriel: 'moi@exemple.fr' });
        assert.equal(empty.status, 400);
        assert.match(h.decodeEntities(empty.text), /Message : écrivez ce qui est faux/);
        assert.equal(h.forms(empty.text).find((x) => x.action === `/lieux/${id}/signaler`).fields.courriel, 'moi@exemple.fr');
        const long = 'é'.repeat(2001);
        const tooLong = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message: long });
        assert.equal(tooLong.status, 400);
        assert.match(h.decodeEntities(tooLong.text), /Message : 2001 caractères, 2000 au plus/);
        assert.equal(h.forms(tooLong.text).find((x) => x.action === `/lieux/${id}/signaler`).fields.message, long);
        const badMail = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message: 'Fermé le lundi', courriel: 'pas une adresse' });
        assert.equal(badMail.status, 400);
        assert.match(h.decodeEntities(badMail.text), /Adresse e-mail : elle doit ressembler à nom@exemple\.fr/);
        const admin = await ctx.asRole('admin_structure', srv);
        const edit = h.decodeEntities((await admin.get(`/lieux/${id}/modifier`)).text);
        assert.match(edit, /Personne n'a signalé d'erreur sur cette fiche/);
        assert.equal(sink.received.length, 0);
    });

    ctx.test('an anonymous report: stored, listed for the managers, mailed to the structure', async () => {
        const anon = ctx.client(srv);
        const form = await anon.get(`/lieux/${id}/signaler`);
        const token = h.csrf(form.text, `/lieux/${id}/signaler`);
        const message = 'Le lieu est fermé le mercredi depuis septembre <b>!</b>';
        const sent = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message, courriel: ' Usager@Exemple.fr ' });
        assert.equal(sent.status, 303);
        assert.equal(sent.location, `/lieux/${id}?ok=signale`);
        assert.match(h.decodeEntities((await anon.get(sent.location)).text), /Merci : votre signalement a été transmis/);

        const admin = await ctx.asRole('admin_structure', srv);
        const edit = await admin.get(`/lieux/${id}/modifier`);
        assert.equal(edit.status, 200);
        assert.match(edit.text, /Erreurs signalées/);
        assert.ok(edit.text.includes('Le lieu est fermé le mercredi depuis septembre &lt;b&gt;!&lt;/b&gt;'), 'escaped');
        assert.ok(edit.text.includes('usager@exemple.fr'));
        assert.match(h.decodeEntities(edit.text), /1 signalement, reçu depuis la fiche publique/);
        // Not on the public page, which only links to the form.
        assert.ok(!(await anon.get(`/lieux/${id}`)).text.includes('fermé le mercredi'));

        assert.ok(await waitFor(() => sink.received.length === 1), 'one message');
        const mail = sink.received[0];
        assert.match(mail.to.join(), new RegExp(f.users.admin_structure.email.replace(/[.+]/g, '\\$&'), 'i'));
        assert.ok(mail.data.includes(message));
        assert.ok(mail.data.includes('usager@exemple.fr'));
        assert.ok(mail.data.includes(`/lieux/${id}/modifier`));
    });

    ctx.test('at most 10 reports per address and quarter of an hour', async () => {
        const anon = ctx.client(srv);
        const form = await anon.get(`/lieux/${id}/signaler`);
        const token = h.csrf(form.text, `/lieux/${id}/signaler`);
        for (let i = 2; i <= 10; i++) {
            const r = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message: `Signalement ${i}` });
            assert.equal(r.status, 303, `report ${i}`);
        }
        const refused = await anon.post(`/lieux/${id}/signaler`, { _csrf: token, message: 'Un de trop' });
        assert.equal(refused.status, 429);
        assert.match(h.decodeEntities(refused.text), /Trop de signalements envoyés depuis votre connexion/);
        assert.equal(h.forms(refused.text).find((x) => x.action === `/lieux/${id}/signaler`).fields.message, 'Un de trop');
        const admin = await ctx.asRole('admin_structure', srv);
        const edit = h.decodeEntities((await admin.get(`/lieux/${id}/modifier`)).text);
        assert.match(edit, /10 signalements, reçus/);
        assert.ok(!edit.includes('Un de trop'));
        sink.close();
    });
});
