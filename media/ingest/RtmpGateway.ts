import net from 'node:net';
import type { Logger } from 'pino';
import { EncoderConnection, type EncoderFeeds } from './EncoderFeeds';
import { ListenerEncoder } from './ListenerEncoder';

export interface ListenAddress {
  host: string;
  /** 0: a port from the OS. */
  port: number;
}

/** Connections served at once (each runs ffmpeg); beyond, new ones are closed at once. */
const MAX_CONNECTIONS = 64;
/** A connection that has not published with a key by then is closed (it holds an ffmpeg). */
const KEY_DEADLINE_MS = 10_000;

/** A free loopback TCP port for an ffmpeg listener (taken back from the OS right away). */
async function loopbackPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function connectWithin(port: number, timeoutMs: number): Promise<net.Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/**
 * RTMP ingest at `rtmp://host:RTMP_PORT/live/<stream key>`. Each TCP connection is spliced to an ffmpeg
 * listener of its own on a loopback port: ffmpeg speaks RTMP (this gateway never parses it) and names
 * the stream key it was given, which EncoderFeeds checks before the media goes anywhere.
 */
export class RtmpGateway {
  readonly #connections = new Set<EncoderConnection>();
  readonly #logger: Logger;
  #closed = false;

  private constructor(
    private readonly server: net.Server,
    private readonly feeds: EncoderFeeds,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'RtmpGateway' });
    server.on('connection', (socket) => void this.#accept(socket));
  }

  static async listen(feeds: EncoderFeeds, address: ListenAddress, logger: Logger): Promise<RtmpGateway> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => resolve());
    });
    return new RtmpGateway(server, feeds, logger);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of [...this.#connections]) connection.close();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async #accept(socket: net.Socket): Promise<void> {
    if (this.#closed || this.#connections.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    let encoder: ListenerEncoder | null = null;
    try {
      const port = await loopbackPort();
      encoder = await ListenerEncoder.rtmp(port);
      const upstream = await connectWithin(port, 5000);
      const connection = new EncoderConnection('rtmp', encoder);
      this.#connections.add(connection);
      upstream.on('error', () => connection.close());
      upstream.on('close', () => connection.close());
      socket.on('close', () => connection.close());
      connection.onClose(() => {
        socket.destroy();
        upstream.destroy();
        this.#connections.delete(connection);
      });
      encoder.on('key', (key) => void this.feeds.admit(connection, key));
      const deadline = setTimeout(() => {
        if (connection.holder === '') connection.close();
      }, KEY_DEADLINE_MS);
      deadline.unref();
      connection.onClose(() => clearTimeout(deadline));
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    } catch (error) {
      this.#logger.warn({ err: error }, 'an RTMP connection could not be served');
      encoder?.close();
      socket.destroy();
    }
  }
}
