import Hummingbird
import NIOCore

/// The console's three files, compiled into the binary so that the daemon serves them with no
/// files to install and no build step. They hold no data: every page reads the JSON API with the
/// operator's token. Served with a strict Content-Security-Policy (scripts and styles from
/// `/console` only, no inline script, no framing).
enum ConsoleAssets {
    enum Asset {
        case page, script, styles
    }

    /// The answer for one asset, with its type and the console's security headers.
    static func response(_ asset: Asset) -> Response {
        var headers: HTTPFields = [:]
        let body: String
        switch asset {
        case .page:
            headers[.contentType] = "text/html; charset=utf-8"
            body = page
        case .script:
            headers[.contentType] = "text/javascript; charset=utf-8"
            body = script
        case .styles:
            headers[.contentType] = "text/css; charset=utf-8"
            body = styles
        }
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// `/console`: the shell the script draws into.
    static let page = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bankgate console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<header>
  <span class="brand">bankgate</span>
  <nav id="nav"></nav>
  <span id="who"></span>
</header>
<main id="main"><p>Loading…</p></main>
</body>
</html>
"""#

    /// `/console/app.css`.
    static let styles = #"""
:root { --ink: #1d2733; --muted: #5c6b7a; --line: #d8dee5; --bg: #f5f7f9; --accent: #1f5fa8;
        --ok: #2e7d32; --bad: #c62828; --warn: #b26a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, "Noto Sans", "WenQuanYi Zen Hei", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #16324f; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .04em; }
header nav { display: flex; gap: .2rem; flex-wrap: wrap; flex: 1; }
header nav a { color: #d6e4f3; text-decoration: none; padding: .25rem .6rem; border-radius: 4px; }
header nav a.active, header nav a:hover { background: #2b4c70; color: #fff; }
#who { font-size: 12px; color: #b8c9da; }
#who button { margin-left: .6rem; }
main { padding: 1rem 1.2rem 3rem; max-width: 1280px; }
h1 { font-size: 20px; margin: .2rem 0 1rem; }
h2 { font-size: 16px; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef2f6; font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; margin-bottom: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; min-width: 130px; }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { font-size: 12px; color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: 12px; background: #e3e8ee; }
.badge.completed, .badge.closed, .badge.ok { background: #dcefdc; color: var(--ok); }
.badge.failed, .badge.rejected, .badge.open, .badge.unknown { background: #f8dede; color: var(--bad); }
.badge.held, .badge.half_open, .badge.pending_approval, .badge.scheduled { background: #fbecd2; color: var(--warn); }
form.inline { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; margin-bottom: .8rem; }
label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: .15rem; }
input, select { font: inherit; padding: .3rem .45rem; border: 1px solid var(--line); border-radius: 4px; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { border-color: var(--bad); background: var(--bad); }
button:disabled { opacity: .5; cursor: default; }
.notice { padding: .5rem .8rem; border-radius: 4px; margin: .5rem 0; background: #e8f0fa; }
.notice.error { background: #fbe4e4; color: var(--bad); }
.muted { color: var(--muted); }
.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
.timeline li { position: relative; padding: .2rem 0 .6rem 1rem; }
.timeline li::before { content: ""; position: absolute; left: -6px; top: .55rem; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
pre.body { max-height: 240px; overflow: auto; background: #fff; border: 1px solid var(--line); padding: .5rem; font-size: 11px; white-space: pre-wrap; word-break: break-all; }
svg.chart { background: #fff; border: 1px solid var(--line); width: 100%; height: auto; }
.legend span { margin-right: 1rem; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: .3rem; border-radius: 2px; }
.login { max-width: 420px; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1.2rem 1.4rem; }
.login input { width: 100%; }
.actions { display: inline-flex; gap: .4rem; margin: 0 0 .6rem; }
td .actions { margin: 0; }
p.choices a { display: inline-block; margin-right: .4rem; padding: .1rem .6rem; border: 1px solid var(--line); border-radius: 12px; text-decoration: none; color: var(--accent); background: #fff; }
p.choices a.active { background: var(--accent); color: #fff; border-color: var(--accent); }
table.fields th { width: 240px; }
"""#

    /// `/console/app.js`: sign-in, navigation by the token's scopes, and one function per page.
    static let script = #"""
// The bankgate operator console: a page per task, each drawn from the JSON API with the token the
// operator signed in with (kept in this tab's sessionStorage only). Every value from the server is
// written as text, never as HTML.
"use strict";
(() => {
  const tokenKey = "bankgate.console.token";
  const state = { token: sessionStorage.getItem(tokenKey), who: null, timer: null };

  // ---- DOM helpers --------------------------------------------------------------------------
  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "class") node.className = value;
      else if (name === "style") node.style.cssText = value; // CSSOM: allowed by the policy, unlike a style attribute
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  function show(...children) {
    const main = document.getElementById("main");
    main.replaceChildren();
    append(main, children);
  }
  const badge = (text) => h("span", { class: "badge " + String(text || "") }, text ?? "—");
  const link = (href, text) => h("a", { href }, text);
  const notice = (text, isError) => h("div", { class: "notice" + (isError ? " error" : "") }, text);

  /// A table: `columns` are [label, (row) => cell content, optional class].
  function table(columns, rows, empty) {
    if (!rows || rows.length === 0) return h("p", { class: "muted" }, empty || "Nothing here.");
    return h("table", {},
      h("thead", {}, h("tr", {}, columns.map(([label, , cls]) => h("th", { class: cls }, label)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, value, cls]) => h("td", { class: cls }, value(row)))))));
  }
  // A value of the API as a reader sees it: objects as tables of their fields, lists of objects
  // as tables, nothing as a dash; never raw JSON.
  function readable(value) {
    if (value === null || value === undefined || value === "") return "—";
    if (Array.isArray(value)) {
      if (value.length === 0) return "none";
      if (typeof value[0] !== "object" || value[0] === null) return value.join(", ");
      const keys = [...new Set(value.flatMap((item) => Object.keys(item || {})))];
      return table(keys.map((key) => [key.replace(/_/g, " "), (item) => readable((item || {})[key])]), value, "none");
    }
    if (typeof value === "object") {
      return h("table", { class: "fields" }, h("tbody", {}, Object.entries(value).map(([key, inner]) =>
        h("tr", {}, h("th", {}, key.replace(/_/g, " ")), h("td", {}, readable(inner))))));
    }
    return String(value);
  }
  function age(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return seconds + " s";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }
  const when = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");

  // ---- API ----------------------------------------------------------------------------------
  class APIError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }
  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + state.token, Accept: "application/json" };
    const init = { method, headers };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    const response = await fetch(path, init);
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
    if (!response.ok) {
      const error = (json && json.error) || {};
      throw new APIError(response.status, error.code || "http_" + response.status, error.message || response.statusText);
    }
    return json;
  }
  const has = (...scopes) => state.who && scopes.some((scope) => state.who.scopes.includes(scope));

  // ---- Pages --------------------------------------------------------------------------------
  const pages = [
    { id: "queue", title: "Queue", scopes: ["operate", "payments:read"], render: queuePage, refresh: 15 },
    { id: "activity", title: "Activity", scopes: ["operate"], render: activityPage, refresh: 60 },
    { id: "payments", title: "Payments", scopes: ["payments:read"], render: paymentsPage },
    { id: "attention", title: "Needs attention", scopes: ["payments:read"], render: attentionPage, refresh: 30 },
    { id: "approvals", title: "Approvals", scopes: ["payments:approve"], render: approvalsPage },
    { id: "banks", title: "Banks", scopes: ["operate"], render: banksPage, refresh: 15 },
    { id: "accounts", title: "Accounts", scopes: ["accounts:read", "operate"], render: accountsPage },
    { id: "schedules", title: "Schedules", scopes: ["operate"], render: schedulesPage },
  ];
  const hidden = {
    payment: { scopes: ["payments:read"], render: paymentPage },
    account: { scopes: ["accounts:read", "operate"], render: accountPage },
    schedule: { scopes: ["operate"], render: schedulePage },
  };

  const statusOrder = ["received", "pending_approval", "scheduled", "queued", "sending", "submitted", "processing",
    "unknown", "held", "failed", "rejected", "completed", "cancelled", "returned"];

  async function queuePage() {
    const queue = await api("GET", "/v1/queue");
    const counts = queue.counts || {};
    const statuses = statusOrder.filter((status) => counts[status]);
    show(
      h("h1", {}, "Queue"),
      h("div", { class: "cards" }, statuses.length === 0 ? h("p", { class: "muted" }, "No payments yet.") :
        statuses.map((status) => h("div", { class: "card", "data-status": status },
          h("div", { class: "value" }, counts[status]), h("div", { class: "label" }, status)))),
      h("h2", {}, "Per bank"),
      table([
        ["Bank", (bank) => bank.bank_id],
        ["Circuit", (bank) => badge(bank.circuit)],
        ["In flight", (bank) => bank.in_flight, "num"],
        ["Queued", (bank) => (bank.counts || {}).queued || 0, "num"],
        ["Oldest queued", (bank) => age(bank.oldest_queued_age_seconds)],
        ["Sent, awaiting bank", (bank) => ["submitted", "processing", "sending"].reduce((n, s) => n + ((bank.counts || {})[s] || 0), 0), "num"],
        ["Unknown", (bank) => (bank.counts || {}).unknown || 0, "num"],
        ["Oldest unknown", (bank) => age(bank.oldest_unknown_age_seconds)],
        ["Held", (bank) => (bank.counts || {}).held || 0, "num"],
        ["Failed", (bank) => (bank.counts || {}).failed || 0, "num"],
        ["Completed", (bank) => (bank.counts || {}).completed || 0, "num"],
      ], queue.banks, "No banks configured."),
    );
  }

  async function activityPage(args) {
    const choices = { "6": 15, "24": 60, "72": 180, "168": 360 };
    const hours = choices[args[0]] ? args[0] : "24";
    const data = await api("GET", `/v1/stats/throughput?hours=${hours}&bucket_minutes=${choices[hours]}`);
    const series = [
      ["accepted", "Accepted", "#1f5fa8"], ["completed", "Completed", "#2e7d32"],
      ["rejected_or_failed", "Rejected or failed", "#c62828"], ["unknown", "Unknown", "#6a1b9a"], ["held", "Held", "#b26a00"],
    ];
    const totals = Object.fromEntries(series.map(([key]) => [key, data.buckets.reduce((n, b) => n + b[key], 0)]));
    show(
      h("h1", {}, "Activity"),
      h("p", { class: "choices" }, "Window: ", Object.keys(choices).map((choice) =>
        h("a", { href: "#/activity/" + choice, class: choice === hours ? "active" : null }, choice + " h"))),
      h("div", { class: "cards" }, series.map(([key, label]) => h("div", { class: "card" },
        h("div", { class: "value" }, totals[key]), h("div", { class: "label" }, label + " (" + hours + " h)")))),
      chart(data.buckets, series),
      h("div", { class: "legend" }, series.map(([, label, color]) => h("span", {}, h("i", { style: "background:" + color }), label))),
      h("p", { class: "muted" }, `One point per ${data.bucket_minutes} minutes, UTC.`),
    );
  }

  function chart(buckets, series) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = (tag, attributes) => {
      const node = document.createElementNS(ns, tag);
      for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
      return node;
    };
    const width = 960, height = 260, left = 48, bottom = 28, top = 10, right = 10;
    const max = Math.max(1, ...buckets.flatMap((bucket) => series.map(([key]) => bucket[key])));
    const x = (i) => left + (buckets.length <= 1 ? 0 : (i * (width - left - right)) / (buckets.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const root = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "payments per interval" });
    for (const fraction of [0, 0.5, 1]) {
      const value = Math.round(max * fraction);
      root.appendChild(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), stroke: "#d8dee5" }));
      const label = svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", "font-size": 11, fill: "#5c6b7a" });
      label.textContent = String(value);
      root.appendChild(label);
    }
    const step = Math.max(1, Math.ceil(buckets.length / 8));
    buckets.forEach((bucket, i) => {
      if (i % step !== 0) return;
      const label = svg("text", { x: x(i), y: height - 8, "text-anchor": "middle", "font-size": 11, fill: "#5c6b7a" });
      label.textContent = bucket.start.slice(5, 16).replace("T", " ");
      root.appendChild(label);
    });
    for (const [key, , color] of series) {
      const points = buckets.map((bucket, i) => `${x(i).toFixed(1)},${y(bucket[key]).toFixed(1)}`).join(" ");
      root.appendChild(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2, "data-series": key }));
    }
    return root;
  }

  async function paymentsPage(args) {
    const params = new URLSearchParams(args[0] || "");
    const query = new URLSearchParams();
    for (const name of ["status", "account"]) if (params.get(name)) query.set(name, params.get(name));
    if (params.get("cursor")) query.set("cursor", params.get("cursor"));
    query.set("limit", "50");
    const page = await api("GET", "/v1/payments?" + query.toString());
    const search = (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const id = String(form.get("id") || "").trim();
      if (id) { location.hash = "#/payment/" + encodeURIComponent(id); return; }
      const next = new URLSearchParams();
      for (const name of ["status", "account"]) if (form.get(name)) next.set(name, String(form.get(name)));
      location.hash = "#/payments/" + next.toString();
    };
    show(
      h("h1", {}, "Payments"),
      h("form", { class: "inline", onsubmit: search },
        h("label", {}, "Payment id", h("input", { name: "id", placeholder: "pay_…", size: 28 })),
        h("label", {}, "Status", h("select", { name: "status" }, h("option", { value: "" }, "any"),
          statusOrder.map((status) => h("option", { value: status, selected: params.get("status") === status }, status)))),
        h("label", {}, "Debtor account", h("input", { name: "account", value: params.get("account") || "" })),
        h("button", { type: "submit" }, "Search")),
      paymentTable(page.payments),
      page.next_cursor ? h("p", {}, link("#/payments/" + new URLSearchParams({ ...Object.fromEntries(params), cursor: page.next_cursor }), "Older →")) : null,
    );
  }

  function paymentTable(payments, actions) {
    const columns = [
      ["Payment", (p) => link("#/payment/" + encodeURIComponent(p.id), p.id), "mono"],
      ["Status", (p) => badge(p.status)],
      ["Debtor account", (p) => p.debtor_account],
      ["Amount", (p) => p.amount + " " + p.currency, "num"],
      ["Creditor", (p) => (p.creditor || {}).name],
      ["Updated", (p) => when(p.updated_at)],
      ["Why", (p) => p.hold_reason || p.last_error || p.reason_text || ""],
    ];
    if (actions) columns.push(["", actions]);
    return table(columns, payments, "No payments.");
  }

  /// A button that acts on one payment, then redraws the page; a destructive one asks for a second click.
  function actionButton(label, path, options) {
    const opts = options || {};
    const button = h("button", { class: opts.danger ? "danger" : "secondary", "data-action": opts.action || label.toLowerCase() });
    button.textContent = label;
    button.addEventListener("click", async () => {
      if (opts.danger && button.dataset.armed !== "1") {
        button.dataset.armed = "1";
        button.textContent = "Confirm " + label.toLowerCase();
        return;
      }
      button.disabled = true;
      try {
        await api("POST", path, opts.body || {});
        await render();
      } catch (error) {
        button.disabled = false;
        button.replaceWith(notice(label + " refused: " + error.message + " (" + error.code + ")", true));
      }
    });
    return button;
  }

  function paymentActions(payment) {
    const id = encodeURIComponent(payment.id);
    const buttons = [];
    if (has("operate") && (payment.status === "failed")) buttons.push(actionButton("Retry", `/v1/payments/${id}/retry`));
    if (has("operate") && payment.status === "held") buttons.push(actionButton("Release", `/v1/payments/${id}/release`));
    // A held payment is cancelled by an operator only; the others also with payments:write (the API's rule).
    const cancellable = payment.status === "held" ? has("operate")
      : has("operate", "payments:write") && ["queued", "scheduled", "pending_approval", "received"].includes(payment.status);
    if (cancellable) buttons.push(actionButton("Cancel", `/v1/payments/${id}/cancel`, { danger: true }));
    return h("span", { class: "actions" }, buttons);
  }

  async function attentionPage() {
    const [failed, unknown, held] = await Promise.all(["failed", "unknown", "held"].map((status) =>
      api("GET", "/v1/payments?limit=100&status=" + status)));
    show(
      h("h1", {}, "Needs attention"),
      h("h2", { id: "failed" }, "Failed (" + failed.payments.length + ")"),
      h("p", { class: "muted" }, "Never reached the bank; retrying sends them again."),
      paymentTable(failed.payments, paymentActions),
      h("h2", { id: "unknown" }, "Unknown outcome (" + unknown.payments.length + ")"),
      h("p", { class: "muted" }, "May have reached the bank: bankgate asks the bank before it sends anything again."),
      paymentTable(unknown.payments),
      h("h2", { id: "held" }, "Held (" + held.payments.length + ")"),
      h("p", { class: "muted" }, "Waiting for an operator: suspected duplicates, frozen accounts, settled outcomes."),
      paymentTable(held.payments, paymentActions),
    );
  }

  async function paymentPage(args) {
    const id = decodeURIComponent(args[0] || "");
    let payment;
    try {
      payment = await api("GET", "/v1/payments/" + encodeURIComponent(id));
    } catch (error) {
      if (error.status === 404) { show(h("h1", {}, "Payment"), notice("No payment " + id + ".", true)); return; }
      throw error;
    }
    const messages = await api("GET", "/v1/payments/" + encodeURIComponent(id) + "/messages");
    const rows = [
      ["Status", badge(payment.status)], ["Debtor account", payment.debtor_account],
      ["Amount", payment.amount + " " + payment.currency],
      ["Creditor", [(payment.creditor || {}).name, " · ", (payment.creditor || {}).account]],
      ["Creditor bank", (payment.creditor || {}).bank_code],
      ["Remittance", payment.remittance_info],
      ["End-to-end id", payment.end_to_end_id], ["Batch", payment.batch_id], ["Attempts", payment.attempts],
      ["Bank status", [payment.bank_status, payment.reason_code, payment.reason_text].filter(Boolean).join(" ")],
      ["Last error", payment.last_error], ["Hold reason", payment.hold_reason],
      ["Requested execution date", payment.requested_execution_date],
      ["Created", when(payment.created_at)], ["Updated", when(payment.updated_at)],
    ].filter(([, value]) => value !== null && value !== undefined && value !== "");
    show(
      h("h1", {}, "Payment ", h("span", { class: "mono" }, payment.id)),
      paymentActions(payment),
      h("table", { class: "fields" }, h("tbody", {}, rows.map(([label, value]) => h("tr", {}, h("th", {}, label), h("td", {}, value))))),
      h("h2", {}, "Timeline"),
      h("ol", { class: "timeline" }, (payment.history || []).map((step) => h("li", {},
        h("strong", {}, (step.from ? step.from + " → " : "") + step.to), " ",
        h("span", { class: "muted" }, when(step.at) + " · " + step.cause + (step.attempt ? " · attempt " + step.attempt : "")),
        step.reason ? h("div", {}, step.reason) : null,
        step.bank_status || step.reason_code ? h("div", { class: "mono" }, [step.bank_status, step.reason_code].filter(Boolean).join(" ")) : null))),
      h("h2", {}, "Bank messages (" + (messages.messages || []).length + ")"),
      (messages.messages || []).length === 0 ? h("p", { class: "muted" }, "No message exchanged yet.") :
        (messages.messages || []).map((message) => h("details", { class: "message" },
          h("summary", {}, when(message.at) + " · " + message.direction + " · " + (message.kind || message.exchange || "") +
            (message.http_status ? " · HTTP " + message.http_status : "") + " · " + message.size + " bytes"),
          h("pre", { class: "body" }, message.body !== undefined && message.body !== null ? message.body :
            "(binary, " + message.size + " bytes; SHA-256 " + message.sha256 + ")"))),
    );
  }

  async function approvalsPage() {
    const data = await api("GET", "/v1/approvals?limit=100");
    const items = data.approvals || data.payments || [];
    show(
      h("h1", {}, "Approvals"),
      table([
        ["Payment", (a) => link("#/payment/" + encodeURIComponent(a.payment_id || a.id), a.payment_id || a.id), "mono"],
        ["Debtor account", (a) => a.debtor_account],
        ["Amount", (a) => a.amount + " " + a.currency, "num"],
        ["Creditor", (a) => (a.creditor || {}).name],
        ["Given / needed", (a) => (a.approvals || []).length + " / " + (a.approvals_needed ?? "?")],
        ["Submitted by", (a) => a.submitted_by],
        ["", (a) => h("span", {},
          actionButton("Approve", `/v1/payments/${encodeURIComponent(a.payment_id || a.id)}/approve`),
          " ", actionButton("Reject", `/v1/payments/${encodeURIComponent(a.payment_id || a.id)}/reject`, { danger: true }))],
      ], items, "Nothing waits for approval."),
    );
  }

  async function banksPage() {
    const queue = await api("GET", "/v1/queue");
    const known = ["bank_id", "counts", "circuit", "circuit_since", "circuit_reason", "last_success_at", "last_error", "in_flight",
      "oldest_queued_at", "oldest_queued_age_seconds", "oldest_unknown_at", "oldest_unknown_age_seconds"];
    const row = (label, value) => h("tr", {}, h("th", {}, label), h("td", {}, value ?? "—"));
    show(
      h("h1", {}, "Banks"),
      (queue.banks || []).length === 0 ? h("p", { class: "muted" }, "No banks configured.") :
        queue.banks.map((bank) => h("section", { class: "bank" },
          h("h2", {}, bank.bank_id, " ", badge(bank.circuit)),
          h("table", { class: "fields" }, h("tbody", {},
            row("Circuit", [bank.circuit, bank.circuit_since ? " since " + when(bank.circuit_since) : "",
              bank.circuit_reason ? " (" + bank.circuit_reason + ")" : ""].join("")),
            row("Last successful exchange", when(bank.last_success_at)),
            row("Last error", bank.last_error ? [when(bank.last_error.at), bank.last_error.code, bank.last_error.message].filter(Boolean).join(" · ") : "—"),
            row("In flight", bank.in_flight),
            row("Oldest queued", bank.oldest_queued_at ? when(bank.oldest_queued_at) + " (" + age(bank.oldest_queued_age_seconds) + ")" : "—"),
            row("Oldest unknown", bank.oldest_unknown_at ? when(bank.oldest_unknown_at) + " (" + age(bank.oldest_unknown_age_seconds) + ")" : "—"),
            Object.entries(bank).filter(([key]) => !known.includes(key)).map(([key, value]) =>
              row(key.replace(/_/g, " "), readable(value))))))),
    );
  }

  async function accountsPage() {
    const data = await api("GET", "/v1/accounts");
    show(
      h("h1", {}, "Accounts"),
      table([
        ["Account", (a) => link("#/account/" + encodeURIComponent(a.id), a.id)],
        ["Bank", (a) => a.bank],
        ["Currency", (a) => a.currency],
        ["Status", (a) => badge(a.status)],
        ["Last statement", (a) => describeStatement(a.last_statement)],
        ["Last balance", (a) => describeBalance(a.last_balance)],
      ], data.accounts, "No accounts configured."),
    );
  }
  function describeStatement(statement) {
    if (!statement) return "—";
    return [statement.period_end, "received " + when(statement.received_at), statement.source].filter(Boolean).join(" · ");
  }
  function describeBalance(balance) {
    if (!balance) return "—";
    return [balance.amount + " " + (balance.currency || ""), balance.type, balance.date].filter(Boolean).join(" · ");
  }

  async function accountPage(args) {
    const account = decodeURIComponent(args[0] || "");
    const id = encodeURIComponent(account);
    const statements = await api("GET", `/v1/accounts/${id}/statements?limit=20`);
    const list = statements.statements || [];
    // Reconciliation of one day: the day asked for, else the latest statement's.
    let date = (list.find((s) => s.date) || {}).date;
    try { if (args[1]) date = decodeURIComponent(args[1]); } catch { /* a malformed date in the address: the latest */ }
    const reconciliation = date ? await api("GET", `/v1/accounts/${id}/reconciliation?date=${encodeURIComponent(date)}`) : null;
    show(
      h("h1", {}, "Account ", account),
      h("h2", {}, "Reconciliation" + (date ? " of " + date : "")),
      reconciliation === null ? h("p", { class: "muted" }, "No statement yet, nothing to reconcile.") :
        h("table", { class: "fields" }, h("tbody", {}, Object.entries(reconciliation).map(([key, value]) => h("tr", {},
          h("th", {}, key.replace(/_/g, " ")),
          h("td", {}, readable(value)))))),
      h("h2", {}, "Statements"),
      table([
        ["Statement", (s) => s.id, "mono"], ["Date", (s) => link(`#/account/${id}/${encodeURIComponent(s.date)}`, s.date)],
        ["Kind", (s) => s.report_kind], ["State", (s) => badge(s.state)], ["Entries", (s) => s.entries ?? "—", "num"],
        ["Closing balance", (s) => s.closing_balance ?? "—", "num"], ["Integrity", (s) => s.integrity ?? "—"],
        ["Continuity", (s) => s.continuity], ["Received", (s) => when(s.received_at)],
      ], list, "No statement yet."),
    );
  }

  async function schedulesPage() {
    const data = await api("GET", "/v1/schedules");
    const plans = data.schedules || [];
    show(
      h("h1", {}, "Schedules"),
      table([
        ["Plan", (p) => link("#/schedule/" + encodeURIComponent(p.name), p.name)],
        ["Kind", (p) => p.kind],
        ["Source", (p) => p.source === "api" ? "API (" + p.created_by + ")" : "configuration"],
        ["When", (p) => [(p.at || []).join(", "), p.days, p.calendar].filter(Boolean).join(" · ")],
        ["Accounts", (p) => p.accounts ? p.accounts.join(", ") : [p.from_account, p.to_account].filter(Boolean).join(" → ")],
        ["Last run", (p) => when((p.last_job || {}).occurrence)],
        ["Outcome", (p) => badge(p.last_outcome || "—")],
        ["Next run", (p) => when(p.next_run)],
        ["", (p) => actionButton("Run now", `/v1/schedules/${encodeURIComponent(p.name)}/run`, { action: "run" })],
      ], plans, "No schedules configured."),
    );
  }

  async function schedulePage(args) {
    const name = decodeURIComponent(args[0] || "");
    const data = await api("GET", `/v1/schedules/${encodeURIComponent(name)}/jobs?limit=20`);
    const jobs = data.jobs || [];
    const details = await Promise.all(jobs.slice(0, 5).map((job) => api("GET", "/v1/schedule-jobs/" + encodeURIComponent(job.id))));
    show(
      h("h1", {}, "Schedule ", name),
      table([
        ["Job", (j) => j.id, "mono"], ["Occurrence", (j) => when(j.occurrence)], ["Trigger", (j) => j.trigger],
        ["By", (j) => j.actor], ["Started", (j) => when(j.started_at)], ["Finished", (j) => when(j.finished_at)],
        ["Outcome", (j) => badge(j.outcome)], ["Error", (j) => j.error || ""],
      ], jobs, "This plan has not run yet."),
      details.map((job) => h("section", { class: "job" },
        h("h2", {}, "Tasks of " + job.id),
        table([
          ["Kind", (t) => t.kind], ["Account", (t) => t.account || "—"],
          ["Payment", (t) => t.payment_id ? link("#/payment/" + encodeURIComponent(t.payment_id), t.payment_id) : "—"],
          ["Outcome", (t) => badge(t.outcome)], ["Detail", (t) => t.detail || ""], ["At", (t) => when(t.at)],
        ], job.tasks, "No tasks."))),
    );
  }

  // ---- Sign-in, navigation, routing ------------------------------------------------------------
  function loginPage(message) {
    document.getElementById("nav").replaceChildren();
    document.getElementById("who").replaceChildren();
    const submit = async (event) => {
      event.preventDefault();
      const token = String(new FormData(event.target).get("token") || "").trim();
      if (!token) return;
      state.token = token;
      try {
        state.who = await api("GET", "/v1/whoami");
      } catch (error) {
        state.token = null;
        loginPage(error.status === 401 ? "That token is not valid." : "Sign-in failed: " + error.message);
        return;
      }
      sessionStorage.setItem(tokenKey, token);
      const target = "#/" + (firstPage() || { id: "queue" }).id;
      // Changing the hash renders (hashchange); render here only when it does not change.
      if (location.hash === target) render(); else location.hash = target;
    };
    show(h("form", { class: "login", onsubmit: submit },
      h("h1", {}, "Sign in"),
      h("p", { class: "muted" }, "Paste an API token. Each page appears when the token's scopes allow it; the token is kept in this tab only."),
      message ? notice(message, true) : null,
      h("label", {}, "API token", h("input", { name: "token", type: "password", autocomplete: "off", autofocus: true })),
      h("p", {}, h("button", { type: "submit" }, "Sign in"))));
  }
  function stopRefreshing() {
    clearInterval(state.timer);
    state.timer = null;
  }
  function forgetToken() {
    stopRefreshing();
    sessionStorage.removeItem(tokenKey);
    state.token = null;
    state.who = null;
  }
  function signOut() {
    forgetToken();
    location.hash = "#/";
    loginPage();
  }
  const allowed = (page) => page.scopes.some((scope) => state.who.scopes.includes(scope));
  const firstPage = () => pages.find(allowed);

  function drawNavigation(current) {
    document.getElementById("nav").replaceChildren(...pages.filter(allowed).map((page) =>
      h("a", { href: "#/" + page.id, class: page.id === current ? "active" : null, "data-page": page.id }, page.title)));
    document.getElementById("who").replaceChildren(
      "Signed in as " + state.who.name + (state.who.tenant && state.who.tenant !== "default" ? " (" + state.who.tenant + ")" : ""),
      h("button", { class: "secondary", onclick: signOut }, "Sign out"));
  }

  // Renders the page the hash names. Each render has a number: a render overtaken by a later one
  // (a refresh tick, a hash change, an action) sets no timer, so at most one refresh timer runs.
  async function render() {
    stopRefreshing();
    const generation = (state.generation = (state.generation || 0) + 1);
    if (!state.token) { loginPage(); return; }
    try {
      if (!state.who) state.who = await api("GET", "/v1/whoami");
    } catch (error) {
      state.who = null;
      if (error.status === 401) { sessionStorage.removeItem(tokenKey); state.token = null; loginPage("The token was refused; sign in again."); return; }
      show(notice("The gateway did not answer: " + error.message, true));
      return;
    }
    const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
    const page = pages.find((candidate) => candidate.id === name) || hidden[name];
    drawNavigation(name);
    if (!page) { location.hash = "#/" + (firstPage() || { id: "queue" }).id; return; }
    if (!allowed(page)) {
      show(notice("This token's scopes do not include this page.", true));
      document.body.dataset.page = name;
      return;
    }
    try {
      await page.render(args);
      if (generation !== state.generation) return;
      document.body.dataset.page = name;
      document.body.dataset.rendered = String(Date.now());
      if (page.refresh) state.timer = setInterval(() => { if (!document.querySelector("[data-armed='1']")) render(); }, page.refresh * 1000);
    } catch (error) {
      if (generation !== state.generation) return;
      // A token revoked or changed since sign-in (a configuration reload): back to sign-in.
      if (error.status === 401) { forgetToken(); loginPage("The token was refused; sign in again."); return; }
      show(h("h1", {}, page.title || name), notice("Could not load this page: " + error.message + " (" + error.code + ")", true));
      document.body.dataset.page = name;
      document.body.dataset.failed = error.code || "error";
    }
  }

  window.addEventListener("hashchange", render);
  document.addEventListener("DOMContentLoaded", render);
})();
"""#
}
