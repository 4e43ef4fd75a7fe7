/** An answer other than success, with the JSON error body of the admin API contract (errorBody). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ field: string; message: string }>,
    /** Extra response headers (Allow with a 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
