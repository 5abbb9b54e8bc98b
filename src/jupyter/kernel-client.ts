/**
 * A Jupyter kernel client with no Jupyter server: start a kernel from its kernelspec, execute code, collect outputs
 * as nbformat outputs, interrupt, shut down, and never leave the kernel process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import type { ErrorOutput, Output } from '../notebook/nbformat.js';
import type { KernelSpec } from './kernelspec.js';
import {
  channelUrl,
  deserialize,
  newConnectionInfo,
  newMessage,
  newSessionId,
  serialize,
  writeConnectionFile,
  type ConnectionInfo,
  type JsonObject,
  type JupyterMessage,
} from './wire.js';

/**
 * Runs the kernel as its child and kills the whole process group when the runner goes away: its stdin pipe from
 * the runner closes (the runner exited or was SIGKILLed) or its parent pid changes. Forwards SIGINT/SIGTERM.
 * Started with `node -e` so it needs no file on disk (works from `src/` under tsx and from `dist/`).
 */
const WATCHDOG_SOURCE = `
const { spawn } = require('node:child_process');
const [parentPid, command, ...args] = process.argv.slice(1);
let done = false;
function killGroup() {
  if (done) return;
  done = true;
  try { process.kill(-process.pid, 'SIGKILL'); } catch (e) { try { child.kill('SIGKILL'); } catch (e2) {} }
  process.exit(1);
}
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (e) => { process.stderr.write('cannot start kernel ' + JSON.stringify(command) + ': ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => { done = true; process.exit(code === null ? 128 : code); });
process.on('SIGINT', () => { try { child.kill('SIGINT'); } catch (e) {} });
process.on('SIGTERM', () => { try { child.kill('SIGTERM'); } catch (e) {} });
process.stdin.on('end', killGroup);
process.stdin.on('close', killGroup);
process.stdin.on('error', killGroup);
process.stdin.resume();
setInterval(() => { if (String(process.ppid) !== parentPid) killGroup(); }, 500);
`;

/** How long to wait for iopub's `status: idle` after the `execute_reply` arrived. */
const IDLE_AFTER_REPLY_MS = 5000;

/** Every kernel process group this process started and has not yet reaped. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Kill every kernel started by this process (SIGKILL to each process group). Synchronous, so it can run in
 * `process.on('exit')` and in signal handlers.
 *
 * PyTorch: none.
 */
export function killAllKernels(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  liveGroups.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllKernels);
}

/**
 * Options for {@link KernelClient.start}.
 *
 * PyTorch: none.
 */
export interface StartKernelOptions {
  /** Working directory of the kernel (the notebook's folder). @default process.cwd() */
  cwd?: string;
  /** Extra environment variables, on top of `process.env` and the kernelspec's `env`. @default {} */
  env?: Record<string, string>;
  /** How long to wait for `kernel_info_reply`. @default 60000 */
  startupTimeoutMs?: number;
}

/**
 * Options for {@link KernelClient.execute}.
 *
 * PyTorch: none.
 */
export interface ExecuteOptions {
  /** Interrupt the cell after this many milliseconds; `0` means no limit. @default 0 */
  timeoutMs?: number;
  /** Called whenever the cell's outputs change (new output, merged stream text, display update, clear). */
  onOutput?: (outputs: readonly Output[]) => void;
  /** Passed to the kernel: abort queued requests after an error. @default true */
  stopOnError?: boolean;
  /** Execution count to store on `execute_result` outputs when the kernel sends none. */
  executionCount?: number;
}

/**
 * How one execution ended. `aborted`: the kernel refused the request (e.g. tslab's 200 ms window after an error).
 *
 * PyTorch: none.
 */
export type ExecuteStatus = 'ok' | 'error' | 'aborted' | 'timeout' | 'dead';

/**
 * Result of one {@link KernelClient.execute}.
 *
 * PyTorch: none (nbclient's per-cell execution result).
 */
export interface ExecuteResult {
  status: ExecuteStatus;
  /** Execution count from `execute_input`/`execute_reply`, `null` when the kernel gave none. */
  executionCount: number | null;
  /** nbformat outputs of the cell, in order (streams merged, displays updated, clears applied). */
  outputs: Output[];
  /** The error, for status `error`/`timeout`/`dead`: from an `error` message, the reply, or synthesized from stderr. */
  error?: ErrorOutput;
  /** Whether {@link ExecuteResult.error} was synthesized by the client (the kernel sent no `error` message). */
  errorSynthesized?: boolean;
  /** Content of `execute_reply`, `null` if none came. */
  reply: JsonObject | null;
  /** Wall-clock milliseconds from request to reply and idle. */
  durationMs: number;
}

/** One reply waiter keyed by the request's msg_id. */
interface Waiter {
  resolve: (msg: JupyterMessage) => void;
}

/** Iopub collector of one running execute request. */
interface Collector {
  outputs: Output[];
  idle: boolean;
  /** `performance.now()` of the last iopub message for the request. */
  lastActivity: number;
  executionCount: number | null;
  pendingClear: boolean;
  onChange: () => void;
}

/** Strip ANSI escape sequences. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Build an nbformat `error` output from a kernel's stderr text when the kernel sent none (tslab): the last
 * `Name: message` line gives ename/evalue, a TypeScript diagnostic `line:col - message` gives a `TypeScriptError`.
 *
 * PyTorch: none.
 */
export function errorFromStderr(stderr: string): ErrorOutput {
  const lines = stripAnsi(stderr).split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const traceback = lines.length > 0 ? lines : ['(the kernel reported an error but printed no message)'];
  const diagnostic = lines.find((l) => /^\d+:\d+ - /.test(l));
  if (diagnostic !== undefined) {
    const diagnostics = lines.filter((l) => /^\d+:\d+ - /.test(l));
    return { output_type: 'error', ename: 'TypeScriptError', evalue: diagnostics.join('\n'), traceback };
  }
  const named = lines.find((l) => /^(?:Uncaught )?[A-Za-z_$][\w$]*(?:Error|Exception)\b(?: \[[^\]]*\])?:/.test(l));
  if (named !== undefined) {
    const match = /^(?:Uncaught )?([A-Za-z_$][\w$]*)(?: \[[^\]]*\])?: ?(.*)$/.exec(named);
    if (match) return { output_type: 'error', ename: match[1], evalue: match[2], traceback };
  }
  return { output_type: 'error', ename: 'Error', evalue: lines[0] ?? 'the kernel reported an error', traceback };
}

/** Serialises sends on one socket (zeromq 6 allows only one send in flight per socket). */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Dealer | zmq.Request) {}
  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames));
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * A running kernel and the sockets talking to it.
 *
 * PyTorch: none (`jupyter_client.KernelManager` + `BlockingKernelClient`, without a server).
 * @example
 * const kernel = await KernelClient.start(getKernelSpec('tslab'), { cwd: 'notebooks/iris' });
 * try {
 *   const result = await kernel.execute('console.log(1 + 1)', { timeoutMs: 60_000 });
 *   console.log(result.status, result.outputs);
 * } finally {
 *   await kernel.shutdown();
 * }
 */
export class KernelClient {
  /** `kernel_info_reply` content. */
  kernelInfo: JsonObject = {};
  private readonly session = newSessionId();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  // No receive limit: a publisher drops messages (the final `status: idle` too) when the subscriber's queue is full,
  // and a cell printing thousands of lines would then never finish.
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly shellQueue = new SendQueue(this.shell);
  private readonly controlQueue = new SendQueue(this.control);
  private readonly stdinQueue = new SendQueue(this.stdin);
  private readonly waiters = new Map<string, Waiter>();
  private readonly collectors = new Map<string, Collector>();
  private readonly iopubSeen = new Set<string>();
  /** Outputs shown with a `display_id`, updated in place by `update_display_data` (across cells). */
  private readonly displays = new Map<string, Output[]>();
  private outputText = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    /** The kernelspec the kernel was started from. */
    readonly spec: KernelSpec,
    /** Connection info written for the kernel. */
    readonly connection: ConnectionInfo,
    private readonly process: ChildProcess,
    private readonly connectionDir: string,
  ) {
    this.shell.routingId = this.session;
    this.stdin.routingId = this.session;
    const capture = (chunk: Buffer): void => {
      this.outputText = (this.outputText + chunk.toString('utf8')).slice(-65536);
    };
    process.stdout?.on('data', capture);
    process.stderr?.on('data', capture);
    process.on('exit', (code, signal) => {
      this.exited = { code, signal };
      if (process.pid !== undefined) liveGroups.delete(process.pid);
      for (const wake of this.exitWaiters.splice(0)) wake();
    });
  }

  /** Process id of the kernel's process group (the watchdog that runs the kernel). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the kernel process printed to stdout/stderr outside of cells (last 64 KB), e.g. startup errors. */
  get processOutput(): string {
    return this.outputText;
  }

  /** Whether the kernel process is still running. */
  get alive(): boolean {
    return this.exited === null;
  }

  /**
   * Start a kernel from a kernelspec and wait until it answers `kernel_info_request` on shell and publishes on
   * iopub.
   *
   * Throws when the kernel exits or does not answer within the startup timeout, with what it printed.
   */
  static async start(spec: KernelSpec, options: StartKernelOptions = {}): Promise<KernelClient> {
    installExitHook();
    const connectionDir = await mkdtemp(join(tmpdir(), 'trainbook-kernel-'));
    const connection = await newConnectionInfo('127.0.0.1', spec.name);
    const connectionFile = join(connectionDir, 'kernel.json');
    await writeConnectionFile(connectionFile, connection);
    const argv = spec.argv.map((arg) =>
      arg.replaceAll('{connection_file}', connectionFile).replaceAll('{resource_dir}', spec.resourceDir),
    );
    const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid), ...argv], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...spec.env, ...(options.env ?? {}) },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    // The runner must be free to exit while the kernel runs; the exit hook and the watchdog clean up.
    child.unref();
    const client = new KernelClient(spec, connection, child, connectionDir);
    client.connect();
    try {
      await client.waitForReady(options.startupTimeoutMs ?? 60_000);
    } catch (error) {
      client.kill();
      await client.closeSockets();
      throw error;
    }
    return client;
  }

  private connect(): void {
    this.shell.connect(channelUrl(this.connection, 'shell'));
    this.control.connect(channelUrl(this.connection, 'control'));
    this.stdin.connect(channelUrl(this.connection, 'stdin'));
    this.iopub.connect(channelUrl(this.connection, 'iopub'));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (msg) => this.onReply(msg));
    void this.receiveLoop(this.control, (msg) => this.onReply(msg));
    void this.receiveLoop(this.stdin, (msg) => this.onStdin(msg));
    void this.receiveLoop(this.iopub, (msg) => this.onIopub(msg));
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (msg: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = deserialize(frames, this.connection.key, this.connection.signature_scheme);
        } catch {
          continue; // A message with a bad signature is dropped, as Jupyter clients do.
        }
        handle(msg);
      }
    } catch (error) {
      // A socket error while running means the connection is gone; record it for error messages instead of
      // crashing the runner with an unhandled rejection (the kernel is killed by shutdown or the exit hook).
      if (!this.closed) this.outputText += `\n[trainbook] kernel socket failed: ${(error as Error).message}\n`;
    }
  }

  private parentId(msg: JupyterMessage): string | undefined {
    const parent = msg.parent_header as { msg_id?: string };
    return parent.msg_id;
  }

  private onReply(msg: JupyterMessage): void {
    const id = this.parentId(msg);
    if (id === undefined) return;
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      waiter.resolve(msg);
    }
  }

  private onStdin(msg: JupyterMessage): void {
    // We send allow_stdin: false; a kernel that still asks gets an empty line (like EOF) instead of hanging.
    if (msg.header.msg_type === 'input_request') {
      const reply = newMessage('input_reply', { value: '' }, { session: this.session, parent: msg });
      reply.identities = [];
      void this.stdinQueue.send(serialize(reply, this.connection.key, this.connection.signature_scheme));
    }
  }

  private onIopub(msg: JupyterMessage): void {
    const id = this.parentId(msg);
    if (id === undefined) return;
    this.iopubSeen.add(id);
    const collector = this.collectors.get(id);
    if (collector) collector.lastActivity = performance.now();
    const type = msg.header.msg_type;
    const content = msg.content;
    if (type === 'update_display_data') {
      // Updates apply to every output with that display_id, in any cell, even after the cell finished.
      const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
      if (displayId === undefined) return;
      for (const output of this.displays.get(displayId) ?? []) {
        if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
          output.data = (content.data ?? {}) as Record<string, unknown>;
          output.metadata = (content.metadata ?? {}) as Record<string, unknown>;
        }
      }
      collector?.onChange();
      return;
    }
    if (!collector || collector.idle) return;
    if (type === 'status') {
      if (content.execution_state === 'idle') {
        collector.idle = true;
        collector.onChange();
      }
      return;
    }
    if (type === 'execute_input') {
      if (typeof content.execution_count === 'number') collector.executionCount = content.execution_count;
      return;
    }
    if (type === 'clear_output') {
      if (content.wait === true) collector.pendingClear = true;
      else collector.outputs.length = 0;
      collector.onChange();
      return;
    }
    let output: Output | undefined;
    if (type === 'stream') {
      const name = content.name === 'stderr' ? 'stderr' : 'stdout';
      const text = String(content.text ?? '');
      if (collector.pendingClear) {
        collector.outputs.length = 0;
        collector.pendingClear = false;
      }
      const last = collector.outputs[collector.outputs.length - 1];
      if (last !== undefined && last.output_type === 'stream' && last.name === name) {
        last.text = (Array.isArray(last.text) ? last.text.join('') : last.text) + text;
        collector.onChange();
        return;
      }
      output = { output_type: 'stream', name, text };
    } else if (type === 'display_data') {
      output = {
        output_type: 'display_data',
        data: (content.data ?? {}) as Record<string, unknown>,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
      };
    } else if (type === 'execute_result') {
      output = {
        output_type: 'execute_result',
        execution_count: typeof content.execution_count === 'number' ? content.execution_count : collector.executionCount,
        data: (content.data ?? {}) as Record<string, unknown>,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
      };
    } else if (type === 'error') {
      output = {
        output_type: 'error',
        ename: String(content.ename ?? 'Error'),
        evalue: String(content.evalue ?? ''),
        traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
      };
    }
    if (output === undefined) return;
    if (collector.pendingClear) {
      collector.outputs.length = 0;
      collector.pendingClear = false;
    }
    if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
      const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
      if (displayId !== undefined) {
        const list = this.displays.get(displayId) ?? [];
        list.push(output);
        this.displays.set(displayId, list);
      }
    }
    collector.outputs.push(output);
    collector.onChange();
  }

  /** Send a request and wait for its reply on the same channel (or reject after `timeoutMs`, or if the kernel dies). */
  private async request(
    channel: 'shell' | 'control',
    msgType: string,
    content: JsonObject,
    timeoutMs: number,
  ): Promise<JupyterMessage> {
    const msg = newMessage(msgType, content, { session: this.session });
    const reply = this.sendAndWait(channel, msg);
    return await this.within(reply.promise, timeoutMs, `${msgType} got no reply within ${timeoutMs} ms`, () =>
      this.waiters.delete(msg.header.msg_id),
    );
  }

  private sendAndWait(channel: 'shell' | 'control', msg: JupyterMessage<unknown>): { promise: Promise<JupyterMessage> } {
    const promise = new Promise<JupyterMessage>((resolve) => {
      this.waiters.set(msg.header.msg_id, { resolve });
    });
    const frames = serialize(msg, this.connection.key, this.connection.signature_scheme);
    void (channel === 'shell' ? this.shellQueue : this.controlQueue).send(frames).catch(() => undefined);
    return { promise };
  }

  /** Resolve with `promise`, or reject on timeout or kernel exit. */
  private within<T>(promise: Promise<T>, timeoutMs: number, timeoutMessage: string, cleanup: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => finish(new Error(timeoutMessage)), timeoutMs) : undefined;
      const onExit = (): void => finish(new Error(`the kernel exited (${this.exitDescription()})`));
      const finish = (error: Error | null, value?: T): void => {
        if (timer) clearTimeout(timer);
        const index = this.exitWaiters.indexOf(onExit);
        if (index >= 0) this.exitWaiters.splice(index, 1);
        if (error) {
          cleanup();
          reject(error);
        } else resolve(value as T);
      };
      if (this.exited) return onExit();
      this.exitWaiters.push(onExit);
      promise.then((value) => finish(null, value), (error: Error) => finish(error));
    });
  }

  private exitDescription(): string {
    if (!this.exited) return 'still running';
    return this.exited.signal ? `killed by ${this.exited.signal}` : `exit code ${this.exited.code}`;
  }

  /** Kernel output for error messages: the last lines it printed, or a note that it printed nothing. */
  private outputTail(): string {
    const text = this.outputText.trim();
    if (text === '') return 'The kernel printed nothing.';
    return `The kernel printed:\n${text.split('\n').slice(-30).join('\n')}`;
  }

  private async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Like nbclient's wait_for_ready: repeat kernel_info_request until the reply came AND iopub delivered a message
    // for it, so the iopub subscription is live before the first cell runs (ZeroMQ drops earlier publications).
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `Kernel "${this.spec.name}" exited during startup (${this.exitDescription()}); argv ${JSON.stringify(this.spec.argv)}. ${this.outputTail()}`,
        );
      }
      const msg = newMessage('kernel_info_request', {}, { session: this.session });
      const { promise } = this.sendAndWait('shell', msg);
      const wait = Math.min(1000, Math.max(1, deadline - Date.now()));
      let reply: JupyterMessage | undefined;
      try {
        reply = await this.within(promise, wait, 'no reply yet', () => this.waiters.delete(msg.header.msg_id));
      } catch {
        continue;
      }
      this.kernelInfo = reply.content;
      const iopubDeadline = Date.now() + 500;
      while (!this.iopubSeen.has(msg.header.msg_id) && Date.now() < iopubDeadline) await sleep(10);
      if (this.iopubSeen.has(msg.header.msg_id)) return;
    }
    throw new Error(
      `Kernel "${this.spec.name}" did not become ready within ${timeoutMs / 1000} s (no kernel_info_reply with iopub status); ` +
        `argv ${JSON.stringify(this.spec.argv)}. ${this.outputTail()}`,
    );
  }

  /**
   * Execute code and collect its outputs until the kernel replies and publishes `status: idle` for the request.
   *
   * Never throws for cell errors: the status says what happened (`error`, `timeout` after an interrupt,
   * `aborted`, `dead`); `error` holds an nbformat error output, synthesized from the reply or stderr when the
   * kernel sent none (tslab).
   */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const started = performance.now();
    const msg = newMessage(
      'execute_request',
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: options.stopOnError ?? true,
      },
      { session: this.session },
    );
    const id = msg.header.msg_id;
    let wakeIdle: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (wakeIdle = resolve));
    const collector: Collector = {
      outputs: [],
      idle: false,
      lastActivity: performance.now(),
      executionCount: null,
      pendingClear: false,
      onChange: () => {
        options.onOutput?.(collector.outputs);
        if (collector.idle) wakeIdle();
      },
    };
    this.collectors.set(id, collector);
    const { promise: replyPromise } = this.sendAndWait('shell', msg);
    // Like nbclient's iopub_timeout: once the reply is in, wait for `idle` as long as iopub keeps delivering messages
    // for this request; after a quiet spell of IDLE_AFTER_REPLY_MS (a lost `idle`) go on.
    const quiet = async (): Promise<void> => {
      while (!collector.idle && performance.now() - collector.lastActivity < IDLE_AFTER_REPLY_MS) {
        await Promise.race([idle, sleep(Math.max(10, IDLE_AFTER_REPLY_MS - (performance.now() - collector.lastActivity)))]);
      }
    };
    const idleAfterReply = replyPromise.then(() => {
      collector.lastActivity = Math.max(collector.lastActivity, performance.now());
      return quiet();
    });
    const both = Promise.all([replyPromise, idleAfterReply]).then(([reply]) => reply);
    const timeoutMs = options.timeoutMs ?? 0;
    let status: ExecuteStatus;
    let reply: JupyterMessage | null = null;
    let timeoutError: ErrorOutput | undefined;
    try {
      reply = await this.within(both, timeoutMs, 'timeout', () => undefined);
      status = replyStatus(reply.content.status);
    } catch (error) {
      if (!this.exited && (error as Error).message === 'timeout') {
        status = 'timeout';
        timeoutError = {
          output_type: 'error',
          ename: 'TimeoutError',
          evalue: `Cell execution timed out after ${timeoutMs / 1000} s; the kernel was interrupted`,
          traceback: [`TimeoutError: cell execution timed out after ${timeoutMs / 1000} s; the kernel was interrupted`],
        };
        await this.interrupt();
        try {
          reply = await this.within(both, 5000, 'no reply after interrupt', () => undefined);
        } catch {
          // The kernel ignored the interrupt: it cannot run more cells, so stop it.
          this.kill();
        }
      } else {
        status = 'dead';
      }
    } finally {
      this.collectors.delete(id);
      this.waiters.delete(id);
    }
    const outputs = collector.outputs;
    const result: ExecuteResult = {
      status,
      executionCount: numberOrNull(reply?.content.execution_count) ?? collector.executionCount,
      outputs,
      reply: reply?.content ?? null,
      durationMs: performance.now() - started,
    };
    if (status === 'timeout') {
      result.error = timeoutError;
    } else if (status === 'dead') {
      result.error = {
        output_type: 'error',
        ename: 'KernelDied',
        evalue: `The kernel died while running this cell (${this.exitDescription()})`,
        traceback: [`KernelDied: the kernel died while running this cell (${this.exitDescription()})`, this.outputTail()],
      };
    } else if (status === 'error') {
      const sent = outputs.find((o): o is ErrorOutput => o.output_type === 'error');
      if (sent) result.error = sent;
      else {
        result.error = errorFromReplyOrStderr(reply?.content ?? {}, outputs);
        result.errorSynthesized = true;
      }
    }
    return result;
  }

  /** Interrupt the running cell: SIGINT to the kernel (`interrupt_mode: signal`) or `interrupt_request` on control. */
  async interrupt(): Promise<void> {
    if (this.exited) return;
    if (this.spec.interrupt_mode === 'message') {
      try {
        await this.request('control', 'interrupt_request', {}, 5000);
      } catch {
        // No reply: the caller's wait for the cell decides what happens next.
      }
    } else {
      // The watchdog forwards SIGINT to the kernel it runs.
      this.process.kill('SIGINT');
    }
  }

  /** Check the heartbeat channel: resolves `true` when the kernel echoes a ping within `timeoutMs`. */
  async heartbeat(timeoutMs = 2000): Promise<boolean> {
    const socket = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      socket.connect(channelUrl(this.connection, 'hb'));
      await socket.send('ping');
      const [echo] = await socket.receive();
      return echo.toString() === 'ping';
    } catch {
      return false;
    } finally {
      socket.close();
    }
  }

  /** Wait until the kernel process exits, at most `timeoutMs`; `true` when it did. */
  private async waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return true;
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Kill the kernel's whole process group now (SIGKILL). */
  kill(): void {
    const pgid = this.process.pid;
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    liveGroups.delete(pgid);
  }

  private async closeSockets(): Promise<void> {
    this.closed = true;
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
    this.process.stdin?.destroy();
    this.process.stdout?.destroy();
    this.process.stderr?.destroy();
    await rm(this.connectionDir, { recursive: true, force: true });
  }

  /**
   * Ask the kernel to shut down (`shutdown_request` on control, reply awaited up to `graceMs`), give it `exitGraceMs`
   * to exit after replying, then kill its process group, close the sockets and remove the connection file.
   */
  async shutdown(graceMs = 2000, exitGraceMs = 100): Promise<void> {
    if (!this.exited) {
      let replied = false;
      try {
        await this.request('control', 'shutdown_request', { restart: false }, graceMs);
        replied = true;
      } catch {
        // No reply: it is killed below.
      }
      // A kernel that acknowledged the shutdown has nothing left to do; do not wait out a slow interpreter teardown.
      const exited = await this.waitForExit(replied ? exitGraceMs : graceMs);
      if (!exited) this.kill();
    }
    // Whatever the kernel left in its group (children it spawned) goes too.
    this.kill();
    await this.waitForExit(1000);
    await this.closeSockets();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function replyStatus(status: unknown): ExecuteStatus {
  if (status === 'ok') return 'ok';
  if (status === 'abort' || status === 'aborted') return 'aborted';
  return 'error';
}

/** The error of a failed cell whose kernel sent no `error` message: from the reply's ename/evalue, else stderr. */
function errorFromReplyOrStderr(reply: JsonObject, outputs: readonly Output[]): ErrorOutput {
  if (typeof reply.ename === 'string') {
    return {
      output_type: 'error',
      ename: reply.ename,
      evalue: String(reply.evalue ?? ''),
      traceback: Array.isArray(reply.traceback) ? reply.traceback.map(String) : [`${reply.ename}: ${String(reply.evalue ?? '')}`],
    };
  }
  const stderr = outputs
    .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
    .map((o) => (o.output_type === 'stream' ? (Array.isArray(o.text) ? o.text.join('') : o.text) : ''))
    .join('');
  return errorFromStderr(stderr);
}
