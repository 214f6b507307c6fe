import type { types } from 'mediasoup';
import type { MediaPeer } from '../media/MediaPeer';
import type { TransportParams } from '../media/mediaPeerTypes';
import type { SourceInfo } from '../media/types';
import { assertCan, can } from '../server/auth/permissions';
import type { ProgramChange } from '../server/conference/ConferenceBus';
import type { Principal } from '../server/auth/tokens';
import { MAX_ROOM_PUBLISHERS, type MeetingRoomPass } from '../server/desk/MeetingRooms';
import { AppError, toErrorAnswer } from '../server/errors';
import type { StageRecord } from '../server/store/records';
import { assertMayInterpret } from './interpretationHandlers';
import { meetingIdOfStage, stageKey } from '../server/stageKey';
import {
  ConnectTransportDto,
  ConsumeDto,
  ConsumeManyDto,
  ConsumerRefDto,
  CreateTransportDto,
  EmptyDto,
  JoinDto,
  PreferredLayersDto,
  ProduceDto,
  ProducerRefDto,
  RestartIceDto,
  ResumeDto,
} from './dto';
import { validCapabilities } from './capabilities';
import type { HlsAudience } from './HlsAudience';
import type { JoinBacklog } from './JoinBacklog';
import { sendToHls } from './hlsHandlers';
import type { Requester } from './MediaQuota';
import { SEAT_REFUSAL_TEXT, type SeatRefusal } from './WebRtcSeats';
import type { HandleRequest, HandlerContext, ParticipantSocket, StagePeer } from './socketTypes';
import type { StagePeers } from './StagePeers';

/** Exactly what the media requests need of the rest of the node. */
export interface MediaHandlerPorts {
  peers: StagePeers;
  /** Throws `unavailable` while the node drains. */
  assertAdmitting(): void;
  currentProgram(eventId: string, stageId: string): Promise<ProgramChange>;
  /** null when a new viewer gets a WebRTC seat on this node; otherwise why it watches over HLS. */
  seatRefusal(): SeatRefusal | null;
  /** Viewers joined and not receiving yet (admission bounds it: see WebRtcSeats). */
  joinBacklog: JoinBacklog;
  /** Connections watching over HLS: one that joins with media leaves it. */
  audience: HlsAudience;
  /** Whether an attendee's accepted hand lets them publish on the stage. */
  mayPublish(participantId: string, eventId: string, stageId: string): Promise<boolean>;
  /** Opens the stage's media on this node (its source changes then reach the stage's room). */
  openStage(stageKey: string): Promise<{ rtpCapabilities: object; sources: SourceInfo[] }>;
  createMediaPeer(stageKey: string, peer: { participantId: string; displayName: string; followsProgram: boolean }): Promise<MediaPeer>;
  /** In a cluster: a stage without an origin gets this node as origin before anyone publishes here. */
  preparePublish(stageKey: string): Promise<void>;
  /** Lets a delegate into an online meeting's room (server/desk/MeetingRooms.ts), or throws why not. */
  admitToMeeting(principal: Principal, meetingId: string): Promise<MeetingRoomPass>;
  /** The room's media closes on this node when its slot ends. */
  closeRoomAt(stageKey: string, closesAtMs: number): void;
  /** The stage's record (its interpretation channels). */
  stage(eventId: string, stageId: string): Promise<StageRecord>;
}

/** Speakers and hosts publish; so does an attendee whose raised hand was accepted on this stage. */
async function assertMayPublish(ports: MediaHandlerPorts, context: HandlerContext): Promise<void> {
  const { principal } = context;
  const { stageId, media, meetingRoom } = joinedPeer(context);
  if (meetingRoom) {
    assertRoomForPublisher(media.stage.sources, principal.id);
    await ports.preparePublish(media.stage.key);
    return;
  }
  if (!can(principal.role, 'stage.publish') && !(await ports.mayPublish(principal.id, principal.eventId, stageId))) {
    assertCan(principal, 'stage.publish');
  }
  // A token minted for one stage's speaker publishes there only.
  if (principal.stageId !== undefined && principal.stageId !== stageId) {
    throw new AppError('forbidden', `this token publishes on stage ${principal.stageId} only`);
  }
  await ports.preparePublish(media.stage.key);
}

/** A meeting's room has no programme: nothing is on air, and nobody switches. */
function roomProgram(eventId: string, stageId: string): ProgramChange {
  return { eventId, stageId, sourceId: null, lowerThird: null, changedAt: new Date(0).toISOString() };
}

/** A room takes at most MAX_ROOM_PUBLISHERS people publishing; one of them adding a track is no new publisher. */
function assertRoomForPublisher(sources: readonly SourceInfo[], participantId: string): void {
  const publishers = new Set(sources.flatMap((s) => (s.ownerId === null ? [] : [s.ownerId])));
  if (!publishers.has(participantId) && publishers.size >= MAX_ROOM_PUBLISHERS) {
    throw new AppError('conflict', `a meeting room holds at most ${MAX_ROOM_PUBLISHERS} people publishing`);
  }
}

/** An interpreter sends from their token's stage only (which booth is checked per producer). */
async function assertInterpreterStage(ports: MediaHandlerPorts, context: HandlerContext): Promise<void> {
  const { stageId, media } = joinedPeer(context);
  if (context.principal.stageId !== stageId)
    throw new AppError('forbidden', `this token interprets on stage ${context.principal.stageId} only`);
  await ports.preparePublish(media.stage.key);
}

/** Whom the media caps count a request against: the token's subject and the connection's address. */
function requesterOf({ socket, principal }: HandlerContext): Requester {
  return { participantId: principal.id, ip: socket.data.clientIp };
}

function joinedPeer({ socket }: HandlerContext): StagePeer {
  const peer = socket.data.peer;
  if (!peer) throw new AppError('conflict', 'join a stage first');
  return peer;
}

/** The stage media requests: join and resume, transports, producing, consuming, leaving. */
export function registerMediaHandlers(handle: HandleRequest, socket: ParticipantSocket, ports: MediaHandlerPorts): void {
  const { peers } = ports;

  /** A transport for the joined peer, counted against its participant's and address's caps. */
  const openTransport = async (direction: 'send' | 'recv', context: HandlerContext): Promise<TransportParams> => {
    const { media } = joinedPeer(context);
    const release = peers.quota.reserveTransport(requesterOf(context));
    try {
      return await media.createTransport(direction);
    } finally {
      release();
    }
  };

  handle(socket, 'join', JoinDto, async ({ stageId, recvTransport }, context) => {
    const { principal } = context;
    assertCan(principal, 'stage.watch');
    ports.assertAdmitting();
    const meetingId = meetingIdOfStage(stageId);
    const meetingRoom = meetingId === null ? null : await ports.admitToMeeting(principal, meetingId);
    // In a meeting's room everyone sees everyone; on a stage, only hosts and ops receive more than the program.
    const followsProgram = meetingRoom === null && !can(principal.role, 'stage.preview');
    // Viewers take a WebRTC seat while the node has one; speakers and accepted hands always do.
    const publishes = can(principal.role, 'stage.publish') || can(principal.role, 'stage.interpret');
    const refusal = followsProgram && !publishes ? ports.seatRefusal() : null;
    if (refusal && !(await ports.mayPublish(principal.id, principal.eventId, stageId))) sendToHls(refusal, SEAT_REFUSAL_TEXT[refusal]);
    const program = meetingRoom ? roomProgram(principal.eventId, stageId) : await ports.currentProgram(principal.eventId, stageId);
    ports.audience.remove(socket);
    const previous = socket.data.peer;
    if (previous) peers.close(previous);
    // Nothing is opened for a participant or an address over its cap; a parked peer of the same
    // participant makes room first (it is replaced, not added to).
    peers.replaceParked(principal.id, stageId);
    const release = peers.quota.reservePeer(requesterOf(context));
    let peer: StagePeer;
    let stage: Awaited<ReturnType<MediaHandlerPorts['openStage']>>;
    try {
      const key = stageKey(principal.eventId, stageId);
      stage = await ports.openStage(key);
      const media = await ports.createMediaPeer(key, {
        participantId: principal.id,
        displayName: principal.name,
        followsProgram,
      });
      peer = peers.create(principal, stageId, media, socket, meetingRoom);
    } finally {
      release();
    }
    let recv: TransportParams | undefined;
    if (recvTransport) {
      // A join that cannot have its transport is no join: the client's retry starts from nothing.
      recv = await openTransport('recv', context).catch((error: unknown) => {
        peers.close(peer);
        throw error;
      });
    }
    if (meetingRoom) ports.closeRoomAt(peer.stageKey, meetingRoom.closesAtMs);
    if (followsProgram) {
      const settle = (): void => ports.joinBacklog.settle(peer);
      ports.joinBacklog.add(peer);
      peer.media.once('@close', settle);
    }
    return {
      peerId: peer.peerId,
      participantId: principal.id,
      role: principal.role,
      routerRtpCapabilities: stage.rtpCapabilities,
      sources: stage.sources,
      program,
      ...(recv ? { recvTransport: recv } : {}),
    };
  });

  handle(socket, 'resume', ResumeDto, async ({ peerId }, { principal }) => {
    const peer = peers.get(peerId);
    // Same answer for "unknown" and "not yours": a peer id is not something to probe for.
    if (!peer || peer.principal.id !== principal.id || peer.principal.eventId !== principal.eventId) {
      throw new AppError('not_found', 'nothing to resume under this peer id; join again');
    }
    if (socket.data.peer && socket.data.peer !== peer) peers.close(socket.data.peer);
    peers.attach(peer, socket);
    const program = await ports.currentProgram(principal.eventId, peer.stageId);
    return { peerId, sources: peer.media.stage.sources, program, consumerIds: peer.media.consumerIds };
  });

  handle(socket, 'getRouterRtpCapabilities', EmptyDto, async (_dto, context) => {
    return joinedPeer(context).media.stage.rtpCapabilities;
  });

  handle(socket, 'createTransport', CreateTransportDto, async ({ direction }, context) => {
    if (direction === 'send' && can(context.principal.role, 'stage.interpret')) await assertInterpreterStage(ports, context);
    else if (direction === 'send') await assertMayPublish(ports, context);
    return openTransport(direction, context);
  });

  handle(socket, 'connectTransport', ConnectTransportDto, async ({ transportId, dtlsParameters }, context) => {
    await joinedPeer(context).media.connectTransport(transportId, dtlsParameters);
    return {};
  });

  handle(socket, 'restartIce', RestartIceDto, async ({ transportId }, context) => {
    return { iceParameters: await joinedPeer(context).media.restartIce(transportId) };
  });

  handle(socket, 'produce', ProduceDto, async ({ transportId, kind, rtpParameters, source, language }, context) => {
    let channel: string | undefined;
    if (source === 'interpretation') {
      const { stageId, media } = joinedPeer(context);
      channel = await assertMayInterpret(ports, context, { stageId, kind, language });
      await ports.preparePublish(media.stage.key);
    } else {
      if (language !== undefined) throw new AppError('bad_request', 'language goes with source interpretation only');
      await assertMayPublish(ports, context);
    }
    const { msid: _msid, ...known } = rtpParameters;
    const producerId = await joinedPeer(context).media.produce({
      transportId,
      kind,
      rtpParameters: known,
      source,
      ...(channel === undefined ? {} : { language: channel }),
    });
    return { producerId };
  });

  handle(socket, 'closeProducer', ProducerRefDto, async ({ producerId }, context) => {
    joinedPeer(context).media.closeProducer(producerId);
    return {};
  });

  handle(socket, 'consume', ConsumeDto, async ({ producerId, rtpCapabilities }, context) => {
    const capabilities = await validCapabilities(rtpCapabilities);
    return joinedPeer(context).media.consume(producerId, capabilities as types.RtpCapabilities);
  });

  handle(socket, 'consumeMany', ConsumeManyDto, async ({ rtpCapabilities, consumers }, context) => {
    const peer = joinedPeer(context);
    const capabilities = await validCapabilities(rtpCapabilities);
    const settled = await Promise.allSettled(
      // Each consume normalises its capabilities in place (mediasoup): a copy each.
      consumers.map(({ producerId, paused }) =>
        peer.media.consume(producerId, structuredClone(capabilities) as types.RtpCapabilities, { paused }),
      ),
    );
    // A refusal is that producer's alone. Anything else is a fault, answered (and logged) as the
    // request's: what the request did make is closed, so the client's retry starts from nothing.
    const fault = settled.find((result) => result.status === 'rejected' && toErrorAnswer(result.reason).unexpected);
    if (fault?.status === 'rejected') {
      for (const result of settled) if (result.status === 'fulfilled') peer.media.closeConsumer(result.value.id);
      throw fault.reason;
    }
    const answers = settled.map((result, i) => {
      if (result.status === 'fulfilled') return { ok: true as const, consumer: result.value };
      const { body } = toErrorAnswer(result.reason);
      return { ok: false as const, producerId: consumers[i].producerId, error: { code: body.code, message: body.message } };
    });
    if (answers.some((a) => a.ok && !a.consumer.paused)) ports.joinBacklog.settle(peer);
    return { consumers: answers };
  });

  handle(socket, 'resumeConsumer', ConsumerRefDto, async ({ consumerId }, context) => {
    const peer = joinedPeer(context);
    await peer.media.resumeConsumer(consumerId);
    ports.joinBacklog.settle(peer);
    return {};
  });

  handle(socket, 'pauseConsumer', ConsumerRefDto, async ({ consumerId }, context) => {
    await joinedPeer(context).media.pauseConsumer(consumerId);
    return {};
  });

  handle(socket, 'setPreferredLayers', PreferredLayersDto, async ({ consumerId, spatialLayer, temporalLayer }, context) => {
    await joinedPeer(context).media.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
    return {};
  });

  handle(socket, 'leave', EmptyDto, async (_dto, context) => {
    peers.close(joinedPeer(context));
    return {};
  });
}
