// The enhancements of the lieux pages; each page works without them.
//
//  1. The commune field of the search becomes a combobox (ARIA 1.2 pattern: the list of
//     suggestions is a listbox, arrows move in it, Enter chooses, Escape closes) fed by
//     GET /api/v1/communes?q=…; choosing a commune also sets the hidden code_insee.
//  2. An element #carte with data-marqueurs (and data-zones for the coverage layer) becomes a
//     Leaflet map below the list it repeats. Leaflet is loaded only then, from the URLs the page
//     gives in data attributes: no inline script (the CSP forbids it).
//
// tools/build-assets.sh copies this file to web/dist with a content fingerprint.

const MIN_CHARS = 2;
const DELAY_MS = 150;

function commune(container) {
  const input = container.querySelector("input[name=commune]");
  const endpoint = container.dataset.autocompletion;
  if (!input || !endpoint) return;
  const form = input.form;
  let hidden = form.querySelector("input[name=code_insee]");
  const listId = "commune-suggestions";
  const list = document.createElement("ul");
  list.id = listId;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Communes proposées");
  list.className = "relais-commune__liste";
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.insertAdjacentElement("afterend", list);
  list.insertAdjacentElement("afterend", status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let items = [];
  let active = -1;
  let timer = 0;
  let asked = "";

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(i) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((o, k) => o.setAttribute("aria-selected", k === i ? "true" : "false"));
    active = i;
    if (i >= 0 && options[i]) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    const c = items[i];
    if (!c) return;
    input.value = c.nom;
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "code_insee";
      form.appendChild(hidden);
    }
    hidden.value = c.code_insee;
    close();
    status.textContent = `${c.nom} choisie.`;
  }

  function show(data) {
    items = data;
    list.replaceChildren();
    data.forEach((c, i) => {
      const li = document.createElement("li");
      li.id = `${listId}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "relais-commune__option";
      const where = [c.code_postal, c.departement_nom || c.departement].filter(Boolean).join(", ");
      li.textContent = where ? `${c.nom} (${where})` : c.nom;
      // mousedown, not click: the input must not lose the choice to its blur.
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        choose(i);
      });
      list.appendChild(li);
    });
    const open = data.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
    status.textContent = open
      ? `${data.length} commune${data.length > 1 ? "s" : ""} proposée${data.length > 1 ? "s" : ""} : flèches pour choisir.`
      : "Aucune commune proposée.";
  }

  async function ask(q) {
    asked = q;
    try {
      const res = await fetch(`${endpoint}?q=${encodeURIComponent(q)}`, { headers: { Accept: "application/json" } });
      if (!res.ok || asked !== q) return;
      const body = await res.json();
      if (asked === q) show(Array.isArray(body.data) ? body.data : []);
    } catch {
      close(); // the plain field still works: the server resolves the name
    }
  }

  input.addEventListener("input", () => {
    if (hidden) hidden.value = "";
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < MIN_CHARS) {
      close();
      return;
    }
    timer = setTimeout(() => ask(q), DELAY_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      highlight(Math.min(active + 1, items.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

function load(tag, attrs) {
  return new Promise((resolve, reject) => {
    const el = document.createElement(tag);
    Object.assign(el, attrs);
    el.onload = resolve;
    el.onerror = reject;
    document.head.appendChild(el);
  });
}

function popup(m) {
  const box = document.createElement("div");
  const a = document.createElement("a");
  a.href = `/lieux/${m.id}`;
  a.textContent = m.nom;
  a.className = "govuk-link";
  const p = document.createElement("p");
  p.textContent = m.adresse + (m.approx ? " (position approximative)" : "");
  box.append(a, p);
  return box;
}

async function carte(el) {
  let markers;
  let zones = null;
  try {
    markers = JSON.parse(el.dataset.marqueurs || "[]");
    if (el.dataset.zones) zones = JSON.parse(el.dataset.zones);
  } catch {
    return;
  }
  if (!window.L) {
    try {
      await Promise.all([
        load("link", { rel: "stylesheet", href: el.dataset.leafletCss }),
        load("script", { src: el.dataset.leafletJs }),
      ]);
    } catch {
      return; // no map: the list above says everything
    }
  }
  const L = window.L;
  el.hidden = false;
  const map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tuiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  const bounds = [];
  for (const m of markers) {
    L.marker([m.lat, m.lon], { title: m.nom, alt: m.nom, opacity: m.approx ? 0.7 : 1 })
      .bindPopup(popup(m))
      .addTo(map);
    bounds.push([m.lat, m.lon]);
  }
  if (zones && Array.isArray(zones.features)) {
    for (const f of zones.features) {
      if (!f.geometry || f.geometry.type !== "Point") continue;
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties || {};
      const label = p.minutes == null ? `${p.nom} : aucun lieu` : `${p.nom} : environ ${p.minutes} min`;
      L.circleMarker([lat, lon], { radius: Math.max(4, Math.min(14, Math.sqrt(p.population || 1) / 6)), color: "#ca3535", weight: 1, fillOpacity: 0.5 })
        .bindTooltip(label)
        .addTo(map);
      bounds.push([lat, lon]);
    }
  }
  if (bounds.length === 1) map.setView(bounds[0], 14);
  else if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
}

document.querySelectorAll(".relais-commune[data-autocompletion]").forEach(commune);
document.querySelectorAll("#carte[data-marqueurs]").forEach((el) => {
  carte(el);
});
