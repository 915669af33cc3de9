// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** The generated TypeScript bindings of the ABI. */

export * from './errno';
export * from './constants';
export * from './records';
export * from './hostcalls';
export * from './sdk';
