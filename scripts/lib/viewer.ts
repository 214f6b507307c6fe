import type { Device, types as clientTypes } from 'mediasoup-client';
import type { JoinResult } from '../../signaling/contract';
import { type ClientSocket, connect, fakeDevice, request } from './signalingClient';

/**
 * One remote viewer speaking the signaling contract from Node (mediasoup-client's FakeHandler, no
 * browser), one step at a time: connect, join a stage, open the receive transport, consume and resume
 * every producer of the stage, then leave, drop the connection, or blink (drop and resume on a new one).
 * The server sets up everything a browser viewer gets; no ICE or DTLS happens, so no media arrives.
 */
export class Viewer {
  #joined: JoinResult | null = null;
  #device: Device | null = null;
  #transport: clientTypes.Transport | null = null;
  #consumers = 0;

  private constructor(
    readonly url: string,
    readonly token: string,
    private socket: ClientSocket,
  ) {}

  static async connect(url: string, token: string): Promise<Viewer> {
    return new Viewer(url, token, await connect(url, token));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  get joined(): boolean {
    return this.#joined !== null;
  }

  get hasTransport(): boolean {
    return this.#transport !== null;
  }

  get consumers(): number {
    return this.#consumers;
  }

  /** `recvTransport`: the receive transport comes with the join (as the watch page asks), not with `openRecvTransport`'s request. */
  async join(stageId: string, { recvTransport = false } = {}): Promise<JoinResult> {
    this.#joined = await request(this.socket, 'join', { stageId, recvTransport });
    return this.#joined;
  }

  /** Loads the device with the stage's capabilities and opens the receive transport (unless the join brought it). */
  async openRecvTransport(): Promise<void> {
    const joined = this.#mustHaveJoined();
    const device = await fakeDevice(joined.routerRtpCapabilities);
    const options = joined.recvTransport ?? (await request(this.socket, 'createTransport', { direction: 'recv' }));
    const transport = device.createRecvTransport(options as clientTypes.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      request(this.socket, 'connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    this.#device = device;
    this.#transport = transport;
  }

  /**
   * Consumes every producer of the stage's sources (as they were at join), flowing: in one `consumeMany`
   * as the watch page does at its join, or (`separately`) with a consume and a resume for each.
   */
  async consumeAll({ separately = false } = {}): Promise<number> {
    const joined = this.#mustHaveJoined();
    const device = this.#device;
    const transport = this.#transport;
    if (!device || !transport) throw new Error('open the receive transport first');
    const producers = joined.sources.flatMap((s) => s.producers);
    if (producers.length === 0) return 0;
    if (!separately) {
      const { consumers } = await request(this.socket, 'consumeMany', {
        rtpCapabilities: device.rtpCapabilities,
        consumers: producers.map(({ producerId }) => ({ producerId, paused: false })),
      });
      for (const answer of consumers) {
        if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
        const { consumer } = answer;
        await transport.consume({ ...consumer, rtpParameters: consumer.rtpParameters as clientTypes.RtpParameters });
        this.#consumers += 1;
      }
      return producers.length;
    }
    await Promise.all(
      producers.map(async ({ producerId }) => {
        const consumer = await request(this.socket, 'consume', { producerId, rtpCapabilities: device.rtpCapabilities });
        await transport.consume({ ...consumer, rtpParameters: consumer.rtpParameters as clientTypes.RtpParameters });
        await request(this.socket, 'resumeConsumer', { consumerId: consumer.id });
        this.#consumers += 1;
      }),
    );
    return producers.length;
  }

  /** Leaves the stage (the server closes its media at once), then disconnects. */
  async leave(): Promise<void> {
    try {
      if (this.#joined && this.socket.connected) await request(this.socket, 'leave', {});
    } finally {
      this.close();
    }
  }

  /** Drops the connection without leaving: the server keeps the session for its reconnect grace. */
  close(): void {
    this.#transport?.close();
    this.socket.disconnect();
  }

  /** A network blink: the connection drops, a new one resumes the session (its media kept meanwhile). */
  async blink(pauseMs: number): Promise<void> {
    const joined = this.#mustHaveJoined();
    this.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    this.socket = await connect(this.url, this.token);
    await request(this.socket, 'resume', { peerId: joined.peerId });
  }

  #mustHaveJoined(): JoinResult {
    if (!this.#joined) throw new Error('join a stage first');
    return this.#joined;
  }
}
