'use strict';
/*
 * The search of resources gives the same answers on SQLite and on PostgreSQL: the same resources
 * are imported into a new database of each store, a server is started on each, and the same
 * queries (words, a typo, missing accents, a synonym, an elision, filters, sorts, an empty query)
 * must give the same resources in the same order (documents of equal score in any order), the same
 * totals and the same facet counts.
 *
 * The resources are the demo's, plus one per real lieu of Charente (ref/data/lieux, the national
 * open data): its name as title, its services as description, its typologie as tags.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');

const QUERIES = [
    'numérique',
    'demarches administratives', // no accents
    'mediatheque',
    'médiathèqe', // a typo
    'courriel', // a synonym of e-mail
    "l'emploi", // an elision
    'accompagnement insertion professionnelle',
    'hameçonnage',
    '',
    'cognac',
    '"aide aux démarches"',
];

function corpus() {
    const demo = JSON.parse(fs.readFileSync(path.join(h.ROOT, 'demo/ressources.json'), 'utf8'));
    const lieux = JSON.parse(fs.readFileSync(path.join(h.ROOT, 'ref/data/lieux/charente-2023-v1.json'), 'utf8'));
    const fromLieux = lieux.slice(0, 80).map((l, i) => ({
        id: `charente-${i}-${l.id}`,
        title: l.nom,
        description: `${l.commune} : ${String(l.services || '').split('|').join(', ')}`.slice(0, 500),
        tags: String(l.typologie || '').split('|').filter((t) => t).slice(0, 3),
        themes: ['maitrise_des_outils_numeriques'],
        base: 'Lieux de Charente',
    }));
    return [...demo, ...fromLieux];
}

async function answers(store, file) {
    const db = h.freshDatabase(store);
    h.cliOk(['import', 'ressources', file, '--database', db.url]);
    const srv = await h.startServer({ db, name: `ressources-stores-${store}` });
    try {
        const c = new h.Client(srv.base);
        const out = [];
        for (const q of QUERIES) {
            for (const extra of ['', '&tri=recentes', '&tri=az', '&tri=recommandees', '&themes=maitrise_des_outils_numeriques']) {
                const r = await c.get(`/api/v1/ressources?q=${encodeURIComponent(q)}&limite=200${extra}`);
                assert.equal(r.status, 200, `${store} ${q}${extra}: ${r.text.slice(0, 300)}`);
                const j = r.json();
                // Documents of equal rank may come in either order: the ranking is compared as
                // its successive groups of equal score (relevance), the other sorts as sets.
                const groups = [];
                for (const d of j.data) {
                    const key = extra === '' || extra.startsWith('&themes') ? d.score.toFixed(6) : '';
                    if (!groups.length || groups[groups.length - 1].key !== key) groups.push({ key, ids: [] });
                    groups[groups.length - 1].ids.push(d.id);
                }
                for (const g of groups) g.ids.sort();
                out.push({
                    query: q + extra,
                    ranking: groups,
                    total: j.total,
                    facettes: j.facettes,
                    requete_comprise: j.requete_comprise,
                });
            }
        }
        return out;
    } finally {
        await srv.stop();
    }
}

test('the search of resources answers the same on SQLite and PostgreSQL', async (t) => {
    const stores = h.stores();
    if (stores.length < 2) {
        t.skip(`only ${stores.join(', ')} is tested (RELAIS_TEST_STORES)`);
        return;
    }
    const dir = h.tempDir('ressources-stores');
    const file = path.join(dir, 'ressources.json');
    fs.writeFileSync(file, JSON.stringify(corpus()));
    const sqlite = await answers('sqlite', file);
    const postgres = await answers('postgres', file);
    // The queries find something, so that equal answers mean something.
    assert.ok(sqlite.filter((a) => a.total > 0).length >= QUERIES.length * 4, JSON.stringify(sqlite.map((a) => [a.query, a.total])));
    assert.ok(sqlite.find((a) => a.query === 'médiathèqe').total > 0, 'the typo finds the médiathèques');
    assert.ok(sqlite.find((a) => a.query === 'courriel').total > 0, 'the synonym finds something');
    for (let i = 0; i < sqlite.length; i++) assert.deepEqual(postgres[i], sqlite[i], sqlite[i].query);
});
