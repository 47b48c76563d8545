'use strict';
/*
 * Import and export of lieux through the command line and the API, on both stores: the real v1
 * file of Charente goes in, comes out of /api/v1/lieux/export in the standard, and going back in
 * changes nothing; a broken file reports every rejected row with its line and stores nothing with
 * --all-or-nothing; --dry-run stores nothing.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');

const CHARENTE = path.join(h.ROOT, 'ref/data/lieux/charente-2023-v1.json');

/* A small file of Mayenne: one valid row, a bad postcode, a service outside the vocabulary. */
const header = 'id,pivot,nom,commune,code_postal,code_insee,adresse,complement_adresse,latitude,longitude,typologie,telephone,courriels,site_web,horaires,presentation_resume,presentation_detail,source,itinerance,structure_parente,date_maj,services,publics_specifiquement_adresses,prise_en_charge_specifique,frais_a_charge,dispositif_programmes_nationaux,formations_labels,autres_formations_labels,modalites_acces,modalites_accompagnement,fiche_acces_libre,prise_rdv';
const ok = 'b1,73282932000074,Médiathèque,Laval,53000,53130,Place de la Mairie,,48.07,-0.77,,,,,,,,test,,,2024-04-02,Aide aux démarches administratives,,,,,,,,,,';
const badCp = 'b2,73282932000074,Mairie,Laval,5300,,Rue X,,,,,,,,,,,test,,,2024-04-02,,,,,,,,,,,';
const badService = 'b3,73282932000074,CCAS,Laval,53000,,Rue Y,,,,,,,,,,,test,,,2024-04-02,Numérique,,,,,,,,,,';

function importLieux(db, file, extra = []) {
    return h.cli(['import', 'lieux', file, '--database', db.url, ...extra]);
}

h.forEachStore('lieux import/export', (ctx) => {
    ctx.test('the real Charente file: imported, exported by the API, imported again unchanged', async () => {
        const first = importLieux(ctx.db, CHARENTE);
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, /188 nouveaux lieux/);
        const again = importLieux(ctx.db, CHARENTE);
        assert.match(again.stdout, /0 nouveaux lieux, 0 modifiés, 188 inchangés/);

        // The server's index sees the import within its refresh delay.
        let res;
        for (let i = 0; i < 50; i++) {
            res = await ctx.client().get('/api/v1/lieux/export?format=csv&departement=16');
            if (res.status === 200 && res.text.split('\n').filter(Boolean).length > 188) break;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^text\/csv/);
        assert.match(res.headers.get('content-disposition'), /attachment; filename=".*_lieux-de-mediation-numerique_16\.csv"/);
        const lines = res.text.trim().split(/\r?\n/);
        assert.equal(lines.length, 189, 'header + 188 lieux');
        assert.ok(lines[0].startsWith('"id","pivot","nom","commune","code_postal"'), lines[0]);

        const file = path.join(h.tempDir('export'), 'charente.csv');
        fs.writeFileSync(file, res.text);
        const back = importLieux(ctx.db, file);
        assert.equal(back.code, 0, back.stdout + back.stderr);
        assert.match(back.stdout, /0 nouveaux lieux, 0 modifiés, 188 inchangés/, back.stdout);

        const json = await ctx.client().get('/api/v1/lieux/export?format=json&departement=16');
        assert.equal(json.status, 200);
        const rows = json.json();
        assert.equal(rows.length, 188);
        assert.equal(typeof rows[0].latitude, 'number');
    });

    ctx.test('a broken file: every rejected row named with its line; all-or-nothing stores nothing', async () => {
        const dir = h.tempDir('broken');
        const file = path.join(dir, 'lieux.csv');
        fs.writeFileSync(file, [header, ok, badCp, badService].join('\n') + '\n');
        const rejects = path.join(dir, 'rejets.csv');
        const all = importLieux(ctx.db, file, ['--all-or-nothing', '--rejects', rejects]);
        assert.equal(all.code, 1);
        assert.match(all.stdout, /ligne 3 \(id b2\) : .*code_postal/);
        assert.match(all.stdout, /ligne 4 \(id b3\) : .*Numérique/);
        assert.match(all.stdout, /rien n'est enregistré/);
        const rej = fs.readFileSync(rejects, 'utf8').trim().split(/\r?\n/);
        assert.equal(rej.length, 3, 'header + 2 rejected rows');
        assert.match(rej[0], /"ligne","erreurs"$/);
        const dry = importLieux(ctx.db, file, ['--dry-run']);
        assert.match(dry.stdout, /essai, rien n'est enregistré : 1 nouveaux lieux/);
        const partial = importLieux(ctx.db, file);
        assert.equal(partial.code, 1);
        assert.match(partial.stdout, /enregistré : 1 nouveaux lieux/);
        const latin1 = path.join(dir, 'latin1.csv');
        fs.writeFileSync(latin1, Buffer.concat([Buffer.from(header + '\n'), Buffer.from('b9,73282932000074,M\xe9diath\xe8que,Laval,53000,,Rue Z,,,,,,,,,,,test,,,2024-04-02,,,,,,,,,,,\n', 'latin1')]));
        const enc = importLieux(ctx.db, latin1);
        assert.equal(enc.code, 2);
        assert.match(enc.stderr, /UTF-8/);
    });

    ctx.test('the upload page: a coordinator imports a file, sees each rejected row, downloads them', async () => {
        const coord = await ctx.asRole('coordinateur');
        const page = await coord.get('/lieux/importer');
        assert.equal(page.status, 200);
        const token = h.csrf(page.text, '/lieux/importer');
        const empty = new FormData();
        empty.set('_csrf', token);
        empty.set('departement', '53');
        const none = await coord.request('POST', '/lieux/importer', { body: empty });
        assert.equal(none.status, 400);
        assert.match(none.text, /Choisissez le fichier des lieux/);

        const fd = new FormData();
        fd.set('_csrf', token);
        fd.set('format', 'auto');
        fd.set('departement', '53');
        fd.set('mode', 'valides');
        const csv = [header, ok.replace('b1,', 'web1,'), badCp.replace('b2,', 'web2,'), badService.replace('b3,', 'web3,')].join('\n') + '\n';
        fd.set('fichier', new Blob([csv], { type: 'text/csv' }), 'lieux-53.csv');
        const res = await coord.request('POST', '/lieux/importer', { body: fd });
        assert.equal(res.status, 200, res.text.slice(0, 500));
        assert.match(res.text, /Import enregistré : 1 nouveaux lieux/);
        assert.match(res.text, /web2/);
        assert.match(res.text, /web3/);
        const href = res.text.match(/href="(\/lieux\/importer\/rejets\/[^"]+)"/);
        assert.ok(href, 'a link to the rejected rows');
        const rej = await coord.get(href[1]);
        assert.equal(rej.status, 200);
        assert.match(rej.headers.get('content-type'), /^text\/csv/);
        const lines = rej.text.trim().split(/\r?\n/);
        assert.equal(lines.length, 3);
        assert.match(lines[1], /"web2"/);

        const med = await ctx.asRole('mediateur');
        assert.equal((await med.get('/lieux/importer')).status, 403);
        assert.equal((await med.get(href[1])).status, 403);
    });
});
