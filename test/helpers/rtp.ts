import dgram from 'node:dgram';

/** A UDP socket on loopback that counts RTP packets by payload type and SSRC (RTCP is skipped). */
export class RtpSink {
  readonly byPayloadType = new Map<number, number>();
  readonly ssrcs = new Set<number>();
  packets = 0;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (message) => {
      if (message.length < 12 || message[0]! >> 6 !== 2) return;
      const packetType = message[1]!;
      if (packetType >= 192 && packetType <= 223) return; // RTCP (rtcp-mux)
      const payloadType = packetType & 0x7f;
      this.packets += 1;
      this.byPayloadType.set(payloadType, (this.byPayloadType.get(payloadType) ?? 0) + 1);
      this.ssrcs.add(message.readUInt32BE(8));
    });
  }

  static async open(): Promise<RtpSink> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtpSink(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }
}
