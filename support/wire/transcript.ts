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
  private readonly secrets: string[];

  constructor(secrets: string[] = []) {
    this.secrets = secrets.filter((x) => x.length >= 3);
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
    return maskSecrets(out, this.secrets);
  }

  /** Whatever is held back waiting for the rest of a tag, at the end of the connection. */
  flush(): string {
    const rest = this.pendingTag;
    this.pendingTag = '';
    return maskSecrets(rest, this.secrets);
  }
}

function maskSecrets(s: string, secrets: string[]): string {
  let out = s;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * A secret can also straddle two lines (two TCP segments). Before any line leaves the
 * transcript, each direction's lines are read as one text and every occurrence is masked in
 * the lines it spans.
 */
function maskAcrossLines(lines: TranscriptLine[], secrets: string[]): TranscriptLine[] {
  const out = lines.map((l) => ({ ...l }));
  for (const dir of ['sent', 'recv'] as const) {
    const idx = out.map((l, i) => (l.dir === dir ? i : -1)).filter((i) => i >= 0);
    const text = idx.map((i) => out[i]!.text).join('');
    const masked = new Uint8Array(text.length);
    let any = false;
    for (const secret of secrets) {
      for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
        masked.fill(1, at, at + secret.length);
        any = true;
      }
    }
    if (!any) continue;
    let pos = 0;
    for (const i of idx) {
      const t = out[i]!.text;
      let rebuilt = '';
      for (let k = 0; k < t.length; k++) {
        if (!masked[pos + k]) rebuilt += t[k];
        else if (k === 0 || !masked[pos + k - 1]) rebuilt += REDACTED;
      }
      pos += t.length;
      out[i]!.text = rebuilt;
    }
  }
  return out;
}

export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private readonly start = Date.now();
  /** when the connection began (epoch ms): orders the connections of a scenario in a reproducer */
  get startedAt(): number {
    return this.start;
  }
  private readonly redactors: Record<'sent' | 'recv', Redactor>;

  private readonly secrets: string[];

  constructor(
    public readonly label: string,
    secrets: string[] = [],
  ) {
    this.secrets = secrets.filter((x) => x.length >= 3);
    this.redactors = { sent: new Redactor(secrets), recv: new Redactor(secrets) };
  }

  /** characters kept per connection: a hostile target cannot make the report unbounded */
  static maxChars = 256 * 1024;
  private kept = 0;
  private dropped = 0;

  record(dir: Direction, text: string): void {
    const clean = dir === 'note' ? text : this.redactors[dir].push(text);
    if (clean === '') return;
    if (this.kept + clean.length > Transcript.maxChars && dir !== 'note') {
      const room = Math.max(0, Transcript.maxChars - this.kept);
      if (room > 0) this.lines.push({ t: Date.now() - this.start, dir, text: clean.slice(0, room) });
      this.kept += room;
      this.dropped += clean.length - room;
      return;
    }
    this.kept += clean.length;
    this.lines.push({ t: Date.now() - this.start, dir, text: clean });
  }

  note(text: string): void {
    this.record('note', text);
  }

  end(): void {
    if (this.dropped) this.note(`${this.dropped} more characters not recorded (transcript limit ${Transcript.maxChars})`);
    this.dropped = 0;
    for (const dir of ['sent', 'recv'] as const) {
      const rest = this.redactors[dir].flush();
      if (rest) this.lines.push({ t: Date.now() - this.start, dir, text: rest });
    }
  }

  /** Everything the other side wrote on this connection, as text: the 'recv' lines (redacted, within the limit). */
  received(): string {
    return this.lines.filter((l) => l.dir === 'recv').map((l) => l.text).join('');
  }

  /** `+0.012s C->S <stream:stream ...>`: the form attached to the report. */
  render(): string {
    const arrow: Record<Direction, string> = { sent: 'peer -> target', recv: 'target -> peer', note: '--' };
    return maskAcrossLines(this.lines, this.secrets)
      .map((l) => `+${(l.t / 1000).toFixed(3)}s ${arrow[l.dir]} ${l.text}`)
      .join('\n');
  }

  /** Exact bytes as a list of steps, for a reproducer. */
  exchanges(): Array<{ dir: Direction; text: string }> {
    return maskAcrossLines(this.lines, this.secrets).map(({ dir, text }) => ({ dir, text }));
  }
}
