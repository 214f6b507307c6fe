// A UDP sink in another process (udpBatchSink.c): benchmark viewers' RTP has somewhere to go without its
// handling landing in the measured process's CPU or memory, nor a wake-up per packet in the sender's
// (it drains in batches). Answers how many packets it received.
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { buildHelper } from './benchMedia';

export class UdpSink {
  #asked = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    readonly port: number,
  ) {}

  static async open(): Promise<UdpSink> {
    const child = spawn(buildHelper('udpBatchSink'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('the UDP sink exited before telling its port');
    if (!String(first.value).startsWith('port ')) throw new Error(`the UDP sink said ${String(first.value)}`);
    return new UdpSink(child, lines, Number(String(first.value).slice(5)));
  }

  /** Packets received so far. */
  async count(): Promise<number> {
    const id = String(++this.#asked);
    this.child.stdin!.write(`${id}\n`);
    for (;;) {
      const line = await this.lines.next();
      if (line.done) throw new Error('the UDP sink exited');
      const [answerId, packets] = String(line.value).split(' ');
      if (answerId === id) return Number(packets);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}
