// The three kinds of step, each with the one thing its kind adds to cucumber's own.
//
// `Given` establishes a precondition (a bound client, a listener, a validated connection). When a
// precondition cannot be established, the requirement under test was never exercised: that is
// "the suite could not decide" (broken), not a verdict against the requirement. The wrapper turns
// a failed expectation inside a Given step into exactly that, with its evidence.
//
// `Given` and `When` steps are recorded as they succeed, so that a scenario can be run once more
// from its first step. The first `When` or `Then` that decides does that in one case only: it found
// against the target on a client-to-server scenario in which the target had ended a stream with
// <internal-server-error/> (a When decides where the negotiation itself is under test).
// By its definition (RFC 3920 4.7.3) that condition says the server could not service the stream:
// it answers no input of the scenario, and a verdict drawn from it is about a fault the scenario
// did not provoke. (jabberd2 2.7 keys its client sessions by file descriptor and, now and then,
// delivers a routing error meant for a connection just closed to the next one on the same
// descriptor.) The scenario runs again, on new connections; its second verdict is the verdict,
// whatever it is, and the outcome says that the first attempt was set aside and why. A target that
// answers the scenario's input with <internal-server-error/> does so again, and is judged on it.
import { Given as CucumberGiven, When as CucumberWhen, Then as CucumberThen } from '@cucumber/cucumber';
import { findSourceMap, type SourceMapping } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ExpectationFailed, Undecided, withoutLevel } from './errors.ts';
import { stepTimeoutMs, suiteConfig, type XmppWorld } from './world.ts';

type StepFn = (this: never, ...args: never[]) => unknown;

const HERE = new Set([import.meta.url, fileURLToPath(import.meta.url)]);

/** Where a stack frame's code was written: through the bundle's source map (support/bundle.mjs), else as it runs. */
function sourceOf(f: NodeJS.CallSite): { file: string; line: number; column: number } {
  const file = f.getFileName() ?? '';
  const line = f.getLineNumber() ?? 0;
  const column = f.getColumnNumber() ?? 0;
  const entry: Partial<SourceMapping> | undefined = file && line ? findSourceMap(file)?.findEntry(line - 1, column - 1) : undefined;
  return entry?.originalSource ? { file: entry.originalSource, line: (entry.originalLine ?? 0) + 1, column: (entry.originalColumn ?? 0) + 1 } : { file, line, column };
}

/**
 * Register a step with cucumber as if from the step file that calls Given, When or Then: cucumber
 * takes a definition's file and line from the first stack frame outside itself, which would be
 * this file for every step. The frames of this file are left out of that one stack trace, which
 * names each frame where its code was written (a user's Error.prepareStackTrace replaces Node's
 * source-mapped one, so this one maps them itself).
 */
function fromCaller(register: () => void): void {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (err, frames) => {
    const kept = frames.map((f) => ({ f, at: sourceOf(f) })).filter(({ at }) => !HERE.has(at.file));
    return `${String(err)}\n${kept.map(({ f, at }) => `    at ${f.getFunctionName() ?? '<anonymous>'} (${at.file}:${at.line}:${at.column})`).join('\n')}`;
  };
  try {
    register();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

type Runner = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Keep cucumber's arity check (a step function's declared parameters against the step's arguments). */
function sameArity(wrapped: Runner, fn: StepFn): Runner {
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped;
}

/** Run a Given or When step and, once it has succeeded, record it for a replay. */
function recorded(run: Runner, outer: Runner = run): Runner {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const r = await outer.apply(this, args);
    (this as XmppWorld).script.push({ run, args });
    return r;
  };
}

/**
 * A When or Then step that decides: found against the target after the target ended one of the
 * scenario's client streams with <internal-server-error/>, it runs the scenario's recorded steps
 * again on new connections, then itself once more (the first When or Then that decides, only once).
 */
function replayable(kind: 'When' | 'Then', run: Runner): Runner {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const world = this as XmppWorld;
    if (kind === 'Then') world.thenSteps += 1;
    try {
      return await run.apply(world, args);
    } catch (e) {
      const first = kind === 'When' ? world.thenSteps === 0 : world.thenSteps === 1;
      const ended = e instanceof ExpectationFailed && first ? world.replayableAfterInternalError() : undefined;
      if (!ended) throw e;
      world.outcome(`attempt 1 set aside: the target ended ${ended} with <internal-server-error/> ("the server has experienced ... an otherwise-undefined internal error that prevents it from servicing the stream", RFC 3920 4.7.3), which reports a fault of the server rather than answering the scenario's input; that attempt's judgement was: ${withoutLevel(e as ExpectationFailed).split('\n')[0]}`);
      world.outcome("attempt 2: the scenario runs again from its first step on new connections; its verdict is the verdict (both attempts' transcripts are attached)");
      await world.replay();
      if (kind === 'Then') world.thenSteps = 1;
      return run.apply(world, args);
    }
  };
}

export function Given(pattern: string | RegExp, fn: StepFn): void {
  const run: Runner = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      return await (fn as (...a: unknown[]) => unknown).apply(this, args);
    } catch (e) {
      if (e instanceof ExpectationFailed) {
        throw new Undecided(`a precondition could not be established, so the requirement was not exercised: ${withoutLevel(e)}`);
      }
      throw e;
    }
  };
  fromCaller(() => CucumberGiven(pattern, sameArity(recorded(run), fn) as never));
}

export function When(pattern: string | RegExp, fn: StepFn): void {
  const run: Runner = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return (fn as (...a: unknown[]) => unknown).apply(this, args);
  };
  // a replay runs the scenario's steps once more inside this one (see Then)
  fromCaller(() => CucumberWhen(pattern, { timeout: 3 * stepTimeoutMs(suiteConfig()) }, sameArity(recorded(run, replayable('When', run)), fn) as never));
}

export function Then(pattern: string | RegExp, fn: StepFn): void;
export function Then(pattern: string | RegExp, options: { timeout: number }, fn: StepFn): void;
export function Then(pattern: string | RegExp, a: StepFn | { timeout: number }, b?: StepFn): void {
  const fn = (typeof a === 'function' ? a : b!);
  const own = typeof a === 'function' ? stepTimeoutMs(suiteConfig()) : a.timeout;
  const judge = fn as (...a: unknown[]) => unknown;
  const run: Runner = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return judge.apply(this, args);
  };
// a replay runs the scenario's steps once more inside this one: its bound is three steps' bounds
  // (each wait inside is bounded on its own; this is cucumber's safety net, not a verdict's wait)
  fromCaller(() => CucumberThen(pattern, { timeout: 3 * own }, sameArity(replayable('Then', run), fn) as never));
}
