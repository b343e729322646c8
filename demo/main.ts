/**
 * The dev demo page: the room list, one room's live events and viewer count, through the client
 * package as an app would use it (bundled from its published build by scripts/buildDemo.ts).
 */
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import {
  type AnyChainEventMessage,
  createLivestreamClient,
  keyringSigner,
  LivestreamApiError,
  type LivestreamClient,
  type RealtimeConnection,
  type Room,
} from '@stardust/livestream-client';

const DEV_KEYS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;
/** The feed keeps this many entries (the page runs for hours; it must not grow without bound). */
const MAX_FEED_ENTRIES = 200;
const PLANCK_PER_DUST = 10n ** 12n;
const KEY_STORAGE = 'stardust-demo-key';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  key: $<HTMLSelectElement>('key'),
  address: $('address'),
  connection: $('connection'),
  rooms: $<HTMLUListElement>('rooms'),
  roomsTotal: $('rooms-total'),
  roomPanel: $('room-panel'),
  roomTitle: $('room-title'),
  roomStatus: $('room-status'),
  roomHost: $('room-host'),
  viewerCount: $('viewer-count'),
  totalGifts: $('total-gifts'),
  lastEvent: $('last-event'),
  tokenButton: $<HTMLButtonElement>('viewer-token'),
  tokenResult: $('token-result'),
  feed: $<HTMLOListElement>('feed'),
};

let client: LivestreamClient;
let connection: RealtimeConnection | undefined;
let rooms: Room[] = [];
let selected: number | undefined;

function dust(planck: string): string {
  const value = BigInt(planck);
  const fraction = (value % PLANCK_PER_DUST).toString().padStart(12, '0').replace(/0+$/, '');
  return `${value / PLANCK_PER_DUST}${fraction ? `.${fraction}` : ''} DUST`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderRooms(): void {
  ui.rooms.replaceChildren(
    ...rooms.map((room) => {
      const button = el('button');
      button.type = 'button';
      button.dataset.testid = `room-${room.id}`;
      button.setAttribute('aria-pressed', String(room.id === selected));
      button.append(
        el('strong', `#${room.id} ${room.title}`),
        el('span', `${room.status} · ${room.roomType} · ${room.currentViewers} watching`, 'room-meta'),
      );
      button.addEventListener('click', () => void selectRoom(room.id));
      const item = el('li');
      item.append(button);
      return item;
    }),
  );
}

async function loadRooms(): Promise<void> {
  try {
    const page = await client.rooms({ limit: 50 });
    rooms = page.rooms;
    ui.roomsTotal.textContent = `(${page.total})`;
    renderRooms();
  } catch (error) {
    addFeed('error', describeError(error), true);
  }
}

function showRoom(room: Room, viewers: number): void {
  ui.roomPanel.hidden = false;
  ui.roomTitle.textContent = `#${room.id} ${room.title}`;
  ui.roomStatus.textContent = room.status;
  ui.roomHost.textContent = room.host;
  ui.viewerCount.textContent = String(viewers);
  ui.totalGifts.textContent = dust(room.totalGifts);
}

function addFeed(type: string, summary: string, isError = false): void {
  const item = el('li', undefined, isError ? 'error' : undefined);
  item.append(el('span', type, 'type'), el('span', summary));
  ui.feed.prepend(item);
  while (ui.feed.children.length > MAX_FEED_ENTRIES) ui.feed.lastElementChild?.remove();
}

function summarize(event: AnyChainEventMessage): string {
  switch (event.type) {
    case 'gift:received':
      return `${short(event.data.sender)} sent gift #${event.data.giftId} ×${event.data.quantity} (${dust(event.data.value)})`;
    case 'viewer:kicked':
      return `${short(event.data.viewer)} was kicked`;
    case 'ticket:purchased':
      return `${short(event.data.buyer)} bought a ticket (${dust(event.data.price)})`;
    case 'cohost:started':
      return `${short(event.data.coHost)} is co-hosting`;
    case 'live:ended':
      return `ended after ${event.data.duration} blocks, ${dust(event.data.totalGifts)} in gifts`;
    default:
      return `block #${event.block.number}`;
  }
}

function short(value: unknown): string {
  const text = String(value);
  return text.length > 14 ? `${text.slice(0, 6)}…${text.slice(-6)}` : text;
}

function describeError(error: unknown): string {
  if (error instanceof LivestreamApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function selectRoom(roomId: number): Promise<void> {
  if (!connection || roomId === selected) return;
  if (selected !== undefined) connection.leave(selected);
  selected = roomId;
  ui.feed.replaceChildren();
  ui.tokenResult.textContent = '';
  renderRooms();
  try {
    await connection.join(roomId);
  } catch (error) {
    addFeed('error', describeError(error), true);
  }
}

function connect(): void {
  connection?.close();
  const live = client.connect();
  connection = live;
  live.on('state', ({ state, retryInMs }) => {
    ui.connection.textContent = state === 'reconnecting' ? `reconnecting in ${retryInMs} ms` : state;
    ui.connection.className = `pill ${state}`;
    if (state === 'open') void loadRooms();
  });
  live.on('room:joined', ({ roomId, room, viewers, lastEventId }) => {
    if (roomId !== selected) return;
    showRoom(room, viewers);
    ui.lastEvent.textContent = lastEventId ?? '—';
    addFeed('room:joined', `watching ${room.title}`);
  });
  live.on('room:reset', ({ roomId }) => {
    if (roomId === selected) addFeed('room:reset', 'events were missed: reloading the room');
  });
  live.on('chain:event', (event) => {
    if (event.roomId !== selected) {
      if (event.type === 'room:created' || event.type === 'room:live') void loadRooms();
      return;
    }
    ui.lastEvent.textContent = event.id;
    addFeed(event.type, summarize(event));
    // The event changed the room (status, gifts): read it again.
    void client.room(event.roomId).then(
      (room) => showRoom(room, Number(ui.viewerCount.textContent) || room.currentViewers),
      () => undefined,
    );
  });
  live.on('viewers:count', ({ roomId, count }) => {
    const listed = rooms.find((room) => room.id === roomId);
    if (listed) listed.currentViewers = count;
    renderRooms();
    if (roomId === selected) ui.viewerCount.textContent = String(count);
  });
  live.on('viewer:joined', ({ roomId, address }) => {
    if (roomId === selected) addFeed('viewer:joined', short(address));
  });
  live.on('viewer:left', ({ roomId, address }) => {
    if (roomId === selected) addFeed('viewer:left', short(address));
  });
  live.on('error', (error) => addFeed(`error ${error.code}`, error.message, true));
  live.on('unknown', ({ message }) => addFeed(message.type, 'a message this page does not know'));
  if (selected !== undefined) {
    const roomId = selected;
    live.join(roomId).catch((error: unknown) => addFeed('error', describeError(error), true));
  }
}

function useKey(name: string): void {
  const signer = name
    ? keyringSigner(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//${name}`))
    : undefined;
  client = createLivestreamClient({ baseUrl: location.origin, ...(signer ? { signer } : {}) });
  ui.address.textContent = signer?.address ?? '';
  ui.tokenButton.disabled = !signer;
  localStorage.setItem(KEY_STORAGE, name);
  connect();
}

async function main(): Promise<void> {
  await cryptoWaitReady();
  for (const name of DEV_KEYS) ui.key.append(new Option(`//${name}`, name));
  ui.key.value = localStorage.getItem(KEY_STORAGE) ?? 'Bob';
  ui.key.addEventListener('change', () => useKey(ui.key.value));
  ui.tokenButton.addEventListener('click', async () => {
    if (selected === undefined) return;
    try {
      const token = await client.viewerToken(selected);
      ui.tokenResult.textContent = `${token.roomName} as ${short(token.identity)}, valid until ${new Date(token.expiresAt).toLocaleTimeString()}`;
    } catch (error) {
      ui.tokenResult.textContent = describeError(error);
    }
  });
  useKey(ui.key.value);
}

void main();
