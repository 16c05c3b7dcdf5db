// The transcript of one connection, both directions, with timestamps. Every SASL payload and
// every configured secret is redacted *before* it is stored: nothing unredacted is ever kept.
import { NS } from './element.ts';

export type Direction = 'sent' | 'recv' | 'note';

export interface TranscriptLine {
  /** milliseconds since the transcript began */
  t: number;
  dir: Direction;
  text: string;
}

const SASL_PAYLOAD = new Set(['auth', 'response', 'challenge', 'success']);
export const REDACTED = '[redacted]';

/**
 * A streaming redactor: it sees the text in the chunks it travels in, so a SASL element split
 * across two TCP segments is still masked. Character data inside <auth/>, <response/>,
 * <challenge/> and <success/> is replaced by one [redacted] marker per element.
 */
export class Redactor {
  private inPayload = false;
  private marked = false;
  private pendingTag = '';
  /** the end of the last output, held back so that a secret split across chunks is still masked */
  private carry = '';
  private readonly secrets: string[];
  private readonly hold: number;

  constructor(secrets: string[] = []) {
    this.secrets = secrets.filter((x) => x.length >= 3);
    this.hold = Math.max(0, ...this.secrets.map((x) => x.length - 1));
  }

  push(chunk: string): string {
    let out = '';
    let s = this.pendingTag + chunk;
    this.pendingTag = '';
    while (s.length > 0) {
      if (this.inPayload) {
        const lt = s.indexOf('<');
        if (lt < 0) {
          if (!this.marked && s.trim() !== '') {
            out += REDACTED;
            this.marked = true;
          }
          s = '';
          break;
        }
        if (lt > 0 && !this.marked && s.slice(0, lt).trim() !== '') {
          out += REDACTED;
          this.marked = true;
        }
        s = s.slice(lt);
        this.inPayload = false;
      }
      const lt = s.indexOf('<');
      if (lt < 0) {
        out += s;
        break;
      }
      out += s.slice(0, lt);
      const gt = s.indexOf('>', lt);
      if (gt < 0) {
        this.pendingTag = s.slice(lt);
        break;
      }
      const tag = s.slice(lt, gt + 1);
      out += tag;
      s = s.slice(gt + 1);
      const m = /^<([\w.-]+:)?([\w.-]+)[\s/>]/.exec(tag);
      if (m && !tag.endsWith('/>') && SASL_PAYLOAD.has(m[2]!) && !tag.startsWith('</')) {
        // a SASL element of the SASL namespace (declared here or by default on the stream)
        if (tag.includes(NS.sasl) || !/xmlns=/.test(tag)) {
          this.inPayload = true;
          this.marked = false;
        }
      }
    }
    return this.maskSecrets(out, false);
  }

  /** Whatever is held back waiting for the rest of a tag, at the end of the connection. */
  flush(): string {
    const rest = this.pendingTag;
    this.pendingTag = '';
    return this.maskSecrets(rest, true);
  }

  private maskSecrets(s: string, final: boolean): string {
    let out = this.carry + s;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    const keep = final ? 0 : Math.min(this.hold, out.length);
    this.carry = out.slice(out.length - keep);
    return out.slice(0, out.length - keep);
  }
}

export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private readonly start = Date.now();
  private readonly redactors: Record<'sent' | 'recv', Redactor>;

  constructor(
    public readonly label: string,
    secrets: string[] = [],
  ) {
    this.redactors = { sent: new Redactor(secrets), recv: new Redactor(secrets) };
  }

  record(dir: Direction, text: string): void {
    const clean = dir === 'note' ? text : this.redactors[dir].push(text);
    if (clean !== '') this.lines.push({ t: Date.now() - this.start, dir, text: clean });
  }

  note(text: string): void {
    this.record('note', text);
  }

  end(): void {
    for (const dir of ['sent', 'recv'] as const) {
      const rest = this.redactors[dir].flush();
      if (rest) this.lines.push({ t: Date.now() - this.start, dir, text: rest });
    }
  }

  /** `+0.012s C->S <stream:stream ...>`: the form attached to the report. */
  render(): string {
    const arrow: Record<Direction, string> = { sent: 'peer -> target', recv: 'target -> peer', note: '--' };
    return this.lines
      .map((l) => `+${(l.t / 1000).toFixed(3)}s ${arrow[l.dir]} ${l.text}`)
      .join('\n');
  }

  /** Exact bytes as a list of steps, for a reproducer. */
  exchanges(): Array<{ dir: Direction; text: string }> {
    return this.lines.map(({ dir, text }) => ({ dir, text }));
  }
}
