// What response stream headers show (RFC 3920 4.4): whether their ids are predictable, and how the
// version the client sent was read. Pure functions over the values, for the judges of verdict/stream.ts.

// Stream ids (4.4): evidence of predictability only; a black box cannot prove unpredictability.

/** A counter or clock: past a common prefix and suffix, numbers moving monotonically by < 2^20 per stream. */
export function counterPattern(ids: string[]): string | undefined {
  if (ids.length < 3) return undefined;
  let pre = 0;
  while (ids.every((i) => i.length > pre && i[pre] === ids[0]![pre])) pre++;
  let suf = 0;
  while (ids.every((i) => i.length - suf > pre && i[i.length - 1 - suf] === ids[0]![ids[0]!.length - 1 - suf])) suf++;
  const cores = ids.map((i) => i.slice(pre, i.length - suf));
  for (const radix of [10, 16]) {
    const re = radix === 10 ? /^\d{1,15}$/ : /^[0-9a-f]{1,13}$/i;
    if (!cores.every((c) => re.test(c))) continue;
    const ns = cores.map((c) => parseInt(c, radix));
    const steps = ns.slice(1).map((n, i) => n - ns[i]!);
    const small = steps.every((d) => Math.abs(d) > 0 && Math.abs(d) < 2 ** 20);
    if (small && (steps.every((d) => d > 0) || steps.every((d) => d < 0))) return `after a common prefix '${ids[0]!.slice(0, pre)}', base-${radix} numbers that move by less than 2^20 per stream`;
  }
  return undefined;
}

/** Heuristic: positions that vary across the ids times log2 of the alphabet they are drawn from. */
export function estimatedBits(ids: string[]): number {
  const len = Math.max(...ids.map((i) => i.length));
  let varying = 0;
  for (let p = 0; p < len; p++) if (new Set(ids.map((i) => i[p] ?? '')).size > 1) varying++;
  const chars = ids.join('');
  const alphabet = /^\d*$/.test(chars) ? 10 : /^[0-9a-f-]*$/.test(chars) || /^[0-9A-F-]*$/.test(chars) ? 16 : /^[0-9a-z]*$/i.test(chars) ? (/[a-z]/.test(chars) && /[A-Z]/.test(chars) ? 62 : 36) : 64;
  return varying * Math.log2(alphabet);
}

/**
 * RFC 3920 4.4.1: "The major and minor numbers MUST be treated as separate integers". What a
 * response version shows about how the receiving entity read the version `sent`: 'integer' when
 * it is the same pair of integers; 'decimal' when it differs as integers but equals it as a
 * decimal number (0.10 answered as 0.1); 'cannot-tell' otherwise (its own version, which a
 * decimal and an integer reading of a lower `sent` both put above it, or no version at all).
 */
export function versionReading(sent: string, answered: string | undefined): { reading: 'integer' | 'decimal' | 'cannot-tell'; why: string } {
  const pair = (v: string) => /^(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number) as [number, number] | undefined;
  const s = pair(sent);
  if (!s) throw new Error(`the scenario's version '${sent}' is not <major>.<minor>`);
  if (answered === undefined) return { reading: 'cannot-tell', why: 'the response header carries no version' };
  const a = pair(answered);
  if (a && a[0] === s[0] && a[1] === s[1]) return { reading: 'integer', why: `answered version='${answered}': major ${a[0]}, minor ${a[1]}, the integers sent` };
  if (Number(answered) === Number(sent)) return { reading: 'decimal', why: `answered version='${answered}' for '${sent}': equal as decimal numbers, but minor ${a?.[1] ?? '?'} is not minor ${s[1]}` };
  return { reading: 'cannot-tell', why: `answered version='${answered}', which is neither '${sent}' nor its decimal reading; how the minor number ${s[1]} was read does not show in it` };
}
