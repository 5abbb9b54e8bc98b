/**
 * The client side of a kernel's ZeroMQ channels: shell, control and stdin requests matched to their replies by
 * `msg_id`, iopub messages handed on, the heartbeat checked.
 *
 * Hand-written because no maintained library speaks the Jupyter wire protocol to a kernel without a Jupyter server
 * from Node (`@jupyterlab/services` needs one).
 */
import * as zmq from 'zeromq';
import { SendQueue } from './send-queue.js';
import { channelUrl, deserialize, newMessage, serialize, type ConnectionInfo, type JsonObject, type JupyterMessage } from './wire.js';

/** A request channel: replies come back on the same socket. */
export type RequestChannel = 'shell' | 'control';

/**
 * The sockets to one kernel.
 *
 * PyTorch: none (`jupyter_client`'s channels).
 */
export class KernelChannels {
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  // No receive limit: a publisher drops messages (the final `status: idle` too) when the subscriber's queue is full,
  // and a cell printing thousands of lines would then never finish.
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly queues: Record<RequestChannel | 'stdin', SendQueue>;
  private readonly waiters = new Map<string, (msg: JupyterMessage) => void>();
  private closed = false;

  /**
   * Connect to `connection` as `session`; `onIopub` gets every iopub message, `onFailure` a note when a socket fails
   * while open (the connection is gone).
   */
  constructor(
    private readonly connection: ConnectionInfo,
    private readonly session: string,
    onIopub: (msg: JupyterMessage) => void,
    private readonly onFailure: (note: string) => void,
  ) {
    this.queues = { shell: new SendQueue(this.shell), control: new SendQueue(this.control), stdin: new SendQueue(this.stdin) };
    this.shell.routingId = session;
    this.stdin.routingId = session;
    this.shell.connect(channelUrl(connection, 'shell'));
    this.control.connect(channelUrl(connection, 'control'));
    this.stdin.connect(channelUrl(connection, 'stdin'));
    this.iopub.connect(channelUrl(connection, 'iopub'));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (msg) => this.onReply(msg));
    void this.receiveLoop(this.control, (msg) => this.onReply(msg));
    void this.receiveLoop(this.stdin, (msg) => this.onStdin(msg));
    void this.receiveLoop(this.iopub, onIopub);
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
      if (!this.closed) this.onFailure(`\n[trainbook] kernel socket failed: ${(error as Error).message}\n`);
    }
  }

  private onReply(msg: JupyterMessage): void {
    const id = (msg.parent_header as { msg_id?: string }).msg_id;
    if (id === undefined) return;
    const resolve = this.waiters.get(id);
    if (resolve) {
      this.waiters.delete(id);
      resolve(msg);
    }
  }

  private onStdin(msg: JupyterMessage): void {
    // We send allow_stdin: false; a kernel that still asks gets an empty line (like EOF) instead of hanging.
    if (msg.header.msg_type === 'input_request') {
      const reply = newMessage('input_reply', { value: '' }, { session: this.session, parent: msg });
      reply.identities = [];
      void this.queues.stdin.send(serialize(reply, this.connection.key, this.connection.signature_scheme));
    }
  }

  /** A new request message of this client's session. */
  message(msgType: string, content: JsonObject): JupyterMessage {
    return newMessage(msgType, content, { session: this.session });
  }

  /** Send `msg` on `channel`; the promise resolves with its reply (it never rejects; see {@link KernelChannels.forget}). */
  send(channel: RequestChannel, msg: JupyterMessage<unknown>): Promise<JupyterMessage> {
    const promise = new Promise<JupyterMessage>((resolve) => this.waiters.set(msg.header.msg_id, resolve));
    void this.queues[channel].send(serialize(msg, this.connection.key, this.connection.signature_scheme));
    return promise;
  }

  /** Stop waiting for the reply to `msgId`. */
  forget(msgId: string): void {
    this.waiters.delete(msgId);
  }

  /** Check the heartbeat channel: resolves `true` when the kernel echoes a ping within `timeoutMs`. */
  async heartbeat(timeoutMs: number): Promise<boolean> {
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

  /** Close every socket. */
  close(): void {
    this.closed = true;
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
  }
}
