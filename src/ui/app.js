// maillage web UI: vanilla JS, hash routing, no dependency.
//
// Why this shape: the page is served by the same binary as the API under a
// strict CSP (default-src 'self'), so there is no inline script or style and
// no third-party code. Everything that comes from the documents is inserted
// as text (textContent); the only HTML taken from the API is the search
// snippet, which the server escapes and marks up with <mark> itself.
// This file holds the pages and the router; core.js the helpers they share,
// graph.js the drawing of an entity's neighbourhood.
"use strict";

(function () {
  const {
    TERRITORY_KIND_LABELS, formatNames,
    el, append, clear, announce, plural, fold,
    hashFor, parseHash, documentHref, entityHref, originalHref, originalLink, pageLabel, pageCount, apiPath, api,
    errorBox, loading, territoryText, kindBadge, roleBadges, setTitle, markNav, backIfPossible,
    territoryKey, territoryHref, territoryLink, joined, documentLabel,
  } = window.maillage;
  const { actionHit, snippetNode, downloadLinks, renderActions, renderAction, renderCompare } = window.maillage.actions;
  const main = document.getElementById("contenu");
  const PAGE_SIZE = 10;
  // The API pages up to this offset: the pager never offers a page it would refuse.
  const MAX_OFFSET = 10000;
  let navigation = 0; // increases on every route change; late answers are dropped

  // ---------- search page ----------

  async function renderSearch(params, token) {
    markNav("recherche");
    const q = params.get("q") || "";
    const territory = params.get("territoire") || "";
    const kind = params.get("type") || "";
    const exact = params.get("exact") === "1";
    // Results are action sheets by default; `par=passage` lists passages one by one.
    const byPassage = params.get("par") === "passage";
    const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);

    const input = el("input", {
      type: "search", id: "q", name: "q", value: q, autocomplete: "off", maxlength: "1000",
      placeholder: "ex. parentalité, « accueil de loisirs », CLAS", "aria-describedby": "q-aide",
    });
    const form = el("form", { class: "search-form", role: "search", onsubmit: (event) => {
      event.preventDefault();
      const value = input.value.trim();
      window.location.hash = hashFor(["recherche"], { q: value, territoire: territory, type: kind });
    } },
    el("label", { for: "q" }, "Rechercher dans les documents"),
    el("div", { class: "search-row" }, input, el("button", { type: "submit" }, "Rechercher")),
    el("p", { id: "q-aide", class: "hint" }, "Mots, « expressions entre guillemets », -mot pour exclure. Les sigles sont développés."));

    const results = el("div", { class: "search-results" });
    clear(main);
    append(main, [el("h1", { class: q ? "visually-hidden" : "" }, "Recherche"), form, results]);
    setTitle(q ? "« " + q + " »" : "Recherche");

    if (!q) {
      await renderDocumentList(results, token);
      return;
    }
    results.appendChild(loading());
    const url = "/api/search?" + new URLSearchParams(Object.assign(
      { q, limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) },
      territory ? { territory } : {}, kind ? { kind } : {}, exact ? { exact: "true" } : {},
      byPassage ? {} : { group: "action" })).toString();
    let data;
    try {
      data = await api(url);
    } catch (error) {
      if (token !== navigation) return;
      clear(results);
      // A territory filter that names nothing or several places: offer the near ones.
      results.appendChild(errorBox(error, (t) => hashFor(["recherche"], { q, territoire: t.code || t, type: kind, exact: exact ? "1" : "" })));
      announce(error.message);
      return;
    }
    if (token !== navigation) return;
    clear(results);
    drawSearchResults(results, data, { q, territory, kind, page, exact, byPassage });
  }

  function drawSearchResults(container, data, state) {
    const kindLabels = {};
    for (const f of data.facets.kind || []) kindLabels[f.value] = f.label;
    const reachable = Math.min(data.total, MAX_OFFSET + PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(reachable / PAGE_SIZE));
    // Past the exact count, the total is a lower bound: say so, and on the facets too.
    state.countsAreLowerBounds = Boolean(data.total_is_lower_bound || data.facets_are_lower_bounds);
    const countText = data.total === 0
      ? "Aucun passage trouvé"
      : (data.total_is_lower_bound ? "Plus de " : "") + (state.byPassage ? plural(data.total, "passage trouvé", "passages trouvés")
        : plural(data.total, "résultat trouvé", "résultats trouvés") + " (fiches-actions et passages)") + (pages > 1 ? " — page " + state.page + " sur " + pages.toLocaleString("fr-FR") : "")
        + (reachable < data.total ? " (les " + reachable.toLocaleString("fr-FR") + " premiers peuvent être parcourus : précisez la recherche)" : "");
    const summary = el("p", { class: "result-count", id: "nombre-resultats" }, countText);
    announce(countText);

    const notes = [];
    if (data.total > 0) {
      const toggle = hashFor(["recherche"], { q: state.q, territoire: state.territory, type: state.kind, exact: state.exact ? "1" : "", par: state.byPassage ? "" : "passage" });
      notes.push(el("p", { class: "hint grouping" }, el("a", { href: toggle },
        state.byPassage ? "Regrouper par fiche-action" : "Afficher les passages un par un")));
    }
    if (data.corrections && data.corrections.length) {
      // The corrected words shown as searched; the query as typed one click away.
      const asTyped = hashFor(["recherche"], { q: state.q, territoire: state.territory, type: state.kind, exact: "1" });
      notes.push(el("p", { class: "correction" },
        "Résultats pour ", el("strong", {}, data.corrected_query || data.query), ". ",
        el("a", { href: asTyped }, "Rechercher plutôt « " + state.q + " »"), " (sans correction)."));
    }
    if (data.expansions && data.expansions.length) {
      notes.push(el("p", { class: "hint" }, "Recherche élargie à : " + data.expansions.join(", ")));
    }
    if (data.territory) {
      const included = (data.territories_included || []).map(territoryLink);
      notes.push(el("p", { class: "hint" }, "Territoire ", territoryLink(data.territory), " : ",
        included.length ? ["plans de ", joined(included, ", "), " (compris dans ce territoire ou le comprenant)"] : "aucun plan de l’index ne le concerne"));
    }
    if (data.relaxed) {
      notes.push(el("p", { class: "hint" }, "Tous les mots n’ont pas été trouvés ensemble : les passages les plus proches sont affichés."));
    }

    const groups = [
      facetGroup("Territoire", "territoire", data.facets.territory || [], state, data.facets.territory_values),
      facetGroup("Type de document", "type", data.facets.kind || [], state),
    ].filter(Boolean);
    const filters = groups.length ? el("aside", { class: "facets", "aria-label": "Filtres" }, groups) : null;

    const list = el("ol", { class: "hits", start: String(data.offset + 1) });
    for (const hit of data.hits) {
      const about = [];
      if (hit.territory) about.push(territoryLink(hit.territory));
      if (hit.kind) about.push(kindLabels[hit.kind] || hit.kind);
      if (hit.year) about.push(String(hit.year));
      if (hit.page) about.push(pageLabel(hit.format, hit.page));
      const snippet = snippetNode("p", hit.snippet);
      if (hit.action) {
        list.appendChild(actionHit(hit, about));
        continue;
      }
      list.appendChild(el("li", { class: "hit" },
        el("h2", { class: "hit-title" }, el("a", { href: documentHref(hit.doc_id, { passage: hit.passage }) }, hit.doc_title || hit.doc_id)),
        about.length ? el("p", { class: "hit-meta" }, joined(about, " · ")) : null,
        hit.section && hit.section.length ? el("p", { class: "breadcrumb" }, hit.section.join(" › ")) : null,
        hit.field ? el("p", { class: "field-label" }, el("span", { class: "badge" }, hit.field)) : null,
        snippet,
        hit.page ? el("p", { class: "hit-original" }, originalLink(hit.doc_id, hit.format, hit.page)) : null));
    }

    const active = [];
    if (state.territory) active.push(activeFilter("Territoire", data.territory ? territoryText(data.territory) : state.territory, "territoire", state));
    if (state.kind) active.push(activeFilter("Type", kindLabels[state.kind] || state.kind, "type", state));

    const layout = el("div", { class: filters ? "search-layout" : "search-layout single" },
      filters,
      el("section", { class: "hits-column", "aria-labelledby": "nombre-resultats" },
        summary, active.length ? el("div", { class: "active-filters" }, active) : null, notes,
        data.total ? downloadLinks("/api/search", Object.assign({ q: state.q }, state.territory ? { territory: state.territory } : {}, state.kind ? { kind: state.kind } : {}, state.exact ? { exact: "true" } : {})) : null,
        list,
        pagination(data, state, pages)));
    container.appendChild(layout);
  }

  function facetGroup(title, param, values, state, totalValues) {
    const current = param === "territoire" ? state.territory : state.kind;
    if (!values.length) return null;
    const items = values.map((f) => {
      const selected = current === f.value;
      const next = { q: state.q, territoire: state.territory, type: state.kind, exact: state.exact ? "1" : "" };
      next[param] = selected ? "" : f.value;
      return el("li", {}, el("a", { href: hashFor(["recherche"], next), "aria-current": selected ? "true" : null, class: selected ? "facet selected" : "facet" },
        el("span", {}, f.label || f.value), el("span", { class: "count" }, (state.countsAreLowerBounds ? "≥ " : "") + f.count.toLocaleString("fr-FR"))));
    });
    const others = (totalValues || 0) - values.length;
    const more = others > 0
      ? el("p", { class: "hint" }, "et " + plural(others, "autre territoire", "autres territoires"))
      : null;
    return el("div", { class: "facet-group" }, el("h2", {}, title), el("ul", {}, items), more);
  }

  function activeFilter(label, value, param, state) {
    const next = { q: state.q, territoire: state.territory, type: state.kind, exact: state.exact ? "1" : "" };
    next[param] = "";
    return el("a", { class: "chip", href: hashFor(["recherche"], next), "aria-label": "Retirer le filtre " + label + " : " + value },
      label + " : " + value + " ×");
  }

  function pagination(data, state, pages) {
    if (pages <= 1) return null;
    const base = { q: state.q, territoire: state.territory, type: state.kind, exact: state.exact ? "1" : "" };
    const nav = el("nav", { class: "pagination", "aria-label": "Pages de résultats" });
    if (state.page > 1) nav.appendChild(el("a", { href: hashFor(["recherche"], Object.assign({}, base, { page: String(state.page - 1) })), rel: "prev" }, "← Précédents"));
    nav.appendChild(el("span", {}, "Page " + state.page + " sur " + pages));
    if (state.page < pages && state.page * PAGE_SIZE < 10000) nav.appendChild(el("a", { href: hashFor(["recherche"], Object.assign({}, base, { page: String(state.page + 1) })), rel: "next" }, "Suivants →"));
    return nav;
  }

  async function renderDocumentList(container, token) {
    let docs;
    try {
      docs = await api("/api/documents");
    } catch (error) {
      if (token === navigation) container.appendChild(errorBox(error));
      return;
    }
    if (token !== navigation) return;
    const list = el("ul", { class: "doc-list" });
    for (const d of docs) {
      const about = [d.kind_label, territoryLink(d.territory), d.year ? String(d.year) : null, formatNames[d.format] ? (d.pages ? formatNames[d.format] + ", " + pageCount(d.format, d.pages) : formatNames[d.format]) : null].filter(Boolean);
      list.appendChild(el("li", {},
        el("a", { href: documentHref(d.doc_id) }, d.title || d.doc_id),
        el("span", { class: "hit-meta" }, joined(about, " · "), about.length ? " — " : "", plural(d.passages, "passage", "passages"))));
    }
    container.appendChild(el("section", { "aria-labelledby": "titre-documents" },
      el("h2", { id: "titre-documents" }, plural(docs.length, "document indexé", "documents indexés")), list,
      el("p", { class: "hint" }, el("a", { href: "#/fichiers" }, "Fichiers lus et fichiers écartés"))));
  }

  // ---------- document page ----------

  // A page that shows one answer: « Chargement… » while `url` is fetched, then `main`
  // cleared for the answer, or the page's title and the error (with `suggest` for the
  // names offered). Null when there is nothing to show: an error, or the reader went on.
  async function loadPage(nav, url, token, title, suggest) {
    markNav(nav);
    clear(main);
    main.appendChild(loading());
    let answer;
    try {
      answer = await api(url);
    } catch (error) {
      if (token === navigation) {
        clear(main);
        append(main, [el("h1", {}, title), errorBox(error, suggest)]);
      }
      return null;
    }
    if (token !== navigation) return null;
    clear(main);
    return answer;
  }

  async function renderDocument(docId, params, token) {
    // Long plans come in pages of passages; a link to a passage opens its page.
    const pageSize = 2000;
    let from = Math.max(0, parseInt(params.get("depuis") || "0", 10) || 0);
    if (params.has("passage")) from = Math.floor((parseInt(params.get("passage"), 10) || 0) / pageSize) * pageSize;
    const doc = await loadPage("", apiPath("/api/documents/", docId) + "?" + new URLSearchParams({ offset: String(from), limit: String(pageSize) }).toString(), token, "Document");
    if (!doc) return;
    setTitle(doc.title || doc.doc_id);
    const about = [doc.kind_label, territoryLink(doc.territory), doc.year ? String(doc.year) : null].filter(Boolean);

    // Passages, with the headings of the sections they open.
    const body = el("div", { class: "passages" });
    let lastSection = null;
    let lastPage = null;
    for (const p of doc.passages) {
      if (p.page && p.page !== lastPage) {
        // A PDF's pages open at the page; a deck's slides name the slide in the link.
        const slides = pageLabel(doc.format, p.page).startsWith("diapositive");
        const original = originalLink(doc.doc_id, doc.format, p.page);
        body.appendChild(el("p", { class: "page-mark", id: "page-" + p.page },
          el("span", {}, (slides ? "Diapositive " : "Page ") + p.page), " ",
          el("a", { href: original.getAttribute("href"), target: "_blank", rel: "noopener", "aria-label": original.textContent }, slides ? "ouvrir le diaporama" : "ouvrir le PDF")));
        lastPage = p.page;
      }
      if (p.section !== null && p.section !== undefined && p.section !== lastSection) {
        const section = doc.outline[p.section];
        if (section) {
          const level = Math.min(6, 2 + (section.depth || 0));
          body.appendChild(el("h" + level, { id: "section-" + section.id, class: "section-heading", tabindex: "-1" }, section.heading));
        }
        lastSection = p.section;
      }
      body.appendChild(el("div", { class: "passage", id: "passage-" + p.id, tabindex: "-1" },
        p.field ? el("span", { class: "badge field" }, p.field) : null,
        el("p", {}, p.text),
        el("a", { class: "passage-link", href: documentHref(doc.doc_id, { passage: p.id }), "aria-label": "Lien vers le passage " + (p.id + 1) }, "#")));
    }

    const side = el("aside", { class: "doc-side", "aria-label": "Sommaire et index du document" });
    if (doc.outline.length) side.appendChild(el("nav", { "aria-labelledby": "titre-sommaire" }, el("h2", { id: "titre-sommaire" }, "Sommaire"), outlineTree(doc)));
    if (doc.entities.length) {
      side.appendChild(el("section", { "aria-labelledby": "titre-entites" }, el("h2", { id: "titre-entites" }, "Acteurs et dispositifs"),
        el("ul", { class: "entity-list" }, doc.entities.map((e) => el("li", {},
          el("a", { href: entityHref(e.id) }, e.name), " ", kindBadge(e.kind), " ", roleBadges(e.roles.filter((r) => r !== "mention")),
          el("span", { class: "count" }, " " + plural(e.mentions, "mention", "mentions")))))));
    }
    if (doc.acronyms.length) {
      side.appendChild(el("section", { "aria-labelledby": "titre-sigles" }, el("h2", { id: "titre-sigles" }, "Sigles"),
        el("dl", { class: "sigles" }, doc.acronyms.map((a) => [
          el("dt", {}, el("a", { href: hashFor(["glossaire"], { filtre: a.abbr }) }, a.abbr)),
          el("dd", {}, a.definition || "(non défini)", a.defined_here ? "" : " "),
        ]))));
    }

    append(main, [
      el("p", { class: "back" }, el("a", { href: "#/", onclick: backIfPossible }, "← Retour")),
      el("h1", {}, doc.title || doc.doc_id),
      about.length ? el("p", { class: "hit-meta" }, joined(about, " · ")) : null,
      el("p", { class: "hint" }, [plural(doc.passages_total, "passage", "passages"), doc.pages ? pageCount(doc.format, doc.pages) : null, "fichier " + doc.file].filter(Boolean).join(" · ")),
      el("p", { class: "hit-original" }, originalLink(doc.doc_id, doc.format, null)),
      el("div", { class: side.childNodes.length ? "doc-layout" : "doc-layout single" }, side.childNodes.length ? side : null, el("article", { class: "doc-body", "aria-label": "Texte du document" }, body)),
      passagePager(doc, pageSize),
    ]);

    let target = null;
    if (params.has("passage")) target = document.getElementById("passage-" + params.get("passage"));
    else if (params.has("section")) target = sectionTarget(doc, parseInt(params.get("section"), 10));
    else if (params.has("chemin")) {
      const wanted = params.get("chemin");
      const p = doc.passages.find((x) => (x.heading_path || []).join(" › ") === wanted);
      if (p) target = document.getElementById("passage-" + p.id);
    }
    if (target) {
      target.classList.add("target");
      target.scrollIntoView({ block: "start", behavior: "instant" });
      target.focus({ preventScroll: true });
    }
  }

  // A section's heading, or when the section holds no passage of its own (an axe whose
  // text is all in its actions), the first passage under it.
  function sectionTarget(doc, id) {
    const heading = document.getElementById("section-" + id);
    if (heading || !Number.isInteger(id)) return heading;
    const under = (s) => {
      for (let depth = 0; s !== null && s !== undefined && depth < 64; depth += 1) {
        if (s === id) return true;
        s = doc.outline[s] ? doc.outline[s].parent : null;
      }
      return false;
    };
    const p = doc.passages.find((x) => under(x.section));
    return p ? document.getElementById("passage-" + p.id) : null;
  }

  function passagePager(doc, pageSize) {
    const shownEnd = doc.passages_offset + doc.passages.length;
    if (doc.passages_offset === 0 && shownEnd >= doc.passages_total) return null;
    const nav = el("nav", { class: "pagination", "aria-label": "Pages de passages" });
    if (doc.passages_offset > 0) nav.appendChild(el("a", { href: documentHref(doc.doc_id, { depuis: String(Math.max(0, doc.passages_offset - pageSize)) }), rel: "prev" }, "← Passages précédents"));
    nav.appendChild(el("span", {}, "Passages " + (doc.passages_offset + 1) + " à " + shownEnd + " sur " + doc.passages_total));
    if (shownEnd < doc.passages_total) nav.appendChild(el("a", { href: documentHref(doc.doc_id, { depuis: String(shownEnd) }), rel: "next" }, "Passages suivants →"));
    return nav;
  }


  function outlineTree(doc) {
    const children = new Map();
    for (const s of doc.outline) {
      const key = s.parent === null || s.parent === undefined ? -1 : s.parent;
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(s);
    }
    const build = (parent, depth) => {
      const items = children.get(parent) || [];
      if (!items.length || depth > 12) return null;
      return el("ul", { class: "outline" }, items.map((s) => el("li", {},
        el("a", { href: documentHref(doc.doc_id, { section: s.id }) }, s.heading),
        build(s.id, depth + 1))));
    };
    return build(-1, 0);
  }

  // ---------- files read and left out ----------

  async function renderFiles(token) {
    const status = await loadPage("fichiers", "/api/status", token, "Fichiers du corpus");
    if (!status) return;
    setTitle("Fichiers du corpus");
    const read = status.formats.filter((f) => f.documents > 0)
      .map((f) => el("li", {}, f.label + " : " + plural(f.documents, "document", "documents")));
    const skipped = status.skipped.length
      ? el("table", { class: "skipped" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Fichier"), el("th", { scope: "col" }, "Raison"))),
        el("tbody", {}, status.skipped.map((s) => el("tr", { "data-code": s.code }, el("td", {}, el("code", {}, s.file)), el("td", {}, s.reason)))))
      : el("p", {}, "Aucun fichier écarté.");
    append(main, [
      el("h1", {}, "Fichiers du corpus"),
      el("p", {}, plural(status.documents, "document lu", "documents lus") + ", " + plural(status.passages, "passage indexé", "passages indexés") + "."),
      read.length ? el("ul", { class: "formats" }, read) : null,
      el("h2", {}, plural(status.skipped.length, "fichier écarté", "fichiers écartés")),
      skipped,
      el("p", { class: "hint" }, "Formats lus : " + status.readable.map((e) => "." + e).join(" ") + ". Les PDF numérisés (sans couche texte) ne sont pas lus : la reconnaissance de caractères n’est pas prise en charge."),
    ]);
  }

  // ---------- entity list and page ----------

  async function renderEntities(params, token) {
    markNav("acteurs");
    const q = params.get("q") || "";
    const input = el("input", { type: "search", id: "filtre-acteurs", value: q, autocomplete: "off", maxlength: "1000" });
    const form = el("form", { class: "search-form", role: "search", onsubmit: (event) => {
      event.preventDefault();
      window.location.hash = hashFor(["acteurs"], { q: input.value.trim() });
    } }, el("label", { for: "filtre-acteurs" }, "Chercher un acteur ou un dispositif"),
    el("div", { class: "search-row" }, input, el("button", { type: "submit" }, "Chercher")));
    const results = el("div", {}, loading());
    clear(main);
    append(main, [el("h1", {}, "Acteurs et dispositifs"), form, results]);
    setTitle("Acteurs et dispositifs");
    let list;
    try {
      list = await api("/api/entities?" + new URLSearchParams(q ? { q, limit: "200" } : { limit: "200" }).toString());
    } catch (error) {
      if (token !== navigation) return;
      clear(results);
      results.appendChild(errorBox(error));
      return;
    }
    if (token !== navigation) return;
    clear(results);
    const shownCount = list.entities.length;
    const count = !list.total ? "Aucune entité trouvée"
      : plural(list.total, "entité", "entités") + (list.total > shownCount ? " (les " + shownCount.toLocaleString("fr-FR") + " plus citées affichées : précisez la recherche)" : "");
    announce(count);
    results.appendChild(el("p", { class: "result-count" }, count));
    results.appendChild(el("ul", { class: "entity-list" }, list.entities.map((e) => el("li", {},
      el("a", { href: entityHref(e.id) }, e.name), " ", kindBadge(e.kind),
      el("span", { class: "count" }, " " + plural(e.mentions, "mention", "mentions") + " dans " + plural(e.documents, "document", "documents"))))));
  }

  async function renderEntity(id, params, token) {
    const entity = await loadPage("acteurs", apiPath("/api/entities/", id), token, "Acteur", (name) => entityHref(name));
    if (!entity) return;
    setTitle(entity.name);

    const facts = el("dl", { class: "facts" },
      el("dt", {}, "Type"), el("dd", {}, kindBadge(entity.kind)),
      entity.aliases.length ? [el("dt", {}, "Aussi appelé"), el("dd", {}, entity.aliases.join(", "))] : null,
      entity.place ? [el("dt", {}, "Lieu"), el("dd", {}, territoryLink(entity.place))] : null,
      entity.branch_of ? [el("dt", {}, "Antenne de"), el("dd", {}, el("a", { href: entityHref(entity.branch_of.id) }, entity.branch_of.name))] : null,
      el("dt", {}, "Mentions"), el("dd", {}, plural(entity.mentions, "mention", "mentions") + " dans " + plural(entity.documents.length, "document", "documents")));

    const sections = [];
    if (entity.definitions.length) {
      sections.push(el("section", { "aria-labelledby": "titre-definitions" }, el("h2", { id: "titre-definitions" }, "Définitions"),
        el("ul", { class: "definitions" }, entity.definitions.map(definitionItem))));
    }
    sections.push(el("section", { "aria-labelledby": "titre-territoires" }, el("h2", { id: "titre-territoires" }, "Territoires et rôles"),
      entity.territories.length ? [downloadLinks("/api/territories", { entity: entity.id }), territoriesTable(entity)] : el("p", { class: "hint" }, "Aucun territoire associé.")));
    if (entity.branches.length) {
      sections.push(el("section", { "aria-labelledby": "titre-antennes" }, el("h2", { id: "titre-antennes" }, "Antennes et branches"),
        el("ul", { class: "entity-list" }, entity.branches.map((b) => el("li", {}, el("a", { href: entityHref(b.id) }, b.name), " ", kindBadge(b.kind))))));
    }
    if (entity.documents.length) {
      sections.push(el("section", { "aria-labelledby": "titre-docs" }, el("h2", { id: "titre-docs" }, "Documents"),
        el("ul", { class: "documents" }, entity.documents.map((d) => el("li", {}, el("a", { href: documentHref(d.doc_id) }, documentLabel(d)))))));
    }
    const depth = Math.min(3, Math.max(1, parseInt(params.get("profondeur") || "1", 10) || 1));
    const graphBox = el("section", { class: "graph-box", "aria-labelledby": "titre-graphe" },
      el("h2", { id: "titre-graphe" }, "Voisinage"),
      el("p", { class: "hint" }, "Profondeur : ", [1, 2, 3].map((d) => [
        d === depth ? el("strong", { "aria-current": "true" }, String(d)) : el("a", { href: hashFor(["entite", entity.id], { profondeur: String(d) }) }, String(d)), " "])));
    sections.push(graphBox);

    append(main, [
      el("p", { class: "back" }, el("a", { href: "#/acteurs", onclick: backIfPossible }, "← Retour")),
      el("h1", {}, entity.name), facts, sections,
    ]);
    drawGraph(graphBox, entity, depth, token);
  }

  function definitionItem(d) {
    const source = d.sources && d.sources.length ? d.sources[0] : null;
    const href = source && source.passage !== null && source.passage !== undefined
      ? documentHref(d.doc_id, { passage: source.passage })
      : documentHref(d.doc_id);
    return el("li", {}, el("span", { class: "definition" }, d.text), " — source : ",
      el("a", { href }, documentLabel(d)), d.territory ? [" · ", territoryLink(d.territory)] : "",
      d.count > 1 ? el("span", { class: "count" }, " ×" + d.count) : null);
  }

  // The first territories come with the entity; further pages are asked for on demand.
  function territoriesTable(entity) {
    const body = el("tbody", {}, entity.territories.map(territoryRow));
    const total = entity.territories_total || entity.territories.length;
    let shown = entity.territories.length;
    const count = el("p", { class: "hint", "aria-live": "polite" });
    const more = el("button", { type: "button", class: "more" }, "Afficher plus de territoires");
    const update = () => {
      count.textContent = shown < total ? plural(shown, "territoire affiché", "territoires affichés") + " sur " + total.toLocaleString("fr-FR") : "";
      if (shown >= total) more.remove();
    };
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const page = await api("/api/territories?" + new URLSearchParams({ entity: entity.id, offset: String(shown), limit: "100" }).toString());
        for (const t of page.territories) body.appendChild(territoryRow(t));
        shown += page.territories.length;
        if (!page.territories.length) shown = total;
      } catch (error) {
        count.textContent = error.message;
      }
      more.disabled = false;
      update();
    });
    update();
    return el("div", {}, el("div", { class: "table-wrap" }, el("table", {},
      el("caption", { class: "visually-hidden" }, "Territoires où l’acteur intervient, avec ses rôles et les actions concernées"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Territoire"), el("th", { scope: "col" }, "Rôles"), el("th", { scope: "col" }, "Actions"))),
      body)), count, shown < total ? more : null);
  }

  function territoryRow(t) {
    return el("tr", {},
      el("th", { scope: "row" }, el("a", { href: territoryHref(t.territory) }, t.territory.name),
        el("span", { class: "count" }, " " + (t.territory.code || "") + " · " + (TERRITORY_KIND_LABELS[t.territory.kind] || t.territory.kind || ""))),
      el("td", {}, roleBadges(t.roles)),
      el("td", {}, el("ul", { class: "evidence" }, (t.evidence || []).slice(0, 8).map(evidenceItem))));
  }

  // An excerpt under the action it comes from, with the document named (its id only in the link).
  function evidenceItem(e) {
    const inSection = e.section && e.section.length;
    return el("li", {},
      el("a", { href: documentHref(e.doc_id, inSection ? { chemin: e.section.join(" › ") } : {}) },
        inSection ? e.section[e.section.length - 1] : documentLabel(e)),
      " ", roleBadges([e.role]),
      inSection ? el("span", { class: "evidence-doc" }, documentLabel(e)) : null,
      e.text ? el("span", { class: "evidence-text" }, " " + e.text) : null);
  }

  // ---------- graph view (drawn by graph.js) ----------

  async function drawGraph(box, entity, depth, token) {
    const query = { entity: entity.id, depth: String(depth) };
    let graph;
    try {
      graph = await api("/api/graph?" + new URLSearchParams(query).toString());
    } catch (error) {
      if (token === navigation) box.appendChild(errorBox(error));
      return;
    }
    if (token !== navigation) return;
    if (!(graph.nodes || []).length) {
      box.appendChild(el("p", { class: "hint" }, "Aucun lien connu pour cet acteur."));
      return;
    }
    const download = "/api/graph?" + new URLSearchParams(Object.assign({ format: "graphml" }, query)).toString();
    box.appendChild(el("p", { class: "graph-actions" },
      el("a", { class: "button-link", href: download, download: "maillage-graphe.graphml" }, "Télécharger (GraphML)"),
      el("span", { class: "hint" }, " pour Gephi, Cytoscape ou networkx : tous les éléments et liens, sans regroupement.")));
    box.appendChild(window.maillage.graph.render(graph, "entity:" + entity.id, entity.name));
  }

  // ---------- territory page ----------

  async function renderTerritory(key, token) {
    const detail = await loadPage("", apiPath("/api/territories/", key), token, "Territoire", (t) => territoryHref(t) || hashFor(["territoire", t.code || t]));
    if (!detail) return;
    const t = detail.territory;
    setTitle(t.name);
    const own = territoryKey(t);
    const here = detail.documents.filter((d) => territoryKey(d.territory) === own);
    const around = detail.documents.filter((d) => territoryKey(d.territory) !== own);
    const docItem = (d) => el("li", {},
      el("a", { href: documentHref(d.doc_id) }, d.title || d.doc_id),
      el("span", { class: "hit-meta" }, [d.kind_label, d.year ? String(d.year) : null].filter(Boolean).join(" · ")),
      d.territory && territoryKey(d.territory) !== own ? el("span", { class: "hit-meta" }, "Territoire : ", territoryLink(d.territory)) : null);
    const facts = el("dl", { class: "facts" },
      el("dt", {}, "Type"), el("dd", {}, TERRITORY_KIND_LABELS[t.kind] || detail.kind_label || t.kind),
      el("dt", {}, "Code officiel"), el("dd", {}, t.code),
      detail.within.length ? [el("dt", {}, "Fait partie de"), el("dd", {}, detail.within.map((w, i) => [i ? ", " : "", territoryLink(w)]))] : null);
    const documents = el("section", { "aria-labelledby": "titre-documents-territoire" },
      el("h2", { id: "titre-documents-territoire" }, "Documents"),
      detail.documents.length ? null : el("p", { class: "hint" }, "Aucun document de l’index ne concerne ce territoire."),
      here.length ? el("ul", { class: "doc-list" }, here.map(docItem)) : null,
      around.length ? [el("h3", {}, "Documents d’un territoire qui le comprend ou qu’il comprend"), el("ul", { class: "doc-list" }, around.map(docItem))] : null);
    append(main, [
      el("p", { class: "back" }, el("a", { href: "#/", onclick: backIfPossible }, "← Retour")),
      el("h1", {}, t.name),
      facts,
      el("p", {}, el("a", { class: "button-link", href: hashFor(["recherche"], { territoire: own }) }, "Rechercher dans ce territoire")),
      documents,
    ]);
  }

  // ---------- glossary ----------

  async function renderGlossary(params, token) {
    markNav("glossaire");
    setTitle("Glossaire des sigles");
    const filter = params.get("filtre") || "";
    const input = el("input", { type: "search", id: "filtre-sigles", value: filter, autocomplete: "off", maxlength: "200", "aria-controls": "liste-sigles" });
    const count = el("p", { class: "result-count", id: "nombre-sigles" });
    const letters = el("nav", { class: "letters", "aria-label": "Lettres" });
    const list = el("div", { id: "liste-sigles" }, loading());
    clear(main);
    append(main, [
      el("h1", {}, "Glossaire des sigles"),
      el("form", { class: "search-form", role: "search", onsubmit: (event) => event.preventDefault() },
        el("label", { for: "filtre-sigles" }, "Filtrer les sigles"),
        el("div", { class: "search-row" }, input)),
      letters, count, list,
    ]);
    let entries;
    try {
      entries = await api("/api/acronyms");
    } catch (error) {
      if (token !== navigation) return;
      clear(list);
      list.appendChild(errorBox(error));
      return;
    }
    if (token !== navigation) return;
    const index = entries.map((e) => ({
      entry: e,
      haystack: fold(e.abbr + " " + e.abbr.replace(/\./g, "") + " " + e.definitions.map((d) => d.text).join(" ")),
      abbrFold: fold(e.abbr.replace(/\./g, "")),
    }));
    const draw = () => {
      const wanted = fold(input.value.trim());
      const shown = index.filter((x) => !wanted || x.haystack.includes(wanted))
        .sort((a, b) => {
          if (wanted) {
            const ea = a.abbrFold === wanted ? 0 : a.abbrFold.startsWith(wanted) ? 1 : 2;
            const eb = b.abbrFold === wanted ? 0 : b.abbrFold.startsWith(wanted) ? 1 : 2;
            if (ea !== eb) return ea - eb;
          }
          return a.entry.abbr.localeCompare(b.entry.abbr, "fr");
        });
      clear(list);
      clear(letters);
      const groups = new Map();
      for (const x of shown) {
        const first = fold(x.entry.abbr).replace(/[^a-z0-9]/g, "").charAt(0).toUpperCase() || "#";
        const key = wanted ? "" : first;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(x.entry);
      }
      if (!wanted) {
        for (const letter of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
          letters.appendChild(groups.has(letter)
            ? el("a", { href: "#/glossaire", onclick: (event) => {
              event.preventDefault();
              const target = document.getElementById("lettre-" + letter);
              if (target) { target.scrollIntoView({ block: "start", behavior: "instant" }); target.focus({ preventScroll: true }); }
            } }, letter)
            : el("span", { "aria-hidden": "true", class: "letter-empty" }, letter));
        }
      }
      for (const [letter, group] of groups) {
        if (letter) list.appendChild(el("h2", { id: "lettre-" + letter, class: "letter", tabindex: "-1" }, letter));
        list.appendChild(el("dl", { class: "glossary" }, group.map((e) => [
          el("dt", { id: "sigle-" + e.abbr.replace(/[^A-Za-z0-9]/g, "") }, e.abbr),
          el("dd", {},
            e.definitions.length
              ? el("ul", { class: "definitions" }, e.definitions.map(definitionItem))
              : el("p", { class: "hint" }, "Pas de définition trouvée dans les documents."),
            e.entity
              ? el("p", { class: "count" }, e.definitions.length ? "Fiche : " : "Au référentiel : ",
                  el("a", { href: entityHref(e.entity.id) }, e.entity.name))
              : null,
            el("p", { class: "count" }, "Utilisé dans " + plural(e.docs.length, "document", "documents") + " · " + plural(e.mentions, "mention", "mentions"),
              " · ", el("a", { href: hashFor(["recherche"], { q: e.abbr }) }, "rechercher « " + e.abbr + " »"))),
        ])));
      }
      const text = shown.length ? plural(shown.length, "sigle", "sigles") + (wanted ? " pour « " + input.value.trim() + " »" : "") : "Aucun sigle ne correspond";
      count.textContent = text;
      announce(text);
    };
    let timer = null;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        // Keep the filter in the URL without adding a history entry per key.
        window.history.replaceState(null, "", hashFor(["glossaire"], { filtre: input.value.trim() }));
        draw();
      }, 120);
    });
    draw();
  }

  // ---------- router ----------

  // Whether an answer still belongs to the page shown (pages in other files ask).
  function isCurrent(token) {
    return token === navigation;
  }

  async function route() {
    const token = ++navigation;
    const { path, params } = parseHash();
    const [page, id] = path;
    try {
      if (!page || page === "recherche") await renderSearch(params, token);
      else if (page === "document" && id) await renderDocument(path.slice(1).join("/"), params, token);
      else if (page === "entite" && id) await renderEntity(id, params, token);
      else if (page === "territoire" && id) await renderTerritory(id, token);
      else if (page === "acteurs") await renderEntities(params, token);
      else if (page === "glossaire") await renderGlossary(params, token);
      else if (page === "fichiers") await renderFiles(token);
      else if (page === "actions") await renderActions(params, token, isCurrent);
      else if (page === "action" && id) await renderAction(path.slice(1).join("/"), token, isCurrent);
      else if (page === "comparer") await renderCompare(params, token, isCurrent);
      else {
        clear(main);
        append(main, [el("h1", {}, "Page introuvable"), el("p", {}, el("a", { href: "#/" }, "Retour à la recherche"))]);
      }
    } catch (error) {
      if (token !== navigation) return;
      clear(main);
      append(main, [el("h1", {}, "Erreur"), errorBox(error)]);
    }
    if (token === navigation && !params.has("passage") && !params.has("section") && !params.has("chemin")) {
      const heading = main.querySelector("h1");
      // Move focus for screen readers on navigation, but keep it in the search box when the user is typing.
      if (heading && document.activeElement === document.body) {
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
      window.scrollTo(0, 0);
    }
  }

  window.addEventListener("hashchange", route);
  document.getElementById("skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  route();
})();
