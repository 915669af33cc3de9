// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** Wire records: an interface and a strict little-endian codec per record. */

import { type AddrFamily, isAddrFamily, type MemKind, isMemKind, type FrameType, isFrameType, type UserStreamCtlEventKind, isUserStreamCtlEventKind, type SsfMsgType, isSsfMsgType } from './constants';

/**
 * A record that cannot be decoded or encoded: `'truncated'` (too few bytes), `'range'` (an
 * unknown enum value, unknown flag bits, a value outside its type or its `range`, or a value of
 * the wrong shape) or `'const'` (a magic or version that is not the one constant allowed).
 */
export type RecordErrorKind = 'truncated' | 'range' | 'const';

/** Thrown by a codec: `kind` says what was wrong, `record` and `field` where. */
export class RecordError extends Error {
  /**
   * @param kind What was wrong.
   * @param record The IDL name of the record decoded or encoded (`conn_info`).
   * @param field The path of the field (`channels[2].family`); empty for the record as a whole.
   * @param detail What was found and what was expected.
   */
  constructor(
    readonly kind: RecordErrorKind,
    readonly record: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${record}${field ? '.' + field : ''}: ${detail}`);
    this.name = 'RecordError';
  }
}

/** Where a field lies in its record. */
export interface FieldLayout {
  /** Byte offset from the start of the record. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
}

/** The codec of one record type. */
export interface RecordCodec<T> {
  /** The IDL name of the record. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Alignment in bytes (1 for packed records). */
  readonly align: number;
  /** The layout of every field, by name. */
  readonly fields: { readonly [K in keyof T]-?: FieldLayout };
  /** Encodes `v` into new bytes; throws a RecordError when `v` is not a valid value. */
  encode(v: T): Uint8Array;
  /** Encodes `v` at `offset` of `view`; throws a RecordError (and writes nothing) when `v` is not valid or does not fit. */
  encodeInto(v: T, view: DataView, offset: number): void;
  /** Decodes the record at `offset` of `bytes`; throws a RecordError for short input or invalid contents. */
  decode(bytes: Uint8Array, offset?: number): T;
}

/** A value as an error message shows it. */
function show(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'number' || typeof x === 'boolean' || x === undefined || x === null) return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x instanceof Uint8Array) return `a Uint8Array of ${x.length} bytes`;
  if (Array.isArray(x)) return `an array of ${x.length} elements`;
  return `a value of type ${typeof x}`;
}

/** Throws unless `offset` is a valid position with `size` bytes of `available` after it. */
function need(available: number, offset: number, size: number, record: string): void {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${record}: offset ${show(offset)} is not a non-negative integer`);
  if (available - offset < size) {
    throw new RecordError('truncated', record, '', `needs ${size} bytes at offset ${offset}, but ${Math.max(available - offset, 0)} are there`);
  }
}

/** One ready fd, as `spear_epoll_wait` writes it: one record per fd, events OR-merged. (record `epoll_event`: 8 bytes, packed, align 1) */
export interface EpollEvent {
  /** The ready fd. (`i32` at offset 0) */
  fd: number;
  /** The events that are ready. (`epoll_events` at offset 4) */
  events: number;
}

/** Decodes `epoll_event` at `offset`, which the caller has checked holds 8 bytes. */
function readEpollEvent(view: DataView, offset: number, record: string, path: string): EpollEvent {
  const fd = view.getInt32(offset, true);
  const events = view.getUint32(offset + 4, true);
  if ((events & 0xffffffe2) !== 0) throw new RecordError('range', record, `${path}events`, `0x${events.toString(16)} has bits outside flags epoll_events (IN|OUT|ERR|HUP = 0x1d)`);
  return { fd, events };
}

/** Throws a RecordError unless `v` is a valid `epoll_event`. */
function checkEpollEvent(v: EpollEvent, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected an epoll_event object, got ${show(v)}`);
  const fd = v.fd;
  if (!(Number.isInteger(fd) && fd >= -2147483648 && fd <= 2147483647)) throw new RecordError('range', record, `${path}fd`, `${show(fd)} is not an i32 (-2147483648..2147483647)`);
  const events = v.events;
  if (!(Number.isInteger(events) && events >= 0 && events <= 4294967295 && (events & 0xffffffe2) === 0)) throw new RecordError('range', record, `${path}events`, `${show(events)} is not a mask of flags epoll_events (IN|OUT|ERR|HUP)`);
}

/** Writes a checked `epoll_event` at `offset`, which the caller has checked has room for 8 bytes. */
function writeEpollEvent(v: EpollEvent, view: DataView, offset: number): void {
  view.setInt32(offset, v.fd, true);
  view.setUint32(offset + 4, v.events, true);
}

/** The codec of `epoll_event` (8 bytes, little-endian). */
export const EpollEventCodec: RecordCodec<EpollEvent> = {
  name: 'epoll_event',
  size: 8,
  align: 1,
  fields: {
    fd: { offset: 0, size: 4 },
    events: { offset: 4, size: 4 },
  },
  encode(v: EpollEvent): Uint8Array {
    checkEpollEvent(v, 'epoll_event', '');
    const bytes = new Uint8Array(8);
    writeEpollEvent(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: EpollEvent, view: DataView, offset: number): void {
    need(view.byteLength, offset, 8, 'epoll_event');
    checkEpollEvent(v, 'epoll_event', '');
    writeEpollEvent(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): EpollEvent {
    need(bytes.byteLength, offset, 8, 'epoll_event');
    return readEpollEvent(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'epoll_event', '');
  },
};

/** One listening endpoint of a session. (record `conn_channel`: 20 bytes, packed, align 1) */
export interface ConnChannel {
  /** Address family. (`addr_family` at offset 0) */
  family: AddrFamily;
  /** TCP port (little-endian like every field). (`u16` at offset 2) */
  port: number;
  /** Address bytes in network order (IPv4: the first 4). (`u8[16]` at offset 4) */
  addr: Uint8Array;
}

/** Decodes `conn_channel` at `offset`, which the caller has checked holds 20 bytes. */
function readConnChannel(view: DataView, offset: number, record: string, path: string): ConnChannel {
  const family = view.getUint16(offset, true);
  if (!isAddrFamily(family)) throw new RecordError('range', record, `${path}family`, `${family} is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)`);
  const port = view.getUint16(offset + 2, true);
  const addr = new Uint8Array(view.buffer, view.byteOffset + offset + 4, 16).slice();
  return { family, port, addr };
}

/** Throws a RecordError unless `v` is a valid `conn_channel`. */
function checkConnChannel(v: ConnChannel, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a conn_channel object, got ${show(v)}`);
  const family = v.family;
  if (!isAddrFamily(family)) throw new RecordError('range', record, `${path}family`, `${show(family)} is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)`);
  const port = v.port;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RecordError('range', record, `${path}port`, `${show(port)} is not a u16 (0..65535)`);
  const addr = v.addr;
  if (!(addr instanceof Uint8Array && addr.length === 16)) throw new RecordError('range', record, `${path}addr`, `expected a Uint8Array of 16 bytes, got ${show(addr)}`);
}

/** Writes a checked `conn_channel` at `offset`, which the caller has checked has room for 20 bytes. */
function writeConnChannel(v: ConnChannel, view: DataView, offset: number): void {
  view.setUint16(offset, v.family, true);
  view.setUint16(offset + 2, v.port, true);
  new Uint8Array(view.buffer, view.byteOffset + offset + 4, 16).set(v.addr);
}

/** The codec of `conn_channel` (20 bytes, little-endian). */
export const ConnChannelCodec: RecordCodec<ConnChannel> = {
  name: 'conn_channel',
  size: 20,
  align: 1,
  fields: {
    family: { offset: 0, size: 2 },
    port: { offset: 2, size: 2 },
    addr: { offset: 4, size: 16 },
  },
  encode(v: ConnChannel): Uint8Array {
    checkConnChannel(v, 'conn_channel', '');
    const bytes = new Uint8Array(20);
    writeConnChannel(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: ConnChannel, view: DataView, offset: number): void {
    need(view.byteLength, offset, 20, 'conn_channel');
    checkConnChannel(v, 'conn_channel', '');
    writeConnChannel(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): ConnChannel {
    need(bytes.byteLength, offset, 20, 'conn_channel');
    return readConnChannel(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'conn_channel', '');
  },
};

/** The connection-info blob that `Session.listen()` returns, sent to the peer out of band. (record `conn_info`: 176 bytes, packed, align 1) */
export interface ConnInfo {
  /** `HWCI`. (`u32` at offset 0; always `0x49435748`) */
  magic: number;
  /** Major ABI version of the writer. (`u16` at offset 4) */
  abi_major: number;
  /** Channels in use. (`u16` at offset 6; in 1..8) */
  channel_count: number;
  /** Random session nonce; channels present it in HELLO. (`u64` at offset 8) */
  nonce: bigint;
  /** Endpoints; entries past `channel_count` are zero. (`conn_channel[8]` at offset 16) */
  channels: ConnChannel[];
}

/** Decodes `conn_info` at `offset`, which the caller has checked holds 176 bytes. */
function readConnInfo(view: DataView, offset: number, record: string, path: string): ConnInfo {
  const magic = view.getUint32(offset, true);
  if (magic !== 0x49435748) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x49435748`);
  const abi_major = view.getUint16(offset + 4, true);
  const channel_count = view.getUint16(offset + 6, true);
  if (channel_count < 1 || channel_count > 8) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is outside 1..8`);
  const nonce = view.getBigUint64(offset + 8, true);
  const channels: ConnChannel[] = [];
  for (let i = 0; i < 8; i++) {
    const channels_i = readConnChannel(view, offset + 16 + i * 20, record, `${path}channels[${i}].`);
    channels.push(channels_i);
  }
  return { magic, abi_major, channel_count, nonce, channels };
}

/** Throws a RecordError unless `v` is a valid `conn_info`. */
function checkConnInfo(v: ConnInfo, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a conn_info object, got ${show(v)}`);
  const magic = v.magic;
  if (!(Number.isInteger(magic) && magic >= 0 && magic <= 4294967295)) throw new RecordError('range', record, `${path}magic`, `${show(magic)} is not a u32 (0..4294967295)`);
  if (magic !== 0x49435748) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x49435748`);
  const abi_major = v.abi_major;
  if (!(Number.isInteger(abi_major) && abi_major >= 0 && abi_major <= 65535)) throw new RecordError('range', record, `${path}abi_major`, `${show(abi_major)} is not a u16 (0..65535)`);
  const channel_count = v.channel_count;
  if (!(Number.isInteger(channel_count) && channel_count >= 0 && channel_count <= 65535)) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is not a u16 (0..65535)`);
  if (channel_count < 1 || channel_count > 8) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is outside 1..8`);
  const nonce = v.nonce;
  if (!(typeof nonce === 'bigint' && nonce >= 0n && nonce <= 18446744073709551615n)) throw new RecordError('range', record, `${path}nonce`, `${show(nonce)} is not a u64 (0..18446744073709551615)`);
  const channels = v.channels;
  if (!(Array.isArray(channels) && channels.length === 8)) throw new RecordError('range', record, `${path}channels`, `expected an array of 8 elements, got ${show(channels)}`);
  for (let i = 0; i < 8; i++) {
    const channels_i = channels[i]!; // a hole is undefined, which the check below rejects
    checkConnChannel(channels_i, record, `${path}channels[${i}].`);
  }
}

/** Writes a checked `conn_info` at `offset`, which the caller has checked has room for 176 bytes. */
function writeConnInfo(v: ConnInfo, view: DataView, offset: number): void {
  view.setUint32(offset, v.magic, true);
  view.setUint16(offset + 4, v.abi_major, true);
  view.setUint16(offset + 6, v.channel_count, true);
  view.setBigUint64(offset + 8, v.nonce, true);
  for (let i = 0; i < 8; i++) {
    writeConnChannel(v.channels[i]!, view, offset + 16 + i * 20);
  }
}

/** The codec of `conn_info` (176 bytes, little-endian). */
export const ConnInfoCodec: RecordCodec<ConnInfo> = {
  name: 'conn_info',
  size: 176,
  align: 1,
  fields: {
    magic: { offset: 0, size: 4 },
    abi_major: { offset: 4, size: 2 },
    channel_count: { offset: 6, size: 2 },
    nonce: { offset: 8, size: 8 },
    channels: { offset: 16, size: 160 },
  },
  encode(v: ConnInfo): Uint8Array {
    checkConnInfo(v, 'conn_info', '');
    const bytes = new Uint8Array(176);
    writeConnInfo(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: ConnInfo, view: DataView, offset: number): void {
    need(view.byteLength, offset, 176, 'conn_info');
    checkConnInfo(v, 'conn_info', '');
    writeConnInfo(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): ConnInfo {
    need(bytes.byteLength, offset, 176, 'conn_info');
    return readConnInfo(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'conn_info', '');
  },
};

/** A registered region as a peer sees it (what NIXL's getPublicData carries). (record `memory_descriptor`: 32 bytes, packed, align 1) */
export interface MemoryDescriptor {
  /** Base address in the owner's address space. (`u64` at offset 0) */
  base_addr: bigint;
  /** Size in bytes. (`u64` at offset 8) */
  size: bigint;
  /** Memory kind. (`mem_kind` at offset 16) */
  kind: MemKind;
  /** The owner's region id. (`u32` at offset 20) */
  region_id: number;
  /** Random remote key; frames naming the region must carry it. (`u64` at offset 24) */
  rkey: bigint;
}

/** Decodes `memory_descriptor` at `offset`, which the caller has checked holds 32 bytes. */
function readMemoryDescriptor(view: DataView, offset: number, record: string, path: string): MemoryDescriptor {
  const base_addr = view.getBigUint64(offset, true);
  const size = view.getBigUint64(offset + 8, true);
  const kind = view.getUint32(offset + 16, true);
  if (!isMemKind(kind)) throw new RecordError('range', record, `${path}kind`, `${kind} is not a value of enum mem_kind (HOST=0, CUDA=1)`);
  const region_id = view.getUint32(offset + 20, true);
  const rkey = view.getBigUint64(offset + 24, true);
  return { base_addr, size, kind, region_id, rkey };
}

/** Throws a RecordError unless `v` is a valid `memory_descriptor`. */
function checkMemoryDescriptor(v: MemoryDescriptor, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a memory_descriptor object, got ${show(v)}`);
  const base_addr = v.base_addr;
  if (!(typeof base_addr === 'bigint' && base_addr >= 0n && base_addr <= 18446744073709551615n)) throw new RecordError('range', record, `${path}base_addr`, `${show(base_addr)} is not a u64 (0..18446744073709551615)`);
  const size = v.size;
  if (!(typeof size === 'bigint' && size >= 0n && size <= 18446744073709551615n)) throw new RecordError('range', record, `${path}size`, `${show(size)} is not a u64 (0..18446744073709551615)`);
  const kind = v.kind;
  if (!isMemKind(kind)) throw new RecordError('range', record, `${path}kind`, `${show(kind)} is not a value of enum mem_kind (HOST=0, CUDA=1)`);
  const region_id = v.region_id;
  if (!(Number.isInteger(region_id) && region_id >= 0 && region_id <= 4294967295)) throw new RecordError('range', record, `${path}region_id`, `${show(region_id)} is not a u32 (0..4294967295)`);
  const rkey = v.rkey;
  if (!(typeof rkey === 'bigint' && rkey >= 0n && rkey <= 18446744073709551615n)) throw new RecordError('range', record, `${path}rkey`, `${show(rkey)} is not a u64 (0..18446744073709551615)`);
}

/** Writes a checked `memory_descriptor` at `offset`, which the caller has checked has room for 32 bytes. */
function writeMemoryDescriptor(v: MemoryDescriptor, view: DataView, offset: number): void {
  view.setBigUint64(offset, v.base_addr, true);
  view.setBigUint64(offset + 8, v.size, true);
  view.setUint32(offset + 16, v.kind, true);
  view.setUint32(offset + 20, v.region_id, true);
  view.setBigUint64(offset + 24, v.rkey, true);
}

/** The codec of `memory_descriptor` (32 bytes, little-endian). */
export const MemoryDescriptorCodec: RecordCodec<MemoryDescriptor> = {
  name: 'memory_descriptor',
  size: 32,
  align: 1,
  fields: {
    base_addr: { offset: 0, size: 8 },
    size: { offset: 8, size: 8 },
    kind: { offset: 16, size: 4 },
    region_id: { offset: 20, size: 4 },
    rkey: { offset: 24, size: 8 },
  },
  encode(v: MemoryDescriptor): Uint8Array {
    checkMemoryDescriptor(v, 'memory_descriptor', '');
    const bytes = new Uint8Array(32);
    writeMemoryDescriptor(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: MemoryDescriptor, view: DataView, offset: number): void {
    need(view.byteLength, offset, 32, 'memory_descriptor');
    checkMemoryDescriptor(v, 'memory_descriptor', '');
    writeMemoryDescriptor(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): MemoryDescriptor {
    need(bytes.byteLength, offset, 32, 'memory_descriptor');
    return readMemoryDescriptor(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'memory_descriptor', '');
  },
};

/** The header of every frame on a transfer channel; `length` payload bytes follow it. (record `frame_header`: 40 bytes, packed, align 1) */
export interface FrameHeader {
  /** Frame version. (`u8` at offset 0; always `0x1`) */
  version: number;
  /** Frame type. (`frame_type` at offset 1) */
  type: FrameType;
  /** Reserved; zero. (`u16` at offset 2) */
  flags: number;
  /** Payload bytes following the header. (`u32` at offset 4) */
  length: number;
  /** The operation's tag. (`u64` at offset 8) */
  tag: bigint;
  /** The id of the operation the frame concerns; bit 63 marks a receive (DATA and ACK name the receive), so ERROR and CANCEL say which direction they mean. (`u64` at offset 16) */
  msg_id: bigint;
  /** Offset of the payload in the message (RTR: receive capacity; ERROR: errno). (`u64` at offset 24) */
  offset: bigint;
  /** Remote key of the destination region (0 when not used). (`u64` at offset 32) */
  rkey: bigint;
}

/** Decodes `frame_header` at `offset`, which the caller has checked holds 40 bytes. */
function readFrameHeader(view: DataView, offset: number, record: string, path: string): FrameHeader {
  const version = view.getUint8(offset);
  if (version !== 0x1) throw new RecordError('const', record, `${path}version`, `0x${version.toString(16)} is not the constant 0x1`);
  const type = view.getUint8(offset + 1);
  if (!isFrameType(type)) throw new RecordError('range', record, `${path}type`, `${type} is not a value of enum frame_type (HELLO=1, DATA=2, RTR=3, ACK=4, ERROR=5, HEARTBEAT=6, CLOSE=7, EAGER=8, CANCEL=9)`);
  const flags = view.getUint16(offset + 2, true);
  const length = view.getUint32(offset + 4, true);
  const tag = view.getBigUint64(offset + 8, true);
  const msg_id = view.getBigUint64(offset + 16, true);
  const offset_ = view.getBigUint64(offset + 24, true);
  const rkey = view.getBigUint64(offset + 32, true);
  return { version, type, flags, length, tag, msg_id, offset: offset_, rkey };
}

/** Throws a RecordError unless `v` is a valid `frame_header`. */
function checkFrameHeader(v: FrameHeader, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a frame_header object, got ${show(v)}`);
  const version = v.version;
  if (!(Number.isInteger(version) && version >= 0 && version <= 255)) throw new RecordError('range', record, `${path}version`, `${show(version)} is not a u8 (0..255)`);
  if (version !== 0x1) throw new RecordError('const', record, `${path}version`, `0x${version.toString(16)} is not the constant 0x1`);
  const type = v.type;
  if (!isFrameType(type)) throw new RecordError('range', record, `${path}type`, `${show(type)} is not a value of enum frame_type (HELLO=1, DATA=2, RTR=3, ACK=4, ERROR=5, HEARTBEAT=6, CLOSE=7, EAGER=8, CANCEL=9)`);
  const flags = v.flags;
  if (!(Number.isInteger(flags) && flags >= 0 && flags <= 65535)) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is not a u16 (0..65535)`);
  const length = v.length;
  if (!(Number.isInteger(length) && length >= 0 && length <= 4294967295)) throw new RecordError('range', record, `${path}length`, `${show(length)} is not a u32 (0..4294967295)`);
  const tag = v.tag;
  if (!(typeof tag === 'bigint' && tag >= 0n && tag <= 18446744073709551615n)) throw new RecordError('range', record, `${path}tag`, `${show(tag)} is not a u64 (0..18446744073709551615)`);
  const msg_id = v.msg_id;
  if (!(typeof msg_id === 'bigint' && msg_id >= 0n && msg_id <= 18446744073709551615n)) throw new RecordError('range', record, `${path}msg_id`, `${show(msg_id)} is not a u64 (0..18446744073709551615)`);
  const offset_ = v.offset;
  if (!(typeof offset_ === 'bigint' && offset_ >= 0n && offset_ <= 18446744073709551615n)) throw new RecordError('range', record, `${path}offset`, `${show(offset_)} is not a u64 (0..18446744073709551615)`);
  const rkey = v.rkey;
  if (!(typeof rkey === 'bigint' && rkey >= 0n && rkey <= 18446744073709551615n)) throw new RecordError('range', record, `${path}rkey`, `${show(rkey)} is not a u64 (0..18446744073709551615)`);
}

/** Writes a checked `frame_header` at `offset`, which the caller has checked has room for 40 bytes. */
function writeFrameHeader(v: FrameHeader, view: DataView, offset: number): void {
  view.setUint8(offset, v.version);
  view.setUint8(offset + 1, v.type);
  view.setUint16(offset + 2, v.flags, true);
  view.setUint32(offset + 4, v.length, true);
  view.setBigUint64(offset + 8, v.tag, true);
  view.setBigUint64(offset + 16, v.msg_id, true);
  view.setBigUint64(offset + 24, v.offset, true);
  view.setBigUint64(offset + 32, v.rkey, true);
}

/** The codec of `frame_header` (40 bytes, little-endian). */
export const FrameHeaderCodec: RecordCodec<FrameHeader> = {
  name: 'frame_header',
  size: 40,
  align: 1,
  fields: {
    version: { offset: 0, size: 1 },
    type: { offset: 1, size: 1 },
    flags: { offset: 2, size: 2 },
    length: { offset: 4, size: 4 },
    tag: { offset: 8, size: 8 },
    msg_id: { offset: 16, size: 8 },
    offset: { offset: 24, size: 8 },
    rkey: { offset: 32, size: 8 },
  },
  encode(v: FrameHeader): Uint8Array {
    checkFrameHeader(v, 'frame_header', '');
    const bytes = new Uint8Array(40);
    writeFrameHeader(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: FrameHeader, view: DataView, offset: number): void {
    need(view.byteLength, offset, 40, 'frame_header');
    checkFrameHeader(v, 'frame_header', '');
    writeFrameHeader(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): FrameHeader {
    need(bytes.byteLength, offset, 40, 'frame_header');
    return readFrameHeader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'frame_header', '');
  },
};

/** One control event, as `user_stream_ctl_read` writes it. (record `user_stream_ctl_event`: 8 bytes, natural, align 4) */
export interface UserStreamCtlEvent {
  /** The stream. (`u32` at offset 0) */
  stream_id: number;
  /** What happened. (`user_stream_ctl_event_kind` at offset 4) */
  kind: UserStreamCtlEventKind;
}

/** Decodes `user_stream_ctl_event` at `offset`, which the caller has checked holds 8 bytes. */
function readUserStreamCtlEvent(view: DataView, offset: number, record: string, path: string): UserStreamCtlEvent {
  const stream_id = view.getUint32(offset, true);
  const kind = view.getUint32(offset + 4, true);
  if (!isUserStreamCtlEventKind(kind)) throw new RecordError('range', record, `${path}kind`, `${kind} is not a value of enum user_stream_ctl_event_kind (STREAM_CONNECTED=1, SESSION_CLOSED=2)`);
  return { stream_id, kind };
}

/** Throws a RecordError unless `v` is a valid `user_stream_ctl_event`. */
function checkUserStreamCtlEvent(v: UserStreamCtlEvent, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a user_stream_ctl_event object, got ${show(v)}`);
  const stream_id = v.stream_id;
  if (!(Number.isInteger(stream_id) && stream_id >= 0 && stream_id <= 4294967295)) throw new RecordError('range', record, `${path}stream_id`, `${show(stream_id)} is not a u32 (0..4294967295)`);
  const kind = v.kind;
  if (!isUserStreamCtlEventKind(kind)) throw new RecordError('range', record, `${path}kind`, `${show(kind)} is not a value of enum user_stream_ctl_event_kind (STREAM_CONNECTED=1, SESSION_CLOSED=2)`);
}

/** Writes a checked `user_stream_ctl_event` at `offset`, which the caller has checked has room for 8 bytes. */
function writeUserStreamCtlEvent(v: UserStreamCtlEvent, view: DataView, offset: number): void {
  view.setUint32(offset, v.stream_id, true);
  view.setUint32(offset + 4, v.kind, true);
}

/** The codec of `user_stream_ctl_event` (8 bytes, little-endian). */
export const UserStreamCtlEventCodec: RecordCodec<UserStreamCtlEvent> = {
  name: 'user_stream_ctl_event',
  size: 8,
  align: 4,
  fields: {
    stream_id: { offset: 0, size: 4 },
    kind: { offset: 4, size: 4 },
  },
  encode(v: UserStreamCtlEvent): Uint8Array {
    checkUserStreamCtlEvent(v, 'user_stream_ctl_event', '');
    const bytes = new Uint8Array(8);
    writeUserStreamCtlEvent(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: UserStreamCtlEvent, view: DataView, offset: number): void {
    need(view.byteLength, offset, 8, 'user_stream_ctl_event');
    checkUserStreamCtlEvent(v, 'user_stream_ctl_event', '');
    writeUserStreamCtlEvent(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): UserStreamCtlEvent {
    need(bytes.byteLength, offset, 8, 'user_stream_ctl_event');
    return readUserStreamCtlEvent(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'user_stream_ctl_event', '');
  },
};

/** The SSF v1 frame header as it is on the wire; meta and data bytes follow it. (record `ssf_v1_wire_header`: 32 bytes, packed, align 1) */
export interface SsfV1WireHeader {
  /** `SPST`. (`u32` at offset 0; always `0x54535053`) */
  magic: number;
  /** SSF version. (`u16` at offset 4; always `0x1`) */
  version: number;
  /** Header length; meta starts here. (`u16` at offset 6; in 32..65535) */
  header_len: number;
  /** Message type. (`ssf_msg_type` at offset 8) */
  msg_type: SsfMsgType;
  /** Frame flags. (`u16` at offset 10) */
  flags: number;
  /** The stream. (`u32` at offset 12) */
  stream_id: number;
  /** Sequence number. (`u64` at offset 16) */
  seq: bigint;
  /** Bytes of JSON metadata after the header. (`u32` at offset 24) */
  meta_len: number;
  /** Bytes of payload after the metadata. (`u32` at offset 28) */
  data_len: number;
}

/** Decodes `ssf_v1_wire_header` at `offset`, which the caller has checked holds 32 bytes. */
function readSsfV1WireHeader(view: DataView, offset: number, record: string, path: string): SsfV1WireHeader {
  const magic = view.getUint32(offset, true);
  if (magic !== 0x54535053) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x54535053`);
  const version = view.getUint16(offset + 4, true);
  if (version !== 0x1) throw new RecordError('const', record, `${path}version`, `0x${version.toString(16)} is not the constant 0x1`);
  const header_len = view.getUint16(offset + 6, true);
  if (header_len < 32 || header_len > 65535) throw new RecordError('range', record, `${path}header_len`, `${show(header_len)} is outside 32..65535`);
  const msg_type = view.getUint16(offset + 8, true);
  if (!isSsfMsgType(msg_type)) throw new RecordError('range', record, `${path}msg_type`, `${msg_type} is not a value of enum ssf_msg_type (CTRL=1, DATA=2, COMMIT=3)`);
  const flags = view.getUint16(offset + 10, true);
  const stream_id = view.getUint32(offset + 12, true);
  const seq = view.getBigUint64(offset + 16, true);
  const meta_len = view.getUint32(offset + 24, true);
  const data_len = view.getUint32(offset + 28, true);
  return { magic, version, header_len, msg_type, flags, stream_id, seq, meta_len, data_len };
}

/** Throws a RecordError unless `v` is a valid `ssf_v1_wire_header`. */
function checkSsfV1WireHeader(v: SsfV1WireHeader, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a ssf_v1_wire_header object, got ${show(v)}`);
  const magic = v.magic;
  if (!(Number.isInteger(magic) && magic >= 0 && magic <= 4294967295)) throw new RecordError('range', record, `${path}magic`, `${show(magic)} is not a u32 (0..4294967295)`);
  if (magic !== 0x54535053) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x54535053`);
  const version = v.version;
  if (!(Number.isInteger(version) && version >= 0 && version <= 65535)) throw new RecordError('range', record, `${path}version`, `${show(version)} is not a u16 (0..65535)`);
  if (version !== 0x1) throw new RecordError('const', record, `${path}version`, `0x${version.toString(16)} is not the constant 0x1`);
  const header_len = v.header_len;
  if (!(Number.isInteger(header_len) && header_len >= 0 && header_len <= 65535)) throw new RecordError('range', record, `${path}header_len`, `${show(header_len)} is not a u16 (0..65535)`);
  if (header_len < 32 || header_len > 65535) throw new RecordError('range', record, `${path}header_len`, `${show(header_len)} is outside 32..65535`);
  const msg_type = v.msg_type;
  if (!isSsfMsgType(msg_type)) throw new RecordError('range', record, `${path}msg_type`, `${show(msg_type)} is not a value of enum ssf_msg_type (CTRL=1, DATA=2, COMMIT=3)`);
  const flags = v.flags;
  if (!(Number.isInteger(flags) && flags >= 0 && flags <= 65535)) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is not a u16 (0..65535)`);
  const stream_id = v.stream_id;
  if (!(Number.isInteger(stream_id) && stream_id >= 0 && stream_id <= 4294967295)) throw new RecordError('range', record, `${path}stream_id`, `${show(stream_id)} is not a u32 (0..4294967295)`);
  const seq = v.seq;
  if (!(typeof seq === 'bigint' && seq >= 0n && seq <= 18446744073709551615n)) throw new RecordError('range', record, `${path}seq`, `${show(seq)} is not a u64 (0..18446744073709551615)`);
  const meta_len = v.meta_len;
  if (!(Number.isInteger(meta_len) && meta_len >= 0 && meta_len <= 4294967295)) throw new RecordError('range', record, `${path}meta_len`, `${show(meta_len)} is not a u32 (0..4294967295)`);
  const data_len = v.data_len;
  if (!(Number.isInteger(data_len) && data_len >= 0 && data_len <= 4294967295)) throw new RecordError('range', record, `${path}data_len`, `${show(data_len)} is not a u32 (0..4294967295)`);
}

/** Writes a checked `ssf_v1_wire_header` at `offset`, which the caller has checked has room for 32 bytes. */
function writeSsfV1WireHeader(v: SsfV1WireHeader, view: DataView, offset: number): void {
  view.setUint32(offset, v.magic, true);
  view.setUint16(offset + 4, v.version, true);
  view.setUint16(offset + 6, v.header_len, true);
  view.setUint16(offset + 8, v.msg_type, true);
  view.setUint16(offset + 10, v.flags, true);
  view.setUint32(offset + 12, v.stream_id, true);
  view.setBigUint64(offset + 16, v.seq, true);
  view.setUint32(offset + 24, v.meta_len, true);
  view.setUint32(offset + 28, v.data_len, true);
}

/** The codec of `ssf_v1_wire_header` (32 bytes, little-endian). */
export const SsfV1WireHeaderCodec: RecordCodec<SsfV1WireHeader> = {
  name: 'ssf_v1_wire_header',
  size: 32,
  align: 1,
  fields: {
    magic: { offset: 0, size: 4 },
    version: { offset: 4, size: 2 },
    header_len: { offset: 6, size: 2 },
    msg_type: { offset: 8, size: 2 },
    flags: { offset: 10, size: 2 },
    stream_id: { offset: 12, size: 4 },
    seq: { offset: 16, size: 8 },
    meta_len: { offset: 24, size: 4 },
    data_len: { offset: 28, size: 4 },
  },
  encode(v: SsfV1WireHeader): Uint8Array {
    checkSsfV1WireHeader(v, 'ssf_v1_wire_header', '');
    const bytes = new Uint8Array(32);
    writeSsfV1WireHeader(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: SsfV1WireHeader, view: DataView, offset: number): void {
    need(view.byteLength, offset, 32, 'ssf_v1_wire_header');
    checkSsfV1WireHeader(v, 'ssf_v1_wire_header', '');
    writeSsfV1WireHeader(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): SsfV1WireHeader {
    need(bytes.byteLength, offset, 32, 'ssf_v1_wire_header');
    return readSsfV1WireHeader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'ssf_v1_wire_header', '');
  },
};

/** The parsed view of an SSF v1 header, as `sp_ssf_v1_parse_header` fills it. (record `ssf_v1_header`: 32 bytes, natural, align 8) */
export interface SsfV1Header {
  /** Message type. (`u16` at offset 0) */
  msg_type: number;
  /** Frame flags. (`u16` at offset 2) */
  flags: number;
  /** The stream. (`u32` at offset 4) */
  stream_id: number;
  /** Sequence number. (`u64` at offset 8) */
  seq: bigint;
  /** Metadata bytes. (`u32` at offset 16) */
  meta_len: number;
  /** Payload bytes. (`u32` at offset 20) */
  data_len: number;
  /** Header length. (`u16` at offset 24) */
  header_len: number;
}

/** Decodes `ssf_v1_header` at `offset`, which the caller has checked holds 32 bytes. */
function readSsfV1Header(view: DataView, offset: number, _record: string, _path: string): SsfV1Header {
  const msg_type = view.getUint16(offset, true);
  const flags = view.getUint16(offset + 2, true);
  const stream_id = view.getUint32(offset + 4, true);
  const seq = view.getBigUint64(offset + 8, true);
  const meta_len = view.getUint32(offset + 16, true);
  const data_len = view.getUint32(offset + 20, true);
  const header_len = view.getUint16(offset + 24, true);
  return { msg_type, flags, stream_id, seq, meta_len, data_len, header_len };
}

/** Throws a RecordError unless `v` is a valid `ssf_v1_header`. */
function checkSsfV1Header(v: SsfV1Header, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a ssf_v1_header object, got ${show(v)}`);
  const msg_type = v.msg_type;
  if (!(Number.isInteger(msg_type) && msg_type >= 0 && msg_type <= 65535)) throw new RecordError('range', record, `${path}msg_type`, `${show(msg_type)} is not a u16 (0..65535)`);
  const flags = v.flags;
  if (!(Number.isInteger(flags) && flags >= 0 && flags <= 65535)) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is not a u16 (0..65535)`);
  const stream_id = v.stream_id;
  if (!(Number.isInteger(stream_id) && stream_id >= 0 && stream_id <= 4294967295)) throw new RecordError('range', record, `${path}stream_id`, `${show(stream_id)} is not a u32 (0..4294967295)`);
  const seq = v.seq;
  if (!(typeof seq === 'bigint' && seq >= 0n && seq <= 18446744073709551615n)) throw new RecordError('range', record, `${path}seq`, `${show(seq)} is not a u64 (0..18446744073709551615)`);
  const meta_len = v.meta_len;
  if (!(Number.isInteger(meta_len) && meta_len >= 0 && meta_len <= 4294967295)) throw new RecordError('range', record, `${path}meta_len`, `${show(meta_len)} is not a u32 (0..4294967295)`);
  const data_len = v.data_len;
  if (!(Number.isInteger(data_len) && data_len >= 0 && data_len <= 4294967295)) throw new RecordError('range', record, `${path}data_len`, `${show(data_len)} is not a u32 (0..4294967295)`);
  const header_len = v.header_len;
  if (!(Number.isInteger(header_len) && header_len >= 0 && header_len <= 65535)) throw new RecordError('range', record, `${path}header_len`, `${show(header_len)} is not a u16 (0..65535)`);
}

/** Writes a checked `ssf_v1_header` at `offset`, which the caller has checked has room for 32 bytes. */
function writeSsfV1Header(v: SsfV1Header, view: DataView, offset: number): void {
  view.setUint16(offset, v.msg_type, true);
  view.setUint16(offset + 2, v.flags, true);
  view.setUint32(offset + 4, v.stream_id, true);
  view.setBigUint64(offset + 8, v.seq, true);
  view.setUint32(offset + 16, v.meta_len, true);
  view.setUint32(offset + 20, v.data_len, true);
  view.setUint16(offset + 24, v.header_len, true);
  new Uint8Array(view.buffer, view.byteOffset + offset + 26, 6).fill(0); // padding
}

/** The codec of `ssf_v1_header` (32 bytes, little-endian). */
export const SsfV1HeaderCodec: RecordCodec<SsfV1Header> = {
  name: 'ssf_v1_header',
  size: 32,
  align: 8,
  fields: {
    msg_type: { offset: 0, size: 2 },
    flags: { offset: 2, size: 2 },
    stream_id: { offset: 4, size: 4 },
    seq: { offset: 8, size: 8 },
    meta_len: { offset: 16, size: 4 },
    data_len: { offset: 20, size: 4 },
    header_len: { offset: 24, size: 2 },
  },
  encode(v: SsfV1Header): Uint8Array {
    checkSsfV1Header(v, 'ssf_v1_header', '');
    const bytes = new Uint8Array(32);
    writeSsfV1Header(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: SsfV1Header, view: DataView, offset: number): void {
    need(view.byteLength, offset, 32, 'ssf_v1_header');
    checkSsfV1Header(v, 'ssf_v1_header', '');
    writeSsfV1Header(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): SsfV1Header {
    need(bytes.byteLength, offset, 32, 'ssf_v1_header');
    return readSsfV1Header(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'ssf_v1_header', '');
  },
};

/** Every record codec, by IDL record name. */
export const RECORD_CODECS = {
  epoll_event: EpollEventCodec,
  conn_channel: ConnChannelCodec,
  conn_info: ConnInfoCodec,
  memory_descriptor: MemoryDescriptorCodec,
  frame_header: FrameHeaderCodec,
  user_stream_ctl_event: UserStreamCtlEventCodec,
  ssf_v1_wire_header: SsfV1WireHeaderCodec,
  ssf_v1_header: SsfV1HeaderCodec,
} as const;

/** The IDL name of a record. */
export type RecordName = keyof typeof RECORD_CODECS;
