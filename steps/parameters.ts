// Closed vocabularies as parameter types: a misspelt condition or stage fails when the step runs,
// naming what is allowed.
import { defineParameterType } from '@cucumber/cucumber';
import { STREAM_CONDITIONS } from '../support/verdict/stream-error.ts';
import { STAGES, type Stage } from '../support/peer/client.ts';

defineParameterType({
  name: 'conditions',
  regexp: /<[a-z-]+\/>(?: or <[a-z-]+\/>)*/,
  transformer(s: string): string[] {
    const names = [...s.matchAll(/<([a-z-]+)\/>/g)].map((m) => m[1]!);
    const unknown = names.filter((n) => !(STREAM_CONDITIONS as readonly string[]).includes(n));
    if (unknown.length) throw new Error(`unknown stream error condition(s) ${unknown.join(', ')}: RFC 3920 4.7.3 defines ${STREAM_CONDITIONS.join(', ')}`);
    return names;
  },
});

defineParameterType({
  name: 'stage',
  regexp: /"(connected|header|features|tls|sasl|bind|session)"/,
  transformer: (s: string): Stage => s as Stage,
});

defineParameterType({
  name: 'role',
  regexp: /the (client|recipient|second client)/,
  transformer: (s: string): string => (s === 'second client' ? 'second' : s),
});

export { STAGES };
