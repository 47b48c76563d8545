'use strict';
/*
 * browser: Debian's Chromium driven by playwright-core, and the checks every page gets: axe-core
 * (serious and critical violations fail), horizontal scrolling at a phone's width.
 */
const path = require('node:path');
const { chromium } = require('playwright-core');

const AXE = require.resolve('axe-core/axe.min.js');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function launch() {
    return chromium.launch({
        executablePath: process.env.RELAIS_CHROMIUM || '/usr/bin/chromium',
        args: ARGS,
        headless: true,
    });
}

/*
 * Runs axe-core in the page; returns the serious and critical violations as readable lines.
 * The context must be created with bypassCSP: true (the page's CSP forbids injected scripts).
 */
async function axeViolations(page) {
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!hasAxe) await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        }));
    });
    return result
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`);
}

/* Elements wider than the viewport, when the page scrolls horizontally; [] when it does not. */
async function horizontalOverflow(page) {
    return page.evaluate(() => {
        const doc = document.documentElement;
        const width = doc.clientWidth;
        if (doc.scrollWidth <= width) return [];
        const out = [`scrollWidth ${doc.scrollWidth} > ${width}`];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
                const id = el.id ? `#${el.id}` : '';
                const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
                out.push(`${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(r.right)})`);
                if (out.length > 6) break;
            }
        }
        return out;
    });
}

/* Same-origin links of the page's header, navigation and footer (paths with their query). */
async function navigationLinks(page, base) {
    const hrefs = await page.evaluate(() =>
        [...document.querySelectorAll('header a[href], nav a[href], footer a[href]')].map((a) => a.href));
    const origin = new URL(base).origin;
    const out = new Set();
    for (const href of hrefs) {
        const u = new URL(href);
        if (u.origin !== origin) continue;
        if (u.pathname.startsWith('/static/') || u.pathname === '/deconnexion') continue;
        out.add(u.pathname + u.search);
    }
    return [...out];
}

/* Logs in through the form, as a person would. Resolves once the dashboard is shown. */
async function login(page, base, user) {
    await page.goto(`${base}/connexion`);
    await page.fill('form[action="/connexion"] input[name="email"]', user.email);
    await page.fill('form[action="/connexion"] input[name="password"]', user.password);
    await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/tableau-de-bord'),
        page.click('form[action="/connexion"] [type="submit"]'),
    ]);
}

module.exports = { launch, axeViolations, horizontalOverflow, navigationLinks, login, AXE, ROOT: path.resolve(__dirname, '..', '..', '..') };
