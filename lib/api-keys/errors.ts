import { NO_STORE } from '../http/cache-control';

// Every refusal of the write API has one shape: { "error": "<sentence>", "details": [ ... ] }.

export function apiError(status: number, error: string, details: unknown[] = [], headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, details }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE, ...headers },
  });
}

export function apiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE, ...headers },
  });
}
