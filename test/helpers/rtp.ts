import dgram from 'node:dgram';

/** A UDP socket on loopback that counts RTP packets by payload type and SSRC (RTCP is skipped). */
export class RtpSink {
  readonly byPayloadType = new Map<number, number>();
  readonly bySsrc = new Map<number, number>();
  packets = 0;
  /** The SSRC of every RTP packet, in the order they arrived. */
  readonly #arrivals: number[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (message) => {
      if (message.length < 12 || message[0] >> 6 !== 2) return;
      const packetType = message[1];
      if (packetType >= 192 && packetType <= 223) return; // RTCP (rtcp-mux)
      const payloadType = packetType & 0x7f;
      this.packets += 1;
      this.byPayloadType.set(payloadType, (this.byPayloadType.get(payloadType) ?? 0) + 1);
      const ssrc = message.readUInt32BE(8);
      this.bySsrc.set(ssrc, (this.bySsrc.get(ssrc) ?? 0) + 1);
      this.#arrivals.push(ssrc);
    });
  }

  static async open(): Promise<RtpSink> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtpSink(socket);
  }

  /** Packets seen from these SSRCs so far. */
  countOf(ssrcs: readonly number[]): number {
    return ssrcs.reduce((sum, ssrc) => sum + (this.bySsrc.get(ssrc) ?? 0), 0);
  }

  /**
   * Packets from `ssrcs` that arrived since the last packet from `others` (since the start if none
   * came): how long a run of one stream has gone on without a single packet of the others.
   */
  runSinceLast(ssrcs: readonly number[], others: readonly number[]): number {
    let run = 0;
    for (let i = this.#arrivals.length - 1; i >= 0; i--) {
      if (others.includes(this.#arrivals[i])) break;
      if (ssrcs.includes(this.#arrivals[i])) run += 1;
    }
    return run;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }
}
