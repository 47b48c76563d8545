'use strict';
/*
 * Orientation over HTTP, on both stores: the orientation mode, a referral to a structure of Relais
 * (inbox, notifications, answer, status seen by the sender), attachments (sniffed type, forced
 * download), bad input that changes nothing, a referral to a lieu without an account through a
 * signed link (tampered and expired links), the outbox while the SMTP server is down, maintenance
 * with an injected "now" (expiry deletes the attachments), and the API.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');
const L = require('./lib/lieux');
const { execFile } = require('node:child_process');
const { smtpServer, freePort, linkIn } = require('./lib/smtp');

/* The command line without blocking this process: the test's SMTP server must answer meanwhile. */
function cliAsync(args, env = {}) {
    return new Promise((resolve, reject) => {
        execFile(h.BIN, args, { env: { ...process.env, ...env }, timeout: 120000 }, (err, stdout, stderr) => {
            if (err && err.code === undefined) return reject(err);
            resolve({ code: err ? err.code : 0, stdout, stderr });
        });
    });
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const FAKE_PNG = Buffer.from('<html><script>alert(1)</script></html>');

function count(db, sql) {
    return Number(L.query(db, sql).split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l)));
}

function multipart(fields, files = []) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
        for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
    }
    for (const f of files) fd.append('pieces', new Blob([f.bytes], { type: f.type }), f.name);
    return fd;
}

function referral(extra = {}) {
    return {
        personne: 'M. D.',
        contact: '06 12 34 56 78',
        preferences: ['telephone'],
        besoins: ['Aide aux démarches administratives'],
        motif: 'Renouveler sa carte de séjour en ligne : il n’a pas d’adresse e-mail.',
        disponibilites: 'Le mardi matin',
        interlocuteur: 'Accueil, demander Mme Martin',
        a_apporter: 'Son titre de séjour actuel',
        engagement: '1',
        ...extra,
    };
}

let smtpPort;
h.forEachStore('orientation', (ctx) => {
    let srv, relaisLieu, externalLieu, third, thirdUser, sent, smtp;
    const nextTo = async (addr) => {
        for (;;) {
            const m = await smtp.next();
            if (m.to.join().includes(addr)) return m;
        }
    };
    const smtpEnv = () => ({ RELAIS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, RELAIS_SMTP_FROM: 'relais@exemple.fr' });

    ctx.test('setup: lieux, a third structure, a server whose SMTP server is down', async () => {
        smtpPort = await freePort();
        [relaisLieu] = L.insertLieux(ctx.db, [L.FIXTURE[0]], { structure: ctx.fixture.other });
        [externalLieu] = L.insertLieux(ctx.db, [{ ...L.FIXTURE[2], courriels: 'fs-mayenne@exemple.fr' }]);
        third = h.createStructure(ctx.db, { name: 'CCAS de Changé' });
        thirdUser = h.createUser(ctx.db, { role: 'mediateur', structure: third, departement: '53' });
        srv = await ctx.startServer({ db: ctx.db, env: smtpEnv(), args: ['--base-url', 'http://relais.exemple.fr'] });
    });

    ctx.test('the orientation mode: four GET steps that keep the answers, then a short list', async () => {
        const c = await ctx.asRole('mediateur', srv);
        const s1 = await c.get('/orienter');
        assert.equal(s1.status, 200);
        assert.match(s1.text, /Étape 1 sur 4/);
        const missing = await c.get('/orienter?etape=2');
        assert.equal(missing.status, 400);
        assert.match(missing.text, /Besoin : cochez au moins un service/);
        const svc = encodeURIComponent('Aide aux démarches administratives');
        const s3 = await c.get(`/orienter?etape=3&services=${svc}&frais_a_charge=Gratuit`);
        assert.equal(s3.status, 200);
        const form = h.forms(s3.text).find((f) => f.action === '/orienter');
        assert.equal(form.fields.services, 'Aide aux démarches administratives', 'step 1 travels as a hidden field');
        assert.equal(form.fields.frais_a_charge, 'Gratuit');
        const unknown = await c.get(`/orienter?etape=4&services=${svc}&commune=Zzzyx`);
        assert.equal(unknown.status, 400);
        assert.match(unknown.text, /Commune inconnue/);
        const list = await c.get(`/orienter?etape=5&services=${svc}&commune=Laval&code_insee=53130&rayon=50&quand=creneau&jour=mardi&de=09:00&a=11:00`);
        assert.equal(list.status, 200, list.text.slice(0, 500));
        assert.match(list.text, /Espace numérique du centre/);
        assert.match(list.text, new RegExp(`/orientations/nouvelle\\?lieu=${relaisLieu}&amp;besoins=`));
        assert.doesNotMatch(list.text, /Centre social de Sablé/, 'beyond 50 km');
        const coord = await ctx.asRole('coordinateur', srv);
        const theirs = await coord.get(`/orienter?etape=5&services=${svc}&commune=Laval&code_insee=53130&rayon=50`);
        assert.equal(theirs.status, 200);
        assert.doesNotMatch(theirs.text, /Orienter vers ce lieu/, 'no referral without a structure');
        assert.match(theirs.text, new RegExp(`/lieux/${relaisLieu}/fiche`));
        const closed = await c.get(`/orienter?etape=5&services=${svc}&commune=Laval&code_insee=53130&rayon=50&quand=creneau&jour=dimanche&de=09:00&a=11:00`);
        assert.doesNotMatch(closed.text, /Espace numérique du centre/, 'closed on Sundays');
    });

    ctx.test('bad input changes nothing and says why in French', async () => {
        const c = await ctx.asRole('mediateur', srv);
        const page = await c.get(`/orientations/nouvelle?lieu=${relaisLieu}`);
        assert.equal(page.status, 200);
        const token = h.csrf(page.text, '/orientations');
        const before = count(ctx.db, 'SELECT count(*) FROM orientations;');
        const post = (fields, files) => c.request('POST', '/orientations', {
            body: multipart({ _csrf: token, lieu: String(relaisLieu), ...fields }, files),
        });
        const noConsent = await post(referral({ engagement: [] }));
        assert.equal(noConsent.status, 400);
        assert.match(noConsent.text, /Engagement : cochez la case/);
        assert.match(noConsent.text, /M\. D\./, 'the form keeps what was typed');
        const long = await post(referral({ motif: 'x'.repeat(601) }));
        assert.equal(long.status, 400);
        assert.match(long.text, /600 caractères au plus \(601 saisis\)/);
        const html = await post(referral(), [{ name: 'photo.png', type: 'image/png', bytes: FAKE_PNG }]);
        assert.equal(html.status, 400);
        assert.match(html.text, /seuls les PDF, JPEG et PNG/);
        const own = await c.request('POST', '/orientations', {
            body: multipart({ _csrf: token, structure: String(ctx.fixture.structure), ...referral() }),
        });
        assert.equal(own.status, 400);
        assert.match(own.text, /votre propre structure/);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM orientations;'), before);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM orientation_pieces;'), 0);
    });

    ctx.test('a referral to a structure of Relais: inbox, notification, answer, status seen by the sender', async () => {
        const c = await ctx.asRole('mediateur', srv);
        const page = await c.get(`/orientations/nouvelle?lieu=${relaisLieu}`);
        const res = await c.request('POST', '/orientations', {
            body: multipart({ _csrf: h.csrf(page.text, '/orientations'), lieu: String(relaisLieu), ...referral() },
                [{ name: 'courrier.pdf', type: 'application/pdf', bytes: PDF }]),
        });
        assert.equal(res.status, 303, res.text.slice(0, 800));
        sent = Number(res.location.match(/\/orientations\/(\d+)\?ok=envoyee/)[1]);

        const receiver = new h.Client(srv.base);
        await receiver.loginOk(ctx.fixture.spare);
        const home = await receiver.get('/orientations');
        assert.match(home.text, /Notifications \(1\)/, 'the counter in the navigation');
        const inbox = await receiver.get(`/structures/${ctx.fixture.other}/orientations`);
        assert.equal(inbox.status, 200);
        assert.match(inbox.text, new RegExp(`/orientations/${sent}`));
        const view = await receiver.get(`/orientations/${sent}`);
        assert.equal(view.status, 200);
        assert.match(view.text, /Renouveler sa carte de séjour/);

        const piece = view.text.match(new RegExp(`/orientations/${sent}/pieces/(\\d+)`));
        assert.ok(piece, 'the attachment is listed');
        const file = await receiver.get(piece[0]);
        assert.equal(file.status, 200);
        assert.equal(file.headers.get('content-type'), 'application/pdf');
        assert.match(file.headers.get('content-disposition'), /^attachment;/);
        assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(file.bytes.equals(PDF));

        // The sender may not decide; another structure may not even look.
        const token = await c.csrfToken(`/orientations/${sent}`);
        const self = await c.post(`/orientations/${sent}/reponse`, { _csrf: token, decision: 'acceptee' });
        assert.equal(self.status, 403);
        const stranger = new h.Client(srv.base);
        await stranger.loginOk(thirdUser);
        assert.equal((await stranger.get(`/orientations/${sent}`)).status, 403);
        assert.equal((await stranger.get(piece[0])).status, 403);
        const st = await stranger.csrfToken();
        assert.equal((await stranger.post(`/orientations/${sent}/reponse`, { _csrf: st, decision: 'acceptee' })).status, 403);

        const rt = h.csrf(view.text, `/orientations/${sent}/reponse`);
        const noReason = await receiver.post(`/orientations/${sent}/reponse`, { _csrf: rt, decision: 'refusee' });
        assert.equal(noReason.status, 400);
        assert.match(noReason.text, /Motifs du refus : cochez au moins un motif/);
        const ok = await receiver.post(`/orientations/${sent}/reponse`, { _csrf: rt, decision: 'acceptee', message: 'Rendez-vous mardi 10 h.' });
        assert.equal(ok.status, 303);
        const again = await receiver.post(`/orientations/${sent}/reponse`, { _csrf: rt, decision: 'refusee', motifs: 'complet' });
        assert.equal(again.status, 409, 'a final status does not change');

        const mine = await c.get('/orientations');
        assert.match(mine.text, /Acceptée/);
        const detail = await c.get(`/orientations/${sent}`);
        assert.match(detail.text, /Ouverte → Acceptée/);
        assert.match(detail.text, /Rendez-vous mardi 10 h\./);
        const notes = await c.get('/notifications');
        assert.match(notes.text, /maintenant : Acceptée/);
        const fiche = await c.get(`/orientations/${sent}/fiche`);
        assert.equal(fiche.status, 200);
        assert.match(fiche.text, /12 rue de la Paix/);
        assert.match(fiche.text, /du lundi au vendredi/);
        assert.match(fiche.text, /demander Mme Martin/);
        assert.match(fiche.text, /Son titre de séjour actuel/);
        assert.match(fiche.text, /<svg[^>]*role="img"[^>]*aria-labelledby="plan-titre"/, 'a plan drawn by the server');
        assert.match(fiche.text, /<title id="plan-titre">Plan : Espace numérique du centre au centre/);
    });

    ctx.test('a lieu without an account: the mail waits while SMTP is down, the signed link answers', async () => {
        const c = await ctx.asRole('admin_structure', srv);
        const page = await c.get(`/orientations/nouvelle?lieu=${externalLieu}`);
        assert.match(page.text, /n(&#39;|')a pas de compte sur Relais/);
        const res = await c.request('POST', '/orientations', {
            body: multipart({ _csrf: h.csrf(page.text, '/orientations'), lieu: String(externalLieu), ...referral() }),
        });
        assert.equal(res.status, 303, res.text.slice(0, 800));
        const id = Number(res.location.match(/\/orientations\/(\d+)/)[1]);
        assert.equal(count(ctx.db, "SELECT count(*) FROM mail_outbox WHERE to_addr = 'fs-mayenne@exemple.fr' AND sent_at IS NULL;"), 1,
            'kept in the outbox while the SMTP server is down');

        smtp = await smtpServer(smtpPort);
        const later = new Date(Date.now() + 3600 * 1000).toISOString().slice(0, 16);
        const out = await cliAsync(['maintenance', '--database', ctx.db.url, '--only', 'courriels', '--date', later], smtpEnv());
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stdout, /courriels : [1-9]\d* envoyé/);
        const msg = await nextTo('fs-mayenne@exemple.fr');
        const link = linkIn(msg.data, '/orientations/lien/');
        assert.ok(link, msg.data);
        assert.equal(link.host, 'relais.exemple.fr');

        const anon = new h.Client(srv.base);
        const view = await anon.get(link.pathname);
        assert.equal(view.status, 200);
        assert.match(view.text, /Renouveler sa carte de séjour/);
        const tampered = link.pathname.slice(0, -1) + (link.pathname.endsWith('A') ? 'B' : 'A');
        const bad = await anon.get(tampered);
        assert.equal(bad.status, 404);
        assert.match(bad.text, /Ce lien n(&#39;|')est pas valide/);
        const t = h.csrf(view.text, link.pathname);
        const accepted = await anon.post(link.pathname, { _csrf: t, decision: 'en_cours', message: 'Nous appelons la personne.' });
        assert.equal(accepted.status, 303);
        assert.equal((await anon.post(tampered, { _csrf: t, decision: 'acceptee' })).status, 404);
        const seen = await c.get(`/orientations/${id}`);
        assert.match(seen.text, /En cours d&#39;étude|En cours d'étude/);
        assert.match(seen.text, /Nous appelons la personne\./);

        L.query(ctx.db, `UPDATE orientation_links SET expires_at = 1 WHERE orientation_id = ${id};`);
        const expired = await anon.get(link.pathname);
        assert.equal(expired.status, 410);
        assert.match(expired.text, /Ce lien a expiré/);
        const renew = await c.post(`/orientations/${id}/lien`, { _csrf: h.csrf(seen.text, `/orientations/${id}/lien`) });
        assert.equal(renew.status, 303);
        const fresh = await nextTo('fs-mayenne@exemple.fr');
        const link2 = linkIn(fresh.data, '/orientations/lien/');
        assert.equal((await anon.get(link2.pathname)).status, 200, 'the renewed link works');
    });

    ctx.test('maintenance: an unanswered referral expires and loses its attachments', async () => {
        const c = await ctx.asRole('mediateur', srv);
        const page = await c.get(`/orientations/nouvelle?lieu=${relaisLieu}`);
        const res = await c.request('POST', '/orientations', {
            body: multipart({ _csrf: h.csrf(page.text, '/orientations'), lieu: String(relaisLieu), ...referral() },
                [{ name: 'piece.pdf', type: 'application/pdf', bytes: PDF }]),
        });
        assert.equal(res.status, 303);
        const id = Number(res.location.match(/\/orientations\/(\d+)/)[1]);
        const stored = L.query(ctx.db, `SELECT stored FROM orientation_pieces WHERE orientation_id = ${id};`).trim().split('\n')[0].trim();
        const file = path.join(ctx.db.dataDir, 'orientations', stored);
        assert.ok(fs.existsSync(file));
        const day = (n) => new Date(Date.now() + n * 86400 * 1000).toISOString().slice(0, 16);
        const remind = h.cliOk(['maintenance', '--database', ctx.db.url, '--data-dir', ctx.db.dataDir, '--only', 'orientations', '--date', day(11)]);
        assert.match(remind, /orientations : [1-9]\d* rappel/);
        assert.match(remind, /0 expirée/);
        const out = h.cliOk(['maintenance', '--database', ctx.db.url, '--data-dir', ctx.db.dataDir, '--only', 'orientations', '--date', day(31)]);
        assert.match(out, /[1-9]\d* expirée/);
        assert.ok(!fs.existsSync(file), 'the attachment is deleted');
        assert.equal(L.query(ctx.db, `SELECT status FROM orientations WHERE id = ${id};`).trim().split('\n')[0].trim(), 'expiree');
        const view = await c.get(`/orientations/${id}`);
        assert.match(view.text, /Expirée/);
        assert.match(view.text, /piece\.pdf \(supprimée\)/);
        const bad = h.cli(['maintenance', '--database', ctx.db.url, '--only', 'nimporte']);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /étape inconnue/);
    });

    ctx.test('the API: create, read the status, answer; the other side only', async () => {
        const c = await ctx.asRole('mediateur', srv);
        const token = await c.csrfToken();
        const body = { structure: ctx.fixture.other, personne: 'A. B.', contact: 'a.b@exemple.fr', preferences: ['email'],
            besoins: ['Aide aux démarches administratives'], motif: 'Déclaration de revenus.', engagement: true };
        const missing = await c.request('POST', '/api/v1/orientations', { json: { ...body, engagement: false }, headers: { 'x-csrf-token': token } });
        assert.equal(missing.status, 400);
        assert.equal(missing.json().error.field, 'engagement');
        const created = await c.request('POST', '/api/v1/orientations', { json: body, headers: { 'x-csrf-token': token } });
        assert.equal(created.status, 201, created.text);
        const id = created.json().id;
        assert.equal(created.json().statut, 'ouverte');
        const receiver = new h.Client(srv.base);
        await receiver.loginOk(ctx.fixture.spare);
        const rt = await receiver.csrfToken();
        const refused = await receiver.request('POST', `/api/v1/orientations/${id}/reponse`, {
            json: { decision: 'refusee', motifs: ['complet'], message: 'Atelier complet ce mois-ci.' }, headers: { 'x-csrf-token': rt },
        });
        assert.equal(refused.status, 200, refused.text);
        assert.equal(refused.json().statut, 'refusee');
        const got = await c.get(`/api/v1/orientations/${id}`);
        assert.equal(got.status, 200);
        assert.deepEqual(got.json().motifs_refus, ['complet']);
        assert.deepEqual(got.json().historique.map((e) => e.vers), ['ouverte', 'refusee']);
        const stranger = new h.Client(srv.base);
        await stranger.loginOk(thirdUser);
        assert.equal((await stranger.get(`/api/v1/orientations/${id}`)).status, 403);
        await smtp.close();
    });

    ctx.test('the API with tokens: a write token creates, a read token only reads', async () => {
        const owner = await ctx.asRole('admin_structure', srv);
        const sid = ctx.fixture.structure;
        const tokenOf = async (portee) => {
            const page = await owner.get(`/structures/${sid}/jetons`);
            const res = await owner.post(`/structures/${sid}/jetons`, { _csrf: h.csrf(page.text, `/structures/${sid}/jetons`), nom: `Orientation ${portee}`, portee });
            const shown = res.status === 303 ? await owner.follow(res.location) : res;
            const m = shown.text.match(/rls_[A-Za-z0-9_-]{20,}/);
            assert.ok(m, `no token shown (${res.status})`);
            return { authorization: `Bearer ${m[0]}` };
        };
        const write = await tokenOf('ecriture');
        const read = await tokenOf('lecture');
        const api = new h.Client(srv.base);
        const body = { structure: ctx.fixture.other, personne: 'E. F.', contact: '06 00 00 00 02', preferences: ['telephone'],
            besoins: ['Aide aux démarches administratives'], motif: 'Envoyée par le logiciel de la structure.', engagement: true };
        const created = await api.request('POST', '/api/v1/orientations', { json: body, headers: write });
        assert.equal(created.status, 201, created.text);
        const id = created.json().id;
        assert.equal(created.json().structure_emettrice, sid);
        assert.equal((await api.request('POST', '/api/v1/orientations', { json: body, headers: read })).status, 403);
        const got = await api.get(`/api/v1/orientations/${id}`, { headers: read });
        assert.equal(got.status, 200);
        assert.equal(got.json().historique[0].par, 'API');
        const decide = await api.request('POST', `/api/v1/orientations/${id}/reponse`, { json: { decision: 'acceptee' }, headers: write });
        assert.equal(decide.status, 403, 'the sending structure\'s token may not accept');
    });

    ctx.test('the dashboard and the CSV export of a structure, without the person', async () => {
        const receiver = new h.Client(srv.base);
        await receiver.loginOk(ctx.fixture.spare);
        const inbox = await receiver.get(`/structures/${ctx.fixture.other}/orientations`);
        assert.match(inbox.text, /Tableau de bord des orientations/);
        assert.match(inbox.text, /Taux d&#39;acceptation|Taux d'acceptation/);
        const csv = await receiver.get(`/structures/${ctx.fixture.other}/orientations/export.csv?sens=recues`);
        assert.equal(csv.status, 200);
        assert.match(csv.headers.get('content-type'), /^text\/csv/);
        assert.match(csv.headers.get('content-disposition'), /attachment; filename="orientations-recues-/);
        const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
        assert.equal(lines[0], '"numero";"date_envoi";"structure_emettrice";"destination";"besoins";"statut";"motifs_refus";"date_premiere_reponse";"demo"');
        assert.ok(lines.some((l) => l.startsWith(`"${sent}";`) && l.includes('"acceptee"')), csv.text);
        assert.ok(!csv.text.includes('M. D.') && !csv.text.includes('06 12 34'), 'no personal data in the export');
        const xlsx = await receiver.get(`/structures/${ctx.fixture.other}/orientations/export.xlsx?sens=recues`);
        assert.equal(xlsx.status, 200);
        assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip container');
        assert.ok(xlsx.bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')));
        const bad = await receiver.get(`/structures/${ctx.fixture.other}/orientations/export.csv?sens=tout`);
        assert.equal(bad.status, 400);
        const stranger = new h.Client(srv.base);
        await stranger.loginOk(thirdUser);
        assert.equal((await stranger.get(`/structures/${ctx.fixture.other}/orientations/export.csv`)).status, 403);
    });
    ctx.test('a demo never mails the real address of a lieu: the link goes to the sender', async () => {
        L.query(ctx.db, "INSERT INTO settings (key, value) VALUES ('demo', '1');");
        const demo = await ctx.startServer({ db: ctx.db, env: smtpEnv() });
        try {
            const c = new h.Client(demo.base);
            await c.loginOk(ctx.fixture.users.mediateur);
            const before = count(ctx.db, "SELECT count(*) FROM mail_outbox WHERE to_addr = 'fs-mayenne@exemple.fr';");
            const page = await c.get(`/orientations/nouvelle?lieu=${externalLieu}`);
            const res = await c.request('POST', '/orientations', {
                body: multipart({ _csrf: h.csrf(page.text, '/orientations'), lieu: String(externalLieu), ...referral() }),
            });
            assert.equal(res.status, 303);
            assert.equal(count(ctx.db, "SELECT count(*) FROM mail_outbox WHERE to_addr = 'fs-mayenne@exemple.fr';"), before);
            const notes = await c.get('/notifications');
            const link = notes.text.match(/\/orientations\/lien\/[A-Za-z0-9_-]{43}/);
            assert.ok(link, 'the demo link is in the notifications');
            assert.equal((await new h.Client(demo.base).get(link[0])).status, 200);
            const id = Number(res.location.match(/\/orientations\/(\d+)/)[1]);
            assert.match((await c.get(`/orientations/${id}`)).text, /\(démo\)/);
        } finally {
            L.query(ctx.db, "DELETE FROM settings WHERE key = 'demo';");
        }
    });
}, { server: false });
