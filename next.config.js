// @ts-check
// Japanese pages live at the root and English under /en; internally both are app/(public)/[lang].

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The tests build into their own directory so they never serve a build made for another database.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  // unauthorized() / forbidden() answer 401 / 403, also to a server action posted without a session.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
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
