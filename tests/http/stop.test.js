'use strict';
/*
 * Graceful stop: SIGTERM while a request is still arriving. The server stops accepting new
 * connections, finishes the request in flight (its answer reaches the client), and exits 0.
 */
const assert = require('node:assert/strict');
const net = require('node:net');
const { describe, it } = require('node:test');
const h = require('./lib/harness');

/* Sends the head and part of the body, and resolves with the whole answer once the socket closes. */
function slowRequest(port, head, first, rest) {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    const answer = new Promise((resolve, reject) => {
        sock.on('data', (c) => chunks.push(c));
        sock.on('error', reject);
        sock.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const connected = new Promise((resolve) => sock.on('connect', resolve));
    return {
        start: async () => {
            await connected;
            sock.write(head + first);
        },
        finish: () => sock.write(rest),
        answer,
    };
}

function refusesConnections(port) {
    return new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => {
            s.destroy();
            resolve(false);
        });
        s.on('error', () => resolve(true));
    });
}

for (const store of h.stores()) {
    describe(`graceful stop [${store}]`, () => {
        it('finishes the request in flight, refuses new connections, exits 0', async () => {
            const db = h.freshDatabase(store);
            const srv = await h.startServer({ db, name: `stop-${store}` });
            const body = 'email=personne%40exemple.fr&password=un-mot-de-passe-quelconque';
            const head = 'POST /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' +
                'Content-Type: application/x-www-form-urlencoded\r\n' +
                `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
            const req = slowRequest(srv.port, head, body.slice(0, 10), body.slice(10));
            await req.start();
            // The server has the head: the request is in flight when the signal arrives.
            await new Promise((r) => setTimeout(r, 200));
            srv.expectedExit = true;
            srv.proc.kill('SIGTERM');
            await new Promise((r) => setTimeout(r, 300));
            assert.equal(srv.exited, null, 'the server must wait for the request in flight');
            assert.ok(await refusesConnections(srv.port), 'new connections must be refused while stopping');
            req.finish();
            const answer = await req.answer;
            // No CSRF token was sent: the answer is the 403 page, complete.
            assert.match(answer, /^HTTP\/1\.1 403 /);
            assert.match(answer, /<\/html>\s*$/);
            const exit = await srv.exitPromise;
            assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}\n${srv.log()}`);
        });
    });
}
