// The backends the backend-sensitive tests run on: wasm (and cpu where a test compares it), plus the native
// `tensorflow` backend that `npx trainbook install-native` builds. Where it is required (CI=true, or
// TRAINBOOK_NATIVE=1, which scripts/setup.sh's install makes the case in CI) a missing build fails the tensorflow
// tests; elsewhere they are skipped, saying how to install it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadNativeBackend, nativeBackendStatus } from '../src/train/native-backend.js';

/** Whether the native backend must be tested here (a missing build is then a failure, not a skip). */
export const NATIVE_REQUIRED = process.env.CI === 'true' || process.env.TRAINBOOK_NATIVE === '1';

/** Whether the native build is installed on this machine. */
export const NATIVE_INSTALLED = nativeBackendStatus().installed;

/** `false` when the tensorflow tests run, else why they are skipped. */
export function skipUnlessNative(): string | false {
  if (NATIVE_INSTALLED || NATIVE_REQUIRED) return false;
  return 'the native backend is not installed (npx trainbook install-native); CI=true makes this a failure';
}

/**
 * Selects `name` as tf.js's backend; for `tensorflow` it loads the native build first (once) and fails, with what to
 * do, when it is not installed.
 */
export async function useBackend(name: string): Promise<void> {
  if (name === 'tensorflow' && tf.findBackendFactory('tensorflow') === null) {
    const status = nativeBackendStatus();
    if (!status.installed) throw new Error(`the tensorflow backend is required here but ${status.reason ?? 'not installed'}`);
    loadNativeBackend(status.packageDir);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
}
