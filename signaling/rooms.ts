/** The Socket.IO room of a stage's joined participants: source changes are broadcast to it. */
export function stageRoom(stageKey: string): string {
  return `stage:${stageKey}`;
}
