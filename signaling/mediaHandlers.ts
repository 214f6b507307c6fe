import type { types } from 'mediasoup';
import { assertCan, can } from '../server/auth/permissions';
import { AppError } from '../server/errors';
import {
  ConnectTransportDto,
  ConsumeDto,
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
import type { PeerSession } from './PeerSessions';
import type { HandlerContext, SignalingServer, StageSocket } from './SignalingServer';

/** Speakers and hosts publish; so does an attendee whose raised hand was accepted on this stage. */
async function assertMayPublish(signaling: SignalingServer, context: HandlerContext): Promise<void> {
  const { principal } = context;
  const { stageId, media } = sessionOf(context);
  if (!can(principal.role, 'stage.publish') && !(await signaling.conference.hands.mayPublish(principal.id, principal.eventId, stageId))) {
    assertCan(principal, 'stage.publish');
  }
  await signaling.preparePublish(media.stage.key);
}

function sessionOf({ socket }: HandlerContext): PeerSession {
  const session = socket.data.session;
  if (!session) throw new AppError('conflict', 'join a stage first');
  return session;
}

/** The stage media requests: join and resume, transports, producing, consuming, leaving. */
export function registerMediaHandlers(signaling: SignalingServer, socket: StageSocket): void {
  const { sessions } = signaling;

  signaling.handle(socket, 'join', JoinDto, async ({ stageId }, { principal }) => {
    assertCan(principal, 'stage.watch');
    signaling.admission.assertOpen();
    const program = await signaling.conference.program.currentProgram(principal.eventId, stageId);
    const previous = socket.data.session;
    if (previous) sessions.close(previous);
    const stageKey = `${principal.eventId}/${stageId}`;
    const stage = await signaling.media.stage(stageKey);
    signaling.forwardStageEvents(stage);
    const media = await signaling.media.createPeer(stageKey, {
      id: principal.id,
      ownerId: principal.id,
      displayName: principal.name,
      followsProgram: !can(principal.role, 'stage.preview'),
    });
    const session = sessions.create(principal, stageId, media, socket);
    return {
      peerId: session.peerId,
      participantId: principal.id,
      role: principal.role,
      routerRtpCapabilities: stage.rtpCapabilities,
      sources: stage.sources,
      program,
    };
  });

  signaling.handle(socket, 'resume', ResumeDto, async ({ peerId }, { principal }) => {
    const session = sessions.get(peerId);
    // Same answer for "unknown" and "not yours": a peer id is not something to probe for.
    if (!session || session.principal.id !== principal.id || session.principal.eventId !== principal.eventId) {
      throw new AppError('not_found', 'no session to resume; join again');
    }
    if (socket.data.session && socket.data.session !== session) sessions.close(socket.data.session);
    sessions.attach(session, socket);
    const program = await signaling.conference.program.currentProgram(principal.eventId, session.stageId);
    return { peerId, sources: session.media.stage.sources, program, consumerIds: session.media.consumerIds };
  });

  signaling.handle(socket, 'getRouterRtpCapabilities', EmptyDto, async (_dto, context) => {
    return sessionOf(context).media.stage.rtpCapabilities;
  });

  signaling.handle(socket, 'createTransport', CreateTransportDto, async ({ direction }, context) => {
    if (direction === 'send') await assertMayPublish(signaling, context);
    return sessionOf(context).media.createTransport(direction);
  });

  signaling.handle(socket, 'connectTransport', ConnectTransportDto, async ({ transportId, dtlsParameters }, context) => {
    await sessionOf(context).media.connectTransport(transportId, dtlsParameters as types.DtlsParameters);
    return {};
  });

  signaling.handle(socket, 'restartIce', RestartIceDto, async ({ transportId }, context) => {
    return { iceParameters: await sessionOf(context).media.restartIce(transportId) };
  });

  signaling.handle(socket, 'produce', ProduceDto, async ({ transportId, kind, rtpParameters, source }, context) => {
    await assertMayPublish(signaling, context);
    const { msid, ...known } = rtpParameters;
    const producerId = await sessionOf(context).media.produce({
      transportId,
      kind,
      rtpParameters: known as types.RtpParameters,
      source,
    });
    return { producerId };
  });

  signaling.handle(socket, 'closeProducer', ProducerRefDto, async ({ producerId }, context) => {
    sessionOf(context).media.closeProducer(producerId);
    return {};
  });

  signaling.handle(socket, 'consume', ConsumeDto, async ({ producerId, rtpCapabilities }, context) => {
    return sessionOf(context).media.consume(producerId, rtpCapabilities as types.RtpCapabilities);
  });

  signaling.handle(socket, 'resumeConsumer', ConsumerRefDto, async ({ consumerId }, context) => {
    await sessionOf(context).media.resumeConsumer(consumerId);
    return {};
  });

  signaling.handle(socket, 'pauseConsumer', ConsumerRefDto, async ({ consumerId }, context) => {
    await sessionOf(context).media.pauseConsumer(consumerId);
    return {};
  });

  signaling.handle(socket, 'setPreferredLayers', PreferredLayersDto, async ({ consumerId, spatialLayer, temporalLayer }, context) => {
    await sessionOf(context).media.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
    return {};
  });

  signaling.handle(socket, 'leave', EmptyDto, async (_dto, context) => {
    sessions.close(sessionOf(context));
    return {};
  });
}
