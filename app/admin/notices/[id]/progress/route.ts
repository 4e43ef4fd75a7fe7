import { currentStaff } from '@/lib/auth/session';
import { NO_STORE } from '@/lib/http/cache-control';
import { getNoticeProgress } from '@/lib/notices/progress';

// Polled by the console's progress bar while a notice goes out.
export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await currentStaff())) return Response.json({ error: 'unauthorized' }, { status: 401, headers: { 'Cache-Control': NO_STORE } });
  const progress = await getNoticeProgress((await params).id);
  if (!progress) return Response.json({ error: 'not_found' }, { status: 404, headers: { 'Cache-Control': NO_STORE } });
  return Response.json(progress, { headers: { 'Cache-Control': NO_STORE } });
}
