// One walk over cucumber's message stream: the attachments of one file name, each with the
// scenario it belongs to; attempts that cucumber retried are left out.

interface Message {
  pickle?: { id: string; name: string };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  testCaseFinished?: { testCaseStartedId: string; willBeRetried: boolean };
  attachment?: { testCaseStartedId?: string; fileName?: string; body: string; contentEncoding?: string };
}

export function attachmentsNamed(ndjson: string, fileName: string): Array<{ scenario: string; body: string }> {
  const pickles = new Map<string, string>();
  const cases = new Map<string, string>();
  const started = new Map<string, string>();
  const bodies = new Map<string, string>();
  const retried = new Set<string>();
  for (const line of ndjson.split('\n')) {
    if (!line.includes('"pickle"') && !line.includes('"testCase') && !line.includes(fileName)) continue;
    const m = JSON.parse(line) as Message;
    if (m.pickle) pickles.set(m.pickle.id, m.pickle.name);
    else if (m.testCase) cases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) started.set(m.testCaseStarted.id, m.testCaseStarted.testCaseId);
    else if (m.testCaseFinished?.willBeRetried) retried.add(m.testCaseFinished.testCaseStartedId);
    else if (m.attachment?.fileName === fileName && m.attachment.testCaseStartedId) {
      const a = m.attachment;
      bodies.set(a.testCaseStartedId!, a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body);
    }
  }
  const out: Array<{ scenario: string; body: string }> = [];
  for (const [startedId, body] of bodies) {
    if (retried.has(startedId)) continue;
    out.push({ scenario: pickles.get(cases.get(started.get(startedId) ?? '') ?? '') ?? '?', body });
  }
  return out;
}
