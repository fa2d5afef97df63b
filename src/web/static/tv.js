// The lobby screen's only script (/<AGENCY>/tv). It rotates the slides and, every few seconds,
// fetches /<AGENCY>/tv.json and rebuilds the slides from it in place: no page reload, no flicker.
// When the server does not answer it keeps the last data on screen, says so, and keeps trying
// (backing off up to a minute). Built to run for days: one rotation timer and one pending fetch
// timer for the page's whole life, old slides replaced (never added to), no listeners on them.
'use strict';
(function () {
  var body = document.body;
  var feedUrl = body.getAttribute('data-feed');
  var refreshMs = Number(body.getAttribute('data-refresh-ms')) || 10000;
  var offlineText = body.getAttribute('data-offline') || '';
  var ROTATE_MS = 12000;
  var ROWS = 8;
  var slides = document.getElementById('tv-slides');
  var status = document.getElementById('tv-status');
  var current = 0;
  var failures = 0;
  var lastText = '';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function zone(z, text) {
    return el('span', 'zone zone-' + (z || 'none'), text);
  }

  function slide(kind, title) {
    var section = el('section', 'slide');
    section.setAttribute('data-slide', kind);
    section.appendChild(el('h2', '', title));
    return section;
  }

  function build(feed) {
    var out = [];
    var h = feed.headline;
    var head = slide('headline', h.label);
    var big = el('p', 'big');
    var ikm = el('span', 'ikm', h.ikm);
    ikm.setAttribute('data-testid', 'tv-ikm');
    big.appendChild(ikm);
    head.appendChild(big);
    var line = el('p', 'line');
    line.appendChild(el('span', '', h.mutuLine));
    line.appendChild(document.createTextNode(' '));
    line.appendChild(zone(h.zona, h.zone));
    head.appendChild(line);
    var respondents = el('p', 'line', h.respondents);
    respondents.setAttribute('data-testid', 'tv-respondents');
    head.appendChild(respondents);
    if (h.provisional) head.appendChild(el('p', 'line small', h.provisional));
    out.push(head);
    var units = feed.ranking.units;
    for (var i = 0; i < units.length; i += ROWS) {
      var rank = slide('ranking', feed.ranking.title);
      var list = el('ol', 'ranking');
      units.slice(i, i + ROWS).forEach(function (u) {
        var item = el('li');
        item.appendChild(el('span', 'rank', String(u.rank)));
        item.appendChild(el('span', 'name', u.name));
        var value = el('span', 'ikm', u.ikm);
        if (u.provisional) value.appendChild(el('small', '', '*'));
        item.appendChild(value);
        item.appendChild(zone(u.zona, u.zone));
        list.appendChild(item);
      });
      rank.appendChild(list);
      out.push(rank);
    }
    if (feed.comments.items.length > 0) {
      var comments = slide('comments', feed.comments.title);
      var ul = el('ul', 'comments');
      feed.comments.items.slice(0, 3).forEach(function (c) {
        var item = el('li');
        item.appendChild(el('blockquote', '', c.text));
        item.appendChild(el('p', '', c.unit));
        ul.appendChild(item);
      });
      comments.appendChild(ul);
      out.push(comments);
    }
    return out;
  }

  function show() {
    var list = slides.children;
    if (list.length === 0) return;
    current = current % list.length;
    for (var i = 0; i < list.length; i++) list[i].classList.toggle('active', i === current);
  }

  function render(feed) {
    slides.replaceChildren.apply(slides, build(feed));
    document.getElementById('tv-title').textContent = feed.title;
    document.getElementById('tv-period').textContent = feed.period;
    document.getElementById('tv-updated').textContent = feed.updated;
    offlineText = feed.labels.offline;
    show();
  }

  function refresh() {
    fetch(feedUrl, { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (text) {
        if (text !== lastText) render(JSON.parse(text));
        lastText = text;
        failures = 0;
        status.textContent = '';
      })
      .catch(function () {
        failures += 1;
        status.textContent = offlineText;
      })
      .then(function () {
        var delay = failures === 0 ? refreshMs : Math.min(60000, refreshMs * Math.pow(2, Math.min(failures, 3)));
        setTimeout(refresh, delay);
      });
  }

  setInterval(function () {
    current += 1;
    show();
  }, ROTATE_MS);
  setTimeout(refresh, refreshMs);
})();
