/** The guest host: running wasm32-wasi guests against the `spear` hostcalls. See README.md. */
export { ASSUMED_GUEST_ABI, checkGuestAbi, GuestAbiError, readGuestAbi, type GuestAbi, type GuestAbiCheck, type HostAbi } from './abi-version';
export { auditImports, type ErrnoAudit, type ErrnoViolation } from './audit';
export { ABORTED, CALLBACK_PENDING, hostBridge, type GuestCallback, type GuestRequest, type HostBridge } from './bridge';
export { EXIT_HOST_ERROR, EXIT_KILLED, EXIT_TRAP } from './exit';
export { Guest, GuestStartError, runGuest, type GuestOptions, type GuestResult, type GuestSource, type GuestStdio } from './host';
export { checkGuestImports, GuestLinkError, readModuleImports, WASI_PREVIEW1, type FuncType, type ModuleImport } from './link';
export { formatLogLine, type GuestLogEntry, type LogLevelName } from './log';
export { HOST_ABI } from './prepare';
