/* Small-Cap Weekly chart loader (hand-written; served as charts.js after the theme configs).
 *
 * Renders every <div class="vl-chart" data-spec="NAME.vl.json"> on the page with vegaEmbed
 * (from vega-bundle.js, loaded before this file). The spec path is relative to the page; the
 * data a spec loads (chart-data.csv) is relative to the spec, which is not next to the page on
 * the home page: the loader fetches it (once for all the charts that use it) and inlines it
 * before embedding, so Vega never resolves a URL against the page. The
 * Vega config follows mkdocs-material's palette: body[data-md-color-scheme="slate"] is dark.
 * Charts re-render when the palette is toggled and after each instant navigation (document$).
 * Until a chart renders, the element keeps its fallback content (e.g. a static SVG image).
 */
(function () {
  "use strict";

  var THEMES = window.SMALLCAP_CHART_THEMES || { light: {}, dark: {} };
  var specs = {}; // URL -> Promise of the parsed spec, shared by re-renders
  var texts = {}; // data URL -> Promise of its text, shared by every chart of the page

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  function loadSpec(url) {
    if (!specs[url]) {
      specs[url] = fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error("chart spec " + url + ": HTTP " + response.status);
        }
        return response.json();
      });
      specs[url].catch(function () {
        delete specs[url]; // let a later render retry
      });
    }
    return specs[url];
  }

  function loadText(url) {
    if (!texts[url]) {
      texts[url] = fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error("chart data " + url + ": HTTP " + response.status);
        }
        return response.text();
      });
      texts[url].catch(function () {
        delete texts[url]; // let a later render retry
      });
    }
    return texts[url];
  }

  // A copy of a spec node in which every data {url: ...} (relative to the spec's URL, base)
  // holds the fetched text as inline values instead; the format (CSV, parse) is kept.
  function withData(node, base, isData) {
    if (Array.isArray(node)) {
      return Promise.all(
        node.map(function (v) {
          return withData(v, base, false);
        })
      );
    }
    if (!node || typeof node !== "object") {
      return Promise.resolve(node);
    }
    var keys = Object.keys(node);
    return Promise.all(
      keys.map(function (k) {
        return withData(node[k], base, k === "data");
      })
    ).then(function (values) {
      var out = {};
      keys.forEach(function (k, i) {
        out[k] = values[i];
      });
      if (!isData || typeof out.url !== "string") {
        return out;
      }
      return loadText(new URL(out.url, base).href).then(function (text) {
        delete out.url;
        out.values = text;
        return out;
      });
    });
  }

  function render(el) {
    var url = new URL(el.getAttribute("data-spec"), window.location.href).href;
    var theme = scheme();
    return loadSpec(url)
      .then(function (spec) {
        return withData(spec, url, false); // data URLs are relative to the spec, not the page
      })
      .then(function (spec) {
        if (el._vlResult) {
          el._vlResult.finalize();
        }
        var target = document.createElement("div");
        target.className = "vl-chart__view";
        target.style.width = "100%"; // vega-embed's inline-block would otherwise have no width
        el.replaceChildren(target);
        return window
          .vegaEmbed(target, spec, {
            renderer: "svg",
            actions: false,
            config: THEMES[theme],
            tooltip: { theme: theme },
          })
          .then(function (result) {
            el._vlResult = result;
            el.setAttribute("data-rendered", theme);
          });
      });
  }

  function renderAll() {
    var charts = document.querySelectorAll("div.vl-chart[data-spec]");
    Array.prototype.forEach.call(charts, function (el) {
      render(el).catch(function (error) {
        el.setAttribute("data-error", String(error && error.message));
        console.error(error);
      });
    });
  }

  function watchPalette() {
    var observer = new MutationObserver(function () {
      var theme = scheme();
      var stale = document.querySelectorAll("div.vl-chart[data-rendered]");
      Array.prototype.forEach.call(stale, function (el) {
        if (el.getAttribute("data-rendered") !== theme) {
          render(el).catch(function (error) {
            console.error(error);
          });
        }
      });
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function start() {
    watchPalette();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(renderAll); // fires for the first page and every instant load
    } else {
      renderAll();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
