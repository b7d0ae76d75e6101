/* Map layers of the zoning map, drawn from one TopoJSON topology (see geo/webmap/builder.py).
 *
 * zonageWebMap(map, data) adds to a Leaflet map: the base map, one layer per entry of
 * data.layers (commune fills, zones merged from communes, borders between departments, QPV
 * outlines), the layer switcher, a legend showing the visible layers, and a title. With
 * data.values (a value per commune, geo/webmap/values.py), that layer comes first and is the
 * colour layer shown; a click on a commune shows its summary in a box inside the map, from
 * the data already in the page.
 * Every text in data (commune and QPV names, sources, labels) is plain text: it is put in the
 * page with textContent (text() and el() below), never as HTML; only Leaflet's layer switcher,
 * which takes HTML names, gets it escaped (escapeHtml()). Needs Leaflet (L), topojson-client
 * (topojson) and communes.js.
 */
window.zonageWebMap = function (map, data) {
  "use strict";
  function text(value) { return document.createTextNode(String(value)); }
  // An element holding `children`: strings become text nodes, nodes are appended as they are.
  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? text(c) : c);
    });
    return node;
  }
  // eslint-disable-next-line no-restricted-properties -- the layer switcher takes HTML names
  function escapeHtml(value) { return el("span", null, [String(value)]).innerHTML; }

  var topo = data.topology;
  var communes = topo.objects.communes;
  // The arcs come apart from the topology as flat [dx0, dy0, dx1, dy1, ...] lists (parsed about
  // three times faster than pairs); the pairs topojson-client reads are rebuilt the first time
  // an outline layer needs them, after the commune fills are on screen.
  function topology() {
    if (!topo.arcs) {
      topo.arcs = data.arcs.map(function (flat) {
        var pairs = [];
        for (var i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        return pairs;
      });
    }
    return topo;
  }
  var names = data.communes.nom;
  var codes = data.communes.insee;

  communes.geometries.forEach(function (g, i) { g.properties = { i: i }; });
  // Leaflet focuses the map when a mouse button goes down (for its keyboard controls); a
  // focus that scrolls the page would move the map under the pointer before the click lands.
  var container = map.getContainer();
  container.focus = function (focusOptions) {
    HTMLElement.prototype.focus.call(container, Object.assign({}, focusOptions, { preventScroll: true }));
  };
  // The view is set before any layer is added: every layer is then projected once.
  var bbox = data.bounds;
  function fitRegion() {
    map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { animate: false });
  }
  if (window.self !== window.top) window.zonageFitFrame(map, fitRegion);
  fitRegion();

  // smoothFactor 0 below: Leaflet would otherwise simplify each polygon on its own while
  // drawing, opening slivers between neighbours that the shared arcs have just closed.
  var panes = { fill: 410, zones: 420, qpv: 430, lines: 440 };
  Object.keys(panes).forEach(function (name) {
    map.createPane("zonage-" + name).style.zIndex = panes[name];
  });
  map.getPane("zonage-lines").style.pointerEvents = "none";

  function options(spec, extra) {
    var o = {};
    Object.keys(spec.style).forEach(function (k) { o[k] = spec.style[k]; });
    Object.keys(extra).forEach(function (k) { o[k] = extra[k]; });
    return o;
  }

  // A layer group filled the first time it is shown: hidden layers cost nothing at start.
  function lazyGroup(fill) {
    var group = L.featureGroup();
    group.once("add", function () { fill(group); });
    return group;
  }

  // Commune fills: one canvas layer per colour layer, on geometry decoded once (communes.js).
  var communeGeometry = null;
  function choropleth(spec) {
    return lazyGroup(function (group) {
      communeGeometry = communeGeometry || ZonageCommunes.geometry(map, topo, data.arcs, "communes");
      ZonageCommunes.layer(communeGeometry, {
        pane: "zonage-fill",
        codes: spec.values,
        classes: spec.classes,
        fill: options(spec, { fillOpacity: 0.72, color: "#5b5b5b", weight: 0.4, opacity: 0.6 }),
        tooltip: function (i, code) {
          return el("div", null, [
            el("b", null, [names[i]]), " (" + codes[i] + ")", el("br"),
            spec.tooltip + " : " + spec.classes[code].tip
          ]);
        }
      }).addTo(group);
    });
  }

  // The caller's value per commune: classes, hatching of the marked communes, texts of each
  // case (shared by many communes) on hover and, in the summary box, on a click.
  function caseLines(spec, i, what, code) {
    var c = spec.cases[i];
    var lines = c < 0 ? [] : spec.texts[c][what].slice();
    if (code === "-" || code === "X") lines.push(spec.classes[code].tip);
    return lines;
  }

  function valueLayer(spec) {
    return lazyGroup(function (group) {
      communeGeometry = communeGeometry || ZonageCommunes.geometry(map, topo, data.arcs, "communes");
      ZonageCommunes.layer(communeGeometry, {
        pane: "zonage-fill",
        id: spec.id,
        codes: spec.values,
        marked: spec.marked,
        classes: spec.classes,
        fill: options(spec, { fillOpacity: 0.72, color: "#5b5b5b", weight: 0.4, opacity: 0.6 }),
        tooltip: function (i, code) {
          var children = [el("b", null, [names[i]]), " (" + codes[i] + ")"];
          caseLines(spec, i, "tip", code).forEach(function (line) {
            children.push(el("br"), line);
          });
          return el("div", null, children);
        },
        click: function (i, code) {
          var lines = caseLines(spec, i, "summary", code);
          showSummary(names[i] + " (" + codes[i] + ")", spec.note ? lines.concat([spec.note]) : lines);
        }
      }).addTo(group);
    });
  }

  // The summary box of a clicked commune (bottom left, announced to screen readers).
  var summaryBox = null;
  function showSummary(heading, lines) {
    if (!summaryBox) {
      var control = L.control({ position: "bottomleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "zonage-summary");
        div.setAttribute("role", "status");
        div.setAttribute("aria-live", "polite");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(map);
      summaryBox = control.getContainer();
    }
    var close = el("button", "zonage-close", ["×"]);
    close.type = "button";
    close.title = "Fermer";
    close.setAttribute("aria-label", "Fermer le résumé");
    close.addEventListener("click", function () {
      summaryBox.hidden = true;
      summaryBox.replaceChildren();
    });
    summaryBox.replaceChildren(close, el("h2", null, [heading]));
    lines.forEach(function (line) { summaryBox.appendChild(el("p", null, [line])); });
    summaryBox.hidden = false;
  }

  function merged(spec) {
    return lazyGroup(function (group) {
      Object.keys(spec.classes).forEach(function (code) {
        var c = spec.classes[code];
        var parts = communes.geometries.filter(function (g) {
          return spec.values.charAt(g.properties.i) === code;
        });
        if (!parts.length) return;
        L.geoJSON(topojson.merge(topology(), parts), {
          pane: "zonage-zones",
          interactive: false,
          style: options(spec, { color: c.color, fillColor: c.color, smoothFactor: 0 })
        }).addTo(group);
      });
    });
  }

  function mesh(spec) {
    var c = spec.classes[Object.keys(spec.classes)[0]];
    return lazyGroup(function (group) {
      var lines = topojson.mesh(topology(), communes, function (a, b) {
        return a === b || spec.values.charAt(a.properties.i) !== spec.values.charAt(b.properties.i);
      });
      L.geoJSON(lines, {
        pane: "zonage-lines",
        interactive: false,
        style: options(spec, { color: c.color, smoothFactor: 0 })
      }).addTo(group);
    });
  }

  function qpv(spec) {
    var c = spec.classes[Object.keys(spec.classes)[0]];
    var communeOf = {};
    codes.forEach(function (code, i) { communeOf[code] = names[i]; });
    return lazyGroup(function (group) {
      var q = topo.objects.qpv;
      q.geometries.forEach(function (g, i) { g.properties = { i: i }; });
      L.geoJSON(topojson.feature(topology(), q), {
        pane: "zonage-qpv",
        style: options(spec, { color: c.color }),
        onEachFeature: function (f, layer) {
          var i = f.properties.i;
          var commune = communeOf[data.qpv.insee[i]];
          layer.bindTooltip(el("div", null, [
            el("b", null, [data.qpv.nom_qp[i]]),
            " (" + data.qpv.code_qp[i] + ")" + (commune ? " : " + commune : ""), el("br"), c.tip
          ]), { sticky: true });
        }
      }).addTo(group);
    });
  }

  // Commune fills are alternatives (one colour layer at a time: radio buttons); outlines and
  // the base map are checkboxes.
  // A value layer is the colour layer shown; the others stay a click away.
  var builders = { choropleth: choropleth, merge: merged, mesh: mesh, qpv: qpv, values: valueLayer };
  var colours = {};
  var overlays = {};
  var sections = [];
  var outlines = [];
  (data.values ? [data.values].concat(data.layers) : data.layers).forEach(function (spec) {
    var layer = builders[spec.kind](spec);
    var fill = spec.kind === "choropleth" || spec.kind === "values";
    (fill ? colours : overlays)[escapeHtml(spec.title)] = layer;
    sections.push({ layer: layer, spec: spec });
    if (spec.shown && !(data.values && spec.kind === "choropleth")) {
      if (fill) layer.addTo(map);
      else outlines.push(layer);
    }
  });
  if (Object.keys(colours).length) colours[escapeHtml(data.no_colour_label)] = L.layerGroup();
  if (data.tiles) {
    overlays[escapeHtml(data.tiles.label)] = L.tileLayer(data.tiles.url, {
      attribution: data.tiles.attribution, maxZoom: 18, subdomains: "abcd"
    }).addTo(map);
  }
  // On a phone's screen an open layer switcher and legend would hide the whole map.
  var collapsed = data.collapsed || window.matchMedia("(max-width: 640px)").matches;
  L.control.layers(colours, overlays, { collapsed: collapsed, position: "topright" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // Legend: one section per visible layer, with its classes and its source.
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "zonage-legend");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  function swatch(spec, c) {
    var st = spec.style || {};
    var i = el("i");
    if (spec.kind === "mesh") {
      i.className = "zonage-line";
      i.style.borderColor = c.color;
    } else if (spec.kind === "choropleth" || spec.kind === "values") {
      i.style.background = c.color;
    } else {
      i.className = "zonage-outline";
      i.style.borderColor = c.color;
      i.style.borderStyle = st.dashArray ? "dashed" : "solid";
      i.style.background = st.fillOpacity >= 0.2 ? st.fillColor || c.color : "transparent";
    }
    return i;
  }
  var legendOpen = !collapsed;
  function drawLegend() {
    var box = legend.getContainer();
    var old = box.querySelector("details");
    if (old) legendOpen = old.open;
    var details = el("details", null, [el("summary", null, [data.legend_title])]);
    details.open = legendOpen;
    sections.forEach(function (s) {
      if (!map.hasLayer(s.layer)) return;
      var section = el("section", null, [el("h2", null, [s.spec.title])]);
      section.setAttribute("data-layer", s.spec.id);
      Object.keys(s.spec.classes).forEach(function (code) {
        var c = s.spec.classes[code];
        section.appendChild(el("div", null, [swatch(s.spec, c), c.label]));
      });
      if (s.spec.mark) {
        section.appendChild(el("div", "zonage-mark", [el("i", "zonage-hatch"), s.spec.mark.label]));
      }
      section.appendChild(el("p", "zonage-source", ["Source : " + s.spec.source]));
      details.appendChild(section);
    });
    box.replaceChildren(details);
  }
  map.on("overlayadd overlayremove baselayerchange", drawLegend);
  // The colour layer is painted first; the outlines shown at start (QPV, department borders)
  // and then the legend follow right after that first frame.
  requestAnimationFrame(function () {
    setTimeout(function () {
      outlines.forEach(function (layer) { layer.addTo(map); });
      drawLegend();
    }, 0);
  });

  if (data.title) {
    var title = L.control({ position: "topleft" });
    title.onAdd = function () {
      var t = data.title;
      var div = L.DomUtil.create("div", "zonage-title");
      div.appendChild(el("h1", null, [t.heading]));
      div.appendChild(el("p", null, [t.text]));
      div.appendChild(el("details", null, [
        el("summary", null, [t.sources_title]),
        el("ul", null, t.sources.map(function (s) {
          return el("li", null, [el("b", null, [s[0]]), " : " + s[1]]);
        }))
      ]));
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    title.addTo(map);
  }

  return { overlays: overlays, legend: legend };
};

/* The map inside a page's frame (the app): it fills the frame, whose height the page sets
 * (shorter on a phone). On a touch screen one finger scrolls the page, as everywhere else in
 * it, and two fingers move and zoom the map: dragging with one finger would trap the page's
 * scroll on a map taller than half the screen. A one-finger swipe on the map says so.
 * ``fitRegion`` shows the whole region again (see the frame's late sizing below).
 */
window.zonageFitFrame = function (map, fitRegion) {
  "use strict";
  var TOUCH_HINT = "Pour déplacer la carte, utilisez deux doigts.";
  var box = map.getContainer();
  box.style.height = "100vh";
  map.invalidateSize({ animate: false });
  // The page may size its frame after the map is drawn (a frame of no height gives the
  // whole world at zoom 0): until the visitor moves the map, a new size shows the region.
  var untouched = true;
  ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (type) {
    box.addEventListener(type, function () { untouched = false; }, { passive: true });
  });
  window.addEventListener("resize", function () {
    map.invalidateSize({ animate: false });
    if (untouched) fitRegion();
  });
  if (!window.matchMedia("(pointer: coarse)").matches || !map.dragging) return;
  map.dragging.disable();
  var hint = L.DomUtil.create("div", "zonage-touch-hint", box);
  hint.textContent = TOUCH_HINT;
  hint.setAttribute("aria-hidden", "true"); // for the eyes: a screen reader has its own gestures
  var timer = null;
  box.addEventListener("touchmove", function (e) {
    if (e.touches.length !== 1) return;
    hint.classList.add("zonage-shown");
    clearTimeout(timer);
    timer = setTimeout(function () { hint.classList.remove("zonage-shown"); }, 1500);
  }, { passive: true });
};

/* A message in the map's top-left corner (text only), e.g. when its data cannot be loaded. */
window.zonageMapMessage = function (map, text) {
  "use strict";
  var box = L.control({ position: "topleft" });
  box.onAdd = function () {
    var div = L.DomUtil.create("div", "zonage-title zonage-error");
    div.setAttribute("role", "alert");
    div.textContent = text;
    return div;
  };
  box.addTo(map);
};
