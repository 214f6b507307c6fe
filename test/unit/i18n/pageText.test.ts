import assert from 'node:assert/strict';
import path from 'node:path';
import { htmlLiterals, pageLiterals, scriptLiterals } from './pageLiterals';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';

/**
 * Pages whose text is still being moved into catalogues (issue 20): this list only shrinks, and the
 * issue is not done until it is empty.
 */
const UNTRANSLATED: string[] = [];

describe('page text comes from the catalogues', () => {
  it('no page writes a sentence, label or title a person reads as a literal', () => {
    const literals = pageLiterals().filter((l) => !UNTRANSLATED.some((prefix) => l.file.startsWith(prefix)));
    assert.deepEqual(
      literals.map((l) => `${l.file}:${l.line} ${l.text}`),
      [],
      'move these into a catalogue under admin-ui/src/i18n/messages',
    );
  });

  it('the scan finds JSX text, visible attributes, assigned text, dialogs and HTML text', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stagecast-scan-'));
    try {
      const tsx = path.join(dir, 'Sample.tsx');
      writeFileSync(
        tsx,
        [
          'export const A = () => <p title="Close the panel">Hello there</p>;',
          "export const B = (on: boolean) => <p>{on ? 'Switched on' : 'Off'}</p>;",
          "export function c(el: HTMLElement): void { el.textContent = 'Connecting…'; alert('Are you sure?'); }",
          "export const d = 'The stream will start shortly.';",
          "export const e = 'on-air'; export const f = () => { throw new Error('page element missing'); };",
        ].join('\n'),
      );
      const html = path.join(dir, 'page.html');
      writeFileSync(
        html,
        '<title>stagecast</title><button aria-label="Raise hand">✋</button><script>const x = "Not text";</script><p>Loading…</p>',
      );
      assert.deepEqual(
        scriptLiterals(tsx).map((l) => `${l.line} ${l.text}`),
        [
          '1 Close the panel',
          '1 Hello there',
          '2 Switched on',
          '2 Off',
          '3 Connecting…',
          '3 Are you sure?',
          '4 The stream will start shortly.',
        ],
      );
      assert.deepEqual(
        htmlLiterals(html).map((l) => l.text),
        ['Loading…', 'aria-label="Raise hand"'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
