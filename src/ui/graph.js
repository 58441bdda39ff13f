// maillage web UI: an entity's neighbourhood, drawn so that people can read it.
//
// Why this shape: at depth 2 a common actor has close to a hundred neighbours
// (the sections naming it, the actors named beside it), and drawn one by one
// their labels pile up. So the view is first reduced, then laid out:
// - the sections of one document become that document (one node, its sections
//   in its tooltip and in the list under the drawing);
// - around the centre, beyond a few neighbours of one kind, one « +N » node
//   stands for the rest; further out, beyond a few per parent, one « +N autres »;
// - the layout is a radial tree (each ring one hop further, each node in the
//   angle its subtree needs), computed from sorted input only, so the same
//   answer always gives the same picture;
// - the centre, its direct neighbours, documents and territories always carry
//   a label, the others only where their slot leaves room for one (labels run
//   along the rays, so they never overlap); every node has a tooltip, and the
//   full list is one click away.
// Every drawn node is a link to a page that exists (entity, document, section
// of a document, territory); « +N » nodes open the list instead. The API's
// codes (`kind`, `relation`, `role`) stay English; they are translated here.
"use strict";

(function () {
  const { el, svg, plural, documentHref, entityHref, territoryHref, ROLE_LABELS } = window.maillage;

  // What a node is, as the legend says it; entity kinds are told apart.
  const KIND_NAMES = {
    organisation: "acteur",
    association: "association",
    dispositif: "dispositif",
    structure: "structure",
    autre: "autre acteur",
    document: "document",
    section: "section",
    territory: "territoire",
    more: "regroupement",
  };
  const KIND_PLURALS = {
    organisation: "acteurs",
    association: "associations",
    dispositif: "dispositifs",
    structure: "structures",
    autre: "autres acteurs",
    document: "documents",
    section: "sections",
    territory: "territoires",
  };
  const KIND_ORDER = ["organisation", "association", "dispositif", "structure", "autre", "document", "section", "territory", "more"];
  const RELATION_NAMES = {
    covers: "couvre",
    part_of: "fait partie de",
    branch_of: "antenne de",
    located_in: "situé dans",
  };
  const ROLE_ORDER = ["pilot", "partner", "funder", "mention"];
  // Past this many elements, and past one hop, the sections of a document are drawn as
  // the document (one hop away, the sections naming the centre are what people look for).
  const COLLAPSE_SECTIONS_FROM = 25;
  // Most nodes around the centre, and on each ring further out (« +N » nodes included).
  const FIRST_RING_MAX = 20;
  const OUTER_RING_MAX = 36;
  // Labels: an inner ring's must end before the next ring, the outermost has room.
  const INNER_LABEL_CHARS = 20;
  const OUTER_LABEL_CHARS = 28;
  const RING_STEP = 160;

  // ---------- reading the answer ----------

  function displayKind(node) {
    if (node.kind === "entity") return KIND_NAMES[node.entity_kind] ? node.entity_kind : "autre";
    return KIND_NAMES[node.kind] ? node.kind : "autre";
  }

  // `section:<doc_id>#<n>` → { doc, section }; doc ids may hold `#`, the number never does.
  function sectionParts(id) {
    const cut = id.lastIndexOf("#");
    if (!id.startsWith("section:") || cut < 0) return null;
    return { doc: id.slice("section:".length, cut), section: id.slice(cut + 1) };
  }

  // The page a node of the answer opens.
  function nodeHref(node) {
    const id = String(node.id || "");
    const rest = id.slice(id.indexOf(":") + 1);
    if (id.startsWith("entity:")) return entityHref(rest);
    if (id.startsWith("document:")) return documentHref(rest);
    if (id.startsWith("territory:")) return territoryHref(rest);
    const parts = sectionParts(id);
    if (parts) return documentHref(parts.doc, { section: parts.section });
    return null;
  }

  function relationName(edge) {
    if (edge.relation === "names") return ROLE_LABELS[edge.role] || "mentionné";
    return RELATION_NAMES[edge.relation] || edge.relation;
  }

  function roleRank(role) {
    const i = ROLE_ORDER.indexOf(role);
    return i < 0 ? ROLE_ORDER.length : i;
  }

  function byText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // ---------- reducing: sections into their documents ----------

  // Display nodes: { id, kind, label, href, members: [answer nodes], more: bool }.
  function collapseSections(nodes, edges, centreId) {
    const sectionsOf = new Map();
    const near = new Set([centreId]);
    for (const e of edges) {
      if (String(e.source) === centreId) near.add(String(e.target));
      if (String(e.target) === centreId) near.add(String(e.source));
    }
    const beyondOneHop = nodes.some((n) => !near.has(String(n.id)));
    const collapse = beyondOneHop && nodes.length >= COLLAPSE_SECTIONS_FROM;
    for (const n of nodes) {
      const parts = collapse && n.kind === "section" ? sectionParts(String(n.id)) : null;
      if (!parts) continue;
      if (!sectionsOf.has(parts.doc)) sectionsOf.set(parts.doc, []);
      sectionsOf.get(parts.doc).push(n);
    }
    const byId = new Map(nodes.map((n) => [String(n.id), n]));
    const repOf = new Map();
    const shown = new Map();
    for (const n of nodes) {
      const id = String(n.id);
      const parts = collapse && n.kind === "section" ? sectionParts(id) : null;
      const docId = parts ? "document:" + parts.doc : null;
      // A section stands alone only when it is its document's only one here.
      if (parts && (sectionsOf.get(parts.doc).length > 1 || byId.has(docId))) {
        repOf.set(id, docId);
        if (!shown.has(docId)) {
          const doc = byId.get(docId);
          shown.set(docId, { id: docId, kind: "document", label: doc ? doc.label : (n.document || parts.doc),
            href: documentHref(parts.doc), members: [], more: false, doc: "" });
        }
        shown.get(docId).members.push(n);
        continue;
      }
      repOf.set(id, id);
      if (!shown.has(id)) {
        const section = sectionParts(id);
        shown.set(id, { id, kind: id === centreId ? "centre" : displayKind(n), label: String(n.label || id),
          href: nodeHref(n), members: [], more: false, entityKind: n.entity_kind, doc: section ? section.doc : "" });
      } else {
        // A document met after some of its sections: its own label wins.
        shown.get(id).label = String(n.label || id);
      }
    }
    return { shown, repOf };
  }

  // Edges between display nodes, parallel ones merged (counts added, strongest role kept).
  function collapseEdges(edges, repOf) {
    const merged = new Map();
    for (const e of edges) {
      const a = repOf.get(String(e.source)), b = repOf.get(String(e.target));
      if (!a || !b || a === b) continue;
      const key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
      const name = relationName(e);
      const known = merged.get(key);
      if (!known) {
        merged.set(key, { source: a, target: b, relation: e.relation, role: e.role || null, count: e.count || 1, names: [name] });
        continue;
      }
      known.count += e.count || 1;
      if (e.role && roleRank(e.role) < roleRank(known.role)) known.role = e.role;
      if (!known.names.includes(name)) known.names.push(name);
    }
    return [...merged.values()];
  }

  // ---------- reducing: a tree from the centre, capped ----------

  // Children of every node in a breadth-first tree from the centre, strongest first.
  function spanningTree(shown, edges, centreId) {
    const links = new Map([...shown.keys()].map((id) => [id, []]));
    for (const e of edges) {
      links.get(e.source).push({ other: e.target, edge: e });
      links.get(e.target).push({ other: e.source, edge: e });
    }
    // Strongest links first (pilots, then the most mentions): they are the ones kept.
    const order = (a, b) => {
      const na = shown.get(a.other), nb = shown.get(b.other);
      return roleRank(a.edge.role) - roleRank(b.edge.role)
        || b.edge.count - a.edge.count
        || KIND_ORDER.indexOf(na.kind) - KIND_ORDER.indexOf(nb.kind)
        || byText(na.label, nb.label) || byText(na.id, nb.id);
    };
    const children = new Map();
    const depth = new Map([[centreId, 0]]);
    let ring = [centreId];
    while (ring.length) {
      const next = [];
      for (const id of ring) {
        const kids = [];
        for (const link of links.get(id).slice().sort(order)) {
          if (depth.has(link.other)) continue;
          depth.set(link.other, depth.get(id) + 1);
          kids.push(link.other);
        }
        children.set(id, kids);
        next.push(...kids);
      }
      ring = next;
    }
    return children;
  }

  function moreNode(parentId, kind, hidden, shown, label) {
    return { id: "more:" + parentId + ":" + kind, kind: "more", label, href: null,
      members: hidden.map((id) => shown.get(id)), more: true };
  }

  // The largest cap such that `groups` capped at it, each overflow as one node, fit in `room`.
  function largestCap(groups, room, smallest) {
    let cap = Math.max(smallest, ...groups.map((g) => g.length));
    const size = (c) => groups.reduce((n, g) => n + Math.min(g.length, c) + (g.length > c ? 1 : 0), 0);
    while (cap > smallest && size(cap) > room) cap -= 1;
    return cap;
  }

  // Kept nodes are drawn grouped by kind, sections by document, then by name.
  function drawingOrder(ids, shown) {
    return ids.slice().sort((a, b) => {
      const na = shown.get(a), nb = shown.get(b);
      return KIND_ORDER.indexOf(na.kind) - KIND_ORDER.indexOf(nb.kind) || byText(na.doc, nb.doc)
        || byText(na.label, nb.label) || byText(a, b);
    });
  }

  // Around the centre: as many per kind as fit, the rest of a kind as one « +N » node.
  function capFirstRing(kids, shown, centreId) {
    const byKind = new Map();
    for (const id of kids) {
      const kind = shown.get(id).kind;
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind).push(id);
    }
    const cap = largestCap([...byKind.values()], FIRST_RING_MAX, 1);
    // `order`: each kind's nodes, then its « +N », around the ring.
    const kept = [], extra = [], order = [];
    for (const kind of KIND_ORDER.filter((k) => byKind.has(k))) {
      const ids = byKind.get(kind);
      const shownHere = drawingOrder(ids.slice(0, cap), shown);
      kept.push(...shownHere);
      order.push(...shownHere);
      const hidden = ids.slice(cap);
      if (hidden.length) {
        const name = hidden.length > 1 ? KIND_PLURALS[kind] : KIND_NAMES[kind];
        const more = moreNode(centreId, kind, hidden, shown, "+" + hidden.length + " " + name);
        extra.push(more);
        order.push(more.id);
      }
    }
    return { kept, extra, order };
  }

  // Further out: as many children per parent as fit, the rest as one « +N autres » node.
  function capOuterRing(parents, children, shown) {
    const cap = largestCap(parents.map((p) => children.get(p) || []), OUTER_RING_MAX, 0);
    const result = new Map();
    for (const p of parents) {
      const ids = children.get(p) || [];
      const hidden = ids.slice(cap);
      result.set(p, { kept: drawingOrder(ids.slice(0, cap), shown),
        extra: hidden.length ? [moreNode(p, "autres", hidden, shown, "+" + hidden.length + (hidden.length > 1 ? " autres" : " autre"))] : [] });
    }
    return result;
  }

  // The display tree: every visible node with its children, « +N » nodes included.
  function reduce(graph, centreId) {
    const nodes = (graph.nodes || []).filter((n) => n && n.id !== undefined);
    const answerEdges = (graph.edges || []).filter((e) => e && e.source !== undefined && e.target !== undefined);
    const { shown, repOf } = collapseSections(nodes, answerEdges, centreId);
    const edges = collapseEdges(answerEdges, repOf);
    const children = spanningTree(shown, edges, centreId);
    const visible = new Map([[centreId, shown.get(centreId)]]);
    const tree = new Map();
    const first = capFirstRing(children.get(centreId) || [], shown, centreId);
    tree.set(centreId, first.order);
    for (const id of first.kept) visible.set(id, shown.get(id));
    for (const m of first.extra) { visible.set(m.id, m); tree.set(m.id, []); }
    let ring = first.kept;
    while (ring.length) {
      const capped = capOuterRing(ring, children, shown);
      const next = [];
      for (const p of ring) {
        const { kept, extra } = capped.get(p);
        tree.set(p, [...kept, ...extra.map((m) => m.id)]);
        for (const id of kept) visible.set(id, shown.get(id));
        for (const m of extra) { visible.set(m.id, m); tree.set(m.id, []); }
        next.push(...kept);
      }
      ring = next;
    }
    const drawnEdges = edges.filter((e) => visible.has(e.source) && visible.has(e.target));
    for (const [parent, kids] of tree) {
      for (const id of kids) {
        if (visible.get(id).more) drawnEdges.push({ source: parent, target: id, relation: "more", role: null, count: 0, names: [] });
      }
    }
    return { visible, tree, edges: drawnEdges, total: nodes.length };
  }

  // ---------- layout: a radial tree ----------

  function layout(tree, centreId) {
    const weight = new Map();
    const weigh = (id) => {
      const kids = tree.get(id) || [];
      const w = kids.length ? kids.reduce((sum, k) => sum + weigh(k), 0) : 1;
      weight.set(id, w);
      return w;
    };
    weigh(centreId);
    const place = new Map();
    let rings = 0;
    const visit = (id, depth, from, to) => {
      const angle = (from + to) / 2;
      const r = depth * RING_STEP;
      rings = Math.max(rings, depth);
      // `room`: the width of its slot on its ring, what its label can take side by side.
      place.set(id, { x: r * Math.cos(angle), y: r * Math.sin(angle), angle, depth, room: (to - from) * r });
      let start = from;
      for (const kid of tree.get(id) || []) {
        const span = (to - from) * weight.get(kid) / weight.get(id);
        visit(kid, depth + 1, start, start + span);
        start += span;
      }
    };
    // The first neighbour at the top, then clockwise.
    visit(centreId, 0, -Math.PI / 2, 3 * Math.PI / 2);
    return { place, rings };
  }

  // ---------- drawing ----------

  function shortLabel(text, chars) {
    return text.length > chars ? text.slice(0, chars - 1) + "…" : text;
  }

  function tooltip(node) {
    const kind = KIND_NAMES[node.kind === "centre" ? node.entityKind : node.kind] || "";
    const lines = [node.label + (kind && !node.more ? " (" + kind + ")" : "")];
    const members = node.members.slice(0, 15).map((m) => "· " + (m.label || m.id));
    if (node.members.length > 15) members.push("· …");
    if (node.members.length && !node.more) lines.push(plural(node.members.length, "section", "sections") + " :");
    return lines.concat(members).join("\n");
  }

  // The main nodes carry a label; the others too when their slot leaves room for one.
  function isLabelled(node, p) {
    return p.depth <= 1 || node.more || node.kind === "document" || node.kind === "territory" || p.room >= 16;
  }

  function nodeRadius(node, p) {
    return p.depth === 0 ? 14 : node.more ? 11 : node.members.length ? 10 : 7;
  }

  // About how wide a label is drawn at 11px (capitals are wider): for its backing plate
  // and the drawing's bounds, before the browser has laid anything out.
  function labelWidth(text, size) {
    let width = 0;
    for (const c of text) width += c === " " ? 0.32 : c === c.toUpperCase() && c !== c.toLowerCase() ? 0.72 : 0.6;
    return width * size;
  }

  // Where a node's label goes: along the ray, outwards (turned round on the left half,
  // so it never reads upside down); the centre's under it. Null when it has none.
  function labelOf(node, p, rings) {
    if (p.depth === 0) {
      const width = labelWidth(node.label, 14);
      return { text: node.label, x: 0, y: 32, anchor: "middle", degrees: 0, width, size: 14, plate: true,
        corners: [[-width / 2, 22], [width / 2, 42]] };
    }
    if (!isLabelled(node, p)) return null;
    const inner = p.depth < rings;
    const text = shortLabel(node.label, inner ? INNER_LABEL_CHARS : OUTER_LABEL_CHARS);
    const width = labelWidth(text, 11);
    const gap = nodeRadius(node, p) + 4;
    const cos = Math.cos(p.angle), sin = Math.sin(p.angle);
    const x = p.x + gap * cos, y = p.y + gap * sin;
    const left = cos < 0;
    return { text, x, y, anchor: left ? "end" : "start", degrees: p.angle * 180 / Math.PI + (left ? 180 : 0),
      width, size: 11, plate: inner, corners: [[x, y], [x + width * cos, y + width * sin]] };
  }

  function drawLabel(group, label, centreClass) {
    const at = label.x.toFixed(2) + " " + label.y.toFixed(2);
    const turn = label.degrees ? { transform: "rotate(" + label.degrees.toFixed(2) + " " + at + ")" } : {};
    if (label.plate) {
      // Inner labels cross the links fanning out behind them: a plate keeps them readable.
      const from = label.anchor === "middle" ? label.x - label.width / 2 : label.anchor === "end" ? label.x - label.width : label.x;
      group.appendChild(svg("rect", Object.assign({ x: (from - 2).toFixed(2), y: (label.y - label.size * 0.65).toFixed(2),
        width: (label.width + 4).toFixed(2), height: (label.size * 1.3).toFixed(2), rx: 3, class: "label-plate" }, turn)));
    }
    group.appendChild(svg("text", Object.assign({ x: label.x.toFixed(2), y: label.y.toFixed(2), "text-anchor": label.anchor,
      class: "node-label" + centreClass, text: label.text }, turn)));
  }

  function drawNode(node, p, label, onMore) {
    const colourKind = node.more ? "more" : node.kind === "centre" ? node.entityKind : node.kind;
    const group = node.more
      ? svg("g", { class: "node more", tabindex: "0", role: "button", "data-id": node.id })
      : svg("a", { href: node.href, class: "node", "data-id": node.id });
    if (node.more) {
      group.addEventListener("click", onMore);
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onMore(); }
      });
    }
    group.appendChild(svg("title", { text: tooltip(node) }));
    group.appendChild(svg("circle", { cx: p.x.toFixed(2), cy: p.y.toFixed(2), r: nodeRadius(node, p), class: "kind-" + (colourKind || "autre") }));
    if (node.more) {
      group.appendChild(svg("text", { x: p.x.toFixed(2), y: p.y.toFixed(2), "text-anchor": "middle", class: "node-count", text: "+" }));
    }
    if (label) drawLabel(group, label, p.depth === 0 ? " centre" : "");
    return group;
  }

  // The box holding every node and label, with a margin.
  function bounds(place, labels) {
    const xs = [], ys = [];
    for (const p of place.values()) { xs.push(p.x - 16, p.x + 16); ys.push(p.y - 16, p.y + 16); }
    for (const label of labels.values()) {
      for (const [x, y] of label.corners) { xs.push(x); ys.push(y); }
    }
    const margin = 12;
    const minX = Math.min(...xs) - margin, minY = Math.min(...ys) - margin;
    return { x: minX, y: minY, width: Math.max(...xs) + margin - minX, height: Math.max(...ys) + margin - minY };
  }

  function edgeClass(e) {
    if (e.relation === "more") return "edge edge-more";
    if (e.relation === "names") return "edge edge-" + (e.role || "mention");
    return "edge edge-" + String(e.relation || "autre").replace(/_/g, "-");
  }

  function legend(view) {
    const kinds = new Set();
    const relations = new Map();
    for (const n of view.visible.values()) kinds.add(n.more ? "more" : n.kind === "centre" ? n.entityKind : n.kind);
    for (const e of view.edges) {
      if (e.relation === "more") continue;
      relations.set(edgeClass(e), e.relation === "names" ? ROLE_LABELS[e.role] || "mentionné" : relationName(e));
    }
    const swatch = (cls) => {
      const s = svg("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" });
      s.appendChild(svg("circle", { cx: 7, cy: 7, r: 6, class: cls }));
      return s;
    };
    const line = (cls) => {
      const s = svg("svg", { width: 28, height: 10, viewBox: "0 0 28 10", "aria-hidden": "true" });
      s.appendChild(svg("line", { x1: 1, y1: 5, x2: 27, y2: 5, class: cls }));
      return s;
    };
    const kindItems = KIND_ORDER.filter((k) => kinds.has(k))
      .map((k) => el("li", {}, swatch(k === "more" ? "kind-more" : "kind-" + k), " " + KIND_NAMES[k]));
    const relationItems = [...relations.entries()].sort((a, b) => byText(a[1], b[1]))
      .map(([cls, name]) => el("li", {}, line(cls), " " + name));
    return el("div", { class: "legend-box" },
      el("ul", { class: "legend", "aria-label": "Légende : types d’éléments" }, kindItems),
      el("ul", { class: "legend", "aria-label": "Légende : liens" }, relationItems));
  }

  // Every element of the answer as a link, by kind: the drawing's text alternative.
  function nodeList(graph) {
    const groups = new Map();
    for (const n of graph.nodes || []) {
      const kind = displayKind(n);
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind).push(n);
    }
    const sections = KIND_ORDER.filter((k) => groups.has(k)).map((k) => {
      const items = groups.get(k).slice().sort((a, b) => byText(String(a.label), String(b.label)));
      return el("section", { class: "node-group", id: "voisins-" + k, tabindex: "-1" },
        el("h3", {}, KIND_NAMES[k] + " (" + items.length + ")"),
        el("ul", {}, items.map((n) => {
          const href = nodeHref(n);
          const text = String(n.label || n.id) + (n.kind === "section" && n.document ? " — " + n.document : "");
          return el("li", {}, href ? el("a", { href }, text) : text);
        })));
    });
    return el("details", { class: "node-list" },
      el("summary", {}, "Liste des " + plural((graph.nodes || []).length, "élément", "éléments") + " du voisinage"),
      sections);
  }

  // The drawing of `graph` around `centreId`, its legend and its list, as one element.
  function render(graph, wantedCentre, name) {
    const ids = (graph.nodes || []).map((n) => String(n.id));
    const centreId = ids.includes(wantedCentre) ? wantedCentre : ids[0];
    const view = reduce(graph, centreId);
    const { place, rings } = layout(view.tree, centreId);
    const labels = new Map();
    for (const [id, p] of place) {
      const label = labelOf(view.visible.get(id), p, rings);
      if (label) labels.set(id, label);
    }
    const box = bounds(place, labels);
    const list = nodeList(graph);
    const openList = () => {
      list.open = true;
      list.scrollIntoView({ block: "start" });
      const summary = list.querySelector("summary");
      if (summary) summary.focus();
    };
    // One unit a pixel at most: labels keep their size, a small graph is not blown up.
    const drawing = svg("svg", { viewBox: [box.x, box.y, box.width, box.height].map((v) => v.toFixed(1)).join(" "),
      width: Math.ceil(box.width), height: Math.ceil(box.height), class: "graph", role: "img", "aria-labelledby": "graphe-titre" });
    drawing.appendChild(svg("title", { id: "graphe-titre",
      text: "Voisinage de " + name + " : " + plural(view.total, "élément", "éléments") + ", " + plural(view.visible.size, "affiché", "affichés") }));
    for (const e of view.edges) {
      const a = place.get(e.source), b = place.get(e.target);
      if (!a || !b) continue;
      const line = svg("line", { x1: a.x.toFixed(2), y1: a.y.toFixed(2), x2: b.x.toFixed(2), y2: b.y.toFixed(2), class: edgeClass(e) });
      if (e.names.length) line.appendChild(svg("title", { text: e.names.join(", ") + (e.count > 1 ? " · " + plural(e.count, "mention", "mentions") : "") }));
      drawing.appendChild(line);
    }
    // Outer rings first, so the nodes near the centre are drawn on top.
    const order = [...view.visible.keys()].filter((id) => place.has(id))
      .sort((a, b) => place.get(b).depth - place.get(a).depth);
    for (const id of order) drawing.appendChild(drawNode(view.visible.get(id), place.get(id), labels.get(id), openList));
    const grouped = [...view.visible.values()].some((v) => v.more);
    const merged = [...view.visible.values()].some((v) => !v.more && v.members.length);
    const note = el("p", { class: "hint" },
      plural(view.total, "élément", "éléments") + " dans le voisinage"
      + (grouped ? " ; les moins liés sont regroupés en « +N »" : "")
      + (merged ? " ; les sections d’un même document sont réunies sur ce document" : "")
      + ". Survolez un élément pour le nommer, cliquez pour l’ouvrir.");
    return el("div", { class: "graph-view" }, el("div", { class: "graph-wrap" }, drawing), legend(view), note, list);
  }

  window.maillage.graph = { render, reduce, layout, nodeHref };
})();
