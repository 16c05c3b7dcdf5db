// The console while the scenarios run (cucumber.mjs names this file as the stdout formatter
// unless --verbose): scenarios done of total, failed so far, elapsed. On a terminal one line
// that updates in place; elsewhere (a pipe, a file, CI=true) a plain line every PROGRESS_EVERY_MS
// and one at the end. Nothing about a single scenario: its evidence is in the reports.
import type { Envelope } from '@cucumber/messages';

/** Errors that are verdicts (the scenario failed); anything else thrown means broken (as in compliance.ts). */
const VERDICT_ERRORS = new Set(['ExpectationFailed', 'AssertionError']);

export class Progress {
  total = 0;
  done = 0;
  failed = 0;
  broken = 0;
  private readonly worst = new Map<string, 'failed' | 'broken'>();
  constructor(readonly startedAt: number) {}

  onEnvelope(e: Envelope): boolean {
    if (e.testCase) this.total++;
    else if (e.testStepFinished) {
      const r = e.testStepFinished.testStepResult;
      const id = e.testStepFinished.testCaseStartedId;
      if (r.status === 'FAILED') {
        const kind = VERDICT_ERRORS.has(r.exception?.type ?? '') ? 'failed' : 'broken';
        if (!this.worst.has(id)) this.worst.set(id, kind);
      } else if (r.status === 'UNDEFINED' || r.status === 'AMBIGUOUS' || r.status === 'PENDING') {
        if (!this.worst.has(id)) this.worst.set(id, 'broken');
      }
    } else if (e.testCaseFinished) {
      const id = e.testCaseFinished.testCaseStartedId;
      const kind = this.worst.get(id);
      this.worst.delete(id);
      if (e.testCaseFinished.willBeRetried) return false;
      this.done++;
      if (kind) this[kind]++;
      return true;
    }
    return false;
  }

  line(now: number): string {
    const s = Math.round((now - this.startedAt) / 1000);
    const elapsed = s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
    return `scenarios ${this.done}/${this.total} done, ${this.failed} failed${this.broken ? `, ${this.broken} broken` : ''}, ${elapsed}`;
  }
}

export const PROGRESS_EVERY_MS = Number(process.env.XMPP_PROGRESS_MS ?? 10_000);

export default {
  type: 'formatter' as const,
  formatter({ on, stream, write }: { on: (key: 'message', handler: (e: Envelope) => void) => void; stream: NodeJS.WritableStream; write: (s: string) => void }) {
    const p = new Progress(Date.now());
    const tty = (stream as NodeJS.WriteStream).isTTY === true && !process.env.CI;
    let shown = '';
    const show = () => {
      const l = p.line(Date.now());
      if (tty) write(`\r\x1b[K${l}`);
      else if (l !== shown) write(`${l}\n`);
      shown = l;
    };
    // a ticker, not a wait: the elapsed time moves on a terminal; in a log, a line now and then
    const timer = setInterval(show, tty ? 1000 : PROGRESS_EVERY_MS);
    timer.unref();
    on('message', (e) => {
      if (p.onEnvelope(e) && tty) show();
      if (e.testRunFinished) {
        clearInterval(timer);
        write(`${tty ? '\r\x1b[K' : ''}${p.line(Date.now())}\n`);
      }
    });
    return () => clearInterval(timer);
  },
};
