/**
 * The guard every patch in this folder calls before it touches a dependency's internals.
 *
 * A patch reaches into code its dependency does not promise to keep (a private field, a source
 * text to rewrite, a prototype method). It was written against one exact version; on any other it
 * must refuse loudly, naming itself and both versions, instead of failing somewhere nobody looks.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version field of an installed package's `package.json`, resolved from this library. */
export function installedVersion(packageName: string): string {
  const manifest = require(`${packageName}/package.json`) as { version?: unknown };
  if (typeof manifest.version !== 'string') {
    throw new Error(`${packageName}/package.json has no version field`);
  }
  return manifest.version;
}

/**
 * Throws unless `packageName` is installed at exactly `expected`.
 *
 * @param patch - the patch's name, as it appears in its file name (e.g. `tslab-converter`).
 * @param packageName - the npm package the patch reaches into.
 * @param expected - the version the patch was written and tested against.
 * @param actual - the installed version (read from the package when omitted).
 * @example
 * ```ts
 * assertDependencyVersion('tfjs-fit-interrupt', '@tensorflow/tfjs-layers', '4.22.0');
 * ```
 */
export function assertDependencyVersion(
  patch: string,
  packageName: string,
  expected: string,
  actual: string = installedVersion(packageName),
): void {
  if (actual !== expected) {
    throw new Error(
      `patch ${patch}: written for ${packageName} ${expected}, but ${actual} is installed; ` +
        `check src/patches/${patch}.ts against the new version, then update the version it expects`,
    );
  }
}
