'use strict';
/*
 * harness: what every HTTP and browser test of Relais needs, and nothing else.
 *
 *  - stores(): the stores to run on ('sqlite', 'postgres'), restricted by RELAIS_TEST_STORES.
 *  - freshDatabase(store): a new empty database (SQLite file in a temp dir, or a new database created
 *    with createdb in a private PostgreSQL cluster: the one of RELAIS_TEST_PG_URL when set, otherwise
 *    one started lazily with tests/pg.sh for this test process and stopped when it exits).
 *  - startServer({db}): `relais serve --port 0` on that database; resolves once the server printed its
 *    listening line; stderr goes to build/test-logs/NAME.log. stop() sends SIGTERM and expects exit 0;
 *    kill9() simulates a crash.
 *  - cli(...) / seed(db): the `relais` command line, and a fixture with one user per role.
 *  - Client: fetch with a cookie jar and redirect: 'manual'; forms() and csrf() read HTML forms.
 *  - raw(): bytes on a socket, for requests that fetch refuses to send (bad UTF-8, lying lengths).
 *  - forEachStore(title, fn): one describe block per store, with a server started before and stopped
 *    after, and a test() whose failures carry the tail of the server's log.
 *
 * No sleeps: readiness is the listening line; process exit is the 'exit' event.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { describe, before, after, it } = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.resolve(ROOT, process.env.RELAIS_BIN || 'build/relais');
const LOG_DIR = path.join(ROOT, 'build', 'test-logs');
const WEB_DIR = path.join(ROOT, 'web', 'dist');
const START_TIMEOUT_MS = Number(process.env.RELAIS_TEST_START_TIMEOUT_MS || 60000);
const PASSWORD = 'Mot-de-passe-solide-2024';
const ROLES = ['anonymous', 'mediateur', 'admin_structure', 'coordinateur', 'admin'];

function stores() {
    const all = ['sqlite', 'postgres'];
    const env = process.env.RELAIS_TEST_STORES;
    if (!env) return all;
    const want = env.split(/[\s,]+/).filter(Boolean);
    for (const s of want) if (!all.includes(s)) throw new Error(`RELAIS_TEST_STORES: unknown store ${s}`);
    return all.filter((s) => want.includes(s));
}

/* ---------- temporary directories and cleanup at exit ---------- */

const cleanups = []; // synchronous functions, run in reverse order at exit
let cleanedUp = false;
function runCleanups() {
    if (cleanedUp) return;
    cleanedUp = true;
    for (const fn of cleanups.reverse()) {
        try {
            fn();
        } catch (e) {
            process.stderr.write(`harness cleanup: ${e.message}\n`);
        }
    }
}
process.on('exit', runCleanups);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
        runCleanups();
        process.exit(128 + (os.constants.signals[sig] || 1));
    });
}

/* A temp dir that user postgres can traverse (pg.sh needs the parent of its DIR to be 755). */
function tempDir(prefix) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `relais-${prefix}-`));
    fs.chmodSync(d, 0o755);
    if (!process.env.RELAIS_TEST_KEEP) cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
    return d;
}

/* ---------- PostgreSQL ---------- */

let pgCluster = null; // { host, user, bindir }

function pgBindir() {
    const base = '/usr/lib/postgresql';
    const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(a) - Number(b)) : [];
    if (!versions.length) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
    return path.join(base, versions[versions.length - 1], 'bin');
}

function parsePgUrl(url) {
    const m = url.match(/^postgres(?:ql)?:\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/);
    if (!m) throw new Error(`not a PostgreSQL URL: ${url}`);
    const q = new URLSearchParams(m[3] || '');
    const auth = m[1].includes('@') ? m[1].split('@')[0] : '';
    return {
        host: q.get('host') || m[1].replace(/^.*@/, '').replace(/:\d+$/, ''),
        user: q.get('user') || auth.split(':')[0] || 'relais',
        db: decodeURIComponent(m[2] || '') || 'relais',
    };
}

function pgUrl(host, user, db) {
    return `postgresql:///${db}?host=${host}&user=${user}`;
}

function ensurePgCluster() {
    if (pgCluster) return pgCluster;
    const shared = process.env.RELAIS_TEST_PG_URL;
    if (shared) {
        const p = parsePgUrl(shared);
        pgCluster = { host: p.host, user: p.user, bindir: pgBindir() };
        return pgCluster;
    }
    const parent = tempDir('pg');
    const dir = path.join(parent, 'pg');
    const r = spawnSync('sh', [path.join(ROOT, 'tests', 'pg.sh'), 'start', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tests/pg.sh start failed:\n${r.stderr}`);
    cleanups.push(() => spawnSync('sh', [path.join(ROOT, 'tests', 'pg.sh'), 'stop', dir]));
    const p = parsePgUrl(r.stdout.trim());
    pgCluster = { host: p.host, user: p.user, bindir: pgBindir() };
    return pgCluster;
}

let dbCounter = 0;

/* A new, empty database: { store, url, dir }. */
function freshDatabase(store) {
    dbCounter++;
    if (store === 'sqlite') {
        const dir = tempDir('db');
        return { store, url: `sqlite:${path.join(dir, 'relais.db')}`, dir };
    }
    if (store === 'postgres') {
        const c = ensurePgCluster();
        const name = `t_${process.pid}_${dbCounter}_${Date.now() % 100000}`;
        const r = spawnSync(path.join(c.bindir, 'createdb'), ['-h', c.host, '-U', c.user, name], {
            encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
        return { store, url: pgUrl(c.host, c.user, name), name };
    }
    throw new Error(`unknown store ${store}`);
}

/* Runs SQL through psql on a PostgreSQL test database (diagnostics only). */
function psql(db, sql) {
    const c = ensurePgCluster();
    const p = parsePgUrl(db.url);
    const r = spawnSync(path.join(c.bindir, 'psql'), ['-h', p.host, '-U', p.user, '-d', p.db, '-XAtc', sql], {
        encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout;
}

/* ---------- the relais command line ---------- */

function cli(args, { stdin, env } = {}) {
    const r = spawnSync(BIN, args, {
        input: stdin ?? '',
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: 120000,
    });
    if (r.error) throw new Error(`relais ${args.join(' ')}: ${r.error.message}`);
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function cliOk(args, opts) {
    const r = cli(args, opts);
    if (r.code !== 0) {
        throw new Error(`relais ${args.join(' ')} exited ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r.stdout;
}

/* The last integer printed by a create command (the new id). */
function printedId(out, what) {
    const m = out.match(/(\d+)\s*$/);
    if (!m) throw new Error(`${what}: expected an id on stdout, got ${JSON.stringify(out)}`);
    return Number(m[1]);
}

function createStructure(db, { name, departement = '53', siret } = {}) {
    const args = ['structure', 'create', '--database', db.url, '--name', name, '--departement', departement];
    if (siret) args.push('--siret', siret);
    return printedId(cliOk(args), 'structure create');
}

let userCounter = 0;
function createUser(db, { role, structure, departement, email, name, password = PASSWORD }) {
    userCounter++;
    email = email || `${role}-${process.pid}-${userCounter}@example.org`;
    name = name || `Test ${role} ${userCounter}`;
    const args = ['user', 'create', '--database', db.url, '--email', email, '--name', name, '--password-stdin'];
    if (role) args.push('--role', role);
    if (structure !== undefined) args.push('--structure', String(structure));
    if (departement) args.push('--departement', departement);
    const id = printedId(cliOk(args, { stdin: `${password}\n` }), 'user create');
    return { id, email, name, password, role };
}

/*
 * The standard fixture: a structure (and a second one), one user per role, plus a spare user that
 * admin actions may act on. Structures and users are made through the CLI, which also migrates.
 */
function seed(db) {
    cliOk(['migrate', '--database', db.url]);
    const structure = createStructure(db, { name: 'Espace numérique de Laval', departement: '53' });
    const other = createStructure(db, { name: 'Médiathèque de Mayenne', departement: '53' });
    const users = {
        mediateur: createUser(db, { role: 'mediateur', structure, departement: '53' }),
        admin_structure: createUser(db, { role: 'admin_structure', structure, departement: '53' }),
        coordinateur: createUser(db, { role: 'coordinateur', departement: '53' }),
        admin: createUser(db, { role: 'admin' }),
    };
    const spare = createUser(db, { role: 'mediateur', structure: other, departement: '53' });
    return { structure, other, users, spare };
}

/* ---------- the server ---------- */

let serverCounter = 0;

function logName(name) {
    return String(name).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
}

function tail(file, lines = 80) {
    try {
        const all = fs.readFileSync(file, 'utf8').split('\n');
        return all.slice(-lines).join('\n');
    } catch {
        return '(no log)';
    }
}

/*
 * Starts `relais serve` on db. Resolves to a server object once the listening line is printed.
 * opts: { db, name, args: [...extra], env: {...} }.
 */
function startServer({ db, name = 'server', args = [], env = {} }) {
    if (!fs.existsSync(BIN)) throw new Error(`${BIN} does not exist: run make build (or set RELAIS_BIN)`);
    serverCounter++;
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const logFile = path.join(LOG_DIR, `${logName(name)}-${process.pid}-${serverCounter}.log`);
    const dataDir = db.dataDir || (db.dataDir = tempDir('data'));
    const argv = ['serve', '--database', db.url, '--bind', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
        '--web-dir', WEB_DIR, ...args];
    const logFd = fs.openSync(logFile, 'a');
    fs.writeSync(logFd, `$ ${BIN} ${argv.join(' ')}\n`);
    const proc = spawn(BIN, argv, { stdio: ['ignore', 'pipe', logFd], env: { ...process.env, ...env } });
    fs.closeSync(logFd);

    const srv = {
        proc,
        db,
        logFile,
        name,
        port: 0,
        base: '',
        exited: null, // { code, signal } once the process is gone
        expectedExit: false,
        stdout: '',
        log: () => tail(logFile),
    };
    const killAtExit = () => {
        if (!srv.exited) proc.kill('SIGKILL');
    };
    cleanups.push(killAtExit);
    const exitPromise = new Promise((resolve) => {
        proc.on('exit', (code, signal) => {
            srv.exited = { code, signal };
            resolve(srv.exited);
        });
    });
    srv.exitPromise = exitPromise;

    /* SIGTERM, then wait for the process; a graceful stop exits 0. */
    srv.stop = async () => {
        if (srv.exited) return srv.killed ? srv.exited : srv.checkExit();
        srv.expectedExit = true;
        proc.kill('SIGTERM');
        let timer;
        const timeout = new Promise((resolve) => {
            timer = setTimeout(() => resolve(null), 30000);
        });
        const r = await Promise.race([exitPromise, timeout]);
        clearTimeout(timer);
        if (!r) {
            proc.kill('SIGKILL');
            await exitPromise;
            throw new Error(`${name}: did not stop within 30 s of SIGTERM\n--- ${logFile} ---\n${srv.log()}`);
        }
        return srv.checkExit();
    };
    srv.checkExit = () => {
        const e = srv.exited;
        if (e.code !== 0) {
            throw new Error(`${name}: exited ${e.code ?? e.signal} after SIGTERM (expected 0)\n--- ${logFile} ---\n${srv.log()}`);
        }
        return e;
    };
    srv.kill9 = async () => {
        srv.expectedExit = true;
        srv.killed = true;
        if (!srv.exited) proc.kill('SIGKILL');
        return exitPromise;
    };

    return new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => {
            if (done) return;
            done = true;
            proc.kill('SIGKILL');
            reject(new Error(`${name}: no listening line within ${START_TIMEOUT_MS} ms\n--- ${logFile} ---\n${srv.log()}`));
        }, START_TIMEOUT_MS);
        proc.stdout.setEncoding('utf8');
        proc.stdout.on('data', (chunk) => {
            srv.stdout += chunk;
            if (done) return;
            const m = srv.stdout.match(/^relais: listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/m);
            if (m) {
                done = true;
                clearTimeout(timer);
                srv.base = m[1];
                srv.port = Number(m[2]);
                resolve(srv);
            }
        });
        exitPromise.then((e) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            reject(new Error(`${name}: exited ${e.code ?? e.signal} before listening\nstdout: ${srv.stdout}\n--- ${logFile} ---\n${srv.log()}`));
        });
    });
}

/* ---------- HTTP: cookie jar client ---------- */

function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
        const l = e.toLowerCase();
        if (l === 'amp') return '&';
        if (l === 'lt') return '<';
        if (l === 'gt') return '>';
        if (l === 'quot') return '"';
        if (l === 'apos' || l === '#39') return "'";
        if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16));
        return String.fromCodePoint(parseInt(l.slice(1), 10));
    });
}

function attrs(tag) {
    const out = {};
    const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    const inner = tag.replace(/^<\s*[a-zA-Z0-9-]+/, '').replace(/\/?>$/, '');
    let m;
    while ((m = re.exec(inner))) {
        out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    }
    return out;
}

/*
 * Every <form> of an HTML page: { action, method, fields: {name: value}, html }.
 * fields holds inputs (text, hidden, checked boxes), textareas and the selected (or first) option.
 */
function forms(html) {
    const out = [];
    const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
    let m;
    while ((m = re.exec(html))) {
        const open = m[0].match(/^<form\b[^>]*>/i)[0];
        const a = attrs(open);
        const body = m[1];
        const fields = {};
        for (const t of body.match(/<input\b[^>]*>/gi) || []) {
            const ia = attrs(t);
            if (!ia.name) continue;
            const type = (ia.type || 'text').toLowerCase();
            if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
            if ((type === 'checkbox' || type === 'radio') && !('checked' in ia)) continue;
            fields[ia.name] = ia.value ?? '';
        }
        for (const t of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
            const ia = attrs(`<textarea${t[1]}>`);
            if (ia.name) fields[ia.name] = decodeEntities(t[2]);
        }
        for (const t of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
            const ia = attrs(`<select${t[1]}>`);
            if (!ia.name) continue;
            const opts = [...t[2].matchAll(/<option\b[^>]*>/gi)].map((o) => attrs(o[0]));
            const sel = opts.find((o) => 'selected' in o) || opts[0];
            if (sel) fields[ia.name] = sel.value ?? '';
        }
        out.push({ action: a.action ?? '', method: (a.method || 'get').toLowerCase(), enctype: a.enctype, fields, html: m[0] });
    }
    return out;
}

/* The _csrf value of the first form that has one (or of the form whose action matches). */
function csrf(html, action) {
    const fs_ = forms(html).filter((f) => f.fields._csrf !== undefined);
    const f = action ? fs_.find((x) => x.action === action) || fs_[0] : fs_[0];
    return f ? f.fields._csrf : null;
}

class Client {
    constructor(base) {
        this.base = base;
        this.cookies = new Map(); // name -> { value, attrs: {lowercased: value}, raw }
        this.defaultHeaders = {};
    }

    cookieHeader() {
        return [...this.cookies.entries()].map(([k, v]) => `${k}=${v.value}`).join('; ');
    }

    setCookie(name, value) {
        this.cookies.set(name, { value, attrs: {}, raw: `${name}=${value}` });
    }

    absorb(res) {
        const list = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
        for (const raw of list) {
            const parts = raw.split(';').map((s) => s.trim());
            const eq = parts[0].indexOf('=');
            const name = parts[0].slice(0, eq);
            const value = parts[0].slice(eq + 1);
            const a = {};
            for (const p of parts.slice(1)) {
                const i = p.indexOf('=');
                if (i < 0) a[p.toLowerCase()] = true;
                else a[p.slice(0, i).toLowerCase()] = p.slice(i + 1);
            }
            const expired =
                (a['max-age'] !== undefined && Number(a['max-age']) <= 0) ||
                (a.expires !== undefined && Date.parse(a.expires) < Date.now()) ||
                value === '';
            if (expired) this.cookies.delete(name);
            else this.cookies.set(name, { value, attrs: a, raw });
        }
    }

    /*
     * request(method, path, { headers, body, form, json, multipart }) → a Response whose text is
     * already read (res.text is a string, res.json() parses it lazily).
     */
    async request(method, p, opts = {}) {
        const headers = { ...this.defaultHeaders, ...(opts.headers || {}) };
        let body = opts.body;
        if (opts.form !== undefined) {
            body = new URLSearchParams(opts.form).toString();
            headers['content-type'] = headers['content-type'] || 'application/x-www-form-urlencoded';
        } else if (opts.json !== undefined) {
            body = JSON.stringify(opts.json);
            headers['content-type'] = headers['content-type'] || 'application/json';
        }
        const cookie = this.cookieHeader();
        if (cookie && opts.cookies !== false) headers.cookie = cookie;
        const url = p.startsWith('http') ? p : this.base + p;
        const res = await fetch(url, { method, headers, body, redirect: 'manual' });
        this.absorb(res);
        const buf = Buffer.from(await res.arrayBuffer());
        const text = buf.toString('utf8');
        return {
            status: res.status,
            headers: res.headers,
            location: res.headers.get('location'),
            text,
            bytes: buf,
            json() {
                try {
                    return JSON.parse(text);
                } catch (e) {
                    throw new Error(`${method} ${p}: not JSON (${res.status}): ${text.slice(0, 300)}`);
                }
            },
            url,
            method,
        };
    }

    get(p, opts) {
        return this.request('GET', p, opts);
    }

    post(p, form, opts = {}) {
        return this.request('POST', p, { ...opts, form });
    }

    /* GET then follow local redirects (up to 5). */
    async follow(p, opts) {
        let res = await this.get(p, opts);
        for (let i = 0; i < 5 && res.status >= 300 && res.status < 400 && res.location; i++) {
            const u = new URL(res.location, this.base + '/');
            if (u.origin !== new URL(this.base).origin) break;
            res = await this.get(u.pathname + u.search);
        }
        return res;
    }

    /* The session-bound CSRF token, read from a page with a form (default: the account page). */
    async csrfToken(page = '/compte') {
        const res = await this.get(page);
        const t = csrf(res.text);
        if (!t) throw new Error(`no _csrf input on ${page} (status ${res.status})`);
        return t;
    }

    /* Logs in through the form. Returns the POST response (expected: 303). */
    async login(user, { retour } = {}) {
        const page = await this.get(retour ? `/connexion?retour=${encodeURIComponent(retour)}` : '/connexion');
        let f = forms(page.text).find((x) => x.fields._csrf !== undefined && 'password' in x.fields) ||
            forms(page.text).find((x) => x.fields._csrf !== undefined);
        if (!f && page.status === 303 && this.cookies.has('relais_session')) {
            // Already signed in: /connexion redirects; post the form with the session's token.
            f = { fields: { _csrf: await this.csrfToken('/compte'), retour: retour } };
            if (retour === undefined) delete f.fields.retour;
        }
        if (!f) throw new Error(`GET /connexion: no login form with _csrf (status ${page.status})`);
        const res = await this.post('/connexion', { ...f.fields, email: user.email, password: user.password });
        return res;
    }

    async loginOk(user, opts) {
        const res = await this.login(user, opts);
        if (res.status !== 303 || !this.cookies.has('relais_session')) {
            throw new Error(`login as ${user.email}: expected 303 with relais_session, got ${res.status} ${res.location || ''}\n${res.text.slice(0, 500)}`);
        }
        return res;
    }
}

/*
 * Sends raw bytes on a socket and parses the response. Tolerates the server closing early.
 * With body (a Buffer) set, data is the head only: body is sent after a "100 Continue", and not at
 * all when the server answers with a final status first (Expect: 100-continue, as curl does).
 */
function raw(port, data, { timeoutMs = 20000, body = null } = {}) {
    return new Promise((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1');
        let chunks = [];
        let finished = false;
        let bodySent = body === null;
        const finish = (err) => {
            if (finished) return;
            finished = true;
            clearTimeout(timer);
            sock.destroy();
            const buf = Buffer.concat(chunks);
            if (!buf.length) return reject(err || new Error('raw: no response'));
            const s = buf.toString('latin1');
            const headEnd = s.indexOf('\r\n\r\n');
            const head = headEnd < 0 ? s : s.slice(0, headEnd);
            const lines = head.split('\r\n');
            const m = lines[0].match(/^HTTP\/1\.[01] (\d{3})/);
            if (!m) return reject(new Error(`raw: bad status line ${JSON.stringify(lines[0])}`));
            const headers = {};
            for (const l of lines.slice(1)) {
                const i = l.indexOf(':');
                if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
            }
            const rest = headEnd < 0 ? Buffer.alloc(0) : buf.subarray(headEnd + 4);
            resolve({ status: Number(m[1]), headers, text: rest.toString('utf8'), bytes: rest, bodySent });
        };
        const timer = setTimeout(() => finish(new Error('raw: timeout')), timeoutMs);
        sock.on('data', (d) => {
            chunks.push(d);
            let all = Buffer.concat(chunks);
            let s = all.toString('latin1');
            // An interim "100 Continue": drop it and send the body.
            if (!bodySent && /^HTTP\/1\.1 100 /.test(s) && s.includes('\r\n\r\n')) {
                all = all.subarray(s.indexOf('\r\n\r\n') + 4);
                chunks = all.length ? [all] : [];
                s = all.toString('latin1');
                bodySent = true;
                sock.write(body, () => {});
            }
            const he = s.indexOf('\r\n\r\n');
            if (he >= 0 && !/^HTTP\/1\.1 100 /.test(s)) {
                const cl = s.slice(0, he).match(/\r\ncontent-length:\s*(\d+)/i);
                if (cl && all.length >= he + 4 + Number(cl[1])) finish();
            }
        });
        sock.on('end', () => finish());
        sock.on('close', () => finish());
        sock.on('error', (e) => {
            // EPIPE/ECONNRESET while we were still writing: the server may have answered already.
            if (chunks.length) finish();
            else finish(e);
        });
        sock.write(data, () => {});
    });
}

/*
 * A raw HTTP/1.1 request with a body and Connection: close. expectContinue: send the head with
 * "Expect: 100-continue" and the body only if the server asks for it.
 */
function rawRequest(port, method, p, { headers = {}, body = Buffer.alloc(0), expectContinue = false } = {}) {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
    let head = `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
    // A header set to null is left out; Transfer-Encoding replaces Content-Length.
    const names = Object.keys(headers).map((k) => k.toLowerCase());
    const hasLength = names.includes('content-length') || names.includes('transfer-encoding');
    for (const [k, v] of Object.entries(headers)) if (v !== null && v !== undefined) head += `${k}: ${v}\r\n`;
    if (!hasLength && (b.length || method === 'POST')) head += `Content-Length: ${b.length}\r\n`;
    if (expectContinue) head += 'Expect: 100-continue\r\n';
    head += '\r\n';
    const h = Buffer.from(head, 'latin1');
    if (expectContinue) return raw(port, h, { body: b });
    return raw(port, Buffer.concat([h, b]));
}

/* `relais routes`: [{ method, pattern, access }], one per method. */
function routes() {
    const out = cliOk(['routes']);
    const list = [];
    for (const line of out.split('\n')) {
        const t = line.trim();
        if (!t) continue;
        const parts = t.split(/\s+/);
        if (parts.length < 3) throw new Error(`relais routes: unexpected line ${JSON.stringify(line)}`);
        for (const m of parts[0].split(/[,|]/)) list.push({ method: m.toUpperCase(), pattern: parts[1], access: parts[2] });
    }
    return list;
}

/* A pattern with its parameter names erased: /structures/{id} and /structures/{sid} compare equal. */
function shape(pattern) {
    return pattern.replace(/\{[^}*]*(\*?)\}/g, '{$1}');
}

/* ---------- suites ---------- */

/*
 * One describe block per store. setup(ctx) runs in before(): by default it makes a fresh database,
 * seeds it and starts a server (ctx.db, ctx.fixture, ctx.server). The body receives ctx and registers
 * tests with ctx.test(name, fn), whose errors carry the tail of every server log of the suite.
 */
function forEachStore(title, body, { seed: doSeed = true, server: doServer = true, serverArgs = [] } = {}) {
    for (const store of stores()) {
        describe(`${title} [${store}]`, () => {
            const ctx = { store, servers: [] };
            ctx.startServer = async (opts) => {
                const s = await startServer({ name: `${title}-${store}`, ...opts });
                ctx.servers.push(s);
                return s;
            };
            ctx.client = (server = ctx.server) => new Client(server.base);
            ctx.asRole = async (role, server = ctx.server) => {
                const c = new Client(server.base);
                if (role !== 'anonymous') await c.loginOk(ctx.fixture.users[role]);
                return c;
            };
            before(async () => {
                ctx.db = freshDatabase(store);
                if (doSeed) ctx.fixture = seed(ctx.db);
                if (doServer) ctx.server = await ctx.startServer({ db: ctx.db, args: serverArgs });
            });
            after(async () => {
                const errors = [];
                for (const s of ctx.servers) {
                    try {
                        await s.stop();
                    } catch (e) {
                        errors.push(e);
                    }
                }
                if (errors.length) throw errors[0];
            });
            ctx.test = (name, fn, opts) =>
                it(name, opts || {}, async (t) => {
                    try {
                        await fn(t);
                    } catch (e) {
                        const logs = ctx.servers
                            .map((s) => {
                                const state = s.exited && !s.expectedExit ? ` (EXITED UNEXPECTEDLY: ${s.exited.code ?? s.exited.signal})` : '';
                                return `--- ${s.logFile}${state} ---\n${tail(s.logFile, 40)}`;
                            })
                            .join('\n');
                        if (e && typeof e === 'object' && logs) {
                            try {
                                e.message = `${e.message}\n${logs}`;
                            } catch {
                                /* read-only message */
                            }
                        }
                        throw e;
                    }
                });
            body(ctx);
        });
    }
}

module.exports = {
    ROOT,
    BIN,
    WEB_DIR,
    LOG_DIR,
    PASSWORD,
    ROLES,
    stores,
    tempDir,
    freshDatabase,
    psql,
    cli,
    cliOk,
    createStructure,
    createUser,
    seed,
    startServer,
    Client,
    forms,
    csrf,
    attrs,
    decodeEntities,
    raw,
    rawRequest,
    routes,
    shape,
    forEachStore,
    tail,
};
