/**
 * Binding the kernel's sockets, with an error that says which channel and address failed and what happens next.
 *
 * Jupyter picks the five ports before the kernel starts and releases them; another process (another student's kernel,
 * on a shared machine) can take one in between. The kernel cannot choose other ports, so it must end: Jupyter then
 * restarts it on new ports (jupyter_client does this while a kernel has never started). A kernel that stayed alive
 * without one of its channels would look alive and answer nothing.
 */
import { channelUrl, type Channel, type ConnectionInfo } from '../jupyter/wire.js';

/** A socket that can bind (a zeromq socket). */
export interface BindableSocket {
  bind(address: string): Promise<void>;
}

/**
 * Bind `socket` to the endpoint of `channel` in `connection`; on failure, throw an error naming the channel, the
 * endpoint and the cause.
 */
export async function bindChannel(socket: BindableSocket, connection: ConnectionInfo, channel: Channel): Promise<void> {
  const url = channelUrl(connection, channel);
  try {
    await socket.bind(url);
  } catch (error) {
    const cause = (error as Error).message;
    const taken = /address already in use/i.test(cause)
      ? ': another process holds that port (Jupyter chose it, then someone else took it before the kernel started); ' +
        'the kernel exits so that Jupyter restarts it on new ports'
      : '';
    throw new Error(`trainbook kernel: cannot listen on ${url} for the ${channel === 'hb' ? 'heartbeat' : channel} channel: ${cause}${taken}`, { cause: error });
  }
}
