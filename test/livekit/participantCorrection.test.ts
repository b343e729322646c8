import { describe, expect, it } from 'vitest';
import type { ChainRoom } from '../../src/chain/types.js';
import type { ParticipantSummary } from '../../src/livekit/LiveKitGateway.js';
import { chainRoleOf, participantCorrection } from '../../src/livekit/participantCorrection.js';
import { STAGE_MEDIA_ATTRIBUTE, stagePermission } from '../../src/livekit/stagePermission.js';
import { chainRoom } from '../support/chainRooms.js';

const HOST = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const GUEST = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

const room = (status: ChainRoom['status'] = 'Live'): ChainRoom => chainRoom({ id: 3, status });

const participant = (identity: string, overrides: Partial<ParticipantSummary> = {}): ParticipantSummary => ({
  identity,
  state: 'active',
  joinedAtMs: 0,
  permission: stagePermission('viewer'),
  attributes: {},
  standard: true,
  ...overrides,
});

const facts = (coHosts: string[] = [], kicked: string[] = []) => ({
  coHosts,
  blacklisted: (identity: string) => kicked.includes(identity),
});

describe('participantCorrection', () => {
  it('takes the role from the chain: host, active co-host, anyone else', () => {
    expect(chainRoleOf(room(), HOST, [GUEST])).toBe('publisher');
    expect(chainRoleOf(room(), GUEST, [GUEST])).toBe('coHost');
    expect(chainRoleOf(room(), GUEST, [])).toBe('viewer');
  });

  it('promotes an active co-host with viewer permissions and demotes a viewer who can publish', () => {
    expect(participantCorrection(room(), participant(GUEST), facts([GUEST]))).toEqual({
      kind: 'setPermission',
      room: 'room-3',
      identity: GUEST,
      permission: stagePermission('coHost'),
    });
    const publishing = participant(GUEST, { permission: stagePermission('coHost') });
    expect(participantCorrection(room(), publishing, facts())).toEqual({
      kind: 'setPermission',
      room: 'room-3',
      identity: GUEST,
      permission: stagePermission('viewer'),
    });
  });

  it('leaves alone whoever already has their role, an audio co-host included', () => {
    const audio = participant(GUEST, {
      permission: stagePermission('coHost', 'audio'),
      attributes: { [STAGE_MEDIA_ATTRIBUTE]: 'audio' },
    });
    expect(participantCorrection(room(), audio, facts([GUEST]))).toBeNull();
    expect(
      participantCorrection(room(), participant(HOST, { permission: stagePermission('publisher') }), facts()),
    ).toBeNull();
  });

  it('removes a kicked account, but never the host', () => {
    expect(participantCorrection(room(), participant(GUEST), facts([], [GUEST]))).toEqual({
      kind: 'removeParticipant',
      room: 'room-3',
      identity: GUEST,
    });
    const host = participant(HOST, { permission: stagePermission('publisher') });
    expect(participantCorrection(room(), host, facts([], [HOST]))).toBeNull();
  });

  it('ignores rooms that are not open, participants that are not clients, and disconnected ones', () => {
    expect(participantCorrection(room('Ended'), participant(GUEST), facts([GUEST]))).toBeNull();
    expect(participantCorrection(room(), participant(GUEST, { standard: false }), facts([GUEST]))).toBeNull();
    expect(
      participantCorrection(room(), participant(GUEST, { state: 'disconnected' }), facts([GUEST])),
    ).toBeNull();
  });
});
