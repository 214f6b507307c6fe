import type { HealthSampler } from '../media/health/HealthSampler';
import type { HealthSample } from '../media/health/types';
import { assertCan } from '../server/auth/permissions';
import type { AlertEngine } from '../server/ops/AlertEngine';
import { viewForEvent } from '../server/ops/healthView';
import { splitStageKey } from '../server/stageKey';
import type { UplinkWarning } from '../server/ops/views';
import type { AlertRecord } from '../server/store/records';
import { EmptyDto } from './dto';
import { healthRoom, opsRoom, participantRoom } from './rooms';
import type { HandleRequest, ParticipantSocket, SignalingIo } from './socketTypes';

/** The node's health sampler and alert engine, as signaling sees them. */
export interface OpsFeed {
  health: HealthSampler;
  alerts: AlertEngine;
}

/**
 * Pushes samples, alerts and uplink warnings to the rooms that should hear them: a sample to each
 * event's health room, filtered to that event's stages; an alert to its event's room, or to every
 * subscriber when it is node-wide; an uplink warning to the speaker's own connections.
 * Knows which events have subscribers here, so a sample costs one emit per such event, whatever the
 * number of other connections.
 */
export class HealthFanout {
  /** event id → ids of this node's sockets subscribed to it. */
  readonly #subscribers = new Map<string, Set<string>>();
  readonly #detach: () => void;

  constructor(
    private readonly io: SignalingIo,
    readonly feed: OpsFeed,
  ) {
    const onSample = (sample: HealthSample): void => this.#sample(sample);
    const onRaised = (alert: AlertRecord): void => {
      this.#roomsOf(alert).emit('alertRaised', alert);
    };
    const onCleared = (alert: AlertRecord): void => {
      this.#roomsOf(alert).emit('alertCleared', alert);
    };
    const onUplink = (warning: UplinkWarning): void => {
      io.to(participantRoom(warning.participantId)).emit('uplinkWarning', warning);
    };
    feed.health.on('sample', onSample);
    feed.alerts.on('raised', onRaised);
    feed.alerts.on('cleared', onCleared);
    feed.alerts.on('uplink', onUplink);
    this.#detach = () => {
      feed.health.off('sample', onSample);
      feed.alerts.off('raised', onRaised);
      feed.alerts.off('cleared', onCleared);
      feed.alerts.off('uplink', onUplink);
    };
  }

  async subscribe(socket: ParticipantSocket, eventId: string): Promise<void> {
    await socket.join([healthRoom(eventId), opsRoom()]);
    let sockets = this.#subscribers.get(eventId);
    if (!sockets) this.#subscribers.set(eventId, (sockets = new Set()));
    sockets.add(socket.id);
  }

  async unsubscribe(socket: ParticipantSocket, eventId: string): Promise<void> {
    await socket.leave(healthRoom(eventId));
    await socket.leave(opsRoom());
    this.forget(socket.id, eventId);
  }

  /** A subscriber disconnected (Socket.IO already took it out of its rooms). */
  forget(socketId: string, eventId: string): void {
    const sockets = this.#subscribers.get(eventId);
    if (!sockets) return;
    sockets.delete(socketId);
    if (sockets.size === 0) this.#subscribers.delete(eventId);
  }

  close(): void {
    this.#detach();
    this.#subscribers.clear();
  }

  #sample(sample: HealthSample): void {
    // Events with a subscriber here, and those with stages in the sample: with the Redis adapter their
    // subscribers may be connected to another node.
    const events = new Set(this.#subscribers.keys());
    for (const stage of sample.stages) events.add(splitStageKey(stage.key).eventId);
    for (const eventId of events) this.io.to(healthRoom(eventId)).emit('healthSample', viewForEvent(sample, eventId));
  }

  #roomsOf(alert: AlertRecord): ReturnType<SignalingIo['to']> {
    return this.io.to(alert.eventId === '' ? opsRoom() : healthRoom(alert.eventId));
  }
}

/** subscribeHealth / unsubscribeHealth: ops, hosts and admins follow their event's stream health live. */
export function registerOpsHandlers(handle: HandleRequest, socket: ParticipantSocket, fanout: HealthFanout): void {
  const { health, alerts } = fanout.feed;
  let subscribed = false;

  handle(socket, 'subscribeHealth', EmptyDto, async (_dto, { principal }) => {
    assertCan(principal, 'health.view');
    await fanout.subscribe(socket, principal.eventId);
    subscribed = true;
    const latest = health.latest();
    return {
      nodeId: health.nodeId,
      intervalMs: health.intervalMs,
      sample: latest ? viewForEvent(latest, principal.eventId) : null,
      alerts: alerts.openAlerts(principal.eventId),
    };
  });

  handle(socket, 'unsubscribeHealth', EmptyDto, async (_dto, { principal }) => {
    await fanout.unsubscribe(socket, principal.eventId);
    subscribed = false;
    return {};
  });

  socket.on('disconnect', () => {
    if (subscribed) fanout.forget(socket.id, socket.data.principal.eventId);
  });
}
