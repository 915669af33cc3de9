/**
 * Serving one guest's realtime-ASR streams on the main thread. Every few milliseconds (SPEAR's
 * writer polls every 5 ms) it collects the streams the guest CONNECTed with transport
 * "websocket": with a realtime backend configured on the host each gets a WebSocket connection
 * (websocket.ts), without one the core runs the stub transport instead, as SPEAR falls back
 * when no backend can stream. Then it moves what the guests queued to their connections.
 */
import type { HostBridge } from '../guest/bridge';
import type { RealtimeAsrConfig } from './config';
import { RtasrConnection, type RtasrTransportConfig } from './websocket';

/** How often the streams are served. */
export const RTASR_POLL_MS = 5;

export class GuestRtasrService {
  private readonly connections = new Map<number, RtasrConnection>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly bridge: HostBridge,
    private readonly config: RealtimeAsrConfig | undefined,
    private readonly instanceId: number,
  ) {
    this.timer = setInterval(() => this.tick(), RTASR_POLL_MS);
    this.timer.unref();
  }

  /** Collect new connections and pump the open ones. */
  tick(): void {
    if (this.closed) return;
    for (const { fd, config } of this.bridge.rtasrConnects(this.instanceId)) {
      if (this.config === undefined) {
        this.bridge.rtasrAttach(this.instanceId, fd, false);
        continue;
      }
      this.bridge.rtasrAttach(this.instanceId, fd, true);
      let parsed: RtasrTransportConfig;
      try {
        parsed = JSON.parse(config) as RtasrTransportConfig;
      } catch {
        parsed = { model: null, turn_detection: null };
      }
      const c = new RtasrConnection(this.bridge, this.instanceId, fd, this.config, parsed);
      this.connections.get(fd)?.stop();
      this.connections.set(fd, c);
      c.start();
    }
    for (const [fd, c] of this.connections) {
      if (c.ended) {
        this.connections.delete(fd);
        continue;
      }
      c.pump();
    }
  }

  /** The guest ended: close every connection. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const c of this.connections.values()) c.stop();
    this.connections.clear();
  }
}
