// tools/python-logs/generate.py writes the same bytes on every run: what a run prints that differs each time
// (uvicorn's process id and ports, object addresses) is replaced by fixed text, so regenerating the
// fixtures rewrites a file only when Python or a library changes what it prints.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TOOL_DIR = fileURLToPath(new URL('../../../../tools/python-logs/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../fixtures/python-logs/', import.meta.url));

/** normalise() of the generator on each text, run once by the Python that runs it (it needs only the standard library). */
function normalise(...texts: string[]): string[] {
  const script =
    'import json, sys; sys.path.insert(0, sys.argv[1]); from generate import normalise; json.dump([normalise(t) for t in json.load(sys.stdin)], sys.stdout)';
  const run = spawnSync('/usr/bin/python3', ['-c', script, TOOL_DIR], { input: JSON.stringify(texts), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

function logFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? logFiles(path) : name.endsWith('.log') ? [path] : [];
  });
}

const UVICORN_RUN = `INFO:     Started server process [16275]
INFO:     Uvicorn running on http://127.0.0.1:56907 (Press CTRL+C to quit)
INFO:     127.0.0.1:56856 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error
{"locals": {"client": "<Client object at 0x7f8512b69150>", "other": "<Pool at 0x7fca7eba5ad0>", "again": "<Client object at 0x7f8512b69150>"}}
INFO:     Finished server process [16275]
`;

describe('python-logs generator', () => {
  it("replaces uvicorn's process id and ports and numbers object addresses in order, keeping distinct ones distinct", () => {
    expect(normalise(UVICORN_RUN)).toEqual([
      `INFO:     Started server process [1]
INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)
INFO:     127.0.0.1:50000 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error
{"locals": {"client": "<Client object at 0x7f0000000001>", "other": "<Pool at 0x7f0000000002>", "again": "<Client object at 0x7f0000000001>"}}
INFO:     Finished server process [1]
`,
    ]);
  });

  it('leaves what does not vary alone: a normalised text is a fixed point, a traceback line is untouched', () => {
    const traceback =
      'Traceback (most recent call last):\n  File "/app/metis/gateway/db.py", line 12, in insert_event\nKeyError: \'model\'\n';
    const [once] = normalise(UVICORN_RUN);
    expect(normalise(traceback, once!)).toEqual([traceback, once]);
  });

  it('the committed fixtures carry no run-specific process id, port or address', () => {
    const files = logFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(20);
    const texts = files.map((file) => readFileSync(file, 'utf8'));
    const normalised = normalise(...texts);
    for (const [index, file] of files.entries()) expect(normalised[index], file).toBe(texts[index]);
    expect(readFileSync(join(FIXTURES, 'uvicorn-asgi-exception.log'), 'utf8')).toContain('Started server process [1]');
  });
});
