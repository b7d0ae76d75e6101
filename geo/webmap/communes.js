/* Commune fills on one canvas, drawn straight from the TopoJSON arcs (see webmap.js).
 *
 * Leaflet's vector layers make one object per polygon and one per vertex, project every
 * polygon on its own and, with SVG, one DOM node per commune: for 4,446 communes that was most
 * of the time to first map. Here the arcs are decoded and projected once (zoom-0 Web Mercator
 * pixels), each redraw scales them, drops the points closer than half a pixel to the previous
 * one (per arc, so both neighbours of a border get the same points: no gap opens), fills one
 * path per class and strokes every border once. The commune under the mouse is found with a
 * grid of bounding boxes and a ray-crossing test on the same arcs, for the tooltip.
 *
 * ZonageCommunes.geometry(map, topology, arcs, objectName) -> shared geometry (decode once);
 *   arcs: the topology's arcs as flat delta-encoded lists [dx0, dy0, dx1, dy1, ...]
 * ZonageCommunes.layer(geometry, options) -> a Leaflet layer; options: codes (one character
 *   per commune), classes ({code: {color, ...}}), fill ({fillOpacity, color, weight, opacity}),
 *   tooltip(i, code) -> the tooltip as a DOM node (texts set as text, never as HTML), pane;
 *   optional: marked (one character per commune, "1": hatched over its fill), click(i, code)
 *   (called with the commune under a click on the map), id (the canvas's data-layer).
 * Only Leaflet's public API is used (the layer's state lives in a closure, not in members).
 * The canvas carries data-communes (features of the layer) and data-drawn (communes drawn in
 * the last frame), which the browser tests and the benchmark read.
 */
(function () {
  "use strict";

  var GRID = 64; // hit-test grid: GRID x GRID cells over the topology's extent

  // Zoom-0 pixel of a WGS84 point: Leaflet's own projection, or the same formulas written out
  // for its default Web Mercator (a third of the decoding time, without one object per point).
  function projector(crs) {
    if (crs !== L.CRS.EPSG3857) {
      return function (lat, lon) { return crs.latLngToPoint(L.latLng(lat, lon), 0); };
    }
    var d = Math.PI / 180, max = L.Projection.SphericalMercator.MAX_LATITUDE, out = { x: 0, y: 0 };
    return function (lat, lon) {
      var s = Math.sin(Math.max(Math.min(max, lat), -max) * d);
      out.x = 256 * (0.5 + lon / 360);
      out.y = 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
      return out;
    };
  }

  function geometry(map, topo, flatArcs, objectName) {
    var project = projector(map.options.crs);
    var sx = topo.transform.scale[0], sy = topo.transform.scale[1];
    var tx = topo.transform.translate[0], ty = topo.transform.translate[1];
    var nArcs = flatArcs.length, nPoints = 0, a, i;
    for (a = 0; a < nArcs; a++) nPoints += flatArcs[a].length / 2;
    var xs = new Float64Array(nPoints), ys = new Float64Array(nPoints);
    var start = new Int32Array(nArcs + 1);
    var arcBox = new Float64Array(nArcs * 4);
    var k = 0;
    for (a = 0; a < nArcs; a++) {
      var arc = flatArcs[a], qx = 0, qy = 0;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      start[a] = k;
      for (i = 0; i < arc.length; i += 2, k++) {
        qx += arc[i];
        qy += arc[i + 1];
        var p = project(qy * sy + ty, qx * sx + tx);
        xs[k] = p.x;
        ys[k] = p.y;
        if (p.x < x0) x0 = p.x;
        if (p.x > x1) x1 = p.x;
        if (p.y < y0) y0 = p.y;
        if (p.y > y1) y1 = p.y;
      }
      arcBox.set([x0, y0, x1, y1], a * 4);
    }
    start[nArcs] = k;

    // Each feature as its rings (arc references, ~a for a reversed arc) and its box.
    var geoms = topo.objects[objectName].geometries;
    var rings = [], box = new Float64Array(geoms.length * 4);
    geoms.forEach(function (g, f) {
      var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      var own = [], bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          own.push(ring);
          ring.forEach(function (ref) {
            var b = (ref < 0 ? ~ref : ref) * 4;
            bx0 = Math.min(bx0, arcBox[b]);
            by0 = Math.min(by0, arcBox[b + 1]);
            bx1 = Math.max(bx1, arcBox[b + 2]);
            by1 = Math.max(by1, arcBox[b + 3]);
          });
        });
      });
      rings.push(own);
      box.set([bx0, by0, bx1, by1], f * 4);
    });

    // Arcs used by this object (the QPV of the same topology have arcs of their own).
    var used = new Uint8Array(nArcs);
    rings.forEach(function (own) {
      own.forEach(function (ring) {
        ring.forEach(function (ref) { used[ref < 0 ? ~ref : ref] = 1; });
      });
    });

    // Grid of feature boxes for the hit test.
    var ex0 = Infinity, ey0 = Infinity, ex1 = -Infinity, ey1 = -Infinity;
    for (i = 0; i < geoms.length; i++) {
      if (!(box[i * 4] <= box[i * 4 + 2])) continue; // empty feature
      ex0 = Math.min(ex0, box[i * 4]);
      ey0 = Math.min(ey0, box[i * 4 + 1]);
      ex1 = Math.max(ex1, box[i * 4 + 2]);
      ey1 = Math.max(ey1, box[i * 4 + 3]);
    }
    var cw = (ex1 - ex0) / GRID || 1, ch = (ey1 - ey0) / GRID || 1;
    var cells = [];
    for (i = 0; i < GRID * GRID; i++) cells.push([]);
    function cell(v, v0, size) { return Math.max(0, Math.min(GRID - 1, Math.floor((v - v0) / size))); }
    for (i = 0; i < geoms.length; i++) {
      if (!(box[i * 4] <= box[i * 4 + 2])) continue;
      var cx0 = cell(box[i * 4], ex0, cw), cx1 = cell(box[i * 4 + 2], ex0, cw);
      var cy0 = cell(box[i * 4 + 1], ey0, ch), cy1 = cell(box[i * 4 + 3], ey0, ch);
      for (var cy = cy0; cy <= cy1; cy++) {
        for (var cx = cx0; cx <= cx1; cx++) cells[cy * GRID + cx].push(i);
      }
    }

    function contains(f, x, y) {
      var inside = false;
      rings[f].forEach(function (ring) {
        ring.forEach(function (ref) {
          var id = ref < 0 ? ~ref : ref;
          for (var j = start[id] + 1; j < start[id + 1]; j++) {
            var xa = xs[j - 1], ya = ys[j - 1], xb = xs[j], yb = ys[j];
            if ((ya > y) !== (yb > y) && x < xa + ((y - ya) * (xb - xa)) / (yb - ya)) {
              inside = !inside;
            }
          }
        });
      });
      return inside;
    }

    return {
      count: geoms.length,
      xs: xs, ys: ys, start: start, arcBox: arcBox, used: used, rings: rings, box: box,
      /** The feature containing the zoom-0 pixel (x, y), or -1. */
      find: function (x, y) {
        if (x < ex0 || x > ex1 || y < ey0 || y > ey1) return -1;
        var list = cells[cell(y, ey0, ch) * GRID + cell(x, ex0, cw)];
        for (var n = 0; n < list.length; n++) {
          var f = list[n], b = f * 4;
          if (x >= box[b] && x <= box[b + 2] && y >= box[b + 1] && y <= box[b + 3] &&
              contains(f, x, y)) return f;
        }
        return -1;
      }
    };
  }

  var PADDING = 0.1; // share of the view drawn beyond each edge, as Leaflet's renderers do

  /* Arcs in canvas pixels (k: zoom scale, ox/oy: the canvas's top-left in zoom pixels). */
  function projectArcs(g, k, ox, oy, width, height) {
    var n = g.start.length - 1;
    var px = new Float32Array(g.xs.length), py = new Float32Array(g.xs.length);
    var from = new Int32Array(n), to = new Int32Array(n), visible = new Uint8Array(n);
    var vx0 = ox / k, vy0 = oy / k, vx1 = (ox + width) / k, vy1 = (oy + height) / k;
    var m = 0;
    for (var a = 0; a < n; a++) {
      from[a] = to[a] = m;
      if (!g.used[a]) continue;
      var b = a * 4;
      visible[a] = g.arcBox[b] <= vx1 && g.arcBox[b + 2] >= vx0 &&
                   g.arcBox[b + 1] <= vy1 && g.arcBox[b + 3] >= vy0 ? 1 : 0;
      var s = g.start[a], e = g.start[a + 1] - 1;
      var lx = g.xs[s] * k - ox, ly = g.ys[s] * k - oy;
      px[m] = lx; py[m] = ly; m++;
      for (var j = s + 1; j < e; j++) {
        var x = g.xs[j] * k - ox, y = g.ys[j] * k - oy;
        if (Math.abs(x - lx) + Math.abs(y - ly) < 0.5) continue;
        px[m] = lx = x; py[m] = ly = y; m++;
      }
      if (e > s) { px[m] = g.xs[e] * k - ox; py[m] = g.ys[e] * k - oy; m++; }
      to[a] = m;
    }
    return { px: px, py: py, from: from, to: to, visible: visible };
  }

  /* One commune's rings as the current path, from the arcs in canvas pixels. */
  function trace(ctx, g, arcs, feature) {
    var px = arcs.px, py = arcs.py;
    ctx.beginPath();
    g.rings[feature].forEach(function (ring) {
      ring.forEach(function (ref, r) {
        var a = ref < 0 ? ~ref : ref, s = arcs.from[a], e = arcs.to[a] - 1;
        if (ref < 0) {
          if (r === 0) ctx.moveTo(px[e], py[e]);
          for (var j = e - 1; j >= s; j--) ctx.lineTo(px[j], py[j]);
        } else {
          if (r === 0) ctx.moveTo(px[s], py[s]);
          for (var i = s + 1; i <= e; i++) ctx.lineTo(px[i], py[i]);
        }
      });
      ctx.closePath();
    });
  }

  /* Diagonal hatching, a dark line with a light edge: it shows on light and dark fills. */
  var hatchTile = null;
  function hatch(ctx) {
    if (!hatchTile) {
      hatchTile = document.createElement("canvas");
      hatchTile.width = hatchTile.height = 8;
      var h = hatchTile.getContext("2d");
      [["rgba(255, 255, 255, 0.9)", 3], ["rgba(0, 0, 0, 0.7)", 1.2]].forEach(function (pen) {
        h.strokeStyle = pen[0];
        h.lineWidth = pen[1];
        h.beginPath();
        [-8, 0, 8].forEach(function (d) { h.moveTo(d, 8); h.lineTo(d + 8, 0); });
        h.stroke();
      });
    }
    return ctx.createPattern(hatchTile, "repeat");
  }

  /* Draws the features of `g` whose class is in o.classes; returns how many were drawn. */
  function draw(ctx, g, o, k, ox, oy, width, height) {
    var arcs = projectArcs(g, k, ox, oy, width, height);
    var px = arcs.px, py = arcs.py, from = arcs.from, to = arcs.to;
    var vx0 = ox / k, vy0 = oy / k, vx1 = (ox + width) / k, vy1 = (oy + height) / k;
    var byClass = {}, marked = [];
    var drawn = 0;
    for (var f = 0; f < g.count; f++) {
      var b = f * 4;
      if (!(g.box[b] <= vx1 && g.box[b + 2] >= vx0 && g.box[b + 1] <= vy1 && g.box[b + 3] >= vy0)) {
        continue;
      }
      var code = o.codes.charAt(f);
      if (!o.classes[code]) continue;
      (byClass[code] = byClass[code] || []).push(f);
      if (o.marked && o.marked.charAt(f) === "1") marked.push(f);
      drawn++;
    }
    ctx.clearRect(0, 0, width, height);
    ctx.lineJoin = "round";
    ctx.globalAlpha = o.fill.fillOpacity;
    // One fill per commune: Skia fills many small paths much faster than one path of
    // thousands of rings (measured 50 ms against 300-430 ms for the region).
    Object.keys(byClass).forEach(function (c) {
      ctx.fillStyle = o.classes[c].color;
      byClass[c].forEach(function (feature) {
        trace(ctx, g, arcs, feature);
        ctx.fill("evenodd");
      });
    });
    if (marked.length) {
      ctx.globalAlpha = 1;
      ctx.fillStyle = hatch(ctx);
      marked.forEach(function (feature) {
        trace(ctx, g, arcs, feature);
        ctx.fill("evenodd");
      });
    }
    if (o.fill.weight > 0) {
      ctx.globalAlpha = o.fill.opacity;
      ctx.strokeStyle = o.fill.color;
      ctx.lineWidth = o.fill.weight;
      ctx.beginPath();
      for (var a = 0; a < from.length; a++) {
        if (!arcs.visible[a] || to[a] - from[a] < 2) continue;
        ctx.moveTo(px[from[a]], py[from[a]]);
        for (var j = from[a] + 1; j < to[a]; j++) ctx.lineTo(px[j], py[j]);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    return drawn;
  }

  /* The canvas of one layer and what follows the map: its redraw after each move and zoom,
   * its scaling during a zoom animation, the tooltip of the commune under the mouse. */
  function canvasView(g, o) {
    var map = null, canvas = null, tooltip = null, northWest = null, hovered = -1;

    function reset() {
      var size = map.getSize();
      var pad = size.multiplyBy(PADDING).round();
      var min = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      var max = map.containerPointToLayerPoint(size.add(pad)).round();
      var width = max.x - min.x, height = max.y - min.y;
      var ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(canvas, min);
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      northWest = map.layerPointToLatLng(min);
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var k = map.options.crs.scale(map.getZoom()) / map.options.crs.scale(0);
      var origin = map.getPixelOrigin().add(min);
      canvas.dataset.drawn = String(draw(ctx, g, o, k, origin.x, origin.y, width, height));
    }

    // The canvas follows a zoom animation: its top-left corner where the map will put it.
    function animateZoom(e) {
      var panePosition = map.containerPointToLayerPoint([0, 0]).multiplyBy(-1);
      var pixelOrigin = map.project(e.center, e.zoom)
        .subtract(map.getSize().divideBy(2)).add(panePosition).round();
      var offset = map.project(northWest, e.zoom).subtract(pixelOrigin);
      L.DomUtil.setTransform(canvas, offset, map.getZoomScale(e.zoom));
    }

    function hide() {
      hovered = -1;
      if (map && tooltip && map.hasLayer(tooltip)) map.closeTooltip(tooltip);
    }

    function hover(e) {
      var target = e.originalEvent && e.originalEvent.target;
      if (target && target.classList && target.classList.contains("leaflet-interactive")) {
        hide(); // another layer's shape (a QPV, the chosen place) has its own tooltip
        return;
      }
      var p = map.project(e.latlng, 0);
      var f = g.find(p.x, p.y);
      var code = f < 0 ? null : o.codes.charAt(f);
      if (f < 0 || !o.classes[code]) {
        hide();
        return;
      }
      if (f !== hovered) tooltip.setContent(o.tooltip(f, code));
      hovered = f;
      tooltip.setLatLng(e.latlng);
      if (!map.hasLayer(tooltip)) map.openTooltip(tooltip);
    }

    // The commune under a click, for the caller (a summary shown at once, in the map).
    function click(e) {
      if (!o.click) return;
      var p = map.project(e.latlng, 0);
      var f = g.find(p.x, p.y);
      if (f >= 0 && o.classes[o.codes.charAt(f)]) o.click(f, o.codes.charAt(f));
    }

    return {
      // Leaflet subscribes these while the layer is on the map (zoomanim only fires when the
      // map animates its zooms).
      events: {
        viewreset: reset, moveend: reset, zoomanim: animateZoom, mousemove: hover, mouseout: hide,
        click: click
      },
      add: function (addedTo, pane) {
        map = addedTo;
        canvas = L.DomUtil.create("canvas", "zonage-communes leaflet-zoom-animated");
        canvas.style.pointerEvents = "none";
        canvas.dataset.communes = String(g.count);
        if (o.id) canvas.dataset.layer = o.id;
        pane.appendChild(canvas);
        tooltip = L.tooltip({ direction: "auto", className: "zonage-commune-tooltip" });
        hovered = -1;
        reset();
      },
      remove: function () {
        L.DomUtil.remove(canvas);
        hide();
        canvas = null;
        map = null;
      }
    };
  }

  var Layer = L.Layer.extend({
    initialize: function (geom, options) {
      L.setOptions(this, options);
      this.view = canvasView(geom, this.options);
    },
    onAdd: function (map) { this.view.add(map, this.getPane()); },
    onRemove: function () { this.view.remove(); },
    getEvents: function () { return this.view.events; }
  });

  window.ZonageCommunes = {
    geometry: geometry,
    layer: function (geom, options) { return new Layer(geom, options); }
  };
})();
