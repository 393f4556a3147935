import './zod-csp.ts';
import { StatusStreamEvent } from '@berth/protocol';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Follows a tenant's status stream (SSE, event `status`). EventSource reconnects by itself;
 * `onState` tells the view whether it is live. Frames that do not parse are ignored.
 * Returns the function that closes the stream.
 */
export function followStatus(url: string, onEvent: (e: StatusStreamEvent) => void, onState: (s: StreamState) => void): () => void {
  const source = new EventSource(url, { withCredentials: true });
  onState('connecting');
  source.onopen = () => onState('live');
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? 'reconnecting' : 'reconnecting');
  source.addEventListener('status', (msg) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String((msg as MessageEvent).data));
    } catch {
      return;
    }
    const parsed = StatusStreamEvent.safeParse(raw);
    if (parsed.success) onEvent(parsed.data);
  });
  return () => source.close();
}
