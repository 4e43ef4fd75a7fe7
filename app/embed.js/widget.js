/*! Tayori status widget. <script src="https://status.example/embed.js" data-lang="en" async></script>
 * Shows the status page's banner (and unresolved incidents) where the tag is, or inside the element
 * named by data-target. Builds DOM nodes with textContent only: no markup from the API is parsed. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var pageLang = (document.documentElement.lang || '').toLowerCase();
  var lang = script.getAttribute('data-lang') || (pageLang.indexOf('en') === 0 ? 'en' : 'ja');
  if (lang !== 'en') lang = 'ja';
  var COLOURS = { none: '#2e7d32', minor: '#9a6700', major: '#c2410c', critical: '#b91c1c', maintenance: '#1d4ed8' };
  var LABELS = {
    ja: { fallback: 'ステータスを取得できませんでした', unresolved: '対応中の障害' },
    en: { fallback: 'Status unavailable', unresolved: 'Ongoing incidents' },
  };

  var host = document.createElement('div');
  host.className = 'tayori-status';
  host.setAttribute('role', 'status');
  host.setAttribute('aria-live', 'polite');
  host.lang = lang;
  var target = script.getAttribute('data-target');
  var container = target ? document.querySelector(target) : null;
  if (container) container.appendChild(host);
  else script.parentNode.insertBefore(host, script);

  // Only web links from the API become hrefs, never javascript: or data: URLs.
  function safeUrl(url) {
    return /^https?:\/\//.test(url) ? url : origin;
  }

  function el(tag, text, style) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (style) node.style.cssText = style;
    return node;
  }

  function show(summary) {
    var indicator = summary.status.indicator;
    var maintenance = indicator === 'none' && summary.components.some(function (c) { return c.status === 'under_maintenance'; });
    var colour = COLOURS[maintenance ? 'maintenance' : indicator] || COLOURS.none;
    host.setAttribute('data-indicator', indicator);
    // Styles through CSSOM, not style attributes: a host page whose Content-Security-Policy has no
    // 'unsafe-inline' for styles refuses setAttribute('style'), but not this.
    host.style.cssText =
      'font:14px/1.4 system-ui,sans-serif;border-left:4px solid ' + colour + ';background:#f8f9fa;color:#1f2328;padding:8px 12px;margin:8px 0;border-radius:4px';
    host.textContent = '';
    var link = el('a', summary.status.description, 'color:' + colour + ';font-weight:600;text-decoration:none');
    link.className = 'tayori-status-banner';
    link.href = safeUrl(summary.page.url);
    link.target = '_blank';
    link.rel = 'noopener';
    host.appendChild(link);
    if (summary.incidents.length > 0) {
      host.appendChild(el('div', LABELS[lang].unresolved, 'margin-top:4px;font-size:12px;color:#57606a'));
      var list = el('ul', '', 'margin:2px 0 0;padding-left:18px');
      summary.incidents.forEach(function (incident) {
        var item = el('li');
        var a = el('a', incident.name, 'color:inherit');
        a.href = safeUrl(incident.shortlink);
        a.target = '_blank';
        a.rel = 'noopener';
        item.className = 'tayori-status-incident';
        item.appendChild(a);
        list.appendChild(item);
      });
      host.appendChild(list);
    }
  }

  function load() {
    fetch(origin + '/api/v2/summary.json?lang=' + lang, { credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(show)
      .catch(function () {
        if (!host.firstChild) host.textContent = LABELS[lang].fallback;
      });
  }

  load();
  // Keep an open page current, as the status page itself is (the API is cached for 30 s).
  setInterval(load, 60000);
})();
