import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertDependencyVersion, installedVersion } from '../../src/patches/dependency-version.js';

test('installedVersion reads the version of an installed package', () => {
  assert.match(installedVersion('@tensorflow/tfjs-core'), /^\d+\.\d+\.\d+/);
});

test('assertDependencyVersion passes on the expected version and names patch and versions otherwise', () => {
  assertDependencyVersion('p', 'tslab', '1.0.22', '1.0.22');
  assert.throws(
    () => assertDependencyVersion('tslab-converter', 'tslab', '1.0.22', '1.0.23'),
    /patch tslab-converter: written for tslab 1\.0\.22, but 1\.0\.23 is installed; check src\/patches\/tslab-converter\.ts/,
  );
});
