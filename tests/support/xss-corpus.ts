// Hostile text a staff account (stolen, or careless with a paste) could type into an incident:
// titles, update bodies and report bodies. Every payload that ran would call alert(), so a browser
// test notices it by the dialog; the markup checks (tests/support/inert-markup.ts) notice it by shape.

export interface Payload {
  name: string;
  text: string;
}

export const XSS_PAYLOADS: Payload[] = [
  { name: 'script tag', text: '<script>alert(1)</script>' },
  { name: 'mixed-case script', text: '<ScRiPt>alert(1)</sCrIpT>' },
  { name: 'img onerror', text: '<img src=x onerror=alert(1)>' },
  { name: 'unclosed img', text: '<img src=x onerror=alert(1)' },
  { name: 'attribute breakout', text: '"><img src=x onerror=alert(1)>' },
  { name: 'svg onload', text: '<svg onload=alert(1)>' },
  { name: 'svg script', text: '<svg><script>alert(1)</script></svg>' },
  { name: 'svg xlink:href', text: '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">svg</text></a></svg>' },
  { name: 'mathml mutation', text: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>' },
  { name: 'details ontoggle', text: '<details open ontoggle=alert(1)>x</details>' },
  { name: 'raw javascript: link', text: '<a href="javascript:alert(1)">raw link</a>' },
  { name: 'entity-encoded javascript: link', text: '<a href="&#106;avascript:alert(1)">encoded link</a>' },
  { name: 'markdown javascript: link', text: '[md link](javascript:alert(1))' },
  { name: 'markdown mixed-case link', text: '[md link](JaVaScRiPt:alert(1))' },
  { name: 'markdown tab-split link', text: '[md link](jav&#x09;ascript:alert(1))' },
  { name: 'markdown entity link', text: '[md link](&#106;avascript:alert(1))' },
  { name: 'markdown angle link', text: '[md link](<javascript:alert(1)>)' },
  { name: 'markdown reference link', text: '[ref link][evil]\n\n[evil]: javascript:alert(1)' },
  { name: 'markdown vbscript link', text: '[vb link](vbscript:msgbox(1))' },
  { name: 'markdown data: link', text: '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { name: 'markdown javascript: image', text: '![js image](javascript:alert(1))' },
  { name: 'markdown data: image', text: '![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)' },
  { name: 'style url(javascript:)', text: '<div style="background:url(javascript:alert(1))">styled</div>' },
  { name: 'style expression', text: '<p style="width:expression(alert(1))">expr</p>' },
  { name: 'style element', text: '<style>body{background:url("javascript:alert(1)")}</style>' },
  { name: 'entity-encoded script', text: '&lt;script&gt;alert(1)&lt;/script&gt;' },
  { name: 'numeric-entity img', text: '&#60;img src=x onerror=alert(1)&#62;' },
  { name: 'code span', text: '`<img src=x onerror=alert(1)>`' },
  { name: 'html comment', text: '<!-- --><script>alert(1)</script><!-- -->' },
  { name: 'iframe', text: '<iframe src="javascript:alert(1)"></iframe>' },
  { name: 'iframe srcdoc', text: '<iframe srcdoc="<script>alert(1)</script>"></iframe>' },
  { name: 'object', text: '<object data="javascript:alert(1)"></object>' },
  { name: 'embed', text: '<embed src="javascript:alert(1)">' },
  { name: 'form formaction', text: '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>' },
  { name: 'meta refresh', text: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' },
  { name: 'base href', text: '<base href="javascript:alert(1)//">' },
  { name: 'CDATA and title breakout', text: ']]></title><script>alert(1)</script>]]>' },
];

/** A title that carries the payload, unique per payload so each can be found in every output. */
export function payloadTitle(index: number, lang: 'ja' | 'en'): string {
  const p = XSS_PAYLOADS[index]!;
  // Titles are one line: a payload's line breaks become spaces, as a title field would keep them.
  return `${lang === 'ja' ? '障害' : 'Incident'} X${String(index).padStart(2, '0')} ${p.text.replace(/\s*\n+\s*/g, ' ')}`.slice(0, 200);
}

/** An update or report body that carries the payload between ordinary words. */
export function payloadBody(index: number, lang: 'ja' | 'en'): string {
  const p = XSS_PAYLOADS[index]!;
  return `${lang === 'ja' ? '状況' : 'Status'} X${String(index).padStart(2, '0')}: ${p.name}\n\n${p.text}\n\n${lang === 'ja' ? '以上です。' : 'End.'} ${p.text}`;
}
