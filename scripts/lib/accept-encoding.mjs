// Which Content-Encoding Next.js's server would answer a request with, so that a copy served from
// memory (scripts/lib/snapshot.mjs) is encoded exactly as Next.js's own answer would be.
//
// Next.js compresses with the `compression` middleware (bundled as next/dist/compiled/compression):
// gzip or deflate, never br, chosen by `negotiator` from ["gzip", "deflate", "identity"], and gzip
// whenever deflate won but gzip is acceptable too. This is negotiator's preferredEncodings (MIT,
// jshttp) for that one call; scripts/lib/accept-encoding.test.ts checks it against the middleware.

const ENCODING = /^\s*([^\s;]+)\s*(?:;(.*))?$/;

/** The header's entries; identity is acceptable unless the header says otherwise (RFC 9110). */
function parse(header) {
  const parts = header.split(',');
  const specs = [];
  let identityNamed = false;
  let lowestQ = 1;
  parts.forEach((part, index) => {
    const match = ENCODING.exec(part.trim());
    if (!match) return;
    let q = 1;
    for (const param of (match[2] ?? '').split(';')) {
      const [key, value] = param.trim().split('=');
      if (key === 'q') {
        q = parseFloat(value);
        break;
      }
    }
    const spec = { encoding: match[1], q, order: index };
    specs.push(spec);
    identityNamed ||= specificity('identity', spec) !== null;
    lowestQ = Math.min(lowestQ, q || 1);
  });
  if (!identityNamed) specs.push({ encoding: 'identity', q: lowestQ, order: parts.length });
  return specs;
}

function specificity(encoding, spec) {
  if (spec.encoding.toLowerCase() === encoding.toLowerCase()) return 1;
  return spec.encoding === '*' ? 0 : null;
}

/** `offered`, best first, leaving out those the header refuses (q=0). */
function preferred(header, offered) {
  const specs = parse(header ?? '');
  const priorities = offered.map((encoding, index) => {
    let best = { q: 0, s: 0, order: -1, index };
    for (const spec of specs) {
      const s = specificity(encoding, spec);
      if (s === null) continue;
      if ((best.s - s || best.q - spec.q || best.order - spec.order) < 0) best = { q: spec.q, s, order: spec.order, index };
    }
    return best;
  });
  return priorities
    .filter((p) => p.q > 0)
    .sort((a, b) => b.q - a.q || b.s - a.s || a.order - b.order || a.index - b.index)
    .map((p) => offered[p.index]);
}

/** 'gzip', 'deflate' or 'identity': what Next.js would send for this Accept-Encoding header. */
export function chooseEncoding(acceptEncoding) {
  let chosen = preferred(acceptEncoding, ['gzip', 'deflate', 'identity'])[0];
  if (chosen === 'deflate' && preferred(acceptEncoding, ['gzip']).length > 0) chosen = preferred(acceptEncoding, ['gzip', 'identity'])[0];
  return chosen === 'gzip' || chosen === 'deflate' ? chosen : 'identity';
}
