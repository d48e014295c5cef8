/* Progressive enhancement: the map of the home page, the point picker of the post form, and
   the "use my position" buttons. Every page works without this file. */
(function () {
  "use strict";
  var dataNode = document.getElementById("map-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);

  function locate(button, done) {
    if (!button || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        done(pos.coords.latitude, pos.coords.longitude);
      });
    });
  }

  function baseMap(element, zoom) {
    var map = L.map(element, { scrollWheelZoom: false }).setView(data.centre, zoom);
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "" }).addTo(map);
    map.attributionControl.setPrefix(false);
    return map;
  }

  var feedMap = document.getElementById("map");
  if (feedMap && window.L) {
    feedMap.textContent = "";
    var map = baseMap(feedMap, data.radius_km > 5 ? 12 : 14);
    var bounds = [];
    data.points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;
      L.marker([p.lat, p.lon], { title: p.title, alt: p.title }).addTo(map).bindPopup(link);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
    locate(document.getElementById("locate"), function (lat, lon) {
      document.getElementById("f-lat").value = lat.toFixed(5);
      document.getElementById("f-lon").value = lon.toFixed(5);
      document.getElementById("filters").submit();
    });
  }

  // The post form's picker: no point until the member gives one (a tap, their position, or a
  // place of the list), so that nothing is published at the map's centre by mistake.
  var pickMap = document.getElementById("pick-map");
  if (pickMap && window.L) {
    var latInput = document.getElementById("f-lat");
    var lonInput = document.getElementById("f-lon");
    var placeInput = document.getElementById("f-place");
    var typedLat = parseFloat(latInput.value), typedLon = parseFloat(lonInput.value);
    var given = !isNaN(typedLat) && !isNaN(typedLon);
    var picker = L.map(pickMap, { scrollWheelZoom: false })
      .setView(given ? [typedLat, typedLon] : data.centre, given ? 15 : 12);
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "" }).addTo(picker);
    picker.attributionControl.setPrefix(false);
    var marker = null;
    function show(lat, lon) {
      if (marker) { marker.setLatLng([lat, lon]); return; }
      marker = L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(picker);
      marker.on("dragend", function () { var p = marker.getLatLng(); set(p.lat, p.lng); });
    }
    function set(lat, lon) {
      latInput.value = lat.toFixed(5);
      lonInput.value = lon.toFixed(5);
      show(lat, lon);
    }
    if (given) { show(typedLat, typedLon); }
    picker.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    locate(document.getElementById("pick-locate"), function (lat, lon) {
      set(lat, lon);
      picker.setView([lat, lon], 16);
    });
    if (placeInput) {
      placeInput.addEventListener("change", function () {
        var wanted = placeInput.value.trim().toLowerCase();
        var found = (data.places || []).filter(function (p) { return p.name.toLowerCase() === wanted; });
        if (found.length) {
          set(found[0].lat, found[0].lon);
          picker.setView([found[0].lat, found[0].lon], 15);
        } else if (wanted) {
          // An unknown name: the server looks it up (and says so) rather than an older point.
          latInput.value = "";
          lonInput.value = "";
          if (marker) { picker.removeLayer(marker); marker = null; }
        }
      });
    }
  } else if (pickMap) {
    pickMap.hidden = true;
  }

  // The coordination view: each visit as its area (an H3 cell, about 100 m), never a point.
  var visitsMap = document.getElementById("visits-map");
  if (visitsMap && window.L) {
    visitsMap.textContent = "";
    var vmap = baseMap(visitsMap, 15);
    L.circle(data.centre, { radius: data.radius_m, color: "#1a4fd6", fill: false, weight: 2 }).addTo(vmap);
    data.visits.forEach(function (v) {
      // Leaflet renders a string tooltip as HTML; a partner's association name is text.
      var label = document.createElement("span");
      label.textContent = v.label;
      L.circle([v.lat, v.lon], {
        radius: 90, weight: 2, color: v.asleep ? "#8a1c00" : "#0b5d3b", fillOpacity: 0.35
      }).addTo(vmap).bindTooltip(label);
    });
    vmap.fitBounds(L.latLng(data.centre).toBounds(data.radius_m * 2));
    locate(document.getElementById("visits-locate"), function (lat, lon) {
      document.getElementById("f-lat").value = lat.toFixed(5);
      document.getElementById("f-lon").value = lon.toFixed(5);
      document.getElementById("visit-filters").submit();
    });
  }
}());
