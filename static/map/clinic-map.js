/* The clinic map's behaviour, loaded in st_folium's frame after Leaflet.
 *
 * components/clinic_map/elements.py adds one short call per map element, with
 * that map's settings as JSON; everything else is here, where a linter and the
 * browser's cache see it. See docs/adr/0007-map-drawn-offline-and-updated-in-place.md.
 */
/* global L */
(function () {
  "use strict";

  var LAND = "#f3f0e8";
  var COAST = "#8f9aa3";

  // The map's background layers: decoration, not the answer. A request can fail while the
  // page reconnects (its replica restarting, a phone between masts), so it is tried again,
  // waiting longer each time; if it never comes, the map carries on without that layer.
  var TRIES = 5;
  function json(url, use) {
    function attempt(tried) {
      fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      }).then(use, function (failure) {
        if (tried + 1 < TRIES) {
          setTimeout(function () { attempt(tried + 1); }, 500 * Math.pow(2, tried));
        } else if (window.console) {
          console.warn("clinic map: no " + url + " (" + failure + ")");
        }
      });
    }
    attempt(0);
  }

  // st_folium appends the stylesheets after loading the scripts, and runs the map
  // script without waiting for them: resolves once every stylesheet has loaded.
  function styled() {
    var pending = Array.prototype.filter.call(
      document.querySelectorAll('link[rel="stylesheet"]'), function (link) { return !link.sheet; });
    return Promise.all(pending.map(function (link) {
      return new Promise(function (done) {
        link.addEventListener("load", done);
        link.addEventListener("error", done);
      });
    }));
  }

  // Town names: plain text in their own pane (not markers: nothing to click or tab to),
  // each from the zoom at which it no longer crowds a bigger town's name.
  var TownNames = L.Layer.extend({
    initialize: function (towns, options) { this._towns = towns; L.setOptions(this, options); },
    onAdd: function () {
      this._box = L.DomUtil.create("div", "town-names leaflet-zoom-hide", this.getPane());
      this._map.on("moveend viewreset", this._draw, this);
      this._draw();
    },
    onRemove: function () {
      this._map.off("moveend viewreset", this._draw, this);
      L.DomUtil.remove(this._box);
    },
    _draw: function () {
      // Only the names in view (and a margin), so that a redraw stays cheap.
      var map = this._map, zoom = map.getZoom(), box = this._box;
      var view = map.getBounds().pad(0.25);
      box.textContent = "";
      this._towns.forEach(function (town) {
        if (town[3] > zoom || !view.contains([town[1], town[2]])) { return; }
        var at = map.latLngToLayerPoint([town[1], town[2]]);
        var name = L.DomUtil.create("span", "town-name", box);
        name.textContent = town[0];
        name.style.left = at.x + "px";
        name.style.top = at.y + "px";
      });
    }
  });

  // What is not needed to answer waits until the page is idle: the frame shares the page's main
  // thread, and decoding the picture and laying out the town names held back the first search.
  function whenIdle(work) {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 1); };
    var go = function () { idle(work, {timeout: 3000}); };
    if (document.readyState === "complete") { go(); } else { window.addEventListener("load", go, {once: true}); }
  }

  // The smallest of the picture's sizes with a pixel for every pixel of the map at this zoom (the
  // largest if none has): a phone opens on the islands, where a quarter or half of them do. Screen
  // pixels, not the device's: the picture is a wash of colour, and its dots show at one.
  function sharpEnough(map, catchment) {
    var b = catchment.bounds;
    var across = map.project([b[0][0], b[1][1]]).x - map.project([b[0][0], b[0][1]]).x;
    var pictures = catchment.pictures;
    for (var i = 0; i < pictures.length; i++) {
      if (pictures[i][0] >= across) { return pictures[i][1]; }
    }
    return pictures[pictures.length - 1][1];
  }

  function showCatchment(map, catchment) {
    var urls = catchment.pictures.map(function (p) { return p[1]; });
    // Made now, loaded only once added to the map (at its size for the view then).
    var picture = L.imageOverlay(urls[0], catchment.bounds, {pane: "catchment", interactive: false, alt: ""});
    // Zoomed in to streets, the picture's 430 m squares are coarse: let the land and names show through.
    function fade() { picture.setOpacity(map.getZoom() >= 10 ? 0.45 : 1); }
    map.on("zoomend", fade);
    fade();
    // Zoomed in further than its size is sharp at, the next size up; never back down (that one is loaded).
    var shown = -1;
    function sharpen() {
      var wanted = urls.indexOf(sharpEnough(map, catchment));
      if (wanted > shown) { shown = wanted; picture.setUrl(urls[wanted]); }
    }
    var input;
    var Legend = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var box = L.DomUtil.create("div", "catchment-legend leaflet-control");
        box.innerHTML = catchment.legend_html;  // built and escaped by the server
        input = box.querySelector("input");
        input.addEventListener("change", function () {
          if (input.checked) { picture.addTo(map); } else { picture.remove(); }
          box.classList.toggle("off", !input.checked);
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    new Legend().addTo(map);
    whenIdle(function () {
      sharpen();
      map.on("zoomend", sharpen);
      if (input.checked) { picture.addTo(map); }
      json(catchment.data_url, function (data) {
        new TownNames(data.towns, {pane: "towns"}).addTo(map);
        map.getContainer().setAttribute("data-towns", "drawn");
      });
    });
  }

  // Now if the map's view is not about to be fitted (fitView), else once it is.
  function whenFitted(map, work) {
    if (map.getContainer().getAttribute("data-fit") === "pending") { map.once("viewfitted", work); } else { work(); }
  }

  // The map's own background: land and sea, who goes where, towns; names the frame.
  function background(map, o) {
    // Drawn unstyled, the controls and the legend would jump when the stylesheets come.
    var box = map.getContainer();
    box.style.visibility = "hidden";
    styled().then(function () { box.style.visibility = ""; });
    document.title = o.title;
    // Same origin, so the frame can name its own <iframe> for screen readers.
    if (window.frameElement) { window.frameElement.setAttribute("title", o.title); }
    map.getContainer().setAttribute("aria-label", o.title);
    [["land", 150], ["catchment", 250], ["towns", 450]].forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = pane[1];
    });
    map.getPane("towns").setAttribute("aria-hidden", "true");
    map.attributionControl.addAttribution(o.credit);
    json(o.land_url, function (land) {
      // Drawn at the view the map settles on: drawn before the first fit, every coast would be
      // projected and drawn twice, in tasks that hold up the page's main thread.
      whenFitted(map, function () {
        // Canvas: one picture to redraw at a new zoom, not thousands of SVG path points.
        L.geoJSON(land, {pane: "land", interactive: false, renderer: L.canvas({pane: "land"}),
                         style: {color: COAST, weight: 1, opacity: 1, fillColor: LAND, fillOpacity: 1}}).addTo(map);
        map.getContainer().setAttribute("data-land", "drawn");
      });
    });
    if (o.catchment) { showCatchment(map, o.catchment); }
  }

  // Keep clinic pins far enough apart to tap one (WCAG 2.2 target size), at every zoom:
  // pins closer than `gap` px across (and overlapping up and down) move sideways into a
  // row `gap` apart, each joined to its true place by a thin line.
  function spreadMarkers(map, markers, o) {
    var lines = L.layerGroup().addTo(map);
    function shift(el, dx) {
      if (!el) { return; }
      if (el.dataset.marginLeft === undefined) { el.dataset.marginLeft = el.style.marginLeft || "0px"; }
      el.style.marginLeft = (parseFloat(el.dataset.marginLeft) + dx) + "px";
    }
    function spread() {
      lines.clearLayers();
      var pins = markers.map(function (marker) {
        return {marker: marker, at: map.latLngToLayerPoint(marker.getLatLng())};
      }).sort(function (a, b) { return a.at.x - b.at.x; });
      var rows = [], row = [];
      pins.forEach(function (pin) {
        var last = row[row.length - 1];
        if (last && pin.at.x - last.at.x < o.gap && Math.abs(pin.at.y - last.at.y) < o.tall) {
          row.push(pin);
        } else {
          if (row.length) { rows.push(row); }
          row = [pin];
        }
      });
      if (row.length) { rows.push(row); }
      rows.forEach(function (row) {
        var start = (row[0].at.x + row[row.length - 1].at.x) / 2 - o.gap * (row.length - 1) / 2;
        row.forEach(function (pin, i) {
          var dx = row.length > 1 ? Math.round(start + o.gap * i - pin.at.x) : 0;
          shift(pin.marker._icon, dx);
          shift(pin.marker._shadow, dx);
          if (dx) {
            L.polyline([pin.marker.getLatLng(), map.layerPointToLatLng(pin.at.add([dx, 0]))],
                       {interactive: false, weight: 2, color: "#1b1b1b"}).addTo(lines);
          }
        });
      });
    }
    map.on("zoomend viewreset", spread);
    spread();
  }

  // Fit the view to a box, with room for the markers' pins and labels.
  function fitView(map, o) {
    // "pending" until this layer's view is fitted, for whatever waits on the view (the tests).
    map.getContainer().setAttribute("data-fit", "pending");
    function fit() {
      // Below the legend in the top-right corner, whatever its height on this screen.
      var legend = map.getContainer().querySelector(".catchment-legend");
      var topLeft = o.paddingTopLeft;
      if (legend) { topLeft = [topLeft[0], Math.max(topLeft[1], legend.offsetHeight + 40)]; }
      map.fitBounds(o.bounds, {paddingTopLeft: topLeft, paddingBottomRight: o.paddingBottomRight,
                               maxZoom: o.maxZoom, animate: false});
      map.getContainer().setAttribute("data-fit", "done");
      map.fire("viewfitted");
    }
    // The frame shares the page's thread: redrawing the map at a new zoom takes about
    // 10 ms, so it waits until the page has painted the answer. The layer usually arrives
    // in the frame that paints the answer card; a task queued from that frame's callback
    // would run before the next frame and hold it back, so it waits one frame more.
    // The legend is measured styled, so the first fit also waits for the stylesheets.
    styled().then(function () {
      requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(fit, 0); }); });
    });
  }

  // Place the always-shown labels again once the stylesheets have loaded. Leaflet measures
  // a permanent tooltip when it opens, and an unstyled tooltip is a block as wide as the map,
  // so a label measured before leaflet.css applied lands up to the map's width left of its
  // marker. A stylesheet that is already loaded fires no `load`; its labels are right already.
  function placeLabelsOnceStyled(map) {
    function place() {
      map.eachLayer(function (layer) {
        var tooltip = layer.getTooltip && layer.getTooltip();
        if (tooltip && tooltip.isOpen()) { tooltip.update(); }
      });
    }
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      link.addEventListener("load", place);
    });
    window.addEventListener("load", place);
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(place); }
  }

  window.clinicMap = {
    background: background,
    spreadMarkers: spreadMarkers,
    fitView: fitView,
    placeLabelsOnceStyled: placeLabelsOnceStyled
  };
}());
