export { DEFAULT_RTASR_CONNECT_TIMEOUT_MS, DEFAULT_RTASR_MODEL, realtimeWsUrl, type RealtimeAsrConfig } from './config';
export { GuestRtasrService, RTASR_POLL_MS } from './service';
export { RtasrConnection, sessionUpdate, sortedJson, type RtasrTransportConfig } from './websocket';
