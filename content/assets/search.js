/* Korean search over the build-time index of site_builder/outputs/search.py (keep the two in step; the ranking's
 * Python twin is site_builder/outputs/searcher.py).
 * Loads meta.json when the page opens; a query then fetches the shards of its keys, all at once, which
 * carry the result rows of their keys' best documents and of the first pages of longer words (예산을),
 * so a one-word query's first page needs nothing more; the rows still missing (mostly for queries of
 * several words) come from small detail chunks, and the plans the results belong to (organisation, year) from
 * plans/<k>.json, a few plans each (the whole plan list, plans/all.json, only for the plan filters). Hangul words are matched by their two-syllable
 * pieces (봉사 → 자원봉사센터), Latin words and numbers by prefix (ESG, 31,600 → 31600).
 * On top of that, for the way people type Korean: particles and endings come off a word whose stem still
 * matches (돌봄을 → 돌봄, the form as typed ranked first); initial consonants (ㄷㅂ → 돌봄) are looked up in
 * the term files c/<pair>.json (suggestions as one types; three or more initials also in a search); Latin
 * letters typed in the wrong keyboard mode are read as 두벌식 keys (ehfqha → 돌봄); a query that finds nothing
 * is corrected to the nearest term by jamo (돌봉 → 돌봄); a quoted phrase ("아동 돌봄") wants its words side by
 * side. Each result shows a snippet of its text (t/<document>.json) with the matched words marked.
 * The text functions come first and do not touch the page, so tests run them in node (module.exports).
 * State lives in the URL (?q=&org=…). */
(function () {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var WORD = /[\uac00-\ud7a3\u4e00-\u9fff]+|[a-z0-9]+(?:\.[0-9]+)?/g;
  var HANGUL = /^[\uac00-\ud7a3\u4e00-\u9fff]/;
  var SYLLABLES = /^[\uac00-\ud7a3]+$/;
  // Same list as site_builder/outputs/hangul.py SUFFIXES (a test compares them), longest first.
  var SUFFIXES = ["까지는", "부터는", "에게는", "에서는", "에서도", "에서의", "으로는", "으로도", "으로서", "으로써", "으로의", "이라도", "입니다", "적으로", "하고자", "합니다",
    "과는", "과의", "까지", "께서", "되기", "되는", "되어", "된다", "들과", "들은", "들을", "들의", "들이", "라도", "로는", "로도", "로서", "로써", "로의", "마다", "만은",
    "만을", "만의", "밖에", "보다", "부터", "에게", "에는", "에도", "에서", "에의", "와는", "와의", "으로", "이고", "이나", "이다", "이랑", "이며", "적인", "조차", "처럼",
    "하고", "하기", "하는", "하다", "하며", "하여", "한다", "한테", "했다", "가", "과", "나", "는", "도", "된", "됨", "들", "랑", "로", "를", "만", "에", "와",
    "은", "을", "의", "이", "적", "한", "할", "함"];
  var CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";  // initial consonants, in Unicode's syllable order
  var JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
  var JONGSEONG = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ",
    "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"];
  // Compound vowels and final clusters as the keys typed for them, so an edit distance counts keystrokes (ㅘ = ㅗ+ㅏ).
  var SPLIT = { "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ", "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ" };
  // The 두벌식 (standard Korean) keyboard: the jamo on each Latin key, Shift for the doubled ones.
  var KEYS = { q: "ㅂ", w: "ㅈ", e: "ㄷ", r: "ㄱ", t: "ㅅ", y: "ㅛ", u: "ㅕ", i: "ㅑ", o: "ㅐ", p: "ㅔ", a: "ㅁ", s: "ㄴ", d: "ㅇ",
    f: "ㄹ", g: "ㅎ", h: "ㅗ", j: "ㅓ", k: "ㅏ", l: "ㅣ", z: "ㅋ", x: "ㅌ", c: "ㅊ", v: "ㅍ", b: "ㅠ", n: "ㅜ", m: "ㅡ",
    Q: "ㅃ", W: "ㅉ", E: "ㄸ", R: "ㄲ", T: "ㅆ", O: "ㅒ", P: "ㅖ" };
  var JOIN = {};  // the inverse of SPLIT: two keys typed one after the other that make one vowel or final cluster
  Object.keys(SPLIT).forEach(function (k) { JOIN[SPLIT[k]] = k; });

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

  // hangul.py `stems`: the word without each particle or ending, longest first, two syllables or more left.
  function stems(word) {
    if (!SYLLABLES.test(word)) return [];
    return SUFFIXES.filter(function (s) {
      return word.length - s.length >= 2 && word.slice(-s.length) === s;
    }).map(function (s) { return word.slice(0, -s.length); });
  }

  function parts(ch) {  // [initial, vowel, final] indexes of a syllable, or null
    var c = ch.charCodeAt(0) - 0xac00;
    if (c < 0 || c > 11171) return null;
    return [Math.floor(c / 588), Math.floor((c % 588) / 28), c % 28];
  }

  function initials(word) {
    return Array.from(word).map(function (ch) { var p = parts(ch); return p ? CHOSEONG[p[0]] : ch; }).join("");
  }

  function isInitials(word) { return word.length > 0 && Array.from(word).every(function (ch) { return CHOSEONG.indexOf(ch) >= 0; }); }

  // hangul.py `pair_number`: the term file of the first two characters (syllables or initial consonants), -1 for none.
  function pairNumber(text) {
    var a = Array.from(text).slice(0, 2).map(function (ch) { var p = parts(ch); return p ? p[0] : CHOSEONG.indexOf(ch); });
    return a.length === 2 && a[0] >= 0 && a[1] >= 0 ? a[0] * 19 + a[1] : -1;
  }

  // The keystrokes of a word (compound vowels and clusters split): the alphabet of the typing-error distance.
  function jamo(word) {
    var out = "";
    Array.from(word).forEach(function (ch) {
      var p = parts(ch);
      if (!p) { out += ch; return; }
      [CHOSEONG[p[0]], JUNGSEONG[p[1]], JONGSEONG[p[2]]].forEach(function (j) { out += SPLIT[j] || j; });
    });
    return out;
  }

  function distance(a, b) {  // Levenshtein over characters, one row at a time
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[b.length];
  }

  function syllable(l, v, t) { return String.fromCharCode(0xac00 + (l * 21 + v) * 28 + t); }

  // Latin letters typed with the keyboard in English mode, read as 두벌식 keys and composed into syllables the way a
  // Korean input method does (ehfqha → 돌봄, dkehd → 아동). Null when the letters do not make whole syllables.
  function fromQwerty(word) {
    if (!/^[a-zA-Z]+$/.test(word)) return null;
    var js = Array.from(word).map(function (ch) { return KEYS[ch] || KEYS[ch.toLowerCase()]; });
    var out = "", i = 0;
    while (i < js.length) {
      var l = CHOSEONG.indexOf(js[i]), v1 = JUNGSEONG.indexOf(js[i + 1]);
      if (l < 0 || v1 < 0) return null;  // every syllable starts with a consonant and a vowel
      i += 2;
      var v = v1, joined = JUNGSEONG.indexOf(JOIN[JUNGSEONG[v1] + js[i]]);
      if (joined >= 0) { v = joined; i++; }
      var t = 0;
      // A consonant is a final unless a vowel follows it (then it starts the next syllable).
      if (i < js.length && JONGSEONG.indexOf(js[i]) > 0 && JUNGSEONG.indexOf(js[i + 1]) < 0) {
        t = JONGSEONG.indexOf(js[i]); i++;
        var cluster = JONGSEONG.indexOf(JOIN[JONGSEONG[t] + js[i]]);
        if (cluster > 0 && JUNGSEONG.indexOf(js[i + 1]) < 0) { t = cluster; i++; }
      }
      out += syllable(l, v, t);
    }
    return out;
  }

  // Whether a term begins as typed: each typed syllable equal, each initial consonant the syllable's initial, and the
  // last typed syllable also a syllable still being composed (돌보 → 돌봄: same initial and vowel, the final to come).
  function begins(term, typed) {
    var t = Array.from(term), q = Array.from(typed);
    if (q.length > t.length) return false;
    return q.every(function (ch, i) {
      var a = parts(t[i]), b = parts(ch);
      if (!b) return a !== null && CHOSEONG[a[0]] === ch;
      if (ch === t[i]) return true;
      return i === q.length - 1 && a !== null && b[2] === 0 && a[0] === b[0] && a[1] === b[1];
    });
  }

  // The terms of one term file that begin as typed, ranked: a whole word as long as what was typed first (ㄷㅂ →
  // 돌봄 before 돌봄체계), then by score. A word whose stem is in the list too (돌봄을) adds its score to the stem,
  // and a word counts the scores of the longer words it begins (돌봄 those of 돌봄체계, 돌봄서비스…): what it finds.
  function suggest(terms, typed, limit) {
    var found = {}, order = [];
    terms.forEach(function (ts) {
      if (!begins(ts[0], typed)) return;
      found[ts[0]] = ts[1];
      order.push(ts[0]);
    });
    var kept = order.filter(function (w) {
      var stem = stems(w).filter(function (s) { return s in found && begins(s, typed); })[0];
      if (stem) { found[stem] += found[w]; return false; }
      return true;
    });
    var n = Array.from(typed).length, family = {};
    kept.sort();  // the words a word begins follow it
    kept.forEach(function (w, i) {
      family[w] = found[w];
      for (var j = i + 1; j < kept.length && kept[j].lastIndexOf(w, 0) === 0; j++) family[w] += found[kept[j]];
    });
    return kept.sort(function (a, b) {
      return (Array.from(b).length === n) - (Array.from(a).length === n) || family[b] - family[a] || (a < b ? -1 : a > b ? 1 : 0);
    }).slice(0, limit);
  }

  // The nearest terms to a word that finds nothing, by keystrokes: one slip in a word of up to three syllables, two in
  // a longer one; nearest first, then by score.
  function corrections(terms, word, limit) {
    var j = jamo(word), most = Array.from(word).length <= 3 ? 1 : 2, near = [];
    terms.forEach(function (ts) {
      if (ts[0] === word || Math.abs(ts[0].length - word.length) > 1) return;
      var d = distance(j, jamo(ts[0]));
      if (d <= most) near.push([ts[0], d, ts[1]]);
    });
    near.sort(function (a, b) { return a[1] - b[1] || b[2] - a[2] || (a[0] < b[0] ? -1 : 1); });
    return near.slice(0, limit).map(function (x) { return x[0]; });
  }

  // searcher.py `phrase_pairs`: each pair of neighbouring Hangul words inside quotes: [bigram as one word, neighbour key].
  function phrasePairs(query) {
    var pairs = [], re = /["“”]([^"“”]+)["“”]/g, m;
    while ((m = re.exec(query))) {
      var ws = tokens(m[1]);
      for (var i = 0; i + 1 < ws.length; i++) {
        var a = ws[i].slice(-1), b = ws[i + 1].charAt(0);
        if (HANGUL.test(a) && HANGUL.test(b)) pairs.push([a + b, a + b + " "]);
      }
    }
    return pairs;
  }

  // A regular expression source for the words to mark in a text: a number also as printed with commas (1158165 →
  // 1,158,165), longest words first so the whole word is marked rather than a piece.
  function markPattern(words) {
    var uniq = words.filter(function (w, i) { return w && words.indexOf(w) === i; }).sort(function (a, b) { return b.length - a.length; });
    return uniq.map(function (w) {
      return Array.from(w).map(function (ch, i) {
        var esc = ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return /\d/.test(ch) && i > 0 && /\d/.test(w[i - 1]) ? ",?" + esc : esc;
      }).join("");
    }).join("|");
  }

  // The piece of a text around the first marked word: [start, end] (about 30 characters before, 70 after), or null.
  function snippetRange(text, pattern) {
    if (!pattern) return null;
    var m = new RegExp(pattern, "i").exec(text);
    if (!m) return null;
    var start = Math.max(0, m.index - 30), end = Math.min(text.length, m.index + m[0].length + 70);
    var space = text.lastIndexOf(" ", m.index);  // start at a word where one is near
    if (space > start && space - start < 15) start = space + 1;
    return [start, end];
  }

  var TEXT = { normalise: normalise, tokens: tokens, wordKeys: wordKeys, shardOf: shardOf, stems: stems, initials: initials,
    isInitials: isInitials, pairNumber: pairNumber, jamo: jamo, distance: distance, fromQwerty: fromQwerty, begins: begins,
    suggest: suggest, corrections: corrections, phrasePairs: phrasePairs, markPattern: markPattern, snippetRange: snippetRange,
    decodeList: decodeList, SUFFIXES: SUFFIXES };
  if (typeof module !== "undefined" && module.exports) { module.exports = TEXT; return; }

  var KINDS = { plan: "계획", node: "전략", unit: "부서", project: "사업" };
  var PAGE = 10;  // results per step
  var SUGGEST = 8;  // suggestions under the search box
  var app = document.getElementById("search-app");
  if (!app) return;
  var root = app.getAttribute("data-root") || "./";
  var base = app.getAttribute("data-index") || "data/";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var box = document.getElementById("search-suggest");
  var title = document.title;
  var cache = {}, rows = {}, meta = null, starts = [], zipped = {}, ranked = [], shown = 0, seq = 0, marks = "", pieceMarks = "";
  // For tests and benchmarks/search.py: ms from a query's start (Enter, end of typing, page load) to its results
  // painted, the same as times since the page's navigation, ms to the results' plans shown (`planned`), the index
  // bytes fetched and the fetches under way (snippets come after the results are painted: their bytes count once
  // `pending` is 0).
  window.siteSearch = { timings: [], shownAt: [], planned: [], bytes: 0, pending: 0, warm: false };

  var CODE = new Int8Array(128);  // character code → digit of ALPHABET
  for (var a = 0; a < ALPHABET.length; a++) CODE[ALPHABET.charCodeAt(a)] = a;

  function load(rel) {
    if (!cache[rel]) {
      var v = meta ? "?v=" + meta.version : "";
      var done = false;
      function settle() { if (!done) { done = true; window.siteSearch.pending--; } }
      window.siteSearch.pending++;
      cache[rel] = fetch(base + rel + v).then(function (r) {
        if (!r.ok) throw new Error(rel + " " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        window.siteSearch.bytes += buf.byteLength;
        return inflated(buf);
      }).then(function (buf) {
        settle();
        return JSON.parse(new TextDecoder().decode(buf));
      }).catch(function (e) {  // a phone that lost its network may try again
        settle();
        delete cache[rel];
        throw e;
      });
    }
    return cache[rel];
  }

  // A gzip file's bytes inflated (search.py `shard_files`); other bytes as they are: a server that sends a `.gz`
  // with Content-Encoding has the browser inflate it already.
  function inflated(buf) {
    var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
    if (head[0] !== 0x1f || head[1] !== 0x8b) return buf;
    return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }

  // A shard's file: its gzip-compressed copy when it has one and the browser can inflate it, else its JSON.
  function shardFile(s) {
    return zipped[s] && typeof DecompressionStream === "function" ? "s/" + s + ".gz" : "s/" + s + ".json";
  }

  function terms(pair) { return pair < 0 ? Promise.resolve([]) : load("c/" + pair + ".json"); }

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

  // search.py `decode`: ascending integers from their deltas (meta.json's plan starts; once a page, so no table).
  function decodeList(text) {
    var out = [], acc = 0, mul = 1, last = 0;
    for (var i = 0; i < text.length; i++) {
      var x = ALPHABET.indexOf(text[i]);
      if (x >= 32) { acc += (x - 32) * mul; mul *= 32; continue; }
      last += acc + x * mul; acc = 0; mul = 1;
      out.push(last);
    }
    return out;
  }

  function termsOf(shard, key, prefix) {
    if (!prefix) return Object.prototype.hasOwnProperty.call(shard, key) ? [key] : [];
    return Object.keys(shard).filter(function (t) { return t.lastIndexOf(key, 0) === 0; });
  }

  // The query's words, each as {keys: [[key, prefix match?, first key of its word?]…], need: how many of the keys (the
  // first ones) a document must have}. `need` is below the count when a particle or ending came off (searcher.py
  // `Searcher.word_scores`): the longest whose stem still finds a document, given the shards.
  function plan(query, shards) {
    return tokens(query).map(function (w) {
      var hangul = HANGUL.test(w) && w.length > 1;
      var keys = wordKeys(w).map(function (k) { return [k[0], !hangul, k[1]]; });
      var stem = null, forms = hangul ? stems(w) : [];
      for (var i = 0; i < forms.length && !stem; i++) if (matches(keys.slice(0, forms[i].length - 1), shards)) stem = forms[i];
      return { keys: keys, need: stem ? stem.length - 1 : keys.length, word: w, stem: stem || w };
    });
  }

  // Whether some document has all these keys: a single key is there or not; more are ranked (rarely: a long stem).
  function matches(keys, shards) {
    if (keys.length === 1) return shards[keys[0][0]].k[keys[0][0]] !== undefined;
    return rank([{ keys: keys, need: keys.length }], shards, null).length > 0;
  }

  // Documents matching every word (each its first `need` keys), those matching more words as typed first, then by
  // score, ties in document order: searcher.py `Searcher.ranked`. The rarest required key is decoded first and gives
  // the candidates; each other key keeps those it has, so no loop runs over every document (and `warm` has it
  // compiled before the first query). `pairs`: a quoted phrase's neighbours, each a pair of keys one of which a
  // document must have (when none has them all, the phrase is dropped and `rank.loose` set).
  function rank(words, shards, allow, pairs) {
    var n = meta.docs, total = new Int32Array(n), best = new Int8Array(n), seen = new Uint16Array(n), typed = new Uint8Array(n);
    var cand = null, top = 0, g = 0, prefixed = false;
    var need = [], extra = [];
    words.forEach(function (w) {
      w.keys.forEach(function (k, i) { (i < w.need ? need : extra).push({ key: k, word: w }); });
    });
    need.forEach(function (o) {
      var keyed = shards[o.key[0]].k, size = 0;
      o.keyed = keyed; o.terms = termsOf(keyed, o.key[0], o.key[1]);
      o.terms.forEach(function (t) { size += keyed[t].length; });
      o.size = size;
    });
    need.sort(function (a, b) { return a.size - b.size; });
    need.forEach(function (o, i) {
      var list = cand ? null : new Int32Array(n), m = 0, len = 0;
      g++;
      o.terms.forEach(function (t) { len = decodeInto(o.keyed[t], best, seen, g, list, len); });
      if (list) { cand = list.subarray(0, len); prefixed = o.terms.length > 1; }
      for (var j = 0; j < cand.length; j++) {
        var d = cand[j], c = best[d], f = c >> 1;
        if (seen[d] !== g) continue;
        total[d] += 1 + 4 * f * f + (o.key[2] ? (c & 1) : 0);
        cand[m++] = d;
      }
      cand = cand.subarray(0, m);
    });
    cand = cand || new Int32Array(0);
    if (prefixed) cand.sort();  // a prefix key's terms come one after another
    // The keys a particle or ending brought: scored where present; a document with all of a word's matches it as typed.
    words.forEach(function (w) {
      if (w.need === w.keys.length) return;
      var have = new Uint8Array(n);
      w.keys.slice(w.need).forEach(function (k) {
        g++;
        if (shards[k[0]].k[k[0]] !== undefined) decodeInto(shards[k[0]].k[k[0]], best, seen, g, null, 0);
        for (var j = 0; j < cand.length; j++) {
          var d = cand[j], c = best[d], f = c >> 1;
          if (seen[d] !== g) continue;
          total[d] += 1 + 4 * f * f + (k[2] ? (c & 1) : 0);
          have[d]++;
        }
      });
      for (var j = 0; j < cand.length; j++) if (have[cand[j]] === w.keys.length - w.need) typed[cand[j]]++;
    });
    rank.loose = false;
    if (pairs && pairs.length) {
      var near = cand;
      pairs.forEach(function (pair) {
        g++;
        pair.forEach(function (key) { if (shards[key] && shards[key].k[key] !== undefined) decodeInto(shards[key].k[key], best, seen, g, null, 0); });
        near = near.filter(function (d) { return seen[d] === g; });
      });
      if (near.length) cand = near; else rank.loose = true;
    }
    var kept = new Int32Array(cand.length), count = 0, most = 0;
    for (var j = 0; j < cand.length; j++) {
      var d = cand[j];
      if (allow && !allow(d)) continue;
      kept[count++] = d;
      if (total[d] > top) top = total[d];
      if (typed[d] > most) most = typed[d];
    }
    // Documents by (words as typed, score), best first, each in document order (a counting sort: no comparisons).
    var span = top + 1, high = (most + 1) * span, start = new Int32Array(high + 1), out = new Int32Array(count);
    function slot(d) { return high - 1 - (typed[d] * span + total[d]); }
    for (j = 0; j < count; j++) start[slot(kept[j]) + 1]++;
    for (var s = 1; s <= high; s++) start[s] += start[s - 1];
    for (j = 0; j < count; j++) out[start[slot(kept[j])]++] = kept[j];
    return out;
  }

  // The plan of a document: the last whose first document is not after it (searcher.py `Searcher.plan_of`).
  function planOf(d) {
    var lo = 0, hi = starts.length - 1, found = -1;  // plans are in document order
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= d) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  // The plans of these documents (organisation, year: what a result shows), from their plans/<k>.json files.
  function plansOf(docs) {
    return Promise.all(docs.map(function (d) {
      var p = planOf(d);
      if (p < 0) return null;
      return load("plans/" + Math.floor(p / meta.group) + ".json").then(function (group) { return group[p % meta.group]; });
    }));
  }

  // Every plan's [key, organisation, year], for the plan filters only (plans/all.json; searched without them, never fetched).
  function allPlans() { return load("plans/all.json"); }

  function planIndex(list, key) {
    for (var i = 0; i < list.length; i++) if (list[i][0] === key) return i;
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
    return allPlans().then(function (list) { return planAllow(f, list); });
  }

  function planAllow(f, list) {
    var planIdx = planIndex(list, f.plan), ok = list.map(function (p) {
      return (!f.org || p[1] === f.org) && (!f.year || String(p[2]) === f.year) && (!f.plan || p[0] === f.plan);
    });
    var base = function (d) { return ok[planOf(d)] === true; };
    if (planIdx < 0 || (!f.unit && !f.node)) return base;
    return load("p/" + planIdx + ".json").then(function (facet) {
      var start = starts[planIdx], keep = f.node ? descendants(facet.nodes, Number(f.node)) : null;
      return function (d) {
        if (!base(d)) return false;
        var fd = facet.docs[d - start];
        if (f.unit && fd[0] !== Number(f.unit)) return false;
        if (keep && !(fd[1] in keep)) return false;
        return true;
      };
    });
  }

  // One query: its shards (by key) fetched at once, then {hits, words, loose}.
  function search(query) {
    var keys = [];
    tokens(query).forEach(function (w) {
      wordKeys(w).forEach(function (k) { keys.push(k[0]); });
    });
    var pairs = phrasePairs(query);
    pairs.forEach(function (p) { keys.push(p[0], p[1]); });
    var got = {};
    var loads = keys.map(function (key) {
      return load(shardFile(shardOf(key, meta.shards))).then(function (shard) { got[key] = shard; });
    });
    return Promise.all([Promise.all(loads), allowFn(filters())]).then(function (r) {
      keys.forEach(function (key) { var shard = got[key]; Object.keys(shard.r).forEach(function (d) { rows[d] = shard.r[d]; }); });
      var words = plan(query, got), hits = rank(words, got, r[1], pairs);
      return { hits: hits, words: words, loose: rank.loose, query: query };
    });
  }

  // A query that finds nothing, read another way: Latin letters as 두벌식 keys, three or more initial consonants as the
  // best term they begin, a Hangul word as the nearest term (typing errors). Resolves to {query, note, others} or null.
  function reread(query) {
    var words = query.trim().split(/\s+/);
    var qwerty = words.map(function (w) { return fromQwerty(w) || w; });
    if (qwerty.join(" ") !== words.join(" ")) {
      return Promise.resolve({ query: qwerty.join(" "), note: "한/영 전환 없이 입력한 ‘" + query + "’을(를) ‘" + qwerty.join(" ") + "’(으)로 바꿔 찾았습니다.", others: [] });
    }
    var initial = words.some(function (w) { return isInitials(w) && w.length >= 3; });
    var lookups = words.map(function (w) {
      if (initial) return isInitials(w) && w.length >= 3 ? terms(pairNumber(w)).then(function (ts) { return suggest(ts, w, 4); }) : Promise.resolve([]);
      if (SYLLABLES.test(w) && w.length >= 2) {
        // Only a word that finds nothing by itself is a typing error; its neighbours in the query stay as typed.
        return search(w).then(function (alone) { return alone.hits.length ? [] : nearest(w); });
      }
      return Promise.resolve([]);
    });
    return Promise.all(lookups).then(function (found) {
      var changed = words.map(function (w, i) { return found[i][0] || w; });
      if (changed.join(" ") === words.join(" ")) return null;
      var i = found.findIndex(function (f) { return f.length; });
      var others = found[i].slice(1).map(function (alt) { var ws = changed.slice(); ws[i] = alt; return ws.join(" "); });
      return { query: changed.join(" "), others: others,
        note: initial ? "초성 ‘" + words[i] + "’(으)로 ‘" + changed[i] + "’을(를) 찾았습니다." :
          "‘" + query + "’에 맞는 결과가 없어 ‘" + changed.join(" ") + "’(으)로 찾았습니다." };
    });
  }

  // The nearest terms to a word (or, failing that, to its stem without a particle) in its term file.
  function nearest(w) {
    {
      var forms = [w].concat(stems(w));
      return Promise.all(forms.map(function (f) { return terms(pairNumber(f)); })).then(function (lists) {
        for (var i = 0; i < forms.length; i++) { var c = corrections(lists[i], forms[i], 4); if (c.length) return c; }
        return [];
      });
    }
  }

  // Result rows: those that came with the shards, the others from their detail chunks.
  function details(docs) {
    return Promise.all(docs.map(function (d) {
      if (rows[d]) return [d, rows[d]];
      return load("d/" + Math.floor(d / meta.chunk) + ".json").then(function (chunk) { return [d, rows[d] = chunk[d % meta.chunk]]; });
    }));
  }

  // Puts `text` into `el` with every match of `pattern` in <mark>, built as DOM nodes (never as HTML).
  function mark(el, text, pattern) {
    var at = 0, re = pattern ? new RegExp(pattern, "gi") : null, m;
    while (re && (m = re.exec(text)) && m[0]) {
      if (m.index > at) el.appendChild(document.createTextNode(text.slice(at, m.index)));
      var mk = document.createElement("mark");
      mk.textContent = m[0];
      el.appendChild(mk);
      at = m.index + m[0].length;
    }
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  // The words to mark: each word as typed and its stem (the keys, when `pieces`: a word the text has only in pieces).
  function markWords(words, pieces) {
    var out = [];
    words.forEach(function (w) {
      out.push(w.word, w.stem);
      if (pieces) w.keys.slice(0, w.need).forEach(function (k) { out.push(k[0]); });
    });
    return out;
  }

  // Fills a result's snippet from its document's text once fetched: the piece around the first matched word.
  function fillSnippet(li, d) {
    return load("t/" + d + ".json").then(function (text) {
      var pattern = snippetRange(text, marks) ? marks : pieceMarks, span = snippetRange(text, pattern);
      if (!span) return;
      var p = document.createElement("p");
      p.className = "search-hit-snippet";
      mark(p, (span[0] > 0 ? "…" : "") + text.slice(span[0], span[1]) + (span[1] < text.length ? "…" : ""), pattern);
      li.appendChild(p);
    }).catch(function () { /* a snippet is a help, not the result: the result stays without it */ });
  }

  function item(row) {
    var li = document.createElement("li");
    li.className = "search-hit search-" + row[0];
    var head = document.createElement("p");
    head.className = "search-hit-title";
    var kind = document.createElement("span");
    kind.className = "badge";
    kind.textContent = KINDS[row[0]] || row[0];
    var a = document.createElement("a");
    a.href = root + row[2];
    mark(a, row[1], marks);
    head.appendChild(kind); head.appendChild(document.createTextNode(" ")); head.appendChild(a);
    li.appendChild(head);
    var parts = [];
    if (row[0] === "project") {
      if (row[3]) parts.push("부서: " + row[3]);
      parts.push("예산: " + (row[4] || "밝히지 않음"));
      if (row[5]) parts.push("전략: " + row[5]);
    } else if (row[0] === "node") {
      if (row[3]) parts.push(row[3] + (row[6] ? " " + row[6] : ""));
      if (row[5]) parts.push("상위: " + row[5]);
    }
    var info = document.createElement("p");
    info.className = "search-hit-meta";
    info.textContent = parts.join(" · ");
    li.appendChild(info);
    li.setAttribute("data-plan-pending", "");
    return li;
  }

  // A result's plan (organisation, year) at the end of its meta line, once its plans/<k>.json is there.
  function showPlan(li, plan) {
    li.removeAttribute("data-plan-pending");
    if (!plan) return;
    var info = li.querySelector(".search-hit-meta");
    info.textContent += (info.textContent ? " · " : "") + "계획: " + plan.orgName + " " + plan.year + "년";
  }

  // The page's rows (mostly carried by the shards) are painted as soon as they are there (`painted` is then called); the
  // plans they belong to, asked for at the same time, fill in each result's plan as they arrive: waiting for them
  // cost a round of fetches, ~16 ms median at 10,000 projects on a busy machine. Resolves once the plans are shown.
  function showMore(mine, painted) {
    var next = Array.from(ranked.slice(shown, shown + PAGE));
    var plans = plansOf(next).catch(function () { return []; });  // a plan not shown is no failed search
    return details(next).then(function (got) {
      if (mine !== seq) return null;
      var items = got.map(function (r) { var li = item(r[1]); list.appendChild(li); return [li, r[0]]; });
      shown += next.length;  // before `painted`: the status it writes says how many are shown
      more.hidden = shown >= ranked.length;
      if (painted) painted();
      // Snippets are asked for once the results are painted (the frame after next): their fetches and parsing never
      // hold up the list a person waits for.
      requestAnimationFrame(function () {
        setTimeout(function () { items.forEach(function (x) { if (mine === seq) fillSnippet(x[0], x[1]); }); }, 0);
      });
      return plans.then(function (ps) { items.forEach(function (x, i) { showPlan(x[0], ps[i]); }); });
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

  // Links that search for other readings of the query ("이것을 찾으셨나요?").
  function offer(label, queries) {
    if (!queries.length) return;
    status.appendChild(document.createTextNode(" " + label + " "));
    queries.forEach(function (q, i) {
      var a = document.createElement("a");
      a.href = "?q=" + encodeURIComponent(q);
      a.textContent = q;
      a.addEventListener("click", function (e) { e.preventDefault(); input.value = q; run(); });
      if (i) status.appendChild(document.createTextNode(", "));
      status.appendChild(a);
    });
  }

  function emptyMessage(q) {
    if (Array.from(q.replace(/\s/g, "")).every(function (ch) { return CHOSEONG.indexOf(ch) >= 0; })) {
      return "초성은 세 글자 이상이면 검색합니다(두 글자는 검색어 칸 아래 추천에서 고르세요).";
    }
    return "‘" + q + "’에 맞는 결과가 없습니다. " + (tokens(q).length && tokens(q).every(function (w) { return w.length === 1; }) ?
      "한 글자 낱말은 그 낱말만 찾습니다. 두 글자 이상으로 찾아보세요." : "낱말을 줄이거나 범위 조건을 지워 보세요.");
  }

  function report(q, found, note, others) {
    var hits = found.hits, shownQ = found.query;
    document.title = hits.length ? "‘" + shownQ + "’ 검색 결과 " + hits.length + "건 - " + title : "‘" + q + "’ 검색 결과 없음 - " + title;
    status.textContent = "";
    if (!hits.length) { status.textContent = emptyMessage(q); return; }
    status.textContent = (note ? note + " " : "") + "‘" + shownQ + "’ 검색 결과 " + hits.length + "건" +
      (hits.length > shown ? " (처음 " + shown + "건 표시)" : "") +
      (found.loose ? ". 따옴표 안의 낱말이 붙어 있는 곳이 없어, 낱말이 모두 들어 있는 곳을 보입니다." : "");
    offer("다른 낱말:", others || []);
  }

  // Searches for what is in the box; `typing`: while one types, the suggestions stay open.
  function run(typing) {
    var q = input.value.trim(), mine = ++seq, t0 = performance.now();
    if (typing !== true) closeSuggest();
    saveState(q);
    var initial = q.split(/\s+/).some(function (w) { return isInitials(w) && w.length >= 3; });
    if (!tokens(q).length && !initial) {
      list.innerHTML = ""; more.hidden = true;
      document.title = title;
      if (isInitials(q) && q.length === 2) {  // two initials: too many words begin so; offer the likeliest
        status.textContent = emptyMessage(q);
        return terms(pairNumber(q)).then(function (ts) { if (mine === seq) offer("이런 낱말이 있습니다:", suggest(ts, q, 5)); });
      }
      status.textContent = !q ? "검색어를 입력하세요." : isInitials(q.replace(/\s/g, "")) ? emptyMessage(q) :
        "찾을 수 있는 글자가 없습니다. 한글·영문·숫자로 입력하세요.";
      return Promise.resolve();
    }
    status.textContent = "찾는 중…";
    var note = "", others = [];
    var first = initial ? Promise.resolve({ hits: [], words: [], query: q }) : search(q);
    return first.then(function (found) {
      if (found.hits.length || mine !== seq) return found;
      return reread(q).then(function (alt) {  // nothing found: another reading of what was typed
        if (!alt) return found;
        note = alt.note; others = alt.others;
        return search(alt.query);
      });
    }).then(function (found) {
      if (mine !== seq) return;
      ranked = found.hits; shown = 0; list.innerHTML = "";
      marks = markPattern(markWords(found.words, false));
      pieceMarks = markPattern(markWords(found.words, true));
      return showMore(mine, function () {
        requestAnimationFrame(function () {  // the frame that paints the results: what a person waits for
          window.siteSearch.timings.push(performance.now() - t0);
          window.siteSearch.shownAt.push(performance.now());
        });
        report(q, found, note, others);
      }).then(function () {
        if (mine !== seq) return;
        requestAnimationFrame(function () { window.siteSearch.planned.push(performance.now() - t0); });
        app.setAttribute("data-ready", String(mine));
      });
    }).catch(function (e) {
      status.textContent = "검색 색인을 읽지 못했습니다: " + e.message;
    });
  }

  // Suggestions under the search box as one types (a combobox list): terms that begin with what was typed, in
  // syllables or initial consonants (ㄷㅂ → 돌봄), and the titles of the best term's first results.
  var active = -1, suggestSeq = 0;

  function closeSuggest() {
    if (!box) return;
    suggestSeq++;
    box.hidden = true; box.innerHTML = ""; active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function option(text, kind, action) {
    var li = document.createElement("li");
    li.id = "search-suggest-" + box.children.length;
    li.setAttribute("role", "option");
    li.className = "search-suggestion search-suggestion-" + kind;
    if (kind === "title") {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "바로 가기";
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" "));
    }
    li.appendChild(document.createTextNode(text));
    li.addEventListener("mousedown", function (e) { e.preventDefault(); action(); });
    li.action = action;
    box.appendChild(li);
  }

  function typedWord() {
    var words = input.value.split(/\s+/);
    return words[words.length - 1];
  }

  function showSuggest() {
    var w = typedWord(), mine = ++suggestSeq;
    if (!box || !meta || Array.from(w).length < 2 || !/^[\uac00-\ud7a3ㄱ-ㅎ]+$/.test(w)) { closeSuggest(); return; }
    terms(pairNumber(w)).then(function (ts) {
      var words = suggest(ts, w, SUGGEST);
      if (mine !== suggestSeq) return null;
      if (!words.length) { closeSuggest(); return null; }
      var head = input.value.slice(0, input.value.length - w.length);
      return search(words[0]).then(function (found) {
        if (mine !== suggestSeq) return;
        return details(Array.from(found.hits.slice(0, 3))).then(function (got) {
          if (mine !== suggestSeq) return;
          box.innerHTML = ""; active = -1;
          words.forEach(function (t) { option(head + t, "term", function () { input.value = head + t; run(); }); });
          got.forEach(function (r) { option(r[1][1], "title", function () { window.location.href = root + r[1][2]; }); });
          box.hidden = false;
          input.setAttribute("aria-expanded", "true");
        });
      });
    }).catch(function () { closeSuggest(); });
  }

  function move(step) {
    var n = box ? box.children.length : 0;
    if (!n || box.hidden) return false;
    if (active >= 0) box.children[active].removeAttribute("aria-selected");
    active += step;  // -1 is the search box itself, between the last suggestion and the first
    if (active >= n) active = -1; else if (active < -1) active = n - 1;
    if (active >= 0) {
      box.children[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", box.children[active].id);
    } else input.removeAttribute("aria-activedescendant");
    return true;
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
    var key = form.elements.plan.value;
    return (key ? allPlans() : Promise.resolve([])).then(function (list) { return planFacets(planIndex(list, key), keep); });
  }

  function planFacets(idx, keep) {
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

  var timer = null, suggestTimer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(function () { run(true); }, 150);
    clearTimeout(suggestTimer); suggestTimer = setTimeout(showSuggest, 60);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { if (move(e.key === "ArrowDown" ? 1 : -1)) e.preventDefault(); }
    else if (e.key === "Escape") closeSuggest();
    else if (e.key === "Enter" && box && !box.hidden && active >= 0) { e.preventDefault(); box.children[active].action(); }
  });
  input.addEventListener("blur", function () { setTimeout(closeSuggest, 150); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); clearTimeout(suggestTimer); run(); });
  form.elements.plan.addEventListener("change", function () { planChanged().then(run); });
  ["org", "year", "unit", "node"].forEach(function (k) { form.elements[k].addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(seq); });
  var scope = form.querySelector(".search-filters");
  // Opening the filters fetches the plan list they need, before a choice is made.
  // In a portal of very many plans the organisation and plan lists come with it too (select[data-lazy]: the page
  // would otherwise carry thousands of options).
  if (scope) scope.addEventListener("focusin", function () { if (meta) allPlans().then(fillLazy).catch(function () {}); });

  function fillLazy(list) {
    var org = form.elements.org, plan = form.elements.plan;
    if (!org.hasAttribute("data-lazy")) return;
    var chosen = [org.value, plan.value], names = {};
    org.removeAttribute("data-lazy");
    plan.removeAttribute("data-lazy");
    list.forEach(function (p) { if (!(p[1] in names)) names[p[1]] = p[3]; });
    Object.keys(names).sort().forEach(function (id) { org.appendChild(new Option(names[id], id)); });
    list.forEach(function (p) { plan.appendChild(new Option(p[3] + " " + p[2] + "년", p[0])); });
    org.value = chosen[0];
    plan.value = chosen[1];
  }

  // Ranks made-up postings once the page is idle, so that the browser has compiled the ranking before the first
  // query, as a person types: run cold it took 4–90 ms at 10,000 projects on a busy 2-core machine, warm 1–10 ms.
  function warm() {
    var n = Math.max(0, Math.min(meta.docs - 1, 8192)), text = "8".repeat(n);  // documents 1…n, class 0
    var shard = { k: { "가나": text, "나다": text, "다라": text } };
    var shards = { "가나": shard, "나다": shard, "다라": shard };
    for (var i = 0; i < 3; i++) rank([{ keys: [["가나", false, true], ["나다", false, false], ["다라", false, false]], need: 2 }], shards, null);
    window.siteSearch.warm = true;
  }

  load("meta.json").then(function (m) {
    meta = m;
    starts = decodeList(m.starts);
    decodeList(m.zipped || "").forEach(function (s) { zipped[s] = true; });
    var p = new URLSearchParams(window.location.search);
    input.value = p.get("q") || "";
    var lazy = form.elements.org.hasAttribute("data-lazy") && (p.get("org") || p.get("plan"));
    return (lazy ? allPlans().then(fillLazy) : Promise.resolve()).then(function () {
      ["org", "year", "plan"].forEach(function (k) { if (p.get(k)) form.elements[k].value = p.get(k); });
      return planChanged({ unit: p.get("unit"), node: p.get("node") });
    });
  }).then(run).then(function () {
    if (window.requestIdleCallback) window.requestIdleCallback(warm); else setTimeout(warm, 0);
  }).catch(function (e) { status.textContent = "검색 색인을 읽지 못했습니다: " + e.message; });
})();
