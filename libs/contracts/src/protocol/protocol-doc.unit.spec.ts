import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentActions, customerActions } from './actions.js';
import { ErrorCode } from './errors.js';
import { pushes } from './pushes.js';

const PROTOCOL_DOC = fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url));

/** The names in the first column of the tables of one `## ` section of docs/protocol.md. */
function namesInSection(doc: string, heading: string): string[] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) return [];
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]!);
}

// docs/protocol.md is written by hand; this keeps its tables of actions, pushes and error codes
// in step with the contracts (the AsyncAPI document is generated, so it cannot drift).
describe('docs/protocol.md', () => {
  const doc = readFileSync(PROTOCOL_DOC, 'utf8');

  it('has a row for every customer action and no other', () => {
    expect(namesInSection(doc, 'Customer actions').sort()).toEqual(Object.keys(customerActions).sort());
  });

  it('has a row for every agent action and no other', () => {
    expect(namesInSection(doc, 'Agent actions').sort()).toEqual(Object.keys(agentActions).sort());
  });

  it('has a row for every push and no other', () => {
    expect(namesInSection(doc, 'Pushes').sort()).toEqual(Object.keys(pushes).sort());
  });

  it('has a row for every error code', () => {
    expect(
      namesInSection(doc, 'Errors')
        .filter((name) => ErrorCode.options.includes(name as ErrorCode))
        .sort(),
    ).toEqual([...ErrorCode.options].sort());
  });
});
