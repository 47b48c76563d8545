'use strict';
/*
 * A small SMTP server for the tests that follow what relais mails (HTTP and browser): it listens
 * on a given port (or a free one), accepts every message ({ from, to: [RCPT lines], data }, the
 * data dot-unstuffed, CRLF kept), keeps them all in `received` and hands them out in order with
 * next(). close() also drops open connections. freePort() gives a port with nothing listening, to
 * play an SMTP server that is down. linkIn() finds a link in a message (soft line breaks of
 * quoted-printable undone), or null.
 */
const net = require('node:net');

function freePort() {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

function smtpServer(port = 0) {
    const messages = [];
    const received = [];
    const waiters = [];
    const sockets = new Set();
    const server = net.createServer((sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        let buf = '';
        let inData = false;
        let msg = { to: [] };
        sock.write('220 test ESMTP\r\n');
        sock.on('data', (chunk) => {
            buf += chunk.toString('utf8');
            for (;;) {
                if (inData) {
                    const end = buf.indexOf('\r\n.\r\n');
                    if (end < 0) return;
                    msg.data = buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
                    buf = buf.slice(end + 5);
                    inData = false;
                    received.push(msg);
                    const w = waiters.shift();
                    if (w) w(msg);
                    else messages.push(msg);
                    msg = { to: [] };
                    sock.write('250 OK\r\n');
                    continue;
                }
                const nl = buf.indexOf('\r\n');
                if (nl < 0) return;
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 2);
                const verb = line.slice(0, 4).toUpperCase();
                if (verb === 'EHLO' || verb === 'HELO') sock.write('250 test\r\n');
                else if (verb === 'MAIL') { msg.from = line; sock.write('250 OK\r\n'); }
                else if (verb === 'RCPT') { msg.to.push(line); sock.write('250 OK\r\n'); }
                else if (verb === 'DATA') { inData = true; sock.write('354 go\r\n'); }
                else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
                else sock.write('250 OK\r\n');
            }
        });
        sock.on('error', () => {});
    });
    return new Promise((resolve) => {
        server.listen(port, '127.0.0.1', () => {
            resolve({
                port: server.address().port,
                next: () => new Promise((r) => (messages.length ? r(messages.shift()) : waiters.push(r))),
                received,
                pending: () => messages.length,
                close: () => {
                    for (const sock of sockets) sock.destroy();
                    return new Promise((r) => server.close(r));
                },
            });
        });
    });
}

/* The first link to pathPrefix in a message body. */
function linkIn(data, pathPrefix) {
    const m = data.replace(/=\r\n/g, '').match(new RegExp(`https?://[^\\s]+${pathPrefix}[A-Za-z0-9_-]*`));
    return m ? new URL(m[0]) : null;
}

module.exports = { smtpServer, freePort, linkIn };
