import { receiveNotification } from '@/lib/alertmanager/receive';

// Prometheus Alertmanager's webhook receiver (lib/alertmanager/receive.ts; README "Prometheus Alertmanager").
export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return receiveNotification(request);
}
