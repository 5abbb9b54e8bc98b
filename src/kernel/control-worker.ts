/**
 * The kernel's control thread: heartbeat, the control channel (interrupt, shutdown) and the parent watch run here, so
 * they answer while the main thread is busy in a long synchronous cell.
 *
 * An `interrupt_request` raises the shared interrupt counter (library loops read it between batches), tells the main
 * thread (which ends the cell and stops `model.fit`), and, when the main thread is inside a synchronous cell, sends
 * SIGINT to this process so V8 stops that code (`vm.runInThisContext(..., { breakOnSigint: true })`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { deserialize, newMessage, serialize, type ConnectionInfo, type JsonObject, type JupyterMessage } from '../jupyter/wire.js';
import { bindChannel } from './bind.js';

/** What the main thread passes to the control thread. */
export interface ControlWorkerData {
  connection: ConnectionInfo;
  /** `[0]` interrupt counter, `[1]` 1 while the main thread runs a cell synchronously. */
  shared: SharedArrayBuffer;
  session: string;
  kernelInfo: JsonObject;
  /** Process whose exit ends the kernel (`JPY_PARENT_PID`, else the parent process). */
  parentPid: number;
}

/** Messages from the control thread to the main thread. */
export type ControlEvent =
  | { type: 'interrupt' }
  | { type: 'shutdown'; restart: boolean }
  | { type: 'ready' }
  | { type: 'parent-gone' }
  | { type: 'failed'; message: string };

/** How often the parent is checked; with the main thread's exit (about 0.2 s) the kernel ends within about 0.5 s. */
const PARENT_POLL_MS = 250;
/** How long a main thread busy in a cell may take to exit after the parent died before the process is killed. */
const PARENT_GONE_KILL_MS = 500;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<void> {
  const data = workerData as ControlWorkerData;
  const port = parentPort;
  if (port === null) throw new Error('control-worker: must run as a worker thread of the trainbook kernel');
  const shared = new Int32Array(data.shared);
  const post = (event: ControlEvent): void => port.postMessage(event);

  const heartbeat = new zmq.Reply({ linger: 0 });
  const control = new zmq.Router({ linger: 0 });
  await bindChannel(heartbeat, data.connection, 'hb');
  await bindChannel(control, data.connection, 'control');

  // Exit with the parent: Jupyter (or the runner) died without shutting the kernel down.
  const startPpid = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== startPpid || !isAlive(data.parentPid)) {
      post({ type: 'parent-gone' });
      // The main thread may be blocked in a cell: end the process from here if it does not exit quickly.
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), PARENT_GONE_KILL_MS).unref();
      clearInterval(watch);
    }
  }, PARENT_POLL_MS);

  void (async () => {
    try {
      for await (const frames of heartbeat) await heartbeat.send(frames);
    } catch {
      // Closed at exit.
    }
  })();

  // The main thread asks the control thread to close its sockets before the process exits.
  port.on('message', (message: { type?: string }) => {
    if (message.type !== 'close') return;
    clearInterval(watch);
    heartbeat.close();
    control.close();
    // Give zeromq a moment to finish closing before the thread ends (ending at once can abort the process).
    setTimeout(() => process.exit(0), 100);
  });

  post({ type: 'ready' });
  try {
    await serveControl(control, data, shared, post);
  } catch (error) {
    if (!control.closed) throw error;
  }
}

async function serveControl(control: zmq.Router, data: ControlWorkerData, shared: Int32Array, post: (event: ControlEvent) => void): Promise<void> {
  const { key, signature_scheme: scheme } = data.connection;
  for await (const frames of control) {
    let msg: JupyterMessage;
    try {
      msg = deserialize(frames, key, scheme);
    } catch (error) {
      process.stderr.write(`trainbook kernel: dropped a control message: ${(error as Error).message}\n`);
      continue;
    }
    const reply = (type: string, content: JsonObject): Promise<void> =>
      control.send(serialize(newMessage(type, content, { session: data.session, parent: msg, username: 'kernel' }), key, scheme));
    switch (msg.header.msg_type) {
      case 'interrupt_request': {
        Atomics.add(shared, 0, 1);
        post({ type: 'interrupt' });
        if (Atomics.load(shared, 1) === 1) process.kill(process.pid, 'SIGINT');
        await reply('interrupt_reply', { status: 'ok' });
        break;
      }
      case 'shutdown_request': {
        const restart = msg.content.restart === true;
        await reply('shutdown_reply', { status: 'ok', restart });
        post({ type: 'shutdown', restart });
        setTimeout(() => process.kill(process.pid, 'SIGKILL'), 2000).unref();
        break;
      }
      case 'kernel_info_request':
        await reply('kernel_info_reply', data.kernelInfo);
        break;
      default:
        // debug_request and others: this kernel has no debugger.
        break;
    }
  }
}

main().catch((error: unknown) => {
  // To the main thread, which ends the kernel: a kernel without heartbeat and control must not stay alive.
  parentPort?.postMessage({ type: 'failed', message: (error as Error).message ?? String(error) } satisfies ControlEvent);
});
