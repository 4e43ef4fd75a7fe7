// @ts-check
// Japanese pages live at the root and English under /en; internally both are app/(public)/[lang].

// Several site instances (docs/deployment.md) share these two through the environment. Next.js
// reads both itself; a bad value is refused here, naming the variable, before it can break a
// build or the first server action.
const deploymentId = process.env.NEXT_DEPLOYMENT_ID || undefined;
if (deploymentId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(deploymentId)) {
  throw new Error('Invalid configuration:\n  NEXT_DEPLOYMENT_ID: letters, digits, "-" and "_" only, at most 64');
}
const actionsKey = process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY;
if (actionsKey && ![16, 24, 32].includes(Buffer.from(actionsKey, 'base64').length)) {
  throw new Error('Invalid configuration:\n  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: must be a base64 AES key, e.g. `openssl rand -base64 32`');
}

// Public pages are ISR with `revalidate = 30`; Next.js turns that into
// `Cache-Control: s-maxage=30, stale-while-revalidate=<expireTime - 30>`. Its default expireTime is a
// year, which lets a CDN, or a quiet instance's own cache, hand out a page hours old to the first
// visitor after a lull. 90 s keeps that to 30 s fresh plus 60 s stale-while-revalidate; past it
// the page is rendered again before it is served.
const PAGE_EXPIRE_SECONDS = 90;

// The Content-Security-Policy of every answer. Public pages are prerendered and regenerated in the
// background (ISR) so that a visitor never costs a database query; a nonce would have to be new
// for every response, which makes every page dynamic (Next.js docs, "Content Security Policy"), and
// hashes cannot be listed in a header fixed at build time because Next.js's inline scripts carry
// each page's own data (self.__next_f.push([1,"…"])) and change whenever a page is regenerated.
// Hence script-src 'self' 'unsafe-inline': inline scripts run, scripts from any other host, eval
// and plugins do not. Injected markup is kept out by React's escaping and rehype-sanitize; this
// policy is the second line: no foreign script, image (tracking pixel) or connection, no <base>
// hijack, no form posting elsewhere, no framing. Style attributes (chart ticks, uptime bars, the
// notice preview's mail HTML, which its srcdoc frame renders under this policy) are allowed;
// style sheets only from the site.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  // The widget is embedded with <script src=".../embed.js">, never in a frame.
  "frame-ancestors 'none'",
].join('; ');

// Device features a status page never asks for.
const PERMISSIONS_POLICY = ['accelerometer', 'camera', 'geolocation', 'gyroscope', 'magnetometer', 'microphone', 'payment', 'usb'].map((f) => `${f}=()`).join(', ');

// Pages that stay out of shared caches although they are cheap to render: the subscription and
// mail trace forms carry server action ids of this build, which a cached copy would post to the next one.
const PRIVATE_PAGES = ['/subscribe', '/en/subscribe', '/mail/trace', '/en/mail/trace'];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The tests build into their own directory so they never serve a build made for another database.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  // unauthorized() / forbidden() answer 401 / 403, also to a server action posted without a session.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // Skew protection across a rolling upgrade: a browser holding an older deployment's pages gets
  // a full load instead of mismatched assets. Unset: Next.js's default, one build per host.
  deploymentId,
  expireTime: PAGE_EXPIRE_SECONDS,
  // The site's build checks the site only; the MTA and tests are checked by `npm run typecheck`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3'],
  async redirects() {
    // One URL per page and language: /ja/... is the same page as /...
    return [
      { source: '/ja', destination: '/', permanent: true },
      { source: '/ja/:path*', destination: '/:path*', permanent: true },
    ];
  },
  async rewrites() {
    return {
      beforeFiles: [],
      // After static files and fixed routes, before dynamic routes: unprefixed paths are Japanese.
      afterFiles: [
        { source: '/', destination: '/ja' },
        // The monthly uptime report's CSV sits beside its page: /uptime/2026-12.csv.
        { source: '/en/uptime/:month(\\d{4}-\\d{2}).csv', destination: '/en/uptime/:month/csv' },
        { source: '/uptime/:month(\\d{4}-\\d{2}).csv', destination: '/ja/uptime/:month/csv' },
        { source: '/:path((?!en(?:/|$)|ja(?:/|$)|api(?:/|$)|admin(?:/|$)|_next(?:/|$)).+)', destination: '/ja/:path' },
      ],
      fallback: [],
    };
  },
  async headers() {
    return [
      ...PRIVATE_PAGES.map((source) => ({ source, headers: [{ key: 'Cache-Control', value: 'private, no-store' }] })),
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
          { key: 'Permissions-Policy', value: PERMISSIONS_POLICY },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          // frame-ancestors for browsers that predate it.
          { key: 'X-Frame-Options', value: 'DENY' },
          // Strict-Transport-Security depends on SITE_URL when the server starts: proxy.ts.
        ],
      },
    ];
  },
};

export default nextConfig;
