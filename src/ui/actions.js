// maillage web UI: action sheets, their comparable actions elsewhere, two territories
// side by side, and the search results grouped by action.
//
// Why a file of its own: these pages read the same action summaries (a card with its
// territory, document, pilots and partners) and offer the same downloads; the search
// page (app.js) borrows the grouped result and the download links. Pages get a
// `isCurrent(token)` from the router so that a late answer never replaces a newer page.
"use strict";

(function () {
  const {
    el, append, clear, announce, plural, hashFor, documentHref, entityHref, originalHref,
    originalLink, pageLabel, apiPath, api, errorBox, loading, territoryText, kindBadge, roleBadges,
    setTitle, markNav, backIfPossible,
  } = window.maillage;
  const main = document.getElementById("contenu");

  // The API's snippet: escaped by the server, only <mark> is markup. The one place HTML is written.
  function snippetNode(tag, snippet) {
    const node = el(tag, { class: "snippet" });
    node.innerHTML = snippet;
    return node;
  }

  // A result grouped by action: the sheet's title, then its fields that hold the words.
  function actionHit(hit, about) {
    const fields = hit.fields.map((f) => {
      const text = snippetNode("span", f.snippet);
      return el("li", {}, f.field ? el("span", { class: "badge" }, f.field) : null, " ", text);
    });
    const path = hit.section.slice(0, -1);
    return el("li", { class: "hit hit-action" },
      el("h2", { class: "hit-title" }, el("a", { href: actionHref(hit.action) }, hit.action_title)),
      el("p", { class: "hit-doc" }, el("a", { href: documentHref(hit.doc_id, { passage: hit.passage }) }, hit.doc_title || hit.doc_id)),
      about.length ? el("p", { class: "hit-meta" }, about.join(" · ")) : null,
      path.length ? el("p", { class: "breadcrumb" }, path.join(" › ")) : null,
      fields.length ? el("ul", { class: "hit-fields" }, fields) : null,
      hit.more_fields ? el("p", { class: "hint" }, "… et " + plural(hit.more_fields, "autre champ", "autres champs")) : null,
      hit.page ? el("p", { class: "hit-original" }, originalLink(hit.doc_id, hit.format, hit.page)) : null);
  }

  // ---------- action sheets ----------

  function actionHref(id) {
    return hashFor(["action", id]);
  }

  function actionApi(id) {
    return apiPath("/api/actions/", id);
  }

  function namesLine(label, names) {
    return names && names.length ? el("p", { class: "names" }, el("strong", {}, label + " : "), names.join(", ")) : null;
  }

  function actionCard(a, extra) {
    return el("li", { class: "action-card" },
      a.path && a.path.length ? el("p", { class: "breadcrumb" }, a.path.join(" › ")) : null,
      el("h3", {}, el("a", { href: actionHref(a.id) }, a.title)),
      el("p", { class: "meta" }, a.territory ? territoryText(a.territory) + " — " : "", a.doc_title, a.year ? " (" + a.year + ")" : "", a.page ? ", " + pageLabel(a.format, a.page) : ""),
      namesLine("Pilotes", a.pilots), namesLine("Partenaires", a.partners), namesLine("Financeurs", a.funders),
      namesLine("Dispositifs", a.dispositifs), extra || null);
  }

  function downloadLinks(path, params) {
    const query = (format) => {
      const q = new URLSearchParams(params);
      q.set("format", format);
      return path + "?" + q.toString();
    };
    return el("p", { class: "downloads" }, "Télécharger : ",
      el("a", { href: query("csv"), download: "" }, "CSV (tableur)"), " · ",
      el("a", { href: query("csv-comma"), download: "" }, "CSV (virgules)"), " · ",
      el("a", { href: query("jsonl"), download: "" }, "JSON Lines"));
  }

  const ACTION_FILTERS = [
    ["territoire", "territory", "Territoire (nom ou code)"],
    ["dispositif", "dispositif", "Dispositif (CLAS, LAEP…)"],
    ["acteur", "entity", "Acteur nommé"],
    ["mots", "q", "Mots du titre"],
  ];

  async function renderActions(params, token, isCurrent) {
    markNav("actions");
    const inputs = {};
    const fields = ACTION_FILTERS.map(([key, , label]) => {
      inputs[key] = el("input", { type: "search", id: "filtre-" + key, value: params.get(key) || "", autocomplete: "off", maxlength: "1000" });
      return el("div", { class: "filter" }, el("label", { for: "filtre-" + key }, label), inputs[key]);
    });
    const role = el("select", { id: "filtre-role" }, [["", "tous les rôles"], ["pilot", "pilote"], ["partner", "partenaire"], ["funder", "financeur"]].map(([v, t]) =>
      el("option", Object.assign({ value: v }, params.get("role") === v ? { selected: "" } : {}), t)));
    const form = el("form", { class: "search-form filters", onsubmit: (event) => {
      event.preventDefault();
      const next = {};
      for (const [key] of ACTION_FILTERS) next[key] = inputs[key].value.trim();
      next.role = role.value;
      window.location.hash = hashFor(["actions"], next);
    } }, fields, el("div", { class: "filter" }, el("label", { for: "filtre-role" }, "Rôle de l'acteur"), role),
    el("button", { type: "submit" }, "Filtrer"));
    const results = el("div", {}, loading());
    clear(main);
    append(main, [el("h1", {}, "Fiches-actions"), form, results]);
    setTitle("Fiches-actions");
    const query = {};
    for (const [key, apiKey] of ACTION_FILTERS) if (params.get(key)) query[apiKey] = params.get(key);
    if (params.get("role")) query.role = params.get("role");
    const pageSize = 50;
    const offset = Math.max(0, (parseInt(params.get("page") || "1", 10) - 1) * pageSize);
    let list;
    try {
      list = await api("/api/actions?" + new URLSearchParams(Object.assign({ limit: String(pageSize), offset: String(offset) }, query)).toString());
    } catch (error) {
      if (!isCurrent(token)) return;
      clear(results);
      results.appendChild(errorBox(error));
      return;
    }
    if (!isCurrent(token)) return;
    clear(results);
    const count = list.total ? plural(list.total, "action", "actions") : "Aucune action";
    announce(count);
    results.appendChild(el("p", { class: "result-count" }, count));
    if (list.total) results.appendChild(downloadLinks("/api/actions", query));
    results.appendChild(el("ol", { class: "action-list", start: String(offset + 1) }, list.actions.map((a) => actionCard(a))));
    const pages = Math.ceil(list.total / pageSize);
    const current = offset / pageSize + 1;
    if (pages > 1) {
      const link = (n, text) => el("a", { href: hashFor(["actions"], Object.assign({}, Object.fromEntries(params), { page: String(n) })) }, text);
      results.appendChild(el("nav", { class: "pager", "aria-label": "Pages" },
        current > 1 ? link(current - 1, "← Précédentes") : null, " Page " + current + " sur " + pages + " ",
        current < pages ? link(current + 1, "Suivantes →") : null));
    }
  }

  async function renderAction(id, token, isCurrent) {
    markNav("actions");
    clear(main);
    main.appendChild(loading());
    let detail;
    try {
      detail = await api(actionApi(id));
    } catch (error) {
      if (!isCurrent(token)) return;
      clear(main);
      append(main, [el("h1", {}, "Action"), errorBox(error)]);
      return;
    }
    if (!isCurrent(token)) return;
    const a = detail.action;
    clear(main);
    setTitle(a.title);
    const section = a.id.slice(a.id.lastIndexOf("#") + 1);
    const facts = el("dl", { class: "facts" },
      el("dt", {}, "Territoire"), el("dd", {}, a.territory ? territoryText(a.territory) : "inconnu"),
      el("dt", {}, "Document"), el("dd", {}, el("a", { href: documentHref(a.doc_id, { section }) }, a.doc_title), a.year ? " (" + a.year + ")" : "",
        a.page ? [" — ", el("a", { href: originalHref(a.doc_id, a.page, a.format), target: "_blank", rel: "noopener" }, pageLabel(a.format, a.page))] : ""));
    const fields = el("dl", { class: "action-fields" }, detail.fields.map((f) => [
      f.label || f.heading ? el("dt", {}, f.label || f.heading) : null,
      el("dd", {}, f.text.split("\n").map((line) => el("p", {}, line)), f.page ? el("span", { class: "page" }, " " + pageLabel(a.format, f.page)) : null),
    ]));
    const entities = detail.entities.length ? el("section", { "aria-labelledby": "titre-entites-action" },
      el("h2", { id: "titre-entites-action" }, "Acteurs et dispositifs nommés"),
      el("ul", { class: "entity-list" }, detail.entities.map((e) => el("li", {},
        el("a", { href: entityHref(e.id) }, e.name), " ", kindBadge(e.kind), " ", roleBadges(e.roles.filter((r) => r !== "mention")))))) : null;
    const similarBox = el("section", { class: "similar", "aria-labelledby": "titre-comparables" },
      el("h2", { id: "titre-comparables" }, "Actions comparables ailleurs"), loading());
    append(main, [
      el("p", { class: "back" }, el("a", { href: "#/actions", onclick: backIfPossible }, "← Retour")),
      a.path.length ? el("p", { class: "breadcrumb" }, a.path.join(" › ")) : null,
      el("h1", {}, a.title), facts, fields, entities, similarBox,
    ]);
    let similar;
    try {
      similar = await api(actionApi(id) + "/similar?limit=10");
    } catch (error) {
      if (!isCurrent(token)) return;
      similarBox.lastChild.replaceWith(errorBox(error));
      return;
    }
    if (!isCurrent(token)) return;
    similarBox.lastChild.replaceWith(similar.similar.length
      ? el("ol", { class: "action-list" }, similar.similar.map((s) =>
        actionCard(s.action, el("p", { class: "reasons" }, el("strong", {}, "En commun : "), s.reasons.join(", ")))))
      : el("p", { class: "hint" }, "Aucune action d'un autre territoire ne partage ses dispositifs, ses acteurs ou ses mots."));
  }

  async function renderCompare(params, token, isCurrent) {
    markNav("comparer");
    const a = el("input", { type: "search", id: "territoire-a", value: params.get("a") || "", maxlength: "1000", autocomplete: "off" });
    const b = el("input", { type: "search", id: "territoire-b", value: params.get("b") || "", maxlength: "1000", autocomplete: "off" });
    const form = el("form", { class: "search-form filters", onsubmit: (event) => {
      event.preventDefault();
      window.location.hash = hashFor(["comparer"], { a: a.value.trim(), b: b.value.trim() });
    } }, el("div", { class: "filter" }, el("label", { for: "territoire-a" }, "Premier territoire"), a),
    el("div", { class: "filter" }, el("label", { for: "territoire-b" }, "Second territoire"), b),
    el("button", { type: "submit" }, "Comparer"));
    const results = el("div", {});
    clear(main);
    append(main, [el("h1", {}, "Comparer deux territoires"), form, results]);
    setTitle("Comparer deux territoires");
    if (!params.get("a") || !params.get("b")) {
      results.appendChild(el("p", { class: "hint" }, "Nommez deux territoires (commune, EPCI, département, région ; nom ou code) pour lire ce que leurs plans ont en commun."));
      return;
    }
    results.appendChild(loading());
    let c;
    try {
      c = await api("/api/compare?" + new URLSearchParams({ a: params.get("a"), b: params.get("b") }).toString());
    } catch (error) {
      if (!isCurrent(token)) return;
      clear(results);
      results.appendChild(errorBox(error, (name) => hashFor(["comparer"], { a: params.get("a"), b: name })));
      return;
    }
    if (!isCurrent(token)) return;
    clear(results);
    const actionsOf = (list, n) => list.length ? el("ul", { class: "compact" }, list.map((x) => el("li", {}, el("a", { href: actionHref(x.id) }, x.title))),
      n > list.length ? el("li", {}, "… et " + plural(n - list.length, "autre action", "autres actions")) : null) : null;
    const column = (title, list, side) => el("section", { class: "compare-column" }, el("h2", {}, title + " (" + list.length + ")"),
      el("ul", { class: "entity-list" }, list.map((e) => el("li", {},
        el("a", { href: entityHref(e.id) }, e.name), " ", kindBadge(e.kind),
        side !== "b" ? actionsOf(e.actions_a, e.n_actions_a) : null,
        side !== "a" ? actionsOf(e.actions_b, e.n_actions_b) : null))));
    announce("Comparaison de " + c.a.name + " et " + c.b.name);
    append(results, [
      el("p", { class: "result-count" }, territoryText(c.a) + " : " + plural(c.documents_a, "document", "documents") + " ; " + territoryText(c.b) + " : " + plural(c.documents_b, "document", "documents")),
      el("div", { class: "compare" },
        column("Dans les deux", c.both, "both"),
        column("Seulement " + c.a.name, c.only_a, "a"),
        column("Seulement " + c.b.name, c.only_b, "b")),
    ]);
  }

  window.maillage.actions = {
    actionHit, snippetNode, downloadLinks, actionHref, renderActions, renderAction, renderCompare,
  };
})();
