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

/** One ready fd, as `spear_epoll_wait` writes it: one record per fd, events OR-merged, records in ascending fd order. (record `epoll_event`: 8 bytes, packed, align 1) */
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

/** One address of a listening session: every channel listens on it, at the channel's port. (record `conn_addr`: 18 bytes, packed, align 1) */
export interface ConnAddr {
  /** Address family. (`addr_family` at offset 0) */
  family: AddrFamily;
  /** Address bytes in network order (IPv4: the first 4). (`u8[16]` at offset 2) */
  addr: Uint8Array;
}

/** Decodes `conn_addr` at `offset`, which the caller has checked holds 18 bytes. */
function readConnAddr(view: DataView, offset: number, record: string, path: string): ConnAddr {
  const family = view.getUint16(offset, true);
  if (!isAddrFamily(family)) throw new RecordError('range', record, `${path}family`, `${family} is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)`);
  const addr = new Uint8Array(view.buffer, view.byteOffset + offset + 2, 16).slice();
  return { family, addr };
}

/** Throws a RecordError unless `v` is a valid `conn_addr`. */
function checkConnAddr(v: ConnAddr, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a conn_addr object, got ${show(v)}`);
  const family = v.family;
  if (!isAddrFamily(family)) throw new RecordError('range', record, `${path}family`, `${show(family)} is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)`);
  const addr = v.addr;
  if (!(addr instanceof Uint8Array && addr.length === 16)) throw new RecordError('range', record, `${path}addr`, `expected a Uint8Array of 16 bytes, got ${show(addr)}`);
}

/** Writes a checked `conn_addr` at `offset`, which the caller has checked has room for 18 bytes. */
function writeConnAddr(v: ConnAddr, view: DataView, offset: number): void {
  view.setUint16(offset, v.family, true);
  new Uint8Array(view.buffer, view.byteOffset + offset + 2, 16).set(v.addr);
}

/** The codec of `conn_addr` (18 bytes, little-endian). */
export const ConnAddrCodec: RecordCodec<ConnAddr> = {
  name: 'conn_addr',
  size: 18,
  align: 1,
  fields: {
    family: { offset: 0, size: 2 },
    addr: { offset: 2, size: 16 },
  },
  encode(v: ConnAddr): Uint8Array {
    checkConnAddr(v, 'conn_addr', '');
    const bytes = new Uint8Array(18);
    writeConnAddr(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: ConnAddr, view: DataView, offset: number): void {
    need(view.byteLength, offset, 18, 'conn_addr');
    checkConnAddr(v, 'conn_addr', '');
    writeConnAddr(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): ConnAddr {
    need(bytes.byteLength, offset, 18, 'conn_addr');
    return readConnAddr(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'conn_addr', '');
  },
};

/** The connection-info blob that `Session.listen()` returns, sent to the peer out of band. `magic` and `version_major` keep their place in every version, so a blob of another major version is recognised and refused by name. (record `conn_info`: 180 bytes, packed, align 1) */
export interface ConnInfo {
  /** `HWCI`. (`u32` at offset 0; always `0x49435748`) */
  magic: number;
  /** Major version of the writer's transfer protocol. (`u16` at offset 4) */
  version_major: number;
  /** Minor version of the writer's transfer protocol. (`u16` at offset 6) */
  version_minor: number;
  /** Channels in use. (`u16` at offset 8; in 1..8) */
  channel_count: number;
  /** Addresses in use, in the order a peer should try them. (`u16` at offset 10; in 1..8) */
  addr_count: number;
  /** Random session nonce; channels present it in HELLO. (`u64` at offset 12) */
  nonce: bigint;
  /** The TCP port of each channel; entries past `channel_count` are zero. (`u16[8]` at offset 20) */
  ports: number[];
  /** Addresses; entries past `addr_count` are zero. (`conn_addr[8]` at offset 36) */
  addrs: ConnAddr[];
}

/** Decodes `conn_info` at `offset`, which the caller has checked holds 180 bytes. */
function readConnInfo(view: DataView, offset: number, record: string, path: string): ConnInfo {
  const magic = view.getUint32(offset, true);
  if (magic !== 0x49435748) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x49435748`);
  const version_major = view.getUint16(offset + 4, true);
  const version_minor = view.getUint16(offset + 6, true);
  const channel_count = view.getUint16(offset + 8, true);
  if (channel_count < 1 || channel_count > 8) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is outside 1..8`);
  const addr_count = view.getUint16(offset + 10, true);
  if (addr_count < 1 || addr_count > 8) throw new RecordError('range', record, `${path}addr_count`, `${show(addr_count)} is outside 1..8`);
  const nonce = view.getBigUint64(offset + 12, true);
  const ports: number[] = [];
  for (let i = 0; i < 8; i++) {
    const ports_i = view.getUint16(offset + 20 + i * 2, true);
    ports.push(ports_i);
  }
  const addrs: ConnAddr[] = [];
  for (let i = 0; i < 8; i++) {
    const addrs_i = readConnAddr(view, offset + 36 + i * 18, record, `${path}addrs[${i}].`);
    addrs.push(addrs_i);
  }
  return { magic, version_major, version_minor, channel_count, addr_count, nonce, ports, addrs };
}

/** Throws a RecordError unless `v` is a valid `conn_info`. */
function checkConnInfo(v: ConnInfo, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a conn_info object, got ${show(v)}`);
  const magic = v.magic;
  if (!(Number.isInteger(magic) && magic >= 0 && magic <= 4294967295)) throw new RecordError('range', record, `${path}magic`, `${show(magic)} is not a u32 (0..4294967295)`);
  if (magic !== 0x49435748) throw new RecordError('const', record, `${path}magic`, `0x${magic.toString(16)} is not the constant 0x49435748`);
  const version_major = v.version_major;
  if (!(Number.isInteger(version_major) && version_major >= 0 && version_major <= 65535)) throw new RecordError('range', record, `${path}version_major`, `${show(version_major)} is not a u16 (0..65535)`);
  const version_minor = v.version_minor;
  if (!(Number.isInteger(version_minor) && version_minor >= 0 && version_minor <= 65535)) throw new RecordError('range', record, `${path}version_minor`, `${show(version_minor)} is not a u16 (0..65535)`);
  const channel_count = v.channel_count;
  if (!(Number.isInteger(channel_count) && channel_count >= 0 && channel_count <= 65535)) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is not a u16 (0..65535)`);
  if (channel_count < 1 || channel_count > 8) throw new RecordError('range', record, `${path}channel_count`, `${show(channel_count)} is outside 1..8`);
  const addr_count = v.addr_count;
  if (!(Number.isInteger(addr_count) && addr_count >= 0 && addr_count <= 65535)) throw new RecordError('range', record, `${path}addr_count`, `${show(addr_count)} is not a u16 (0..65535)`);
  if (addr_count < 1 || addr_count > 8) throw new RecordError('range', record, `${path}addr_count`, `${show(addr_count)} is outside 1..8`);
  const nonce = v.nonce;
  if (!(typeof nonce === 'bigint' && nonce >= 0n && nonce <= 18446744073709551615n)) throw new RecordError('range', record, `${path}nonce`, `${show(nonce)} is not a u64 (0..18446744073709551615)`);
  const ports = v.ports;
  if (!(Array.isArray(ports) && ports.length === 8)) throw new RecordError('range', record, `${path}ports`, `expected an array of 8 elements, got ${show(ports)}`);
  for (let i = 0; i < 8; i++) {
    const ports_i = ports[i]!; // a hole is undefined, which the check below rejects
    if (!(Number.isInteger(ports_i) && ports_i >= 0 && ports_i <= 65535)) throw new RecordError('range', record, `${path}ports[${i}]`, `${show(ports_i)} is not a u16 (0..65535)`);
  }
  const addrs = v.addrs;
  if (!(Array.isArray(addrs) && addrs.length === 8)) throw new RecordError('range', record, `${path}addrs`, `expected an array of 8 elements, got ${show(addrs)}`);
  for (let i = 0; i < 8; i++) {
    const addrs_i = addrs[i]!; // a hole is undefined, which the check below rejects
    checkConnAddr(addrs_i, record, `${path}addrs[${i}].`);
  }
}

/** Writes a checked `conn_info` at `offset`, which the caller has checked has room for 180 bytes. */
function writeConnInfo(v: ConnInfo, view: DataView, offset: number): void {
  view.setUint32(offset, v.magic, true);
  view.setUint16(offset + 4, v.version_major, true);
  view.setUint16(offset + 6, v.version_minor, true);
  view.setUint16(offset + 8, v.channel_count, true);
  view.setUint16(offset + 10, v.addr_count, true);
  view.setBigUint64(offset + 12, v.nonce, true);
  for (let i = 0; i < 8; i++) {
    view.setUint16(offset + 20 + i * 2, v.ports[i]!, true);
  }
  for (let i = 0; i < 8; i++) {
    writeConnAddr(v.addrs[i]!, view, offset + 36 + i * 18);
  }
}

/** The codec of `conn_info` (180 bytes, little-endian). */
export const ConnInfoCodec: RecordCodec<ConnInfo> = {
  name: 'conn_info',
  size: 180,
  align: 1,
  fields: {
    magic: { offset: 0, size: 4 },
    version_major: { offset: 4, size: 2 },
    version_minor: { offset: 6, size: 2 },
    channel_count: { offset: 8, size: 2 },
    addr_count: { offset: 10, size: 2 },
    nonce: { offset: 12, size: 8 },
    ports: { offset: 20, size: 16 },
    addrs: { offset: 36, size: 144 },
  },
  encode(v: ConnInfo): Uint8Array {
    checkConnInfo(v, 'conn_info', '');
    const bytes = new Uint8Array(180);
    writeConnInfo(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: ConnInfo, view: DataView, offset: number): void {
    need(view.byteLength, offset, 180, 'conn_info');
    checkConnInfo(v, 'conn_info', '');
    writeConnInfo(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): ConnInfo {
    need(bytes.byteLength, offset, 180, 'conn_info');
    return readConnInfo(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'conn_info', '');
  },
};

/** The payload of a HELLO frame, both ways: the sender's transfer protocol version and its name, whose `name_length` UTF-8 bytes follow this record (the frame's `length` is 8 + `name_length`). `version_major` and `version_minor` keep their place in every version. (record `hello`: 8 bytes, packed, align 1) */
export interface Hello {
  /** Major version of the sender's transfer protocol; a peer of another major is refused (EPROTO). (`u16` at offset 0) */
  version_major: number;
  /** Minor version of the sender's transfer protocol; peers of different minors interoperate. (`u16` at offset 2) */
  version_minor: number;
  /** Bytes of the sender's name that follow (0: the sender announces no name). (`u16` at offset 4; in 0..255) */
  name_length: number;
  /** Zero. (`u16` at offset 6; always `0x0`) */
  reserved: number;
}

/** Decodes `hello` at `offset`, which the caller has checked holds 8 bytes. */
function readHello(view: DataView, offset: number, record: string, path: string): Hello {
  const version_major = view.getUint16(offset, true);
  const version_minor = view.getUint16(offset + 2, true);
  const name_length = view.getUint16(offset + 4, true);
  if (name_length < 0 || name_length > 255) throw new RecordError('range', record, `${path}name_length`, `${show(name_length)} is outside 0..255`);
  const reserved = view.getUint16(offset + 6, true);
  if (reserved !== 0x0) throw new RecordError('const', record, `${path}reserved`, `0x${reserved.toString(16)} is not the constant 0x0`);
  return { version_major, version_minor, name_length, reserved };
}

/** Throws a RecordError unless `v` is a valid `hello`. */
function checkHello(v: Hello, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a hello object, got ${show(v)}`);
  const version_major = v.version_major;
  if (!(Number.isInteger(version_major) && version_major >= 0 && version_major <= 65535)) throw new RecordError('range', record, `${path}version_major`, `${show(version_major)} is not a u16 (0..65535)`);
  const version_minor = v.version_minor;
  if (!(Number.isInteger(version_minor) && version_minor >= 0 && version_minor <= 65535)) throw new RecordError('range', record, `${path}version_minor`, `${show(version_minor)} is not a u16 (0..65535)`);
  const name_length = v.name_length;
  if (!(Number.isInteger(name_length) && name_length >= 0 && name_length <= 65535)) throw new RecordError('range', record, `${path}name_length`, `${show(name_length)} is not a u16 (0..65535)`);
  if (name_length < 0 || name_length > 255) throw new RecordError('range', record, `${path}name_length`, `${show(name_length)} is outside 0..255`);
  const reserved = v.reserved;
  if (!(Number.isInteger(reserved) && reserved >= 0 && reserved <= 65535)) throw new RecordError('range', record, `${path}reserved`, `${show(reserved)} is not a u16 (0..65535)`);
  if (reserved !== 0x0) throw new RecordError('const', record, `${path}reserved`, `0x${reserved.toString(16)} is not the constant 0x0`);
}

/** Writes a checked `hello` at `offset`, which the caller has checked has room for 8 bytes. */
function writeHello(v: Hello, view: DataView, offset: number): void {
  view.setUint16(offset, v.version_major, true);
  view.setUint16(offset + 2, v.version_minor, true);
  view.setUint16(offset + 4, v.name_length, true);
  view.setUint16(offset + 6, v.reserved, true);
}

/** The codec of `hello` (8 bytes, little-endian). */
export const HelloCodec: RecordCodec<Hello> = {
  name: 'hello',
  size: 8,
  align: 1,
  fields: {
    version_major: { offset: 0, size: 2 },
    version_minor: { offset: 2, size: 2 },
    name_length: { offset: 4, size: 2 },
    reserved: { offset: 6, size: 2 },
  },
  encode(v: Hello): Uint8Array {
    checkHello(v, 'hello', '');
    const bytes = new Uint8Array(8);
    writeHello(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: Hello, view: DataView, offset: number): void {
    need(view.byteLength, offset, 8, 'hello');
    checkHello(v, 'hello', '');
    writeHello(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): Hello {
    need(bytes.byteLength, offset, 8, 'hello');
    return readHello(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'hello', '');
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

/** The payload of a WRITE_REQ or READ_REQ frame: which registered region of the target, how many bytes, and (READ) the key of the initiator's destination. (record `remote_access`: 24 bytes, packed, align 1) */
export interface RemoteAccess {
  /** The target's region id, from its `memory_descriptor`. (`u32` at offset 0) */
  region_id: number;
  /** Bit 0 (WRITE): the bytes follow in one EAGER frame, so the target sends no RTR. (`u32` at offset 4; in 0..1) */
  flags: number;
  /** Bytes to move. (`u64` at offset 8) */
  size: bigint;
  /** READ: the key of the initiator's destination region, echoed in the DATA frames; WRITE: 0. (`u64` at offset 16) */
  reply_rkey: bigint;
}

/** Decodes `remote_access` at `offset`, which the caller has checked holds 24 bytes. */
function readRemoteAccess(view: DataView, offset: number, record: string, path: string): RemoteAccess {
  const region_id = view.getUint32(offset, true);
  const flags = view.getUint32(offset + 4, true);
  if (flags < 0 || flags > 1) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is outside 0..1`);
  const size = view.getBigUint64(offset + 8, true);
  const reply_rkey = view.getBigUint64(offset + 16, true);
  return { region_id, flags, size, reply_rkey };
}

/** Throws a RecordError unless `v` is a valid `remote_access`. */
function checkRemoteAccess(v: RemoteAccess, record: string, path: string): void {
  if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), `expected a remote_access object, got ${show(v)}`);
  const region_id = v.region_id;
  if (!(Number.isInteger(region_id) && region_id >= 0 && region_id <= 4294967295)) throw new RecordError('range', record, `${path}region_id`, `${show(region_id)} is not a u32 (0..4294967295)`);
  const flags = v.flags;
  if (!(Number.isInteger(flags) && flags >= 0 && flags <= 4294967295)) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is not a u32 (0..4294967295)`);
  if (flags < 0 || flags > 1) throw new RecordError('range', record, `${path}flags`, `${show(flags)} is outside 0..1`);
  const size = v.size;
  if (!(typeof size === 'bigint' && size >= 0n && size <= 18446744073709551615n)) throw new RecordError('range', record, `${path}size`, `${show(size)} is not a u64 (0..18446744073709551615)`);
  const reply_rkey = v.reply_rkey;
  if (!(typeof reply_rkey === 'bigint' && reply_rkey >= 0n && reply_rkey <= 18446744073709551615n)) throw new RecordError('range', record, `${path}reply_rkey`, `${show(reply_rkey)} is not a u64 (0..18446744073709551615)`);
}

/** Writes a checked `remote_access` at `offset`, which the caller has checked has room for 24 bytes. */
function writeRemoteAccess(v: RemoteAccess, view: DataView, offset: number): void {
  view.setUint32(offset, v.region_id, true);
  view.setUint32(offset + 4, v.flags, true);
  view.setBigUint64(offset + 8, v.size, true);
  view.setBigUint64(offset + 16, v.reply_rkey, true);
}

/** The codec of `remote_access` (24 bytes, little-endian). */
export const RemoteAccessCodec: RecordCodec<RemoteAccess> = {
  name: 'remote_access',
  size: 24,
  align: 1,
  fields: {
    region_id: { offset: 0, size: 4 },
    flags: { offset: 4, size: 4 },
    size: { offset: 8, size: 8 },
    reply_rkey: { offset: 16, size: 8 },
  },
  encode(v: RemoteAccess): Uint8Array {
    checkRemoteAccess(v, 'remote_access', '');
    const bytes = new Uint8Array(24);
    writeRemoteAccess(v, new DataView(bytes.buffer), 0);
    return bytes;
  },
  encodeInto(v: RemoteAccess, view: DataView, offset: number): void {
    need(view.byteLength, offset, 24, 'remote_access');
    checkRemoteAccess(v, 'remote_access', '');
    writeRemoteAccess(v, view, offset);
  },
  decode(bytes: Uint8Array, offset = 0): RemoteAccess {
    need(bytes.byteLength, offset, 24, 'remote_access');
    return readRemoteAccess(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, 'remote_access', '');
  },
};

/** The header of every frame on a transfer channel; `length` payload bytes follow it. (record `frame_header`: 40 bytes, packed, align 1) */
export interface FrameHeader {
  /** Frame version. (`u8` at offset 0; always `0x1`) */
  version: number;
  /** Frame type. (`frame_type` at offset 1) */
  type: FrameType;
  /** 0 for two-sided operations; FRAME_FLAG_INITIATOR or FRAME_FLAG_TARGET on the RTR, EAGER, DATA, ACK, ERROR and CANCEL frames of a one-sided operation (each side keeps one-sided tags apart from two-sided ones, and the ones it initiated apart from the ones it serves); every other bit is reserved and zero. (`u16` at offset 2) */
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
  if (!isFrameType(type)) throw new RecordError('range', record, `${path}type`, `${type} is not a value of enum frame_type (HELLO=1, DATA=2, RTR=3, ACK=4, ERROR=5, HEARTBEAT=6, CLOSE=7, EAGER=8, CANCEL=9, READY=10, WRITE_REQ=11, READ_REQ=12, NOTIF=13)`);
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
  if (!isFrameType(type)) throw new RecordError('range', record, `${path}type`, `${show(type)} is not a value of enum frame_type (HELLO=1, DATA=2, RTR=3, ACK=4, ERROR=5, HEARTBEAT=6, CLOSE=7, EAGER=8, CANCEL=9, READY=10, WRITE_REQ=11, READ_REQ=12, NOTIF=13)`);
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
  /** Message type. The host carries any value uninterpreted, as SPEAR does; the enum names the known ones. (`ssf_msg_type` at offset 8) */
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
  conn_addr: ConnAddrCodec,
  conn_info: ConnInfoCodec,
  hello: HelloCodec,
  memory_descriptor: MemoryDescriptorCodec,
  remote_access: RemoteAccessCodec,
  frame_header: FrameHeaderCodec,
  user_stream_ctl_event: UserStreamCtlEventCodec,
  ssf_v1_wire_header: SsfV1WireHeaderCodec,
  ssf_v1_header: SsfV1HeaderCodec,
} as const;

/** The IDL name of a record. */
export type RecordName = keyof typeof RECORD_CODECS;
