import dgram from 'node:dgram';

/** A UDP socket on loopback that counts RTP packets by payload type and SSRC (RTCP is skipped). */
export class RtpSink {
  readonly byPayloadType = new Map<number, number>();
  readonly bySsrc = new Map<number, number>();
  packets = 0;

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

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }
}
