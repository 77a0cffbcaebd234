/* Korean search over the build-time index of site_builder/outputs/search.py (keep the two in step).
 * Loads meta.json when the page opens; a query then fetches the shards of its keys, all at once, which
 * carry the result rows of their keys' best documents and of the first pages of longer words (예산을),
 * so a one-word query's first page needs nothing more; the rows still missing (mostly for queries of
 * several words) come from small detail chunks. Hangul words are matched by their two-syllable
 * pieces (봉사 → 자원봉사센터), Latin words and numbers by prefix (ESG, 31,600 → 31600).
 * State lives in the URL (?q=&org=…). */
(function () {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var WORD = /[\uac00-\ud7a3\u4e00-\u9fff]+|[a-z0-9]+(?:\.[0-9]+)?/g;
  var HANGUL = /^[\uac00-\ud7a3\u4e00-\u9fff]/;
  var KINDS = { plan: "계획", node: "전략", unit: "부서", project: "사업" };
  var PAGE = 10;  // results per step
  var app = document.getElementById("search-app");
  if (!app) return;
  var root = app.getAttribute("data-root") || "./";
  var base = app.getAttribute("data-index") || "data/";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var cache = {}, rows = {}, meta = null, ranked = [], shown = 0, seq = 0;
  // For tests and benchmarks/search.py: ms from a query's start (Enter, end of typing, page load) to its results
  // painted, the same as times since the page's navigation, and the index bytes fetched.
  window.siteSearch = { timings: [], shownAt: [], bytes: 0, warm: false };

  // Same as search.py `normalise`; no look-behind, which older Safari cannot parse.
  function normalise(t) { return t.normalize("NFKC").toLowerCase().replace(/(\d),(?=\d{3})/g, "$1"); }
  function tokens(t) { return normalise(t).match(WORD) || []; }

  function wordKeys(word) {
    if (!HANGUL.test(word) || word.length === 1) return [[word, true]];
    var keys = [];
    for (var i = 0; i < word.length - 1; i++) keys.push([word.substr(i, 2), i === 0]);
    return keys;
  }

  function shardOf(key, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < Math.min(2, key.length); i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return h % shards;
  }

  var CODE = new Int8Array(128);  // character code → digit of ALPHABET
  for (var a = 0; a < ALPHABET.length; a++) CODE[ALPHABET.charCodeAt(a)] = a;

  function load(rel) {
    if (!cache[rel]) {
      var v = meta ? "?v=" + meta.version : "";
      cache[rel] = fetch(base + rel + v).then(function (r) {
        if (!r.ok) throw new Error(rel + " " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        window.siteSearch.bytes += buf.byteLength;
        return JSON.parse(new TextDecoder().decode(buf));
      }).catch(function (e) { delete cache[rel]; throw e; });  // a phone that lost its network may try again
    }
    return cache[rel];
  }

  // Decodes the postings of one term (search.py `encode`) into best[d] = highest class for the key numbered g
  // (seen[d] === g); documents seen for the first time are written to list[len…] when there is a list. Returns len.
  function decodeInto(text, best, seen, g, list, len) {
    var acc = 0, mul = 1, last = 0;
    for (var i = 0; i < text.length; i++) {
      var x = CODE[text.charCodeAt(i)];
      if (x >= 32) { acc += (x - 32) * mul; mul *= 32; continue; }
      last += acc + x * mul; acc = 0; mul = 1;
      var c = last % 8, d = (last - c) / 8;
      if (seen[d] !== g) { seen[d] = g; best[d] = c; if (list) list[len++] = d; } else if (best[d] < c) best[d] = c;
    }
    return len;
  }

  function terms(shard, key, prefix) {
    if (!prefix) return Object.prototype.hasOwnProperty.call(shard, key) ? [key] : [];
    return Object.keys(shard).filter(function (t) { return t.lastIndexOf(key, 0) === 0; });
  }

  // Every key of the query: [key, prefix match?, first key of its word?] (searcher.py `Searcher._word_scores`).
  function queryKeys(words) {
    var keys = [];
    words.forEach(function (w) {
      var hangul = HANGUL.test(w) && w.length > 1;
      wordKeys(w).forEach(function (k) { keys.push([k[0], !hangul, k[1]]); });
    });
    return keys;
  }

  // Documents having every key, best score first, ties in document order; scores as searcher.py `Searcher.search`.
  // The rarest key is decoded first and gives the candidates; each other key keeps those it has, so no loop runs
  // over every document (and `warm` has it compiled before the first query).
  function rank(keys, shards, allow) {
    var n = meta.docs, total = new Int32Array(n), best = new Int8Array(n), seen = new Uint16Array(n), cand = null, top = 0;
    var order = keys.map(function (k, i) {
      var keyed = shards[i].k, ts = terms(keyed, k[0], k[1]), size = 0;
      ts.forEach(function (t) { size += keyed[t].length; });
      return { key: k, keyed: keyed, terms: ts, size: size };
    }).sort(function (a, b) { return a.size - b.size; });
    order.forEach(function (o, i) {
      var list = cand ? null : new Int32Array(n), g = i + 1, m = 0, len = 0;
      o.terms.forEach(function (t) { len = decodeInto(o.keyed[t], best, seen, g, list, len); });
      if (list) cand = list.subarray(0, len);
      for (var j = 0; j < cand.length; j++) {
        var d = cand[j], c = best[d], f = c >> 1;
        if (seen[d] !== g) continue;
        total[d] += 1 + 4 * f * f + (o.key[2] ? (c & 1) : 0);
        cand[m++] = d;
      }
      cand = cand.subarray(0, m);
    });
    cand = cand || new Int32Array(0);
    if (order.length && order[0].terms.length > 1) cand.sort();  // a prefix key's terms come one after another
    var kept = new Int32Array(cand.length), count = 0;
    for (var j = 0; j < cand.length; j++) {
      var d = cand[j];
      if (allow && !allow(d)) continue;
      kept[count++] = d;
      if (total[d] > top) top = total[d];
    }
    // Documents by score, best first, each score's in document order (a counting sort: no comparisons).
    var start = new Int32Array(top + 2), out = new Int32Array(count);
    for (j = 0; j < count; j++) start[top - total[kept[j]] + 1]++;
    for (var s = 1; s <= top + 1; s++) start[s] += start[s - 1];
    for (j = 0; j < count; j++) out[start[top - total[kept[j]]]++] = kept[j];
    return out;
  }

  function planOf(d) {
    var lo = 0, hi = meta.plans.length - 1;  // plans are in document order
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, p = meta.plans[mid];
      if (d < p.start) hi = mid - 1; else if (d >= p.end) lo = mid + 1; else return mid;
    }
    return -1;
  }

  function filters() {
    var f = {};
    ["org", "year", "plan", "unit", "node"].forEach(function (k) { f[k] = form.elements[k] ? form.elements[k].value : ""; });
    return f;
  }

  function descendants(nodes, top) {
    var keep = {}; keep[top] = true;
    nodes.forEach(function (n, i) { if (n[1] >= 0 && keep[n[1]]) keep[i] = true; });  // parents come first
    return keep;
  }

  // The filter as a test of document numbers, or null when nothing is filtered.
  function allowFn(f) {
    if (!f.org && !f.year && !f.plan) return Promise.resolve(null);
    var planIdx = -1;
    meta.plans.forEach(function (p, i) { if (p.key === f.plan) planIdx = i; });
    var base = function (d) {
      var p = meta.plans[planOf(d)];
      if (!p) return false;
      if (f.org && p.org !== f.org) return false;
      if (f.year && String(p.year) !== f.year) return false;
      if (f.plan && p.key !== f.plan) return false;
      return true;
    };
    if (planIdx < 0 || (!f.unit && !f.node)) return Promise.resolve(base);
    return load("p/" + planIdx + ".json").then(function (facet) {
      var start = meta.plans[planIdx].start, keep = f.node ? descendants(facet.nodes, Number(f.node)) : null;
      return function (d) {
        if (!base(d)) return false;
        var fd = facet.docs[d - start];
        if (f.unit && fd[0] !== Number(f.unit)) return false;
        if (keep && !(fd[1] in keep)) return false;
        return true;
      };
    });
  }

  function search(query) {
    var keys = queryKeys(tokens(query));
    var shards = keys.map(function (k) { return load("s/" + shardOf(k[0], meta.shards) + ".json"); });
    return Promise.all([Promise.all(shards), allowFn(filters())]).then(function (got) {
      got[0].forEach(function (shard) { Object.keys(shard.r).forEach(function (d) { rows[d] = shard.r[d]; }); });
      return rank(keys, got[0], got[1]);
    });
  }

  // Result rows: those that came with the shards, the others from their detail chunks.
  function details(docs) {
    return Promise.all(docs.map(function (d) {
      if (rows[d]) return [d, rows[d]];
      return load("d/" + Math.floor(d / meta.chunk) + ".json").then(function (chunk) { return [d, rows[d] = chunk[d % meta.chunk]]; });
    }));
  }

  function mark(el, text, words) {
    // Show the query's words inside the title with <mark>, built as DOM nodes (never as HTML).
    var lower = text.toLowerCase(), at = 0;
    while (at < text.length) {
      var best = -1, len = 0;
      words.forEach(function (w) {
        var i = lower.indexOf(w, at);
        if (i >= 0 && (best < 0 || i < best || (i === best && w.length > len))) { best = i; len = w.length; }
      });
      if (best < 0) break;
      if (best > at) el.appendChild(document.createTextNode(text.slice(at, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      el.appendChild(m);
      at = best + len;
    }
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  function item(d, row) {
    var li = document.createElement("li");
    li.className = "search-hit search-" + row[0];
    var head = document.createElement("p");
    head.className = "search-hit-title";
    var kind = document.createElement("span");
    kind.className = "badge";
    kind.textContent = KINDS[row[0]] || row[0];
    var a = document.createElement("a");
    a.href = root + row[2];
    mark(a, row[1], tokens(input.value));
    head.appendChild(kind); head.appendChild(document.createTextNode(" ")); head.appendChild(a);
    li.appendChild(head);
    var plan = meta.plans[planOf(d)];
    var parts = [];
    if (row[0] === "project") {
      if (row[3]) parts.push("부서: " + row[3]);
      parts.push("예산: " + (row[4] || "밝히지 않음"));
      if (row[5]) parts.push("전략: " + row[5]);
    } else if (row[0] === "node") {
      if (row[3]) parts.push(row[3] + (row[6] ? " " + row[6] : ""));
      if (row[5]) parts.push("상위: " + row[5]);
    }
    if (plan) parts.push("계획: " + plan.orgName + " " + plan.year + "년");
    var info = document.createElement("p");
    info.className = "search-hit-meta";
    info.textContent = parts.join(" · ");
    li.appendChild(info);
    return li;
  }

  function showMore(mine) {
    var next = ranked.slice(shown, shown + PAGE);
    return details(Array.from(next)).then(function (got) {
      if (mine !== seq) return;
      got.forEach(function (r) { list.appendChild(item(r[0], r[1])); });
      shown += next.length;
      more.hidden = shown >= ranked.length;
    });
  }

  function saveState(q) {
    var p = new URLSearchParams();
    if (q) p.set("q", q);
    var f = filters();
    Object.keys(f).forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    var s = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
  }

  function run() {
    var q = input.value.trim(), mine = ++seq, t0 = performance.now();
    saveState(q);
    if (!tokens(q).length) {
      list.innerHTML = ""; more.hidden = true;
      status.textContent = q ? "찾을 수 있는 글자가 없습니다. 한글·영문·숫자로 입력하세요." : "검색어를 입력하세요.";
      return Promise.resolve();
    }
    status.textContent = "찾는 중…";
    return search(q).then(function (hits) {
      if (mine !== seq) return;
      ranked = hits; shown = 0; list.innerHTML = "";
      return showMore(mine).then(function () {
        if (mine !== seq) return;
        requestAnimationFrame(function () {  // the frame that paints the results: what a person waits for
          window.siteSearch.timings.push(performance.now() - t0);
          window.siteSearch.shownAt.push(performance.now());
        });
        status.textContent = hits.length ? "‘" + q + "’ 검색 결과 " + hits.length + "건" + (hits.length > shown ? " (처음 " + shown + "건 표시)" : "") :
          "‘" + q + "’에 맞는 결과가 없습니다. " + (tokens(q).every(function (w) { return w.length === 1; }) ?
            "한 글자 낱말은 그 낱말만 찾습니다. 두 글자 이상으로 찾아보세요." : "낱말을 줄이거나 범위 조건을 지워 보세요.");
        app.setAttribute("data-ready", String(mine));
      });
    }).catch(function (e) {
      status.textContent = "검색 색인을 읽지 못했습니다: " + e.message;
    });
  }

  function fillSelect(select, items, keep) {
    var first = select.options[0];
    select.innerHTML = "";
    first.textContent = "전체";
    select.appendChild(first);
    items.forEach(function (it) {
      var o = document.createElement("option");
      o.value = it[0]; o.textContent = it[1];
      select.appendChild(o);
    });
    select.disabled = items.length === 0;
    if (keep) select.value = keep;
  }

  function planChanged(keep) {
    var key = form.elements.plan.value, idx = -1;
    meta.plans.forEach(function (p, i) { if (p.key === key) idx = i; });
    if (idx < 0) {
      ["unit", "node"].forEach(function (k) {
        var s = form.elements[k]; s.innerHTML = "<option value=\"\">계획을 먼저 고르세요</option>"; s.disabled = true;
      });
      return Promise.resolve();
    }
    return load("p/" + idx + ".json").then(function (facet) {
      fillSelect(form.elements.unit, facet.units.map(function (u, i) { return [String(i), u]; }), keep && keep.unit);
      fillSelect(form.elements.node, facet.nodes.map(function (n, i) {
        return [String(i), "\u00a0\u00a0".repeat(n[2]) + (n[3] ? n[3] + " " : "") + n[0]];
      }), keep && keep.node);
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  form.elements.plan.addEventListener("change", function () { planChanged().then(run); });
  ["org", "year", "unit", "node"].forEach(function (k) { form.elements[k].addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(seq); });

  // Ranks made-up postings once the page is idle, so that the browser has compiled the ranking before the first
  // query, as a person types: run cold it took 4–90 ms at 10,000 projects on a busy 2-core machine, warm 1–10 ms.
  function warm() {
    var n = Math.max(0, Math.min(meta.docs - 1, 8192)), text = "8".repeat(n);  // documents 1…n, class 0
    var shard = { k: { "가나": text, "나다": text } };
    for (var i = 0; i < 3; i++) rank([["가나", false, true], ["나다", false, false]], [shard, shard], null);
    window.siteSearch.warm = true;
  }

  load("meta.json").then(function (m) {
    meta = m;
    var p = new URLSearchParams(window.location.search);
    input.value = p.get("q") || "";
    ["org", "year", "plan"].forEach(function (k) { if (p.get(k)) form.elements[k].value = p.get(k); });
    return planChanged({ unit: p.get("unit"), node: p.get("node") });
  }).then(run).then(function () {
    if (window.requestIdleCallback) window.requestIdleCallback(warm); else setTimeout(warm, 0);
  }).catch(function (e) { status.textContent = "검색 색인을 읽지 못했습니다: " + e.message; });
})();
