// Demo dashboard SPA (Daakey sandbox): a list view and ticket views, navigated with history.pushState
// (/dashboard/spa/tickets/<id>) and with hash routes (#/tickets/<id>). Text only: no innerHTML.
(function () {
  'use strict';
  var root = document.getElementById('spa-root');
  var title = document.getElementById('spa-title');
  var LABELS = { open: 'Open', in_progress: 'In progress', resolved: 'Resolved', closed: 'Closed' };
  var renderSeq = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.append(c);
    });
    return node;
  }
  function badge(status) {
    return el('span', { class: 'badge badge-' + status }, [LABELS[status] || status]);
  }
  function currentTicketId() {
    var hash = /^#\/tickets\/([1-9]\d{0,9})$/.exec(location.hash);
    if (hash) return Number(hash[1]);
    var path = /^\/dashboard\/spa\/tickets\/([1-9]\d{0,9})$/.exec(location.pathname);
    return path ? Number(path[1]) : null;
  }
  function navigate(url) {
    history.pushState(null, '', url);
    render();
  }
  function load(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }
  function renderList(tickets) {
    title.textContent = 'Tickets (SPA)';
    document.title = 'Tickets (SPA) · Daakey sandbox';
    var body = el(
      'tbody',
      {},
      tickets.map(function (t) {
        var link = el('a', { href: '/dashboard/spa/tickets/' + t.id, 'data-spa-link': '' }, [t.reference]);
        var hashLink = el('a', { href: '#/tickets/' + t.id, class: 'hash-link' }, ['#']);
        var subject = el('td', { class: 'subject', dir: 'auto' }, [t.subject]);
        if (t.lang) subject.setAttribute('lang', t.lang);
        return el('tr', { 'data-ticket-id': String(t.id) }, [
          el('td', { class: 'ref' }, [link, ' ', hashLink]),
          subject,
          el('td', { class: 'status' }, [badge(t.status)]),
        ]);
      }),
    );
    var head = el('thead', {}, [
      el(
        'tr',
        {},
        ['Reference', 'Subject', 'Status'].map(function (h) {
          return el('th', { scope: 'col' }, [h]);
        }),
      ),
    ]);
    root.replaceChildren(el('table', { class: 'tickets' }, [head, body]));
  }
  function renderTicket(t) {
    title.textContent = 'Ticket #' + t.id;
    document.title = 'Ticket #' + t.id + ' · Daakey sandbox';
    var back = el('a', { href: '/dashboard/spa', 'data-spa-link': '' }, ['← All tickets']);
    var subject = el('dd', { class: 'subject', dir: 'auto' }, [t.subject]);
    if (t.lang) subject.setAttribute('lang', t.lang);
    var facts = el('dl', { class: 'ticket-facts' }, [
      el('dt', {}, ['Reference']),
      el('dd', { class: 'ref' }, [t.reference]),
      el('dt', {}, ['Subject']),
      subject,
      el('dt', {}, ['Status']),
      el('dd', { class: 'status' }, [badge(t.status)]),
    ]);
    var messages = el(
      'ol',
      { class: 'messages' },
      t.messages.map(function (m) {
        return el('li', { class: 'message message-' + m.sender, 'data-message-id': String(m.id) }, [
          el('div', { class: 'message-meta' }, [el('span', { class: 'sender', dir: 'auto' }, [m.sender_name]), ' ', m.created_at]),
          el('p', { class: 'message-body', dir: 'auto' }, [m.message]),
        ]);
      }),
    );
    root.replaceChildren(
      el('article', { class: 'ticket', 'data-ticket-id': String(t.id) }, [
        el('p', { class: 'back' }, [back]),
        facts,
        el('h2', {}, ['Messages']),
        messages,
      ]),
    );
  }
  function render() {
    var seq = ++renderSeq;
    var id = currentTicketId();
    root.textContent = 'Loading…';
    var done = function (fn) {
      return function (data) {
        if (seq === renderSeq) fn(data);
      };
    };
    var failed = function (err) {
      if (seq === renderSeq) root.textContent = 'Could not load: ' + err.message;
    };
    if (id === null) load('/dashboard/data/tickets').then(done(renderList), failed);
    else load('/dashboard/data/tickets/' + id).then(done(renderTicket), failed);
  }
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[data-spa-link]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(link.getAttribute('href'));
  });
  window.addEventListener('popstate', render);
  window.addEventListener('hashchange', render);
  render();
})();
