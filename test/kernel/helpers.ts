/**
 * Test helpers for the trainbook kernel: its kernelspec (built `dist/kernel/main.js`), a temporary Jupyter data dir
 * holding it, and one-off requests on any channel.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { channelUrl, deserialize, newMessage, newSessionId, serialize, type ConnectionInfo, type JsonObject, type JupyterMessage } from '../../src/jupyter/wire.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The kernel under test: this checkout's build, or another one named by TRAINBOOK_KERNEL_MAIN (to compare builds). */
export const kernelMain = process.env.TRAINBOOK_KERNEL_MAIN ?? join(repoRoot, 'dist', 'kernel', 'main.js');

/** Fail early, with what to do, when the kernel has not been built. */
export function requireBuiltKernel(): void {
  if (!existsSync(kernelMain)) throw new Error(`${kernelMain} does not exist: run "npm run build" before the kernel tests`);
}

/** The kernelspec `trainbook install-kernel --kernel trainbook` should write (argv with absolute paths, message interrupts). */
export function trainbookSpec(): KernelSpec {
  requireBuiltKernel();
  return {
    name: 'trainbook',
    resourceDir: join(repoRoot, 'dist', 'kernel'),
    argv: [process.execPath, kernelMain, '--connection-file', '{connection_file}'],
    display_name: 'TypeScript (trainbook)',
    language: 'typescript',
    interrupt_mode: 'message',
    env: {},
    metadata: {},
  };
}

/** A new temporary Jupyter data dir with `kernels/trainbook/kernel.json`; use it as `JUPYTER_PATH`. */
export async function tempJupyterPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trainbook-jupyter-'));
  const spec = trainbookSpec();
  await mkdir(join(dir, 'kernels', 'trainbook'), { recursive: true });
  const json = { argv: spec.argv, display_name: spec.display_name, language: spec.language, interrupt_mode: spec.interrupt_mode, env: {}, metadata: {} };
  await writeFile(join(dir, 'kernels', 'trainbook', 'kernel.json'), JSON.stringify(json, null, 2));
  return dir;
}

/** Send one request on `channel` and resolve with its reply (rejects after `timeoutMs`). */
export async function request(
  connection: ConnectionInfo,
  channel: 'shell' | 'control',
  msgType: string,
  content: JsonObject,
  timeoutMs = 15_000,
): Promise<JupyterMessage> {
  const socket = new zmq.Dealer({ linger: 0, receiveTimeout: timeoutMs });
  try {
    socket.connect(channelUrl(connection, channel));
    const msg = newMessage(msgType, content, { session: newSessionId() });
    await socket.send(serialize(msg, connection.key, connection.signature_scheme));
    for (;;) {
      const reply = deserialize(await socket.receive(), connection.key, connection.signature_scheme);
      if ((reply.parent_header as { msg_id?: string }).msg_id === msg.header.msg_id) return reply;
    }
  } finally {
    socket.close();
  }
}
