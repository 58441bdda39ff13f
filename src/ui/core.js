// maillage web UI, shared pieces: DOM helpers, URLs, the API, labels.
//
// Why a file of its own: the pages (app.js) and the graph view (graph.js) build
// the same elements and links; each script is a plain file served as it is (no
// build step, no module loader), so this one runs first and leaves its helpers
// on `window.maillage`. Everything that comes from the documents is inserted as
// text (textContent), never as HTML.
"use strict";

(function () {
  const announcer = document.getElementById("annonce");

  const KIND_LABELS = {
    organisation: "Organisation",
    dispositif: "Dispositif",
    structure: "Structure",
    association: "Association",
    autre: "Autre",
    territory: "Territoire",
    territoire: "Territoire",
    document: "Document",
  };
  const ROLE_LABELS = {
    pilot: "pilote",
    partner: "partenaire",
    funder: "financeur",
    mention: "mentionné",
  };
  // A territory's kind as the API codes it, in French.
  const TERRITORY_KIND_LABELS = {
    commune: "commune",
    epci: "EPCI",
    departement: "département",
    region: "région",
  };

  // ---------- small DOM helpers ----------

  // el("a", {href: "#/"}, "texte", child): strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, String(value));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 30);
  }

  function plural(n, one, many) {
    return n.toLocaleString("fr-FR") + " " + (n > 1 ? many : one);
  }

  // Lower case without accents, for filtering as you type.
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // ---------- URLs ----------

  function hashFor(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") query.set(key, value);
    }
    const qs = query.toString();
    // `:` needs no escaping in a fragment: `#/territoire/commune:31150` reads as it is.
    const segment = (s) => encodeURIComponent(s).replace(/%3A/gi, ":");
    return "#/" + path.map(segment).join("/") + (qs ? "?" + qs : "");
  }

  function parseHash() {
    const raw = window.location.hash.replace(/^#\/?/, "");
    const cut = raw.indexOf("?");
    const pathPart = cut >= 0 ? raw.slice(0, cut) : raw;
    const params = new URLSearchParams(cut >= 0 ? raw.slice(cut + 1) : "");
    const path = pathPart.split("/").filter((s) => s !== "").map((s) => {
      try { return decodeURIComponent(s); } catch (e) { return s; }
    });
    return { path, params };
  }

  function documentHref(docId, extra) {
    return hashFor(["document", docId], extra);
  }

  function entityHref(id) {
    return hashFor(["entite", id]);
  }

  // The original file of a document, opened at a page when it is a PDF (PDF viewers read
  // #page=N; a deck is downloaded, its slide named in the link's text).
  function originalHref(docId, page, format) {
    const anchor = page && (!format || format === "pdf") ? "#page=" + page : "";
    return apiPath("/api/documents/", docId) + "/file" + anchor;
  }

  const slideFormats = new Set(["pptx", "odp"]);

  // How many pages a document has: a PDF's pages, a deck's slides.
  function pageCount(format, pages) {
    return slideFormats.has(format) ? plural(pages, "diapositive", "diapositives") : plural(pages, "page", "pages");
  }

  // Where in its document a passage is: a PDF's page, a deck's slide.
  function pageLabel(format, page) {
    return (slideFormats.has(format) ? "diapositive " : "p. ") + page;
  }

  const formatNames = { pdf: "PDF", docx: "document Word", odt: "document OpenDocument", pptx: "diaporama PowerPoint", odp: "diaporama OpenDocument", xlsx: "classeur Excel", ods: "classeur OpenDocument", csv: "fichier CSV", html: "page HTML", markdown: "fichier Markdown", text: "fichier texte" };

  function originalLink(docId, format, page) {
    const what = formatNames[format] || "fichier";
    const text = !page ? "Ouvrir le " + what + " original"
      : slideFormats.has(format) ? "Ouvrir le " + what + " (diapositive " + page + ")"
      : "Ouvrir le " + what + " à la page " + page;
    return el("a", { class: "original-link", href: originalHref(docId, page, format), target: "_blank", rel: "noopener" }, text);
  }

  function apiPath(prefix, id) {
    return prefix + String(id).split("/").map(encodeURIComponent).join("/");
  }

  async function api(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" } });
    } catch (e) {
      throw new Error("Le serveur ne répond pas.");
    }
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error && body.error.message ? body.error.message : "Erreur " + response.status;
      const error = new Error(message);
      error.status = response.status;
      if (body && body.error) {
        error.code = body.error.code;
        error.suggestions = body.error.suggestions || [];
        error.choices = body.error.choices || [];
      }
      throw error;
    }
    return body;
  }

  // ---------- shared pieces ----------

  // An error, and when the server offers names close to the one asked (or the places an
  // ambiguous name may mean), links to them: `hrefFor` turns one into a link.
  function errorBox(error, hrefFor) {
    const notFound = error && error.status === 404;
    const offered = (error && (error.choices || []).length ? error.choices : (error && error.suggestions) || []);
    const title = error && error.code === "ambiguous_territory" ? "Lequel ? " : (notFound ? "Introuvable. " : "Impossible d’afficher cette page. ");
    const links = hrefFor && offered.length
      ? el("p", {}, error.code === "ambiguous_territory" ? "Choisissez : " : "Vouliez-vous dire : ",
        offered.map((item, i) => [i ? ", " : "", el("a", { href: hrefFor(item) }, typeof item === "string" ? item : territoryText(item))]))
      : null;
    return el("div", { class: "notice notice-error", role: "alert" },
      el("p", {}, el("strong", {}, title), error.message || String(error)), links);
  }

  function loading() {
    return el("p", { class: "loading", role: "status" }, "Chargement…");
  }

  function territoryText(t) {
    return t ? t.name + (t.code ? " (" + t.code + ")" : "") : null;
  }

  function kindBadge(kind) {
    return el("span", { class: "badge badge-" + String(kind || "autre") }, KIND_LABELS[kind] || kind || "—");
  }

  function roleBadges(roles) {
    return (roles || []).map((r) => el("span", { class: "badge role-" + r }, ROLE_LABELS[r] || r));
  }

  function setTitle(text) {
    document.title = text + " — maillage";
  }

  function markNav(name) {
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.getAttribute("data-nav") === name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function backIfPossible(event) {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  }

  // ---------- territories ----------

  // How a cited document reads: « Titre (Territoire, 2022) ». Its id goes only in links.
  function documentLabel(ref) {
    const title = String(ref.doc_title || "").trim() || ref.doc_id;
    const about = [ref.territory ? ref.territory.name : null, ref.year].filter(Boolean).join(", ");
    return title + (about ? " (" + about + ")" : "");
  }

  // `commune:31150`: how the territory page and the graph name a territory.
  function territoryKey(t) {
    return t && t.kind && t.code ? t.kind + ":" + t.code : null;
  }

  function territoryHref(t) {
    const key = typeof t === "string" ? t : territoryKey(t);
    return key ? hashFor(["territoire", key]) : null;
  }

  // A territory's name and code, as a link to its page when it has a kind and a code.
  function territoryLink(t) {
    if (!t) return null;
    const href = territoryHref(t);
    return href ? el("a", { href, class: "territory-link" }, territoryText(t)) : territoryText(t);
  }

  // `items` with `separator` between them, for el(): texts and links alike.
  function joined(items, separator) {
    return items.flatMap((item, i) => (i ? [separator, item] : [item]));
  }

  window.maillage = {
    KIND_LABELS, ROLE_LABELS, TERRITORY_KIND_LABELS, formatNames,
    el, append, svg, clear, announce, plural, fold,
    hashFor, parseHash, documentHref, entityHref, originalHref, originalLink, pageLabel, pageCount, apiPath, api,
    errorBox, loading, territoryText, kindBadge, roleBadges, setTitle, markNav, backIfPossible,
    territoryKey, territoryHref, territoryLink, joined, documentLabel,
  };
})();
