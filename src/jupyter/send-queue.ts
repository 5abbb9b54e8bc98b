/**
 * One send at a time on a ZeroMQ socket: zeromq 6 allows a single send in flight per socket, so the kernel and the
 * client both queue their sends here.
 */

/** A socket that sends multipart messages (a zeromq `Dealer`, `Router`, `Publisher`, ...). */
export interface SendingSocket {
  send(frames: Buffer[]): Promise<void>;
}

/**
 * Serialises sends on one socket. A failed send is passed to `onError` (default: ignored) and does not block the
 * sends queued after it.
 *
 * PyTorch: none.
 */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  /**
   * `synchronous`: the socket has `sendTimeout: 0`, so zeromq sends at once inside `send()` (never "busy writing")
   * and frames go out even while JavaScript never returns to the event loop; then nothing needs queueing.
   */
  constructor(
    private readonly socket: SendingSocket,
    private readonly onError: (error: Error) => void = () => undefined,
    private readonly synchronous = false,
  ) {}

  /** Queue `frames`; resolves once they were handed to ZeroMQ or the send failed (never rejects). */
  send(frames: Buffer[]): Promise<void> {
    if (this.synchronous) return this.socket.send(frames).catch((error: unknown) => this.onError(error as Error));
    this.tail = this.tail.then(() => this.socket.send(frames)).catch((error: unknown) => this.onError(error as Error));
    return this.tail;
  }
}
