import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { routeTslabDisplay, type TslabDisplayData } from '../../src/patches/tslab-display.js';

const require = createRequire(import.meta.url);

test("tslab's display API writes through the routed function", () => {
  const sent: [TslabDisplayData, boolean][] = [];
  routeTslabDisplay((data, update) => sent.push([data, update]));
  const tslab = require('tslab') as { display: { html(s: string): void } };
  tslab.display.html('<b>hi</b>');
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]?.[0].data, { 'text/html': '<b>hi</b>' });
  assert.equal(sent[0]?.[1], false);
});
