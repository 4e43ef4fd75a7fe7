/** Thrown when a request body is larger than allowed; route handlers answer 413. */
export class BodyTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Reads a request body as text, stopping as soon as it passes `limit` bytes. */
export async function readBodyLimited(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
