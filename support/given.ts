// `Given` steps establish a precondition (a bound client, a listener, a validated connection).
// When a precondition cannot be established, the requirement under test was never exercised:
// that is "the suite could not decide" (broken), not a verdict against the requirement. This
// wrapper turns a failed expectation inside a Given step into exactly that, with its evidence.
import { Given as CucumberGiven } from '@cucumber/cucumber';
import { ExpectationFailed, Undecided, withoutLevel } from './errors.ts';

type StepFn = (this: never, ...args: never[]) => unknown;

export function Given(pattern: string | RegExp, fn: StepFn): void {
  const wrapped = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      return await (fn as (...a: unknown[]) => unknown).apply(this, args);
    } catch (e) {
      if (e instanceof ExpectationFailed) {
        throw new Undecided(`a precondition could not be established, so the requirement was not exercised: ${withoutLevel(e)}`);
      }
      throw e;
    }
  };
  // cucumber checks a step function's declared arity against the step's arguments
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  CucumberGiven(pattern, wrapped as never);
}
