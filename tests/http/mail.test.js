'use strict';
/*
 * E-mail flows against a real SMTP peer: a minimal SMTP server in this test receives what relais
 * sends. Password reset: the form mails a link, the link sets a new password, the old one stops
 * working. Invitation: a structure's administrator invites a person, the mailed link activates the
 * account and signs the person in.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { smtpServer, linkIn: smtpLinkIn } = require('./lib/smtp');


function linkIn(data, pathPrefix) {
    const url = smtpLinkIn(data, pathPrefix);
    assert.ok(url, `no ${pathPrefix} link in the message:\n${data}`);
    return url;
}

let smtp;
h.forEachStore('mail', (ctx) => {
    ctx.test('password reset by e-mail: the link sets a new password, once', async () => {
        smtp = await smtpServer();
        const srv = await ctx.startServer({
            db: ctx.db,
            name: `mail-${ctx.store}`,
            env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, RELAIS_SMTP_FROM: 'relais@exemple.fr' },
        });
        const user = ctx.fixture.users.mediateur;
        const anon = new h.Client(srv.base);
        const page = await anon.get('/mot-de-passe-oublie');
        const token = h.csrf(page.text, '/mot-de-passe-oublie');
        const sent = await anon.post('/mot-de-passe-oublie', { _csrf: token, email: user.email.toUpperCase() });
        assert.equal(sent.status, 200);
        const msg = await smtp.next();
        assert.match(msg.to.join(), new RegExp(user.email.replace(/[.+]/g, '\\$&'), 'i'));
        assert.match(msg.data, /Subject: =\?UTF-8\?B\?/);
        const link = linkIn(msg.data, '/reinitialiser/');

        const form = await anon.get(link.pathname);
        assert.equal(form.status, 200);
        const t2 = h.csrf(form.text, link.pathname);
        const newPassword = 'un nouveau mot de passe solide';
        const mismatch = await anon.post(link.pathname, { _csrf: t2, password: newPassword, confirmation: 'autre chose encore' });
        assert.equal(mismatch.status, 400);
        assert.match(mismatch.text, /ne sont pas identiques/);
        const done = await anon.post(link.pathname, { _csrf: t2, password: newPassword, confirmation: newPassword });
        assert.equal(done.status, 303);
        assert.equal(done.location, '/connexion?ok=mot-de-passe');

        const again = await anon.get(link.pathname);
        assert.equal(again.status, 404, 'a used link must not work twice');
        const oldLogin = await new h.Client(srv.base).login(user);
        assert.equal(oldLogin.status, 400, 'the old password must stop working');
        const newLogin = await new h.Client(srv.base).login({ ...user, password: newPassword });
        assert.equal(newLogin.status, 303);
    });

    ctx.test('an unknown address gets the same answer and no e-mail', async () => {
        const srv = ctx.servers[ctx.servers.length - 1];
        const anon = new h.Client(srv.base);
        const page = await anon.get('/mot-de-passe-oublie');
        const res = await anon.post('/mot-de-passe-oublie', {
            _csrf: h.csrf(page.text, '/mot-de-passe-oublie'),
            email: 'personne-inconnue@exemple.fr',
        });
        assert.equal(res.status, 200);
        assert.match(res.text, /Si un compte existe/);
        const before = smtp.received.length;
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(smtp.received.length, before, 'no message for an unknown address');
    });

    ctx.test('invitation by e-mail: the link activates the account and signs in', async () => {
        const srv = ctx.servers[ctx.servers.length - 1];
        const owner = new h.Client(srv.base);
        await owner.loginOk(ctx.fixture.users.admin_structure);
        const p = `/structures/${ctx.fixture.structure}`;
        const page = await owner.get(p);
        const email = `invitee-${ctx.store}-${Date.now()}@exemple.fr`;
        const res = await owner.post(`${p}/membres`, {
            _csrf: h.csrf(page.text, `${p}/membres`),
            name: 'Nina Nouvelle',
            email,
            role: 'mediateur',
        });
        assert.equal(res.status, 200);
        const msg = await smtp.next();
        const link = linkIn(msg.data, '/invitation/');
        const invitee = new h.Client(srv.base);
        const form = await invitee.get(link.pathname);
        assert.equal(form.status, 200);
        const pw = 'ma phrase de passe à moi';
        const done = await invitee.post(link.pathname, { _csrf: h.csrf(form.text, link.pathname), password: pw, confirmation: pw });
        assert.equal(done.status, 303);
        const dash = await invitee.get('/tableau-de-bord');
        assert.equal(dash.status, 200);
        assert.match(dash.text, /Nina Nouvelle/);
        assert.match(dash.text, /Espace numérique de Laval/);
        await smtp.close();
    });
});
