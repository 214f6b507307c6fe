/** Why a viewer gets HLS instead of a WebRTC seat. */
export type SeatRefusal = 'budget' | 'cpu' | 'crowd';

export interface WebRtcSeatOptions {
  /** WebRTC viewers this node takes. */
  budget: number;
  /** While the workers' mean CPU is at or above this percent of a core, no new viewer gets a seat (0: no ceiling). */
  cpuCeilingPercent: number;
  /** While this many viewers have joined and are not receiving yet, a new one watches over HLS (0: no limit). */
  joinBacklogMax: number;
}

/**
 * The per-node admission of WebRTC viewers (low latency, about 1/250 of a core each): within the
 * budget and while the workers have CPU to spare; beyond, a viewer watches over HLS (seconds behind,
 * nearly free), and while it is not far behind a crowd of arrivals. Hosts, speakers and accepted hands are not viewers and always get their seat.
 */
export class WebRtcSeats {
  constructor(
    private readonly options: WebRtcSeatOptions,
    private readonly load: { viewers: () => number; meanWorkerCpuPercent: () => number | null; joining: () => number },
  ) {}

  /** null when a new viewer gets a seat; otherwise why not. */
  refusal(): SeatRefusal | null {
    if (this.load.viewers() >= this.options.budget) return 'budget';
    const cpu = this.load.meanWorkerCpuPercent();
    if (this.options.cpuCeilingPercent > 0 && cpu !== null && cpu >= this.options.cpuCeilingPercent) return 'cpu';
    // A flash crowd the node cannot set up fast enough: later arrivals watch over HLS at once rather than
    // waiting behind the others until their requests time out.
    if (this.options.joinBacklogMax > 0 && this.load.joining() >= this.options.joinBacklogMax) return 'crowd';
    return null;
  }
}

export const SEAT_REFUSAL_TEXT: Record<SeatRefusal, string> = {
  budget: 'every WebRTC seat of this node is taken',
  cpu: 'this node is busy',
  crowd: 'many viewers are joining this node at once',
};
