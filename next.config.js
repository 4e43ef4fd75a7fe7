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

// Pages that stay out of shared caches although they are cheap to render: the subscription form
// carries server action ids of this build, which a cached copy would post to the next one.
const PRIVATE_PAGES = ['/subscribe', '/en/subscribe'];

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
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'SAMEORIGIN' },
        ],
      },
    ];
  },
};

export default nextConfig;
