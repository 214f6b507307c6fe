import type { Device, types as clientTypes } from 'mediasoup-client';
import type { ClientToServerEvents, JoinResult } from '../../signaling/contract';
import { type AckDataOf, type ClientSocket, connect, fakeDevice, request } from './signalingClient';

/** One request a viewer sent and the server's answer, as they went over the wire. */
export interface SignalingExchange {
  event: keyof ClientToServerEvents;
  payload: unknown;
  answer: { ok: true; data: unknown };
}

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
  #exchanges: SignalingExchange[] | null = null;

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
    this.#joined = await this.#request('join', { stageId, recvTransport });
    return this.#joined;
  }

  /** Loads the device with the stage's capabilities and opens the receive transport (unless the join brought it). */
  async openRecvTransport(): Promise<void> {
    const joined = this.#mustHaveJoined();
    const device = await fakeDevice(joined.routerRtpCapabilities);
    const options = joined.recvTransport ?? (await this.#request('createTransport', { direction: 'recv' }));
    const transport = device.createRecvTransport(options as clientTypes.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.#request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
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
      const { consumers } = await this.#request('consumeMany', {
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
        const consumer = await this.#request('consume', { producerId, rtpCapabilities: device.rtpCapabilities });
        await transport.consume({ ...consumer, rtpParameters: consumer.rtpParameters as clientTypes.RtpParameters });
        await this.#request('resumeConsumer', { consumerId: consumer.id });
        this.#consumers += 1;
      }),
    );
    return producers.length;
  }

  /** Leaves the stage (the server closes its media at once), then disconnects. */
  async leave(): Promise<void> {
    try {
      if (this.#joined && this.socket.connected) await this.#request('leave', {});
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
    await this.#request('resume', { peerId: joined.peerId });
  }

  /** Keeps each request from now on with its answer, in order (the join benchmark replays them elsewhere). */
  record(): SignalingExchange[] {
    this.#exchanges = [];
    return this.#exchanges;
  }

  async #request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<AckDataOf<E>> {
    const data = await request(this.socket, event, payload);
    this.#exchanges?.push({ event, payload, answer: { ok: true, data } });
    return data;
  }

  #mustHaveJoined(): JoinResult {
    if (!this.#joined) throw new Error('join a stage first');
    return this.#joined;
  }
}
