import { assertCan } from '../server/auth/permissions';
import { AppError } from '../server/errors';
import { stageKey } from '../server/stageKey';
import type { HlsWatchResult, ProgramChange, SourceInfo } from './contract';
import { JoinDto } from './dto';
import type { HlsAudience } from './HlsAudience';
import { stageRoom } from './rooms';
import type { StagePeers } from './StagePeers';
import type { SeatRefusal } from './WebRtcSeats';
import type { HandleRequest, ParticipantSocket } from './socketTypes';

/** What watching over HLS needs of the rest of the node. */
export interface HlsHandlerPorts {
  peers: StagePeers;
  audience: HlsAudience;
  /** Throws `unavailable` while the node drains. */
  assertAdmitting(): void;
  currentProgram(eventId: string, stageId: string): Promise<ProgramChange>;
  /** The stage's sources as this node knows them (none when its media is not open here). */
  sources(stageKey: string): SourceInfo[];
  /** The master playlist's URL for this caller (a playback token for a private event). */
  playlistUrl(eventId: string, stageId: string, caller: { expiresAtMs: number }): Promise<string>;
}

/**
 * `watchHls`: the page plays the stage's HLS stream and keeps its connection for the rest (program
 * changes with their lower-thirds, Q&A, hands). No media peer: a WebRTC seat it held is given back.
 */
export function registerHlsHandlers(handle: HandleRequest, socket: ParticipantSocket, ports: HlsHandlerPorts): void {
  handle(socket, 'watchHls', JoinDto, async ({ stageId }, { principal }): Promise<HlsWatchResult> => {
    assertCan(principal, 'stage.watch');
    ports.assertAdmitting();
    const program = await ports.currentProgram(principal.eventId, stageId);
    const url = await ports.playlistUrl(principal.eventId, stageId, principal);
    if (socket.data.peer) ports.peers.close(socket.data.peer);
    const key = stageKey(principal.eventId, stageId);
    await socket.join(stageRoom(key));
    ports.audience.add(socket, key);
    socket.once('disconnect', () => ports.audience.remove(socket));
    return { participantId: principal.id, sources: ports.sources(key), program, url };
  });
}

/** Throws the answer a join past the node's WebRTC seats gets: watch over HLS, and why. */
export function sendToHls(reason: SeatRefusal, text: string): never {
  throw new AppError('unavailable', `${text}: watch over HLS (standard latency)`, { details: { fallback: 'hls', reason } });
}
