// One walk over cucumber's message stream (reports/cucumber.ndjson): each scenario attempt that
// counts (attempts cucumber retried are left out) with its pickle, step results, attachments and
// times. compliance.json's scenario results, the run-wide checks and the schema section all read
// it; the last stream walked is kept, so the report walks it once.

interface Ts {
  seconds: number;
  nanos: number;
}
/** milliseconds since the epoch; 0 where a message has no time (hand-made streams in tests) */
const ms = (t: Ts | undefined) => (t ? t.seconds * 1000 + t.nanos / 1e6 : 0);

export interface StepResult {
  status: string;
  message?: string;
  exception?: { type: string; message?: string };
}

interface Envelope {
  pickle?: { id: string; uri: string; name: string; tags: Array<{ name: string }> };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Ts };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Ts; willBeRetried: boolean };
  testStepFinished?: { testCaseStartedId: string; testStepResult: StepResult };
  attachment?: { testCaseStartedId?: string; body: string; fileName?: string; contentEncoding?: string };
}

/** One scenario attempt that counts: its pickle, step results in order, attachments by file name (decoded), start and end (ms). */
export interface ScenarioRun {
  pickle: NonNullable<Envelope['pickle']>;
  steps: StepResult[];
  files: Map<string, string>;
  at: number;
  end?: number;
}

let last: { ndjson: string; runs: ScenarioRun[] } | undefined;

export function scenarioRuns(ndjson: string): ScenarioRun[] {
  if (last?.ndjson === ndjson) return last.runs;
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, string>();
  const started = new Map<string, { pickleId: string; run: Omit<ScenarioRun, 'pickle'>; retried?: boolean }>();
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Envelope;
    if (m.pickle) pickles.set(m.pickle.id, m.pickle);
    else if (m.testCase) cases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) started.set(m.testCaseStarted.id, { pickleId: cases.get(m.testCaseStarted.testCaseId)!, run: { at: ms(m.testCaseStarted.timestamp), steps: [], files: new Map() } });
    else if (m.testStepFinished) started.get(m.testStepFinished.testCaseStartedId)?.run.steps.push(m.testStepFinished.testStepResult);
    else if (m.attachment?.testCaseStartedId && m.attachment.fileName) {
      const a = m.attachment;
      started.get(a.testCaseStartedId!)?.run.files.set(a.fileName!, a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body);
    } else if (m.testCaseFinished) {
      const s = started.get(m.testCaseFinished.testCaseStartedId);
      if (s) {
        s.run.end = ms(m.testCaseFinished.timestamp);
        s.retried = m.testCaseFinished.willBeRetried;
      }
    }
  }
  const runs = [...started.values()].filter((s) => !s.retried && pickles.has(s.pickleId)).map((s) => ({ pickle: pickles.get(s.pickleId)!, ...s.run }));
  last = { ndjson, runs };
  return runs;
}

/** The attachments of one file name, each with the scenario it belongs to. */
export function attachmentsNamed(ndjson: string, fileName: string): Array<{ scenario: string; body: string }> {
  return scenarioRuns(ndjson).flatMap((r) => (r.files.has(fileName) ? [{ scenario: r.pickle.name, body: r.files.get(fileName)! }] : []));
}
