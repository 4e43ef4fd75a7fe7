/**
 * HTML that came out of lib/content/markdown's sanitising pipeline (rehype-sanitize): the only kind
 * of HTML a page may insert as markup (components/sanitized-html.tsx); a plain string does not
 * type-check there. Its own module so that data shapes (lib/status/dto.ts) can name it without
 * importing the pipeline.
 */
export type SanitizedHtml = string & { readonly __sanitizedBy: 'lib/content/markdown' };
