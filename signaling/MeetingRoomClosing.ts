/**
 * Closes each online meeting's room on this node when its slot ends: the room's media closes, its
 * participants are told their media is gone, and their join again is refused (the meeting is over).
 */
export class MeetingRoomClosing {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly closeStage: (stageKey: string) => void) {}

  /** At `closesAtMs` the room's media closes; arming a room again changes nothing. */
  arm(stageKey: string, closesAtMs: number): void {
    if (this.#timers.has(stageKey)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(stageKey);
        this.closeStage(stageKey);
      },
      Math.max(0, closesAtMs - Date.now()),
    );
    timer.unref();
    this.#timers.set(stageKey, timer);
  }

  /** The meeting was cancelled: its room closes now rather than at the end of its slot. */
  closeNow(stageKey: string): void {
    clearTimeout(this.#timers.get(stageKey));
    this.#timers.delete(stageKey);
    this.closeStage(stageKey);
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
