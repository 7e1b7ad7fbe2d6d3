// The tiny pages an ack link opens. Opening the link (GET) only shows what it would acknowledge and a
// button: mail and SMS link scanners fetch every link they see, and a GET that acknowledged would let a
// scanner silence a page nobody read. The button POSTs to the same URL; that acknowledges, once.
import { escapeHtml } from './html.ts';

export interface AckPage {
  status: number;
  html: string;
}

const HEAD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>metis-alerts</title></head><body style="font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em">`;
const TAIL = '</body></html>';

export function confirmPage(dedupKey: string, episode: number, expiresAt: Date): AckPage {
  return page(
    200,
    `<h1>Acknowledge this alert?</h1><p><code>${escapeHtml(dedupKey)}</code> (episode ${episode})</p>` +
      `<form method="post"><label>Your name (for the timeline) <input name="name" maxlength="60" autocomplete="name"></label>` +
      `<p><button type="submit">Acknowledge</button></p></form><p>This link works once, until ${expiresAt.toISOString().slice(11, 16)} UTC.</p>`,
  );
}

export function acknowledgedPage(dedupKey: string): AckPage {
  return page(200, `<h1>Acknowledged</h1><p><code>${escapeHtml(dedupKey)}</code>: the incident records your acknowledgement.</p>`);
}

/** The incident is closed, already acknowledged, or at a newer episode: nothing to do, said plainly. */
export function nothingToDoPage(dedupKey: string): AckPage {
  return page(
    200,
    `<h1>Nothing to acknowledge</h1><p><code>${escapeHtml(dedupKey)}</code> is resolved, already acknowledged, or has a newer page.</p>`,
  );
}

export function refusedPage(reason: 'malformed' | 'forged' | 'expired' | 'used'): AckPage {
  switch (reason) {
    case 'expired':
      return page(
        410,
        '<h1>This ack link has expired</h1><p>Acknowledge in your paging tool or with <code>metis-alerts incidents ack</code>.</p>',
      );
    case 'used':
      return page(409, '<h1>This ack link was already used</h1><p>Each link acknowledges once.</p>');
    default:
      return page(403, '<h1>This ack link is not valid</h1>');
  }
}

function page(status: number, body: string): AckPage {
  return { status, html: `${HEAD}${body}${TAIL}` };
}
