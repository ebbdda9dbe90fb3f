// The interactive part of `graph --format html` (inlined into the page; no network).
// Python draws the first picture; this script re-stacks blocks when one is toggled with
// the rule analyzer/reporters/dependency/layout.py `stack` uses and redraws the edges
// with the curve html_report.py `edge_path` draws. Names are only ever written with
// textContent; ids are compared as strings, never put into selectors.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const G = data.geometry;
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("graph");
  const edgeLayer = document.getElementById("edges");
  const details = document.getElementById("details");
  const filterBox = document.getElementById("filter");
  const filterCount = document.getElementById("filter-count");

  const nodeEls = new Map();
  svg.querySelectorAll("g.node").forEach((el) => nodeEls.set(el.getAttribute("data-id"), el));
  const blockEls = new Map();
  svg.querySelectorAll("g.block").forEach((el) => blockEls.set(el.getAttribute("data-block"), el));
  const blocks = data.blocks;
  const blockOf = new Map();
  blocks.forEach((b) => b.members.forEach((m) => blockOf.set(m, b)));
  const outgoing = new Map();
  const incoming = new Map();
  function push(map, key, value) {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(value);
  }
  data.edges.forEach((e) => {
    push(outgoing, e[0], e);
    push(incoming, e[1], e);
  });

  let pinned = null; // the selected node id or "block:<id>"
  let query = "";
  const positions = new Map();
  const blockY = new Map();

  function num(v) {
    const text = (Math.round(v * 10) / 10).toFixed(1);
    return text.endsWith(".0") ? text.slice(0, -2) : text;
  }
  function blockHeight(b) {
    if (b.offsets && b.offsets.length) return b.offsets[b.offsets.length - 1] + G.row;
    if (b.label === null) return b.members.length * G.row;
    if (b.collapsed) return G.header;
    return G.header + b.members.length * G.row + G.blockPad;
  }
  function stack() {
    const bottoms = data.columns.map(() => G.top);
    let height = G.top;
    blocks.forEach((b) => {
      const y = bottoms[b.column];
      blockY.set(b.id, y);
      bottoms[b.column] += blockHeight(b) + G.blockGap;
      const x = data.columns[b.column].x;
      const top = y + (b.label === null ? 0 : G.header);
      b.members.forEach((m, row) => {
        const offset = b.offsets ? b.offsets[row] : row * G.row;
        positions.set(m, [x, b.collapsed ? y : top + offset]);
      });
    });
    bottoms.forEach((v) => (height = Math.max(height, v)));
    return height + 10;
  }
  function rep(id) {
    const b = blockOf.get(id);
    return b.collapsed ? "block:" + b.id : id;
  }
  function anchor(r) {
    if (r.startsWith("block:")) {
      const b = blocks.find((x) => "block:" + x.id === r);
      const c = data.columns[b.column];
      return [c.x, blockY.get(b.id) + G.header / 2, c.width, b.column];
    }
    const b = blockOf.get(r);
    const c = data.columns[b.column];
    const p = positions.get(r);
    return [p[0], p[1] + G.nodeHeight / 2, c.width, b.column];
  }
  function edgePath(s, t) {
    const [sx, sy, sw, scol] = anchor(s);
    const [tx, ty, tw, tcol] = anchor(t);
    if (tcol > scol) {
      const x1 = sx + sw;
      const mid = (x1 + tx) / 2;
      return `M${num(x1)},${num(sy)} C${num(mid)},${num(sy)} ${num(mid)},${num(ty)} ${num(tx)},${num(ty)}`;
    }
    if (tcol === scol) {
      const bend = Math.min(90, 18 + Math.abs(ty - sy) / 4);
      return `M${num(sx)},${num(sy)} C${num(sx - bend)},${num(sy)} ${num(tx - bend)},${num(ty)} ${num(tx)},${num(ty)}`;
    }
    const x2 = tx + tw;
    return `M${num(sx)},${num(sy)} C${num(sx - 60)},${num(sy)} ${num(x2 + 60)},${num(ty)} ${num(x2)},${num(ty)}`;
  }
  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function redraw() {
    const height = stack();
    svg.setAttribute("height", num(height));
    svg.setAttribute("viewBox", `0 0 ${num(G.width)} ${num(height)}`);
    blocks.forEach((b) => {
      const el = blockEls.get(b.id);
      if (el) {
        const c = data.columns[b.column];
        el.setAttribute("transform", `translate(${num(c.x)},${num(blockY.get(b.id))})`);
        el.classList.toggle("collapsed", b.collapsed);
        el.querySelector(".block-box").setAttribute("height", num(blockHeight(b)));
        el.querySelector(".toggle").textContent = b.collapsed ? "\u25b8" : "\u25be";
      }
      b.members.forEach((m) => {
        const node = nodeEls.get(m);
        const p = positions.get(m);
        node.setAttribute("transform", `translate(${num(p[0])},${num(p[1])})`);
        node.classList.toggle("hidden", b.collapsed);
      });
    });
    const merged = new Map();
    data.edges.forEach(([s, t, relation, dyn, cyc]) => {
      const a = rep(s);
      const b = rep(t);
      if (a === b) return;
      const key = JSON.stringify([a, b, relation]);
      const entry = merged.get(key) || { a, b, relation, count: 0, dyn: true, cyc: false };
      entry.count += 1;
      entry.dyn = entry.dyn && dyn;
      entry.cyc = entry.cyc || cyc;
      merged.set(key, entry);
    });
    while (edgeLayer.firstChild) edgeLayer.removeChild(edgeLayer.firstChild);
    [...merged.keys()].sort().forEach((key) => {
      const e = merged.get(key);
      const path = document.createElementNS(NS, "path");
      const classes = ["edge", "r-" + e.relation];
      if (e.dyn) classes.push("dyn");
      if (e.cyc) classes.push("cyc");
      path.setAttribute("class", classes.join(" "));
      path.setAttribute("data-s", e.a);
      path.setAttribute("data-t", e.b);
      path.setAttribute("d", edgePath(e.a, e.b));
      if (e.count > 1) {
        path.setAttribute("style", `stroke-width:${num(Math.min(1.2 + Math.log2(e.count), 5))}`);
      }
      const title = document.createElementNS(NS, "title");
      title.textContent = plural(e.count, e.relation.replace(/s$/, "") || "edge");
      path.appendChild(title);
      edgeLayer.appendChild(path);
    });
    applyFilter();
    highlight(pinned);
  }

  // ------------------------------------------------------------ highlighting
  function neighbourReps(target) {
    const members = target.startsWith("block:")
      ? blocks.find((b) => "block:" + b.id === target).members
      : [target];
    const found = new Set();
    members.forEach((m) => {
      (outgoing.get(m) || []).forEach((e) => found.add(rep(e[1])));
      (incoming.get(m) || []).forEach((e) => found.add(rep(e[0])));
    });
    found.delete(target);
    return found;
  }
  function highlight(target) {
    svg.classList.toggle("focus", target !== null);
    const near = target === null ? new Set() : neighbourReps(target);
    nodeEls.forEach((el, id) => {
      el.classList.toggle("sel", id === target);
      el.classList.toggle("nb", near.has(id));
    });
    blockEls.forEach((el, id) => {
      el.classList.toggle("sel", "block:" + id === target);
      el.classList.toggle("nb", near.has("block:" + id));
    });
    edgeLayer.querySelectorAll("path").forEach((p) => {
      const on = target !== null && (p.getAttribute("data-s") === target || p.getAttribute("data-t") === target);
      p.classList.toggle("hl", on);
    });
  }
  function select(target) {
    pinned = target;
    highlight(target);
    showDetails(target);
  }
  function reveal(id) {
    const b = blockOf.get(id);
    if (b && b.collapsed) {
      b.collapsed = false;
      redraw();
    }
    const el = nodeEls.get(id);
    if (el && el.scrollIntoView) el.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // ------------------------------------------------------------ details panel
  function element(tag, text, cls) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }
  function linkList(title, edges, end) {
    const section = document.createElement("div");
    section.appendChild(element("h3", `${title} (${edges.length})`));
    if (!edges.length) {
      section.appendChild(element("p", "nothing", "note"));
      return section;
    }
    const list = element("ul");
    edges
      .map((e) => e[end])
      .sort((a, b) => (data.nodes[a].name.toLowerCase() < data.nodes[b].name.toLowerCase() ? -1 : 1))
      .forEach((id) => {
        const item = element("li");
        const button = element("button", data.nodes[id].name, "link");
        button.type = "button";
        button.addEventListener("click", () => {
          reveal(id);
          select(id);
        });
        item.appendChild(button);
        const info = data.nodes[id];
        const flags = shownFlags(info);
        item.appendChild(element("span", " " + (info.kind || "not found") + (flags.length ? " · " + flags.join(", ") : ""), "note"));
        list.appendChild(item);
      });
    section.appendChild(list);
    return section;
  }
  function shownFlags(info) {
    const flags = info.flags.filter((f) => !f.startsWith("has-"));
    if (info.findings) flags.push(plural(info.findings, "finding"));
    return flags;
  }
  function showDetails(target) {
    while (details.firstChild) details.removeChild(details.firstChild);
    if (target === null) {
      details.appendChild(element("p", "Click a node to see what it uses and what uses it. Click a group's header to expand or collapse it.", "hint"));
      return;
    }
    if (target.startsWith("block:")) {
      const b = blocks.find((x) => "block:" + x.id === target);
      details.appendChild(element("h2", b.label));
      details.appendChild(element("p", plural(b.members.length, "member") + "; click the header to expand", "note"));
      const near = [...neighbourReps(target)];
      details.appendChild(element("p", plural(near.length, "connected node or group")));
      return;
    }
    const info = data.nodes[target];
    details.appendChild(element("h2", info.name));
    details.appendChild(element("p", [info.type === "runbook" ? "runbook" : "", info.kind || "not found", ...info.flags.filter((f) => !f.startsWith("has-"))].filter(Boolean).join(" · "), "note"));
    info.paths.forEach((p) => details.appendChild(element("p", p, "path")));
    info.declared_in.forEach((d) => details.appendChild(element("p", "declared in " + d.path + (d.line ? ":" + d.line : ""), "path")));
    if (info.connection_type) details.appendChild(element("p", "type " + info.connection_type));
    if (info.detail) details.appendChild(element("p", info.detail, "path"));
    if (info.findings) details.appendChild(element("p", plural(info.findings, "finding"), "bad"));
    details.appendChild(linkList("Uses and calls", outgoing.get(target) || [], 1));
    details.appendChild(linkList("Used or called by", incoming.get(target) || [], 0));
  }

  // ------------------------------------------------------------------- filter
  function applyFilter() {
    let shown = 0;
    nodeEls.forEach((el, id) => {
      const match = !query || data.nodes[id].name.toLowerCase().includes(query);
      el.classList.toggle("filtered", !match);
      if (match) shown += 1;
    });
    blocks.forEach((b) => {
      const el = blockEls.get(b.id);
      if (!el) return;
      const hits = query ? b.members.filter((m) => data.nodes[m].name.toLowerCase().includes(query)).length : 0;
      el.classList.toggle("filtered", Boolean(query) && hits === 0);
      el.querySelector(".block-match").textContent = query && hits ? `${hits} match` : "";
    });
    document.querySelectorAll("tr[data-filter]").forEach((row) => {
      row.hidden = Boolean(query) && !row.getAttribute("data-filter").includes(query);
    });
    filterCount.textContent = query ? `${shown} of ${plural(nodeEls.size, "node")} match` : "";
  }
  filterBox.addEventListener("input", () => {
    query = filterBox.value.trim().toLowerCase();
    applyFilter();
  });

  // ------------------------------------------------------------ graph events
  nodeEls.forEach((el, id) => {
    el.addEventListener("click", (event) => {
      event.stopPropagation();
      select(pinned === id ? null : id);
    });
    el.addEventListener("mouseenter", () => highlight(id));
    el.addEventListener("mouseleave", () => highlight(pinned));
  });
  blockEls.forEach((el, id) => {
    const b = blocks.find((x) => x.id === id);
    const header = el.querySelector(".block-header");
    const toggle = (event) => {
      event.stopPropagation();
      b.collapsed = !b.collapsed;
      if (pinned && (pinned === "block:" + id || blockOf.get(pinned) === b)) pinned = null;
      redraw();
      showDetails(pinned);
    };
    header.addEventListener("click", toggle);
    header.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") toggle(event);
    });
    el.addEventListener("mouseenter", () => b.collapsed && highlight("block:" + id));
    el.addEventListener("mouseleave", () => highlight(pinned));
  });
  svg.addEventListener("click", () => select(null));
  document.getElementById("clear").addEventListener("click", () => select(null));
  function setAll(collapsed) {
    blocks.forEach((b) => {
      if (b.label !== null) b.collapsed = collapsed;
    });
    pinned = null;
    redraw();
    showDetails(null);
  }
  document.getElementById("expand-all").addEventListener("click", () => setAll(false));
  document.getElementById("collapse-all").addEventListener("click", () => setAll(true));
  document.querySelectorAll("tr[data-node]").forEach((row) => {
    row.addEventListener("click", () => {
      const id = row.getAttribute("data-node");
      reveal(id);
      select(id);
    });
  });

  // ------------------------------------------------------------------ sorting
  document.querySelectorAll("table.sortable").forEach((table) => {
    const heads = [...table.querySelectorAll("th")];
    heads.forEach((th, column) => {
      th.querySelector("button").addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const numeric = th.getAttribute("data-type") === "num";
        const body = table.tBodies[0];
        const rows = [...body.rows].map((row, index) => {
          const cell = row.cells[column];
          const raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
          return { row, index, key: numeric ? parseFloat(raw) || 0 : raw.toLowerCase() };
        });
        rows.sort((a, b) => {
          let order = numeric ? a.key - b.key : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
          if (!ascending) order = -order;
          return order || a.index - b.index;
        });
        rows.forEach((r) => body.appendChild(r.row));
      });
    });
  });

  // `#node=NODE-ID` (URI-encoded) opens the page with that node selected: a link to it.
  if (location.hash.startsWith("#node=")) {
    const id = decodeURIComponent(location.hash.slice("#node=".length));
    if (nodeEls.has(id)) {
      reveal(id);
      select(id);
    }
  }

  // ---------------------------------------------------------------- self-test
  // `#selftest&filter=TEXT&click=NODE-ID` (both URI-encoded): the headless-browser test
  // loads the page with this fragment and reads the results from the DOM afterwards.
  if (location.hash.startsWith("#selftest")) {
    const params = new URLSearchParams(location.hash.slice(1).replace(/^selftest&?/, ""));
    const result = { readyMs: Math.round(performance.now()) }; // navigation start → script ready
    const attrs = (selector, name) => [...svg.querySelectorAll(selector)].map((el) => el.getAttribute(name));
    result.nodes = attrs("g.node", "data-id");
    result.visibleNodes = attrs("g.node:not(.hidden)", "data-id");
    result.blocks = attrs("g.block", "data-block");
    const before = new Map([...nodeEls].map(([id, el]) => [id, el.getAttribute("transform")]));
    const edgesBefore = attrs("#edges path", "d").sort();
    redraw();
    result.layoutAgrees = [...nodeEls].every(([id, el]) => el.getAttribute("transform") === before.get(id));
    result.edgesAgree = JSON.stringify(attrs("#edges path", "d").sort()) === JSON.stringify(edgesBefore);
    if (params.has("filter")) {
      filterBox.value = params.get("filter");
      filterBox.dispatchEvent(new Event("input"));
      result.rows = {};
      document.querySelectorAll("table.sortable").forEach((table) => {
        result.rows[table.id] = [...table.tBodies[0].rows].filter((r) => !r.hidden).map((r) => r.getAttribute("data-node") || r.getAttribute("data-filter"));
      });
      result.hiddenRows = document.querySelectorAll("tr[hidden]").length;
      result.filteredNodes = attrs("g.node.filtered", "data-id");
      filterBox.value = "";
      filterBox.dispatchEvent(new Event("input"));
    }
    if (params.has("click")) {
      const id = params.get("click");
      reveal(id);
      nodeEls.get(id).dispatchEvent(new MouseEvent("click", { bubbles: true }));
      result.selected = attrs("g.node.sel", "data-id");
      result.neighbours = attrs("g.node.nb", "data-id").concat(attrs("g.block.nb", "data-block").map((b) => "block:" + b));
      result.highlightedEdges = svg.querySelectorAll("#edges path.hl").length;
      result.details = details.querySelector("h2") ? details.querySelector("h2").textContent : null;
    }
    const expandable = blocks.find((b) => b.collapsed);
    if (expandable) {
      blockEls.get(expandable.id).querySelector(".block-header").dispatchEvent(new MouseEvent("click", { bubbles: true }));
      result.expanded = { block: expandable.id, visible: expandable.members.filter((m) => !nodeEls.get(m).classList.contains("hidden")).length };
    }
    const sortButton = document.querySelector("#runbooks-table th button");
    if (sortButton) {
      sortButton.click();
      sortButton.click();
      result.sortedDescending = [...document.querySelectorAll("#runbooks-table tbody tr")].map((r) => r.cells[0].textContent);
    }
    const out = document.createElement("pre");
    out.id = "selftest-result";
    out.textContent = JSON.stringify(result);
    document.body.appendChild(out);
  }
})();
