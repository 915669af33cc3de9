/** Transfer sessions: helpers around the native Session (metrics, connection-info checks). */
export { explainConnInfo, loadRemoteConnInfo } from './conninfo';
export { readSessionMetrics, sessionMetricsRegistry, type PeerMetrics, type SessionMetrics, type SessionMetricsOptions } from './metrics';
