#!/usr/bin/env node
// The installed command, `npx xmpp-conformance` (package.json "bin"): the suite is TypeScript,
// run through tsx, found from this file's own place, so any directory may be the current one.
import { register } from 'tsx/esm/api';

register();
await import('./conformance.ts');
