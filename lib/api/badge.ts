// A shields.io-style "flat" badge: a grey label and a coloured message, with an accessible name.

export type BadgeTone = 'ok' | 'minor' | 'major' | 'critical' | 'maintenance' | 'nodata';

const COLOURS: Record<BadgeTone, string> = {
  ok: '#2e7d32',
  minor: '#9a6700',
  major: '#c2410c',
  critical: '#b91c1c',
  maintenance: '#1d4ed8',
  nodata: '#6b7280',
};

// Verdana 11px, as shields draws it: Latin glyphs are about 7 px wide, Japanese ones a full 11 px.
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x1100) width += 11;
    else if ('iljtfI.,:;!| '.includes(ch)) width += 4;
    else if (ch >= 'A' && ch <= 'Z') width += 7.5;
    else width += 6.5;
  }
  return Math.ceil(width);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderBadge(label: string, message: string, tone: BadgeTone): string {
  const labelWidth = textWidth(label) + 12;
  const messageWidth = textWidth(message) + 12;
  const width = labelWidth + messageWidth;
  const title = escapeXml(`${label}: ${message}`);
  const l = escapeXml(label);
  const m = escapeXml(message);
  const lx = labelWidth / 2;
  const mx = labelWidth + messageWidth / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/><rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${COLOURS[tone]}"/><rect width="${width}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${lx}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${l}</text><text x="${lx}" y="14">${l}</text>`,
    `<text x="${mx}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${m}</text><text x="${mx}" y="14">${m}</text>`,
    `</g></svg>`,
  ].join('');
}
