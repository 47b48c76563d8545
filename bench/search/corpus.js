// Builds the search benchmark's corpus from real French text: the shared lieux files (national
// CNFS list, France Services list, Charente and Nouvelle-Calédonie v1 files), the paragraphs of
// Debian's French manual pages (manpages-fr, manpages-fr-dev, read from their roff sources), and,
// to reach the target (the manual pages give about 45,000 paragraphs), the French message
// catalogues of the installed programs (/usr/share/locale/fr).
//
// Usage: node bench/search/corpus.js OUT.tsv [N]    (N documents, default 100000)
//
// One document per line, tab-separated: id, title, description, content, facets, created, views.
// Facets are "name=value" joined with '|'. A man page paragraph is titled "page(section) — heading";
// its description is its first 300 characters (La Base's excerpt) and its content the whole
// paragraph. A lieu is titled "name — commune", described by its services, and its content is its
// address and conditions. Views are drawn from a fixed seed (there is no real figure for them).
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const out = process.argv[2];
const target = Number(process.argv[3] || 100000);
if (!out) {
    console.error('usage: node corpus.js OUT.tsv [N]');
    process.exit(2);
}
const MAN = '/usr/share/man/fr';
const LIEUX = process.env.LIEUX_DIR || '/work/shared/data/lieux';

const sectionLabel = {
    1: 'commandes', 2: 'appels système', 3: 'fonctions de bibliothèque', 4: 'fichiers spéciaux',
    5: 'formats de fichiers', 6: 'jeux', 7: 'divers', 8: 'administration système',
};

let seed = 42;
function rand() {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
}

function clean(s) {
    return s.replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

const named = {
    aq: "'", lq: '“', rq: '”', Fo: '«', Fc: '»', em: '—', en: '–', bu: '•', co: '©', dq: '"',
    oq: '‘', cq: '’', hy: '-', mi: '-', rs: '\\', ti: '~', ha: '^', la: '<', ra: '>',
};

// A named character: a table entry, a Unicode code point (u00E9), or an accented letter ('e, `a,
// ^o, :i, ,c, ~n) as the older French pages write them.
const marks = { "'": '\u0301', '`': '\u0300', '^': '\u0302', ':': '\u0308', ',': '\u0327', '~': '\u0303' };
const ligatures = { oe: 'œ', OE: 'Œ', ae: 'æ', AE: 'Æ', ss: 'ß' };
function namedChar(n) {
    if (/^u[0-9A-Fa-f]{4,5}$/.test(n))
        return String.fromCodePoint(parseInt(n.slice(1), 16));
    if (n.length === 2 && marks[n[0]] && /[A-Za-z]/.test(n[1]))
        return (n[1] + marks[n[0]]).normalize('NFC');
    return ligatures[n] ?? named[n] ?? '';
}

// Text of one roff line, escapes resolved or dropped.
function roffText(s) {
    return s
        .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
        .replace(/\\\[([^\]]*)\]/g, (m, n) => namedChar(n))
        .replace(/\\\((..)/g, (m, n) => namedChar(n))
        .replace(/\\\*(\[[^\]]*\]|\(..|.)/g, (m, n) => (/Aq|aq/.test(n) ? "'" : ''))
        .replace(/\\s[+-]?\d/g, '')
        .replace(/\\[&c%|^:]/g, '')
        .replace(/\\[ 0~]/g, ' ')
        .replace(/\\-/g, '-')
        .replace(/\\e/g, '\\')
        .replace(/\\"/g, '')
        .replace(/\\(.)/g, '$1');
}

function macroArgs(rest) {
    const args = [];
    const re = /"((?:[^"]|"")*)"|(\S+)/g;
    let m;
    while ((m = re.exec(rest)))
        args.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    return args;
}

function* manParagraphs(file, name, sec) {
    const src = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
    let heading = '';
    let para = [];
    let skipDef = false;
    function* flush() {
        const text = clean(para.join(' '));
        para = [];
        if (text.split(' ').length >= 3)
            yield { heading, text };
    }
    for (const line of src.split('\n')) {
        if (skipDef) {
            if (line.startsWith('..'))
                skipDef = false;
            continue;
        }
        if (line.startsWith('.') || line.startsWith("'")) {
            const m = /^[.'](\S*)\s*(.*)$/.exec(line);
            const req = m ? m[1] : '';
            const rest = m ? m[2] : '';
            if (req.startsWith('\\"'))
                continue;
            switch (req) {
            case 'SH':
            case 'SS':
                yield* flush();
                heading = clean(roffText(macroArgs(rest).join(' ')));
                break;
            case 'PP': case 'P': case 'LP': case 'TP': case 'IP': case 'HP': case 'sp':
            case 'TQ':
                yield* flush();
                if (req === 'IP' && rest)
                    para.push(roffText(macroArgs(rest)[0] || ''));
                break;
            case 'B': case 'I': case 'SM': case 'SB':
                para.push(roffText(macroArgs(rest).join(' ')));
                break;
            case 'BR': case 'IR': case 'RB': case 'BI': case 'IB': case 'RI':
                para.push(roffText(macroArgs(rest).join('')));
                break;
            case 'de': case 'de1': case 'ig':
                skipDef = true;
                break;
            default:
                break;
            }
            continue;
        }
        para.push(roffText(line));
    }
    yield* flush();
}

const docs = [];
let nextId = 1;
function add(title, description, content, facets, created) {
    docs.push([nextId++, clean(title), clean(description), clean(content), facets.join('|'),
               created, Math.floor(Math.pow(rand(), 3) * 5000)]);
}

// Lieux first: they are few and all kept.
function lieuFacets(source, services, typ) {
    const f = ['base=lieux', `types=${typ}`, `themes=lieu`, `source=${source}`];
    for (const s of services)
        if (s.trim())
            f.push(`services=${clean(s).replace(/[|=]/g, ' ').slice(0, 150)}`);
    return f;
}
const day = (d) => (d ? Math.floor(Date.parse(d) / 1000) || 0 : 0);
for (const file of ['charente-2023-v1.json', 'nouvelle-caledonie-2023-v1.json',
                    'lieux-cnfs-national-2022-07.json']) {
    const rows = JSON.parse(fs.readFileSync(path.join(LIEUX, file), 'utf8'));
    for (const r of rows) {
        const services = String(r.services || '').split(/\||, (?=[A-ZÉ])/);
        add(`${r.nom} — ${r.commune || ''}`, services.join(', '),
            [r.presentation_resume, r.presentation_detail, r.adresse, r.code_postal, r.commune,
             r.frais_a_charge || r.conditions_access, r.modalites_accompagnement,
             r.labels_nationaux].filter(Boolean).join('. '),
            lieuFacets(file.replace(/\.json$/, ''), services, 'lieu'), day(r.date_maj));
    }
}
{
    const text = fs.readFileSync(path.join(LIEUX, 'france-services-liste-fs-20221201.csv'), 'utf8');
    const lines = text.split('\n');
    const parse = (l) => {
        const out = [];
        const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
        let m;
        while ((m = re.exec(l)) && out.length < 40) {
            out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]);
            if (m[3] === '')
                break;
        }
        return out;
    };
    const head = parse(lines[0]);
    for (const l of lines.slice(1)) {
        if (!l.trim())
            continue;
        const v = parse(l);
        const r = Object.fromEntries(head.map((h, i) => [h, v[i] || '']));
        add(`${r.lib_fs} — ${r.lib_com}`, 'France services : accompagnement aux démarches administratives',
            [r.adresse, r.complement_adresse, r.code_postal, r.lib_com, r.commentaire, r.format_fs,
             r.labellisation].filter(Boolean).join('. '),
            lieuFacets('france-services', ['Aide aux démarches administratives'], 'france_services'),
            0);
    }
}
const nLieux = docs.length;

// Manual pages: sections 1, 5, 7 and 8 whole, then 2 and 3 until the target.
const order = ['1', '5', '7', '8', '4', '6', '2', '3'];
outer: for (const sec of order) {
    const dir = path.join(MAN, `man${sec}`);
    if (!fs.existsSync(dir))
        continue;
    for (const f of fs.readdirSync(dir).sort()) {
        if (!f.endsWith('.gz'))
            continue;
        const name = f.replace(/\.[^.]+\.gz$/, '');
        const full = path.join(dir, f);
        if (fs.lstatSync(full).isSymbolicLink())
            continue;
        for (const p of manParagraphs(full, name, sec)) {
            if (docs.length >= target)
                break outer;
            add(`${name}(${sec}) — ${p.heading}`, p.text.slice(0, 300), p.text,
                ['base=manpages-fr', `types=${sectionLabel[sec] || 'divers'}`,
                 `themes=${p.heading.toLowerCase().replace(/[|=]/g, ' ').slice(0, 60)}`],
                0);
        }
    }
}
const nMan = docs.length - nLieux;

// Then the French message catalogues of the installed programs (real translations, short like a
// resource's title or description), distinct messages of two words or more, until the target.
const MO = '/usr/share/locale/fr/LC_MESSAGES';
const seen = new Set();
outer2: for (const f of fs.existsSync(MO) ? fs.readdirSync(MO).sort() : []) {
    if (docs.length >= target)
        break;
    const b = fs.readFileSync(path.join(MO, f));
    const le = b.readUInt32LE(0) === 0x950412de;
    const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const n = u32(8), tbl = u32(16);
    const domain = f.replace(/\.mo$/, '');
    for (let i = 0; i < n; i++) {
        const len = u32(tbl + i * 8), off = u32(tbl + i * 8 + 4);
        const msg = clean(b.slice(off, off + len).toString('utf8').split('\0')[0]
                              .replace(/%[-0-9.*]*[a-zA-Z]/g, ' '));
        if (msg.split(' ').length < 2 || seen.has(msg))
            continue;
        seen.add(msg);
        if (docs.length >= target)
            break outer2;
        add(`${domain} — message`, msg.slice(0, 300), msg, ['base=messages', `types=${domain}`], 0);
    }
}
if (docs.length < target)
    console.error(`corpus: only ${docs.length} documents`);

const fd = fs.openSync(out, 'w');
for (const d of docs)
    fs.writeSync(fd, d.join('\t') + '\n');
fs.closeSync(fd);
console.error(`corpus: ${docs.length} documents (${nLieux} lieux, ${nMan} paragraphs of manual ` +
              `pages, ${docs.length - nLieux - nMan} program messages) -> ${out}`);
