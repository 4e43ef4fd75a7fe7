// Whether a notification about an alert may change what is stored about it. Alertmanager retries
// and re-sends, and notifications can arrive out of order: an older one must never undo a newer.
// An alert is one episode per startsAt (Prometheus gives a new one when it fires again).

export interface AlertEpisode {
  status: 'firing' | 'resolved';
  startsAt: Date;
  endsAt: Date | null;
}

export type Ordering = { apply: true } | { apply: false; reason: 'stale' | 'firing_after_resolve' };

export function orderingOf(stored: AlertEpisode | null, incoming: AlertEpisode): Ordering {
  if (!stored) return { apply: true };
  const storedStart = stored.startsAt.getTime();
  const start = incoming.startsAt.getTime();
  if (start < storedStart) return { apply: false, reason: 'stale' };
  if (start > storedStart) return { apply: true };
  // The same episode.
  if (stored.status === 'resolved' && incoming.status === 'firing') return { apply: false, reason: 'firing_after_resolve' };
  if (stored.status === 'resolved' && incoming.status === 'resolved' && (incoming.endsAt?.getTime() ?? 0) < (stored.endsAt?.getTime() ?? 0)) {
    return { apply: false, reason: 'stale' };
  }
  return { apply: true };
}
