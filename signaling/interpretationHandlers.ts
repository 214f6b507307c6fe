import type { StageMedia } from '../media/StageMedia';
import { assertCan } from '../server/auth/permissions';
import { hasInterpretation } from '../server/conference/stageLanguages';
import { AppError } from '../server/errors';
import { DEFAULT_FLOOR_LEVEL, type StageRecord } from '../server/store/records';
import { splitStageKey, stageKey } from '../server/stageKey';
import type { StageLanguages } from './contract';
import { EmptyDto } from './dto';
import type { HlsAudience } from './HlsAudience';
import type { HandleRequest, HandlerContext, ParticipantSocket } from './socketTypes';

/** What the language requests need of the rest of the node. */
export interface InterpretationPorts {
  audience: HlsAudience;
  /** The stage's record: its languages are the host's settings (agenda). */
  stage(eventId: string, stageId: string): Promise<StageRecord>;
  /** The stage's media on this node, if it is open here. */
  media(stageKey: string): StageMedia | undefined;
}

/** The stage a connection is on: joined with media, or watching over HLS. */
function stageOf({ socket }: HandlerContext, audience: HlsAudience): string {
  const key = socket.data.peer?.media.stage.key ?? audience.stageKeyOf(socket);
  if (key === undefined) throw new AppError('conflict', 'join a stage first');
  return splitStageKey(key).stageId;
}

/**
 * An interpreter publishes into one booth: the token's stage and language, and only a channel the
 * stage has. Answers the channel's tag as the host spelled it (sources and booths are named by it).
 */
export async function assertMayInterpret(
  ports: Pick<InterpretationPorts, 'stage'>,
  context: HandlerContext,
  request: { stageId: string; kind: string; language: string | undefined },
): Promise<string> {
  const { principal } = context;
  assertCan(principal, 'stage.interpret');
  if (request.kind !== 'audio') throw new AppError('bad_request', 'a language channel carries audio only');
  if (request.language === undefined) throw new AppError('bad_request', 'language is required with source interpretation');
  if (principal.stageId !== request.stageId) throw new AppError('forbidden', `this token interprets on stage ${principal.stageId} only`);
  if (principal.language?.toLowerCase() !== request.language.toLowerCase())
    throw new AppError('forbidden', `this token interprets into ${principal.language} only`);
  const stage = await ports.stage(principal.eventId, request.stageId);
  if (!hasInterpretation(stage, request.language))
    throw new AppError('not_found', `stage ${request.stageId} has no ${request.language} channel; a host adds it to the stage`);
  return (stage.interpretationLanguages ?? []).find((tag) => tag.toLowerCase() === request.language?.toLowerCase()) ?? request.language;
}

function languagesOf(stage: StageRecord, media: StageMedia | undefined, yourLanguage: string | null): StageLanguages {
  const channels = stage.interpretationLanguages ?? [];
  return {
    floorLanguage: stage.floorLanguage ?? null,
    interpretationLanguages: channels,
    floorLevel: stage.floorLevel ?? DEFAULT_FLOOR_LEVEL,
    booths: channels.map(
      (language) =>
        media?.booths.state(language) ?? { language, interpreters: [], liveParticipantId: null, liveSourceId: null, audioLevelDbov: null },
    ),
    yourLanguage,
  };
}

/** The language requests: a stage's channels and booths, and an interpreter's handover. */
export function registerInterpretationHandlers(handle: HandleRequest, socket: ParticipantSocket, ports: InterpretationPorts): void {
  handle(socket, 'getLanguages', EmptyDto, async (_dto, context) => {
    const stageId = stageOf(context, ports.audience);
    const { eventId } = context.principal;
    const stage = await ports.stage(eventId, stageId);
    const own = context.principal.language;
    const yours =
      own === undefined ? null : ((stage.interpretationLanguages ?? []).find((t) => t.toLowerCase() === own.toLowerCase()) ?? own);
    return languagesOf(stage, ports.media(stageKey(eventId, stageId)), yours);
  });

  handle(socket, 'handOver', EmptyDto, async (_dto, context) => {
    const { principal } = context;
    assertCan(principal, 'stage.interpret');
    const peer = context.socket.data.peer;
    if (!peer) throw new AppError('conflict', 'join your stage first');
    if (principal.language === undefined) throw new AppError('forbidden', 'this token names no language');
    const media = ports.media(peer.media.stage.key);
    if (!media) throw new AppError('conflict', 'the stage has no media on this node');
    const tag = media.booths.languages.find((l) => l.toLowerCase() === principal.language?.toLowerCase()) ?? principal.language;
    return media.booths.handOver(tag, principal.id);
  });
}
