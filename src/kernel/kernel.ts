/**
 * The trainbook Jupyter kernel: tslab's TypeScript compiler and cell semantics behind a complete Jupyter protocol
 * (messaging spec 5.3) — `execute_input`, rich `execute_result`, `error` with cell line numbers, history, comm_info,
 * `is_complete` with `invalid`, display ids, `clear_output`, `stop_on_error` without tslab's 200 ms abort window, and
 * interrupts that stop training loops and `model.fit`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { newDisplayId, setDisplaySink, type DisplaySink, type MimeBundle } from '../display/sink.js';
import {
  deserialize,
  newMessage,
  newSessionId,
  serialize,
  type ConnectionInfo,
  type JsonObject,
  type JsonValue,
  type JupyterMessage,
} from '../jupyter/wire.js';
import { SendQueue } from '../jupyter/send-queue.js';
import type { ControlEvent, ControlWorkerData } from './control-worker.js';
import { ts } from './converter.js';
import { CellExecutor, isCompleteCode } from './executor.js';
import { removeAddedProcessListeners, snapshotProcessListeners } from '../patches/emscripten-listeners.js';
import { patchLoadedLayers } from '../patches/tfjs-layers-fit.js';
import { routeTslabDisplay } from '../patches/tslab-display.js';
import { installInterruptState, interruptCount, requestInterrupt } from '../runtime/interrupt.js';
import { mimeBundle } from './mime.js';
import { isTfjsBanner, startAccelerator, usesTfjs } from './tfjs.js';
import { bindChannel } from './bind.js';

/** Version of the trainbook package (the kernel's implementation version). */
function packageVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  try {
    return (JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** `kernel_info_reply` content. */
export function kernelInfo(): JsonObject {
  return {
    status: 'ok',
    protocol_version: '5.3',
    implementation: 'trainbook',
    implementation_version: packageVersion(),
    language_info: {
      name: 'typescript',
      version: ts.version,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      codemirror_mode: { name: 'javascript', typescript: true },
    },
    banner: `trainbook kernel ${packageVersion()}: TypeScript ${ts.version} (tslab 1.0.22 compiler) on Node.js ${process.version}`,
    help_links: [
      { text: 'TensorFlow.js API', url: 'https://js.tensorflow.org/api/latest/' },
      { text: 'tslab', url: 'https://github.com/yunabe/tslab' },
    ],
    debugger: false,
  };
}

/** One history entry: `[session, line, input]` or with output `[session, line, [input, output]]`. */
interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

type StreamName = 'stdout' | 'stderr';
type Write = typeof process.stdout.write;

const originalStderrWrite = process.stderr.write.bind(process.stderr) as (text: string) => boolean;
const originalExit = process.exit.bind(process) as (code?: number) => never;

/**
 * How many iopub messages the kernel keeps while no client has subscribed yet (the newest are kept). A client whose
 * subscription reaches the kernel after its first request (a slow joiner: jupyter console on a loaded machine) still
 * gets that request's outputs and its `idle` status, which it waits for.
 */
const HELD_IOPUB_MAX = 1000;

/** Stream text waits at most this long before it is sent (writes closer together go out as one message). */
const STREAM_FLUSH_MS = 20;
const originalStdoutWrite = process.stdout.write.bind(process.stdout) as (text: string) => boolean;

function reportSendFailure(error: Error): void {
  originalStderrWrite(`trainbook kernel: send failed: ${error.message}\n`);
}

/** Options for {@link Kernel.start}. */
export interface KernelOptions {
  /** Parsed connection file. */
  connection: ConnectionInfo;
  /** Folder cells run in (the notebook's). @default process.cwd() */
  rootDir?: string;
  /** Process whose death ends the kernel. @default JPY_PARENT_PID, else the parent process */
  parentPid?: number;
}

/**
 * A running trainbook kernel bound to the ports of its connection file.
 *
 * PyTorch: none (ipykernel's `IPythonKernel`).
 */
export class Kernel {
  private readonly session = newSessionId();
  private readonly kernelId = this.session.slice(0, 8);
  private readonly shell = new zmq.Router({ linger: 0 });
  // sendTimeout 0: outputs leave inside send(), also from a loop that never yields to the event loop (XPUB drops
  // rather than blocks when a subscriber is slow, as ipykernel's iopub does).
  private readonly iopub = new zmq.XPublisher({ linger: 0, sendTimeout: 0 });
  private readonly stdin = new zmq.Router({ linger: 0 });
  private readonly shellSend = new SendQueue(this.shell, reportSendFailure);
  private readonly iopubSend = new SendQueue(this.iopub, reportSendFailure, true);
  private readonly shared = new SharedArrayBuffer(8);
  private readonly flags = new Int32Array(this.shared);
  private readonly executor: CellExecutor;
  private readonly queue: JupyterMessage[] = [];
  private pumping = false;
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly historySession = 1;
  /** The request whose outputs streams and displays belong to (the last execute request). */
  private parent: JupyterMessage | undefined;
  private readonly pendingStreams: { name: StreamName; text: string }[] = [];
  private flushScheduled = false;
  /** `performance.now()` of the last stream flush. */
  private lastFlush = 0;
  /** Whether an execute request is running (errors outside one are kept for the next cell). */
  private executing = false;
  /** Errors thrown while no cell ran (a timer after its cell ended), shown at the start of the next cell's output. */
  private readonly idleErrors: string[] = [];
  private tfjsStarted = false;
  /** Whether any client has subscribed to iopub yet; until then messages wait in {@link heldIopub}. */
  private iopubSubscribed = false;
  private readonly heldIopub: Buffer[][] = [];
  private worker: Worker | undefined;
  private closing = false;

  private constructor(
    private readonly connection: ConnectionInfo,
    private readonly rootDir: string,
    private readonly parentPid: number,
  ) {
    installInterruptState(new Int32Array(this.shared, 0, 1));
    this.executor = new CellExecutor(rootDir, {
      onRequire: (id, exports) => this.afterRequire(id, exports),
      onSyncRun: (running) => Atomics.store(this.flags, 1, running ? 1 : 0),
      onAwait: () => this.flushIfDue(),
    });
  }

  /**
   * Start a kernel: bind its sockets, start the control thread, route output, install the display functions.
   *
   * @example
   * const kernel = await Kernel.start({ connection: await readConnectionFile(path) });
   */
  static async start(options: KernelOptions): Promise<Kernel> {
    const envParent = Number(process.env.JPY_PARENT_PID);
    const parentPid = options.parentPid ?? (Number.isInteger(envParent) && envParent > 0 ? envParent : process.ppid);
    const kernel = new Kernel(options.connection, options.rootDir ?? process.cwd(), parentPid);
    await kernel.bind();
    return kernel;
  }

  private async bind(): Promise<void> {
    this.installProcessGuards();
    this.installOutput();
    this.installDisplay();
    await bindChannel(this.iopub, this.connection, 'iopub');
    // Held until the first client subscribes (see HELD_IOPUB_MAX); a new subscriber's first message is iopub_welcome.
    this.publish('status', { execution_state: 'starting' }, undefined);
    void this.subscriptionLoop();
    await bindChannel(this.shell, this.connection, 'shell');
    await bindChannel(this.stdin, this.connection, 'stdin');
    await this.startControlThread();
    void this.shellLoop();
    // Once the first requests (kernel_info) are answered, warm the compiler so the first cell runs at full speed.
    setTimeout(() => this.executor.warmUp(), 20);
  }

  private async startControlThread(): Promise<void> {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const data: ControlWorkerData = {
      connection: this.connection,
      shared: this.shared,
      session: this.session,
      kernelInfo: kernelInfo(),
      parentPid: this.parentPid,
    };
    const worker = new Worker(new URL(`./control-worker${ext}`, import.meta.url), { workerData: data });
    this.worker = worker;
    // Without its control thread the kernel has no heartbeat and no interrupt: it ends (before or after starting),
    // rather than looking alive and answering nothing.
    const lost = (why: string): void => {
      if (this.closing) return;
      originalStderrWrite(`${why}\n`);
      this.exit(1);
    };
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (event: ControlEvent) => {
        if (event.type === 'ready') {
          ready = true;
          resolve();
        } else if (event.type === 'failed') {
          if (ready) lost(`trainbook kernel: the control thread failed: ${event.message}`);
          else reject(new Error(event.message));
        } else this.onControlEvent(event);
      });
      worker.on('error', (error) => {
        if (ready) lost(`trainbook kernel: the control thread failed: ${error.stack ?? error.message}`);
        else reject(error);
      });
      worker.on('exit', (code) => {
        const why = `trainbook kernel: the control thread (heartbeat, control channel) ended with code ${code}`;
        if (ready) lost(why);
        else reject(new Error(why));
      });
    });
    worker.unref();
  }

  private onControlEvent(event: ControlEvent): void {
    if (event.type === 'interrupt') this.interrupt(true);
    else if (event.type === 'shutdown' || event.type === 'parent-gone') this.exit(0);
  }

  /** Interrupt the running cell and the work it started (training loops, model.fit). */
  interrupt(alreadyCounted = false): void {
    requestInterrupt(alreadyCounted);
    this.executor.interrupt();
  }

  private exit(code: number): void {
    if (this.closing) return;
    this.closing = true;
    this.flushStreams();
    try {
      this.executor.close();
    } catch {
      // Exiting anyway.
    }
    // Let queued iopub frames go out, stop the control thread (its sockets), then end the process. The main thread's
    // sockets are left to process.exit: closing them while their receive loops wait can abort the process in
    // zeromq's native code ("terminate called after throwing an instance of 'Napi::Error'").
    setTimeout(() => {
      const done = (): never => originalExit(code);
      setTimeout(done, 1000).unref();
      const worker = this.worker;
      if (worker === undefined) done();
      else {
        worker.once('exit', done);
        worker.postMessage({ type: 'close' });
      }
    }, 50);
  }

  // --- process guards ---

  private installProcessGuards(): void {
    process.on('uncaughtException', (error) => this.strayError('Uncaught exception outside the cell', error));
    process.on('unhandledRejection', (reason) => this.strayError('Unhandled promise rejection', reason));
    // interrupt_mode "signal" (and Ctrl-C in a terminal): SIGINT outside a synchronous cell.
    process.on('SIGINT', () => this.interrupt(false));
    // Jupyter's last resort before SIGKILL: send what was printed, then end.
    process.on('SIGTERM', () => this.exit(143));
    // A cell's process.exit(n): send what was printed, stop the control thread, end with code n. Calling the real
    // process.exit from a cell would end the process while zeromq's threads run (a native abort, output lost).
    const exitFromCell = (code?: string | number | null): never => {
      const asked = code === undefined || code === null ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : Number(code);
      this.exit(Number.isInteger(asked) ? asked : 1);
      const error = new Error(`process.exit(${asked}) was called: the kernel exits with code ${asked}`);
      error.name = 'SystemExit';
      throw error;
    };
    process.exit = exitFromCell;
  }

  /** An error no cell caught: into the running cell's output, or (while idle) the kernel's log and the next cell. */
  private strayError(what: string, error: unknown): void {
    let text: string;
    try {
      text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : inspect(error);
    } catch {
      text = '(a value that cannot be shown)';
    }
    const message = `${what} (the kernel keeps running): ${text}\n`;
    if (this.executing) {
      this.writeStream('stderr', message);
    } else {
      originalStderrWrite(`trainbook kernel: ${message}`);
      this.idleErrors.push(`${what} while no cell was running (the kernel keeps running): ${text}\n`);
    }
  }

  // --- output routing ---

  private installOutput(): void {
    const route = (name: StreamName): Write =>
      ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (this.parent === undefined || this.closing) {
          (name === 'stdout' ? originalStdoutWrite : originalStderrWrite)(text);
        } else if (!(name === 'stderr' && isTfjsBanner(text))) {
          this.writeStream(name, text);
        }
        const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
        if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
        return true;
      }) as Write;
    process.stdout.write = route('stdout');
    process.stderr.write = route('stderr');
  }

  private writeStream(name: StreamName, text: string): void {
    if (text === '') return;
    const last = this.pendingStreams[this.pendingStreams.length - 1];
    if (last !== undefined && last.name === name) last.text += text;
    else this.pendingStreams.push({ name, text });
    // Send at once when the last send is a while ago (a loop that never yields to the event loop still streams);
    // otherwise gather what a burst of writes prints into one message.
    if (performance.now() - this.lastFlush >= STREAM_FLUSH_MS) this.flushStreams();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushStreams());
    }
  }

  /** Send pending stream text if the last send is at least {@link STREAM_FLUSH_MS} ago (called after each await). */
  private flushIfDue(): void {
    if (this.pendingStreams.length > 0 && performance.now() - this.lastFlush >= STREAM_FLUSH_MS) this.flushStreams();
  }

  private flushStreams(): void {
    this.flushScheduled = false;
    if (this.pendingStreams.length > 0) this.lastFlush = performance.now();
    const parent = this.parent;
    for (const { name, text } of this.pendingStreams.splice(0)) {
      this.sendIopub('stream', { name, text }, parent);
    }
  }

  private sendIopub(msgType: string, content: JsonObject, parent: JupyterMessage | undefined): void {
    const msg = newMessage(msgType, content, { session: this.session, username: 'kernel', ...(parent ? { parent } : {}) });
    msg.identities = [Buffer.from(`kernel.${this.kernelId}.${msgType}`)];
    const frames = serialize(msg, this.connection.key, this.connection.signature_scheme);
    if (this.iopubSubscribed) void this.iopubSend.send(frames);
    else {
      // ZeroMQ drops what is published before anyone subscribed: keep it for the first subscriber.
      this.heldIopub.push(frames);
      if (this.heldIopub.length > HELD_IOPUB_MAX) this.heldIopub.shift();
    }
  }

  /** Publish on iopub after any pending stream text, so outputs keep their order. */
  private publish(msgType: string, content: JsonObject, parent: JupyterMessage | undefined): void {
    this.flushStreams();
    this.sendIopub(msgType, content, parent);
  }

  private reply(request: JupyterMessage, msgType: string, content: JsonObject): Promise<void> {
    const msg = newMessage(msgType, content, { session: this.session, username: 'kernel', parent: request });
    return this.shellSend.send(serialize(msg, this.connection.key, this.connection.signature_scheme));
  }

  /** JEP 65: answer each new iopub subscription with `iopub_welcome`, so clients know they are connected. */
  private async subscriptionLoop(): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (frame === undefined || frame[0] !== 1) continue;
        const topic = frame.subarray(1).toString('utf8');
        const msg = newMessage('iopub_welcome', { subscription: topic }, { session: this.session, username: 'kernel' });
        msg.identities = topic === '' ? [] : [Buffer.from(topic)];
        void this.iopubSend.send(serialize(msg, this.connection.key, this.connection.signature_scheme));
        if (!this.iopubSubscribed) {
          this.iopubSubscribed = true;
          for (const frames of this.heldIopub.splice(0)) void this.iopubSend.send(frames);
        }
      }
    } catch (error) {
      if (!this.closing) originalStderrWrite(`trainbook kernel: iopub subscription loop ended: ${(error as Error).message}\n`);
    }
  }

  // --- display ---

  private displaySink(): DisplaySink {
    return {
      name: 'trainbook',
      multiMime: true,
      rich: true,
      display: (bundle: MimeBundle, displayId?: string) => {
        this.publish('display_data', { data: bundle, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, this.parent);
      },
      update: (bundle: MimeBundle, displayId: string) => {
        this.publish('update_display_data', { data: bundle, metadata: {}, transient: { display_id: displayId } }, this.parent);
      },
    };
  }

  private installDisplay(): void {
    const sink = this.displaySink();
    setDisplaySink(sink);
    // tslab's display API (`import * as tslab from "tslab"`) writes through this hook.
    routeTslabDisplay((data, update) => {
      this.publish(update ? 'update_display_data' : 'display_data', { metadata: {}, transient: {}, ...(data as JsonObject) }, this.parent);
    });
    const define = (name: string, value: unknown): void => this.executor.defineGlobal(name, value);
    define('display', (value: unknown, options: { displayId?: string | true } = {}): string | undefined => {
      const id = options.displayId === true ? newDisplayId() : options.displayId;
      sink.display(mimeBundle(value), id);
      return id;
    });
    define('updateDisplay', (value: unknown, options: { displayId: string }): void => {
      if (typeof options?.displayId !== 'string') {
        throw new Error(`updateDisplay: options.displayId is ${JSON.stringify(options?.displayId)}, expected the id display() returned`);
      }
      sink.update(mimeBundle(value), options.displayId);
    });
    define('clearOutput', (options: { wait?: boolean } = {}): void => {
      this.publish('clear_output', { wait: options.wait === true }, this.parent);
    });
  }

  /**
   * After a cell's `require`: patch any new tfjs-layers copy. (The cell library's display helpers need nothing here:
   * every copy of it reads the sink from the runtime's shared registry, where `installDisplay` put it.)
   */
  private afterRequire(_id: string, exports: unknown): unknown {
    patchLoadedLayers();
    return exports;
  }

  // --- shell ---

  private async shellLoop(): Promise<void> {
    try {
      for await (const frames of this.shell) {
        let msg: JupyterMessage;
        try {
          msg = deserialize(frames, this.connection.key, this.connection.signature_scheme);
        } catch (error) {
          originalStderrWrite(`trainbook kernel: dropped a shell message: ${(error as Error).message}\n`);
          continue;
        }
        if (msg.header.msg_type === 'execute_request' || msg.header.msg_type === 'history_request') {
          this.queue.push(msg);
          void this.pump();
        } else {
          await this.handleNow(msg);
        }
      }
    } catch (error) {
      if (!this.closing) originalStderrWrite(`trainbook kernel: shell loop ended: ${(error as Error).message}\n`);
    }
  }

  /** Requests answered at once, even while a cell awaits. */
  private async handleNow(msg: JupyterMessage): Promise<void> {
    const type = msg.header.msg_type;
    this.publish('status', { execution_state: 'busy' }, msg);
    try {
      switch (type) {
        case 'kernel_info_request':
          await this.reply(msg, 'kernel_info_reply', kernelInfo());
          break;
        case 'is_complete_request': {
          const result = isCompleteCode(String(msg.content.code ?? ''));
          await this.reply(msg, 'is_complete_reply', result.indent === undefined ? { status: result.status } : { status: result.status, indent: result.indent });
          break;
        }
        case 'complete_request': {
          const code = String(msg.content.code ?? '');
          const cursor = Number(msg.content.cursor_pos ?? code.length);
          const info = this.executor.complete(code, cursor);
          await this.reply(msg, 'complete_reply', { status: 'ok', matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} });
          break;
        }
        case 'inspect_request': {
          const code = String(msg.content.code ?? '');
          const cursor = Number(msg.content.cursor_pos ?? code.length);
          const text = this.executor.inspect(code, cursor);
          await this.reply(msg, 'inspect_reply', { status: 'ok', found: text !== undefined, data: text === undefined ? {} : { 'text/plain': text }, metadata: {} });
          break;
        }
        case 'comm_info_request':
          await this.reply(msg, 'comm_info_reply', { status: 'ok', comms: {} });
          break;
        case 'comm_open':
          // No comm targets: close the comm, as ipykernel does for unknown targets.
          this.publish('comm_close', { comm_id: String(msg.content.comm_id ?? ''), data: {} }, msg);
          break;
        case 'comm_msg':
        case 'comm_close':
          break;
        case 'shutdown_request': {
          const restart = msg.content.restart === true;
          await this.reply(msg, 'shutdown_reply', { status: 'ok', restart });
          this.publish('status', { execution_state: 'idle' }, msg);
          this.exit(0);
          return;
        }
        case 'interrupt_request':
          this.interrupt(false);
          await this.reply(msg, 'interrupt_reply', { status: 'ok' });
          break;
        default:
          originalStderrWrite(`trainbook kernel: unsupported request ${type}, ignored\n`);
      }
    } catch (error) {
      originalStderrWrite(`trainbook kernel: ${type} failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    this.publish('status', { execution_state: 'idle' }, msg);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let msg = this.queue.shift(); msg !== undefined; msg = this.queue.shift()) {
        if (msg.header.msg_type === 'history_request') {
          this.publish('status', { execution_state: 'busy' }, msg);
          await this.reply(msg, 'history_reply', { status: 'ok', history: this.historyFor(msg.content) });
          this.publish('status', { execution_state: 'idle' }, msg);
          continue;
        }
        await this.execute(msg);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * After a failed cell with `stop_on_error`, before its reply: abort the execute requests the client sent before it
   * could see the failure (queued), and no later ones (no time window, unlike tslab's 200 ms).
   */
  private async abortQueued(): Promise<void> {
    // Let the shell loop read what the client sent while the cell ran (it may still sit in ZeroMQ's queue).
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    const kept: JupyterMessage[] = [];
    for (const msg of this.queue.splice(0)) {
      if (msg.header.msg_type !== 'execute_request') {
        kept.push(msg);
        continue;
      }
      this.publish('status', { execution_state: 'busy' }, msg);
      await this.reply(msg, 'execute_reply', { status: 'aborted', execution_count: null });
      this.publish('status', { execution_state: 'idle' }, msg);
    }
    this.queue.push(...kept);
  }

  /** Run one execute request; resolves `true` when the cell failed. */
  private async execute(msg: JupyterMessage): Promise<boolean> {
    const code = String(msg.content.code ?? '');
    const silent = msg.content.silent === true;
    const storeHistory = !silent && msg.content.store_history !== false;
    this.flushStreams();
    this.parent = msg;
    this.publish('status', { execution_state: 'busy' }, msg);
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, msg);
    this.executing = true;
    for (const text of this.idleErrors.splice(0)) this.writeStream('stderr', text);
    const entry: HistoryEntry | undefined = storeHistory ? { session: this.historySession, line: count, input: code, output: null } : undefined;
    if (entry) this.history.push(entry);

    try {
      const pager = /^\s*([A-Za-z_$][\w$.]*)\s*\?\s*$/.exec(code);
      if (pager) {
        const name = pager[1];
        const text = this.executor.inspect(name, name.length) ?? `${name}: no information`;
        await this.reply(msg, 'execute_reply', {
          status: 'ok',
          execution_count: count,
          payload: [{ source: 'page', data: { 'text/plain': text }, start: 0 }],
          user_expressions: {},
        });
        return false;
      }
      // An interrupt while tf.js starts (loading the native backend takes seconds) ends this cell, not the next.
      const startCount = interruptCount();
      if (!this.tfjsStarted && usesTfjs(code)) {
        this.tfjsStarted = true;
        try {
          await startAccelerator(this.rootDir);
        } catch (error) {
          this.writeStream('stderr', `trainbook kernel: could not start the tf.js accelerator: ${(error as Error).message}\n`);
        }
      }
      const listeners = snapshotProcessListeners();
      const label = silent || !storeHistory ? 'Cell' : `Cell In[${count}]`;
      const outcome = await this.executor.execute(code, label, startCount);
      removeAddedProcessListeners(listeners);
      if (outcome.status === 'error') {
        this.publish('error', { ...outcome.error }, msg);
        // Before replying: the requests received so far are exactly those the client queued before it could know.
        if (msg.content.stop_on_error !== false) await this.abortQueued();
        await this.reply(msg, 'execute_reply', { status: 'error', execution_count: count, ...outcome.error, user_expressions: {}, payload: [] });
        return true;
      }
      if (outcome.hasValue && !silent) {
        let data: MimeBundle;
        try {
          data = mimeBundle(outcome.value);
        } catch (error) {
          data = { 'text/plain': `<value could not be shown: ${(error as Error).message}>` };
        }
        this.publish('execute_result', { execution_count: count, data: data as JsonValue, metadata: {} } as JsonObject, msg);
        if (entry && typeof data['text/plain'] === 'string') entry.output = data['text/plain'];
      }
      await this.reply(msg, 'execute_reply', { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
      return false;
    } catch (error) {
      const content = { ename: 'KernelError', evalue: (error as Error).message, traceback: [(error as Error).stack ?? String(error)] };
      this.publish('error', content, msg);
      if (msg.content.stop_on_error !== false) await this.abortQueued();
      await this.reply(msg, 'execute_reply', { status: 'error', execution_count: count, ...content });
      return true;
    } finally {
      this.executing = false;
      this.publish('status', { execution_state: 'idle' }, msg);
    }
  }

  /** `history_reply` entries for a `history_request` (tail, range, search). */
  private historyFor(content: JsonObject): JsonValue[] {
    const withOutput = content.output === true;
    const shape = (h: HistoryEntry): JsonValue[] => [h.session, h.line, withOutput ? [h.input, h.output] : h.input];
    const type = content.hist_access_type;
    let entries = this.history;
    if (type === 'tail') {
      const n = Number(content.n ?? 10);
      entries = entries.slice(-n);
    } else if (type === 'range') {
      const session = Number(content.session ?? 0);
      const start = Number(content.start ?? 0);
      const stop = content.stop === undefined || content.stop === null ? Infinity : Number(content.stop);
      entries = entries.filter((h) => (session === 0 || session === h.session || session < 0) && h.line >= start && h.line < stop);
    } else if (type === 'search') {
      const pattern = String(content.pattern ?? '*');
      const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
      entries = entries.filter((h) => regex.test(h.input));
      if (content.unique === true) {
        const seen = new Set<string>();
        entries = entries.filter((h) => (seen.has(h.input) ? false : (seen.add(h.input), true)));
        // Keep the latest occurrence of each input, as IPython does.
        entries = this.history.filter((h) => regex.test(h.input)).reverse().filter((h) => (seen.delete(h.input) ? true : false)).reverse();
      }
      const n = content.n === undefined || content.n === null ? undefined : Number(content.n);
      if (n !== undefined) entries = entries.slice(-n);
    }
    return entries.map(shape);
  }
}
