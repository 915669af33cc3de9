/**
 * One IDL edit per kind of change, with the exact classification `hostwire diff` must give
 * it (severity, category, path, in report order) and the exit code without a version bump.
 */
import type { Category, Severity } from '../../codegen/diff/change';
import { all, type IdlEdit } from './variant';

export interface Case {
  name: string;
  edit: (idl: IdlEdit) => void;
  expect: Array<[Severity, Category, string]>;
  exitCode: 0 | 1;
}

export const CASES: Case[] = [
  // breaking: removals
  {
    name: 'removing a hostcall',
    edit: (idl) => idl.remove('hostcalls', 'spear_epoll_wait'),
    expect: [['breaking', 'removal', 'hostcalls/spear_epoll_wait']],
    exitCode: 1,
  },
  {
    name: 'removing a method',
    edit: (idl) => {
      const m = idl.item('interfaces', 'Transfer').methods as Array<{ name: string }>;
      m.splice(m.findIndex((x) => x.name === 'is_complete'), 1);
    },
    expect: [['breaking', 'removal', 'interfaces/Transfer/methods/is_complete']],
    exitCode: 1,
  },
  {
    name: 'removing a record field',
    edit: (idl) => {
      const r = idl.item('records', 'user_stream_ctl_event');
      r.fields = r.fields.filter((f: { name: string }) => f.name !== 'kind');
      r.vectors = [];
    },
    expect: [
      ['breaking', 'layout-change', 'records/user_stream_ctl_event'],
      ['breaking', 'removal', 'records/user_stream_ctl_event/fields/kind'],
    ],
    exitCode: 1,
  },
  {
    name: 'removing an enum value',
    edit: (idl) => {
      const e = idl.item('enums', 'fd_kind');
      e.values = e.values.filter((v: { name: string }) => v.name !== 'Mic');
    },
    expect: [['breaking', 'removal', 'enums/fd_kind/values/Mic']],
    exitCode: 1,
  },
  {
    name: 'removing a constant',
    edit: (idl) => idl.remove('constants', 'ALLOC_MAX_TRIES'),
    expect: [['breaking', 'removal', 'constants/ALLOC_MAX_TRIES']],
    exitCode: 1,
  },
  // breaking: renumbering
  {
    name: 'renumbering an errno',
    edit: (idl) => {
      idl.errno('EBADF').value = 8;
    },
    expect: [['breaking', 'renumbering', 'errno/EBADF']],
    exitCode: 1,
  },
  {
    name: 'renumbering an enum value',
    edit: (idl) => {
      idl.member('enums', 'epoll_op', 'values', 'DEL').value = 4;
    },
    expect: [['breaking', 'renumbering', 'enums/epoll_op/values/DEL']],
    exitCode: 1,
  },
  {
    name: 'moving a flag bit',
    edit: (idl) => {
      idl.member('flags', 'cchat_send_flags', 'bits', 'AUTO_TOOL_CALL').bit = 2;
    },
    expect: [['breaking', 'renumbering', 'flags/cchat_send_flags/bits/AUTO_TOOL_CALL']],
    exitCode: 1,
  },
  {
    name: 'changing a constant value',
    edit: (idl) => {
      idl.item('constants', 'LOG_MAX_BYTES').value = 8192;
    },
    expect: [['breaking', 'renumbering', 'constants/LOG_MAX_BYTES']],
    exitCode: 1,
  },
  {
    name: 'renaming the import of a hostcall, nothing else',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_wait').name = 'spear_epoll_wait2';
    },
    expect: [['breaking', 'renumbering', 'hostcalls/spear_epoll_wait']],
    exitCode: 1,
  },
  {
    name: 'renaming a hostcall import and its default C name, nothing else',
    edit: (idl) => {
      idl.item('hostcalls', 'sleep_ms').name = 'sleep_millis';
    },
    expect: [
      ['breaking', 'renumbering', 'hostcalls/sleep_ms'],
      ['source-only', 'rename', 'hostcalls/sleep_millis/c_name'],
    ],
    exitCode: 1,
  },
  {
    name: 'changing the import module',
    edit: (idl) => {
      idl.abi().module = 'spear2';
    },
    expect: [['breaking', 'renumbering', 'abi/module']],
    exitCode: 1,
  },
  // breaking: type changes
  {
    name: 'widening a parameter',
    edit: (idl) => {
      const timeout = idl.member('hostcalls', 'spear_epoll_wait', 'params', 'timeout_ms');
      timeout.type = 'i64';
      delete timeout.timeout; // a host-side retry budget is a 32-bit number of ms
    },
    expect: [
      ['breaking', 'signature-change', 'hostcalls/spear_epoll_wait'],
      ['breaking', 'type-change', 'hostcalls/spear_epoll_wait/params/timeout_ms'],
      ['safe', 'constraint-change', 'hostcalls/spear_epoll_wait/params/timeout_ms/timeout'],
    ],
    exitCode: 1,
  },
  {
    name: 'changing the signedness of a parameter',
    edit: (idl) => {
      idl.member('hostcalls', 'spear_epoll_wait', 'params', 'timeout_ms').type = 'u32';
    },
    expect: [['breaking', 'type-change', 'hostcalls/spear_epoll_wait/params/timeout_ms']],
    exitCode: 1,
  },
  {
    name: 'turning an input buffer into an output buffer',
    edit: (idl) => {
      idl.member('hostcalls', 'log', 'params', 'msg').type = 'out_bytes';
      idl.item('hostcalls', 'log').errors.push('ENOSPC'); // the output-buffer rule
    },
    expect: [
      ['breaking', 'type-change', 'hostcalls/log/params/msg'],
      ['dangerous', 'addition', 'hostcalls/log/errors/ENOSPC'],
    ],
    exitCode: 1,
  },
  {
    name: 'changing the param kind (fd -> i32)',
    edit: (idl) => {
      idl.member('hostcalls', 'spear_epoll_close', 'params', 'epfd').type = 'i32';
    },
    expect: [['breaking', 'type-change', 'hostcalls/spear_epoll_close/params/epfd']],
    exitCode: 1,
  },
  {
    name: 'changing the type of a record field without moving anything',
    edit: (idl) => {
      idl.member('records', 'epoll_event', 'fields', 'fd').type = 'u32';
      idl.item('records', 'epoll_event').vectors = [];
    },
    expect: [['breaking', 'type-change', 'records/epoll_event/fields/fd']],
    exitCode: 1,
  },
  // breaking: layout
  {
    name: 'reordering record fields (same names, new offsets)',
    edit: (idl) => {
      const r = idl.item('records', 'epoll_event');
      r.fields.reverse();
      r.vectors = [];
    },
    expect: [
      ['breaking', 'layout-change', 'records/epoll_event/fields/events'],
      ['breaking', 'layout-change', 'records/epoll_event/fields/fd'],
    ],
    exitCode: 1,
  },
  {
    name: 'packing a natural record (same names, new size and alignment)',
    edit: (idl) => {
      const r = idl.item('records', 'ssf_v1_header');
      r.layout = 'packed';
      r.vectors = [];
    },
    expect: [
      ['breaking', 'layout-change', 'records/ssf_v1_header'],
      ['breaking', 'layout-change', 'records/ssf_v1_header/layout'],
    ],
    exitCode: 1,
  },
  // breaking: signature shape
  {
    name: 'adding a hostcall parameter',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_wait').params.push({ name: 'sigmask', type: 'u32', doc: 'Signals to block.' });
    },
    expect: [
      ['breaking', 'signature-change', 'hostcalls/spear_epoll_wait'],
      ['breaking', 'signature-change', 'hostcalls/spear_epoll_wait/params/sigmask'],
    ],
    exitCode: 1,
  },
  {
    name: 'reordering hostcall parameters (the wasm signature is unchanged)',
    edit: (idl) => {
      const p = idl.item('hostcalls', 'spear_epoll_ctl').params;
      [p[1], p[2]] = [p[2], p[1]];
    },
    expect: [['breaking', 'signature-change', 'hostcalls/spear_epoll_ctl/params']],
    exitCode: 1,
  },
  {
    name: 'changing the return kind',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_close').returns = { kind: 'count' };
    },
    expect: [['breaking', 'signature-change', 'hostcalls/spear_epoll_close/returns']],
    exitCode: 1,
  },
  {
    name: 'making a blocking hostcall non-blocking',
    edit: (idl) => {
      delete idl.item('hostcalls', 'cchat_recv').blocking;
    },
    expect: [['breaking', 'signature-change', 'hostcalls/cchat_recv/blocking']],
    exitCode: 1,
  },
  {
    name: 'making an async method sync',
    edit: (idl) => {
      delete idl.member('interfaces', 'Session', 'methods', 'connect').async;
    },
    expect: [['breaking', 'signature-change', 'interfaces/Session/methods/connect/async']],
    exitCode: 1,
  },
  // dangerous
  {
    name: 'a new errno a hostcall may return',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_close').errors.push('EINTR');
    },
    expect: [['dangerous', 'addition', 'hostcalls/spear_epoll_close/errors/EINTR']],
    exitCode: 0,
  },
  {
    name: 'a new enum value',
    edit: (idl) => {
      idl.item('enums', 'fd_kind').values.push({ name: 'Transfer', value: 8, doc: 'A transfer.' });
    },
    expect: [['dangerous', 'addition', 'enums/fd_kind/values/Transfer']],
    exitCode: 0,
  },
  {
    name: 'a new flag bit in an existing set',
    edit: (idl) => {
      idl.item('flags', 'epoll_events').bits.push({ name: 'RDHUP', bit: 13, doc: 'The peer shut down writing.' });
    },
    expect: [['dangerous', 'addition', 'flags/epoll_events/bits/RDHUP']],
    exitCode: 0,
  },
  {
    name: 'a changed dictionary default',
    edit: (idl) => {
      idl.member('dictionaries', 'session_options', 'fields', 'channels').default = 2;
    },
    expect: [['dangerous', 'default-change', 'dictionaries/session_options/fields/channels']],
    exitCode: 0,
  },
  // safe
  {
    name: 'a new hostcall',
    edit: (idl) => {
      idl.add('hostcalls', 'time_now_ms', {
        name: 'time_now_us',
        family: 'util',
        doc: 'Microseconds on the host monotonic clock.',
        params: [],
        returns: { kind: 'value', type: 'i64' },
        errors: [],
      });
    },
    expect: [['safe', 'addition', 'hostcalls/time_now_us']],
    exitCode: 0,
  },
  {
    name: 'a new record',
    edit: (idl) => {
      idl.add('records', 'epoll_event', {
        name: 'timespec',
        c_name: 'sp_timespec_t',
        layout: 'natural',
        doc: 'A point in time.',
        fields: [
          { name: 'sec', type: 'i64', doc: 'Seconds.' },
          { name: 'nsec', type: 'i32', doc: 'Nanoseconds.' },
        ],
      });
    },
    expect: [['safe', 'addition', 'records/timespec']],
    exitCode: 0,
  },
  {
    name: 'a new interface method',
    edit: (idl) => {
      idl.item('interfaces', 'Transfer').methods.push({ name: 'pending', doc: 'Operations not yet complete.', params: [], returns: 'u32', errors: [] });
    },
    expect: [['safe', 'addition', 'interfaces/Transfer/methods/pending']],
    exitCode: 0,
  },
  {
    name: 'a doc change',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_wait').doc = 'Wait for readiness.';
    },
    expect: [['safe', 'doc-change', 'hostcalls/spear_epoll_wait/doc']],
    exitCode: 0,
  },
  // source-only
  {
    name: 'a new C name for the same import',
    edit: (idl) => {
      idl.item('hostcalls', 'spear_epoll_wait').c_name = 'sp_epoll_wait_v2';
    },
    expect: [['source-only', 'rename', 'hostcalls/spear_epoll_wait/c_name']],
    exitCode: 0,
  },
  {
    name: 'renaming an enum value, same number',
    edit: (idl) => {
      idl.member('enums', 'epoll_op', 'values', 'ADD').name = 'ATTACH';
      idl.item('enums', 'epoll_op').aliases.find((a: { of: string }) => a.of === 'ADD').of = 'ATTACH';
    },
    expect: [['source-only', 'rename', 'enums/epoll_op/values/ADD']],
    exitCode: 0,
  },
  {
    name: 'renaming a flag, same bit',
    edit: (idl) => {
      idl.member('flags', 'fd_flags', 'bits', 'O_NONBLOCK').name = 'NONBLOCK';
    },
    expect: [['source-only', 'rename', 'flags/fd_flags/bits/O_NONBLOCK']],
    exitCode: 0,
  },
  {
    name: 'renaming a record field, same offset and type',
    edit: (idl) => {
      const r = idl.item('records', 'epoll_event');
      r.fields.find((f: { name: string }) => f.name === 'events').name = 'revents';
      for (const v of r.vectors) if (v.value) v.value = { fd: v.value.fd, revents: v.value.events };
    },
    expect: [['source-only', 'rename', 'records/epoll_event/fields/events']],
    exitCode: 0,
  },
  {
    name: 'renaming an errno, same number, everywhere it is used',
    edit: (idl) => idl.renameErrno('ECANCELED', 'ECANCELLED'),
    expect: [['source-only', 'rename', 'errno/ECANCELED']],
    exitCode: 0,
  },
  {
    name: 'changing an enum C prefix',
    edit: (idl) => {
      idl.item('enums', 'log_level').c_prefix = 'SPEAR_LOG_';
    },
    expect: [['source-only', 'rename', 'enums/log_level/c_prefix']],
    exitCode: 0,
  },
  {
    name: 'changing the C function prefix',
    edit: all((idl) => {
      idl.abi().c.function_prefix = 'spear_';
    }),
    expect: [['source-only', 'rename', 'abi/c/function_prefix']],
    exitCode: 0,
  },
];
