/* Project tables: sorting by tablesort (installed from npm, copied into assets/vendor) and filters.
 * Progressive enhancement: without JavaScript the tables are complete and pre-sorted.
 * The filter and sort state lives in the URL query (?plan=&unit=&node=&status=&min=&max=&month=&sort=)
 * so a filtered view can be shared. Row data comes from data-* attributes written at build time
 * (site_builder/render/tables.py). */
(function () {
  "use strict";
  var FIELDS = ["plan", "unit", "node", "status", "min", "max", "month"];
  // The 상태 filter offers the statuses of the table's rows (data-status), in the data format's order.
  var STATUSES = ["예정", "추진 중", "완료", "지연", "보류", "취소", "보고 없음"].map(function (s) { return [s, s]; });

  function params() { return new URLSearchParams(window.location.search); }

  function saveParams(p) {
    var q = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function rowsOf(tables) {
    var rows = [];
    tables.forEach(function (t) { Array.prototype.push.apply(rows, t.tBodies[0] ? t.tBodies[0].rows : []); });
    return rows;
  }

  function facetsOf(tables) {
    var out = { plans: [], units: [], nodes: [] }, seen = {};
    tables.forEach(function (t) {
      var f = JSON.parse(t.getAttribute("data-facets") || "{}");
      ["plans", "units", "nodes"].forEach(function (k) {
        (f[k] || []).forEach(function (item) {
          if (!seen[k + item[0]]) { seen[k + item[0]] = 1; out[k].push(item); }
        });
      });
    });
    return out;
  }

  function present(rows, attr, split) {
    var set = {};
    rows.forEach(function (r) {
      var v = r.getAttribute("data-" + attr) || "";
      (split ? v.split(" ") : [v]).forEach(function (x) { if (x) set[x] = 1; });
    });
    return set;
  }

  function select(name, label, items, have) {
    var wrap = el("div", { "class": "filter-field" });
    var id = "filter-" + name;
    wrap.appendChild(el("label", { "for": id }, label));
    var s = el("select", { id: id, name: name });
    s.appendChild(el("option", { value: "" }, "전체"));
    items.forEach(function (it) {
      if (!have[it[0]]) return;
      var depth = name === "node" ? it[2] : 0;
      s.appendChild(el("option", { value: it[0] }, "\u00a0\u00a0".repeat(depth) + it[1]));
    });
    wrap.appendChild(s);
    return s.options.length > 2 ? wrap : null;
  }

  function input(name, label, type, attrs) {
    var wrap = el("div", { "class": "filter-field" });
    var id = "filter-" + name;
    wrap.appendChild(el("label", { "for": id }, label));
    var i = el("input", Object.assign({ id: id, name: name, type: type }, attrs || {}));
    wrap.appendChild(i);
    return wrap;
  }

  function matches(row, f, factor) {
    var d = function (k) { return row.getAttribute("data-" + k) || ""; };
    if (f.plan && d("plan") !== f.plan) return false;
    if (f.unit && d("unit") !== f.unit) return false;
    if (f.node && d("node").split(" ").indexOf(f.node) < 0) return false;
    if (f.status && d("status") !== f.status) return false;
    if (f.min || f.max) {
      if (d("budget") === "") return false;
      var won = Number(d("budget"));
      if (f.min && won < Number(f.min) * factor) return false;
      if (f.max && won > Number(f.max) * factor) return false;
    }
    if (f.month && !(d("start") && d("start") <= f.month && f.month <= d("end"))) return false;
    return true;
  }

  function caption(table, shown, total) {
    // The caption counts what the table shows: "전체 사업 (79건, …)" or, filtered, "… 조건에 맞는 사업 0건 / 전체 79건".
    var cap = table.caption, base = table.getAttribute("data-caption"), unit = table.getAttribute("data-money-unit");
    if (!cap || base === null) return;
    cap.textContent = shown === total ? base + " (" + total + "건, 금액 단위: " + unit + ")"
      : base + ": 검색 조건에 맞는 사업 " + shown + "건 / 전체 " + total + "건 (금액 단위: " + unit + ")";
  }

  function apply(form, tables, status) {
    var f = {}, p = params(), shown = 0, total = 0;
    FIELDS.forEach(function (k) {
      var c = form.elements[k];
      f[k] = c ? c.value.trim() : "";
      if (f[k]) p.set(k, f[k]); else p.delete(k);
    });
    tables.forEach(function (t) {
      var factor = Number(t.getAttribute("data-money-factor") || "1"), mine = 0, rows = t.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (r) {
        var ok = matches(r, f, factor);
        r.hidden = !ok;
        mine += ok ? 1 : 0;
      });
      caption(t, mine, rows.length);
      total += rows.length;
      shown += mine;
    });
    status.textContent = total === shown ? "모든 사업 " + total + "건을 보여 줍니다."
      : total + "건 가운데 " + shown + "건을 보여 줍니다." + (shown ? "" : " 조건에 맞는 사업이 없습니다. 조건을 바꾸거나 ‘조건 지우기’를 누르세요.");
    saveParams(p);
  }

  function limitToPlan(form, facets) {
    // With a plan chosen, the unit and strategy lists offer only that plan's entries.
    var plan = form.elements.plan ? form.elements.plan.value : "";
    [["unit", facets.units, 2], ["node", facets.nodes, 3]].forEach(function (spec) {
      var s = form.elements[spec[0]];
      if (!s) return;
      var owner = {};
      spec[1].forEach(function (it) { owner[it[0]] = it[spec[2]]; });
      Array.prototype.forEach.call(s.options, function (o) {
        o.hidden = o.disabled = Boolean(plan && o.value && owner[o.value] !== plan);
      });
      if (s.selectedOptions[0] && s.selectedOptions[0].disabled) s.value = "";
    });
  }

  var NAMES = { plan: "계획", unit: "부서", node: "전략", status: "상태", min: "예산 최소", max: "예산 최대", month: "진행 중인 달" };
  var CHECKS = { min: /^\d+(\.\d+)?$/, max: /^\d+(\.\d+)?$/, month: /^\d{4}-(0[1-9]|1[0-2])$/ };

  function resolve(value, ids) {
    // A hand-typed value: the id itself, or the one id of the page that ends in ":" + value (`t02` → `기관/2024:t02`).
    if (ids.indexOf(value) >= 0) return value;
    var ends = ids.filter(function (id) { return id.slice(id.indexOf(":") + 1) === value; });
    return ends.length === 1 ? ends[0] : null;
  }

  function fromAddress(form, box, facets, rows, problems) {
    // Conditions from the address (a shared or hand-edited link): a known one applies, an unknown one is named.
    var p = params(), wrong = [];
    var known = { plan: present(rows, "plan"), unit: present(rows, "unit"), node: present(rows, "node", true), status: present(rows, "status") };
    FIELDS.forEach(function (k) {
      var value = (p.get(k) || "").trim(), got = value;
      if (!value) return;
      if (known[k]) got = resolve(value, Object.keys(known[k]));
      else if (!CHECKS[k].test(value)) got = null;
      if (got === null) { wrong.push(NAMES[k] + " ‘" + value + "’"); return; }
      if (!form.elements[k]) box.appendChild(el("input", { type: "hidden", name: k, value: got }));  // a list left out for having one entry
      else form.elements[k].value = got;
    });
    if (wrong.length) {
      problems.textContent = "주소의 조건 " + wrong.join(", ") + "을(를) 찾지 못했습니다. 이 조건은 빼고 보여 줍니다.";
      problems.hidden = false;
    }
  }

  function buildPanel(tables) {
    var rows = rowsOf(tables), facets = facetsOf(tables), unit = tables[0].getAttribute("data-money-unit") || "";
    var form = el("form", { "class": "table-filters", "aria-label": "사업 표 필터" });
    var box = el("fieldset");
    box.appendChild(el("legend", {}, "사업 표 필터"));
    [select("plan", "계획", facets.plans, present(rows, "plan")),
     select("unit", "부서", facets.units, present(rows, "unit")),
     select("node", "전략", facets.nodes, present(rows, "node", true)),
     select("status", "상태", STATUSES, present(rows, "status")),
     input("min", "예산 최소(" + unit + ")", "number", { min: "0", step: "any", inputmode: "decimal" }),
     input("max", "예산 최대(" + unit + ")", "number", { min: "0", step: "any", inputmode: "decimal" }),
     input("month", "진행 중인 달", "month", { placeholder: "2024-05" })].forEach(function (w) { if (w) box.appendChild(w); });
    var reset = el("button", { type: "button", "class": "md-button filter-reset" }, "조건 지우기");
    box.appendChild(reset);
    form.appendChild(box);
    var status = el("p", { "class": "filter-status", role: "status", "aria-live": "polite" });
    form.appendChild(status);
    var problems = el("p", { "class": "filter-problem", role: "alert" });
    problems.hidden = true;
    form.appendChild(problems);
    fromAddress(form, box, facets, rows, problems);
    var wrap = tables[0].closest(".table-wrap") || tables[0];
    if (tables.length > 1) {
      // One panel filters every project table of the page: put it above the first table's heading.
      box.querySelector("legend").textContent = "사업 표 필터 (이 페이지의 사업 표 " + tables.length + "개에 함께 적용)";
      for (var h = wrap.previousElementSibling; h; h = h.previousElementSibling) { if (/^H[23]$/.test(h.tagName)) { wrap = h; break; } }
    }
    wrap.parentNode.insertBefore(form, wrap);
    var limit = function () { limitToPlan(form, facets); };
    form.addEventListener("change", limit);
    limit();
    form.addEventListener("input", function () { apply(form, tables, status); });
    form.addEventListener("change", function () { apply(form, tables, status); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(form, tables, status); });
    reset.addEventListener("click", function () { problems.hidden = true; form.reset(); FIELDS.forEach(function (k) { if (form.elements[k]) form.elements[k].value = ""; }); apply(form, tables, status); });
    apply(form, tables, status);
  }

  function sortButtons(heads) {
    // Tablesort makes each header a tab stop that sorts on Enter only; a button inside it is announced as a button
    // and sorts on Enter and Space (its click reaches the header's handler). aria-sort stays on the header cell.
    Array.prototype.forEach.call(heads, function (th) {
      if (th.getAttribute("data-sort-method") === "none") return;
      th.removeAttribute("tabindex");
      var b = el("button", { type: "button", "class": "sort-button" });
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
    });
  }

  function setupSort(table, index) {
    if (typeof window.Tablesort !== "function") return;
    var sorter = new window.Tablesort(table);
    var heads = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    sortButtons(heads);
    table.addEventListener("afterSort", function () {
      var p = params();
      for (var c = 0; c < heads.length; c++) {
        var order = heads[c].getAttribute("aria-sort");
        if (order) p.set("sort", index + "." + c + "." + (order === "descending" ? "d" : "a"));
      }
      saveParams(p);
    });
    var want = (params().get("sort") || "").split(".");
    if (want.length === 3 && Number(want[0]) === index && heads[Number(want[1])]) {
      var th = heads[Number(want[1])];
      th.setAttribute("aria-sort", want[2] === "d" ? "ascending" : "descending");  // sortTable flips it
      sorter.current = th;
      sorter.sortTable(th);
    }
  }

  function focusableScrollBoxes() {
    // Material wraps plain Markdown tables in a scroll box; keyboard users must be able to scroll it too.
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (box, i) {
      if (box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "표 " + (i + 1) + " (가로로 밀어 볼 수 있음)");
    });
  }

  function cardRoles(table) {
    // On phones a `cards` table is drawn with display:block (site.css); explicit roles keep it a table to screen readers.
    var role = function (e, r) { if (!e.hasAttribute("role")) e.setAttribute("role", r); };
    role(table, "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (g) { role(g, "rowgroup"); });
    Array.prototype.forEach.call(table.rows, function (r) {
      role(r, "row");
      Array.prototype.forEach.call(r.cells, function (c) {
        role(c, c.tagName === "TD" ? "cell" : (c.getAttribute("scope") === "row" ? "rowheader" : "columnheader"));
      });
    });
  }

  function scrollHints() {
    // A table wider than its box says so above the box; the hint goes when the box is wide enough (resize, phone cards).
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (box) {
      var hint = el("p", { "class": "scroll-hint" }, "표가 화면보다 넓습니다. 표를 옆으로 밀면(키보드: 표를 누르고 → 키) 나머지 열이 보입니다.");
      box.parentNode.insertBefore(hint, box);
      var update = function () { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
      update();
      if (window.ResizeObserver) new window.ResizeObserver(update).observe(box);
      else window.addEventListener("resize", update);
    });
  }

  function quietPermalinks() {
    // The ¶ link after every heading is for copying an address with the mouse, not a stop for every Tab press.
    Array.prototype.forEach.call(document.querySelectorAll("a.headerlink"), function (a) { a.setAttribute("tabindex", "-1"); });
  }

  var rowFilters = 0;

  function rowFilter(table) {
    // Lists such as the data-quality findings: one list per row attribute named in data-row-filters (kind, status),
    // its entries taken from the rows (data-kind + data-kind-name); the choice is kept in the address (?kind=&status=).
    var fields = JSON.parse(table.getAttribute("data-row-filters") || "{}"), rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var form = el("form", { "class": "table-filters row-filters", "aria-label": table.getAttribute("data-caption") + " 필터" });
    var box = el("fieldset"), status = el("p", { "class": "filter-status", role: "status", "aria-live": "polite" }), p = params();
    box.appendChild(el("legend", {}, table.getAttribute("data-caption") + " 필터"));
    Object.keys(fields).forEach(function (key) {
      var seen = {}, items = [];
      rows.forEach(function (r) {
        var v = r.getAttribute("data-" + key);
        if (v && !seen[v]) { seen[v] = 1; items.push([v, r.getAttribute("data-" + key + "-name") || v]); }
      });
      var wrap = select(key, fields[key], items, seen);
      if (!wrap) return;
      var list = wrap.querySelector("select");
      list.id = "filter-" + key + "-" + (++rowFilters);  // two filtered tables on a page: ids stay unique
      wrap.querySelector("label").setAttribute("for", list.id);
      if (seen[p.get(key)]) {
        list.value = p.get(key);
        var folded = table.closest("details");
        if (folded) folded.open = true;  // a kind chosen in the address (the summary's links) shows its rows
      }
      box.appendChild(wrap);
    });
    if (!box.querySelector("select")) return;
    form.appendChild(box);
    form.appendChild(status);
    var wrapBox = table.closest(".table-wrap") || table;
    wrapBox.parentNode.insertBefore(form, wrapBox);
    var run = function () {
      var q = params(), shown = 0;
      rows.forEach(function (r) {
        var ok = Object.keys(fields).every(function (k) { var c = form.elements[k]; return !c || !c.value || r.getAttribute("data-" + k) === c.value; });
        r.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      Object.keys(fields).forEach(function (k) { var c = form.elements[k]; if (c && c.value) q.set(k, c.value); else if (c) q.delete(k); });
      var noun = table.getAttribute("data-noun") || "건", base = table.getAttribute("data-caption");
      table.caption.textContent = shown === rows.length ? base + " (" + rows.length + noun + ")" : base + ": 고른 조건에 맞는 " + shown + noun + " / 전체 " + rows.length + noun;
      status.textContent = shown === rows.length ? "모두 " + rows.length + noun + "을 보여 줍니다." : rows.length + noun + " 가운데 " + shown + noun + "을 보여 줍니다.";
      saveParams(q);
    };
    form.addEventListener("change", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  // The plan index of a split all-projects table (table.plan-index, hundreds of plans in a big portal): a box keeps the
  // plans whose row has every word typed (기관·연도·계획 이름); the words stay in the address (?q=) like other conditions.
  function planFinder(table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows), text = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var form = el("form", { "class": "table-filters plan-finder", role: "search", "aria-label": "계획 찾기" });
    var box = el("fieldset"), field = el("div", { "class": "filter-field" });
    var status = el("p", { "class": "filter-status", role: "status", "aria-live": "polite" });
    var input = el("input", { id: "filter-q", name: "q", type: "search", placeholder: "예: 기관 이름, 2024" });
    box.appendChild(el("legend", {}, "계획 찾기"));
    field.appendChild(el("label", { "for": "filter-q" }, "기관·연도·계획 이름"));
    field.appendChild(input);
    box.appendChild(field);
    form.appendChild(box);
    form.appendChild(status);
    input.value = params().get("q") || "";
    var run = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0, q = params();
      rows.forEach(function (r, i) {
        var ok = words.every(function (w) { return text[i].indexOf(w) >= 0; });
        r.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      status.textContent = shown === rows.length ? "모든 계획 " + rows.length + "개를 보여 줍니다." : rows.length + "개 계획 가운데 " + shown + "개를 보여 줍니다.";
      if (input.value.trim()) q.set("q", input.value.trim()); else q.delete("q");
      saveParams(q);
    };
    form.addEventListener("input", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(form, wrap);
    run();
  }

  // A big portal's all-projects table is split into one page per plan (table.plan-index lists them): an address
  // shared before the split (projects/?plan=기관/연도&status=…) opens that plan's page with the other conditions.
  // In a very big portal the index lists the plan directory's pages instead (table[data-plan-part]): the address is
  // made from the pattern, for a plan key of the usual shape only (기관/연도: never another path or site).
  function followPlan() {
    var p = params(), plan = p.get("plan");
    var rows = document.querySelectorAll("table.plan-index tbody tr[data-plan]");
    var row = Array.prototype.filter.call(rows, function (r) { return r.getAttribute("data-plan") === plan; })[0];
    var link = row && row.querySelector("a[href]");
    var pattern = document.querySelector("table[data-plan-part]");
    var href = link ? link.href : pattern && plan && /^[A-Za-z0-9_.-]+\/\d{4}$/.test(plan) && plan.charAt(0) !== "."
      ? new URL(pattern.getAttribute("data-plan-part").replace("__PLAN__", plan), window.location.href).href : "";
    if (!href) return false;
    p.delete("plan");
    var q = p.toString();
    window.location.replace(href + (q ? "?" + q : ""));
    return true;
  }

  function init() {
    if (followPlan()) return;
    focusableScrollBoxes();
    quietPermalinks();
    Array.prototype.forEach.call(document.querySelectorAll("table.cards"), cardRoles);
    var tables = Array.prototype.slice.call(document.querySelectorAll("table.sortable"));
    tables.forEach(setupSort);
    var filterable = tables.filter(function (t) { return t.hasAttribute("data-filterable"); });
    if (filterable.length) buildPanel(filterable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-row-filters]"), rowFilter);
    Array.prototype.forEach.call(document.querySelectorAll("table.plan-index"), planFinder);
    scrollHints();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
